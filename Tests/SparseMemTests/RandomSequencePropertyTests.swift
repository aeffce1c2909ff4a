import Testing
import PropertyBased
import NDEmuCore
@testable import SparseMem

/// Random add/remove sequences on every architecture and several kernels, against the naive
/// model, with PropertyBased generators driven by fixed seeds (the same sequences every run).
@Suite("Random add/remove sequences vs the naive model")
struct RandomSequencePropertyTests {
    struct Op: CustomStringConvertible {
        var add: Bool
        var pfn: UInt64
        var nr: UInt64
        var description: String { "\(add ? "add" : "remove") \(PFN(pfn)) + \(nr)" }
    }

    /// Ops over a window of 6 sections so that ranges collide, cross sections and empty them;
    /// one in 16 is misaligned by one page.
    static func ops(_ m: SparseMemory, count: Int, seed: UInt64) -> (boot: [(UInt64, UInt64)], ops: [Op]) {
        var rng = Xoshiro(seed: (seed, 0x9e3779b97f4a7c15, seed &* 31, 0xdeadbeef))
        let unit = m.arch.pagesPerSubsection.rawValue
        let units = m.arch.subsectionsPerSection
        let base = 8 * m.arch.pagesPerSection.rawValue
        let window = 6 * units
        let startGen = Gen.int(in: 0..<window)
        let lenGen = Gen.int(in: 1...(2 * units + 2))
        let addGen = Gen.bool(0.6)
        let skew = Gen.int(in: 0..<16)
        // Boot RAM: the tail of section 8 and the head of section 10.
        let bootRAM: [(UInt64, UInt64)] = [(base + 5 * unit + 3, base + UInt64(units) * unit),
                                           (base + 2 * UInt64(units) * unit, base + 2 * UInt64(units) * unit + 7 * unit)]
        var out: [Op] = []
        for _ in 0..<count {
            let s = UInt64(startGen.run(using: &rng)), l = UInt64(lenGen.run(using: &rng))
            let misalign: UInt64 = skew.run(using: &rng) == 0 ? 1 : 0
            out.append(Op(add: addGen.run(using: &rng), pfn: base + s * unit + misalign, nr: l * unit))
        }
        return (bootRAM, out)
    }

    @Test(arguments: ArchProfile.names, ["5.2", "5.3", "5.9", "6.1", "6.12"])
    func sequencesMatchTheModel(arch: String, kernel: String) throws {
        for seed in UInt64(1)...3 {
            var m = K.memory(kernel, arch: arch)
            var model = NaiveSparseModel(m)
            let (boot, ops) = Self.ops(m, count: 100, seed: seed)
            var log = KernelLog()
            try m.boot(systemRAM: boot.map { K.range($0.0 << UInt64(m.arch.pageShift), ($0.1 - $0.0) << UInt64(m.arch.pageShift)) }, log: &log)
            // PFN_UP: the model boots from the first whole page, as the engine does.
            model.boot(boot)
            #expect(model.differences(from: m).isEmpty, "after boot")
            for (n, op) in ops.enumerated() {
                let got = op.add ? m.addErrno(op.pfn, op.nr, log: &log) : m.removeErrno(op.pfn, op.nr, log: &log)
                let want = op.add ? model.add(op.pfn, op.nr) : model.remove(op.pfn, op.nr)
                #expect(got == want, "seed \(seed) op \(n) \(op)")
                let d = model.differences(from: m)
                #expect(d.isEmpty, "seed \(seed) op \(n) \(op): \(d)")
                #expect(m.checkInvariants().isEmpty, "seed \(seed) op \(n)")
                if got != want || !d.isEmpty { return }
            }
        }
    }
}
