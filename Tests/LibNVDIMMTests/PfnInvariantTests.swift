import PropertyBased
import Testing
import NDEmuCore
@testable import LibNVDIMM

/// Spec §8 invariants 5–9 over random namespaces, by era, with fixed seeds: every block
/// nd_pfn_init() writes is page-aligned, aligned at its data start, fits, counts its pages, pads
/// as its era pads; the altmap ends exactly where data begins; and the same kernel accepts it.
@Suite struct PfnInvariantTests {
    static let arch = ArchProfile.x86_64

    @Test(arguments: ["4.15", "4.19", "5.2", "5.3", "5.4", "5.7", "6.1", "6.6"])
    func freshBlocksKeepTheInvariants(kernel: String) {
        let behaviour = KernelBehaviour(try! KernelSpec(parsing: kernel))
        var rng = Xoshiro(seed: (0x6e64, 0x9e37_79b9_7f4a_7c15, 4, 0xdead_beef))
        let sizeMiB = Gen.int(in: 16...(64 << 10))
        let startUnits = Gen.int(in: 0...(1 << 14))      // in MiB from 4 GiB
        let alignShift = Gen.element(of: [12, 21, 30])
        let ramBefore = Gen.bool(0.3), ramAfter = Gen.bool(0.3), devdax = Gen.bool(0.5), ram = Gen.bool(0.2)
        var checked = 0
        for _ in 0..<200 {
            let size = ByteCount.mib(UInt64(sizeMiB.run(using: &rng)))
            var start = PhysicalAddress(4 << 30) + .mib(UInt64(startUnits.run(using: &rng)))
            if behaviour.has(.compatAlign) { start = start.alignedDown(to: Self.arch.compatAlign) }
            let align = ByteCount.shift(alignShift.run(using: &rng) ?? 21)
            guard let ns = AddressRange(start: start, size: size) else { continue }
            var resources: [TopLevelResources.Resource] = [.init(ns, isSystemRAM: false)]
            if ramBefore.run(using: &rng), let r = AddressRange(start: ns.start.alignedDown(to: Self.arch.sectionSize).retreated(by: .gib(1)) ?? .zero, end: ns.start), !r.isEmpty {
                resources.append(.init(r, isSystemRAM: true))
            }
            if ramAfter.run(using: &rng), let r = AddressRange(start: ns.end, size: .gib(1)) { resources.append(.init(r, isSystemRAM: true)) }
            let facts = CollisionFacts(systemRAM: TopLevelResources(resources))
            let signature: InfoBlockSignature = devdax.run(using: &rng) ? .dax : .pfn
            let mode: PfnMode = ram.run(using: &rng) ? .ram : .pmem
            var log = KernelLog()
            let nsr = NamespaceResource(range: ns)
            guard let o = try? PfnNamespace.enable(namespace: nsr, settings: PfnSettings(signature: signature, mode: mode, align: align),
                                                   onMedia: nil, behaviour: behaviour, arch: Self.arch, facts: facts, log: &log) else { continue }
            checked += 1
            let b = o.block
            let pads = b.startPad + b.endTrunc
            #expect(b.dataOffset.isMultiple(of: Self.arch.pageSize), "\(ns) \(kernel)")
            #expect((ns.start + b.startPad + b.dataOffset).isAligned(to: align), "\(ns) \(kernel)")
            #expect(b.dataOffset + pads < size, "\(ns) \(kernel)")
            #expect(b.npfns.rawValue == (size - b.dataOffset - pads).rawValue / 4096, "\(ns) \(kernel)")
            if behaviour.has(.stopSectionPadding) {
                let a = ByteCount.max(align, behaviour.has(.compatAlign) ? Self.arch.compatAlign : Self.arch.subsectionSize)
                #expect(b.startPad == .zero)
                #expect(ns.end - b.endTrunc == ns.end.alignedDown(to: a))
            } else {
                if !b.startPad.isZero { #expect((ns.start + b.startPad).isAligned(to: Self.arch.sectionSize)) }
                if !b.endTrunc.isZero {
                    #expect(ns.end - b.endTrunc == Swift.min(ns.end.alignedDown(to: Self.arch.sectionSize), ns.end.alignedDown(to: align)))
                }
            }
            #expect(o.pgmapRange.size == size - pads)
            #expect(o.dataRange.start == ns.start + b.startPad + b.dataOffset)
            if let alt = o.altmap {
                let reserve = PfnInit.infoBlockReserve(Self.arch)
                #expect(alt.basePFN + alt.reserve == Self.arch.pfn(ns.start + b.startPad + reserve))
                #expect(alt.basePFN + alt.reserve + alt.free == Self.arch.pfn(o.dataRange.start))
            }
            // Round trip: the same kernel autodetects the block it wrote and maps the same data.
            var log2 = KernelLog()
            let again = PfnNamespace.probe(namespace: nsr, signature: signature, onMedia: b.encoded(), behaviour: behaviour,
                                           arch: Self.arch, log: &log2)
            guard case .personality(let p) = again else { Issue.record("\(kernel) rejects its own block for \(ns): \(again)"); continue }
            #expect(p.dataRange == o.dataRange && !p.wroteBlock)
        }
        #expect(checked > 100)
    }
}
