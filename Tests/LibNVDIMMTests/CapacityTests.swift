import Testing
import NDEmuCore
@testable import LibNVDIMM

/// `ndemu capacity`'s model and JSON contract (shared/CLI.md).
@Suite struct CapacityTests {
    static let k61 = KernelBehaviour(KernelVersion(6, 1))

    /// The contract's keys lead, in order; values from the 6.1 capture a-aligned-4G-at-8G
    /// (ndctl list size 4225761280, dataoff 0x4200000, npfns 0xfbe00).
    @Test func jsonKeysFollowTheContract() throws {
        let r = try Capacity.compute(CapacityRequest(size: .gib(4), mode: .fsdax, start: PhysicalAddress(8 << 30)),
                                     behaviour: Self.k61, arch: .x86_64)
        let keys = r.json.objectEntries?.map(\.0) ?? []
        #expect(Array(keys.prefix(6)) == ["mode", "map", "size", "align", "usable_size", "infoblock"])
        #expect(r.json["usable_size"]?.uint64Value == 4_225_761_280)
        #expect(r.json["infoblock"]?.objectEntries?.map(\.0) ==
                ["signature", "version", "dataoff", "npfns", "mode", "start_pad", "end_trunc", "align", "page_size", "page_struct_size"])
        #expect(r.json["infoblock"]?["dataoff"]?.uint64Value == 0x420_0000)
        #expect(r.json["infoblock"]?["npfns"]?.uint64Value == 0xfbe00)
        #expect(r.json["resource"]?.stringValue == "0x204200000")
    }

    @Test func sectorAndRawHaveNoInfoblock() throws {
        let s = try Capacity.compute(CapacityRequest(size: .gib(4), mode: .sector), behaviour: Self.k61, arch: .x86_64)
        #expect(s.json["infoblock"] == nil && s.json["map"] == nil)
        #expect(s.usableSize == ByteCount(4_289_695_744))   // 6.1 capture, 13-sector
        let raw = try Capacity.compute(CapacityRequest(size: .gib(4), mode: .raw), behaviour: Self.k61, arch: .x86_64)
        #expect(raw.usableSize == .gib(4))
    }

    /// E7 as a raw page-mapped e820 namespace on 6.1: "misaligned, unable to map", -EOPNOTSUPP;
    /// 5.6 has no such check.
    @Test func rawMisalignedEndRefusedFrom57() {
        let req = CapacityRequest(size: ByteCount(0x7fd0_0000), mode: .raw, start: PhysicalAddress(0x3_0c00_0000))
        do { _ = try Capacity.compute(req, behaviour: Self.k61, arch: .x86_64); Issue.record("accepted") } catch {
            #expect(error == KernelError(.EOPNOTSUPP, "nd_pmem namespace0.0: [mem 0x30c000000-0x38bcfffff flags 0x200] misaligned, unable to map"))
        }
        #expect((try? Capacity.compute(req, behaviour: KernelBehaviour(KernelVersion(5, 6)), arch: .x86_64))?.usableSize == ByteCount(0x7fd0_0000))
    }
}
