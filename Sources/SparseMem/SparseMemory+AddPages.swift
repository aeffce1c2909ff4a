import NDEmuCore

extension SparseMemory {
    /// `__add_pages(nid, pfn, nr_pages, params)` for a range without an altmap.
    public mutating func addPages(_ pfn: PFN, _ nr: PageCount, log: inout KernelLog) throws(KernelError) {
        var none: VMemAltmap? = nil
        try addPages(pfn, nr, altmap: &none, log: &log)
    }

    /// `__add_pages(nid, pfn, nr_pages, params)`: activates `nr` pages from `pfn` section by section,
    /// the way the modelled kernel does.
    ///
    /// - Before 5.3: every section the range touches is added **whole**, with no alignment check;
    ///   a section that is already valid gives -EEXIST, which `__add_pages` swallows.
    /// - v7 (May 2019): per-section chunks through v7's `section_active_mask`; a chunk whose first
    ///   pfn is already `pfn_valid` (or that collides) gives a swallowed -EEXIST.
    /// - 5.3+: `check_pfn_span` (sub-section alignment, -EINVAL and the "Misaligned" WARN); each
    ///   chunk through `sparse_add_section` (empty mask -EINVAL, collision -EEXIST, -ENOMEM from an
    ///   exhausted altmap); the first failing chunk ends the call and earlier chunks **stay added**.
    ///
    /// Before any of that: the addressable check (5.5–5.10 `check_hotplug_memory_addressable`,
    /// 5.11+ `mhp_range_allowed`, which the kernel runs in the callers; ndemu runs it here so the
    /// section table is never indexed past `NR_MEM_SECTIONS`), and the altmap check ("memory add
    /// fail, invalid altmap", -EINVAL; on success `altmap.alloc` is reset to 0).
    public mutating func addPages(_ pfn: PFN, _ nr: PageCount, altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        defer { debugCheck(pfn, nr) }
        try checkAddressable(pfn, nr, log: &log)
        if var a = altmap {
            guard a.basePFN == pfn, a.offset <= nr else {
                warnOnce(.invalidAltmap, KernelMessages.invalidAltmap, log: &log)
                throw KernelError(.EINVAL, KernelMessages.invalidAltmap)
            }
            a.alloc = .zero
            altmap = a
        }
        switch era.granularity {
        case .section:
            try addWholeSections(pfn, nr, altmap: &altmap, log: &log)
        case .subsectionV7, .subsection:
            try checkPFNSpan(pfn, nr, function: "__add_pages", log: &log)
            var chunks = ChunkLoop(geometry, pfn, nr, zeroChunk: Self.zeroChunk(pfn, nr, geometry, era))
            while let chunk = chunks.next() {
                if v7 {
                    // v7's __add_section: a valid first pfn is -EEXIST, which __add_pages ignores
                    // ("EEXIST is finally dealt with by ioresource collision check").
                    if pfnValid(chunk.pfn) { continue }
                    do { try sparseAddSection(chunk, altmap: &altmap, log: &log) }
                    catch where error.errno == .EEXIST { continue }
                } else {
                    try sparseAddSection(chunk, altmap: &altmap, log: &log)
                }
            }
        }
    }

    /// The chunks of ``hotplugChunks(_:_:)`` without building an array (the common, non-zero case).
    struct ChunkLoop {
        var walk: SectionWalk.Iterator
        var zeroChunk: SectionChunk?
        init(_ geometry: SectionGeometry, _ pfn: PFN, _ nr: PageCount, zeroChunk: SectionChunk?) {
            walk = SectionWalk(pfn, nr, geometry: geometry).makeIterator()
            self.zeroChunk = zeroChunk
        }
        @inline(__always) mutating func next() -> SectionChunk? {
            if let z = zeroChunk { zeroChunk = nil; return z }
            return walk.next()
        }
    }

