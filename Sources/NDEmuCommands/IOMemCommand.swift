import ArgumentParser
import IOMem
import MemRemap
import NDEmuCore
import Platform

/// `ndemu iomem`: /proc/iomem for a machine.
struct IOMemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iomem",
        abstract: "Print /proc/iomem for a machine: its firmware (e820) map after memmap= options.",
        discussion: """
        The machine comes from a LAYOUT file (its "memory" entries) or from --ram/--pmem/--cmdline. \
        The tree is what the kernel builds at boot (e820__reserve_resources(), after trim_bios_range() \
        on x86); namespaces are not enabled here, so no namespaceX.Y children appear yet. PCI, ROM \
        and kernel-image resources are not modelled.
        Example: ndemu iomem --ram 0-0x7fffffff --ram 0x100000000-0x3ffffffff --cmdline 'memmap=0xfc000000!8G'
        """
    )

    @OptionGroup var machine: MachineOptions
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var output: FormatOptions

    func validate() throws { try machine.validate() }

    func run() throws {
        let (behaviour, arch) = try machine.resolve(kernel)
        let host = try machine.boot(arch: arch, behaviour: behaviour)
        switch output.format {
        case .text: print(host.iomem.procIomem, terminator: "")
        case .json: print(host.iomem.json.rendered())
        }
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
