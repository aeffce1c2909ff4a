import Foundation
import NDEmuCore
import LibNVDIMM
import NdctlImport
import Testing

/// The importers against real-kernel captures (Tests/OracleFixtures: Debian 6.1 under QEMU,
/// ndctl 76.1): every snapshot's `ndctl list -BRNDv` plus its /proc/iomem must give back each
/// namespace's raw size and start as `capacity.json` records them, and the capacity model must
/// reproduce every usable size ndctl printed.
@Suite("import against real 6.1 captures")
struct RealCaptureTests {
    static let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/OracleFixtures")

    /// One `capacity.json` row: a namespace as the kernel left it after one step.
    struct Row: Sendable, CustomStringConvertible {
        var scenario: String, step: String, namespace: String
        var start: UInt64, size: UInt64, usable: UInt64?
        var mode: String?, map: String?, align: UInt64?, sectorSize: UInt64?, regionAlign: UInt64
        var ok: Bool
        /// The info block on media was written beforehand (a 5.2-style padded block the kernel
        /// honoured), not created by this kernel: its usable size is not the fresh-creation one the
        /// importer inverts, and `ndctl list` does not show which block a namespace carries.
        var preWrittenBlock: Bool
        var description: String { "\(scenario)/\(step)/\(namespace)" }
    }

    static let rows: [Row] = {
        guard let data = FileManager.default.contents(atPath: fixtures.appendingPathComponent("capacity.json").path),
              let json = try? JSON(parsing: String(decoding: data, as: UTF8.self)), let items = json.arrayValue else { return [] }
        return items.compactMap { e -> Row? in
            guard let scenario = e["scenario"]?.stringValue, let step = e["step"]?.stringValue, let ns = e["namespace"]?.stringValue,
                  let start = e["start"]?.stringValue.flatMap({ try? Quantity.parse($0, input: "start") }),
                  let size = e["size"]?.uint64Value else { return nil }
            return Row(scenario: scenario, step: step, namespace: ns, start: start, size: size, usable: e["usable_size"]?.uint64Value,
                       mode: e["requested"]?["mode"]?.stringValue, map: e["requested"]?["map"]?.stringValue ?? e["map"]?.stringValue,
                       align: e["align"]?.uint64Value, sectorSize: e["sector_size"]?.uint64Value,
                       regionAlign: e["region_align"]?.uint64Value ?? 16 << 20, ok: e["ok"]?.boolValue ?? false,
                       preWrittenBlock: e["requested"]?["tool"]?.stringValue == "infoblock")
        }
    }()

    /// Rows where ndctl created a claimed namespace (fsdax/devdax/sector) and it came up.
    /// (fsdax/devdax rows without a pfn `align` are page-mapped raw namespaces: ndctl fell back.)
    static let claimed: [Row] = rows.filter {
        $0.ok && !$0.preWrittenBlock && $0.usable != nil && ($0.mode == "sector" || (["fsdax", "devdax"].contains($0.mode ?? "") && $0.align != nil))
    }

    static func query(_ row: Row) -> CapacityQuery {
        CapacityQuery(mode: (try? NamespaceMode(parsing: row.mode ?? "raw", input: "mode")) ?? .raw, map: row.map == "mem" ? .mem : .dev,
                      align: ByteCount(row.align ?? 2 << 20), sectorSize: UInt32(row.sectorSize ?? 4096),
                      labels: .none)     // memmap= regions are label-less: BTT 1.1
    }

    @Test("the capture set is there") func capturesPresent() {
        #expect(Self.claimed.count >= 20, "Tests/OracleFixtures/capacity.json: \(Self.rows.count) rows, \(Self.claimed.count) claimed")
    }

    @Test("the capacity model reproduces the usable size the 6.1 kernel reported", arguments: claimed)
    func usableSize(_ row: Row) throws {
        let u = Self.query(row).usableSize(rawSize: ByteCount(row.size), start: PhysicalAddress(row.start))
        #expect(u?.rawValue == row.usable)
    }

    @Test("inverting the usable size finds the raw size", arguments: claimed.filter { $0.size % $0.regionAlign == 0 })
    func inversion(_ row: Row) throws {
        let usable = try #require(row.usable)
        let inv = SizeInversion(usable: usable...usable, queries: [Self.query(row)], start: PhysicalAddress(row.start),
                                granule: ByteCount(row.regionAlign), ceiling: nil)
        #expect(inv.candidates.contains(ByteCount(row.size)), "\(inv.summary)")
    }

