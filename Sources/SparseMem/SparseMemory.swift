import NDEmuCore

/// The SPARSEMEM memory model of one emulated kernel: the section table (`mem_section[][]`), each
/// section's flags, sub-section map and memmap, and the hotplug entry points that change them
/// (`mm/sparse.c`, the section loop of `mm/memory_hotplug.c`).
///
/// Life cycle, as in the kernel:
/// 1. ``init(arch:behaviour:)``, then ``boot(systemRAM:log:)`` once with the firmware's System RAM
///    (`memory_present` + `sparse_init` + `subsection_map_init`): early sections.
/// 2. ``addPages(_:_:altmap:log:)`` / ``removePages(_:_:altmap:log:)`` — `__add_pages` /
///    `__remove_pages` for a ZONE_DEVICE range (what `devm_memremap_pages` calls through
///    `arch_add_memory`), by kernel era. ``moveToZoneDevice(_:_:)`` is `move_pfn_range_to_zone`'s
///    taint step that follows a successful add on 5.12+.
/// 3. Queries: ``pfnValid(_:)``, ``pfnSectionValid(_:)``, ``pfnToOnlinePage(_:isDevicePFN:)``,
///    ``section(_:)``, ``sections(in:)``, ``memmap``, ``kernelAllocation``.
///
/// Every operation mirrors the kernel's error (a thrown `KernelError` with its errno) and writes
/// the kernel's message text into the caller's `KernelLog`. All arithmetic on pfns from callers is
/// checked; no input traps. `SparseMemory` is a value: copies are independent (copy-on-write).
///
/// In debug builds every mutation ends with ``checkInvariants(touching:)`` (spec §7).
public struct SparseMemory: Sendable {
    public let arch: ArchProfile
    public let behaviour: KernelBehaviour
    public let geometry: SectionGeometry
    var table: SectionTable
    /// Era switches the hot paths test, resolved once from `behaviour`.
    let era: Era
    /// `vmemmap_populate`'s choice for a whole-section and a partial chunk on this arch.
    let vmemmapWhole: VmemmapPolicy
    let vmemmapPartial: VmemmapPolicy

    struct Era: Sendable {
        var granularity: KernelBehaviour.HotplugGranularity
        var earlyFlag, loopByPFN, hexPrefix: Bool
        var mhpRangeAllowed, addressableCheck, neverPartlyFreeEarly, bootUsageKept: Bool
        init(_ b: KernelBehaviour) {
            granularity = b.hotplugGranularity
            mhpRangeAllowed = b.has(.mhpRangeAllowed)
            addressableCheck = b.has(.addressableCheck)
            neverPartlyFreeEarly = b.has(.earlySectionMemmapNeverPartlyFreed)
            bootUsageKept = b.has(.bootUsageKeptByPageReserved)
            earlyFlag = b.has(.sectionIsEarlyFlag)
            loopByPFN = b.has(.hotplugLoopByPFN)
            hexPrefix = b.has(.misalignedWarnHexPrefix)
        }
        /// `early_section(ms)` (see ``SparseMemory/isEarly(_:)``).
        @inline(__always) func isEarly(_ slot: SectionSlot) -> Bool {
            earlyFlag ? slot.flags.contains(.early) : slot.usage != 0 && slot.bootUsage
        }
    }
    /// Whether ``boot(systemRAM:log:)`` ran.
    public internal(set) var isBooted = false
    /// The `WARN_ON_ONCE`/`pr_warn_once` sites that already fired in this emulated boot.
    var warned: WarnOnceSite = []

    /// Call sites that print once per boot.
    struct WarnOnceSite: OptionSet, Sendable {
        let rawValue: UInt8
        /// `WARN_ON_ONCE(!valid_section(ms))` in `__remove_section`.
        static let removeSectionNotValid = WarnOnceSite(rawValue: 1 << 0)
        /// `pr_warn_once("memory add fail, invalid altmap")` in `__add_pages`.
        static let invalidAltmap = WarnOnceSite(rawValue: 1 << 1)
        /// `WARN_ON_ONCE(1)` in `mminit_validate_memmodel_limits`.
        static let memmodelLimits = WarnOnceSite(rawValue: 1 << 2)
    }

    /// Prints `text` the first time `site` fires in this boot (the kernel's once-flag lives in
    /// the kernel image, so it is per emulated machine, not per log).
    @inline(__always) mutating func warnOnce(_ site: WarnOnceSite, _ text: @autoclosure () -> String, log: inout KernelLog) {
        guard !warned.contains(site) else { return }
        warned.insert(site)
        log.warn(text())
    }

    public init(arch: ArchProfile, behaviour: KernelBehaviour) {
        self.arch = arch
        self.behaviour = behaviour
        geometry = SectionGeometry(arch: arch, behaviour: behaviour)
        table = SectionTable(geometry: geometry)
        era = Era(behaviour)
        vmemmapWhole = VmemmapPolicy.forPopulate(arch: arch, wholeSection: true)
        vmemmapPartial = VmemmapPolicy.forPopulate(arch: arch, wholeSection: false)
    }

    /// A fresh model for `--kernel`/`--arch` style names.
    public init(kernel: KernelSpec, archName: String) throws(InputError) {
        let b = KernelBehaviour(kernel)
        self.init(arch: try ArchProfile(name: archName, behaviour: b), behaviour: b)
    }

    @inline(__always) var v7: Bool { era.granularity == .subsectionV7 }

    /// `early_section(ms)` as the era defines it: the `SECTION_IS_EARLY` flag (5.3+), else
    /// whether the usage came from bootmem (v7's `is_early_section()`; before 5.3, the usemap
    /// page test in `free_section_usemap()`).
    @inline(__always) func isEarly(_ slot: SectionSlot) -> Bool { era.isEarly(slot) }

    /// The pfn range of an address range: `PHYS_PFN(start)` and `size >> PAGE_SHIFT`, as
    /// `arch_add_memory(start, size)` computes them.
    public func pfnRange(of range: AddressRange) -> (start: PFN, pages: PageCount) {
        (arch.pfn(range.start), range.size.pages(pageShift: arch.pageShift))
    }

    /// The physical range of `pages` pages from `pfn`, or nil past 2^64.
    public func addressRange(_ pfn: PFN, _ pages: PageCount) -> AddressRange? {
        guard pages.rawValue >> UInt64(64 - arch.pageShift) == 0,
              let start = arch.address(pfn) else { return nil }
        return AddressRange(start: start, size: pages.bytes(pageShift: arch.pageShift))
    }
}
