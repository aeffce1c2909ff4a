import ArgumentParser
import NDEmuCore
import Platform

/// `ndemu map LAYOUT (--svg FILE | --html FILE)`: a picture of the physical address space.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw a layout's physical address space as SVG or a self-contained HTML page.",
        discussion: """
        RAM, PMEM ranges, regions, namespaces (padding, info block and memmap, data, truncation), \
        the section grid, and a zoomed panel of every section where things meet, with its active \
        sub-sections as the chosen kernel leaves them. Widths grow with the logarithm of size, so \
        6 TiB and 16 MiB are both readable. FILE '-' writes to stdout.

        Example: ndemu map Namespaces/e2-ram-pmem-ram.json --kernel 5.2 --html e2.html
        """
    )

    @Argument(help: ArgumentHelp("A layout file (README 'Layout files').", valueName: "layout"))
    var layout: String

    @Option(name: .long, help: ArgumentHelp("Write the SVG here.", valueName: "file"))
    var svg: String?

    @Option(name: .long, help: ArgumentHelp("Write the HTML page here.", valueName: "file"))
    var html: String?

    @OptionGroup var kernel: LayoutKernelOptions

    func validate() throws {
        if (svg == nil) == (html == nil) { throw ValidationError("give exactly one of --svg FILE or --html FILE") }
    }

    func run() throws {
        let l = try Layout(contentsOfFile: layout)
        let sim = try Machine.simulate(l, kernel: try kernel.spec(), archName: kernel.arch)
        let r = MapRenderer(layout: l, simulation: sim, arch: sim.arch, title: l.source)
        if let svg { try LayoutOutput.write(r.svg(), to: svg, input: "--svg") }
        if let html { try LayoutOutput.write(r.html(), to: html, input: "--html") }
    }
}
