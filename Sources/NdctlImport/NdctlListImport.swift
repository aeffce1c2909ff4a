import LibNVDIMM
import NDEmuCore

/// `ndemu import ndctl-list FILE [--iomem FILE]`: a topology from `ndctl list` JSON.
///
/// `ndctl list` prints no physical addresses and, for fsdax and devdax, the usable size rather
/// than the raw one. Addresses come from /proc/iomem when it is given (the region's
/// `Persistent Memory` entry; each namespace's own `namespaceR.N` entry, which also gives its
/// exact raw size); raw sizes otherwise come from inverting the capacity model, cross-checked
/// against the region's `available_size`.
public enum NdctlListImport {
    public struct Result: Sendable {
        public var topology: ImportedTopology
        /// Input keys and entries that were read but not used (for `--verbose`).
        public var ignored: [String]
    }

    /// `behaviour`/`arch`: the kernel and architecture that created the namespaces, whose
    /// capacity model is inverted (6.1 x86_64 unless the user says otherwise).
    public static func importTopology(listText: String, listFile: String, iomemText: String?, iomemFile: String?,
                                      behaviour: KernelBehaviour = KernelBehaviour(.default),
                                      arch: ArchProfile = .x86_64) throws(InputError) -> Result {
        var reader = NdctlListReader(file: listFile)
        let listed = try reader.read(listText)
        var topology = ImportedTopology(source: listFile)
        for dev in reader.disabled {
            topology.notes.append("\(dev): listed as disabled; skipped, as libndctl's reader skips inactive namespaces")
        }
        for dev in reader.pageMapped {
            topology.notes.append("\(dev): printed as fsdax without a pfn device (no uuid, no align): a page-mapped raw namespace; imported as raw")
        }
        topology.buses = listed.buses
        if !listed.looseRegions.isEmpty {
            topology.buses.append(Bus(dev: "ndbus?", provider: "", regions: listed.looseRegions.map(\.region)))
        }
        let unlisted = try attachLooseNamespaces(listed, to: &topology)

        var iomem: [IOMemNode] = []
        if let iomemText, let iomemFile {
            iomem = try IOMemText.parse(iomemText, input: iomemFile)
            topology.memory = IOMemImport.memoryMap(iomem).memory
        }
        try place(&topology, iomem: iomem, iomemFile: iomemFile, listed: listed, unlisted: unlisted)
        // Label kind still unknown: listed without its region and not settled by /proc/iomem.
        let labelsUnknown = unlisted.filter { dev in !topology.regions.contains { $0.dev == dev && $0.start != nil } }
        try recoverRawSizes(&topology, listed: listed, iomemFile: iomemFile, labelsUnknown: labelsUnknown, behaviour: behaviour, arch: arch)
        return Result(topology: topology.sortedByDevice(), ignored: reader.ignored)
    }

    /// Namespaces printed without their region (`ndctl list`, `-N`) go into `regionR` by name.
    /// Returns the regions made up this way (their label kind is not known from the list).
    private static func attachLooseNamespaces(_ listed: NdctlListReader.Listed, to topology: inout ImportedTopology) throws(InputError) -> Set<String> {
        var unlisted = Set<String>()
        for (ns, entry) in listed.looseNamespaces {
            guard let r = DeviceName.numbers(ns.dev).first else { throw InputError(entry, "cannot tell the region of \(ns.dev)") }
            let dev = "region\(r)"
            if let (b, i) = index(of: dev, in: topology) {
                topology.buses[b].regions[i].namespaces.append(ns)
                // A label-less (io) region holds exactly one namespace: a second one means labels.
                if unlisted.contains(dev) {
                    topology.buses[b].regions[i].hasLabels = true
                }
            } else {
                unlisted.insert(dev)
                if topology.buses.last?.dev != "ndbus?" { topology.buses.append(Bus(dev: "ndbus?", provider: "")) }
                topology.buses[topology.buses.count - 1].regions.append(
                    Region(dev: dev, start: nil, size: .zero,
                           hasLabels: ns.rawUUID != nil || (ns.mode == .raw && ns.uuid != nil), namespaces: [ns]))
                topology.notes.append("\(dev): not listed (no -R); its size and address come only from /proc/iomem")
            }
        }
        return unlisted
    }

    private static func index(of region: String, in t: ImportedTopology) -> (Int, Int)? {
        for (b, bus) in t.buses.enumerated() { if let i = bus.regions.firstIndex(where: { $0.dev == region }) { return (b, i) } }
        return nil
    }

    // MARK: Addresses

