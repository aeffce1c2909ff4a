import Testing
import NDEmuCore
@testable import NDEmuCommands

/// Pins the `--help` text of `ndemu simulate`, `compare` and `map` (the CLI contract for people).
@Suite struct LayoutCommandsHelpTests {
    @Test func simulateHelp() { check("simulate", NDEmu.helpMessage(for: SimulateCommand.self, columns: 80)) }
    @Test func compareHelp() { check("compare", NDEmu.helpMessage(for: CompareCommand.self, columns: 80)) }
    @Test func mapHelp() { check("map", NDEmu.helpMessage(for: MapCommand.self, columns: 80)) }

    func check(_ name: String, _ actual: String) {
        let expected = Self.help[name] ?? ""
        #expect(actual.trimmingWhitespace == expected.trimmingWhitespace)
        #expect(expected.contains("Example: ndemu \(name) "), "every subcommand's help has an example")
    }

    static let help: [String: String] = [
        "simulate": """
OVERVIEW: Boot a layout on one kernel and enable its namespaces.

Per namespace: its outcome (usable size, data range, info block, errno and
message on failure); the emulated kernel log; the sections PMEM touches with
their sub-section maps; memmap bytes and where they live (System RAM or the
device's altmap).

Example: ndemu simulate Namespaces/seed-mixed-section-raw.json --kernel 5.2

USAGE: ndemu simulate <layout> [--kernel <version>] [--arch <arch>] [--format <format>]

ARGUMENTS:
  <layout>                A layout file (README 'Layout files').

OPTIONS:
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7'.
                          (default: 6.1)
  --arch <arch>           Architecture, overriding the layout's: x86_64,
                          x86_64-la57, arm64-4k, arm64-16k, arm64-64k,
                          ppc64-4k, ppc64-64k.
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.

""",
        "compare": """
OVERVIEW: Compare what two kernels make of a layout.

Per namespace and in total: usable capacity, start_pad, end_trunc, bytes lost
to padding and truncation, failures one kernel has and the other not, memmap
bytes and where they live.

Example: ndemu compare Namespaces/e2-ram-pmem-ram.json --from 5.2 --to 6.1

USAGE: ndemu compare <layout> [--from <version>] [--to <version>] [--arch <arch>] [--format <format>]

ARGUMENTS:
  <layout>                A layout file (README 'Layout files').

OPTIONS:
  --from <version>        The older kernel. (default: 5.2)
  --to <version>          The newer kernel. (default: 6.1)
  --arch <arch>           Architecture, overriding the layout's: x86_64,
                          x86_64-la57, arm64-4k, arm64-16k, arm64-64k,
                          ppc64-4k, ppc64-64k.
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.

""",
        "map": """
OVERVIEW: Draw a layout's physical address space as SVG or a self-contained
HTML page.

RAM, PMEM ranges, regions, namespaces (padding, info block and memmap, data,
truncation), the section grid, and a zoomed panel of every section where things
meet, with its active sub-sections as the chosen kernel leaves them. Widths
grow with the logarithm of size, so 6 TiB and 16 MiB are both readable. FILE
'-' writes to stdout.

Example: ndemu map Namespaces/e2-ram-pmem-ram.json --kernel 5.2 --html e2.html

USAGE: ndemu map <layout> [--svg <file>] [--html <file>] [--kernel <version>] [--arch <arch>]

ARGUMENTS:
  <layout>                A layout file (README 'Layout files').

OPTIONS:
  --svg <file>            Write the SVG here.
  --html <file>           Write the HTML page here.
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7'.
                          (default: 6.1)
  --arch <arch>           Architecture, overriding the layout's: x86_64,
                          x86_64-la57, arm64-4k, arm64-16k, arm64-64k,
                          ppc64-4k, ppc64-64k.
  --version               Show the version.
  -h, --help              Show help information.

""",
    ]
}
