import ArgumentParser
import LibNVDIMM
import NDEmuCore

/// `ndemu capacity`: what a namespace of a given size yields in a mode, on a kernel.
struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "What a namespace of raw size SIZE yields in a mode (usable size, info block, BTT).",
        discussion: """
        fsdax/devdax run nd_pfn_init() for the kernel (legacy section padding up to 5.2, sub-section \
        layout from 5.3, compat alignment from 5.7); sector lays out the BTT arenas (BTT 1.1 for \
        label-less and v1.1 regions, 2.0 for v1.2 labels). --offset is the namespace's physical start \
        (default 1T: aligned to everything, no neighbours).
        Example: ndemu capacity --size 16G --mode fsdax --map dev --align 2M --kernel 5.2 --format json
        """
    )

    @Option(name: .long, help: ArgumentHelp("The raw namespace size.", valueName: "size"))
    var size: ByteCount
    @Option(name: .long, help: ArgumentHelp("raw, fsdax, devdax or sector.", valueName: "mode"))
    var mode: String
    @Option(name: .long, help: ArgumentHelp("fsdax/devdax memmap location: dev or mem.", valueName: "map"))
    var map: String = "dev"
    @Option(name: .long, help: ArgumentHelp("fsdax/devdax alignment (default: the PMD size, 2M on x86_64).", valueName: "align"))
    var align: ByteCount?
    @Option(name: .customLong("sector-size"), help: ArgumentHelp("sector mode LBA size: 512 or 4096 (also 520, 528, 4104, 4160, 4224).", valueName: "bytes"))
    var sectorSize: ByteCount = CapacityRequest.defaultSectorSize
    @Option(name: .long, help: ArgumentHelp("The namespace's physical start.", valueName: "address"))
    var offset: PhysicalAddress = CapacityRequest.defaultStart
    @Option(name: .long, help: ArgumentHelp("The region's labels: none, v1.1 or v1.2.", valueName: "labels"))
    var labels: String = "none"
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let (behaviour, arch) = try kernel.resolve()
        let mode = try NamespaceMode(parsing: self.mode, input: "--mode")
        let map = try PfnMode(map: self.map, input: "--map")
        guard let labels = RegionLabels(rawValue: labels) else {
            throw InputError("--labels", "'\(labels)' is not a label kind (use none, v1.1 or v1.2)")
        }
        if let align, !align.isPowerOfTwo || align < arch.pageSize {
            throw InputError("--align", "\(align.shortDescription) is not a power of two of at least the page size (\(arch.pageSize.shortDescription))")
        }
        if mode != .sector, sectorSize != CapacityRequest.defaultSectorSize {
            throw InputError("--sector-size", "only sector mode has a sector size")
        }
        guard let range = AddressRange(start: offset, size: size), range.end <= arch.physicalLimit else {
            throw InputError("--size", "the namespace \(offset) + \(size) passes the \(arch.name) physical address limit \(arch.physicalLimit) (MAX_PHYSMEM_BITS \(arch.maxPhysmemBits))")
        }
        let request = CapacityRequest(size: size, mode: mode, map: map, align: mode.signature == nil ? nil : align,
                                      sectorSize: sectorSize, start: offset, labels: labels)
        let result = try Capacity.compute(request, behaviour: behaviour, arch: arch)
        switch output.format {
        case .json: print(result.json.rendered())
        case .text: print(Self.describe(result, kernel: behaviour.kernel.description, arch: arch.name))
        }
    }

    static func describe(_ r: CapacityResult, kernel: String, arch: String) -> String {
        var lines = ["\(r.request.mode.rawValue) namespace \(r.namespace) (\(r.request.size.humanDescription)) on \(kernel) \(arch)"]
        lines.append("  usable        \(r.usableSize.humanDescription) (\(r.usableSize.rawValue) bytes)")
        let lost = r.request.size.subtractingClamped(r.usableSize)
        lines.append("  overhead      \(lost.humanDescription) (\(lost.rawValue) bytes)")
        if let p = r.pfn {
            let b = p.block
            lines.append("  map           \(r.request.map.mapName), align \(r.align?.shortDescription ?? "-")")
            lines.append("  info block    \(b.signatureText) v\(b.versionText): dataoff \(b.dataOffset) (\(b.dataOffset.humanDescription)), npfns \(b.npfns), start_pad \(b.startPad), end_trunc \(b.endTrunc)")
            lines.append("  data          \(p.dataRange) (pfn resource \(p.dataRange.start))")
            lines.append("  pgmap         \(p.pgmapRange)")
            if let a = p.altmap {
                lines.append("  altmap        base_pfn \(a.basePFN), reserve \(a.reserve), free \(a.free) (memmap on the device)")
            }
            if !p.fsdaxDAXWorks, r.request.mode == .fsdax {
                lines.append("  DAX           disabled: direct_access addresses data \(p.daxAddressSkew) bytes low (start_pad bug); block I/O is fine")
            }
        }
        if let btt = r.btt {
            lines.append("  BTT           \(btt.version.rawValue), \(btt.arenas.count) arena(s), \(btt.externalNLBA) sectors of \(btt.blockSectorSize.rawValue) bytes (LBA \(r.request.sectorSize.rawValue))")
        }
        for l in r.log { lines.append("  kernel: \(l)") }
        return lines.joined(separator: "\n")
    }
}
