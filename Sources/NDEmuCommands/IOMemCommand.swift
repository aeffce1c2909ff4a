import ArgumentParser
import IOMem
import MemRemap
import NDEmuCore
import Platform

/// `ndemu iomem`: /proc/iomem for a machine.
struct IOMemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iomem",
        abstract: "Print /proc/iomem for a machine: its e820 map after memmap=, and enabled namespaces.",
        discussion: """
        The machine comes from a LAYOUT file (its "memory" entries) or from --ram/--pmem/--cmdline. \
        The top level is what the kernel builds at boot (e820__reserve_resources(), after \
        trim_bios_range() on x86). With a LAYOUT its namespaces are then enabled on --kernel, and \
        each one that enables claims its range as the drivers do: namespaceX.Y over the whole \
        namespace (raw, fsdax, sector), or over the info block and memmap with a daxX.Y sibling \
        over the data (devdax, as 6.1 shows it); a namespace that fails claims nothing. \
        --no-namespaces shows the boot tree only. PCI, ROM and kernel-image resources are not modelled.
        Example: ndemu iomem --ram 0-0x7fffffff --ram 0x100000000-0x3ffffffff --cmdline 'memmap=0xfc000000!8G'
        """
    )

    @OptionGroup var machine: MachineOptions

    @Flag(name: .customLong("no-namespaces"), help: "With a LAYOUT: show the boot tree, without enabling its namespaces.")
    var noNamespaces = false

    @OptionGroup var kernel: KernelOptions
    @OptionGroup var output: FormatOptions

    func validate() throws { try machine.validate() }

    func run() throws {
        let (behaviour, arch) = try machine.resolve(kernel)
        var tree = try machine.boot(arch: arch, behaviour: behaviour).iomem
        if let path = machine.layout, !noNamespaces {
            tree = try Self.withNamespaces(Layout(contentsOfFile: path), kernel: behaviour.kernel, arch: arch)
        }
        switch output.format {
        case .text: print(tree.procIomem, terminator: "")
        case .json: print(tree.json.rendered())
        }
    }

    /// /proc/iomem text for a layout file after its namespaces are enabled on `kernel`.
    static func renderedIomem(layoutPath: String, kernel: String = "6.1") throws -> String {
        let spec = try KernelSpec(parsing: kernel)
        let layout = try Layout(contentsOfFile: layoutPath)
        let arch = try ArchProfile(name: layout.arch, behaviour: KernelBehaviour(spec))
        return try withNamespaces(layout, kernel: spec, arch: arch).procIomem
    }

    /// The iomem tree after the layout's namespaces are enabled (Platform's `Machine`), each
    /// successful one claiming its range (`devm_request_mem_region()` in `devm_nsio_enable()`;
    /// devdax: the namespace up to the data, and the dax device over the data, as 6.1 shows).
    static func withNamespaces(_ layout: Layout, kernel: KernelSpec, arch: ArchProfile) throws(InputError) -> ResourceTree {
        var m = try Machine(layout, kernel: kernel, archName: arch.name)
        m.enableAll()
        var tree = m.host.iomem
        for r in m.results where r.error == nil {
            if r.mode == .devdax, let data = r.dataRange, data.start > r.range.start,
               let head = AddressRange(start: r.range.start, end: data.start) {
                try? tree.requestRegion(head, name: r.dev)
                let id = r.dev.dropFirst("namespace".count)
                try? tree.requestRegion(data, name: "dax" + (id.isEmpty ? "0.0" : String(id)), flags: [])
            } else {
                try? tree.requestRegion(r.range, name: r.dev)
            }
        }
        return tree
    }
}

// MARK: - The machine an iomem/memremap command runs on

/// A machine given either as a LAYOUT file or by `--ram`/`--pmem`/`--cmdline`.
struct MachineOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A layout file (Namespaces/*.json); its \"memory\" entries are the firmware map.", valueName: "layout"))
    var layout: String?

    @Option(name: .long, help: ArgumentHelp("Boot System RAM (e820 usable), START-END or START+SIZE; repeatable.", valueName: "range"))
    var ram: [AddressRange] = []

    @Option(name: .long, help: ArgumentHelp("Firmware persistent memory (e820 type 7, \"Persistent Memory\"); repeatable.", valueName: "range"))
    var pmem: [AddressRange] = []

    @Option(name: .long, help: ArgumentHelp("Kernel command line; its memmap= options (nn!ss, nn$ss, nn@ss, …) change the map.", valueName: "text"))
    var cmdline: String?

    init() {}

    func validate() throws {
        if layout != nil && (!ram.isEmpty || !pmem.isEmpty || cmdline != nil) {
            throw ValidationError("give either a LAYOUT file or --ram/--pmem/--cmdline, not both")
        }
        if layout == nil && ram.isEmpty && pmem.isEmpty {
            throw ValidationError("give a LAYOUT file, or the machine with --ram (and --pmem / --cmdline 'memmap=...')")
        }
    }

    /// The kernel behaviour and arch; a layout's arch applies unless --arch names another
    /// (an explicit `--arch x86_64` cannot be told from the default).
    func resolve(_ kernel: KernelOptions) throws(InputError) -> (KernelBehaviour, ArchProfile) {
        var k = kernel
        if let path = layout, kernel.arch == "x86_64" { k.arch = try Layout(contentsOfFile: path).arch }
        return try k.resolve()
    }

    /// Boots the machine: firmware map, command line, iomem, sections.
    func boot(arch: ArchProfile, behaviour: KernelBehaviour) throws(InputError) -> HotplugHost {
        if let path = layout {
            let l = try Layout(contentsOfFile: path)
            var entries: [E820Entry] = []
            for (i, m) in l.memory.enumerated() {
                guard let type = E820Type(iomemName: m.type.rawValue) else {
                    throw InputError("\(path): memory[\(i)]", "type \"\(m.type.rawValue)\" has no e820 equivalent")
                }
                entries.append(E820Entry(m.range, type))
            }
            // A layout's memory is the map after its kernel_cmdline was applied.
            return try HotplugHost(firmware: try FirmwareMap(entries, input: "\(path): memory"), arch: arch, behaviour: behaviour)
        }
        let entries = ram.map { E820Entry($0, .ram) } + pmem.map { E820Entry($0, .pmem) }
        let commandLine = try cmdline.map { c throws(InputError) in try KernelCommandLine(parsing: c, input: "--cmdline") }
        return try HotplugHost(firmware: try FirmwareMap(entries, input: "--ram/--pmem"), commandLine: commandLine,
                               arch: arch, behaviour: behaviour, input: "--cmdline")
    }
}
