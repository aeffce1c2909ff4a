import Testing
import NDEmuCore
@testable import SparseMem

/// The worked examples of spec §8 (x86_64, 5.3 unless stated).
@Suite("Worked examples (spec §8)")
struct WorkedExampleTests {
    /// Example 1: PMEM [0x200000000, 0x2fc000000) next to boot RAM from 0x2fc000000.
    @Test func example1PMEMNextToBootRAM() throws {
        var m = K.memory("5.3")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(0x2fc000000, 0x104000000)], log: &log)
        let s95 = try #require(m.section(SectionNumber(0x5f)))
        #expect(s95.subsectionMap?[word: 0] == 0xffffffff00000000)
        #expect(s95.flags == [.present, .hasMemMap, .online, .early])

        #expect(m.add(0x200000000, 0xfc000000, log: &log) == nil)
        for s in UInt64(64)...94 {
            let sec = try #require(m.section(SectionNumber(s)))
            #expect(sec.subsectionMap?[word: 0] == ~0)
            #expect(sec.flags == [.present, .hasMemMap])
            #expect(sec.memmap.bytes == ByteCount.mib(2))
            #expect(sec.memmap.pmdMapped.isFull)
        }
        let after = try #require(m.section(SectionNumber(0x5f)))
        #expect(after.subsectionMap?[word: 0] == ~0)
        #expect(after.flags == [.present, .hasMemMap, .online, .early])
        #expect(m.memmap.hotplugBytes == ByteCount.mib(62))
    }

    @Test func example1TaintFrom512() throws {
        var m = K.memory("5.12")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(0x2fc000000, 0x104000000)], log: &log)
        #expect(m.add(0x200000000, 0xfc000000, log: &log) == nil)
        m.moveToZoneDevice(PFN(0x200000), PageCount(0xfc000))
        #expect(m.section(SectionNumber(0x5f))?.flags.contains(.taintZoneDevice) == true)
        #expect(m.section(SectionNumber(0x40))?.flags.contains(.taintZoneDevice) == false)
    }

    @Test func example1PreSubsectionSwallowsEEXIST() throws {
        var m = K.memory("5.2")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(0x2fc000000, 0x104000000)], log: &log)
        #expect(m.add(0x200000000, 0xfc000000, log: &log) == nil)
        #expect(m.section(SectionNumber(64))?.memmap.bytes == ByteCount.mib(2))
        let s95 = try #require(m.section(SectionNumber(95)))
        #expect(s95.isEarly && s95.usage?.isBootAllocation == true)
        #expect(m.memmap.hotplugBytes == ByteCount.mib(62))
    }

    /// Example 2: 16 MiB added into a partially active hot-added section.
    @Test func example2AddIntoPartialSection() throws {
        var m = K.memory("5.3")
        var log = KernelLog()
        #expect(m.add(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.mapWord(0x60) == 0x00000000ffffffff)
        #expect(m.section(SectionNumber(0x60))?.memmap.bytes == ByteCount.mib(1))
        #expect(m.section(SectionNumber(0x60))?.memmap.pmdMapped.isEmpty == true)
        #expect(m.add(0x304000000, 0x1000000, log: &log) == nil)
        #expect(m.mapWord(0x60) == 0x000000ffffffffff)
        #expect(m.pfnValid(PFN(0x304000)))
        #expect(!m.pfnValid(PFN(0x305000)))
        // Overlap variant.
        #expect(m.add(0x303e00000, 0x400000, log: &log) == .EEXIST)
        #expect(m.mapWord(0x60) == 0x000000ffffffffff)
    }

    @Test func example2OverlapSwallowedByV7() throws {
        var m = K.memory("v7")
        var log = KernelLog()
        #expect(m.add(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.add(0x304000000, 0x1000000, log: &log) == nil)
        #expect(m.add(0x303e00000, 0x400000, log: &log) == nil)
        #expect(m.mapWord(0x60) == 0x000000ffffffffff)
    }

    /// Example 3: partial removal, then double removal.
    @Test func example3PartialThenDoubleRemoval() throws {
        var m = K.memory("5.3")
        var log = KernelLog()
        #expect(m.add(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.add(0x304000000, 0x1000000, log: &log) == nil)
        #expect(m.remove(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.mapWord(0x60) == 0x000000ff00000000)
        #expect(m.section(SectionNumber(0x60))?.flags == [.present, .hasMemMap])
        #expect(!m.pfnValid(PFN(0x300000)) && m.pfnValid(PFN(0x304000)))
        #expect(m.section(SectionNumber(0x60))?.memmap.bytes == ByteCount.kib(256))

        let before = log.entries.count
        #expect(m.remove(0x300000000, 0x4000000, log: &log) == .EINVAL)
        #expect(log.lines[before...].contains("section already deactivated (0x300000 + 16384)"))
        #expect(m.mapWord(0x60) == 0x000000ff00000000)

        #expect(m.remove(0x304000000, 0x1000000, log: &log) == nil)
        #expect(m.section(SectionNumber(0x60)) == nil)
        #expect(m.memmap.hotplugBytes == .zero)
        #expect(m.remove(0x304000000, 0x1000000, log: &log) == .EINVAL)
    }

    /// Example 3 on the v7 series: the same double removal warns with v7's own text.
    @Test func example3V7WarningText() {
        var m = K.memory("v7")
        var log = KernelLog()
        #expect(m.add(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.add(0x304000000, 0x1000000, log: &log) == nil)
        #expect(m.remove(0x300000000, 0x4000000, log: &log) == nil)
        #expect(m.remove(0x300000000, 0x4000000, log: &log) == .EINVAL)
        #expect(log.lines.last == "section already deactivated: active: 0xff00000000 mask: 0xffffffff")
        // v7 has no early shortcut in pfn_valid and no SECTION_IS_EARLY flag.
        #expect(m.section(SectionNumber(0x60))?.flags == [.present, .hasMemMap])
    }

    /// Example 4: an unaligned add.
    @Test(arguments: [("5.3", "Misaligned __add_pages start: 0x300100 end: #3002ff"),
                      ("6.1", "Misaligned __add_pages start: 0x300100 end: #3002ff"),
                      ("6.6", "Misaligned __add_pages start: 0x300100 end: 0x3002ff")])
    func example4Unaligned(kernel: String, text: String) {
        var m = K.memory(kernel)
        var log = KernelLog()
        #expect(m.add(0x300100000, 0x200000, log: &log) == .EINVAL)
        #expect(log.lines == [text])
        #expect(m.sections().isEmpty)
    }

    @Test func example4PreSubsectionAddsWholeSection() {
        var m = K.memory("5.2")
        var log = KernelLog()
        #expect(m.add(0x300100000, 0x200000, log: &log) == nil)
        #expect(m.section(SectionNumber(0x60))?.memmap.bytes == ByteCount.mib(2))
        #expect(m.add(0x300100000, 0x200000, log: &log) == nil)
    }

    @Test func example4V7MaskUnderCovers() {
        let g = SectionGeometry(arch: .x86_64, behaviour: K.behaviour("v7"))
        let mask = SectionMask.sectionActiveMask(PFN(0x300100), PageCount(0x200), geometry: g)
        #expect(mask?.map(count: 64)[word: 0] == 0x1)
        let final = SectionMask.subsectionMaskSet(PFN(0x300100), PageCount(0x200), geometry: SectionGeometry(arch: .x86_64, behaviour: K.behaviour("5.3")))
        #expect(final?.map(count: 64)[word: 0] == 0x3)
    }

    /// Example 5: 4 MiB on arm64 4K before 5.12 (1 GiB sections), v7 vs final.
    @Test func example5Arm64OneGiBSections() throws {
        var m = K.memory("5.3", arch: "arm64-4k")
        var log = KernelLog()
        #expect(m.geometry.bitsPerSection == 512 && m.geometry.wordsPerMap == 8)
        #expect(m.add(0x80200000, 0x400000, log: &log) == nil)
        let s = try #require(m.section(SectionNumber(2)))
        #expect(s.subsectionMap?.words == [0x6, 0, 0, 0, 0, 0, 0, 0])
        #expect(s.memmap.bytes == ByteCount.kib(64))

        var v7 = K.memory("v7", arch: "arm64-4k")
        #expect(v7.geometry.bitsPerSection == 64)
        let mask = SectionMask.sectionActiveMask(PFN(0x80200), PageCount(0x400), geometry: v7.geometry)
        #expect(mask?.map(count: 64)[word: 0] == 0x1)
        // check_pfn_span in v7 works in 16 MiB units, so the add itself is refused as misaligned.
        #expect(v7.add(0x80200000, 0x400000, log: &log) == .EINVAL)

        var pre = K.memory("5.2", arch: "arm64-4k")
        #expect(pre.add(0x80200000, 0x400000, log: &log) == nil)
        #expect(pre.section(SectionNumber(2))?.memmap.bytes == ByteCount.mib(16))
    }
}
