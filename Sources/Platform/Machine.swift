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

    /// Boots `layout` (the arch from `archName`, else the layout's) and enables every namespace.
    public static func simulate(_ layout: Layout, kernel: KernelSpec, archName: String? = nil) throws(InputError) -> Simulation {
        var m = try Machine(layout, kernel: kernel, archName: archName)
        m.enableAll()
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
    }

    /// Enables every namespace of the layout, in order.
    public mutating func enableAll() {
        for (ns, range) in layout.placedNamespaces { results.append(enable(ns, range: range)) }
    }

    /// Enables one namespace; failures are part of the result, as the kernel reports them.
    mutating func enable(_ ns: Layout.Namespace, range: AddressRange) -> NamespaceResult {
        var result = NamespaceResult(dev: ns.dev, region: ns.region, mode: ns.mode,
                                     map: ns.mode.hasInfoBlock ? ns.effectiveMap : nil, range: range)
        do throws(KernelError) {
            switch ns.mode {
            case .raw: try enableRaw(ns, range: range, into: &result)
            case .fsdax, .devdax, .sector:
                throw KernelError(.EOPNOTSUPP, "ndemu: \(ns.mode.rawValue) namespaces are not emulated yet")
            }
        } catch {
            result.error = error
            result.usableSize = nil
            result.dataRange = nil
            result.mappedRange = nil
            result.memmapBytes = .zero
            result.memmapLocation = .none
        }
        return result
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
        guard isPageMapRegion(range), !mixed else { return }
        if behaviour.has(.compatAlign) {
            let align = arch.compatAlign
            if !range.start.isAligned(to: align) || !range.end.isAligned(to: align) {
                // nvdimm_namespace_common_probe(): "%pr misaligned, unable to map", -EOPNOTSUPP.
                host.log.err("nd_pmem \(ns.dev): \(range.kernelResourceString()) misaligned, unable to map")
                probeFailed(driver: "nd_pmem", device: ns.dev, .EOPNOTSUPP)
                throw KernelError(.EOPNOTSUPP, "\(range.kernelResourceString()) misaligned, unable to map")
            }
        }
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
    public static let emulatedModes: Set<Layout.Mode> = [.raw]

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
