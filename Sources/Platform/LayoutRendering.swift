import NDEmuCore

extension Layout {
    /// The layout as layout-file JSON: addresses as hex strings, sizes as `2M`/`252G` where exact
    /// (hex otherwise), keys in the documented order. `Layout(parsing: rendered)` gives the same layout.
    /// Importers (`ndemu import …`) print layouts through this.
    public var json: JSON {
        var top: [(String, JSON)] = [("arch", .string(arch))]
        if let d = description { top.append(("description", .string(d))) }
        if let k = kernelCommandLine { top.append(("kernel_cmdline", .string(k))) }
        top.append(("memory", .array(memory.map { m in
            var o: [(String, JSON)] = [("start", Self.address(m.range.start)), ("size", Self.size(m.range.size)), ("type", .string(m.type.rawValue))]
            if let n = m.numaNode { o.append(("numa_node", .int(n))) }
            return .object(o)
        })))
        top.append(("regions", .array(regions.map { r in
            var o: [(String, JSON)] = [("dev", .string(r.dev)), ("start", Self.address(r.range.start)), ("size", Self.size(r.range.size)),
                                       ("interleave_ways", .int(r.interleaveWays)), ("labels", .string(r.labels.rawValue))]
            if let a = r.align { o.append(("align", Self.size(a))) }
            if let n = r.numaNode { o.append(("numa_node", .int(n))) }
            return .object(o)
        })))
        top.append(("namespaces", .array(namespaces.map { ns in
            var o: [(String, JSON)] = [("dev", .string(ns.dev)), ("region", .string(ns.region)), ("mode", .string(ns.mode.rawValue))]
            if let m = ns.map { o.append(("map", .string(m.rawValue))) }
            if let a = ns.align { o.append(("align", Self.size(a))) }
            if let s = ns.start { o.append(("start", Self.address(s))) }
            if let s = ns.size { o.append(("size", Self.size(s))) }
            if let s = ns.sectorSize { o.append(("sector_size", .int(s.rawValue))) }
            if let u = ns.uuid { o.append(("uuid", .string(u))) }
            if let k = ns.createdBy { o.append(("created_by", .string(k))) }
            return .object(o)
        })))
        if !expectations.isEmpty {
            top.append(("expect", .array(expectations.map { e in
                var o: [(String, JSON)] = [("kernel", .string(e.kernel))]
                if let a = e.arch { o.append(("arch", .string(a))) }
                o.append(("source", .string(e.source)))
                if !e.namespaces.isEmpty { o.append(("namespaces", .array(e.namespaces))) }
                if !e.log.isEmpty { o.append(("log", .array(e.log.map(JSON.string)))) }
                if !e.logAbsent.isEmpty { o.append(("log_absent", .array(e.logAbsent.map(JSON.string)))) }
                if let m = e.memmapBytes { o.append(("memmap_bytes", .bytes(m))) }
                if !e.sections.isEmpty { o.append(("sections", .array(e.sections))) }
                return .object(o)
            })))
        }
        return .object(top)
    }

    static func address(_ a: PhysicalAddress) -> JSON { .string(a.description) }
    /// `"2M"`, `"252G"` when exact, else `"0xfc000000"`.
    static func size(_ s: ByteCount) -> JSON { .string(s.shortDescription) }
}
