import LibNVDIMM
import NDEmuCore
import Platform

/// `ndemu import iomem FILE`: a topology from /proc/iomem text alone.
///
/// The top level gives the memory map (System RAM, Reserved, Persistent Memory, Persistent
/// Memory (legacy), Soft Reserved, ...). Each PMEM entry becomes a region; the `namespaceR.N`
/// entries the pmem and dax_pmem drivers request under it become namespaces with their exact
/// ranges, and a `daxR.N` child (dev_dax_probe()) marks a devdax namespace and its data range.
/// /proc/iomem cannot tell fsdax, sector and raw apart; those namespaces are imported as raw
/// and said so.
public enum IOMemImport {
    public struct Result: Sendable {
        public var topology: ImportedTopology
        public var ignored: [String]
    }

    /// The entries that form a layout's memory map, and the top-level entries left out (MMIO, ...).
    static func memoryMap(_ top: [IOMemNode]) -> (memory: [MemoryRange], ignored: [String]) {
        var memory: [MemoryRange] = [], ignored: [String] = []
        for node in top {
            let name = node.name == "reserved" ? "Reserved" : node.name
            if Layout.MemoryType(rawValue: name) != nil {
                memory.append(MemoryRange(range: node.range, type: name))
                // Below memory, only a PMEM entry's namespaces and device-dax ranges are topology;
                // the rest (kernel image, kmem System RAM, ...) is named, not dropped silently.
                let isPMEM = name == "Persistent Memory" || name == "Persistent Memory (legacy)"
                for child in node.descendants where !(isPMEM && (child.name.hasPrefix("namespace") || child.name.hasPrefix("dax"))) {
                    ignored.append("\(child.range) : \(child.name) (under \(node.name) \(node.range): not part of the layout)")
                }
            } else {
                ignored.append("\(node.range) : \(node.name) (not memory: left out of the layout's memory map)")
            }
        }
        return (memory, ignored)
    }

    /// The device-dax data range of a devdax namespace: on 6.1 the `daxR.N` entry that follows
    /// the namespace's own (info block) entry directly (dax_pmem requests only the metadata
    /// under the namespace's name), or, in other layouts, a `daxR.N` child of it.
    static func devdaxData(after node: IOMemNode, in top: [IOMemNode]) -> IOMemNode? {
        if let child = node.children.first(where: { $0.name.hasPrefix("dax") }) { return child }
        for parent in top {
            let all = [parent] + parent.descendants
            for p in all {
                if let k = p.children.firstIndex(where: { $0 == node }), k + 1 < p.children.count {
                    let next = p.children[k + 1]
                    if next.name.hasPrefix("dax"), next.range.start == node.range.end { return next }
                }
            }
        }
        return nil
    }

    public static func importTopology(text: String, file: String) throws(InputError) -> Result {
        let top = try IOMemText.parse(text, input: file)
        let (memory, ignored) = memoryMap(top)
        var topology = ImportedTopology(source: file, memory: memory)
        let pmem = top.filter { $0.name == "Persistent Memory" || $0.name == "Persistent Memory (legacy)" }
        guard !pmem.isEmpty else {
            throw InputError(file, "no \"Persistent Memory\" or \"Persistent Memory (legacy)\" entry: this machine has no PMEM")
        }
        var regions: [Region] = []
        var taken = Set(pmem.flatMap { $0.children.compactMap { DeviceName.numbers($0.name).first } })
        var nextFree = 0
        for entry in pmem {
            let nsNodes = entry.children.filter { $0.name.hasPrefix("namespace") }
            // Region number from its namespaces' names, else the next unused number.
            let id: Int
            if let r = nsNodes.first.flatMap({ DeviceName.numbers($0.name).first }) { id = r } else {
                while taken.contains(nextFree) { nextFree += 1 }
                id = nextFree; taken.insert(id)
            }
            var region = Region(dev: "region\(id)", start: entry.range.start, size: entry.range.size,
                                hasLabels: entry.name == "Persistent Memory" && !(nsNodes.count == 1 && nsNodes[0].range == entry.range))
            for node in nsNodes {
                var ns = Namespace(dev: node.name, mode: .raw)
                ns.start = node.range.start
                ns.size = node.range.size
                if let dax = devdaxData(after: node, in: [entry]) {
                    ns.mode = .devdax
                    ns.data = dax.range
                    ns.chardev = dax.name
                    // The raw namespace runs to the end of the dax range, plus an end_trunc that
                    // /proc/iomem does not show; a label-less region's namespace spans it.
                    let spans = entry.name == "Persistent Memory (legacy)" && nsNodes.count == 1
                    ns.size = spans ? entry.range.end - node.range.start : dax.range.end - node.range.start
                    if !spans { topology.notes.append("\(node.name): raw size taken to end with \(dax.name) (an end_trunc would not show in /proc/iomem)") }
                    // dataoff: 64 B of memmap per 4 KiB page on the device (map=dev), or just the
                    // info block rounded to the alignment (map=mem).
                    let dataoff = dax.range.start - node.range.start
                    ns.map = dataoff.rawValue >= (ns.size ?? .zero).rawValue / 128 ? .dev : .mem
                } else {
                    topology.notes.append("\(node.name): mode not visible in /proc/iomem (fsdax, sector and raw look alike); imported as raw")
                }
                region.namespaces.append(ns)
            }
            if !region.hasLabels && entry.name == "Persistent Memory" {
                topology.notes.append("\(region.dev): one namespace spanning the region; imported as label-less")
            }
            regions.append(region)
        }
        let legacy = regions.filter { r in pmem.contains { $0.range.start == r.start && $0.name == "Persistent Memory (legacy)" } }
        let nfit = regions.filter { r in !legacy.contains { $0.dev == r.dev } }
        if !nfit.isEmpty { topology.buses.append(Bus(dev: "ndbus0", provider: "ACPI.NFIT", regions: nfit)) }
        if !legacy.isEmpty { topology.buses.append(Bus(dev: "ndbus\(topology.buses.count)", provider: "e820", regions: legacy)) }
        topology.notes.append("/proc/iomem names no DIMMs and no interleave: regions imported with interleave_ways 1")
        return Result(topology: topology.sortedByDevice(), ignored: ignored)
    }
}
