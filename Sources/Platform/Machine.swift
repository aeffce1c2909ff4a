import IOMem
import LibNVDIMM
import MemRemap
import NDEmuCore
import SparseMem

/// A platform booted on one kernel and architecture: the layout's memory map becomes the
/// firmware (e820) map and the iomem tree, its System RAM the early sections, and then each
/// namespace is enabled in layout order through the libnvdimm layer and `devm_memremap_pages()`,
/// every step writing the emulated kernel log.
public struct Machine: Sendable {
    public let layout: Layout
    public let kernel: KernelSpec
    public let behaviour: KernelBehaviour
    public let arch: ArchProfile
    /// The booted layers below libnvdimm (iomem, sections, pgmaps, log).
    public private(set) var host: HotplugHost
    public private(set) var results: [NamespaceResult] = []
    /// libnvdimm's view of each region (allocations, alignment), by layout region name.
    var nvRegions: [String: Region] = [:]
    /// pfn/dax/btt devices created per region, for their names (`pfn0.0`, `pfn0.1`, …).
    var claims: [String: Int] = [:]

    /// Boots `layout` (the arch from `archName`, else the layout's) and enables every namespace.
    /// `progress` hears (1-based index, count, namespace) before each namespace is enabled.
    public static func simulate(_ layout: Layout, kernel: KernelSpec, archName: String? = nil,
                                progress: (Int, Int, String) -> Void = { _, _, _ in }) throws(InputError) -> Simulation {
        var m = try Machine(layout, kernel: kernel, archName: archName)
        m.enableAll(progress: progress)
        return m.simulation
    }

    /// Boot only: firmware map, iomem, early sections. No namespace is enabled yet.
    public init(_ layout: Layout, kernel: KernelSpec, archName: String? = nil) throws(InputError) {
        self.layout = layout
        self.kernel = kernel
        self.behaviour = KernelBehaviour(kernel)
        self.arch = try ArchProfile(name: archName ?? layout.arch, behaviour: behaviour, input: archName == nil ? "\(layout.source): arch" : "--arch")
        var entries: [E820Entry] = []
        for m in layout.memory {
            guard let t = E820Type(iomemName: m.type.rawValue) else {
                throw InputError("\(layout.source): memory", "\"\(m.type.rawValue)\" has no e820 type")
            }
            entries.append(E820Entry(m.range, t))
        }
        let firmware = try FirmwareMap(entries, input: "\(layout.source): memory")
        self.host = try HotplugHost(firmware: firmware, commandLine: nil, arch: arch, behaviour: behaviour,
                                    input: "\(layout.source): memory")
        for r in layout.regions {
            let labels: RegionLabels = switch r.labels {
            case .none: .none
            case .v1_1: .v1_1
            case .v1_2: .v1_2
            }
            nvRegions[r.dev] = Region(name: r.dev, range: r.range, interleaveWays: UInt64(r.interleaveWays), labels: labels,
                                      alignOverride: r.align)
        }
    }

    /// Enables every namespace of the layout, in order.
    public mutating func enableAll(progress: (Int, Int, String) -> Void = { _, _, _ in }) {
        let all = layout.placedNamespaces
        for (i, (ns, range)) in all.enumerated() {
            progress(i + 1, all.count, ns.dev)
            results.append(enable(ns, range: range))
        }
    }

    /// Enables one namespace; failures are part of the result, as the kernel reports them.
    mutating func enable(_ ns: Layout.Namespace, range: AddressRange) -> NamespaceResult {
        var result = NamespaceResult(dev: ns.dev, region: ns.region, mode: ns.mode,
                                     map: ns.mode.hasInfoBlock ? ns.effectiveMap : nil, range: range)
        do throws(KernelError) {
            try allocate(ns, range: range)
            switch ns.mode {
            case .raw: try enableRaw(ns, range: range, into: &result)
            case .fsdax, .devdax: try enablePfn(ns, range: range, into: &result)
            case .sector: try enableSector(ns, range: range, into: &result)
            }
        } catch {
            result.error = error
            result.usableSize = nil
            result.dataRange = nil
            result.mappedRange = nil
            result.memmapBytes = .zero
            result.memmapLocation = .none
            result.daxWorks = nil
        }
        return result
    }

    /// The namespace's size as the region accepts it (`__size_store()`: 5.7+ a multiple of the
    /// region align, "%llu is not %ldK aligned", -EINVAL; -ENOSPC when it does not fit).
    mutating func allocate(_ ns: Layout.Namespace, range: AddressRange) throws(KernelError) {
        guard var region = nvRegions[ns.region] else { return }
        do {
            _ = try region.allocateNamespace(size: region.isLabelless ? nil : range.size, behaviour: behaviour, arch: arch)
        } catch {
            if !error.message.isEmpty { host.log.debug("nd_region \(ns.region): \(error.message)") }
            throw error
        }
        nvRegions[ns.region] = region
    }

