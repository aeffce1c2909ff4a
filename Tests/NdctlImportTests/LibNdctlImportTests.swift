import Foundation
import NDEmuCore
import Testing

/// `ndemu import libndctl` against the REAL libndctl 76.1, reading fake sysfs trees inside a
/// private mount namespace.
@Suite("import libndctl (real libndctl, fake sysfs)", .enabled(if: MountNamespace.isAvailable,
       Comment(rawValue: MountNamespace.unavailableReason ?? "")))
struct LibNdctlImportTests {
    @Test("every region and namespace comes back with its physical address and raw size", arguments: FakeTopology.all)
    func importsTopology(_ topology: FakeTopology) throws {
        let dir = try TestPaths.scratch("libndctl-\(topology.name)")
        let tree = try FakeSysfs.build(topology, in: dir)
        let r = try MountNamespace.run([TestPaths.ndemu, "import", "libndctl"], sysfs: tree)
        try #require(r.status == 0, "ndemu import libndctl failed: \(r.stderr)")
        let layout = try JSON(parsing: r.stdout)

        let regions = try #require(layout["regions"]?.arrayValue)
        let expectedRegions = topology.buses.flatMap(\.regions)
        #expect(regions.count == expectedRegions.count)
        for fr in expectedRegions {
            let region = try #require(regions.first { $0["dev"]?.stringValue == "region\(fr.id)" }, "region\(fr.id) missing")
            #expect(try quantity(region["start"]) == fr.start)
            #expect(try quantity(region["size"]) == fr.size)
            #expect(region["interleave_ways"]?.uint64Value == UInt64(max(1, fr.mappings.count)))
            #expect(region["labels"]?.stringValue == (fr.labelled ? "v1.2" : "none"))
        }
        let namespaces = try #require(layout["namespaces"]?.arrayValue)
        #expect(namespaces.count == tree.namespaces.count)
        for (dev, expected) in tree.namespaces {
            let ns = try #require(namespaces.first { $0["dev"]?.stringValue == dev }, "\(dev) missing")
            #expect(try quantity(ns["start"]) == expected.start, "\(dev) start")
            #expect(try quantity(ns["size"]) == expected.size, "\(dev) size")
        }
    }

    @Test("without NVDIMMs the importer says so and exits non-zero")
    func emptyMachine() throws {
        let dir = try TestPaths.scratch("libndctl-empty")
        let tree = try FakeSysfs.build(FakeTopology(name: "empty", buses: [], ram: []), in: dir)
        let r = try MountNamespace.run([TestPaths.ndemu, "import", "libndctl"], sysfs: tree)
        #expect(r.status == 1)
        #expect(r.stderr.contains("no NVDIMM bus found"))
        #expect(r.stdout.isEmpty)
    }

    private func quantity(_ v: JSON?) throws -> UInt64? {
        guard let s = v?.stringValue else { return v?.uint64Value }
        return try Quantity.parse(s, input: "layout")
    }
}
