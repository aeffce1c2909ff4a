import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

@Suite("devm_memremap_pages() by era")
struct MemremapEraTests {
    /// A range wholly inside System RAM: before 4.20 it "succeeds" without mapping anything;
    /// from 4.20 it is refused with the "ram" wording; the text follows the era (spec §1.2).
    @Test(arguments: [
        (KernelVersion(4, 20), "devm_memremap_pages attempted on ram region [mem 0x100000000-0x107ffffff flags 0x200]"),
        (KernelVersion(5, 4), "devm_memremap_pages attempted on ram region [mem 0x100000000-0x107ffffff flags 0x200]"),
        (KernelVersion(5, 5), "memremap_pages attempted on ram region [mem 0x100000000-0x107ffffff flags 0x200]"),
        (KernelVersion(5, 10), "attempted on ram region 0x100000000-0x107ffffff"),
        (KernelVersion(6, 12), "attempted on ram region 0x100000000-0x107ffffff"),
    ])
    func insideRAM(version: KernelVersion, message: String) throws {
        var h = try seedHost(version)
        let e = expectKernelError(.ENXIO) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: r(0x1_0000_0000, 0x1_07ff_ffff), type: .fsdax, device: device0))
        }
        #expect(e?.message == message)
        #expect(h.log.lines.last == message)
    }

    @Test func insideRAMBefore420MapsNothing() throws {
        var h = try seedHost(KernelVersion(4, 19))
        let before = h.sections(touching: r(0x1_0000_0000, 0x1_07ff_ffff))
        let m = try h.memremapPages(DevPagemap(range: r(0x1_0000_0000, 0x1_07ff_ffff), type: .fsdax, device: device0))
        #expect(!m.hotplugged)
        #expect(h.pagemaps.mapped.isEmpty)
        #expect(h.sections(touching: r(0x1_0000_0000, 0x1_07ff_ffff)) == before)
        #expect(!h.log.lines.contains { $0.contains("attempted on") })
    }

    @Test("5.10+ prints the mixed seed range as %#llx-%#llx")
    func mixedRangeMessage() throws {
        var h = try seedHost(KernelVersion(6, 1))
        // A range straddling PMEM and the RAM above it.
        let e = expectKernelError(.ENXIO) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: r(0x2_f800_0000, 0x2_ffff_ffff), type: .fsdax, device: device0))
        }
        #expect(e?.message == "attempted on mixed region 0x2f8000000-0x2ffffffff")
    }

    @Test func typeNamesByEra() {
        func name(_ t: PagemapType, _ v: KernelVersion) -> String? { t.kernelName(KernelBehaviour(v)) }
        #expect(name(.fsdax, KernelVersion(4, 15)) == "MEMORY_DEVICE_HOST")
        #expect(name(.fsdax, KernelVersion(4, 16)) == "MEMORY_DEVICE_FS_DAX")
        #expect(name(.devdax, KernelVersion(5, 2)) == "0 (unset)")
        #expect(name(.devdax, KernelVersion(5, 3)) == "MEMORY_DEVICE_DEVDAX")
        #expect(name(.devdax, KernelVersion(5, 10)) == "MEMORY_DEVICE_GENERIC")
        #expect(name(.p2pdma, KernelVersion(4, 19)) == nil)
        #expect(name(.p2pdma, KernelVersion(4, 20)) == "MEMORY_DEVICE_PCI_P2PDMA")
        #expect(name(.devicePrivate, KernelVersion(6, 1)) == "MEMORY_DEVICE_PRIVATE")
    }

    @Test func p2pdmaBefore420IsRefused() throws {
        var h = try seedHost(KernelVersion(4, 19))
        expectKernelError(.EINVAL) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: r(0x2_0000_0000, 0x2_07ff_ffff), type: .p2pdma, device: device0))
        }
    }

    @Test func devicePrivateUsesAddPages() throws {
        var h = try seedHost(KernelVersion(6, 1))
        let m = try h.memremapPages(DevPagemap(range: rs(0x10_0000_0000, size: 0x4000_0000), type: .devicePrivate,
                                               device: DeviceName(driver: "test_hmm", name: "hmm_dmirror0")))
        #expect(m.hotplugFunction == "add_pages")
        #expect(h.sections(touching: m.window).count == 8)
    }

    @Test("5.3+: missing ops fail with the WARN text", arguments: [
        (PagemapType.devicePrivate, PagemapOps(pageFree: true, migrateToRAM: false), "Missing migrate_to_ram method"),
        (PagemapType.devicePrivate, PagemapOps(pageFree: false, migrateToRAM: true), "Missing page_free method"),
    ])
    func missingOps(type: PagemapType, ops: PagemapOps, message: String) throws {
        var h = try seedHost(KernelVersion(6, 1))
        let e = expectKernelError(.EINVAL) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: r(0x2_0000_0000, 0x2_07ff_ffff), type: type, device: device0, ops: ops))
        }
        #expect(e?.message == message)
    }

    @Test("5.3+: a misaligned end reaches the sub-section check (-EINVAL, spec E7)")
    func misalignedEnd() throws {
        var h = try host(KernelVersion(6, 1), firmware: [E820Entry(r(0x1_0000_0000, 0x2_ffff_ffff), .ram),
                                                          E820Entry(r(0x3_0c00_0000, 0x3_8bcf_ffff), .pram)])
        let e = expectKernelError(.EINVAL) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: r(0x3_0c00_0000, 0x3_8bcf_ffff), type: .fsdax, device: device0))
        }
        #expect(e?.message == "Misaligned __add_pages start: 0x30c000 end: #38bcff")
        #expect(h.pagemaps.mapped.isEmpty)
    }
}

