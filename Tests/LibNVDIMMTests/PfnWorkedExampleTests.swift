import IOMem
import Testing
import NDEmuCore
@testable import LibNVDIMM

/// The spec's worked examples (memremap-and-nvdimm.md §9, x86_64) through nd_pfn_init() /
/// __nvdimm_setup_pfn() by era.
@Suite struct PfnWorkedExampleTests {
    static let arch = ArchProfile.x86_64
    static func k(_ v: String) -> KernelBehaviour { KernelBehaviour(try! KernelSpec(parsing: v)) }
    static func r(_ start: UInt64, _ end: UInt64) -> AddressRange { AddressRange(start: PhysicalAddress(start), end: PhysicalAddress(end))! }
    static func ram(_ ranges: [AddressRange], pmem: [AddressRange]) -> CollisionFacts {
        CollisionFacts(systemRAM: TopLevelResources(ranges.map { .init($0, isSystemRAM: true) } + pmem.map { .init($0, isSystemRAM: false) }))
    }
    static func enable(_ ns: AddressRange, kernel: String, facts: CollisionFacts = .isolated, signature: InfoBlockSignature = .pfn,
                       mode: PfnMode = .pmem, align: ByteCount = .mib(2), log: inout KernelLog) throws(KernelError) -> PfnNamespaceOutcome {
        try PfnNamespace.enable(namespace: NamespaceResource(range: ns), settings: PfnSettings(signature: signature, mode: mode, align: align),
                                onMedia: nil, behaviour: k(kernel), arch: arch, facts: facts, log: &log)
    }

    /// The KernelError a body throws, or nil.
    static func error(_ body: () throws(KernelError) -> Void) -> KernelError? {
        do { try body(); return nil } catch { return error }
    }

    // E1: memmap=0xfc000000!8G next to RAM.
    static let e1 = r(0x2_0000_0000, 0x2_fc00_0000)
    static let e1Facts = ram([r(0x1_0000_0000, 0x2_0000_0000), r(0x2_fc00_0000, 0x4_0000_0000)], pmem: [e1])

    @Test func e1LegacyTruncatesTheEndAgainstRAM() throws {
        var log = KernelLog()
        let o = try Self.enable(Self.e1, kernel: "5.2", facts: Self.e1Facts, log: &log)
        #expect(o.block.startPad == .zero)
        #expect(o.block.endTrunc == .mib(64))
        #expect(o.block.dataOffset == .mib(64))
        #expect(o.block.npfns == 999_424)
        #expect(o.block.versionText == "1.2")
        #expect(o.pgmapRange == Self.r(0x2_0000_0000, 0x2_f800_0000))
        #expect(log.lines == ["nd_pmem pfn0.0: namespace0.0 alignment collision, truncate 67108864 bytes"])
    }

    @Test(arguments: ["5.3", "5.7", "6.1"])
    func e1SubsectionEraNeedsNoTruncation(kernel: String) throws {
        var log = KernelLog()
        let o = try Self.enable(Self.e1, kernel: kernel, facts: Self.e1Facts, log: &log)
        #expect(o.block.endTrunc == .zero)
        #expect(o.block.dataOffset == .mib(64))
        #expect(o.block.npfns == 1_015_808)
        #expect(log.lines.isEmpty)
    }

    // E2: RAM | PMEM | RAM, one section shared at each end.
    static let e2 = r(0x2_0400_0000, 0x2_fc00_0000)
    static let e2Facts = ram([r(0x1_0000_0000, 0x2_0400_0000), r(0x2_fc00_0000, 0x4_0000_0000)], pmem: [e2])

    @Test func e2LegacyPadsBothEndsAndBreaksFsdaxDAX() throws {
        var log = KernelLog()
        let o = try Self.enable(Self.e2, kernel: "5.2", facts: Self.e2Facts, log: &log)
        #expect(o.block.startPad == .mib(64) && o.block.endTrunc == .mib(64))
        #expect(o.block.dataOffset == ByteCount(0x3e0_0000))
        #expect(o.block.npfns == 967_168)
        #expect(log.lines == ["nd_pmem pfn0.0: namespace0.0 alignment collision, truncate 134217728 bytes"])
        #expect(o.pgmapRange == Self.r(0x2_0800_0000, 0x2_f800_0000))
        #expect(o.altmap == AltmapParameters(basePFN: PFN(0x208000), reserve: 2, free: 15870, endPFN: PFN(0x2f7fff)))
        #expect(o.dataRange.start == PhysicalAddress(0x2_0be0_0000))
        #expect(o.usableSize == .mib(3778))
        // The start_pad bug: DAX's pfn for pgoff 0 is 0x207e00000, inside the unmapped pad.
        #expect(o.daxPFNBase == PhysicalAddress(0x2_07e0_0000))
        #expect(o.daxAddressSkew == .mib(64))
        #expect(!o.fsdaxDAXWorks)
    }

