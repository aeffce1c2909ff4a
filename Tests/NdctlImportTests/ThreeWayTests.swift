import Foundation
import NDEmuCore
import Testing

/// One answer three ways: for each fixture topology, the layout imported live through libndctl
/// equals the layout imported from the REAL `ndctl list` output of the same tree (run in the same
/// mount namespace) together with the topology's /proc/iomem text.
@Suite("one answer three ways (libndctl, ndctl list + iomem)", .enabled(if: MountNamespace.isAvailable,
       Comment(rawValue: MountNamespace.unavailableReason ?? "")))
struct ThreeWayTests {
    /// The `ndctl list` invocations whose output the importer must read back to the same layout.
    /// `-BRNDv` carries everything the layout needs; the others lack mappings (interleave ways,
    /// printed with -D), NUMA nodes or the namespace's own uuid (-v), and are compared on the rest.
    static let listFlags: [(flags: [String], complete: Bool)] = [
        (["-BRNDv"], true), (["-BRNDvu"], true), (["-RNv"], false), (["-RN"], false), (["-RNu"], false), (["-N"], false),
    ]

    @Test("libndctl and ndctl list + iomem give the same layout", arguments: FakeTopology.all)
    func sameLayout(_ topology: FakeTopology) throws {
        let dir = try TestPaths.scratch("threeway-\(topology.name)")
        let tree = try FakeSysfs.build(topology, in: dir)
        let iomem = dir.appendingPathComponent("iomem.txt")
        try FakeIOMem.text(topology, tree: tree).write(to: iomem, atomically: true, encoding: .utf8)

        let live = try MountNamespace.run([TestPaths.ndemu, "import", "libndctl", "--iomem", iomem.path], sysfs: tree)
        try #require(live.status == 0, "import libndctl: \(live.stderr)")
        let expected = try Self.comparable(live.stdout)

        for (flags, complete) in Self.listFlags {
            let list = try MountNamespace.run(["/usr/bin/ndctl", "list"] + flags, sysfs: tree)
            try #require(list.status == 0, "ndctl list \(flags): \(list.stderr)")
            let listFile = dir.appendingPathComponent("list\(flags.joined()).json")
            try list.stdout.write(to: listFile, atomically: true, encoding: .utf8)
            let imported = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", listFile.path, "--iomem", iomem.path], sysfs: tree)
            try #require(imported.status == 0, "import ndctl-list (ndctl list \(flags.joined(separator: " "))): \(imported.stderr)")
            // The layout loads and runs: `ndemu simulate` accepts it as is.
            let layoutFile = dir.appendingPathComponent("layout\(flags.joined()).json")
            try imported.stdout.write(to: layoutFile, atomically: true, encoding: .utf8)
            let sim = try MountNamespace.run([TestPaths.ndemu, "simulate", layoutFile.path])
            #expect(sim.status == 0, "simulate of the import of ndctl list \(flags.joined(separator: " ")): \(sim.stderr)")
            let got = try Self.comparable(imported.stdout)
            let (a, b) = complete ? (got, expected) : (Self.essentials(got), Self.essentials(expected))
            #expect(a == b, "ndctl list \(flags.joined(separator: " ")) vs libndctl:\n\(a.rendered())\n---\n\(b.rendered())")
        }
    }

