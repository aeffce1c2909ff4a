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
        let fromSpec = try KernelSpec(parsing: from, input: "--from"), toSpec = try KernelSpec(parsing: to, input: "--to")
        print(try Self.render(layout: layout, from: fromSpec, to: toSpec, arch: arch, format: output.format, colour: LayoutOutput.useColour))
    }

    /// What `run()` prints (without the final newline).
    static func render(layout path: String, from: KernelSpec, to: KernelSpec, arch: String?, format: OutputFormat,
                       colour: Bool) throws -> String {
        let l = try Layout(contentsOfFile: path)
        let progress = LayoutOutput.Progress()
        var sims: [Simulation] = []
        for kernel in [from, to] {
            sims.append(try Machine.simulate(l, kernel: kernel, archName: arch) { i, count, dev in
                progress.update("[\(i)/\(count)] enabling \(dev) on \(kernel)…")
            })
        }
        progress.done()
        let c = Comparison(from: sims[0], to: sims[1])
        switch format {
        case .json: return c.json.rendered()
        case .text: return LayoutOutput.comparisonText(c, colour: colour)
        }
    }
}
