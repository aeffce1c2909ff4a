import Testing
import NDEmuCore
@testable import SparseMem

/// Spec §7's invariants, one scenario each, x86_64 unless stated.
@Suite("Invariants (spec §7)")
struct InvariantTests {
    static let s96: UInt64 = 0x300000          // first pfn of section 0x60
    static let P: UInt64 = 0x200, S: UInt64 = 0x8000

    @Test("1. misaligned add/remove: -EINVAL, no state change", arguments: ["5.3", "6.1", "v7"])
    func alignment(kernel: String) {
        var m = K.memory(kernel)
        var log = KernelLog()
        let unit = m.geometry.pagesPerUnit.rawValue
        #expect(m.addErrno(Self.s96, 4 * unit, log: &log) == nil)
        let before = m.sections()
        #expect(m.addErrno(Self.s96 + 1, unit, log: &log) == .EINVAL)
        #expect(m.addErrno(Self.s96 + 8 * unit, unit + 1, log: &log) == .EINVAL)
        #expect(m.removeErrno(Self.s96 + 1, unit, log: &log) == .EINVAL)
        #expect(m.sections() == before)
    }

    @Test("2. per-section chunks; the first failing chunk ends the add, earlier chunks stay")
    func noRollback() {
        var m = K.memory("6.1")
        var log = KernelLog()
        // Occupy sub-section 0 of section 0x62, then add 0x60..0x63 in one call.
        #expect(m.addErrno(Self.s96 + 2 * Self.S, Self.P, log: &log) == nil)
        #expect(m.addErrno(Self.s96, 4 * Self.S, log: &log) == .EEXIST)
        #expect(m.mapWord(0x60) == ~0 && m.mapWord(0x61) == ~0)
        #expect(m.mapWord(0x62) == 0x1)
        #expect(m.section(SectionNumber(0x63)) == nil)
    }

    @Test("3. a failed add leaves the map unchanged and frees a usage it allocated")
    func failedAddFreesUsage() {
        var m = K.memory("5.3")
        var log = KernelLog()
        // 5.3 visits the section of a mid-section pfn with zero pages: empty mask, -EINVAL.
        #expect(m.addErrno(Self.s96 + 4 * Self.P, 0, log: &log) == .EINVAL)
        #expect(m.section(SectionNumber(0x60)) == nil)
        #expect(m.kernelAllocation.liveUsages == 0)
        // 5.5+ walks while pfn < end: nothing happens at all.
        var m2 = K.memory("5.5")
        #expect(m2.addErrno(Self.s96 + 4 * Self.P, 0, log: &log) == nil)
        #expect(m2.sections().isEmpty)
    }

    @Test("4. remove is exact subset: otherwise a WARN and no change")
    func removeSubset() {
        var m = K.memory("6.1")
        var log = KernelLog()
        #expect(m.addErrno(Self.s96, 4 * Self.P, log: &log) == nil)
        let before = m.sections()
        #expect(m.removeErrno(Self.s96 + 2 * Self.P, 4 * Self.P, log: &log) == .EINVAL)
        #expect(log.lines.last == "section already deactivated (0x300400 + 2048)")
        #expect(m.sections() == before)
    }

