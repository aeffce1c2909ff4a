import NDEmuCore
@testable import SparseMem

/// A deliberately naive reference for the sub-section engine: one Bool per sub-section, one
/// dictionary entry per section, the rules of spec §3/§4/§7 written out directly (no bitmaps, no
/// masks, no two-level table). Kernel-era switches come from the same `KernelBehaviour` table.
struct NaiveSparseModel {
    enum Usage: Equatable { case boot, hot }
    struct Section: Equatable {
        var active: [Bool]
        var memmap: [Bool]
        var present = false, valid = false, online = false, early = false
        var usage: Usage?
        var isUnused: Bool { !present && !valid && !online && !early && usage == nil }
    }

    let behaviour: KernelBehaviour
    let pagesPerSection: UInt64
    let pagesPerUnit: UInt64
    let units: Int
    let maxPFN: UInt64
    var sections: [UInt64: Section] = [:]

    init(_ m: SparseMemory) {
        behaviour = m.behaviour
        pagesPerSection = m.arch.pagesPerSection.rawValue
        pagesPerUnit = m.arch.pagesPerSubsection.rawValue
        units = m.arch.subsectionsPerSection
        maxPFN = 1 << UInt64(m.arch.maxPhysmemBits - m.arch.pageShift)
    }

    var wholeSections: Bool { !behaviour.has(.subsectionHotplug) }
    func fresh() -> Section { Section(active: Array(repeating: false, count: units), memmap: Array(repeating: false, count: units)) }

    mutating func boot(_ ranges: [(UInt64, UInt64)]) {
        for (start, end) in ranges {
            var s = start / pagesPerSection
            while s * pagesPerSection < end {
                var sec = sections[s] ?? fresh()
                if sec.isUnused {
                    sec.present = true; sec.valid = true; sec.online = true
                    sec.early = behaviour.has(.sectionIsEarlyFlag); sec.usage = .boot
                    sec.memmap = Array(repeating: true, count: units)
                    if wholeSections { sec.active = Array(repeating: true, count: units) }
                }
                sections[s] = sec
                s += 1
            }
        }
        guard !wholeSections else { return }
        for (start, end) in ranges {
            var p = start
            while p < end {
                let s = p / pagesPerSection
                let e = min((s + 1) * pagesPerSection, end)
                for u in Int((p - s * pagesPerSection) / pagesPerUnit)...Int((e - 1 - s * pagesPerSection) / pagesPerUnit) {
                    sections[s]!.active[u] = true
                }
                p = e
            }
        }
    }

    private func isEarly(_ sec: Section) -> Bool {
        behaviour.has(.sectionIsEarlyFlag) ? sec.early : sec.usage == .boot
    }

    mutating func add(_ pfn: UInt64, _ nr: UInt64) -> Errno? {
        let end = pfn + nr
        if behaviour.has(.mhpRangeAllowed) && (nr == 0 || end > maxPFN) { return .E2BIG }
        if end > maxPFN { return .E2BIG }
        if wholeSections {
            if nr == 0 { return nil }
            for s in (pfn / pagesPerSection)...((end - 1) / pagesPerSection) {
                var sec = sections[s] ?? fresh()
                if sec.valid { continue }
                sec.valid = true; sec.present = true; sec.usage = .hot
                sec.active = Array(repeating: true, count: units); sec.memmap = sec.active
                sections[s] = sec
            }
            return nil
        }
        if pfn % pagesPerUnit != 0 || nr % pagesPerUnit != 0 { return .EINVAL }
        if nr == 0 {
            return !behaviour.has(.hotplugLoopByPFN) && pfn % pagesPerSection != 0 ? .EINVAL : nil
        }
        var p = pfn
        while p < end {
            let s = p / pagesPerSection
            let e = min((s + 1) * pagesPerSection, end)
            let lo = Int((p - s * pagesPerSection) / pagesPerUnit), hi = Int((e - 1 - s * pagesPerSection) / pagesPerUnit)
            var sec = sections[s] ?? fresh()
            if (lo...hi).contains(where: { sec.active[$0] }) { return .EEXIST }
            for u in lo...hi { sec.active[u] = true }
            if !(e - p < pagesPerSection && isEarly(sec)) { for u in lo...hi { sec.memmap[u] = true } }
            sec.present = true; sec.valid = true
            if sec.usage == nil { sec.usage = .hot }
            sections[s] = sec
            p = e
        }
        return nil
    }