/// PMEM beside PMEM in one section: region_intersects cannot see it (one top-level
/// "Persistent Memory" resource); only the pgmap conflict check can (spec §9 E3, E6).
@Suite("PMEM vs PMEM in one section")
struct PmemVersusPmemTests {
    /// E6: two 132 MiB namespaces from a section-aligned region start.
    static let region = rs(0x24_0000_0000, size: 0x1_0000_0000)
    static let ns0 = rs(0x24_0000_0000, size: 132 << 20)
    static let ns1 = rs(0x24_0840_0000, size: 132 << 20)

    func machine(_ v: KernelVersion) throws -> HotplugHost {
        try host(v, firmware: [E820Entry(r(0x1_0000_0000, 0x23_ffff_ffff), .ram), E820Entry(Self.region, .pmem)])
    }

    @Test func bothInsideOneResource() throws {
        let h = try machine(KernelVersion(5, 2))
        #expect(h.iomem.topLevel.filter { $0.name == "Persistent Memory" }.count == 1)
        let straddle = r(0x24_0800_0000, 0x24_0fff_ffff)
        for v in [KernelVersion(5, 2), KernelVersion(6, 12)] {
            #expect(h.iomem.regionIntersects(straddle, flags: .systemRAM, behaviour: KernelBehaviour(v)) == .disjoint)
        }
    }