    @Test("6. early sections: partial remove depopulates in 5.3-5.8, never from 5.9",
          arguments: [("5.3", false), ("5.8", false), ("5.9", true), ("6.1", true)])
    func earlyMemmap(kernel: String, keepsFull: Bool) throws {
        var m = K.memory(kernel)
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(Self.s96 << 12, 0x4000 << 12)], log: &log)   // sub-sections 0-31
        #expect(m.addErrno(Self.s96 + 0x4000, 0x4000, log: &log) == nil)           // 32-63, reuses the boot memmap
        #expect(m.section(SectionNumber(0x60))?.memmap.populated.isFull == true)
        #expect(m.removeErrno(Self.s96 + 0x4000, 0x4000, log: &log) == nil)
        let s = try #require(m.section(SectionNumber(0x60)))
        #expect(s.isEarly && s.subsectionMap?[word: 0] == 0xffffffff)
        #expect(s.memmap.populated.isFull == keepsFull)
        if !keepsFull { #expect(s.memmap.populated[word: 0] == 0xffffffff) }
    }

    @Test("9. empty means reset; a re-added boot section is not early; its boot usage is kept from 5.6",
          arguments: [("5.3", false), ("5.6", true), ("6.1", true)])
    func emptyMeansReset(kernel: String, keepsBootUsage: Bool) throws {
        var m = K.memory(kernel)
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(Self.s96 << 12, Self.S << 12)], log: &log)
        #expect(m.removeErrno(Self.s96, Self.S, log: &log) == nil)
        let gone = try #require(m.section(SectionNumber(0x60)))   // the boot usage stays (5.3: early)
        #expect(gone.flags.isEmpty && gone.usage?.isBootAllocation == true && gone.memmap.bytes == .zero)
        #expect(!m.pfnValid(PFN(Self.s96)))
        #expect(m.addErrno(Self.s96, Self.S, log: &log) == nil)
        let back = try #require(m.section(SectionNumber(0x60)))
        #expect(back.flags == [.present, .hasMemMap] && !back.isEarly)
        #expect(back.memmap.source == .ram)
        #expect(m.removeErrno(Self.s96, Self.S, log: &log) == nil)
        #expect((m.section(SectionNumber(0x60))?.usage != nil) == keepsBootUsage)
    }

    @Test("10. roots are never freed; __highest_present_section_nr never goes down")
    func rootsAndHighWater() {
        var m = K.memory("6.1", arch: "x86_64-la57")
        var log = KernelLog()
        let far: UInt64 = 1 << 38                  // 1 PiB in pfns
        #expect(m.addErrno(far, Self.S, log: &log) == nil)
        #expect(m.addErrno(Self.s96, Self.S, log: &log) == nil)
        #expect(m.kernelAllocation.allocatedRoots == 2)
        let high = m.highestPresentSection
        #expect(m.removeErrno(far, Self.S, log: &log) == nil)
        #expect(m.kernelAllocation.allocatedRoots == 2)
        #expect(m.highestPresentSection == high)
        #expect(m.kernelAllocation.liveUsages == 1)
        #expect(m.kernelAllocation.rootPointerBytes == ByteCount(131072 * 8))
    }

    @Test("7. pfn_valid: early shortcut from 5.3, none in v7, no bitmap term before 5.3",
          arguments: [("5.2", true), ("v7", false), ("5.3", true)])
    func pfnValidFormula(kernel: String, holeValid: Bool) throws {
        var m = K.memory(kernel)
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(Self.s96 << 12, 0x4000 << 12)], log: &log)
        #expect(m.pfnValid(PFN(Self.s96)))
        #expect(m.pfnValid(PFN(Self.s96 + 0x6000)) == holeValid)     // RAM hole of the early section
        #expect(!m.pfnValid(PFN(Self.s96 + Self.S)))
    }

    @Test("14. before 5.3 __add_pages never returns -EEXIST")
    func noEEXISTBefore53() {
        var m = K.memory("4.19")
        var log = KernelLog()
        #expect(m.addErrno(Self.s96, Self.S, log: &log) == nil)
        #expect(m.addErrno(Self.s96, 2 * Self.S, log: &log) == nil)
        #expect(m.addErrno(Self.s96 + 5, 7, log: &log) == nil)
        #expect(m.sections().count == 2)
        #expect(m.removeErrno(Self.s96 + Self.P, Self.S, log: &log) == .EINVAL)
        #expect(log.lines.last == "kernel BUG at mm/memory_hotplug.c!")
    }

    @Test("15/16. altmap: x86 full sections from PMD blocks of the altmap, partial ones from RAM")
    func altmapOnX86() throws {
        var m = K.memory("6.1")
        var log = KernelLog()
        let pfn = Self.s96
        // 2 sections + 16 MiB; reserve 2 pages, room for 2 PMD blocks after alignment.
        var altmap: VMemAltmap? = VMemAltmap(basePFN: PFN(pfn), reserve: 2, free: PageCount(2 * 512 + 510))
        try m.addPages(PFN(pfn), PageCount(2 * Self.S + 0x1000), altmap: &altmap, log: &log)
        let a = try #require(altmap)
        #expect(a.alloc == PageCount(1024))
        #expect(a.align == PageCount(510))     // next pfn base+2 aligned up to 512
        #expect(a.alloc.rawValue + a.align.rawValue <= a.free.rawValue)
        #expect(m.section(SectionNumber(0x60))?.memmap.source == .altmap)
        #expect(m.section(SectionNumber(0x60))?.memmap.pmdMapped.isFull == true)
        #expect(m.section(SectionNumber(0x62))?.memmap.source == .ram)
        #expect(m.memmap.hotplugAltmapBytes == ByteCount.mib(4))
        // Teardown with the altmap gives the PMD blocks back (align is never returned).
        try m.removePages(PFN(pfn), PageCount(2 * Self.S + 0x1000), altmap: &altmap, log: &log)
        #expect(altmap?.alloc == .zero && altmap?.align == PageCount(510))
    }

    @Test("16. an exhausted altmap is -ENOMEM with no fallback; earlier sections stay")
    func altmapExhausted() throws {
        var m = K.memory("6.1")
        var log = KernelLog()
        var altmap: VMemAltmap? = VMemAltmap(basePFN: PFN(Self.s96), free: PageCount(512))
        #expect(throws: KernelError(.ENOMEM)) { try m.addPages(PFN(Self.s96), PageCount(2 * Self.S), altmap: &altmap, log: &log) }
        #expect(m.mapWord(0x60) == ~0)
        #expect(m.section(SectionNumber(0x61)) == nil)
        #expect(altmap?.alloc == PageCount(512))
    }

    @Test("15. the altmap must start at the range and fit in it")
    func invalidAltmap() {
        var m = K.memory("6.1")
        var log = KernelLog()
        var altmap: VMemAltmap? = VMemAltmap(basePFN: PFN(Self.s96 + 1), free: PageCount(512))
        #expect(throws: KernelError(.EINVAL, "memory add fail, invalid altmap")) {
            try m.addPages(PFN(Self.s96), PageCount(Self.S), altmap: &altmap, log: &log)
        }
        var big: VMemAltmap? = VMemAltmap(basePFN: PFN(Self.s96), free: PageCount(Self.S + 1))
        #expect(throws: KernelError.self) { try m.addPages(PFN(Self.s96), PageCount(Self.S), altmap: &big, log: &log) }
        #expect(log.lines == ["memory add fail, invalid altmap"])   // pr_warn_once
    }

    @Test("16. arm64 16K puts a sub-section's memmap in the altmap too")
    func arm64AltmapForSubsections() throws {
        var m = K.memory("6.1", arch: "arm64-16k")
        var log = KernelLog()
        let unit = m.geometry.pagesPerUnit.rawValue            // 128 pages of 16K
        let pfn = 4 * m.geometry.pagesPerSection.rawValue
        var altmap: VMemAltmap? = VMemAltmap(basePFN: PFN(pfn), free: PageCount(64))
        try m.addPages(PFN(pfn), PageCount(4 * unit), altmap: &altmap, log: &log)
        // 4 sub-sections × 128 struct pages × 64 B = 32 KiB = 2 pages of 16K.
        #expect(altmap?.alloc == PageCount(2))
        #expect(m.section(containing: PFN(pfn))?.memmap.source == .altmap)
    }

    @Test("17. TAINT_ZONE_DEVICE on unaligned start/end sections from 5.12, until the word resets")
    func taint() throws {
        for (kernel, tainted) in [("5.11", false), ("5.12", true)] {
            var m = K.memory(kernel)
            var log = KernelLog()
            try m.boot(systemRAM: [K.range(Self.s96 << 12, 0x4000 << 12)], log: &log)
            #expect(m.addErrno(Self.s96 + 0x4000, 0x4000 + Self.S + Self.P, log: &log) == nil)
            m.moveToZoneDevice(PFN(Self.s96 + 0x4000), PageCount(0x4000 + Self.S + Self.P))
            #expect(m.section(SectionNumber(0x60))?.flags.contains(.taintZoneDevice) == tainted)
            #expect(m.section(SectionNumber(0x61))?.flags.contains(.taintZoneDevice) == false)
            #expect(m.section(SectionNumber(0x62))?.flags.contains(.taintZoneDevice) == tainted)
            // pfn_to_online_page: a device pfn in a tainted online section is not online from 5.12.
            #expect(m.pfnToOnlinePage(PFN(Self.s96), isDevicePFN: { $0.rawValue >= Self.s96 + 0x4000 }))
            #expect(m.pfnToOnlinePage(PFN(Self.s96 + 0x5000), isDevicePFN: { $0.rawValue >= Self.s96 + 0x4000 }) == !tainted)
            #expect(m.removeErrno(Self.s96 + 2 * Self.S, Self.P, log: &log) == nil)
            #expect(m.section(SectionNumber(0x62)).map { $0.flags.isEmpty } ?? true)
        }
    }

    @Test("every invariant holds after the worked examples' operations")
    func checkerFindsNothing() throws {
        var m = K.memory("6.1")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(0x2fc000000, 0x104000000)], log: &log)
        _ = m.add(0x200000000, 0xfc000000, log: &log)
        _ = m.remove(0x200000000, 0x8000000, log: &log)
        #expect(m.checkInvariants().isEmpty)
    }
}
