import Testing
import NDEmuCore
@testable import SparseMem

/// Every one of the 2,080 sub-section ranges [i, j] of one x86_64 section, in three starting
/// states, against the naive per-sub-section model.
@Suite("All 2,080 sub-section ranges of an x86_64 section")
struct ExhaustiveSubsectionTests {
    static let section: UInt64 = 0x60
    static let pairs: [(Int, Int)] = (0..<64).flatMap { i in (i..<64).map { (i, $0) } }

    enum Start: String, CaseIterable { case fresh, earlyHalfRAM, hotMiddle }

    @Test func thereAre2080Ranges() { #expect(Self.pairs.count == 2080) }

    @Test(arguments: ["5.3", "5.9", "6.1"], Start.allCases)
    func everyRange(kernel: String, start: Start) throws {
        var base = K.memory(kernel)
        var baseLog = KernelLog()
        let s0 = Self.section * 0x8000
        switch start {
        case .fresh: break
        case .earlyHalfRAM: try base.boot(systemRAM: [K.range((s0 + 0x4000) << 12, 0x4000 << 12)], log: &baseLog)
        case .hotMiddle: _ = base.add((s0 + 16 * 0x200) << 12, 32 * 0x200 << 12, log: &baseLog)
        }
        var baseModel = NaiveSparseModel(base)
        switch start {
        case .fresh: break
        case .earlyHalfRAM: baseModel.boot([(s0 + 0x4000, s0 + 0x8000)])
        case .hotMiddle: _ = baseModel.add(s0 + 16 * 0x200, 32 * 0x200)
        }
        #expect(baseModel.differences(from: base).isEmpty)

        for (i, j) in Self.pairs {
            var m = base, model = baseModel, log = KernelLog()
            let pfn = s0 + UInt64(i) * 0x200, nr = UInt64(j - i + 1) * 0x200
            let addErr = m.addErrno(pfn, nr, log: &log)
            #expect(addErr == model.add(pfn, nr), "add [\(i), \(j)]")
            let removeErr = m.removeErrno(pfn, nr, log: &log)
            #expect(removeErr == model.remove(pfn, nr), "remove [\(i), \(j)]")
            let d = model.differences(from: m)
            #expect(d.isEmpty, "[\(i), \(j)] from \(start): \(d)")
            for k in 0..<64 where m.pfnValid(PFN(s0 + UInt64(k) * 0x200)) != model.pfnValid(s0 + UInt64(k) * 0x200) {
                Issue.record("[\(i), \(j)]: pfn_valid differs at sub-section \(k)")
            }
            #expect(m.checkInvariants().isEmpty)
            if d.isEmpty == false { break }
        }
    }
}
