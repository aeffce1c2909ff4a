import NDEmuCore
import IOMem
import SparseMem

/// Identifies one mapped pgmap in a `PagemapRegistry`.
public struct PagemapID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int
    public static func < (a: PagemapID, b: PagemapID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "pgmap\(rawValue)" }
}

/// A pgmap after a successful `devm_memremap_pages()`.
public struct MappedPagemap: Hashable, Sendable {
    public let id: PagemapID
    public let pgmap: DevPagemap
    /// The range hot-added, moved to ZONE_DEVICE and later removed: the section-aligned
    /// `align_start`/`align_size` window before 5.3, the exact range from 5.3.
    public let window: AddressRange
    /// False for the pre-4.20 shortcut: a range wholly inside System RAM "succeeds" by returning
    /// its linear-map address, and nothing is mapped or registered.
    public let hotplugged: Bool
    /// `arch_add_memory` or `add_pages`.
    public let hotplugFunction: String
    /// The altmap after the vmemmap was populated (its `alloc`/`align` show what it supplied).
    public internal(set) var altmap: VMemAltmap?
    /// `pfn_first`: `PHYS_PFN(res.start) + vmem_altmap_offset(altmap)`, the first pfn whose
    /// struct page describes device data.
    public let firstDevicePFN: PFN
    /// `pfn_end - pfn_first`: the references taken on the pgmap (`percpu_ref_get_many`) and the
    /// pages `memmap_init_zone_device()` initialises as ZONE_DEVICE.
    public let references: PageCount
}

/// ZONE_DEVICE as `move_pfn_range_to_zone()` grows it and `__remove_pages()` shrinks it:
/// the span covering every mapped window, and the pages in them.
public struct ZoneDeviceAccounting: Hashable, Sendable {
    /// `zone_start_pfn` … `zone_end_pfn()` as an address range; nil when the zone is empty.
    public var span: AddressRange?
    /// Pages moved into the zone (the sum of the mapped windows).
    public var pages: PageCount
}

/// The pgmap registry (`pgmap_array`, a radix tree before 5.1 and an xarray after) and the
/// mapping functions that fill it: `devm_memremap_pages()` / `memremap_pages()` and
/// `memunmap_pages()` (mm/memremap.c, kernel/memremap.c before 5.0), by era.
public struct PagemapRegistry: Sendable {
    public let behaviour: KernelBehaviour
    public let arch: ArchProfile
    /// Mapped pgmaps in the order they were stored.
    public private(set) var mapped: [MappedPagemap] = []
    private var nextID = 0

    public init(arch: ArchProfile, behaviour: KernelBehaviour) { self.arch = arch; self.behaviour = behaviour }

    /// `get_dev_pagemap(pfn)`: the pgmap whose exact range holds `pfn` (the pgmap_array always
    /// stores exact ranges; a later store over the same pfns wins, as `xa_store_range` overwrites).
    public func pagemap(containing pfn: PFN) -> MappedPagemap? {
        mapped.last { $0.hotplugged && arch.pfn($0.pgmap.range.start) <= pfn && pfn <= arch.pfn($0.pgmap.range.last) }
    }

    public func pagemap(_ id: PagemapID) -> MappedPagemap? { mapped.first { $0.id == id } }

    /// ZONE_DEVICE's span and pages now.
    public var zoneDevice: ZoneDeviceAccounting {
        let windows = mapped.filter(\.hotplugged).map(\.window)
        guard let lo = windows.map(\.start).min(), let hi = windows.map(\.end).max() else {
            return ZoneDeviceAccounting(span: nil, pages: .zero)
        }
        let pages = windows.reduce(PageCount.zero) { $0 + $1.size.pages(pageShift: arch.pageShift) }
        return ZoneDeviceAccounting(span: AddressRange(start: lo, end: hi), pages: pages)
    }

    /// The range an era hot-adds for `range`: `align_start` = start rounded down to a section,
    /// `align_size` = `ALIGN(start + size, SECTION_SIZE) - align_start` (≤5.2); the exact range
    /// from 5.3 (and in the v7 series).
    public func window(for range: AddressRange) -> AddressRange? {
        guard behaviour.hotplugGranularity == .section else { return range }
        let section = arch.sectionSize
        let alignStart = range.start.alignedDown(to: section)
        guard let end = range.end.alignedUp(to: section) else { return nil }
        return AddressRange(start: alignStart, end: end)
    }

