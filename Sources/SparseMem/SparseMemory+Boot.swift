import NDEmuCore

extension SparseMemory {
    /// Boot with the firmware's System RAM: `memory_present()` for each range, `sparse_init()`,
    /// then `subsection_map_init()` for each range (v7: `section_active_init()`), as
    /// `free_area_init_nodes()` runs them after printing the early node map.
    ///
    /// Each range becomes pfns `[PFN_UP(start), PFN_DOWN(end))`; pfns past `MAX_PHYSMEM_BITS` are
    /// clamped with a `WARN_ON_ONCE` (`mminit_validate_memmodel_limits`). Every section RAM touches
    /// becomes present, online and valid with a full boot memmap (early from 5.3), and its
    /// sub-section map covers only the RAM it holds (before 5.3 the whole section counts as active).
    ///
    /// Throws -EBUSY if the model already booted or holds sections (boot happens once).
    public mutating func boot(systemRAM: [AddressRange], log: inout KernelLog) throws(KernelError) {
        guard !isBooted, table.allocatedRoots == 0 else { throw KernelError(.EBUSY, "ndemu: sparse memory already booted") }
        isBooted = true
        defer { debugCheckAll() }
        let shift = arch.pageShift
        var ranges: [(PFN, PageCount)] = []
        for r in systemRAM.sorted(by: { $0.start < $1.start }) {
            guard let up = r.start.alignedUp(to: arch.pageSize) else { continue }
            var start = arch.pfn(up).rawValue
            var end = arch.pfn(r.end).rawValue
            guard end > start else { continue }
            let maxPFN = geometry.maxPFN.rawValue
            if end > maxPFN {
                warnOnce(.memmodelLimits, KernelMessages.warnOn("mm/sparse.c", "mminit_validate_memmodel_limits"), log: &log)
                start = min(start, maxPFN); end = maxPFN
            }
            if end > start { ranges.append((PFN(start), PageCount(end - start))) }
        }
        // memory_present(): present and online, from the section-aligned start.
        var newSections: [SectionNumber] = []
        for (pfn, nr) in ranges {
            let alignedStart = pfn.alignedDown(to: geometry.pagesPerSection)
            let pages = nr + (pfn - alignedStart)
            for chunk in SectionWalk(alignedStart, pages, geometry: geometry) {
                table.indexInit(chunk.section)
                if table[chunk.section].isUnused {
                    if behaviour.has(.sectionOnlineFlag) { table[chunk.section].flags.insert(.online) }
                    table.markPresent(chunk.section)
                    newSections.append(chunk.section)
                }
            }
        }
        // sparse_init() → sparse_init_nid(): a boot usage and a full-section memmap for each.
        let all = SectionMask(0...(geometry.bitsPerSection - 1))
        let bootPolicy = VmemmapPolicy.forBoot(arch: arch)
        for s in newSections {
            let id = table.usage.allocate()
            table[s].usage = id
            table[s].bootUsage = true
            table.usage.set(id, .memmap, all)
            if bootPolicy.mapping == .pmd { table.usage.set(id, .pmd, all) }
            table[s].flags.insert(.hasMemMap)
            if behaviour.has(.sectionIsEarlyFlag) { table[s].flags.insert(.early) }
            if behaviour.hotplugGranularity == .section { table.usage.set(id, .map, all) }
        }
        // The early node map, then subsection_map_init() per range.
        if !ranges.isEmpty { log.info(KernelMessages.earlyNodeRanges) }
        for (pfn, nr) in ranges {
            let start = pfn.rawValue << UInt64(shift)
            log.info(KernelMessages.earlyNodeRange(node: 0, start: start, last: start + (nr.rawValue << UInt64(shift)) - 1))
            guard behaviour.hotplugGranularity != .section else { continue }
            for chunk in SectionWalk(pfn, nr, geometry: geometry) {
                if let m = SectionMask.forRange(chunk.pfn, chunk.pages, geometry: geometry, v7: v7) {
                    table.usage.set(table[chunk.section].usage, .map, m)
                }
            }
        }
    }

    /// `move_pfn_range_to_zone()` into ZONE_DEVICE, its 5.12+ step: `SECTION_TAINT_ZONE_DEVICE`
    /// on the section holding `pfn` and on the one holding `pfn + nr` when either is not
    /// section-aligned. The flag is never cleared until the section word is reset. No-op before 5.12.
    public mutating func moveToZoneDevice(_ pfn: PFN, _ nr: PageCount) {
        guard behaviour.has(.sectionTaintZoneDevice), let end = pfn.advanced(by: nr) else { return }
        defer { debugCheck(pfn, nr) }
        for p in [pfn, end] where geometry.offsetInSection(p) != 0 {
            let s = geometry.section(of: p)
            if table.slot(s) != nil { table[s].flags.insert(.taintZoneDevice) }
        }
    }

    /// `online_mem_sections(start, end)` / `offline_mem_sections()`: set or clear
    /// `SECTION_IS_ONLINE` one section at a time; a section that is not valid is skipped with a
    /// `WARN_ON`. Only RAM onlining (memory blocks) does this; ZONE_DEVICE never does.
    public mutating func setOnline(_ online: Bool, _ pfn: PFN, _ nr: PageCount, log: inout KernelLog) {
        guard behaviour.has(.sectionOnlineFlag), let end = pfn.advanced(by: nr), end <= geometry.maxPFN else { return }
        defer { debugCheck(pfn, nr) }
        for chunk in SectionWalk(pfn.alignedDown(to: geometry.pagesPerSection), nr + (pfn - pfn.alignedDown(to: geometry.pagesPerSection)), geometry: geometry) {
            guard let slot = table.slot(chunk.section), slot.flags.contains(.hasMemMap) else {
                log.warn(KernelMessages.warnOn("mm/sparse.c", online ? "online_mem_sections" : "offline_mem_sections"))
                continue
            }
            if online { table[chunk.section].flags.insert(.online) } else { table[chunk.section].flags.remove(.online) }
        }
    }
}