    /// Every snapshot folder with an `ndctl list -BRNDv` and a /proc/iomem.
    static let snapshots: [String] = {
        let fm = FileManager.default
        var out: [String] = []
        for scenario in (try? fm.contentsOfDirectory(atPath: fixtures.path))?.sorted() ?? [] {
            for step in (try? fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent(scenario).path))?.sorted() ?? [] {
                let dir = fixtures.appendingPathComponent(scenario).appendingPathComponent(step)
                if fm.fileExists(atPath: dir.appendingPathComponent("ndctl-list-BRNDv.json").path),
                   fm.fileExists(atPath: dir.appendingPathComponent("iomem.txt").path),
                   !rows.contains(where: { $0.scenario == scenario && step.hasPrefix(String($0.step.prefix(2))) && $0.preWrittenBlock }) {
                    out.append("\(scenario)/\(step)")
                }
            }
        }
        return out
    }()

    @Test("ndctl list -BRNDv + /proc/iomem give the raw sizes and starts the kernel had", arguments: snapshots)
    func importSnapshot(_ snapshot: String) throws {
        let dir = Self.fixtures.appendingPathComponent(snapshot)
        let list = try String(contentsOf: dir.appendingPathComponent("ndctl-list-BRNDv.json"), encoding: .utf8)
        let iomem = try String(contentsOf: dir.appendingPathComponent("iomem.txt"), encoding: .utf8)
        let parts = snapshot.split(separator: "/").map(String.init)
        let expected = Self.rows.filter { $0.scenario == parts[0] && parts[1].hasPrefix(String($0.step.prefix(2))) && $0.ok }
        guard !list.trimmingWhitespace.isEmpty, list.trimmingWhitespace != "[]" else { return }   // nothing enabled
        for iomemText in [iomem, nil] as [String?] {
            let r = try NdctlListImport.importTopology(listText: list, listFile: "\(snapshot)/ndctl-list-BRNDv.json",
                                                       iomemText: iomemText, iomemFile: iomemText == nil ? nil : "\(snapshot)/iomem.txt")
            let layout = try r.topology.layout()
            for ns in r.topology.namespaces {
                guard let row = expected.first(where: { $0.namespace == ns.dev }) else { continue }
                #expect(ns.size?.rawValue == row.size, "\(snapshot) \(ns.dev) raw size (iomem: \(iomemText != nil))")
                if iomemText != nil { #expect(ns.start?.rawValue == row.start, "\(snapshot) \(ns.dev) start") }
            }
            #expect(layout.namespaces.count == r.topology.namespaces.count)
        }
        // The same snapshot as `ndctl list -RNXvi` (object shape, daxctl keys, disabled
        // namespaces) gives the same namespaces.
        let other = dir.appendingPathComponent("ndctl-list-RNXvi.json")
        if let text = try? String(contentsOf: other, encoding: .utf8) {
            let a = try NdctlListImport.importTopology(listText: list, listFile: "BRNDv", iomemText: iomem, iomemFile: "iomem")
            let b = try NdctlListImport.importTopology(listText: text, listFile: "\(snapshot)/ndctl-list-RNXvi.json", iomemText: iomem, iomemFile: "iomem")
            #expect(try a.topology.layout().namespaces == b.topology.layout().namespaces, "\(snapshot): -BRNDv vs -RNXvi")
        }
    }

    @Test("import iomem reads the captured memory map", arguments: ["a-aligned-4G-at-8G", "capacity-1G-960M-2045M", "capacity-16M-100M-6G"])
    func importIOMem(_ scenario: String) throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent(scenario).appendingPathComponent("iomem-final.txt"), encoding: .utf8)
        let r = try IOMemImport.importTopology(text: text, file: "\(scenario)/iomem-final.txt")
        let layout = try r.topology.layout()
        // Every "Persistent Memory (legacy)" line of the capture is a region, on the e820 bus, label-less.
        let legacy = text.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.hasSuffix(": Persistent Memory (legacy)") }
        #expect(layout.regions.count == legacy.count)
        #expect(layout.regions.allSatisfy { $0.labels == .none })
        #expect(layout.memory.contains { $0.type == .systemRAM })
        #expect(r.ignored.contains { $0.contains("PCI Bus") }, "MMIO entries are reported as ignored, not dropped silently")
    }
}