    /// The next claim device name of a region: `pfn0.0`, `dax1.0`, `btt0.1`.
    mutating func claimName(_ kind: String, region: String) -> String {
        let id = region.reversed().prefix { $0.isNumber }.reversed()
        let n = claims["\(kind)\(region)", default: 0]
        claims["\(kind)\(region)"] = n + 1
        return "\(kind)\(id.isEmpty ? "0" : String(id)).\(n)"
    }

    /// What `region_intersects()` and `nd_region_conflict()` see around a namespace.
    func collisionFacts(for regionName: String) -> CollisionFacts {
        CollisionFacts(systemRAM: IOMemSystemRAM(tree: host.iomem, behaviour: behaviour),
                       otherRegions: layout.regions.filter { $0.dev != regionName }.map(\.range))
    }

    func namespaceResource(_ ns: Layout.Namespace, range: AddressRange) -> NamespaceResource {
        let uuid = ns.uuid.flatMap { try? InfoBlockUUID(parsing: $0, input: "uuid") } ?? .null
        return NamespaceResource(name: ns.dev, range: range, uuid: uuid, regionName: ns.region)
    }

    /// fsdax (a pfn device, `nd_pmem`) or devdax (a dax device, `dax_pmem`): `nd_pfn_init()` /
    /// `nd_pfn_validate()` and `__nvdimm_setup_pfn()` through LibNVDIMM, then
    /// `devm_memremap_pages()` of the padded range with the altmap (map=dev).
    mutating func enablePfn(_ ns: Layout.Namespace, range: AddressRange, into result: inout NamespaceResult) throws(KernelError) {
        let signature: InfoBlockSignature = ns.mode == .fsdax ? .pfn : .dax
        let names = DeviceNames(device: claimName(ns.mode == .fsdax ? "pfn" : "dax", region: ns.region),
                                driver: ns.mode == .fsdax ? "nd_pmem" : "dax_pmem")
        guard range.size >= .mib(16) else {
            // nd_namespace_store(): "%s too small to host" (dbg), -ENXIO.
            host.log.debug("nd_pmem \(names.device): \(ns.dev) too small to host")
            throw KernelError(.ENXIO, "\(ns.dev) too small to host")
        }
        let settings = PfnSettings(signature: signature, mode: ns.effectiveMap == .mem ? .ram : .pmem,
                                   align: ns.effectiveAlign(pmdSize: PfnValidate.defaultAlign(arch)))
        let resource = namespaceResource(ns, range: range)
        let facts = collisionFacts(for: ns.region)
        let outcome: PfnNamespaceOutcome
        if let creator = ns.createdBy {
            // The block another kernel wrote; this kernel finds it when it probes the namespace.
            let onMedia = try Self.blockWritten(by: creator, namespace: resource, settings: settings, archName: arch.name,
                                                facts: facts, names: names)
            switch PfnNamespace.probe(namespace: resource, signature: signature, onMedia: onMedia, behaviour: behaviour,
                                      arch: arch, names: names, log: &host.log) {
            case .personality(let o): outcome = o
            case .failed(let e):
                probeFailed(driver: names.driver, device: names.device, e.errno)
                throw e
            case .raw(let reason):
                // No usable block: the namespace attaches raw at offset 0.
                result.note = "the \(creator) info block was not used (\(reason)): attached raw"
                try enableRaw(ns, range: range, into: &result)
                return
            }
        } else {
            do {
                outcome = try PfnNamespace.enable(namespace: resource, settings: settings, onMedia: nil, behaviour: behaviour,
                                                  arch: arch, facts: facts, names: names, log: &host.log)
            } catch {
                probeFailed(driver: names.driver, device: names.device, error.errno)
                throw error
            }
        }
        // Written (or validated) before the mapping is attempted: it stays on media if that fails.
        result.infoBlock = outcome.block
        let altmap = outcome.altmap.map { VMemAltmapRequest(basePFN: $0.basePFN, reserve: $0.reserve, free: $0.free) }
        let before = host.sparse.memmap
        do {
            _ = try host.memremapPages(DevPagemap(range: outcome.pgmapRange, type: ns.mode == .fsdax ? .fsdax : .devdax,
                                                  altmap: altmap, device: DeviceName(driver: names.driver, name: names.device)))
        } catch {
            probeFailed(driver: names.driver, device: names.device, error.errno)
            throw error
        }
        let after = host.sparse.memmap
        result.mappedRange = outcome.pgmapRange
        result.dataRange = outcome.dataRange
        result.usableSize = outcome.usableSize
        result.daxWorks = ns.mode == .fsdax ? outcome.fsdaxDAXWorks : nil
        result.memmapBytes = after.hotplugBytes.subtractingClamped(before.hotplugBytes)
        let device = after.hotplugAltmapBytes.subtractingClamped(before.hotplugAltmapBytes)
        let ram = after.hotplugRAMBytes.subtractingClamped(before.hotplugRAMBytes)
        result.memmapLocation = device.isZero ? (ram.isZero ? .none : .ram) : (ram.isZero ? .device : .mixed)
    }

