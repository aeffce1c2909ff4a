import Testing
import NDEmuCore
@testable import SparseMem

/// Bad input gives an errno or a clear error, never a trap.
@Suite("Bad input")
struct BadInputTests {
    @Test("zero size, by era", arguments: [("4.19", nil), ("5.3", Errno?.none), ("5.10", nil), ("5.11", .E2BIG), ("6.1", .E2BIG)])
    func zeroSize(kernel: String, errno: Errno?) {
        var m = K.memory(kernel)
        var log = KernelLog()
        #expect(m.addErrno(0x300000, 0, log: &log) == errno)
        #expect(m.sections().isEmpty)
    }

    @Test("end past MAX_PHYSMEM_BITS", arguments: [
        ("5.4", ""),
        ("5.5", "Hotplugged memory exceeds maximum addressable address, range=0x3fffffe00000-0x4000001fffff, maximum=0x7fffffffffff"),
        ("6.1", "Hotplug memory [0x3fffffe00000-0x400000200000] exceeds maximum addressable range [0x0-0x3fffffffffff]"),
    ])
    func pastPhysmem(kernel: String, text: String) {
        var m = K.memory(kernel)
        var log = KernelLog()
        // 46 bits: 64 TiB; the range is the last 2 MiB below it plus 2 MiB above.
        let pfn: UInt64 = (1 << 34) - 0x200
        #expect(m.addErrno(pfn, 0x400, log: &log) == .E2BIG)
        #expect(log.lines == (text.isEmpty ? [] : [text]))
        #expect(m.sections().isEmpty)
        #expect(m.removeErrno(pfn, 0x400, log: &log) == .EINVAL)
        #expect(!m.pfnValid(PFN(1 << 40)))
        #expect(m.section(SectionNumber(1 << 40)) == nil)
    }

    @Test("pfn + pages past 2^64", arguments: ["4.19", "5.3", "5.5", "6.1", "v7"])
    func wraps(kernel: String) {
        var m = K.memory(kernel)
        var log = KernelLog()
        #expect(m.addErrno(UInt64.max - 0x100, 0x200, log: &log) == .E2BIG)
        #expect(m.addErrno(0x200, UInt64.max, log: &log) == .E2BIG)
        #expect(m.removeErrno(UInt64.max - 0x100, 0x200, log: &log) == .EINVAL)
        #expect(m.sections().isEmpty)
        #expect(m.checkInvariants().isEmpty)
    }

    @Test func startPlusSizeOverflowIsAnInputError() {
        #expect(throws: InputError.self) { try AddressRange(parsing: "0xffffffffffffffff+0x2000", input: "--ram") }
        #expect(AddressRange(start: PhysicalAddress(.max), size: ByteCount(2)) == nil)
    }

    @Test func unknownArchAndKernel() {
        #expect(throws: InputError.self) { try SparseMemory(kernel: .default, archName: "sparc64") }
        #expect(throws: InputError.self) { try KernelSpec(parsing: "3.10") }
        #expect(throws: InputError.self) { try KernelSpec(parsing: "linux") }
    }

    @Test func bootTwiceIsRefused() throws {
        var m = K.memory("6.1")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range(0, 1 << 30)], log: &log)
        #expect(throws: KernelError.self) { try m.boot(systemRAM: [], log: &log) }
    }

    @Test func bootRAMPastPhysmemIsClamped() throws {
        var m = K.memory("6.1")
        var log = KernelLog()
        try m.boot(systemRAM: [K.range((1 << 46) - (1 << 27), 1 << 28)], log: &log)
        #expect(m.sections().map(\.number) == [SectionNumber((1 << 19) - 1)])
        #expect(log.lines.first == "WARNING: at mm/sparse.c mminit_validate_memmodel_limits")
    }

    @Test("masks: subsection_mask_set edge cases and v7's whole-section case")
    func masks() {
        let g = SectionGeometry(arch: .x86_64, behaviour: K.behaviour("6.1"))
        #expect(SectionMask.subsectionMaskSet(PFN(0x300400), 0, geometry: g) == nil)           // aligned, empty
        #expect(SectionMask.subsectionMaskSet(PFN(0x300401), 0, geometry: g)?.bits == 2...2)   // unaligned: one bit
        #expect(SectionMask.subsectionMaskSet(PFN(0x300000), 0x8000, geometry: g)?.bits == 0...63)
        let v7 = SectionGeometry(arch: .x86_64, behaviour: K.behaviour("v7"))
        #expect(SectionMask.sectionActiveMask(PFN(0x300000), 0x8000, geometry: v7)?.bits == 0...63)
        #expect(SectionMask.sectionActiveMask(PFN(0x300000), 0, geometry: v7) == nil)
        #expect(SubsectionMap(count: 64, bits: 32...63).hex == "ffffffff00000000")
        #expect(SubsectionMap(count: 8, bits: 0...3).hex == "0f")
        #expect(SubsectionMap(count: 512, bits: 1...2).words == [6, 0, 0, 0, 0, 0, 0, 0])
    }
}

@Suite("Bad input: altmaps")
struct AltmapBadInputTests {
    @Test func nonsenseAltmapIsRefusedNotTrapped() {
        var m = K.memory("6.1")
        var log = KernelLog()
        var altmap: VMemAltmap? = VMemAltmap(basePFN: PFN(0x300000), reserve: PageCount(.max), free: PageCount(.max))
        #expect(throws: KernelError(.EINVAL, "memory add fail, invalid altmap")) {
            try m.addPages(PFN(0x300000), PageCount(0x8000), altmap: &altmap, log: &log)
        }
        var a = VMemAltmap(basePFN: PFN(.max - 3), reserve: 2, free: PageCount(.max), align: PageCount(.max))
        #expect(a.allocateBlock(ByteCount.mib(2), pageShift: 12, log: &log) == nil)
        #expect(a.allocateBlock(ByteCount(100), pageShift: 12, log: &log) == nil)
        #expect(log.lines.last == "altmap_alloc_block_buf: allocations must be multiple of PAGE_SIZE (100)")
    }
}
