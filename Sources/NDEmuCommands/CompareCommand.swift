import ArgumentParser
import NDEmuCore
import Platform

/// `ndemu compare LAYOUT`: two kernels side by side (legacy padded vs sub-section by default).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare what two kernels make of a layout.",
        discussion: """
        Per namespace and in total: usable capacity, start_pad, end_trunc, bytes lost to padding \
        and truncation, failures one kernel has and the other not, memmap bytes and where they live.

        Example: ndemu compare Namespaces/e2-ram-pmem-ram.json --from 5.2 --to 6.1
        """
    )

    @Argument(help: ArgumentHelp("A layout file (README 'Layout files').", valueName: "layout"))
    var layout: String

    @Option(name: .long, help: ArgumentHelp("The older kernel.", valueName: "version"))
    var from: String = "5.2"

    @Option(name: .long, help: ArgumentHelp("The newer kernel.", valueName: "version"))
    var to: String = "6.1"

    @Option(name: .long, help: ArgumentHelp("Architecture, overriding the layout's: \(ArchProfile.names.joined(separator: ", ")).", valueName: "arch"))
    var arch: String?

    @OptionGroup var output: FormatOptions

    func run() throws {
        let l = try Layout(contentsOfFile: layout)
        let fromSpec = try KernelSpec(parsing: from, input: "--from"), toSpec = try KernelSpec(parsing: to, input: "--to")
        let progress = LayoutOutput.Progress()
        progress.update("simulating \(l.source) on \(fromSpec)…")
        let a = try Machine.simulate(l, kernel: fromSpec, archName: arch)
        progress.update("simulating \(l.source) on \(toSpec)…")
        let b = try Machine.simulate(l, kernel: toSpec, archName: arch)
        progress.done()
        let c = Comparison(from: a, to: b)
        switch output.format {
        case .json: print(c.json.rendered())
        case .text: print(LayoutOutput.comparisonText(c, colour: LayoutOutput.useColour))
        }
    }
}
