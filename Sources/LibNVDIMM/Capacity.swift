import NDEmuCore

/// "What will this namespace give me, on this kernel?": the usable size of a fresh namespace in a
/// mode, computed the way the kernel lays it out (pfn/dax info block, BTT arenas).
public struct CapacityRequest: Hashable, Sendable {
    public var size: ByteCount
    public var mode: NamespaceMode
    public var map: PfnMode
    /// The pfn/dax align (default: `HPAGE_PMD_SIZE`, as ndctl's seed offers).
    public var align: ByteCount?
    public var sectorSize: ByteCount
    /// The namespace's physical start.
    public var start: PhysicalAddress
    public var labels: RegionLabels

    /// Where a namespace sits when `--offset` is not given: 1 TiB, aligned to every section,
    /// sub-section, compat and huge-page size, with nothing around it.
    public static let defaultStart = PhysicalAddress(1 << 40)
    /// ndctl's default BTT sector size for `-m sector`.
    public static let defaultSectorSize = ByteCount(4096)

    public init(size: ByteCount, mode: NamespaceMode, map: PfnMode = .pmem, align: ByteCount? = nil,
                sectorSize: ByteCount = defaultSectorSize, start: PhysicalAddress = defaultStart, labels: RegionLabels = .none) {
        self.size = size; self.mode = mode; self.map = map; self.align = align; self.sectorSize = sectorSize
        self.start = start; self.labels = labels
    }
}

/// The answer for one request.
public struct CapacityResult: Hashable, Sendable {
    public var request: CapacityRequest
    public var namespace: AddressRange
    /// The pfn/dax align in force (fsdax, devdax).
    public var align: ByteCount?
    public var usableSize: ByteCount
    /// fsdax/devdax: the block written and the mapping.
    public var pfn: PfnNamespaceOutcome?
    /// sector: the BTT layout.
    public var btt: BTTLayout?
    /// The emulated kernel's messages.
    public var log: [String]

    /// Where the data starts (`pfnX.Y/resource` for fsdax/devdax; the namespace start otherwise).
    public var dataStart: PhysicalAddress { pfn?.dataRange.start ?? namespace.start }

    /// The contract's JSON (`mode`, `map`, `size`, `align`, `usable_size`, `infoblock`), plus
    /// `sector_size`, `resource`, `start`, and details.
    public var json: JSON {
        var o: [(String, JSON)] = [("mode", .string(request.mode.rawValue))]
        if request.mode.signature != nil { o.append(("map", .string(request.map.mapName))) }
        o.append(("size", .bytes(request.size)))
        if let align { o.append(("align", .bytes(align))) }
        if request.mode == .sector { o.append(("sector_size", .bytes(request.sectorSize))) }
        o.append(("usable_size", .bytes(usableSize)))
        if let pfn { o.append(("infoblock", pfn.block.capacityJSON)) }
        o.append(("start", .hex(namespace.start.rawValue)))
        o.append(("resource", .hex(dataStart.rawValue)))
        if let pfn {
            var m: [(String, JSON)] = [("pgmap", .string(pfn.pgmapRange.description))]
            if let a = pfn.altmap {
                m += [("altmap_base_pfn", .hex(a.basePFN.rawValue)), ("altmap_reserve", .int(a.reserve.rawValue)),
                      ("altmap_free", .int(a.free.rawValue))]
            }
            m.append(("dax_address_skew", .bytes(pfn.daxAddressSkew)))
            o.append(("mapping", .object(m)))
        }
        if let btt {
            o.append(("btt", .object([
                ("version", .string(btt.version.rawValue)),
                ("arenas", .int(btt.arenas.count)),
                ("external_nlba", .int(btt.externalNLBA)),
                ("internal_lbasize", .bytes(btt.arenas.first?.internalLBASize ?? .zero)),
            ])))
        }
        o.append(("log", .array(log.map(JSON.string))))
        return .object(o)
    }
}

public enum Capacity {
    /// Computes the capacity of a fresh namespace. Refusals by the kernel are thrown with its
    /// errno and message (e.g. "unable to satisfy requested alignment", -ENXIO).
    public static func compute(_ request: CapacityRequest, behaviour: KernelBehaviour, arch: ArchProfile,
                               facts: CollisionFacts = .isolated) throws(KernelError) -> CapacityResult {
        guard let ns = AddressRange(start: request.start, size: request.size) else {
            throw KernelError(.EINVAL, "namespace \(request.start) + \(request.size) passes the end of the 64-bit address space")
        }
        var log = KernelLog()
        let namespace = NamespaceResource(range: ns)
        switch request.mode {
        case .raw:
            // A label-less region here is legacy e820 / memmap= PMEM, whose raw namespace is page-mapped.
            let r = try RawNamespace.probe(namespace: namespace, pageMapped: request.labels == .none,
                                           behaviour: behaviour, arch: arch, log: &log)
            return CapacityResult(request: request, namespace: ns, align: nil, usableSize: r.size, log: log.lines)
        case .sector:
            let btt = try BTTLayout(capacity: ns.size, sectorSize: request.sectorSize, version: BTTLayout.version(for: request.labels))
            return CapacityResult(request: request, namespace: ns, align: nil, usableSize: btt.usableSize, btt: btt, log: [])
        case .fsdax, .devdax:
            guard let signature = request.mode.signature else { throw KernelError(.EINVAL) }
            let align = request.align ?? PfnValidate.defaultAlign(arch)
            if request.size < .mib(16) {
                // nd_namespace_store(): "%s too small to host" (dbg), -ENXIO.
                throw KernelError(.ENXIO, "\(namespace.name) too small to host")
            }
            let settings = PfnSettings(signature: signature, mode: request.map, align: align, uuid: .null)
            let outcome = try PfnNamespace.enable(namespace: namespace, settings: settings, onMedia: nil,
                                                  behaviour: behaviour, arch: arch, facts: facts, log: &log)
            return CapacityResult(request: request, namespace: ns, align: align, usableSize: outcome.usableSize,
                                  pfn: outcome, log: log.lines)
        }
    }
}