    /// The chunks the era's section loop visits. 5.5+ walks `while pfn < end_pfn` (no chunk for
    /// zero pages); 5.3/5.4 and v7 loop `start_sec ..= end_sec` with `end_sec` from `pfn + nr - 1`,
    /// which for zero pages inside a section visits that section with a zero-page chunk.
    func hotplugChunks(_ pfn: PFN, _ nr: PageCount) -> [SectionChunk] {
        if let z = Self.zeroChunk(pfn, nr, geometry, era) { return [z] }
        return nr.rawValue == 0 ? [] : Array(SectionWalk(pfn, nr, geometry: geometry))
    }

    /// The zero-page chunk 5.3/5.4 and v7 visit for `nr_pages == 0` inside a section.
    @inline(__always)
    static func zeroChunk(_ pfn: PFN, _ nr: PageCount, _ g: SectionGeometry, _ era: Era) -> SectionChunk? {
        guard nr.rawValue == 0, !era.loopByPFN, pfn.rawValue != 0, g.offsetInSection(pfn) != 0 else { return nil }
        return SectionChunk(section: g.section(of: pfn), pfn: pfn, pages: .zero, isWholeSection: false)
    }

    /// The addressable check of the era (see ``addPages(_:_:altmap:log:)``). Also refuses a range
    /// whose end wraps 64 bits.
    mutating func checkAddressable(_ pfn: PFN, _ nr: PageCount, log: inout KernelLog) throws(KernelError) {
        let shift = UInt64(arch.pageShift)
        let startAddr = pfn.rawValue << shift
        let sizeBytes = nr.rawValue << shift
        let fits = pfn.rawValue >> (64 - shift) == 0 && nr.rawValue >> (64 - shift) == 0
            && startAddr.addingReportingOverflow(sizeBytes).overflow == false
        let maxPhys = arch.physicalLimit.rawValue - 1
        if era.mhpRangeAllowed {
            let end = startAddr &+ sizeBytes
            if fits && startAddr < end && end - 1 <= maxPhys { return }
            let text = KernelMessages.hotplugRangeNotAllowed(start: startAddr, end: end, rangeStart: 0, rangeEnd: maxPhys)
            log.warn(text)
            throw KernelError(.E2BIG, text)
        }
        if era.addressableCheck {
            let maxAddr = ((pfn.rawValue &+ nr.rawValue) << shift) &- 1
            if fits && maxAddr >> UInt64(arch.maxPhysmemBits) == 0 { return }
            let text = KernelMessages.exceedsAddressable(start: startAddr, maxAddress: maxAddr, physmemBits: arch.maxPhysmemBits)
            log.warn(text)
            throw KernelError(.E2BIG, text)
        }
        // No check in this kernel: a range past NR_MEM_SECTIONS would index past mem_section[].
        if !fits || pfn.rawValue + nr.rawValue > geometry.maxPFN.rawValue {
            throw KernelError(.E2BIG, "ndemu: the range ends past MAX_PHYSMEM_BITS (\(arch.maxPhysmemBits) bits); kernel \(behaviour.kernel) has no check for this and would index past mem_section[]")
        }
    }

    /// `check_pfn_span(pfn, nr_pages, reason)`: with SPARSEMEM_VMEMMAP both must be multiples of
    /// `PAGES_PER_SUBSECTION` (v7: its `PAGES_PER_SUB_SECTION`), else the WARN and -EINVAL.
    /// For v7 the check (and its text) is inferred from v9's "Prepare for sub-section ranges"
    /// context lines; v7's own copy of that patch was not read (spec §9).
    mutating func checkPFNSpan(_ pfn: PFN, _ nr: PageCount, function: StaticString, log: inout KernelLog) throws(KernelError) {
        let unit = geometry.pagesPerUnit
        guard !pfn.isMultiple(of: unit) || !nr.isMultiple(of: unit) else { return }
        let text = KernelMessages.misaligned(function, start: pfn, last: pfn.rawValue &+ nr.rawValue &- 1,
                                             hexPrefix: era.hexPrefix)
        log.warn(text)
        throw KernelError(.EINVAL, text)
    }