    @Test("without /proc/iomem every list shape still gives a loadable layout, addresses marked assumed",
          arguments: FakeTopology.all)
    func withoutIOMem(_ topology: FakeTopology) throws {
        let dir = try TestPaths.scratch("noiomem-\(topology.name)")
        let tree = try FakeSysfs.build(topology, in: dir)
        for (flags, _) in Self.listFlags {
            let list = try MountNamespace.run(["/usr/bin/ndctl", "list"] + flags, sysfs: tree)
            try #require(list.status == 0, "ndctl list \(flags): \(list.stderr)")
            let listFile = dir.appendingPathComponent("list\(flags.joined()).json")
            try list.stdout.write(to: listFile, atomically: true, encoding: .utf8)
            let imported = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", listFile.path])
            try #require(imported.status == 0, "import ndctl-list (ndctl list \(flags.joined(separator: " "))): \(imported.stderr)")
            #expect(imported.stderr.contains("physical address unknown") || imported.stderr.contains("not listed"))
            let layout = try JSON(parsing: imported.stdout)
            #expect(layout["description"]?.stringValue?.contains("ASSUMED") == true)
            // A region holding several namespaces is label-backed (an io region holds one).
            for region in layout["regions"]?.arrayValue ?? [] {
                let dev = region["dev"]?.stringValue ?? ""
                let count = layout["namespaces"]?.arrayValue?.filter { $0["region"]?.stringValue == dev }.count ?? 0
                if count > 1 { #expect(region["labels"]?.stringValue == "v1.2", "\(dev) from ndctl list \(flags.joined(separator: " "))") }
            }
            // Raw sizes are the tree's, whatever the addresses.
            for (dev, expected) in tree.namespaces {
                let ns = try #require(layout["namespaces"]?.arrayValue?.first { $0["dev"]?.stringValue == dev }, "\(dev) in \(flags)")
                let size = try ns["size"]?.stringValue.map { try Quantity.parse($0, input: dev) }
                #expect(size == expected.size, "\(dev) raw size from ndctl list \(flags.joined(separator: " "))")
            }
            let layoutFile = dir.appendingPathComponent("layout\(flags.joined()).json")
            try imported.stdout.write(to: layoutFile, atomically: true, encoding: .utf8)
            let sim = try MountNamespace.run([TestPaths.ndemu, "simulate", layoutFile.path])
            #expect(sim.status == 0, "simulate: \(sim.stderr)")
        }
    }

    /// What every `ndctl list` shape determines: the memory map, each region's place, and each
    /// namespace's place, mode and raw size.
    static func essentials(_ layout: JSON) -> JSON {
        func keep(_ j: JSON, _ keys: Set<String>) -> JSON { .object((j.objectEntries ?? []).filter { keys.contains($0.0) }) }
        return .object([
            ("memory", layout["memory"] ?? .null),
            ("regions", .array((layout["regions"]?.arrayValue ?? []).map { keep($0, ["dev", "start", "size", "labels"]) })),
            ("namespaces", .array((layout["namespaces"]?.arrayValue ?? []).map {
                keep($0, ["dev", "region", "mode", "map", "align", "start", "size", "sector_size"]) })),
        ])
    }

    @Test("without namespace entries in /proc/iomem, raw sizes are recovered by inverting the capacity model",
          arguments: FakeTopology.all)
    func invertedSizes(_ topology: FakeTopology) throws {
        let dir = try TestPaths.scratch("inverted-\(topology.name)")
        let tree = try FakeSysfs.build(topology, in: dir)
        let iomem = dir.appendingPathComponent("iomem-regions-only.txt")
        try FakeIOMem.text(topology, tree: tree, namespaces: false).write(to: iomem, atomically: true, encoding: .utf8)
        let live = try MountNamespace.run([TestPaths.ndemu, "import", "libndctl", "--iomem", iomem.path], sysfs: tree)
        try #require(live.status == 0, "import libndctl: \(live.stderr)")
        let list = try MountNamespace.run(["/usr/bin/ndctl", "list", "-BRNDv"], sysfs: tree)
        try #require(list.status == 0, "ndctl list: \(list.stderr)")
        let listFile = dir.appendingPathComponent("list.json")
        try list.stdout.write(to: listFile, atomically: true, encoding: .utf8)
        let imported = try MountNamespace.run([TestPaths.ndemu, "import", "ndctl-list", listFile.path, "--iomem", iomem.path], sysfs: tree)
        try #require(imported.status == 0, "import ndctl-list: \(imported.stderr)")
        let (a, b) = (try Self.comparable(imported.stdout), try Self.comparable(live.stdout))
        #expect(a == b, "inverted vs libndctl:\n\(a.rendered())\n---\n\(b.rendered())\n\(imported.stderr)")
    }

    /// The layout minus its free-text description (which says where each answer came from).
    static func comparable(_ text: String) throws -> JSON {
        let json = try JSON(parsing: text)
        return .object((json.objectEntries ?? []).filter { $0.0 != "description" })
    }
}
