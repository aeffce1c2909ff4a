import Testing
import NDEmuCore
@testable import IOMem

@Suite("resource tree properties")
struct ResourceTreePropertyTests {
    static let pmem = AddressRange(start: PhysicalAddress(0x2_0000_0000), size: .mib(128))!
    static let base = ResourceTree(topLevel: [
        Resource(name: "System RAM", range: AddressRange(start: PhysicalAddress(0x1_0000_0000), size: .gib(4))!, flags: [.systemRAM, .busy]),
        Resource(name: "Persistent Memory", range: pmem, descriptor: .persistentMemory),
    ])

    /// Claims of 2 MiB-granular ranges inside one PMEM resource: a claim fails exactly when it
    /// overlaps an earlier successful one; the tree always renders and parses back to itself;
    /// releasing every claim, in any order, restores the tree exactly.
    @Test func claimsAndReleases() {
        var g = SplitMix64(seed: 0x6e64_656d_696f_6d31)
        for _ in 0..<300 {
            let claims = (0..<Int.random(in: 1...24, using: &g)).map { _ in (Int.random(in: 0...63, using: &g), Int.random(in: 1...12, using: &g)) }
            var tree = Self.base
            var held: [AddressRange] = []
            for (i, (slot, length)) in claims.enumerated() {
                guard let r = AddressRange(start: Self.pmem.start + ByteCount.mib(2) * UInt64(slot), size: .mib(2) * UInt64(length)) else { continue }
                let expectedOK = Self.pmem.contains(r) && !held.contains { $0.overlaps(r) }
                let ok: Bool
                do { try tree.requestRegion(r, name: "namespace0.\(i)"); ok = true } catch { ok = false }
                #expect(ok == expectedOK)
                if ok { held.append(r) }
                let reparsed = try? ResourceTree(parsingProcIomem: tree.procIomem, input: "render")
                #expect(reparsed?.procIomem == tree.procIomem)
            }
            for r in held.shuffled(using: &g) { #expect(tree.release(r) != nil) }
            #expect(tree == Self.base)
        }
    }
}
