import NDEmuCore

extension SparseMemory {
    /// `populate_section_memmap(pfn, nr, nid, altmap)` → `vmemmap_populate()` for the struct pages
    /// of `units` of section `s`: counts the vmemmap blocks that are not yet backed, takes them from
    /// the altmap when the arch's policy uses it (-ENOMEM, no fallback, when it runs out; blocks
    /// taken by this call go back), and marks the units populated.
    mutating func populate(_ s: SectionNumber, usage id: UInt32, units: SectionMask?, wholeSection: Bool,
                           altmap: inout VMemAltmap?, log: inout KernelLog) throws(KernelError) {
        guard let units else { return }
        let policy = wholeSection ? vmemmapWhole : vmemmapPartial
        if policy.usesAltmap, var a = altmap {
            let newBlocks = unbackedBlocks(s, units: units, blockBytes: policy.blockBytes)
            var taken: UInt64 = 0
            for _ in 0..<newBlocks {
                guard a.allocateBlock(policy.blockBytes, pageShift: arch.pageShift, log: &log) != nil else {
                    a.freePages(PageCount(taken * (policy.blockBytes.rawValue >> UInt64(arch.pageShift))))
                    altmap = a
                    throw KernelError(.ENOMEM)
                }
                taken += 1
            }
            altmap = a
            table.usage.set(id, .altmap, units)
        }
        table.usage.set(id, .memmap, units)
        if policy.mapping == .pmd { table.usage.set(id, .pmd, units) }
    }

    /// `depopulate_section_memmap(pfn, nr, altmap)` → `vmemmap_free()`: unmarks the units; blocks
    /// left with no populated struct page are freed, to the altmap (`vmem_altmap_free`) when one is
    /// passed and the arch frees that kind of block there (x86: PMD blocks only).
    mutating func depopulate(_ s: SectionNumber, usage id: UInt32, units: SectionMask, altmap: inout VMemAltmap?) {
        guard id != 0 else { return }
        guard var a = altmap else {
            _ = table.usage.clearMemmap(id, units)
            return
        }
        let pmd = table.usage.intersects(id, .pmd, units)
        let mapping: VmemmapMapping = pmd ? .pmd : .basePages
        guard arch.family != .x86_64 || mapping == .pmd else {
            _ = table.usage.clearMemmap(id, units)
            return
        }
        let blockBytes = VmemmapPolicy.blockBytes(mapping, arch: arch)
        let before = backedBlocks(s, units: units, blockBytes: blockBytes)
        table.usage.clear(id, .memmap, units)
        table.usage.clear(id, .altmap, units)
        table.usage.clear(id, .pmd, units)
        let freed = before - backedBlocks(s, units: units, blockBytes: blockBytes)
        a.freePages(PageCount(freed * (blockBytes.rawValue >> UInt64(arch.pageShift))))
        altmap = a
    }

    /// `free_map_bootmem()`: the whole boot memmap of an early section goes.
    mutating func freeBootMemmap(usage id: UInt32) {
        guard id != 0 else { return }
        let all = SectionMask(0...(geometry.bitsPerSection - 1))
        table.usage.clear(id, .memmap, all)
        table.usage.clear(id, .altmap, all)
        table.usage.clear(id, .pmd, all)
    }

    /// Vmemmap blocks (of `blockBytes`) overlapping the struct pages of `units` in section `s`.
    private func blockSpan(_ s: SectionNumber, units: SectionMask, blockBytes: ByteCount) -> (first: UInt64, last: UInt64, pfnsPerBlock: UInt64) {
        let ppb = max(1, blockBytes.rawValue / ArchProfile.structPageSize.rawValue)
        let unit = geometry.pagesPerUnit.rawValue
        let base = geometry.firstPFN(of: s).rawValue
        let firstPFN = base + UInt64(units.bits.lowerBound) * unit
        let endPFN = base + UInt64(units.bits.upperBound + 1) * unit
        return (firstPFN / ppb, (endPFN - 1) / ppb, ppb)
    }

    /// How many blocks over `units` have no populated struct page yet.
    func unbackedBlocks(_ s: SectionNumber, units: SectionMask, blockBytes: ByteCount) -> UInt64 {
        let span = blockSpan(s, units: units, blockBytes: blockBytes)
        let total = span.last - span.first + 1
        return total - backedBlocks(s, units: units, blockBytes: blockBytes)
    }

    /// How many blocks over `units` hold at least one populated struct page (in any section).
    func backedBlocks(_ s: SectionNumber, units: SectionMask, blockBytes: ByteCount) -> UInt64 {
        let span = blockSpan(s, units: units, blockBytes: blockBytes)
        var n: UInt64 = 0
        var b = span.first
        while b <= span.last {
            if memmapPopulated(fromPFN: b * span.pfnsPerBlock, pages: span.pfnsPerBlock) { n += 1 }
            b += 1
        }
        return n
    }

    /// Whether any struct page of `[pfn, pfn + pages)` is populated.
    func memmapPopulated(fromPFN pfn: UInt64, pages: UInt64) -> Bool {
        let unit = geometry.pagesPerUnit.rawValue
        if pages <= unit {
            let s = geometry.section(of: PFN(pfn))
            guard let slot = table.slot(s), slot.usage != 0 else { return false }
            return table.usage.test(slot.usage, .memmap, bit: geometry.unitIndex(of: PFN(pfn)))
        }
        for chunk in SectionWalk(PFN(pfn), PageCount(pages), geometry: geometry) {
            guard let slot = table.slot(chunk.section), slot.usage != 0, let m = coveringUnits(chunk) else { continue }
            if table.usage.intersects(slot.usage, .memmap, m) { return true }
        }
        return false
    }
}
