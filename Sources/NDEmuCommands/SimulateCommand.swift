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
        let l = try Layout(contentsOfFile: layout)
        let sim = try Machine.simulate(l, kernel: try kernel.spec(), archName: kernel.arch)
        switch output.format {
        case .json: print(sim.json.rendered())
        case .text: print(LayoutOutput.simulationText(sim, colour: LayoutOutput.useColour))
        }
    }
}
