import Testing
import NDEmuCore
@testable import Platform

/// The CLI.md minimal layout, the base every rule test mutates.
let minimalLayout = #"""
{
  "arch": "x86_64",
  "memory": [
    {"start": "0x0", "size": "0x80000000", "type": "System RAM"},
    {"start": "0x100000000", "size": "0x100000000", "type": "System RAM"},
    {"start": "0x200000000", "size": "0xfc000000", "type": "Persistent Memory (legacy)"},
    {"start": "0x2fc000000", "size": "0x104000000", "type": "System RAM"}
  ],
  "regions": [
    {"dev": "region0", "start": "0x200000000", "size": "0xfc000000", "interleave_ways": 1}
  ],
  "namespaces": [
    {"dev": "namespace0.0", "region": "region0", "mode": "fsdax", "map": "dev", "align": "2M"}
  ]
}
"""#

@Suite struct LayoutLoadingTests {
    @Test func theContractsMinimalFormLoads() throws {
        let l = try Layout(parsing: minimalLayout, source: "min.json")
        #expect(l.arch == "x86_64")
        #expect(l.memory.count == 4)
        #expect(l.memory[2].type == .persistentMemoryLegacy)
        #expect(l.memory[2].range == AddressRange(start: PhysicalAddress(0x2_0000_0000), size: ByteCount(0xfc00_0000)))
        #expect(l.regions[0].interleaveWays == 1 && l.regions[0].labels == .none)
        let ns = l.namespaces[0]
        #expect(ns.mode == .fsdax && ns.effectiveMap == .dev && ns.align == .mib(2))
        // "A namespace without size spans the rest of its region."
        #expect(l.namespaceRanges[0] == l.regions[0].range)
    }

    @Test func numbersMayBeIntegersOrStringsInTheCLISyntax() throws {
        let text = minimalLayout
            .replacingOccurrences(of: #""start": "0x200000000", "size": "0xfc000000", "type""#, with: #""start": 8589934592, "end": "0x2fbffffff", "type""#)
            .replacingOccurrences(of: #""start": "0x200000000", "size": "0xfc000000", "interleave_ways""#, with: #""start": "8G", "size": 4227858432, "interleave_ways""#)
        let a = try Layout(parsing: text, source: "a.json"), b = try Layout(parsing: minimalLayout, source: "a.json")
        #expect(a.memory == b.memory && a.regions == b.regions)
    }

    @Test func renderingRoundTrips() throws {
        let l = try Layout(parsing: minimalLayout, source: "x")
        let again = try Layout(parsing: l.json.rendered(), source: "x")
        #expect(again == l)
        #expect(l.json["regions"]?.arrayValue?.first?["size"] == .string("4032M"))
    }

    @Test func namespacesArePlacedInFileOrderInsideTheirRegion() throws {
        let text = minimalLayout.replacingOccurrences(of: #""interleave_ways": 1}"#, with: #""interleave_ways": 1, "labels": "v1.2"}"#).replacingOccurrences(of: #"{"dev": "namespace0.0", "region": "region0", "mode": "fsdax", "map": "dev", "align": "2M"}"#, with: """
            {"dev": "namespace0.0", "region": "region0", "mode": "fsdax", "size": "132M"},
            {"dev": "namespace0.1", "region": "region0", "mode": "fsdax", "size": "132M"},
            {"dev": "namespace0.2", "region": "region0", "mode": "raw"}
            """)
        let l = try Layout(parsing: text, source: "x")
        #expect(l.namespaceRanges.map(\.start.rawValue) == [0x2_0000_0000, 0x2_0840_0000, 0x2_1080_0000])
        #expect(l.namespaceRanges[2].end == l.regions[0].range.end)
    }

    /// Each rule: a mutation of the minimal layout, the entry the error must name, and words of the rule.
    @Test(arguments: [
        (#""type": "Persistent Memory (legacy)""#, #""type": "Persistent Memory (legacy)", "colour": 1"#, "memory[2]", "unknown key \"colour\""),
        (#""start": "0x2fc000000", "size": "0x104000000""#, #""start": "0x2f0000000", "size": "0x104000000""#, "memory[3]", "overlaps memory[2]"),
        (#"{"start": "0x0", "size": "0x80000000", "type""#, #"{"start": "0x0", "size": "0x180000000", "type""#, "memory[1]", "overlaps memory[0]"),
        (#""start": "0x100000000", "size": "0x100000000""#, #""start": "0x400000000", "size": "0x100000000""#, "memory[2]", "ascending"),
        (#""start": "0x200000000", "size": "0xfc000000", "interleave_ways""#, #""start": "0x1fc000000", "size": "0xfc000000", "interleave_ways""#, #"regions[0] "region0""#, "not inside persistent memory"),
        (#""start": "0x200000000", "size": "0xfc000000", "interleave_ways""#, #""start": "0x200000800", "size": "0xfc000000", "interleave_ways""#, #"regions[0] "region0""#, "page boundary"),
        (#""mode": "fsdax", "map": "dev", "align": "2M"}"#, #""mode": "fsdax", "size": "5G"}"#, #"namespaces[0] "namespace0.0""#, "larger than its region"),
        (#""mode": "fsdax", "map": "dev", "align": "2M"}"#, #""mode": "fsdax", "start": "0x2fa000000", "size": "64M"}"#, #"namespaces[0] "namespace0.0""#, "overflows its region"),
        (#""mode": "fsdax", "map": "dev", "align": "2M"}"#, #""mode": "fsdax", "start": "0x200001000", "align": "3M"}"#, #"namespaces[0] "namespace0.0""#, "power of two"),
        (#""mode": "fsdax", "map": "dev", "align": "2M"}"#, #""mode": "raw", "map": "dev"}"#, #"namespaces[0] "namespace0.0""#, "map applies to fsdax and devdax only"),
        (#""mode": "fsdax", "map": "dev", "align": "2M"}"#, #""mode": "fsdax", "size": "0x1800"}"#, #"namespaces[0] "namespace0.0""#, "multiple of the page size"),
        (#""region": "region0", "mode""#, #""region": "region9", "mode""#, #"namespaces[0] "namespace0.0""#, "region \"region9\" is not in regions"),
        (#""mode": "fsdax", "map""#, #""mode": "fsdax-ish", "map""#, #"namespaces[0] "namespace0.0".mode"#, "is not one of raw, fsdax, devdax, sector"),
        (#""size": "0x104000000", "type""#, #""size": "0xfffffffd04000000", "type""#, "memory[3]", "passes the end of the 64-bit address space"),
        (#""size": "0x104000000", "type""#, #""size": 18446744073709551616, "type""#, "memory[3]", "between 0 and 2^64-1"),
        (#""size": "0x104000000", "type""#, #""size": "1.5G", "type""#, "memory[3]", "fractions are rejected"),
        (#""arch": "x86_64""#, #""arch": "sparc64""#, "arch", "unknown architecture"),
        (#""arch": "x86_64""#, #""arch": "x86_64", "kernel_cmdline": "memmap=4G!8G""#, "kernel_cmdline", "memory has no such entry"),
        (#""type": "System RAM"}"#, #""type": "RAM"}"#, "memory[0]", "unknown memory type"),
    ])
    func everyRuleIsAnErrorNamingTheEntry(find: String, replace: String, entry: String, rule: String) {
        let text = minimalLayout.replacingOccurrences(of: find, with: replace)
        #expect(text != minimalLayout, "the mutation applies")
        do {
            let l = try Layout(parsing: text, source: "Namespaces/bad.json")
            Issue.record("accepted: \(l.json.rendered(pretty: false))")
        } catch {
            #expect(error.input.hasPrefix("Namespaces/bad.json"), "names the file: \(error)")
            #expect(error.input.contains(entry), "names the entry \(entry): \(error)")
            #expect(error.problem.contains(rule), "states the rule '\(rule)': \(error)")
        }
    }

    @Test func namespacesOverflowingTheirRegionTogetherAreAnError() {
        let text = minimalLayout.replacingOccurrences(of: #""interleave_ways": 1}"#, with: #""interleave_ways": 1, "labels": "v1.1"}"#).replacingOccurrences(of: #"{"dev": "namespace0.0", "region": "region0", "mode": "fsdax", "map": "dev", "align": "2M"}"#, with: """
            {"dev": "namespace0.0", "region": "region0", "mode": "fsdax", "size": "4000M"},
            {"dev": "namespace0.1", "region": "region0", "mode": "fsdax", "size": "64M"}
            """)
        #expect {
            try Layout(parsing: text, source: "f.json")
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.input == #"f.json: namespaces[1] "namespace0.1""# && e.problem.contains("overflows its region region0")
        }
    }

    @Test func malformedJSONNamesTheFileAndPosition() {
        #expect {
            try Layout(parsing: "{\"arch\": ", source: "t.json")
        } throws: { e in
            (e as? InputError).map { $0.input == "t.json" && $0.problem.contains("line 1") } ?? false
        }
    }

    @Test func aMissingFileIsAnInputError() {
        #expect(throws: InputError.self) { try Layout(contentsOfFile: "/nonexistent/layout.json") }
    }
}

@Suite struct LayoutExpectationTests {
    @Test func subsetMatchingComparesNumbersAsIntegersAndNamesTheMismatch() throws {
        let e = LayoutExpectation(kernel: "6.1", source: "test",
                                  namespaces: [.object([("dev", .string("namespace0.0")), ("usable_size", .int(4096)), ("resource", .hex(0x2000))])],
                                  log: ["namespace0.0 alignment collision, truncate 67108864 bytes"])
        let good = JSON.object([
            ("namespaces", .array([.object([("dev", .string("namespace0.0")), ("usable_size", .int(4096)), ("resource", .string("0x2000"))])])),
            ("log", .array([.string("nd_pmem pfn0.0: namespace0.0 alignment collision, truncate 67108864 bytes")])),
        ])
        #expect(e.mismatches(in: good).isEmpty)
        let bad = JSON.object([("namespaces", .array([.object([("dev", .string("namespace0.0")), ("usable_size", .int(8192))])])), ("log", .array([]))])
        let m = e.mismatches(in: bad)
        #expect(m.count == 3)
        #expect(m.contains { $0.hasPrefix("namespace0.0.usable_size: expected 4096, got 8192") })
    }
}

@Suite struct ErrnoNameTests {
    /// `Errno.name` once derived itself from `description` (which is `name`) and overflowed the stack.
    @Test(arguments: Errno.allCases)
    func namesAndDescriptionsDoNotRecurse(e: Errno) {
        #expect(e.name.hasPrefix("E") && e.name == e.description)
        #expect(KernelError(e, "x").description == "x (-\(e.name))")
    }
}
