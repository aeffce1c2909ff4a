import ArgumentParser
import NDEmuCore
import Platform

/// `ndemu simulate LAYOUT`: the whole stack for one kernel and architecture.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Boot a layout on one kernel and enable its namespaces.",
        discussion: """
        Per namespace: its outcome (usable size, data range, info block, errno and message on \
        failure); the emulated kernel log; the sections PMEM touches with their sub-section maps; \
        memmap bytes and where they live (System RAM or the device's altmap).

        Example: ndemu simulate Namespaces/seed-mixed-section-raw.json --kernel 5.2
        """
    )

    @Argument(help: ArgumentHelp("A layout file (README 'Layout files').", valueName: "layout"))
    var layout: String

    @OptionGroup var kernel: LayoutKernelOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        print(try Self.render(layout: layout, kernel: try kernel.spec(), arch: kernel.arch, format: output.format,
                              colour: LayoutOutput.useColour))
    }

    /// What `run()` prints (without the final newline).
    static func render(layout path: String, kernel: KernelSpec, arch: String?, format: OutputFormat, colour: Bool) throws -> String {
        let l = try Layout(contentsOfFile: path)
        let progress = LayoutOutput.Progress()
        let sim = try Machine.simulate(l, kernel: kernel, archName: arch) { i, count, dev in
            progress.update("[\(i)/\(count)] enabling \(dev) on \(kernel)…")
        }
        progress.done()
        switch format {
        case .json: return sim.json.rendered()
        case .text: return LayoutOutput.simulationText(sim, colour: colour)
        }
    }
}
