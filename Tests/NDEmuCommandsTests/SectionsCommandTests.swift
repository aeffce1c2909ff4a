import Foundation
import Testing
import NDEmuCore
@testable import NDEmuCommands

/// `ndemu sections`: its `--help` text, the `--ops` file syntax and its errors, exit statuses.
@Suite struct SectionsCommandTests {
    @Test func help() {
        #expect(NDEmu.helpMessage(for: SectionsCommand.self, columns: 80).trimmingWhitespace == Self.help.trimmingWhitespace)
    }

    @Test func parsesOpsWithCommentsAndBlankLines() throws {
        let ops = try SectionOp.parse("""
        # spec §8 example 2
        add 0x300000000 0x4000000

          remove 0x300000000 64M   # a comment
        ADD 12884901888 0x200000
        """, file: "ops.txt")
        #expect(ops.map(\.kind) == [.add, .remove, .add])
        #expect(ops.map(\.line) == [2, 4, 5])
        #expect(ops[1].range.size == ByteCount.mib(64))
        #expect(ops[2].range.start == PhysicalAddress(0x300000000))
    }

    @Test(arguments: [
        ("frob 1 2", "ops.txt:1: unknown operation 'frob' (use 'add START SIZE' or 'remove START SIZE')"),
        ("add 0x1000", "ops.txt:1: 'add' takes START and SIZE, got 1 value"),
        ("add 1 2 3", "ops.txt:1: 'add' takes START and SIZE, got 3 values"),
        ("remove 0xzz 2M", "ops.txt:1: START: '0xzz' is not a number (bytes, 0x-hex, or a K/M/G/T/P suffix)"),
        ("add 0xffffffffffffffff 0x2000", "ops.txt:1: 0xffffffffffffffff + 0x2000 passes the end of the 64-bit address space"),
        ("add 0x1000 1.5M", "ops.txt:1: SIZE: '1.5M' is not a whole number of bytes (fractions are rejected)"),
    ])
    func badLinesNameFileAndLine(line: String, message: String) {
        #expect(throws: InputError.self) { try SectionOp.parse(line, file: "ops.txt") }
        do { _ = try SectionOp.parse(line, file: "ops.txt") } catch { #expect(error.description == message) }
    }

    @Test func exitStatuses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-sections-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.txt"), bad = dir.appendingPathComponent("bad.txt")
        try "add 0x300000000 0x4000000\nadd 0x300100000 0x200000\n".write(to: good, atomically: true, encoding: .utf8)
        try "add 0x300000000\n".write(to: bad, atomically: true, encoding: .utf8)
        // A failed kernel operation is an emulated outcome, not an error.
        #expect(NDEmu.run(arguments: ["sections", "--ops", good.path, "--summary", "--format", "json"]) == 0)
        #expect(NDEmu.run(arguments: ["sections", "--ops", bad.path]) == 1)
        #expect(NDEmu.run(arguments: ["sections", "--ops", dir.appendingPathComponent("missing").path]) == 1)
        #expect(NDEmu.run(arguments: ["sections", "--arch", "sparc"]) == 1)
        #expect(NDEmu.run(arguments: ["sections", "--kernel", "banana"]) == 1)
        #expect(NDEmu.run(arguments: ["sections", "--ram", "0x1000-0x0"]) == 1)
        #expect(NDEmu.run(arguments: ["sections", "--bogus"]) == 2)
    }

