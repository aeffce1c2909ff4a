import Foundation
import Testing
import NDEmuCore
@testable import NDEmuCommands

/// Pins the `--help` text of `ndemu iomem` and `ndemu memremap` (the CLI contract for people).
@Suite struct IOMemMemRemapHelpTests {
    @Test func iomemHelp() {
        #expect(NDEmu.helpMessage(for: IOMemCommand.self, columns: 80).trimmingWhitespace == Self.iomem.trimmingWhitespace)
    }
    @Test func memremapHelp() {
        #expect(NDEmu.helpMessage(for: MemRemapCommand.self, columns: 80).trimmingWhitespace == Self.memremap.trimmingWhitespace)
    }

    static let iomem = """
OVERVIEW: Print /proc/iomem for a machine: its e820 map after memmap=, and
enabled namespaces.

The machine comes from a LAYOUT file (its "memory" entries) or from
--ram/--pmem/--cmdline. The top level is what the kernel builds at boot
(e820__reserve_resources(), after trim_bios_range() on x86). With a LAYOUT its
namespaces are then enabled on --kernel, and each one that enables claims its
range as the drivers do: namespaceX.Y over the whole namespace (raw, fsdax,
sector), or over the info block and memmap with a daxX.Y sibling over the data
(devdax, as 6.1 shows it); a namespace that fails claims nothing.
--no-namespaces shows the boot tree only. PCI, ROM and kernel-image resources
are not modelled.
Example: ndemu iomem --ram 0-0x7fffffff --ram 0x100000000-0x3ffffffff --cmdline
'memmap=0xfc000000!8G'

USAGE: ndemu iomem [<layout>] [--ram <range> ...] [--pmem <range> ...] [--cmdline <text>] [--no-namespaces] [--kernel <version>] [--arch <arch>] [--format <format>]

ARGUMENTS:
  <layout>                A layout file (Namespaces/*.json); its "memory"
                          entries are the firmware map.

OPTIONS:
  --ram <range>           Boot System RAM (e820 usable), START-END or
                          START+SIZE; repeatable.
  --pmem <range>          Firmware persistent memory (e820 type 7, "Persistent
                          Memory"); repeatable.
  --cmdline <text>        Kernel command line; its memmap= options (nn!ss,
                          nn$ss, nn@ss, …) change the map.
  --no-namespaces         With a LAYOUT: show the boot tree, without enabling
                          its namespaces.
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

    static let memremap = """
OVERVIEW: Run devm_memremap_pages() on a machine and show the outcome, errno,
dmesg and sections.

Each --range is mapped in order, as a driver would call devm_memremap_pages()
with that pgmap range (legacy kernels widen it to whole sections; 5.3+ map it
exactly). The machine comes from a LAYOUT file or from --ram/--pmem/--cmdline,
as for 'ndemu iomem'. With --altmap-reserve the pgmap carries an altmap
(map=dev) with that many bytes reserved and room for the memmap after them. A
failed mapping is an emulated outcome (exit 0).
Example: ndemu memremap --ram 0x100000000-0x3ffffffff --cmdline
'memmap=0xfc000000!8G' --range 0x200000000-0x2fbffffff --type fsdax --kernel 5.2

USAGE: ndemu memremap [<layout>] [--ram <range> ...] [--pmem <range> ...] [--cmdline <text>] [--range <range> ...] [--type <type>] [--altmap-reserve <size>] [--device <name> ...] [--unmap] [--kernel <version>] [--arch <arch>] [--format <format>]

ARGUMENTS:
  <layout>                A layout file (Namespaces/*.json); its "memory"
                          entries are the firmware map.

OPTIONS:
  --ram <range>           Boot System RAM (e820 usable), START-END or
                          START+SIZE; repeatable.
  --pmem <range>          Firmware persistent memory (e820 type 7, "Persistent
                          Memory"); repeatable.
  --cmdline <text>        Kernel command line; its memmap= options (nn!ss,
                          nn$ss, nn@ss, …) change the map.
  --range <range>         The pgmap range, START-END or START+SIZE; repeatable
                          (mapped in order).
  --type <type>           The pgmap type: fsdax, devdax, private or p2pdma.
                          (default: fsdax)
  --altmap-reserve <size> Give the pgmap an altmap with this many bytes
                          reserved (e.g. 8K).
  --device <name>         The device dev_WARN() names, one per --range
                          (default: 'nd_pmem pfn0.N').
  --unmap                 Afterwards tear every mapping down again
                          (memunmap_pages) and show the state.
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

/// Exit statuses of the two commands (CLI.md "Errors"): 0 for an emulated outcome, even a
/// failed mapping; 1 for bad input; 2 for usage errors.
@Suite struct IOMemMemRemapExitTests {
    static let seedMachine = ["--ram", "0x100000000-0x3ffffffff", "--cmdline", "memmap=0xfc000000!8G"]

    @Test(arguments: [
        (["iomem"] + seedMachine, Int32(0)),
        (["iomem", "--format", "json"] + seedMachine, Int32(0)),
        (["memremap", "--range", "0x200000000-0x2fbffffff", "--kernel", "5.2"] + seedMachine, Int32(0)),
        (["memremap", "--range", "0x200000000-0x2fbffffff", "--kernel", "6.1", "--unmap", "--format", "json"] + seedMachine, Int32(0)),
        (["memremap", "--range", "0x200000000-0x2fbffffff", "--altmap-reserve", "8K"] + seedMachine, Int32(0)),
        (["iomem"], Int32(2)),
        (["memremap"] + seedMachine, Int32(2)),
        (["memremap", "--range", "0x200000000+2M", "--type", "bogus"] + seedMachine, Int32(2)),
        (["iomem", "--ram", "0-0x1ffffffff", "--pmem", "0x100000000-0x2ffffffff"], Int32(1)),
        (["iomem", "--ram", "0x100000000-0x3ffffffff", "--cmdline", "memmap=4G!14G"], Int32(1)),
        (["iomem", "--ram", "0x100000000-0x3ffffffff", "--cmdline", "memmap=4Q!1G"], Int32(1)),
        (["memremap", "--range", "0x200000000+2M", "--altmap-reserve", "100"] + seedMachine, Int32(1)),
        (["iomem", "/nonexistent/layout.json"], Int32(1)),
    ])
    func exitStatus(arguments: [String], status: Int32) {
        #expect(NDEmu.run(arguments: arguments) == status)
    }

    /// The layouts in Namespaces/ boot through `ndemu iomem LAYOUT`.
    @Test func layoutFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Namespaces")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") && !$0.contains("schema") }
        #expect(!files.isEmpty)
        for f in files { #expect(NDEmu.run(arguments: ["iomem", dir.appendingPathComponent(f).path]) == 0, "\(f)") }
    }
}
