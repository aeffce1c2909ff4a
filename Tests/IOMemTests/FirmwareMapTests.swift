import Testing
import NDEmuCore
@testable import IOMem

private func r(_ start: UInt64, _ last: UInt64) -> AddressRange {
    AddressRange(start: PhysicalAddress(start), last: PhysicalAddress(last))!
}

@Suite("e820 firmware map and memmap=")
struct FirmwareMapTests {
    /// RAM below 2 GiB and from 4 GiB to 16 GiB.
    static let firmware = try! FirmwareMap([
        E820Entry(r(0, 0x9_ffff), .ram),
        E820Entry(r(0x10_0000, 0x7fff_ffff), .ram),
        E820Entry(r(0x1_0000_0000, 0x3_ffff_ffff), .ram),
    ], input: "test")

    /// Spec §9 E1: `memmap=0xfc000000!8G` splits the RAM; RAM resumes at 0x2fc000000.
    @Test func seedCommandLineSplitsRAM() throws {
        var log = KernelLog()
        let map = try Self.firmware.applying(KernelCommandLine(parsing: "root=/dev/vda1 memmap=0xfc000000!8G quiet"), log: &log)
        let iomem = map.resourceTree.procIomem
        #expect(iomem == """
        00000000-0009ffff : System RAM
        00100000-7fffffff : System RAM
        100000000-1ffffffff : System RAM
        200000000-2fbffffff : Persistent Memory (legacy)
        2fc000000-3ffffffff : System RAM

        """)
        #expect(log.lines.first == "user-defined physical RAM map:")
        #expect(log.lines.contains("user: [mem 0x0000000200000000-0x00000002fbffffff] persistent (type 12)"))
        let pram = try #require(map.resourceTree.topLevel.first { $0.name == "Persistent Memory (legacy)" })
        #expect(pram.flags == .mem)            // not BUSY (do_mark_busy)
        #expect(pram.descriptor == .persistentMemoryLegacy)
    }

    @Test("several memmap= options and comma lists", arguments: [
        "memmap=1G!5G memmap=1G!7G", "memmap=1G!5G,1G!7G", "memmap=0x40000000!0x140000000,0x40000000!0x1c0000000",
    ])
    func severalRanges(cmdline: String) throws {
        var log = KernelLog()
        let map = try Self.firmware.applying(KernelCommandLine(parsing: cmdline), log: &log)
        #expect(map.ranges(of: .pram) == [r(0x1_4000_0000, 0x1_7fff_ffff), r(0x1_c000_0000, 0x1_ffff_ffff)])
        #expect(map.ranges(of: .ram).count == 5)
    }

    /// Two adjacent `memmap=nn!ss` ranges: one entry (one resource) before 5.5, two from 5.5
    /// (`e820_nomerge()`; the 6.1 capture pmem-pmem-one-section shows two).
    @Test(arguments: [(KernelVersion(5, 4), 1), (KernelVersion(5, 5), 2), (KernelVersion(6, 1), 2)])
    func adjacentPersistentRanges(version: KernelVersion, entries: Int) throws {
        var log = KernelLog()
        let map = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=64M!0x104000000 memmap=64M!0x108000000"),
                                             behaviour: KernelBehaviour(version), log: &log)
        #expect(map.ranges(of: .pram).count == entries)
        #expect(map.resourceTree.topLevel.filter { $0.name == "Persistent Memory (legacy)" }.count == entries)
        #expect(log.lines.filter { $0.hasSuffix("persistent (type 12)") }.count == entries)
    }

    @Test func reservedAndRAMForms() throws {
        var log = KernelLog()
        let map = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=64M$0x100000000 memmap=1G@16G"), log: &log)
        #expect(map.ranges(of: .reserved) == [r(0x1_0000_0000, 0x1_03ff_ffff)])
        #expect(map.ranges(of: .ram).last == r(0x1_0400_0000, 0x4_3fff_ffff))  // 1G@16G joins the RAM below
        // "Reserved" above 1 MiB is not BUSY.
        #expect(map.resourceTree.topLevel.first { $0.name == "Reserved" }?.flags == .mem)
    }

    @Test func memparseAcceptsOctalAndLowercaseSuffix() throws {
        let opts = try KernelCommandLine(parsing: "memmap=010m!04g").memmap
        #expect(opts == [.persistent(r(0x1_0000_0000, 0x1_007f_ffff))])  // 010 octal = 8 MiB
    }

    @Test func limitAndExactmap() throws {
        var log = KernelLog()
        let limited = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=6G"), log: &log)
        #expect(limited.ranges(of: .ram).last == r(0x1_0000_0000, 0x1_7fff_ffff))
        let exact = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=exactmap memmap=640K@0 memmap=1G@4G"), log: &log)
        #expect(exact.entries == [E820Entry(r(0, 0x9_ffff), .ram), E820Entry(r(0x1_0000_0000, 0x1_3fff_ffff), .ram)])
    }

    @Test("bad memmap= values are refused with the value named", arguments: [
        "memmap=4Q!1G", "memmap=4G!", "memmap=4G!1Gx", "memmap=!4G", "memmap=", "memmap=1G!4G,,1G!6G",
        "memmap=99999999999999999999!0", "memmap=16E!0", "memmap=exactmapx",
    ])
    func garbage(cmdline: String) {
        #expect(throws: InputError.self) {
            var log = KernelLog()
            _ = try Self.firmware.applying(KernelCommandLine(parsing: cmdline), log: &log)
        }
    }

    @Test func memmapPastTheEndOfMemoryIsRefused() {
        do {
            var log = KernelLog()
            _ = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=4G!14G"), log: &log)
            Issue.record("accepted")
        } catch {
            #expect(error.problem.contains("past the end of memory"))
            #expect(error.problem.contains("0x3ffffffff"))
        }
    }

    @Test func memmapOverAHoleIsRefused() {
        do {
            var log = KernelLog()
            _ = try Self.firmware.applying(KernelCommandLine(parsing: "memmap=4G!1G"), log: &log)
            Issue.record("accepted")
        } catch {
            #expect(error.problem.contains("0x80000000-0xffffffff, a hole in the firmware map"))
        }
        // Reserving a hole is fine (people reserve MMIO that way).
        var log = KernelLog()
        #expect((try? Self.firmware.applying(KernelCommandLine(parsing: "memmap=1G$0x80000000"), log: &log)) != nil)
    }

    @Test func overlappingFirmwareRangesAreRefused() {
        #expect(throws: InputError.self) {
            _ = try FirmwareMap([E820Entry(r(0, 0x1_ffff_ffff), .ram), E820Entry(r(0x1_0000_0000, 0x1_ffff_ffff), .pmem)], input: "--pmem")
        }
    }

    @Test("larger e820 type wins where entries overlap (e820__update_table)")
    func sanitizeLargestTypeWins() {
        var map = Self.firmware
        map.add(r(0x3_0000_0000, 0x4_ffff_ffff), .pmem)
        #expect(map.ranges(of: .ram).last == r(0x1_0000_0000, 0x2_ffff_ffff))
        #expect(map.ranges(of: .pmem) == [r(0x3_0000_0000, 0x4_ffff_ffff)])
        map.add(r(0x3_0000_0000, 0x3_0fff_ffff), .ram)   // RAM (1) loses to PMEM (7)
        #expect(map.ranges(of: .pmem) == [r(0x3_0000_0000, 0x4_ffff_ffff)])
    }

    @Test func typeNames() {
        #expect(E820Type(iomemName: "Persistent Memory (legacy)") == .pram)
        #expect(E820Type(iomemName: "soft reserved") == .softReserved)
        #expect(E820Type(iomemName: "System RAM") == .ram)
        #expect(E820Type(iomemName: "Banana") == nil)
        #expect(E820Type.allCases.map(\.iomemName).contains("Soft Reserved"))
    }
}
