import NDEmuCore

extension SparseMemory {
    /// A broken invariant of the section table (spec §7).
    public struct InvariantViolation: Error, CustomStringConvertible, Sendable {
        public let section: SectionNumber?
        public let problem: String
        public var description: String { section.map { "section \($0): \(problem)" } ?? problem }
    }

    /// Checks spec §7's per-section invariants on the sections `touching` covers (all when nil).
    /// Returns the violations (empty when all hold).
    public func checkInvariants(touching bounds: ClosedRange<SectionNumber>? = nil) -> [InvariantViolation] {
        var out: [InvariantViolation] = []
        func fail(_ s: SectionNumber, _ p: String) { out.append(InvariantViolation(section: s, problem: p)) }
        let all = SectionMask(0...(geometry.bitsPerSection - 1))
        table.forEachUsed(in: bounds) { s, slot in
            let f = slot.flags
            let id = slot.usage
            // 8. Valid implies usage and a non-empty map.
            if f.contains(.hasMemMap) {
                if id == 0 { fail(s, "HAS_MEM_MAP without a usage"); return }
                if table.usage.isEmpty(id, .map) { fail(s, "HAS_MEM_MAP with an empty sub-section map") }
                if !f.contains(.present) { fail(s, "HAS_MEM_MAP without PRESENT") }
            }
            guard id != 0 else {
                if f.contains(.hasMemMap) || f.contains(.early) { fail(s, "flags \(f) without a usage") }
                return
            }
            let mapEmpty = table.usage.isEmpty(id, .map)
            // 9. Empty means reset.
            if mapEmpty && !f.isEmpty && !(behaviour.hotplugGranularity == .section) {
                // A booted section is present before its map is set only transiently.
                fail(s, "empty sub-section map but flags \(f)")
            }
            if !mapEmpty && !f.contains(.hasMemMap) { fail(s, "active sub-sections but not valid") }
            // 5/6. Bit implies memmap (non-early); early means full memmap (from 5.9 always).
            let early = isEarly(slot)
            let pool = table.usage
            for w in 0..<geometry.wordsPerMap {
                let map = pool.word(id, .map, w), memmap = pool.word(id, .memmap, w)
                if !early && !v7 && map != memmap { fail(s, "word \(w): map \(map) and memmap \(memmap) disagree"); break }
                if (pool.word(id, .altmap, w) | pool.word(id, .pmd, w)) & ~memmap != 0 { fail(s, "word \(w): altmap/pmd bits without memmap"); break }
            }
            if early && behaviour.has(.earlySectionMemmapNeverPartlyFreed) && f.contains(.hasMemMap)
                && !pool.contains(id, .memmap, all) {
                fail(s, "early section without its full boot memmap")
            }
            if f.contains(.early) && !behaviour.has(.sectionIsEarlyFlag) { fail(s, "EARLY before 5.3") }
            if f.contains(.taintZoneDevice) && !behaviour.has(.sectionTaintZoneDevice) { fail(s, "TAINT before 5.12") }
            if f.contains(.present), let h = table.highestPresent, s > h { fail(s, "present above __highest_present_section_nr") }
        }
        return out
    }

    /// Debug builds: invariants of the sections a pfn range touched.
    @inline(__always) func debugCheck(_ pfn: PFN, _ nr: PageCount) {
        #if DEBUG
        guard nr.rawValue > 0, let end = pfn.advanced(by: nr) else { return }
        let first = geometry.section(of: pfn), last = geometry.section(of: PFN(end.rawValue - 1))
        let v = checkInvariants(touching: first...last)
        assert(v.isEmpty, "sparse invariants broken: \(v)")
        #endif
    }

    @inline(__always) func debugCheckAll() {
        #if DEBUG
        let v = checkInvariants()
        assert(v.isEmpty, "sparse invariants broken: \(v)")
        #endif
    }
}
