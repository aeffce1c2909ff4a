import Foundation
import NDEmuCore
import NdctlImport
import Testing

/// Bad input gives a clear error naming the file and the entry; nothing is dropped silently.
/// The inputs are a real 6.1 capture (a 4 GiB fsdax namespace at 8 GiB, `memmap=4G!8G`) and
/// small edits of it.
@Suite("import: bad input")
struct BadInputTests {
    static let snapshot = RealCaptureTests.fixtures.appendingPathComponent("a-aligned-4G-at-8G/02-fsdax-dev-ndctl-default")
    static let list = (try? String(contentsOf: snapshot.appendingPathComponent("ndctl-list-BRNDv.json"), encoding: .utf8)) ?? ""
    static let iomem = (try? String(contentsOf: snapshot.appendingPathComponent("iomem.txt"), encoding: .utf8)) ?? ""

    /// The error importing `list` (and `iomem`), or nil when it imports.
    func failure(_ list: String, iomem: String? = nil) -> InputError? {
        do {
            _ = try NdctlListImport.importTopology(listText: list, listFile: "list.json", iomemText: iomem,
                                                   iomemFile: iomem == nil ? nil : "iomem.txt").topology.layout()
            return nil
        } catch { return error }
    }

    @Test("the unedited capture imports") func baseline() {
        #expect(failure(Self.list, iomem: Self.iomem) == nil)
    }

    @Test("truncated JSON names the file and where it stops", arguments: [0.3, 0.6, 0.95])
    func truncated(_ fraction: Double) throws {
        let cut = String(Self.list.prefix(Int(Double(Self.list.count) * fraction)))
        let e = try #require(failure(cut))
        #expect(e.input == "list.json")
        #expect(e.problem.contains("truncated") || e.problem.contains("end of input"), "\(e)")
    }

    @Test("a key ndctl never prints is an error naming the entry and the key")
    func unknownKey() throws {
        let edited = Self.list.replacingOccurrences(of: "\"blockdev\":\"pmem0\",", with: "\"blockdev\":\"pmem0\",\"bogus_key\":1,")
        let e = try #require(failure(edited))
        #expect(e.input.contains("list.json") && e.input.contains("namespace0.0"), "\(e)")
        #expect(e.problem.contains("bogus_key"))
    }

    @Test("a namespace larger than its region is a contradiction")
    func usableLargerThanRegion() throws {
        let edited = Self.list.replacingOccurrences(of: "\"size\":4225761280", with: "\"size\":8589934592")
        let e = try #require(failure(edited))
        #expect(e.input.contains("namespace0.0"), "\(e)")
        #expect(e.problem.contains("larger than its region region0"))
    }

    @Test("a printed size no raw size can yield is a contradiction")
    func impossibleUsableSize() throws {
        // 4G fsdax map=dev yields 4225761280; one byte more is impossible in a 4 GiB region.
        let edited = Self.list.replacingOccurrences(of: "\"size\":4225761280", with: "\"size\":4225761281")
        let e = try #require(failure(edited, iomem: Self.iomem))
        #expect(e.input.contains("namespace0.0"), "\(e)")
        #expect(e.problem.contains("contradictory sizes"))
    }

    @Test("/proc/iomem that disagrees with the list names both files")
    func iomemDisagrees() throws {
        // The region's entry shrunk to 2 GiB while the list says 4 GiB.
        let edited = Self.iomem.replacingOccurrences(of: "200000000-2ffffffff : Persistent Memory (legacy)\n  200000000-2ffffffff : namespace0.0",
                                                     with: "200000000-27fffffff : Persistent Memory (legacy)\n  200000000-27fffffff : namespace0.0")
        #expect(edited != Self.iomem)
        let e = try #require(failure(Self.list, iomem: edited))
        #expect(e.input.contains("iomem.txt"), "\(e)")
        #expect(e.problem.contains("list.json") && e.problem.contains("region0"))
    }

    @Test("a namespace outside its region is refused")
    func namespaceOutsideRegion() throws {
        // A second 4 GiB-usable namespace cannot fit in the same 4 GiB region.
        let second = """
        ,{"dev":"namespace0.1","mode":"raw","size":2147483648,"sector_size":512}]
        """
        var edited = Self.list
        if let r = edited.range(of: "\"target_node\":0\n          }\n        ]") {
            edited.replaceSubrange(r, with: "\"target_node\":0\n          }\n        " + second)
        }
        #expect(edited != Self.list)
        let e = try #require(failure(edited, iomem: Self.iomem))
        #expect(e.input.contains("namespace0.1"), "\(e)")
        #expect(e.problem.contains("does not fit") || e.problem.contains("outside"), "\(e)")
    }

    @Test("/proc/iomem read without root is refused, naming the file")
    func zeroedIOMem() throws {
        let zeroed = "00000000-00000000 : System RAM\n00000000-00000000 : Persistent Memory (legacy)\n"
        let e = try #require(failure(Self.list, iomem: zeroed))
        #expect(e.input.contains("iomem.txt"))
        #expect(e.problem.contains("root"))
        #expect(throws: InputError.self) { try IOMemImport.importTopology(text: zeroed, file: "iomem.txt") }
    }

