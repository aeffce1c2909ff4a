import Foundation
import Testing
import NDEmuCore
@testable import LibNVDIMM

/// The Debian 6.1 kernel's own answers (Tests/OracleFixtures, captured under QEMU by the oracle):
/// the info block it wrote, byte for byte, and the size `ndctl list` reported.
@Suite struct OracleFixtureTests {
    static let scenario = "a-aligned-4G-at-8G"
    /// `memmap=4G!8G`: PMEM [8G, 12G) between System RAM [4G, 8G) and [12G, 13G).
    static let namespace = AddressRange(start: PhysicalAddress(8 << 30), size: .gib(4))!
    static let facts = CollisionFacts(systemRAM: TopLevelResources([
        .init(AddressRange(start: PhysicalAddress(4 << 30), size: .gib(4))!, isSystemRAM: true),
        .init(namespace, isSystemRAM: false),
        .init(AddressRange(start: PhysicalAddress(12 << 30), size: .gib(1))!, isSystemRAM: true),
    ]))

    /// (info-block step, namespace step whose `ndctl list` size is the usable size, mode, map).
    static let steps: [(String, String, NamespaceMode, PfnMode)] = [
        ("03-infoblock-fsdax-dev-ndctl-default", "02-fsdax-dev-ndctl-default", .fsdax, .pmem),
        ("05-infoblock-fsdax-dev-2M", "04-fsdax-dev-2M", .fsdax, .pmem),
        ("08-infoblock-fsdax-mem-pfn-2M", "07-fsdax-mem-pfn-2M", .fsdax, .ram),
        ("10-infoblock-devdax-2M", "09-devdax-2M", .devdax, .pmem),
        ("12-infoblock-devdax-1G", "11-devdax-1G", .devdax, .pmem),
    ]

    /// The first "size" of the namespace object in `ndctl list -BRNDv` output (namespace level).
    static func namespaceSize(_ url: URL) throws -> UInt64? {
        let json = try JSON(parsing: String(contentsOf: url, encoding: .utf8))
        func find(_ j: JSON) -> UInt64? {
            if let o = j.objectEntries {
                if o.contains(where: { $0.0 == "dev" && $0.1.stringValue?.hasPrefix("namespace") == true }) {
                    return o.first { $0.0 == "size" }?.1.uint64Value
                }
                for (_, v) in o { if let s = find(v) { return s } }
            }
            if let a = j.arrayValue { for v in a { if let s = find(v) { return s } } }
            return nil
        }
        return find(json)
    }

    @Test(.enabled(if: Fixtures.scenario(scenario) != nil, "fixture a-aligned-4G-at-8G not captured"),
          arguments: steps.indices)
    func freshBlockMatchesTheKernelsBytesAndSize(step: Int) throws {
        let dir = try #require(Fixtures.scenario(Self.scenario))
        let (blockStep, nsStep, mode, map) = Self.steps[step]
        let media = try [UInt8](Data(contentsOf: dir.appendingPathComponent(blockStep).appendingPathComponent("infoblock.bin")))
        let kernelBlock = try #require(PfnInfoBlock(rawBytes: Array(media.prefix(4096))))
        #expect(kernelBlock.checksumIsValid)
        // The align ndctl asked for is what the kernel recorded; uuids come from the media.
        let settings = PfnSettings(signature: try #require(mode.signature), mode: map, align: kernelBlock.align, uuid: kernelBlock.uuid)
        var log = KernelLog()
        let ours = try PfnNamespace.enable(namespace: NamespaceResource(range: Self.namespace, uuid: kernelBlock.parentUUID),
                                           settings: settings, onMedia: nil, behaviour: KernelBehaviour(KernelVersion(6, 1)),
                                           arch: .x86_64, facts: Self.facts, log: &log)
        #expect(ours.block.encoded() == Array(media.prefix(4096)), "info block bytes differ in \(blockStep)")
        let listed = try Self.namespaceSize(dir.appendingPathComponent(nsStep).appendingPathComponent("ndctl-list-BRNDv.json"))
        #expect(listed == ours.usableSize.rawValue, "ndctl list size differs in \(nsStep)")
        // Validation of the kernel's own block passes and maps the same range.
        let check = NamespaceCheck.run(namespace: NamespaceResource(range: Self.namespace, uuid: kernelBlock.parentUUID),
                                       block: Array(media.prefix(4096)), behaviour: KernelBehaviour(KernelVersion(6, 1)), arch: .x86_64)
        #expect(check.outcome?.dataRange == ours.dataRange)
    }

    /// 13-sector: label-less region → BTT 1.1 with ndctl's default 4096-byte sectors.
    @Test(.enabled(if: Fixtures.scenario(scenario) != nil, "fixture a-aligned-4G-at-8G not captured"))
    func sectorSizeMatchesTheKernel() throws {
        let dir = try #require(Fixtures.scenario(Self.scenario))
        let listed = try Self.namespaceSize(dir.appendingPathComponent("13-sector").appendingPathComponent("ndctl-list-BRNDv.json"))
        let btt = try BTTLayout(capacity: .gib(4), sectorSize: 4096, version: BTTLayout.version(for: .none))
        #expect(listed == btt.usableSize.rawValue)
    }
}
