import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

/// The altmap: what it supplies, and when it runs out (spec §9 E4, sparsemem.md §5.3).
@Suite("altmap")
struct AltmapTests {
    /// E4: a 16 GiB PMEM region 16 MiB into section 0x48, RAM below 0x240000000.
    static let region = r(0x2_4100_0000, 0x6_40ff_ffff)

    func machine(_ v: KernelVersion) throws -> HotplugHost {
        try host(v, firmware: [E820Entry(r(0x1_0000_0000, 0x2_3fff_ffff), .ram), E820Entry(Self.region, .pmem)])
    }

    @Test("legacy: 129 sections from an altmap with room for 128 → -ENOMEM (E4, derived)")
    func legacyExhaustsAltmap() throws {
        var h = try machine(KernelVersion(5, 2))
        let altmap = VMemAltmapRequest(basePFN: PFN(0x240000), reserve: PageCount(4098), free: PageCount(66046))
        expectKernelError(.ENOMEM) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: Self.region, type: .fsdax, altmap: altmap, device: device0))
        }
        #expect(h.pagemaps.mapped.isEmpty)
    }

    @Test("5.3+: 127 full sections draw 127 PMD blocks from the altmap (E4)")
    func subsectionFits() throws {
        var h = try machine(KernelVersion(6, 1))
        let altmap = VMemAltmapRequest(basePFN: PFN(0x241000), reserve: PageCount(2), free: PageCount(66046))
        let m = try h.memremapPages(DevPagemap(range: Self.region, type: .fsdax, altmap: altmap, device: device0))
        let used = try #require(m.altmap)
        #expect(used.alloc == PageCount(127 * 512))
        #expect(m.firstDevicePFN == PFN(0x241000 + 2 + 66046))
        #expect(m.references == PageCount(0x400000 - 2 - 66046))
        // Teardown gives every block back: no "failed to free all reserved pages".
        #expect(h.memunmapPages(m.id) == nil)
        #expect(!h.log.lines.contains { $0.contains("failed to free") })
    }

    @Test func coveringAltmapMatchesNdPfnInit() throws {
        // E7: 6.1 fsdax map=dev pgmap [0x30c000000, 0x38bbfffff]: reserve 2, free 8190.
        let window = r(0x3_0c00_0000, 0x3_8bbf_ffff)
        let a = try #require(VMemAltmapRequest.covering(window, reserve: ByteCount(8192), arch: .x86_64))
        #expect(a.basePFN == PFN(0x30c000))
        #expect(a.reserve == PageCount(2))
        #expect(a.free == PageCount(8190))
        #expect(VMemAltmapRequest.covering(window, reserve: ByteCount(100), arch: .x86_64) == nil)
    }

    @Test("an altmap whose base is not the hot-added start: 'memory add fail, invalid altmap'")
    func invalidAltmap() throws {
        var h = try machine(KernelVersion(6, 1))
        let altmap = VMemAltmapRequest(basePFN: PFN(0x240000), reserve: PageCount(2), free: PageCount(66046))
        let e = expectKernelError(.EINVAL) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: Self.region, type: .fsdax, altmap: altmap, device: device0))
        }
        #expect(e?.message == "memory add fail, invalid altmap")
    }
}
