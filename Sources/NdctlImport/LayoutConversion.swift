import NDEmuCore

extension ImportedTopology {
    /// The layout file (shared/CLI.md "Layout files") this topology describes, as JSON.
    ///
    /// Regions without a known start cannot be placed in a physical memory map; they are
    /// reported by `unplacedRegions` and the caller decides (the importers refuse or invent).
    public func layoutJSON() -> JSON {
        let t = sortedByDevice()
        var memory = t.memory
        if memory.isEmpty {
            // No memory map in the source: each region's own range, typed by its bus.
            for bus in t.buses {
                for r in bus.regions {
                    if let range = r.range {
                        memory.append(MemoryRange(range: range, type: bus.provider == "e820" ? "Persistent Memory (legacy)" : "Persistent Memory"))
                    }
                }
            }
            memory.sort { $0.range.start < $1.range.start }
        }
        var top: [(String, JSON)] = [("arch", .string("x86_64"))]
        if !t.notes.isEmpty { top.append(("description", .string("Imported from \(t.source). " + t.notes.joined(separator: " ")))) }
        top.append(("memory", .array(memory.map { m in
            .object([("start", Self.address(m.range.start)), ("size", Self.size(m.range.size)), ("type", .string(m.type))])
        })))
        top.append(("regions", .array(t.regions.compactMap { r -> JSON? in
            guard let start = r.start else { return nil }
            var o: [(String, JSON)] = [("dev", .string(r.dev)), ("start", Self.address(start)), ("size", Self.size(r.size)),
                                       ("interleave_ways", .int(r.interleaveWays)), ("labels", .string(r.hasLabels ? "v1.2" : "none"))]
            if let a = r.align { o.append(("align", Self.size(a))) }
            if let n = r.numaNode { o.append(("numa_node", .int(n))) }
            return .object(o)
        })))
        top.append(("namespaces", .array(t.buses.flatMap(\.regions).flatMap { r in
            r.namespaces.map { ns in
                var o: [(String, JSON)] = [("dev", .string(ns.dev)), ("region", .string(r.dev)), ("mode", .string(ns.mode.rawValue))]
                if ns.mode == .fsdax || ns.mode == .devdax {
                    if let m = ns.map { o.append(("map", .string(m.rawValue))) }
                    if let a = ns.align { o.append(("align", Self.size(a))) }
                }
                if let s = ns.start { o.append(("start", Self.address(s))) }
                if let s = ns.size { o.append(("size", Self.size(s))) }
                if ns.mode == .sector, let s = ns.sectorSize { o.append(("sector_size", .int(s))) }
                if let u = ns.rawUUID ?? ns.uuid { o.append(("uuid", .string(u))) }
                return .object(o)
            }
        })))
        return .object(top)
    }

    static func address(_ a: PhysicalAddress) -> JSON { .string(a.description) }
    static func size(_ s: ByteCount) -> JSON { .string(s.shortDescription) }
}
