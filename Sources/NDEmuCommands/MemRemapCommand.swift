import ArgumentParser
import IOMem
import MemRemap
import NDEmuCore
import SparseMem

/// `ndemu memremap`: one or more `devm_memremap_pages()` calls on a machine.
struct MemRemapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memremap",
        abstract: "Run devm_memremap_pages() on a machine and show the outcome, errno, dmesg and sections.",
        discussion: """
        Each --range is mapped in order, as a driver would call devm_memremap_pages() with that \
        pgmap range (legacy kernels widen it to whole sections; 5.3+ map it exactly). The machine \
        comes from a LAYOUT file or from --ram/--pmem/--cmdline, as for 'ndemu iomem'. With \
        --altmap-reserve the pgmap carries an altmap (map=dev) with that many bytes reserved and \
        room for the memmap after them. A failed mapping is an emulated outcome (exit 0).
        Example: ndemu memremap --ram 0x100000000-0x3ffffffff --cmdline 'memmap=0xfc000000!8G' --range 0x200000000-0x2fbffffff --type fsdax --kernel 5.2
        """
    )

    @OptionGroup var machine: MachineOptions

    @Option(name: .long, help: ArgumentHelp("The pgmap range, START-END or START+SIZE; repeatable (mapped in order).", valueName: "range"))
    var range: [AddressRange] = []

    @Option(name: .long, help: ArgumentHelp("The pgmap type: fsdax, devdax, private or p2pdma.", valueName: "type"))
    var type: String = "fsdax"

    @Option(name: .customLong("altmap-reserve"), help: ArgumentHelp("Give the pgmap an altmap with this many bytes reserved (e.g. 8K).", valueName: "size"))
    var altmapReserve: ByteCount?

    @Option(name: .long, help: ArgumentHelp("The device dev_WARN() names, one per --range (default: 'nd_pmem pfn0.N').", valueName: "name"))
    var device: [String] = []

    @Flag(name: .long, help: "Afterwards tear every mapping down again (memunmap_pages) and show the state.")
    var unmap = false

    @OptionGroup var kernel: KernelOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
        try machine.validate()
        if range.isEmpty { throw ValidationError("give at least one --range") }
        if device.count > range.count { throw ValidationError("more --device names than --range values") }
        if PagemapType(rawValue: type) == nil { throw ValidationError("--type must be fsdax, devdax, private or p2pdma") }
    }

    func run() throws {
        let (behaviour, arch) = try machine.resolve(kernel)
        guard let pgmapType = PagemapType(rawValue: type) else { throw InputError("--type", "unknown type '\(type)'") }
        var host = try machine.boot(arch: arch, behaviour: behaviour)
        let bootLines = host.log.lines.count
        var results: [(pgmap: DevPagemap, outcome: Result<MappedPagemap, KernelError>)] = []
        for (i, r) in range.enumerated() {
            guard !r.isEmpty else { throw InputError("--range", "\(r) is empty") }
            let name = i < device.count ? DeviceName(parsing: device[i]) : DeviceName(driver: "nd_pmem", name: "pfn0.\(i)")
            var altmap: VMemAltmapRequest?
            if let reserve = altmapReserve {
                guard let window = host.pagemaps.window(for: r),
                      let a = VMemAltmapRequest.covering(window, reserve: reserve, arch: arch) else {
                    throw InputError("--altmap-reserve", "\(reserve) is not a whole number of \(arch.pageSize.shortDescription) pages, or the altmap does not fit")
                }
                altmap = a
            }
            let pgmap = DevPagemap(range: r, type: pgmapType, altmap: altmap, device: name)
            do { results.append((pgmap, .success(try host.memremapPages(pgmap)))) }
            catch { results.append((pgmap, .failure(error))) }
        }
        let windows = results.compactMap { try? $0.outcome.get().window } + range
        let touched = windows.flatMap { host.sections(touching: $0).map(\.number) }
        var unmapped: [SectionNumber: MemSection] = [:]
        var afterMap: [MemSection] = []
        let sectionNumbers = Array(Set(touched)).sorted()
        afterMap = sectionNumbers.compactMap { host.sparse.section($0) }
        if unmap {
            for case .success(let m) in results.map(\.outcome).reversed() where m.hotplugged { host.memunmapPages(m.id) }
            for s in sectionNumbers { if let sec = host.sparse.section(s) { unmapped[s] = sec } }
        }
        let dmesg = Array(host.log.lines.dropFirst(bootLines))
        switch output.format {
        case .text:
            print("kernel \(behaviour.kernel) (\(arch)), type \(pgmapType) (\(pgmapType.kernelName(behaviour) ?? "not in this kernel"))")
            for (pgmap, outcome) in results {
                switch outcome {
                case .success(let m) where !m.hotplugged:
                    print("\(pgmap.device): \(pgmap.range): ok, already System RAM (nothing mapped; before 4.20)")
                case .success(let m):
                    print("\(pgmap.device): \(pgmap.range): ok, \(m.hotplugFunction) \(m.window)\(m.window == pgmap.range ? "" : " (section-aligned window)")")
                    if let a = m.altmap {
                        print("  altmap: base_pfn \(a.basePFN) reserve \(a.reserve) free \(a.free) alloc \(a.alloc) align \(a.align)")
                    }
                    print("  pfn_first \(m.firstDevicePFN), references \(m.references)")
                case .failure(let e):
                    print("\(pgmap.device): \(pgmap.range): error -\(e.errno.name) (\(e.errno.strerror))")
                }
            }
            print("dmesg:")
            if dmesg.isEmpty { print("  (nothing)") }
            for line in dmesg { print("  \(line)") }
            print("sections touched:")
            for s in afterMap { print("  " + Self.describe(s) + (unmap ? "  → after unmap: " + (unmapped[s.number].map(Self.describe) ?? "not present") : "")) }
            let zone = host.pagemaps.zoneDevice
            print("ZONE_DEVICE: " + (zone.span.map { "\($0), \(zone.pages) pages" } ?? "empty"))
        case .json:
            var o: [(String, JSON)] = [
                ("kernel", .string(behaviour.kernel.description)), ("arch", .string(arch.name)),
                ("type", .string(pgmapType.rawValue)), ("type_name", pgmapType.kernelName(behaviour).map(JSON.string) ?? .null),
            ]
            o.append(("mappings", .array(results.map { Self.json($0.pgmap, $0.outcome) })))
            o.append(("log", .array(dmesg.map(JSON.string))))
            o.append(("sections", .array(afterMap.map(Self.json))))
            if unmap { o.append(("sections_after_unmap", .array(sectionNumbers.compactMap { unmapped[$0] }.map(Self.json)))) }
            let zone = host.pagemaps.zoneDevice
            o.append(("zone_device", .object([("span", zone.span.map { .string($0.description) } ?? .null),
                                              ("pages", .int(zone.pages.rawValue))])))
            print(JSON.object(o).rendered())
        }
    }

    static func describe(_ s: MemSection) -> String {
        "section \(s.number): subsection_map \(s.subsectionMap?.description ?? "-")\(s.isEarly ? " early" : "") flags \(s.flags)"
    }

    static func json(_ s: MemSection) -> JSON {
        .object([("nr", .int(s.number.rawValue)), ("subsection_map", s.subsectionMap.map { .string($0.description) } ?? .null),
                 ("early", .bool(s.isEarly)), ("flags", .string(s.flags.description))])
    }

    static func json(_ pgmap: DevPagemap, _ outcome: Result<MappedPagemap, KernelError>) -> JSON {
        var o: [(String, JSON)] = [("range", .string(pgmap.range.description)), ("device", .string(pgmap.device.description))]
        switch outcome {
        case .success(let m):
            o.append(("status", .string("ok")))
            o.append(("hotplugged", .bool(m.hotplugged)))
            if m.hotplugged {
                o.append(("window", .string(m.window.description)))
                o.append(("hotplug", .string(m.hotplugFunction)))
                o.append(("pfn_first", .string(m.firstDevicePFN.description)))
                o.append(("references", .int(m.references.rawValue)))
                if let a = m.altmap {
                    o.append(("altmap", .object([("base_pfn", .string(a.basePFN.description)), ("reserve", .int(a.reserve.rawValue)),
                                                 ("free", .int(a.free.rawValue)), ("alloc", .int(a.alloc.rawValue)),
                                                 ("align", .int(a.align.rawValue))])))
                }
            }
        case .failure(let e):
            o.append(("status", .string("error")))
            o.append(("errno", .string(e.errno.name)))
            o.append(("message", .string(e.message)))
        }
        return .object(o)
    }
}
