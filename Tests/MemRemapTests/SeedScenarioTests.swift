import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

/// Spec §9 E1 / sparsemem.md example 1: `memmap=0xfc000000!8G` beside System RAM that
/// continues at 0x2fc000000 inside section 0x5f.
@Suite("seed: memmap=0xfc000000!8G beside System RAM")
struct SeedScenarioTests {
    static let pmem = r(0x2_0000_0000, 0x2_fbff_ffff)

    @Test("≤5.2: the section-aligned window is MIXED → WARN_ONCE and -ENXIO",
          arguments: [KernelVersion(4, 19), KernelVersion(4, 20), KernelVersion(5, 0), KernelVersion(5, 2)])
    func legacyFails(version: KernelVersion) throws {
        var h = try seedHost(version)
        let before = h.sections(touching: Self.pmem)
        let e = expectKernelError(.ENXIO) { () throws(KernelError) in
            try h.memremapPages(DevPagemap(range: Self.pmem, type: .fsdax, device: device0))
        }
        let splat = "devm_memremap_pages attempted on mixed region [mem 0x200000000-0x2fbffffff flags 0x200]"
        #expect(e?.message == splat)
        #expect(h.log.lines.filter { $0.contains("attempted on") } == [splat])
        // Nothing is left behind.
        #expect(h.pagemaps.mapped.isEmpty)
        #expect(h.sections(touching: Self.pmem) == before)
        #expect(h.pagemaps.zoneDevice.span == nil)
    }

    @Test("WARN_ONCE: the second failure prints nothing, still -ENXIO")
    func warnOnce() throws {
        var h = try seedHost(KernelVersion(5, 2))
        for _ in 0..<3 {
            expectKernelError(.ENXIO) { () throws(KernelError) in try h.memremapPages(DevPagemap(range: Self.pmem, type: .fsdax, device: device0)) }
        }
        #expect(h.log.lines.filter { $0.contains("attempted on") }.count == 1)
    }

    @Test("5.3+: the exact range is DISJOINT and maps; section 0x5f gains sub-sections 0–31",
          arguments: [KernelVersion(5, 3), KernelVersion(5, 10), KernelVersion(6, 1), KernelVersion(6, 12)])
    func subsectionMaps(version: KernelVersion) throws {
        var h = try seedHost(version)
        let shared = SectionNumber(0x5f)
        let before = try #require(h.sparse.section(shared)?.subsectionMap)
        #expect(before.setBits == Array(32...63))          // boot RAM from 0x2fc000000
        let m = try h.memremapPages(DevPagemap(range: Self.pmem, type: .fsdax, device: device0))
        #expect(m.window == Self.pmem)
        #expect(m.hotplugFunction == "arch_add_memory")
        let after = try #require(h.sparse.section(shared)?.subsectionMap)
        #expect(after.subtracting(before).setBits == Array(0...31))
        #expect(after.isFull)
        #expect(h.sparse.section(shared)?.isEarly == true)
        // Sections 0x40–0x5e are full hot-added sections.
        for s in 0x40...0x5e { #expect(h.sparse.section(SectionNumber(UInt64(s)))?.subsectionMap?.isFull == true) }
        #expect(!h.log.lines.contains { $0.contains("attempted on") })
        #expect(m.references == PageCount(0xfc000))
        #expect(h.pagemaps.zoneDevice.pages == PageCount(0xfc000))
        // 5.12+: the section shared with RAM is tainted.
        let tainted = h.sparse.section(shared)?.flags.contains(.taintZoneDevice) == true
        #expect(tainted == KernelBehaviour(version).has(.sectionTaintZoneDevice))
    }

    @Test("5.3+: teardown restores every section touched",
          arguments: [KernelVersion(5, 3), KernelVersion(6, 1)])
    func teardownRestores(version: KernelVersion) throws {
        var h = try seedHost(version)
        let all = r(0x1_0000_0000, 0x3_ffff_ffff)
        let before = h.sections(touching: all)
        let m = try h.memremapPages(DevPagemap(range: Self.pmem, type: .fsdax, device: device0))
        #expect(h.sections(touching: all) != before)
        #expect(h.memunmapPages(m.id) == nil)
        let after = h.sections(touching: all).map { s in s }
        // The shared early section keeps its taint once set (5.12+); everything else is exact.
        #expect(after.count == before.count)
        for (a, b) in zip(after, before) {
            #expect(a.number == b.number)
            #expect(a.subsectionMap == b.subsectionMap)
            #expect(a.flags.subtracting(.taintZoneDevice) == b.flags)
        }
        #expect(h.pagemaps.mapped.isEmpty)
        #expect(h.pagemaps.zoneDevice.span == nil)
    }

    /// The raw namespace converted to fsdax map=dev on legacy kernels is trimmed to whole
    /// sections (spec E1: pgmap `[0x200000000, 0x2f7ffffff]`) and then maps on every era.
    @Test(arguments: [KernelVersion(4, 19), KernelVersion(5, 2), KernelVersion(6, 1)])
    func trimmedRangeMaps(version: KernelVersion) throws {
        var h = try seedHost(version)
        let trimmed = r(0x2_0000_0000, 0x2_f7ff_ffff)
        let m = try h.memremapPages(DevPagemap(range: trimmed, type: .fsdax, device: device0))
        #expect(m.window == trimmed)
        #expect(h.pagemaps.zoneDevice.span == trimmed)
    }
}
