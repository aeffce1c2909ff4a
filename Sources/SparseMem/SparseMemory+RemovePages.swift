import NDEmuCore

extension SparseMemory {
    /// `__remove_pages(pfn, nr_pages, altmap)` without an altmap.
    public mutating func removePages(_ pfn: PFN, _ nr: PageCount, log: inout KernelLog) throws(KernelError) {
        var none: VMemAltmap? = nil
        try removePages(pfn, nr, altmap: &none, log: &log)
    }

    /// `__remove_pages(pfn, nr_pages, altmap)`: deactivates `nr` pages from `pfn`, section by section.
    ///
    /// From 5.3 the kernel function returns nothing; its failures are WARNs. ndemu throws the
    /// `-EINVAL` its helpers produce internally (`check_pfn_span`, `clear_subsection_map`) so a
    /// caller can count the failure, after the whole loop ran: a chunk that fails does not stop
    /// the later ones, exactly as in the kernel.
    ///
    /// - Before 5.3: whole sections only (`BUG_ON` otherwise, which ndemu reports as -EINVAL with
    ///   the BUG line); a section that is not valid ends the loop with -EINVAL, silently.
    /// - 5.3+ and v7: `check_pfn_span`; for each chunk, `__remove_section` (`WARN_ON_ONCE` for a
    ///   section that is not valid) → `section_deactivate`: the "section already deactivated"
    ///   WARN unless the chunk's mask is a subset of the map; otherwise the bits go, the memmap of
    ///   the range is freed (early sections by era: spec §3.6), and a section whose map empties
    ///   loses every flag and (unless it is a boot allocation) its usage.
    public mutating func removePages(_ pfn: PFN, _ nr: PageCount, altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        defer { debugCheck(pfn, nr) }
        guard pfn.advanced(by: nr) != nil, pfn.rawValue &+ nr.rawValue <= geometry.maxPFN.rawValue else {
            // Past the section table: every section is "not valid".
            warnOnce(.removeSectionNotValid, KernelMessages.removeSectionNotValid, log: &log)
            throw KernelError(.EINVAL, "ndemu: the range ends past MAX_PHYSMEM_BITS (\(arch.maxPhysmemBits) bits)")
        }
        if era.granularity == .section {
            try removeWholeSections(pfn, nr, altmap: &altmap, log: &log)
            return
        }
        try checkPFNSpan(pfn, nr, function: "__remove_pages", log: &log)
        var firstError: KernelError?
        var chunks = ChunkLoop(geometry, pfn, nr, zeroChunk: Self.zeroChunk(pfn, nr, geometry, era))
        while let chunk = chunks.next() {
            guard let i = table.slotIndex(chunk.section), table[at: i].flags.contains(.hasMemMap) else {
                let text = KernelMessages.removeSectionNotValid
                warnOnce(.removeSectionNotValid, text, log: &log)
                firstError = firstError ?? KernelError(.EINVAL, text)
                continue
            }
            if let e = sectionDeactivate(chunk, at: i, altmap: &altmap, log: &log) {
                firstError = firstError ?? e
            }
        }
        if let e = firstError { throw e }
    }

    /// `section_deactivate(pfn, nr_pages, altmap)` (5.3+, v7): returns the WARN as an error, or nil.
    mutating func sectionDeactivate(_ chunk: SectionChunk, at i: Int, altmap: inout VMemAltmap?, log: inout KernelLog) -> KernelError? {
        let slot = table[at: i]
        let early = era.isEarly(slot)          // recorded on entry (the mmotm fix in 5.3)
        let id = slot.usage
        let mask = SectionMask.forRange(chunk.pfn, chunk.pages, geometry: geometry, v7: v7)
        // clear_subsection_map: the mask must be a subset of the map; then it is cleared.
        let cleared: Bool? = id == 0 ? nil : mask.map { table.usage.clearMap(id, $0) } ?? table.usage.isEmpty(id, .map)
        guard let empty = cleared else {
            let text: String
            if v7 {
                let active = id == 0 ? 0 : table.usage.word(id, .map, 0)
                let m = mask.map { $0.map(count: geometry.bitsPerSection)[word: 0] } ?? 0
                text = KernelMessages.alreadyDeactivatedV7(active: active, mask: m)
            } else {
                text = KernelMessages.alreadyDeactivated(chunk.pfn, chunk.pages)
            }
            log.warn(text)
            return KernelError(.EINVAL, text)
        }

        // The memmap (spec §3.6 step 4).
        let range = SectionMask.covering(chunk, geometry: geometry)
        if era.neverPartlyFreeEarly {
            if !early { if let r = range { depopulate(chunk.section, usage: id, units: r, altmap: &altmap) } }
            else if empty { freeBootMemmap(usage: id) }
        } else {
            if early && empty { freeBootMemmap(usage: id) }
            else if let r = range { depopulate(chunk.section, usage: id, units: r, altmap: &altmap) }
        }

        if empty {
            // 5.3: keep the usage of an early section; 5.6+: keep a PageReserved (boot) usage.
            let keep = era.bootUsageKept ? slot.bootUsage : early
            if !keep {
                assert(table.usage.isEmpty(id, .memmap), "freeing a usage whose section still has memmap")
                table.usage.release(id)
                table[at: i].usage = 0
                table[at: i].bootUsage = false
            }
            table[at: i].flags = []
        }
        return nil
    }

    /// Pre-5.3 `__remove_pages` → `__remove_section` → `sparse_remove_one_section`.
    mutating func removeWholeSections(_ pfn: PFN, _ nr: PageCount, altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        guard geometry.offsetInSection(pfn) == 0, nr.isMultiple(of: geometry.pagesPerSection) else {
            let text = KernelMessages.bug("mm/memory_hotplug.c")
            log.err(text)
            throw KernelError(.EINVAL, text)
        }
        let all = SectionMask(0...(geometry.bitsPerSection - 1))
        for chunk in SectionWalk(pfn, nr, geometry: geometry) {
            let s = chunk.section
            guard let slot = table.slot(s), slot.flags.contains(.hasMemMap) else { throw KernelError(.EINVAL) }
            // The word and the usemap pointer are zeroed; a bootmem usemap is left behind (leaked),
            // a kmalloc'ed one freed. Either way the section no longer holds it.
            if isEarly(slot) { freeBootMemmap(usage: slot.usage) } else { depopulate(s, usage: slot.usage, units: all, altmap: &altmap) }
            table.usage.clear(slot.usage, .map, all)
            table.usage.release(slot.usage)
            table[s] = SectionSlot()
        }
    }
}