    @Test("4.17–5.4: dev_WARN 'Conflicting mapping in same section', -ENOMEM",
          arguments: [KernelVersion(4, 17), KernelVersion(5, 2)])
    func legacyConflict(version: KernelVersion) throws {
        var h = try machine(version)
        let first = try h.memremapPages(DevPagemap(range: Self.ns0, type: .fsdax, device: device0))
        #expect(first.window == rs(0x24_0000_0000, size: 256 << 20))   // two whole sections
        let snapshot = h.sections(touching: Self.region)
        let e = expectKernelError(.ENOMEM) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: Self.ns1, type: .fsdax, device: device1))
        }
        #expect(e?.message == "nd_pmem pfn1.1: Conflicting mapping in same section")
        #expect(h.log.lines.last == "nd_pmem pfn1.1: Conflicting mapping in same section")
        #expect(h.sections(touching: Self.region) == snapshot)
        #expect(h.pagemaps.mapped.count == 1)
    }

    @Test("5.5+: plain WARN when the range's own end hits a pgmap")
    func exactConflictPlainWarn() throws {
        var h = try machine(KernelVersion(6, 1))
        _ = try h.memremapPages(DevPagemap(range: Self.ns0, type: .fsdax, device: device0))
        let overlapping = rs(0x24_0820_0000, size: 132 << 20)    // starts inside ns0
        let e = expectKernelError(.ENOMEM) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: overlapping, type: .fsdax, device: device1))
        }
        #expect(e?.message == "Conflicting mapping in same section")
    }

    @Test("5.3+: both map; section 0x481 is split between them (sub-sections 0–1 and 2–63)", arguments: [KernelVersion(5, 3), KernelVersion(6, 1)])
    func subsectionBothMap(version: KernelVersion) throws {
        var h = try machine(version)
        _ = try h.memremapPages(DevPagemap(range: Self.ns0, type: .fsdax, device: device0))
        let shared = SectionNumber(0x481)
        let afterFirst = try #require(h.sparse.section(shared)?.subsectionMap)
        #expect(afterFirst.setBits == Array(0...1))
        _ = try h.memremapPages(DevPagemap(range: Self.ns1, type: .fsdax, device: device1))
        let afterSecond = try #require(h.sparse.section(shared)?.subsectionMap)
        #expect(afterSecond.subtracting(afterFirst).setBits == Array(2...63))
        #expect(h.pagemaps.mapped.count == 2)
        #expect(h.pagemaps.pagemap(containing: PFN(0x2408400))?.pgmap.device == device1)
    }

    /// Before the conflict check (4.15/4.16) the second mapping "succeeds": the legacy engine
    /// swallows -EEXIST for the already-present shared section.
    @Test func noConflictCheckBefore417() throws {
        var h = try machine(KernelVersion(4, 16))
        _ = try h.memremapPages(DevPagemap(range: Self.ns0, type: .fsdax, device: device0))
        let m = try h.memremapPages(DevPagemap(range: Self.ns1, type: .fsdax, device: device1))
        #expect(m.window == rs(0x24_0800_0000, size: 256 << 20))
        #expect(!h.log.lines.contains { $0.contains("Conflicting") })
    }
}

/// 6.12's region_intersects() looks below top-level resources: System RAM that device-dax
/// kmem hot-plugged inside a "Persistent Memory" resource is seen from 6.12 only.
@Suite("region_intersects children (6.12) seen by devm_memremap_pages")
struct KmemChildTests {
    static let pmem = rs(0x24_0000_0000, size: 0x1_0000_0000)
    static let kmem = rs(0x24_0000_0000, size: 0x8000_0000)

    func machine(_ v: KernelVersion) throws -> HotplugHost {
        var h = try host(v, firmware: [E820Entry(r(0x1_0000_0000, 0x23_ffff_ffff), .ram), E820Entry(Self.pmem, .pmem)])
        try h.iomem.insert(Resource(name: "System RAM (kmem)", range: Self.kmem, flags: [.systemRAM, .busy]))
        return h
    }

    @Test func before612TheChildIsInvisible() throws {
        // (The section table here does not hold the kmem RAM, so only the iomem check is shown:
        // a real 6.11 kernel would pass it and fail later, in the engine, with -EEXIST.)
        let h = try machine(KernelVersion(6, 11))
        #expect(h.iomem.topLevel.first { $0.name == "Persistent Memory" }?.children.map(\.name) == ["System RAM (kmem)"])
        let straddle = rs(0x24_7000_0000, size: 0x2000_0000)
        #expect(h.iomem.regionIntersects(straddle, flags: .systemRAM, behaviour: h.behaviour) == .disjoint)
    }

    @Test func from612ItIsMixed() throws {
        var h = try machine(KernelVersion(6, 12))
        let straddle = rs(0x24_7000_0000, size: 0x2000_0000)
        let e = expectKernelError(.ENXIO) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: straddle, type: .fsdax, device: device0))
        }
        #expect(e?.message == "attempted on mixed region 0x2470000000-0x248fffffff")
        let inside = rs(0x24_1000_0000, size: 0x1000_0000)
        let e2 = expectKernelError(.ENXIO) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: inside, type: .fsdax, device: device0))
        }
        #expect(e2?.message == "attempted on ram region 0x2410000000-0x241fffffff")
        // WARN_ONCE: only the first of the two printed.
        #expect(h.log.lines.filter { $0.contains("attempted on") }.count == 1)
    }
}