    @Test(arguments: ["5.3", "5.4", "5.7", "6.1", "6.6"])
    func e2LegacyBlockIsHonouredByNewKernels(kernel: String) throws {
        var log = KernelLog()
        let legacy = try Self.enable(Self.e2, kernel: "5.2", facts: Self.e2Facts, log: &log).block
        let check = NamespaceCheck.run(namespace: NamespaceResource(range: Self.e2), block: legacy.encoded(),
                                       behaviour: Self.k(kernel), arch: Self.arch)
        #expect(check.status == .enabled)
        let o = try #require(check.outcome)
        #expect(o.block.startPad == .mib(64))
        #expect(o.pgmapRange == Self.r(0x2_0800_0000, 0x2_f800_0000))
        #expect(o.runtimeNpfns == 967_168)
        #expect(!o.fsdaxDAXWorks)
        #expect(!check.log.contains { $0.contains("truncated") })
    }

    @Test func e2FreshSubsectionLayoutGainsCapacity() throws {
        var log = KernelLog()
        let o = try Self.enable(Self.e2, kernel: "6.1", facts: Self.e2Facts, log: &log)
        #expect(o.block.startPad == .zero && o.block.endTrunc == .zero)
        #expect(o.block.dataOffset == .mib(64))
        #expect(o.block.npfns == 999_424)
        #expect(o.dataRange.start == PhysicalAddress(0x2_0800_0000))
        #expect(o.altmap?.basePFN == PFN(0x204000))
        #expect(o.altmap?.free == 16382)
        #expect(o.fsdaxDAXWorks)
    }

    // E3: PMEM vs PMEM in one section.
    static let region0 = r(0x18_7c00_0000, 0x57_7c00_0000)
    static let region1 = r(0x57_7c00_0000, 0x96_7c00_0000)
    static let e3RAM = ram([r(0x1_0000_0000, 0x18_7c00_0000), r(0x96_7c00_0000, 0xa0_0000_0000)], pmem: [r(0x18_7c00_0000, 0x96_7c00_0000)])

    @Test func e3NeighbourPaddingFrom50() throws {
        for (ns, other) in [(Self.region0, Self.region1), (Self.region1, Self.region0)] {
            var facts = Self.e3RAM
            facts.otherRegions = [other]
            var log = KernelLog()
            let o = try Self.enable(ns, kernel: "5.0", facts: facts, log: &log)
            #expect(o.block.startPad == .mib(64) && o.block.endTrunc == .mib(64))
            #expect(o.block.dataOffset == .mib(4032))
            #expect(o.block.npfns == 64_995_328)
        }
    }

    @Test func e3RAMOnlyTrimmingBefore50() throws {
        var facts = Self.e3RAM
        facts.otherRegions = [Self.region0]
        var log = KernelLog()
        let o = try Self.enable(Self.region1, kernel: "4.19", facts: facts, log: &log)
        #expect(o.block.startPad == .zero)
        #expect(o.block.endTrunc == .mib(64))
        #expect(log.lines == ["nd_pmem pfn0.0: namespace0.0 alignment collision, truncate 67108864 bytes"])
    }

    /// ndctl#76 (RAM-only trimming, before 5.0): namespace0.0 gets start_pad 64 MiB against the RAM
    /// below it and no end_trunc (its neighbour is PMEM, invisible to the trimming); its memmap is
    /// estimated in whole sections, so the data starts after 2016 sections' worth of struct pages.
    @Test func e3Namespace0RAMOnlyTrimmingBefore50() throws {
        var facts = Self.e3RAM
        facts.otherRegions = [Self.region1]
        var log = KernelLog()
        let o = try Self.enable(Self.region0, kernel: "4.19", facts: facts, log: &log)
        #expect(o.block.startPad == .mib(64) && o.block.endTrunc == .zero)
        // (252 GiB − 64 MiB − 8 KiB) of pages rounds up to 2016 sections: 4032 MiB of struct pages.
        #expect(o.block.dataOffset == .mib(4034))
    }

    @Test func e3SubsectionEra() throws {
        var facts = Self.e3RAM
        facts.otherRegions = [Self.region1]
        var log = KernelLog()
        let o = try Self.enable(Self.region0, kernel: "5.3", facts: facts, log: &log)
        #expect(o.block.startPad == .zero && o.block.endTrunc == .zero)
        #expect(o.block.dataOffset == .mib(4034))
        #expect(o.block.npfns == 65_027_584)
    }

    // E4: 16 GiB at a 64 MiB-unaligned base.
    static let e4 = r(0x2_4100_0000, 0x6_4100_0000)

    @Test func e4LegacyAltmapCountsTheSectionGap() throws {
        var log = KernelLog()
        let facts = Self.ram([Self.r(0x1_0000_0000, 0x2_4000_0000)], pmem: [Self.e4])
        let o = try Self.enable(Self.e4, kernel: "5.2", facts: facts, log: &log)
        #expect(o.block.startPad == .zero && o.block.endTrunc == .zero)
        #expect(o.block.dataOffset == ByteCount.mib(258))
        #expect(o.block.npfns == 4_128_256)
        #expect(o.altmap?.basePFN == PFN(0x240000))
        #expect(o.altmap?.reserve == 4098)
        #expect(o.altmap?.free == 66046)
        let n = try Self.enable(Self.e4, kernel: "5.3", facts: facts, log: &log)
        #expect(n.block.dataOffset == ByteCount.mib(258) && n.block.npfns == 4_128_256)
        #expect(n.altmap?.basePFN == PFN(0x241000) && n.altmap?.reserve == 2)
    }