    /// Spec §8 example 1 through the CLI: 31 whole sections get a 2 MiB memmap each (62 MiB);
    /// the 33 boot sections of the RAM range count as populated too.
    @Test func example1Summary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-sections-ex1-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ops = dir.appendingPathComponent("ops.txt")
        try "add 0x200000000 0xfc000000   # the PMEM beside RAM\n".write(to: ops, atomically: true, encoding: .utf8)
        let summary = try SectionsCommand.parse(["--ram", "0x2fc000000-0x3ffffffff", "--ops", ops.path, "--kernel", "5.3",
                                                 "--summary", "--format", "json"])
        var out = ""
        try summary.render(into: &out)
        let json = try JSON(parsing: out)
        #expect(json["ops"]?.uint64Value == 1 && json["ok"]?.uint64Value == 1 && json["failed"]?.uint64Value == 0)
        #expect(json["memmap_bytes"]?.uint64Value == 62 << 20)
        #expect(json["populated_sections"]?.uint64Value == 64)
        #expect(json.objectEntries?.map(\.0) == ["ops", "ok", "failed", "memmap_bytes", "populated_sections"])

        let text = try SectionsCommand.parse(["--ram", "0x2fc000000-0x3ffffffff", "--ops", ops.path, "--kernel", "5.3",
                                              "--range", "0x2f8000000+128M"])
        out = ""
        try text.render(into: &out)
        #expect(out.contains("section 0x5f [0x2f8000000-0x2ffffffff] PRESENT | HAS_MEM_MAP | ONLINE | EARLY\n  subsection_map ffffffffffffffff"))
        #expect(!out.contains("section 0x60"))
    }

    @Test func failedOperationsAreListedWithTheKernelText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-sections-fail-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ops = dir.appendingPathComponent("ops.txt")
        try "add 0x300000000 64M\nadd 0x303e00000 4M\nremove 0x304000000 2M\nadd 0x300100000 2M\n".write(to: ops, atomically: true, encoding: .utf8)
        let cmd = try SectionsCommand.parse(["--ops", ops.path, "--kernel", "6.1"])
        var out = ""
        try cmd.render(into: &out)
        #expect(out.contains("\(ops.path):2: add 0x303e00000 0x400000: -EEXIST (File exists)"))
        #expect(out.contains("\(ops.path):3: remove 0x304000000 0x200000: -EINVAL (Invalid argument)\n  section already deactivated (0x304000 + 512)"))
        #expect(out.contains("\(ops.path):4: add 0x300100000 0x200000: -EINVAL (Invalid argument)\n  Misaligned __add_pages start: 0x300100 end: #3002ff"))
        #expect(out.contains("ops 4, ok 1, failed 3"))
    }

    static let help = """
OVERVIEW: Drive the sub-section engine: boot RAM, then add/remove ranges as
__add_pages/__remove_pages would.

--ram ranges are boot System RAM (early sections). --ops FILE holds one
operation a line, 'add START SIZE' or 'remove START SIZE' (hex or decimal
bytes; '#' starts a comment), applied in order as __add_pages/__remove_pages
for a ZONE_DEVICE range (no altmap; on 5.12+ a successful add also taints
shared sections as move_pfn_range_to_zone does). Without --summary, each failed
operation is printed with its errno and the kernel's messages, then the
sections in --range (default: every populated section). memmap_bytes counts
struct-page bytes of the active sub-sections of hot-added (non-early) sections.
Example: ndemu sections --ram 0x2fc000000-0x3ffffffff --ops ops.txt --kernel
5.3 --range 0x2f8000000+128M

USAGE: ndemu sections [--ram <range> ...] [--ops <file>] [--range <range>] [--summary] [--kernel <version>] [--arch <arch>] [--format <format>]

OPTIONS:
  --ram <range>           Boot System RAM, START-END or START+SIZE; repeatable.
  --ops <file>            Operations file: 'add START SIZE' / 'remove START
                          SIZE' lines.
  --range <range>         Show only the sections this physical range touches.
  --summary               Print only totals (JSON: ops, ok, failed,
                          memmap_bytes, populated_sections).
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7' for the
                          May 2019 sub-section series. (default: 6.1)
  --arch <arch>           Architecture: x86_64, x86_64-la57, arm64-4k,
                          arm64-16k, arm64-64k, ppc64-4k, ppc64-64k. (default:
                          x86_64)
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.
"""
}
