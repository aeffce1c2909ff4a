import Testing
import NDEmuCore
@testable import NDEmuCommands

/// Pins the `--help` text of `ndemu import` and its three importers (the CLI contract for people).
@Suite struct ImportHelpTests {
    @Test func importHelp() {
        #expect(NDEmu.helpMessage(for: ImportCommand.self, columns: 80).trimmingWhitespace == Self.importHelp.trimmingWhitespace)
    }
    @Test func libndctlHelp() {
        #expect(NDEmu.helpMessage(for: ImportLibndctl.self, columns: 80).trimmingWhitespace == Self.libndctlHelp.trimmingWhitespace)
    }
    @Test func ndctlListHelp() {
        #expect(NDEmu.helpMessage(for: ImportNdctlList.self, columns: 80).trimmingWhitespace == Self.ndctlListHelp.trimmingWhitespace)
    }
    @Test func iomemHelp() {
        #expect(NDEmu.helpMessage(for: ImportIOMem.self, columns: 80).trimmingWhitespace == Self.iomemHelp.trimmingWhitespace)
    }

    static let importHelp = """
OVERVIEW: Import a real machine's PMEM topology as a layout file.

Three sources, one answer: libndctl read live, the JSON `ndctl list` prints
(with /proc/iomem for the addresses it never prints), or /proc/iomem alone.
Each prints the layout JSON on stdout; what the source could not tell is said
on stderr.

Example: sudo ndemu import libndctl --iomem /proc/iomem > my-machine.json

USAGE: ndemu import <subcommand>

OPTIONS:
  --version               Show the version.
  -h, --help              Show help information.

SUBCOMMANDS:
  libndctl                Read buses, regions (with their physical addresses)
                          and namespaces live through libndctl.
  ndctl-list              Read the JSON `ndctl list` printed (any of its
                          shapes).
  iomem                   Read /proc/iomem text: RAM, PMEM, legacy PMEM, Soft
                          Reserved and the namespaces under them.

  See 'ndemu help import <subcommand>' for detailed help.
"""

    static let libndctlHelp = """
OVERVIEW: Read buses, regions (with their physical addresses) and namespaces
live through libndctl.

Reads /sys/class/nd through libndctl: regions with their physical addresses
(which `ndctl list` never prints), namespaces with their raw sizes and
addresses, and the pfn/dax/btt devices that claim them (mode, map, align,
sector size). --iomem adds the rest of the memory map (System RAM, ...). Exits
1 on a machine without NVDIMMs.

Example: sudo ndemu import libndctl --iomem /proc/iomem > my-machine.json

USAGE: ndemu import libndctl [--iomem <file>] [--verbose]

OPTIONS:
  --iomem <file>          /proc/iomem text (as root prints it) for the memory
                          map.
  --verbose               Also report every input key or entry the importer
                          read but did not use.
  --version               Show the version.
  -h, --help              Show help information.
"""

    static let ndctlListHelp = """
OVERVIEW: Read the JSON `ndctl list` printed (any of its shapes).

Reads `ndctl list` output with or without -B/-D/-R/-N/-v/-u. ndctl prints
usable sizes for fsdax/devdax/sector namespaces; the raw size is recovered by
inverting ndemu's capacity model (checked against the region's available_size),
and stderr says where that is ambiguous; --kernel and --arch name the kernel
that created the namespaces (its capacity model is the one inverted). ndctl
prints no addresses: --iomem supplies them (and the exact namespace ranges);
without it they are assumed and the layout says so.

Example: ndctl list -BRNDv > list.json; sudo cat /proc/iomem > iomem.txt
         ndemu import ndctl-list list.json --iomem iomem.txt

USAGE: ndemu import ndctl-list <file> [--iomem <file>] [--kernel <version>] [--arch <arch>] [--verbose]

ARGUMENTS:
  <file>                  The saved `ndctl list` JSON.

OPTIONS:
  --iomem <file>          /proc/iomem text (as root prints it) for the
                          addresses.
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7' for the
                          May 2019 sub-section series. (default: 6.1)
  --arch <arch>           Architecture: x86_64, x86_64-la57, arm64-4k,
                          arm64-16k, arm64-64k, ppc64-4k, ppc64-64k. (default:
                          x86_64)
  --verbose               Also report every input key or entry the importer
                          read but did not use.
  --version               Show the version.
  -h, --help              Show help information.
"""

    static let iomemHelp = """
OVERVIEW: Read /proc/iomem text: RAM, PMEM, legacy PMEM, Soft Reserved and the
namespaces under them.

Each Persistent Memory entry becomes a region; its namespaceR.N children become
namespaces with their exact ranges (a daxR.N child marks devdax). /proc/iomem
cannot tell fsdax, sector and raw apart: those are imported as raw, and stderr
says so. Read the file as root: without root every address is 0.

Example: sudo cat /proc/iomem > iomem.txt; ndemu import iomem iomem.txt

USAGE: ndemu import iomem <file> [--verbose]

ARGUMENTS:
  <file>                  /proc/iomem text.

OPTIONS:
  --verbose               Also report every input key or entry the importer
                          read but did not use.
  --version               Show the version.
  -h, --help              Show help information.
"""

}