    // E5: 1 GiB devdax on a 256 MiB-aligned legacy range.
    @Test(arguments: ["4.15", "5.2", "5.3", "6.1"])
    func e5OneGigDevdaxTruncatesToTheAlign(kernel: String) throws {
        var log = KernelLog()
        let o = try Self.enable(Self.r(0x2_1000_0000, 0x3_1000_0000), kernel: kernel, signature: .dax, align: .gib(1), log: &log)
        #expect(o.block.startPad == .zero)
        #expect(o.block.endTrunc == .mib(256))
        #expect(o.block.dataOffset == .mib(768))
        #expect(o.block.npfns == 786_432)
        #expect(o.dataRange.start == PhysicalAddress(0x2_4000_0000))
    }

    // E6: 132 MiB fsdax on a 6-way region.
    @Test func e6LegacyLoses6MiBSubsectionEra4MiB() throws {
        let ns = Self.r(0x40_0000_0000, 0x40_0000_0000 + (132 << 20))
        var log = KernelLog()
        #expect(try Self.enable(ns, kernel: "5.2", log: &log).usableSize == .mib(126))
        #expect(try Self.enable(ns, kernel: "5.3", log: &log).usableSize == .mib(128))
        // 5.7+: region align 16 MiB × 6 refuses 132 MiB.
        var region = Region(range: AddressRange(start: PhysicalAddress(0x40_0000_0000), size: .gib(6))!, interleaveWays: 6, labels: .v1_2)
        #expect(region.align(behaviour: Self.k("5.7"), arch: Self.arch) == .mib(96))
        #expect(Self.error { () throws(KernelError) in
            _ = try region.allocateNamespace(size: .mib(132), behaviour: Self.k("5.7"), arch: Self.arch)
        } == KernelError(.EINVAL, "138412032 is not 98304K aligned"))
    }

    // E7: end 1 MiB past a 2 MiB boundary, 6.1.
    static let e7 = r(0x3_0c00_0000, 0x3_8bd0_0000)

    @Test func e7FsdaxTruncatesTheUnalignedTail() throws {
        var log = KernelLog()
        let o = try Self.enable(Self.e7, kernel: "6.1", log: &log)
        #expect(o.block.endTrunc == ByteCount(0x10_0000))
        #expect(o.block.dataOffset == ByteCount(0x200_0000))
        #expect(o.block.npfns == 0x7dc00)
        #expect(o.pgmapRange == Self.r(0x3_0c00_0000, 0x3_8bc0_0000))
        #expect(o.altmap == AltmapParameters(basePFN: PFN(0x30c000), reserve: 2, free: 8190, endPFN: PFN(0x38bbff)))
        #expect(o.dataRange.start == PhysicalAddress(0x3_0e00_0000))
        #expect(o.usableSize == ByteCount(0x7dc0_0000))
        let m = try Self.enable(Self.e7, kernel: "6.1", mode: .ram, log: &log)
        #expect(m.block.dataOffset == ByteCount(0x20_0000))
        #expect(m.block.npfns == 0x7fa00)
    }

    // 5.7+: a fresh pfn namespace must start compat-aligned.
    @Test func misalignedStartRefusedFrom57() throws {
        let ns = Self.r(0x2_0010_0000, 0x3_0000_0000)
        var log = KernelLog()
        #expect(Self.error { () throws(KernelError) in _ = try Self.enable(ns, kernel: "5.7", log: &log) }
                == KernelError(.EINVAL, "nd_pmem pfn0.0: namespace0.0: start 0x0000000200100000 misaligned to 0x200000"))
        #expect(log.lines == ["nd_pmem pfn0.0: namespace0.0: start 0x0000000200100000 misaligned to 0x200000"])
        // ppc64 hash: 16 MiB.
        let ppc = try ArchProfile(name: "ppc64-64k", behaviour: Self.k("6.1"))
        var log2 = KernelLog()
        #expect(Self.error { () throws(KernelError) in
            _ = try PfnNamespace.enable(namespace: NamespaceResource(range: Self.r(0x2_0020_0000, 0x3_0000_0000)),
                                        settings: PfnSettings(signature: .pfn, align: ppc.pmdSize), onMedia: nil,
                                        behaviour: Self.k("6.1"), arch: ppc, log: &log2)
        }?.errno == .EINVAL)
        // 5.3–5.6 accept it.
        var log3 = KernelLog()
        #expect(Self.error { () throws(KernelError) in _ = try Self.enable(ns, kernel: "5.6", log: &log3) } == nil)
    }
}
