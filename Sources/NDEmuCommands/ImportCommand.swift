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

        Example: sudo ndemu import libndctl --iomem /proc/iomem > my-machine.json
        """,
        subcommands: [ImportLibndctl.self, ImportNdctlList.self, ImportIOMem.self]
    )
}

/// Options every importer shares, and the one way they print.
struct ImportOptions: ParsableArguments {
    @Flag(name: .long, help: "Also report every input key or entry the importer read but did not use.")
    var verbose = false

    /// Prints notes (and, with --verbose, ignored input) on stderr and the layout on stdout.
    func emit(_ topology: ImportedTopology, ignored: [String] = [], arch: String = "x86_64") throws {
        let layout = try topology.layout(arch: arch)
        for note in topology.notes { FileHandle.standardError.write(Data("ndemu import: note: \(note)\n".utf8)) }
        if verbose {
            for key in ignored { FileHandle.standardError.write(Data("ndemu import: ignored: \(key)\n".utf8)) }
        }
        print(layout.json.rendered())
    }

    /// The text of `path`, or an error naming it.
    static func read(_ path: String, flag: String) throws(InputError) -> String {
        try TextFile.read(path, what: "\(flag) file")
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
        pfn/dax/btt devices that claim them (mode, map, align, sector size). --iomem adds the \
        rest of the memory map (System RAM, ...). Exits 1 on a machine without NVDIMMs.

        Example: sudo ndemu import libndctl --iomem /proc/iomem > my-machine.json
        """
    )

    @Option(name: .long, help: ArgumentHelp("/proc/iomem text (as root prints it) for the memory map.", valueName: "file"))
    var iomem: String?

    @OptionGroup var options: ImportOptions

    func run() throws {
        var topology: ImportedTopology
        do { topology = try LibNdctl.readTopology() } catch { throw InputError("libndctl", error.description) }
        guard !topology.regions.isEmpty else {
            throw InputError("libndctl", topology.buses.isEmpty
                ? "no NVDIMM bus found (/sys/class/nd is empty): this machine has no NVDIMMs, or libnvdimm is not loaded"
                : "\(topology.buses.map(\.dev).joined(separator: ", ")) found, but no PMEM region on any bus")
        }
        var ignored: [String] = []
        if let iomem {
            let r = try IOMemImport.importTopology(text: try ImportOptions.read(iomem, flag: "--iomem"), file: iomem)
            topology.memory = r.topology.memory
            ignored = r.ignored
        }
        try options.emit(topology, ignored: ignored)
    }
}

/// `ndemu import ndctl-list`.
struct ImportNdctlList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ndctl-list",
        abstract: "Read the JSON `ndctl list` printed (any of its shapes).",
        discussion: """
        Reads `ndctl list` output with or without -B/-D/-R/-N/-v/-u. ndctl prints usable sizes \
        for fsdax/devdax/sector namespaces; the raw size is recovered by inverting ndemu's \
        capacity model (checked against the region's available_size), and stderr says where \
        that is ambiguous; --kernel and --arch name the kernel that created the namespaces \
        (its capacity model is the one inverted). ndctl prints no addresses: --iomem supplies \
        them (and the exact namespace ranges); without it they are assumed and the layout says so.

        Example: ndctl list -BRNDv > list.json; sudo cat /proc/iomem > iomem.txt
                 ndemu import ndctl-list list.json --iomem iomem.txt
        """
    )

    @Argument(help: ArgumentHelp("The saved `ndctl list` JSON.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("/proc/iomem text (as root prints it) for the addresses.", valueName: "file"))
    var iomem: String?

    @OptionGroup var kernel: KernelOptions

    @OptionGroup var options: ImportOptions

    func run() throws {
        let (behaviour, arch) = try kernel.resolve()
        let text = try ImportOptions.read(file, flag: "ndctl list")
        let iomemText = try iomem.map { p throws(InputError) in try ImportOptions.read(p, flag: "--iomem") }
        let r = try NdctlListImport.importTopology(listText: text, listFile: file, iomemText: iomemText, iomemFile: iomem,
                                                   behaviour: behaviour, arch: arch)
        try options.emit(r.topology, ignored: r.ignored, arch: arch.name)
    }
}

/// `ndemu import iomem`.
struct ImportIOMem: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iomem",
        abstract: "Read /proc/iomem text: RAM, PMEM, legacy PMEM, Soft Reserved and the namespaces under them.",
        discussion: """
        Each Persistent Memory entry becomes a region; its namespaceR.N children become \
        namespaces with their exact ranges (a daxR.N child marks devdax). /proc/iomem cannot \
        tell fsdax, sector and raw apart: those are imported as raw, and stderr says so. Read \
        the file as root: without root every address is 0.

        Example: sudo cat /proc/iomem > iomem.txt; ndemu import iomem iomem.txt
        """
    )

    @Argument(help: ArgumentHelp("/proc/iomem text.", valueName: "file"))
    var file: String

    @OptionGroup var options: ImportOptions

    func run() throws {
        let r = try IOMemImport.importTopology(text: try ImportOptions.read(file, flag: "/proc/iomem"), file: file)
        try options.emit(r.topology, ignored: r.ignored)
    }
}
