import LibNVDIMM
import NDEmuCore
import Platform

extension ImportedTopology {
    /// The layout file (shared/CLI.md "Layout files") this topology describes.
    ///
    /// Without a memory map from the source, the memory map is the regions' own ranges, typed by
    /// their bus (`e820` → "Persistent Memory (legacy)"). A region whose address is unknown is
    /// placed at an assumed, 1 GiB-aligned address above everything known, and the layout's
    /// description says so: the layout stays loadable, and nobody mistakes the address for a
    /// measured one.
    /// `arch`: the `--arch` name the layout is for.
    public func layout(arch: String = "x86_64") throws(InputError) -> Layout {
        var t = sortedByDevice()
        var notes = t.notes
        // Place regions of unknown address after the highest known address.
        var highest = ([PhysicalAddress(0x1_0000_0000)] + t.memory.map(\.range.end) + t.regions.compactMap { $0.range?.end }).max() ?? .zero
        for b in t.buses.indices {
            for i in t.buses[b].regions.indices where t.buses[b].regions[i].start == nil {
                guard let start = highest.alignedUp(to: .gib(1)), let end = start.advanced(by: t.buses[b].regions[i].size) else {
                    throw InputError(source, "\(t.buses[b].regions[i].dev): no room to place it below 2^64")
                }
                t.buses[b].regions[i].start = start
                highest = end
                notes.append("\(t.buses[b].regions[i].dev) placed at an ASSUMED address \(start) (its real address is unknown).")
            }
        }
        var memory = t.memory
        for bus in t.buses {
            for r in bus.regions {
                guard let range = r.range, !memory.contains(where: { $0.range.contains(range) }) else { continue }
                // Bus unknown (`ndctl list -R` without -B): a label-less region without DIMM
                // mappings is what e820 / `memmap=` gives.
                let legacy = bus.provider == "e820" || (bus.provider.isEmpty && !r.hasLabels && r.mappings.isEmpty)
                memory.append(MemoryRange(range: range, type: legacy ? "Persistent Memory (legacy)" : "Persistent Memory"))
            }
        }
        memory.sort { $0.range.start < $1.range.start }

        var layoutMemory: [Layout.MemoryEntry] = []
        for m in memory {
            guard let type = Layout.MemoryType(rawValue: m.type) else {
                throw InputError(source, "memory type \"\(m.type)\" at \(m.range) is not one a layout knows")
            }
            layoutMemory.append(Layout.MemoryEntry(range: m.range, type: type))
        }
        var regions: [Layout.Region] = []
        var namespaces: [Layout.Namespace] = []
        for r in t.regions {
            guard let range = r.range else { continue }
            regions.append(Layout.Region(dev: r.dev, range: range, interleaveWays: r.interleaveWays,
                                         labels: r.hasLabels ? .v1_2 : .none, align: r.align, numaNode: r.numaNode))
            for ns in r.namespaces {
                let pfn = ns.mode == .fsdax || ns.mode == .devdax
                namespaces.append(Layout.Namespace(
                    dev: ns.dev, region: r.dev, mode: Layout.Mode(rawValue: ns.mode.rawValue) ?? .raw,
                    map: pfn ? ns.map.flatMap { Layout.MapLocation(rawValue: $0.rawValue) } : nil,
                    align: pfn ? ns.align : nil, size: ns.size, start: ns.start,
                    sectorSize: ns.mode == .sector ? ns.sectorSize.map { ByteCount(UInt64($0)) } : nil,
                    uuid: ns.rawUUID ?? (ns.mode == .raw ? ns.uuid : nil)))
            }
        }
        if t.regions.contains(where: \.hasLabels) {
            notes.append("Label-backed regions are taken to hold v1.2 labels (ndctl's default); the label version is not reported.")
        }
        let description = (["Imported from \(source)."] + notes.map { $0.hasSuffix(".") ? $0 : $0 + "." }).joined(separator: " ")
        return try Layout(arch: arch, description: description,
                          memory: layoutMemory, regions: regions, namespaces: namespaces, source: source)
    }
}