    mutating func remove(_ pfn: UInt64, _ nr: UInt64) -> Errno? {
        let end = pfn + nr
        if end > maxPFN { return .EINVAL }
        if wholeSections {
            if pfn % pagesPerSection != 0 || nr % pagesPerSection != 0 { return .EINVAL }
            var p = pfn
            while p < end {
                let s = p / pagesPerSection
                guard let sec = sections[s], sec.valid else { return .EINVAL }
                _ = sec
                sections[s] = nil
                p += pagesPerSection
            }
            return nil
        }
        if pfn % pagesPerUnit != 0 || nr % pagesPerUnit != 0 { return .EINVAL }
        var error: Errno?
        var p = pfn
        while p < end {
            let s = p / pagesPerSection
            let e = min((s + 1) * pagesPerSection, end)
            defer { p = e }
            let lo = Int((p - s * pagesPerSection) / pagesPerUnit), hi = Int((e - 1 - s * pagesPerSection) / pagesPerUnit)
            guard var sec = sections[s], sec.valid else { error = error ?? .EINVAL; continue }
            guard sec.usage != nil, (lo...hi).allSatisfy({ sec.active[$0] }) else { error = error ?? .EINVAL; continue }
            let early = isEarly(sec)
            for u in lo...hi { sec.active[u] = false }
            let empty = !sec.active.contains(true)
            if behaviour.has(.earlySectionMemmapNeverPartlyFreed) {
                if !early { for u in lo...hi { sec.memmap[u] = false } }
                else if empty { sec.memmap = Array(repeating: false, count: units) }
            } else {
                if early && empty { sec.memmap = Array(repeating: false, count: units) }
                else { for u in lo...hi { sec.memmap[u] = false } }
            }
            if empty {
                let keep = behaviour.has(.bootUsageKeptByPageReserved) ? sec.usage == .boot : early
                if !keep { sec.usage = nil }
                sec.present = false; sec.valid = false; sec.online = false; sec.early = false
            }
            sections[s] = sec.isUnused ? nil : sec
        }
        return error
    }

    func pfnValid(_ pfn: UInt64) -> Bool {
        guard let sec = sections[pfn / pagesPerSection], sec.valid else { return false }
        if wholeSections { return true }
        return sec.early || sec.active[Int((pfn % pagesPerSection) / pagesPerUnit)]
    }

    /// Differences between the engine and the model ([] when they agree).
    func differences(from m: SparseMemory) -> [String] {
        var out: [String] = []
        let engine = Dictionary(uniqueKeysWithValues: m.sections().map { ($0.number.rawValue, $0) })
        for s in Set(engine.keys).union(sections.keys).sorted() {
            guard let e = engine[s] else { out.append("section \(s): only in the model"); continue }
            guard let n = sections[s] else { out.append("section \(s): only in the engine (\(e.flags))"); continue }
            let flags: SectionFlags = [n.present ? .present : [], n.valid ? .hasMemMap : [], n.online ? .online : [], n.early ? .early : []]
            if e.flags != flags { out.append("section \(s): flags \(e.flags) vs \(flags)") }
            if (e.usage == nil) != (n.usage == nil) { out.append("section \(s): usage \(e.usage != nil) vs \(n.usage != nil)") }
            if let u = e.usage, n.usage != nil {
                if u.isBootAllocation != (n.usage == .boot) { out.append("section \(s): boot usage differs") }
                if u.subsectionMap.setBits != n.active.indices.filter({ n.active[$0] }) {
                    out.append("section \(s): map \(u.subsectionMap) vs \(n.active.indices.filter { n.active[$0] })")
                }
                if e.memmap.populated.setBits != n.memmap.indices.filter({ n.memmap[$0] }) {
                    out.append("section \(s): memmap \(e.memmap.populated) vs \(n.memmap.indices.filter { n.memmap[$0] })")
                }
            }
        }
        return out
    }
}