    /// `devm_memremap_pages(dev, pgmap)`: validates in the kernel's order, then hot-adds the
    /// range through the sub-section engine and moves it to ZONE_DEVICE.
    ///
    /// 1. (5.3+) type checks: PRIVATE without `migrate_to_ram` or `page_free` WARNs and fails
    ///    with -EINVAL. (FS_DAX also needed `page_free` while it took the devmap-managed key,
    ///    roughly 5.3–5.18; ndemu's fsdax driver always supplies one, as pmem did, so that era
    ///    boundary is not modelled.)
    /// 2. (4.17+) an existing pgmap at the window's first or last pfn (section-aligned ends ≤5.2,
    ///    exact ends 5.3+): "Conflicting mapping in same section", -ENOMEM.
    /// 3. `region_intersects(window, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)` on `iomem`:
    ///    anything but DISJOINT warns once per boot and fails with -ENXIO (before 4.20 only
    ///    MIXED fails; INTERSECTS returns success having mapped nothing).
    /// 4. The pgmap_array store of the exact range.
    /// 5. `add_pages()` (PRIVATE) or `arch_add_memory()` of the window, with the altmap; an error
    ///    ends the call with that errno (sections the engine already added stay, as in the
    ///    kernel, whose error path does not remove them).
    /// 6. `move_pfn_range_to_zone(ZONE_DEVICE)` (5.12+: SECTION_TAINT_ZONE_DEVICE on shared
    ///    sections), `memmap_init_zone_device()`, and the references `pfn_end - pfn_first`.
    public mutating func devmMemremapPages(_ pgmap: DevPagemap, iomem: ResourceTree, sparse: inout SparseMemory,
                                          log: inout KernelLog) throws(KernelError) -> MappedPagemap {
        let b = behaviour
        // 1. Type checks (5.3+, where dev_pagemap_ops exists).
        guard pgmap.type.kernelName(b) != nil else {
            throw KernelError(.EINVAL, "ndemu: \(pgmap.type) pgmaps (MEMORY_DEVICE_PCI_P2PDMA) do not exist before 4.20")
        }
        if b.has(.subsectionHotplug) {
            if pgmap.type == .devicePrivate && !pgmap.ops.migrateToRAM {
                log.warn(MemremapMessages.missingMigrateToRAM)
                throw KernelError(.EINVAL, MemremapMessages.missingMigrateToRAM)
            }
            if pgmap.type == .devicePrivate && !pgmap.ops.pageFree {
                log.warn(MemremapMessages.missingPageFree)
                throw KernelError(.EINVAL, MemremapMessages.missingPageFree)
            }
        }
        guard let window = window(for: pgmap.range), !pgmap.range.isEmpty else {
            throw KernelError(.EINVAL, "ndemu: \(pgmap.range) cannot be widened to whole sections below 2^64")
        }
        // 2. An existing pgmap at either end.
        if b.has(.memremapConflictCheck) {
            for probe in [window.start, window.last] where pagemap(containing: arch.pfn(probe)) != nil {
                let text = MemremapMessages.conflicting(b, device: pgmap.device)
                log.warn(text)
                throw KernelError(.ENOMEM, text)
            }
        }
        // 3. System RAM in the window.
        let isRAM = iomem.regionIntersects(window, flags: .systemRAM, descriptor: .none, behaviour: b)
        if isRAM != .disjoint {
            let fails = b.has(.regionIntersectsRamFails) || isRAM == .mixed
            if fails {
                let text = MemremapMessages.attemptedOnRAM(b, isRAM, pgmap: pgmap)
                log.once("memremap_pages.region_intersects", .warn, text)
                throw KernelError(.ENXIO, text)
            }
            // Before 4.20: wholly System RAM is "already mapped": return __va(res->start).
            return MappedPagemap(id: PagemapID(rawValue: -1), pgmap: pgmap, window: pgmap.range, hotplugged: false,
                                 hotplugFunction: "", altmap: nil, firstDevicePFN: arch.pfn(pgmap.range.start), references: .zero)
        }
        // 4. pgmap_array: stored below once the hot-add succeeded (nothing observes it in between).
        // 5. Hot-add the window.
        let startPFN = arch.pfn(window.start)
        let pages = window.size.pages(pageShift: arch.pageShift)
        var altmap: VMemAltmap? = pgmap.altmap.map { VMemAltmap(basePFN: $0.basePFN, reserve: $0.reserve, free: $0.free) }
        try sparse.addPages(startPFN, pages, altmap: &altmap, log: &log)
        // 6. ZONE_DEVICE.
        sparse.moveToZoneDevice(startPFN, pages)
        let offset = altmap?.offset ?? .zero
        let firstData = arch.pfn(pgmap.range.start) + offset
        let pfnEnd = arch.pfn(pgmap.range.end)
        let refs = pfnEnd > firstData ? pfnEnd - firstData : .zero
        let m = MappedPagemap(id: PagemapID(rawValue: nextID), pgmap: pgmap, window: window, hotplugged: true,
                              hotplugFunction: pgmap.type.usesAddPages ? "add_pages" : "arch_add_memory",
                              altmap: altmap, firstDevicePFN: firstData, references: refs)
        nextID += 1
        mapped.append(m)
        return m
    }

    /// `memunmap_pages()` (`devm_memremap_pages_release()` before the split): puts the
    /// references, removes the window (`__remove_pages` for PRIVATE, `arch_remove_memory` with
    /// the altmap otherwise), deletes the pgmap_array entries, and warns once if the altmap
    /// still has pages allocated. Returns the engine's error, if removal warned.
    @discardableResult
    public mutating func memunmapPages(_ id: PagemapID, sparse: inout SparseMemory, log: inout KernelLog) -> KernelError? {
        guard let i = mapped.firstIndex(where: { $0.id == id }) else { return KernelError(.ENOENT, "ndemu: no \(id)") }
        let m = mapped.remove(at: i)
        var altmap = m.altmap
        var failure: KernelError?
        do {
            try sparse.removePages(arch.pfn(m.window.start), m.window.size.pages(pageShift: arch.pageShift),
                                   altmap: &altmap, log: &log)
        } catch { failure = error }
        if let a = altmap, a.alloc.rawValue != 0 {
            log.once("memunmap_pages.altmap", .warn, MemremapMessages.failedToFree(behaviour, device: m.pgmap.device))
        }
        return failure
    }
}
