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
        /// The folder holding the scenario (OracleFixtures or nfit/).
        let base: URL
        var description: String { "\(json["scenario"]?.stringValue ?? "?")/\(json["step"]?.stringValue ?? "?")/\(json["namespace"]?.stringValue ?? "?")" }
        func string(_ k: String) -> String? { json[k]?.stringValue }
        func uint(_ k: String) -> UInt64? { json[k]?.uint64Value }
        func requested(_ k: String) -> JSON? { json["requested"]?[k].flatMap { $0.isNull ? nil : $0 } }
    }

    /// capacity.json of the e820 captures, and the labelled NFIT capture; entries
    /// without a namespace address (a create ndctl refused before allocating) are left out.
    static let entries: [Entry] = ["", "nfit"].flatMap { sub -> [Entry] in
        let base = sub.isEmpty ? Fixtures.root : Fixtures.root.appendingPathComponent(sub)
        guard let text = try? String(contentsOf: base.appendingPathComponent("capacity.json"), encoding: .utf8),
              let j = try? JSON(parsing: text) else { return [] }
        return (j.arrayValue ?? []).map { Entry(json: $0, base: base) }.filter { $0.string("start") != nil }
    }

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
        // The QEMU NFIT guest's DIMMs carry ndctl's default v1.1 labels; the rest is e820 PMEM.
        let labels: RegionLabels = entry.string("scenario")?.hasPrefix("nfit") == true ? .v1_1 : .none

        if tool == "infoblock" {
            // A block written elsewhere (e.g. by 5.2) put on the raw namespace, then enabled.
            let scenario = entry.base.appendingPathComponent(try #require(entry.string("scenario")))
            let step = try #require(entry.string("step"))
            let folders = try FileManager.default.contentsOfDirectory(atPath: scenario.path)
            let blockFolder = try #require(folders.first { $0.hasSuffix("-infoblock-" + step.dropFirst(3)) }, "no block for \(entry)")
            let media = try [UInt8](Data(contentsOf: scenario.appendingPathComponent(blockFolder).appendingPathComponent("infoblock.bin")))
            let check = NamespaceCheck.run(namespace: ns, block: Array(media.prefix(4096)), behaviour: Self.kernel, arch: Self.arch)
            #expect(check.status == (ok ? .enabled : .failed), "\(entry)")
            #expect(entry.uint("usable_size") == check.outcome?.usableSize.rawValue, "\(entry)")
            #expect(entry.string("resource") == check.outcome.map { "0x" + String($0.dataRange.start.rawValue, radix: 16) }, "\(entry)")
            return
        }

        if tool == "ndctl" {
            let region = Region(name: entry.string("region") ?? "region0", range: ns.range, labels: labels,
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
                let r = try RawNamespace.probe(namespace: ns, pageMapped: labels == .none, behaviour: Self.kernel, arch: Self.arch, log: &log)
                #expect(ok, "ndemu enabled raw \(entry)")
                #expect(entry.uint("usable_size") == r.size.rawValue, "\(entry)")
            case .sector:
                let btt = try BTTLayout(capacity: size, sectorSize: sector, version: BTTLayout.version(for: labels), namespaceName: nsName)
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
