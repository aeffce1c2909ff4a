import NDEmuCore
import IOMem
import SparseMem

/// One emulated boot of the layers below libnvdimm: the firmware map (after the command
/// line's `memmap=` options), the iomem tree built from it, the section table booted with its
/// System RAM, the pgmap registry, and the kernel log they all write.
public struct HotplugHost: Sendable {
    public let behaviour: KernelBehaviour
    public let arch: ArchProfile
    /// The e820 map the kernel ends up with.
    public let firmware: FirmwareMap
    public var iomem: ResourceTree
    public var sparse: SparseMemory
    public var pagemaps: PagemapRegistry
    public var log: KernelLog

    /// Boots: applies `commandLine`, trims the BIOS area on x86 (`trim_bios_range()`), inserts
    /// the e820 resources (`e820__reserve_resources()`), and boots SPARSEMEM with the map's
    /// System RAM.
    public init(firmware: FirmwareMap, commandLine: KernelCommandLine? = nil, arch: ArchProfile,
                behaviour: KernelBehaviour, input: String = "kernel command line") throws(InputError) {
        var log = KernelLog()
        var map = try commandLine.map { c throws(InputError) in try firmware.applying(c, behaviour: behaviour, log: &log, input: input) } ?? firmware
        if arch.family == .x86_64 { map = map.trimmingBIOSRange() }
        if let beyond = map.entries.last(where: { $0.range.end > arch.physicalLimit }) {
            throw InputError(input, "\(beyond.type.iomemName) \(beyond.range) ends past the \(arch.maxPhysmemBits)-bit physical address space of \(arch)")
        }
        var sparse = SparseMemory(arch: arch, behaviour: behaviour)
        do { try sparse.boot(systemRAM: map.ranges(of: .ram), log: &log) }
        catch { throw InputError("firmware map", "boot failed: \(error)") }
        self.behaviour = behaviour; self.arch = arch; self.firmware = map
        self.iomem = map.resourceTree; self.sparse = sparse
        self.pagemaps = PagemapRegistry(arch: arch, behaviour: behaviour); self.log = log
    }

    /// `devm_memremap_pages()` on this machine.
    public mutating func memremapPages(_ pgmap: DevPagemap) throws(KernelError) -> MappedPagemap {
        try pagemaps.devmMemremapPages(pgmap, iomem: iomem, sparse: &sparse, log: &log)
    }

    /// `memunmap_pages()` on this machine.
    @discardableResult
    public mutating func memunmapPages(_ id: PagemapID) -> KernelError? {
        pagemaps.memunmapPages(id, sparse: &sparse, log: &log)
    }

    /// The sections a range touches, as the engine holds them now.
    public func sections(touching range: AddressRange) -> [MemSection] {
        guard let bounds = sparse.sectionBounds(of: range) else { return [] }
        return sparse.sections(in: bounds)
    }
}

extension VMemAltmapRequest {
    /// The altmap `nd_pfn_init()` would describe for a `map=dev` namespace hot-added as
    /// `window`: `base_pfn` at the window start, `reserve` pages kept for the driver, and `free`
    /// pages enough for one struct page per pfn of the window, the memmap end rounded up to a
    /// PMD (`ALIGN(start + reserve + 64 * npfns, PMD_SIZE) - start - reserve`).
    /// Nil when `reserve` is not a whole number of pages or the sum passes 2^64.
    public static func covering(_ window: AddressRange, reserve: ByteCount, arch: ArchProfile) -> VMemAltmapRequest? {
        guard reserve.isMultiple(of: arch.pageSize) else { return nil }
        let npfns = window.size.pages(pageShift: arch.pageShift)
        guard let memmap = ArchProfile.structPageSize.multiplied(by: npfns.rawValue),
              let used = reserve.adding(memmap), let offset = used.alignedUp(to: arch.pmdSize) else { return nil }
        return VMemAltmapRequest(basePFN: arch.pfn(window.start), reserve: reserve.pages(pageShift: arch.pageShift),
                                 free: (offset - reserve).pages(pageShift: arch.pageShift))
    }
}
