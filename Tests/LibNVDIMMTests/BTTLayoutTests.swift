import Testing
import NDEmuCore
@testable import LibNVDIMM

/// BTT arena layout and external size (spec §6b worked examples A and B, and the edge case).
@Suite struct BTTLayoutTests {
    @Test func exampleA16GiBLabellessBTT11() throws {
        let btt = try BTTLayout(capacity: .gib(16), sectorSize: 4096, version: BTTLayout.version(for: .none))
        #expect(btt.version == .v1_1)
        #expect(btt.arenas.count == 1)
        let a = btt.arenas[0]
        #expect(a.internalNLBA == 4_190_204 && a.externalNLBA == 4_189_948)
        #expect(a.mapOffset == ByteCount(17_163_083_776))
        #expect(a.logOffset == ByteCount(17_179_844_608))
        #expect(a.info2Offset == ByteCount(17_179_860_992))
        #expect(a.namespaceOffset == 4096)
        #expect(btt.usableSize == ByteCount(17_162_027_008))
    }

    @Test func exampleB768GiBV12LabelsBTT20() throws {
        let btt = try BTTLayout(capacity: .gib(768), sectorSize: 512, version: BTTLayout.version(for: .v1_2))
        #expect(btt.version == .v2_0)
        #expect(btt.arenas.map(\.internalNLBA) == [1_065_418_188, 532_709_066])
        #expect(btt.arenas.map(\.externalNLBA) == [1_065_417_932, 532_708_810])
        #expect(btt.arenas[0].nextOffset == .gib(512) && btt.arenas[1].nextOffset == .zero)
        #expect(btt.arenas[0].mapOffset - btt.arenas[0].dataOffset + ByteCount(4_261_675_008) <= btt.arenas[0].size)
        #expect(btt.externalNLBA == 1_598_126_742)
        #expect(btt.usableSize == ByteCount(818_240_891_904))
    }

    @Test func tailUnder16MiBIsDropped() throws {
        let btt = try BTTLayout(capacity: .gib(512) + .mib(8), sectorSize: 4096, version: .v1_1)
        #expect(btt.arenas.count == 1)
        #expect(btt.arenas[0].nextOffset == .zero)
        #expect(btt.usableSize == ByteCount(549_218_385_920))
    }

    @Test(arguments: [(UInt64(16 << 20), BTTLayout.Version.v1_1), (UInt64((16 << 20) - 1), .v2_0), (0, .v2_0)])
    func underSixteenMiBAfterTheOffsetIsRefused(capacity: UInt64, version: BTTLayout.Version) {
        do { _ = try BTTLayout(capacity: ByteCount(capacity), sectorSize: 512, version: version); Issue.record("accepted") } catch {
            #expect(error.errno == .ENXIO)
        }
    }

    @Test func unsupportedSectorSizeIsRefused() {
        do { _ = try BTTLayout(capacity: .gib(1), sectorSize: 1024, version: .v1_1); Issue.record("accepted") } catch {
            #expect(error.errno == .EINVAL)
        }
    }

    @Test func v11LabelsKeepBTT11() {
        #expect(BTTLayout.version(for: .v1_1) == .v1_1)
    }

    /// A 64 TiB namespace (the x86_64 physical limit) is 128 full arenas, packed back to back.
    @Test func largestNamespaceIsWholeArenas() throws {
        let btt = try BTTLayout(capacity: .tib(64), sectorSize: 4096, version: .v2_0)
        #expect(btt.arenas.count == 128)
        #expect(btt.arenas.last?.namespaceOffset == .gib(512) * 127)
        #expect(Set(btt.arenas.map(\.externalNLBA)).count == 1)
    }
}