    /// The 4 KiB block `kernel` would have written for this namespace (`created_by`).
    static func blockWritten(by kernel: String, namespace: NamespaceResource, settings: PfnSettings, archName: String,
                             facts: CollisionFacts, names: DeviceNames) throws(KernelError) -> [UInt8] {
        guard let spec = try? KernelSpec(parsing: kernel, input: "created_by"),
              let arch = try? ArchProfile(name: archName, behaviour: KernelBehaviour(spec)) else {
            throw KernelError(.EINVAL, "created_by \(kernel) is not a kernel ndemu models")
        }
        var scratch = KernelLog()
        let block = try PfnInit.freshBlock(namespace: namespace, settings: settings, behaviour: KernelBehaviour(spec),
                                           arch: arch, facts: facts, names: names, log: &scratch)
        return block.encoded()
    }

    /// Sector mode: a BTT (`nd_btt`) laid out on the namespace; no struct pages.
    mutating func enableSector(_ ns: Layout.Namespace, range: AddressRange, into result: inout NamespaceResult) throws(KernelError) {
        let device = claimName("btt", region: ns.region)
        guard range.size >= .mib(16) else {
            host.log.debug("nd_pmem \(device): \(ns.dev) too small to host")
            throw KernelError(.ENXIO, "\(ns.dev) too small to host")
        }
        let labels = nvRegions[ns.region]?.labels ?? .none
        do {
            let btt = try BTTLayout(capacity: range.size, sectorSize: ns.effectiveSectorSize, version: BTTLayout.version(for: labels),
                                    namespaceName: ns.dev, deviceName: device)
            result.usableSize = btt.usableSize
        } catch {
            if !error.message.isEmpty { host.log.debug(error.message) }
            throw error
        }
    }

    /// Whether the region sits on legacy (e820 type 12) PMEM, whose regions carry
    /// `ND_REGION_PAGEMAP` (raw namespaces get struct pages).
    func isPageMapRegion(_ range: AddressRange) -> Bool {
        layout.memory.contains { $0.type == .persistentMemoryLegacy && $0.range.contains(range) }
    }

    /// A raw namespace: `pmem_should_map_pages()` decides whether `pmem_attach_disk()` maps the
    /// whole namespace with struct pages (no altmap) or only `devm_memremap()`s it.
    mutating func enableRaw(_ ns: Layout.Namespace, range: AddressRange, into result: inout NamespaceResult) throws(KernelError) {
        result.usableSize = range.size
        result.dataRange = range
        let mixed = host.iomem.regionIntersects(range, flags: .systemRAM, behaviour: behaviour) == .mixed
        let pageMapped = isPageMapRegion(range) && !mixed
        do {
            _ = try RawNamespace.probe(namespace: namespaceResource(ns, range: range), pageMapped: pageMapped,
                                       behaviour: behaviour, arch: arch, log: &host.log)
        } catch {
            probeFailed(driver: "nd_pmem", device: ns.dev, error.errno)
            throw error
        }
        guard pageMapped else { return }
        let before = host.sparse.memmap
        do {
            _ = try host.memremapPages(DevPagemap(range: range, type: .fsdax, device: DeviceName(driver: "nd_pmem", name: ns.dev)))
        } catch {
            probeFailed(driver: "nd_pmem", device: ns.dev, error.errno)
            throw error
        }
        let after = host.sparse.memmap
        result.mappedRange = range
        result.memmapBytes = after.hotplugBytes.subtractingClamped(before.hotplugBytes)
        result.memmapLocation = result.memmapBytes.isZero ? .none : .ram
    }

    /// `really_probe()`: the driver core reports a failed probe, except -ENODEV and -ENXIO
    /// ("rejects match", debug only).
    mutating func probeFailed(driver: String, device: String, _ errno: Errno) {
        guard errno != .ENODEV, errno != .ENXIO else { return }
        host.log.warn("\(driver): probe of \(device) failed with error -\(errno.rawValue)")
    }

    /// The namespace modes this machine enables.
    public static let emulatedModes: Set<Layout.Mode> = Set(Layout.Mode.allCases)

    /// The outcome so far.
    public var simulation: Simulation {
        var seen = Set<SectionNumber>()
        var sections: [SectionResult] = []
        for region in layout.regions {
            for s in host.sections(touching: region.range) where s.isValid && seen.insert(s.number).inserted {
                let full = SubsectionMap(count: arch.subsectionsPerSection, bits: 0...(arch.subsectionsPerSection - 1))
                sections.append(SectionResult(number: s.number, subsectionMap: s.subsectionMap ?? full, early: s.isEarly,
                                              memmapBytes: s.memmap.isBoot ? .zero : s.memmap.bytes, memmapSource: s.memmap.source))
            }
        }
        sections.sort { $0.number < $1.number }
        let acct = host.sparse.memmap
        return Simulation(kernel: kernel, arch: arch, layout: layout, namespaces: results, log: host.log.entries,
                          sections: sections, memmapBytes: acct.hotplugBytes, memmapRAMBytes: acct.hotplugRAMBytes,
                          memmapDeviceBytes: acct.hotplugAltmapBytes)
    }
}