    /// `sparse_add_section()` (5.3+, and v7's): `sparse_index_init`, `section_activate`, mark present,
    /// `sparse_init_one_section` (which keeps PRESENT/ONLINE/EARLY/TAINT and ORs in HAS_MEM_MAP).
    mutating func sparseAddSection(_ chunk: SectionChunk, altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        let s = chunk.section
        let i = table.slotIndex(creating: s)
        // section_activate: fill_subsection_map's checks. A usage allocated for this call would
        // be freed again on failure; since a fresh usage is empty it cannot collide, so it is
        // allocated only once the mask is known to be non-empty.
        let g = geometry
        guard let mask = SectionMask.forRange(chunk.pfn, chunk.pages, geometry: g, v7: era.granularity == .subsectionV7) else {
            throw KernelError(.EINVAL)
        }
        var slot = table[at: i]
        if slot.usage == 0 {
            slot.usage = table.usage.allocate()
            slot.bootUsage = false
        } else if table.usage.intersects(slot.usage, .map, mask) {
            throw KernelError(.EEXIST)
        }
        let id = slot.usage
        // The early-section shortcut: a partial add into a boot section reuses its memmap.
        let early = era.earlyFlag ? slot.flags.contains(.early) : slot.bootUsage
        let reuse = !chunk.isWholeSection && early
        let units = SectionMask.covering(chunk, geometry: g)
        if altmap == nil && (reuse || units == mask) {
            let pmd = !reuse && (chunk.isWholeSection ? vmemmapWhole : vmemmapPartial).mapping == .pmd
            table.usage.activate(id, mask, memmap: !reuse, pmd: pmd)
            slot.flags.formUnion([.present, .hasMemMap])
            table[at: i] = slot
            table.notePresent(s)
            return
        }
        table[at: i] = slot
        table.usage.set(id, .map, mask)
        if !reuse {
            do {
                try populate(s, usage: id, units: units, wholeSection: chunk.isWholeSection, altmap: &altmap, log: &log)
            } catch {
                // section_activate's rollback: section_deactivate(pfn, nr, altmap), then -ENOMEM.
                table.usage.clear(id, .map, mask)
                if table.usage.isEmpty(id, .map) {
                    if !slot.bootUsage { table.usage.release(id); table[at: i].usage = 0 }
                    table[at: i].flags = []
                }
                throw error
            }
        }
        table[at: i].flags.insert(.hasMemMap)
        table.markPresent(s, at: i)
    }

    /// See ``SectionMask/covering(_:geometry:)``.
    func coveringUnits(_ chunk: SectionChunk) -> SectionMask? { SectionMask.covering(chunk, geometry: geometry) }

    /// Pre-5.3 `__add_pages`: every touched section, whole, through `__add_section` →
    /// `sparse_add_one_section`. -EEXIST is swallowed; any other error ends the loop.
    mutating func addWholeSections(_ pfn: PFN, _ nr: PageCount, altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        let first = geometry.section(of: pfn)
        let lastPFN = pfn.rawValue &+ nr.rawValue &- 1
        guard nr.rawValue > 0 || (pfn.rawValue != 0 && geometry.offsetInSection(pfn) != 0) else { return }
        let last = geometry.section(of: PFN(lastPFN))
        guard last >= first else { return }
        let all = SectionMask(0...(geometry.bitsPerSection - 1))
        var s = first
        while true {
            // __add_section: a valid section is -EEXIST (swallowed).
            if !pfnValid(geometry.firstPFN(of: s)) {
                table.indexInit(s)   // -EEXIST from an existing root is fine here
                if !table[s].flags.contains(.present) {
                    let id = table.usage.allocate()
                    table[s].usage = id
                    do {
                        try populate(s, usage: id, units: all, wholeSection: true, altmap: &altmap, log: &log)
                    } catch {
                        table.usage.release(id); table[s].usage = 0
                        throw error
                    }
                    table.usage.set(id, .map, all)
                    table.markPresent(s)
                    table[s].flags.insert(.hasMemMap)
                }
            }
            if s == last { break }
            s = s.advanced(by: 1)
        }
    }
}
