import ArgumentParser
import Foundation
import NDEmuCore
import NdctlImport

/// `ndemu import`: a layout file from a real machine's topology.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a real machine's PMEM topology as a layout file.",
        discussion: """
        Three sources, one answer: libndctl read live, the JSON `ndctl list` prints (with \
        /proc/iomem for the addresses it never prints), or /proc/iomem alone. Each prints the \
        layout JSON on stdout; what the source could not tell is said on stderr.

        Example: ndemu import libndctl > my-machine.json
        """,
        subcommands: [ImportLibndctl.self]
    )
}

/// Options every importer shares.
struct ImportOptions: ParsableArguments {
    @Flag(name: .long, help: "Also report every input key the importer ignored.")
    var verbose = false

    /// Prints the importer's notes on stderr and the layout on stdout.
    func emit(_ topology: ImportedTopology, ignored: [String] = []) {
        for note in topology.notes { FileHandle.standardError.write(Data("ndemu import: note: \(note)\n".utf8)) }
        if verbose {
            for key in ignored { FileHandle.standardError.write(Data("ndemu import: ignored: \(key)\n".utf8)) }
        }
        print(topology.layoutJSON().rendered())
    }
}

/// `ndemu import libndctl`.
struct ImportLibndctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "libndctl",
        abstract: "Read buses, regions (with their physical addresses) and namespaces live through libndctl.",
        discussion: """
        Reads /sys/class/nd through libndctl: regions with their physical addresses (which \
        `ndctl list` never prints), namespaces with their raw sizes and addresses, and the \
        pfn/dax/btt devices that claim them (mode, map, align, data range, sector size). Exits 1 \
        on a machine without NVDIMMs.

        Example: sudo ndemu import libndctl > my-machine.json
        """
    )

    @OptionGroup var options: ImportOptions

    func run() throws {
        let topology: ImportedTopology
        do { topology = try LibNdctl.readTopology().sortedByDevice() } catch {
            throw InputError("libndctl", error.description)
        }
        guard !topology.regions.isEmpty else {
            throw InputError("libndctl", topology.buses.isEmpty
                ? "no NVDIMM bus found (/sys/class/nd is empty): this machine has no NVDIMMs, or libnvdimm is not loaded"
                : "\(topology.buses.map(\.dev).joined(separator: ", ")) found, but no PMEM region on any bus")
        }
        options.emit(topology)
    }
}