    @Test("not an ndctl list at all")
    func notAList() throws {
        let e = try #require(failure("{\"hello\": 1}"))
        #expect(e.problem.contains("unknown key 'hello'"))
        let empty = try #require(failure("[]"))
        #expect(empty.problem.contains("no bus, region or namespace"))
    }

    @Test("--verbose reports every key read but not used; without it they stay quiet")
    func verboseIgnored() throws {
        let dir = try TestPaths.scratch("verbose")
        let file = dir.appendingPathComponent("list.json")
        try Self.list.write(to: file, atomically: true, encoding: .utf8)
        let quiet = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", file.path])
        let loud = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", file.path, "--verbose"])
        #expect(quiet.status == 0 && loud.status == 0, "\(quiet.stderr) \(loud.stderr)")
        #expect(!quiet.stderr.contains("ignored:"))
        #expect(loud.stderr.contains("ignored: \(file.path): [0].regions[0] \"region0\".max_available_extent"), "\(loud.stderr)")
        #expect(loud.stdout == quiet.stdout)
        // Without --iomem the address is unknown and said so, on stderr and in the layout.
        #expect(quiet.stderr.contains("physical address unknown"))
        #expect(try JSON(parsing: quiet.stdout)["description"]?.stringValue?.contains("ASSUMED") == true)
    }

    @Test("bad input through the CLI exits 1 with the message on stderr")
    func exitStatus() throws {
        let dir = try TestPaths.scratch("exit")
        let file = dir.appendingPathComponent("truncated.json")
        try String(Self.list.prefix(100)).write(to: file, atomically: true, encoding: .utf8)
        let r = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(file.path))
        #expect(r.stdout.isEmpty)
        let missing = try MountNamespace.run([TestPaths.ndemu, "import", "iomem", dir.appendingPathComponent("nope").path])
        #expect(missing.status == 1 && missing.stderr.contains("nope"))
    }
}

/// `import iomem` on /proc/iomem text in the shapes the kernel prints it.
@Suite("import iomem")
struct IOMemImportTests {
    /// A 6.1-style machine: RAM, an NFIT PMEM range holding a raw namespace and a devdax
    /// namespace onlined as kmem, legacy PMEM with a page-mapped namespace, Soft Reserved.
    static let text = """
    00000000-00000fff : Reserved
    00001000-0009fbff : System RAM
    00100000-7fffffff : System RAM
      01000000-01e01d31 : Kernel code
    100000000-23fffffff : System RAM
    240000000-43fffffff : Persistent Memory
      240000000-2bfffffff : namespace0.0
      2c0000000-2c41fffff : namespace0.1
      2c4200000-33fffffff : dax0.0
        2c4200000-33fffffff : System RAM (kmem)
    440000000-47fffffff : Persistent Memory (legacy)
      440000000-47fffffff : namespace1.0
    480000000-4bfffffff : Soft Reserved
    fd00000000-ffffffffff : Reserved

    """

    @Test("regions, namespaces, devdax data ranges and the memory map come back")
    func imports() throws {
        let r = try IOMemImport.importTopology(text: Self.text, file: "iomem.txt")
        let layout = try r.topology.layout()
        #expect(layout.regions.map(\.dev) == ["region0", "region1"])
        #expect(layout.regions.map(\.labels) == [.v1_2, .none])
        #expect(layout.memory.map(\.type.rawValue) == ["Reserved", "System RAM", "System RAM", "System RAM", "Persistent Memory",
                                                       "Persistent Memory (legacy)", "Soft Reserved", "Reserved"])
        let ns = Dictionary(uniqueKeysWithValues: r.topology.namespaces.map { ($0.dev, $0) })
        #expect(ns["namespace0.0"]?.mode == .raw)
        #expect(ns["namespace0.1"]?.mode == .devdax)
        #expect(ns["namespace0.1"]?.start == PhysicalAddress(0x2c000_0000))
        // The data range follows the info block entry; the raw size runs to its end.
        #expect(ns["namespace0.1"]?.data == AddressRange(start: PhysicalAddress(0x2c420_0000), last: PhysicalAddress(0x33fff_ffff)))
        #expect(ns["namespace0.1"]?.size == ByteCount(0x3_4000_0000 - 0x2_c000_0000))
        #expect(ns["namespace1.0"]?.size == .gib(1))
        // Nothing dropped silently: the kernel image and the kmem range are reported.
        #expect(r.ignored.contains { $0.contains("Kernel code") })
        #expect(r.ignored.contains { $0.contains("System RAM (kmem)") })
        #expect(r.topology.notes.contains { $0.contains("namespace0.0") && $0.contains("imported as raw") })
    }

    @Test("no PMEM at all is an error naming the file")
    func noPMEM() throws {
        #expect(throws: InputError.self) {
            try IOMemImport.importTopology(text: "00001000-0009fbff : System RAM\n", file: "iomem.txt")
        }
    }
}