    /// Gives each region its physical range from /proc/iomem, or leaves it unknown with a note.
    private static func place(_ t: inout ImportedTopology, iomem: [IOMemNode], iomemFile: String?, listed: NdctlListReader.Listed,
                              unlisted: Set<String>) throws(InputError) {
        let pmem = iomem.filter { $0.name == "Persistent Memory" || $0.name == "Persistent Memory (legacy)" }
        var used = Set<Int>()
        // 1. Regions whose namespaces appear by name under a PMEM entry.
        for b in t.buses.indices {
            for i in t.buses[b].regions.indices {
                let region = t.buses[b].regions[i]
                let names = Set(region.namespaces.map(\.dev))
                if let k = pmem.indices.first(where: { pmem[$0].descendants.contains { names.contains($0.name) } }) {
                    try assign(&t.buses[b].regions[i], pmem[k], file: iomemFile ?? "", listed: listed)
                    used.insert(k)
                    if unlisted.contains(region.dev) && pmem[k].name == "Persistent Memory" {
                        // A label-less (io) region holds exactly one namespace spanning it.
                        let children = pmem[k].children.filter { $0.name.hasPrefix("namespace") }
                        if !(children.count == 1 && children[0].range == pmem[k].range) { t.buses[b].regions[i].hasLabels = true }
                    }
                }
            }
        }
        // 2. The rest by size, in address order (ambiguous when several entries share a size).
        for b in t.buses.indices {
            for i in t.buses[b].regions.indices where t.buses[b].regions[i].start == nil {
                let region = t.buses[b].regions[i]
                let printed = listed.regionEntries[region.dev]?.size
                let fits = pmem.indices.filter { k in
                    !used.contains(k) && (region.size.isZero || (printed ?? region.size.rawValue...region.size.rawValue).contains(pmem[k].range.size.rawValue))
                }
                if let k = fits.first {
                    if fits.count > 1 {
                        t.notes.append("\(region.dev): \(fits.count) /proc/iomem PMEM entries of its size; took the lowest, \(pmem[k].range)")
                    }
                    try assign(&t.buses[b].regions[i], pmem[k], file: iomemFile ?? "", listed: listed)
                    used.insert(k)
                } else if iomemFile != nil {
                    t.notes.append("\(region.dev): no /proc/iomem PMEM entry of its size (\(region.size.shortDescription)); its address is unknown")
                } else {
                    t.notes.append("\(region.dev): physical address unknown (`ndctl list` never prints addresses; pass --iomem /proc/iomem text)")
                    if let printed, printed.lowerBound != printed.upperBound {
                        t.buses[b].regions[i].size = ByteCount(PrintedSize.roundest(printed))
                        t.notes.append("\(region.dev): size printed with -u; took \(t.buses[b].regions[i].size.shortDescription), the roundest size it can stand for")
                    }
                }
            }
        }
        // Namespace addresses, from their own /proc/iomem entries.
        let named = Dictionary(pmem.flatMap(\.descendants).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for b in t.buses.indices {
            for i in t.buses[b].regions.indices {
                let region = t.buses[b].regions[i]
                for n in region.namespaces.indices {
                    let ns = region.namespaces[n]
                    guard let node = named[ns.dev] else { continue }
                    if let range = region.range, !range.contains(node.range) {
                        throw InputError("\(iomemFile ?? ""): \(ns.dev)",
                                         "\(node.range) is outside its region \(region.dev) \(range) (from \(listed.namespaceEntries[ns.dev]?.entry ?? "the list"))")
                    }
                    t.buses[b].regions[i].namespaces[n].start = node.range.start
                    if let dax = IOMemImport.devdaxData(after: node, in: pmem) {
                        // dax_pmem requests only the info block area under the namespace's name;
                        // the data range is the `daxR.N` entry after it. The raw end (end_trunc
                        // included) is recovered like a size that /proc/iomem does not show.
                        t.buses[b].regions[i].namespaces[n].data = dax.range
                        if let printed = listed.namespaceEntries[ns.dev]?.size, !printed.contains(dax.range.size.rawValue) {
                            throw InputError("\(iomemFile ?? ""): \(dax.name)",
                                             "contradictory sizes: \(dax.range.size.rawValue) bytes, but \(listed.namespaceEntries[ns.dev]?.entry ?? ns.dev) prints \(printed.lowerBound)")
                        }
                    } else {
                        t.buses[b].regions[i].namespaces[n].size = node.range.size
                    }
                }
            }
        }
    }

    private static func assign(_ region: inout Region, _ node: IOMemNode, file: String, listed: NdctlListReader.Listed) throws(InputError) {
        let printed = listed.regionEntries[region.dev]?.size ?? region.size.rawValue...region.size.rawValue
        if region.size.isZero || printed.contains(node.range.size.rawValue) { region.size = node.range.size }
        guard node.range.size == region.size else {
            throw InputError("\(file): \(node.range)",
                             "holds \(region.namespaces.map(\.dev).joined(separator: ", ")) but is \(node.range.size.shortDescription), while \(listed.regionEntries[region.dev]?.entry ?? region.dev) says \(region.dev) is \(region.size.shortDescription)")
        }
        region.start = node.range.start
        // e820 type 12 (`memmap=`, legacy NVDIMM) regions are label-less by construction.
        if node.name == "Persistent Memory (legacy)" { region.hasLabels = false }
    }

    // MARK: Raw sizes

    /// Fills in each namespace's raw size: read from /proc/iomem (checked against the printed
    /// size), or inverted from the printed size, then cross-checked with the region's free space.
    private static func recoverRawSizes(_ t: inout ImportedTopology, listed: NdctlListReader.Listed, iomemFile: String?,
                                        labelsUnknown: Set<String>, behaviour: KernelBehaviour, arch: ArchProfile) throws(InputError) {
        for b in t.buses.indices {
            for i in t.buses[b].regions.indices {
                var region = t.buses[b].regions[i]
                var cursor = region.start
                var inversions: [Int: SizeInversion] = [:]
                var assumedPlacement = false
                for n in region.namespaces.indices {
                    let ns = region.namespaces[n]
                    let entry = listed.namespaceEntries[ns.dev]?.entry ?? ns.dev
                    let printed = listed.namespaceEntries[ns.dev]?.size
                    // BTT 2.0 (no initial offset) needs v1.2 labels; v1.1 labels and label-less regions get BTT 1.1.
                    let labelKinds: [RegionLabels] = ns.mode != .sector ? [region.hasLabels ? .v1_2 : .none]
                        : region.hasLabels || labelsUnknown.contains(region.dev) ? [.v1_2, .v1_1] : [.none]
                    let queries = labelKinds.map {
                        CapacityQuery(mode: ns.mode, map: ns.map ?? .dev, align: ns.align ?? arch.pmdSize,
                                      sectorSize: ns.sectorSize ?? 4096, labels: $0, behaviour: behaviour, arch: arch)
                    }
                    let query = queries[0]
                    func yields(_ raw: ByteCount, _ printed: ClosedRange<UInt64>) -> Bool {
                        queries.contains { q in q.usableSize(rawSize: raw, start: start).map { printed.contains($0.rawValue) } ?? false }
                    }
                    let addressKnown = ns.start != nil || cursor != nil
                    let start = ns.start ?? cursor ?? PhysicalAddress(0x1_0000_0000)
                    if let printed, printed.lowerBound > region.size.rawValue, !region.size.isZero {
                        throw InputError(entry, "size \(ByteCount(printed.lowerBound).shortDescription) is larger than its region \(region.dev) (\(region.size.shortDescription))")
                    }
                    if let raw = ns.size {
                        // From /proc/iomem: the printed size must be what this raw size yields.
                        if let printed, let u = query.usableSize(rawSize: raw, start: start), !yields(raw, printed) {
                            throw InputError(entry, "contradictory sizes: \(iomemFile ?? "/proc/iomem") gives \(ns.dev) \(raw.shortDescription) raw, which yields \(u.rawValue) bytes in \(ns.mode.rawValue) mode, but the list says \(printed.lowerBound == printed.upperBound ? String(printed.lowerBound) : "\(printed.lowerBound)…\(printed.upperBound)")")
                        }
                        if ns.mode != .raw { region.namespaces[n].usableSize = region.namespaces[n].usableSize ?? query.usableSize(rawSize: raw, start: start) }
                    } else if !region.hasLabels && region.namespaces.count == 1 && !region.size.isZero {
                        // A label-less region holds exactly one namespace spanning it (namespace_io).
                        let raw = region.size
                        // (Only checkable where the address is known: the usable size depends on it.)
                        if addressKnown, let printed, let u = query.usableSize(rawSize: raw, start: start), !yields(raw, printed) {
                            throw InputError(entry, "contradictory sizes: \(ns.dev) fills label-less \(region.dev) (\(raw.shortDescription)), which yields \(u.rawValue) bytes in \(ns.mode.rawValue) mode, not the \(printed.lowerBound) printed")
                        }
                        region.namespaces[n].size = raw
                        region.namespaces[n].sizeNote = "spans label-less \(region.dev)"
                    } else if let printed {
                        // Namespace sizes are multiples of the region's align (5.7+; 16 MiB unless the
                        // platform says otherwise); before 5.7 of 4 KiB × ways.
                        var granule = region.align ?? .mib(16)
                        var inv = SizeInversion(usable: printed, queries: queries, start: start, granule: granule,
                                                ceiling: region.size.isZero ? nil : region.size)
                        if inv.candidates.isEmpty && region.align == nil {
                            granule = ByteCount.kib(4).multiplied(by: UInt64(region.interleaveWays)) ?? .kib(4)
                            inv = SizeInversion(usable: printed, queries: queries, start: start, granule: granule,
                                                ceiling: region.size.isZero ? nil : region.size)
                        }
                        guard let first = inv.candidates.first else {
                            throw InputError(entry, "contradictory sizes: no raw size (a multiple of \(granule.shortDescription)) yields the printed \(ns.mode.rawValue) size \(printed.lowerBound == printed.upperBound ? String(printed.lowerBound) : "\(printed.lowerBound)…\(printed.upperBound)") bytes")
                        }
                        region.namespaces[n].size = inv.roundest ?? first
                        inversions[n] = inv
                        if ns.mode == .raw && printed.lowerBound == printed.upperBound { inversions[n] = nil }
                    } else {
                        t.notes.append("\(ns.dev): no size printed; its raw size is unknown")
                    }
                    if ns.start == nil, let c = cursor, region.namespaces[n].size != nil {
                        region.namespaces[n].start = c
                        assumedPlacement = true
                    }
                    if let raw = region.namespaces[n].size { cursor = (ns.start ?? cursor)?.advanced(by: raw) }
                }
                if assumedPlacement {
                    t.notes.append("\(region.dev): namespace addresses assumed, packed from the region start in name order (no namespace entries in /proc/iomem)")
                }
                resolveAmbiguity(&region, inversions: inversions, notes: &t.notes)
                if region.size.isZero {
                    // Neither listed (-R) nor found in /proc/iomem: at least its namespaces.
                    region.size = region.namespaces.compactMap(\.size).reduce(ByteCount.zero) { $0.adding($1) ?? $0 }
                    t.notes.append("\(region.dev): size unknown; taken as the sum of its namespaces, \(region.size.shortDescription)")
                }
                try checkFit(region, listed: listed)
                t.buses[b].regions[i] = region
            }
        }
    }

    /// Uses `available_size` to pick among candidate raw sizes (free space = region size minus
    /// the namespaces), and says what stays ambiguous.
    private static func resolveAmbiguity(_ region: inout Region, inversions: [Int: SizeInversion], notes: inout [String]) {
        let ambiguous = inversions.filter { $0.value.candidates.count > 1 }
        let allocated = region.namespaces.compactMap(\.size).reduce(ByteCount.zero) { $0.adding($1) ?? $0 }
        if ambiguous.count == 1, let (n, inv) = ambiguous.first, let available = region.availableSize, let current = region.namespaces[n].size,
           let others = allocated.subtracting(current), let room = region.size.subtracting(available), let pinned = room.subtracting(others),
           inv.candidates.contains(pinned) {
            region.namespaces[n].size = pinned
            region.namespaces[n].sizeNote = "inverted from the usable size (\(inv.summary)); \(region.dev)'s available_size pins \(pinned.shortDescription)"
            notes.append("\(region.namespaces[n].dev): raw size \(inv.summary) all give the printed size; available_size of \(region.dev) pins \(pinned.shortDescription)")
            return
        }
        for (n, inv) in inversions {
            let dev = region.namespaces[n].dev
            if inv.candidates.count > 1 {
                let took = region.namespaces[n].size?.shortDescription ?? "?"
                region.namespaces[n].sizeNote = "ambiguous: \(inv.summary) give the printed size; took the roundest, \(took)"
                notes.append("\(dev): raw size ambiguous: \(inv.summary) all give the printed size; took the roundest, \(took)")
            } else {
                region.namespaces[n].sizeNote = "inverted from the usable size"
            }
        }
        if let available = region.availableSize, !region.size.isZero,
           let free = region.size.subtracting(allocated), free != available, !region.namespaces.contains(where: { $0.size == nil }) {
            notes.append("\(region.dev): namespaces add up to \(allocated.shortDescription) but size − available_size is \((region.size.subtractingClamped(available)).shortDescription) (hidden or disabled namespaces, or fragmented free space)")
        }
    }

    /// Every namespace inside its region.
    private static func checkFit(_ region: Region, listed: NdctlListReader.Listed) throws(InputError) {
        var total = ByteCount.zero
        for ns in region.namespaces {
            guard let size = ns.size else { continue }
            let entry = listed.namespaceEntries[ns.dev]?.entry ?? ns.dev
            guard let t = total.adding(size), region.size.isZero || t <= region.size else {
                throw InputError(entry, "\(ns.dev) (\(size.shortDescription) raw) does not fit in \(region.dev) (\(region.size.shortDescription)) after the namespaces before it")
            }
            total = t
            if let range = region.range, let start = ns.start, let nsRange = AddressRange(start: start, size: size), !range.contains(nsRange) {
                throw InputError(entry, "\(ns.dev) \(nsRange) is outside its region \(region.dev) \(range)")
            }
        }
    }
}
