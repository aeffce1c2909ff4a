import Foundation
import Testing
import NDEmuCore
@testable import LibNVDIMM

/// Every namespace configuration the 6.1 kernel was asked for under QEMU
/// (Tests/OracleFixtures/capacity.json), replayed through ndctl's checks and the kernel model:
/// the same refusal text, or the same usable size, info block and data resource, to the byte.
@Suite struct CapacityFixtureTests {
    struct Entry: CustomStringConvertible, Sendable {
        let json: JSON
        var description: String { "\(json["scenario"]?.stringValue ?? "?")/\(json["step"]?.stringValue ?? "?")/\(json["namespace"]?.stringValue ?? "?")" }
        func string(_ k: String) -> String? { json[k]?.stringValue }
        func uint(_ k: String) -> UInt64? { json[k]?.uint64Value }
        func requested(_ k: String) -> JSON? { json["requested"]?[k].flatMap { $0.isNull ? nil : $0 } }
    }

    static let url = Fixtures.root.appendingPathComponent("capacity.json")
    static let entries: [Entry] = {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let j = try? JSON(parsing: text) else { return [] }
        return (j.arrayValue ?? []).map(Entry.init)
    }()

    static let kernel = KernelBehaviour(KernelVersion(6, 1))
    static let arch = ArchProfile.x86_64

    /// The part of a kernel message after `driver device: `.
    static func body(_ m: String) -> String {
        guard let r = m.range(of: ": ") else { return m }
        return String(m[r.upperBound...])
    }

    @Test(.enabled(if: !entries.isEmpty, "Tests/OracleFixtures/capacity.json not captured"), arguments: entries)
    func matchesTheKernel(entry: Entry) throws {
        let start = PhysicalAddress(try #require(entry.string("start").flatMap { UInt64($0.dropFirst(2), radix: 16) }))
        let size = ByteCount(try #require(entry.uint("size")))
        let nsName = try #require(entry.string("namespace"))
        let ns = NamespaceResource(name: nsName, range: try #require(AddressRange(start: start, size: size)),
                                   regionName: entry.string("region") ?? "region0")
        let ok = entry.json["ok"]?.boolValue == true
        let tool = entry.requested("tool")?.stringValue ?? "boot"
        let messages = entry.json["kernel_messages"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var mode = entry.requested("mode")?.stringValue.flatMap { NamespaceMode(rawValue: $0) } ?? .raw
        let map = entry.requested("map")?.stringValue == "mem" ? PfnMode.ram : .pmem
        // ndctl's --map=mem on an e820 namespace only returns it to legacy (page-mapped raw) mode.
        if tool == "ndctl", mode == .fsdax, map == .ram { mode = .raw }
        let listedAlign = entry.uint("align").map { ByteCount($0) }
        let requestedAlign = entry.requested("align")?.uint64Value.map { ByteCount($0) }
        let sector = ByteCount(entry.requested("sector_size")?.uint64Value ?? 4096)

        if tool == "ndctl" {
            let region = Region(name: entry.string("region") ?? "region0", range: ns.range, labels: .none,
                                alignOverride: entry.uint("region_align").map { ByteCount($0) })
            let request = NdctlCreateRequest(mode: mode, size: nil, align: requestedAlign)
            let verdict = request.validate(region: region, behaviour: Self.kernel, arch: Self.arch, namespaceStart: start, namespaceName: nsName)
            let refusedByNdctl = entry.uint("rc") == 234
            switch verdict {
            case .failure(let refusal):
                #expect(refusedByNdctl, "ndemu's ndctl refused (\(refusal)) but ndctl accepted \(entry)")
                let lines = entry.json["error"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(refusal.lines == lines, "\(entry)")
                return
            case .success:
                #expect(!refusedByNdctl, "ndctl refused \(entry) but ndemu's checks pass")
                if refusedByNdctl { return }
            }
        }

        var log = KernelLog()
        let names = DeviceNames(device: entry.string("claim") ?? (mode == .devdax ? "dax0.0" : "pfn0.0"),
                                driver: mode == .devdax ? "dax_pmem" : "nd_pmem")
        do {
            switch mode {
            case .raw:
                let r = try RawNamespace.probe(namespace: ns, pageMapped: true, behaviour: Self.kernel, arch: Self.arch, log: &log)
                #expect(ok, "ndemu enabled raw \(entry)")
                #expect(entry.uint("usable_size") == r.size.rawValue, "\(entry)")
            case .sector:
                let btt = try BTTLayout(capacity: size, sectorSize: sector, version: .v1_1, namespaceName: nsName)
                #expect(ok, "ndemu enabled sector \(entry)")
                #expect(entry.uint("usable_size") == btt.usableSize.rawValue, "\(entry)")
            case .fsdax, .devdax:
                let align = try #require(ok ? listedAlign : (requestedAlign ?? listedAlign), "no align for \(entry)")
                let settings = PfnSettings(signature: try #require(mode.signature), mode: map, align: align)
                let o = try PfnNamespace.enable(namespace: ns, settings: settings, onMedia: nil, behaviour: Self.kernel,
                                                arch: Self.arch, names: names, log: &log)
                #expect(ok, "ndemu enabled \(entry)")
                #expect(entry.uint("usable_size") == o.usableSize.rawValue, "\(entry)")
                #expect(entry.string("resource") == "0x" + String(o.dataRange.start.rawValue, radix: 16), "\(entry)")
                if let ib = entry.json["infoblock"], !ib.isNull {
                    #expect(ib["dataoff"]?.uint64Value == o.block.dataOffset.rawValue, "\(entry)")
                    #expect(ib["npfns"]?.uint64Value == o.block.npfns.rawValue, "\(entry)")
                    #expect(ib["start_pad"]?.uint64Value == o.block.startPad.rawValue, "\(entry)")
                    #expect(ib["end_trunc"]?.uint64Value == o.block.endTrunc.rawValue, "\(entry)")
                    #expect(ib["align"]?.uint64Value == o.block.align.rawValue, "\(entry)")
                    #expect(ib["mode"]?.uint64Value == UInt64(o.block.modeValue), "\(entry)")
                    #expect(ib["version"]?.stringValue == o.block.versionText, "\(entry)")
                    #expect(ib["signature"]?.stringValue == o.block.signatureText, "\(entry)")
                }
            }
        } catch let error as KernelError {
            #expect(!ok, "ndemu refused \(entry): \(error)")
            if !error.message.isEmpty, !messages.isEmpty {
                #expect(messages.map(Self.body).contains(Self.body(error.message)), "\(entry): \(error.message) not in \(messages)")
            }
        }
    }
}
