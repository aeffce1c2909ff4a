import PropertyBased
import Testing
import NDEmuCore
@testable import Platform

/// Random layouts, numbers chosen near every boundary that matters (pages, sections, 2^64):
/// loading either accepts a layout that keeps every documented rule and renders back to itself,
/// or refuses it with an `InputError` naming the source. Fixed seeds: the same layouts every run.
@Suite struct LayoutPropertyTests {
    static let interesting: [UInt64] = [
        0, 0x1000, 0x200000, 0x4000000, 0x8000000, 0xfc000000, 0x100000000, 0x200000000, 0x2fc000000,
        0x187c000000, 0xffff_ffff_ffff_f000, 0xffff_ffff_ffff_ffff, 0x8000_0000_0000_0000, 0x1ffe00000,
    ]

    static func number(_ rng: inout Xoshiro) -> String {
        let pick = Gen.int(in: 0..<4).run(using: &rng)
        let base = interesting[Gen.int(in: 0..<interesting.count).run(using: &rng)]
        switch pick {
        case 0: return "\"0x" + String(base, radix: 16) + "\""
        case 1: return String(base &+ UInt64(Gen.int(in: 0..<3).run(using: &rng)) &* 0x1000)
        case 2: return "\"\(Gen.int(in: 1..<9).run(using: &rng))\(["M", "G", "T", "K"][Gen.int(in: 0..<4).run(using: &rng)])\""
        default: return "\"0x" + String(base &- UInt64(Gen.int(in: 0..<2).run(using: &rng)) &* 0x200000, radix: 16) + "\""
        }
    }

    static func layoutText(_ rng: inout Xoshiro) -> String {
        let types = ["System RAM", "Persistent Memory", "Persistent Memory (legacy)", "Reserved"]
        let memory = (0..<Gen.int(in: 1..<4).run(using: &rng)).map { _ in
            #"{"start": \#(number(&rng)), "size": \#(number(&rng)), "type": "\#(types[Gen.int(in: 0..<types.count).run(using: &rng)])"}"#
        }
        let regions = (0..<Gen.int(in: 0..<3).run(using: &rng)).map { i in
            #"{"dev": "region\#(i)", "start": \#(number(&rng)), "size": \#(number(&rng)), "labels": "v1.2"}"#
        }
        let modes = ["raw", "fsdax", "devdax", "sector"]
        let namespaces = (0..<Gen.int(in: 0..<3).run(using: &rng)).map { i in
            let size = Gen.bool(0.5).run(using: &rng) ? #", "size": \#(number(&rng))"# : ""
            return #"{"dev": "namespace0.\#(i)", "region": "region0", "mode": "\#(modes[Gen.int(in: 0..<4).run(using: &rng)])"\#(size)}"#
        }
        return #"{"memory": [\#(memory.joined(separator: ","))], "regions": [\#(regions.joined(separator: ","))], "namespaces": [\#(namespaces.joined(separator: ","))]}"#
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func loadingKeepsTheRulesOrNamesTheSource(seed: UInt64) {
        var rng = Xoshiro(seed: (seed, 0x9e3779b97f4a7c15, seed &* 977, 0x5eed))
        var accepted = 0
        for _ in 0..<400 {
            let text = Self.layoutText(&rng)
            do {
                let l = try Layout(parsing: text, source: "random.json")
                accepted += 1
                for (a, b) in zip(l.memory, l.memory.dropFirst()) { #expect(a.range.end <= b.range.start, "\(text)") }
                for (ns, r) in l.placedNamespaces {
                    let region = try #require(l.region(named: ns.region))
                    #expect(region.range.contains(r), "\(text)")
                }
                for r in l.regions {
                    #expect(l.memory.filter { $0.type.isPersistentMemory }.contains { $0.range.overlaps(r.range) }, "\(text)")
                }
                #expect(try Layout(parsing: l.json.rendered(), source: "random.json") == l, "round trip: \(text)")
            } catch let e as InputError {
                #expect(e.input.hasPrefix("random.json"), "\(e)")
            } catch {
                Issue.record("unexpected error \(error) for \(text)")
            }
        }
        #expect(accepted > 0, "some random layouts are valid")
    }
}
