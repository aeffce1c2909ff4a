import LibNVDIMM
import NDEmuCore

/// Walks `ndctl list` JSON: every shape it prints (a bare object, an array, `{"regions": [...]}`,
/// buses holding dimms/regions/namespaces, regions holding namespaces, namespaces holding a
/// `daxregion`), keeping track of each entry's path for error messages and of every key it
/// does not use (reported with `--verbose`). A key ndctl never prints is an error.
struct NdctlListReader {
    let file: String
    private(set) var ignored: [String] = []
    /// Namespaces printed as fsdax without a pfn device (page-mapped raw namespaces).
    private(set) var pageMapped: [String] = []
    /// Namespaces listed with `"state":"disabled"` (`ndctl list -i`), skipped as libndctl's
    /// reader skips inactive ones.
    private(set) var disabled: [String] = []

    init(file: String) { self.file = file }

    struct Listed {
        var buses: [Bus] = []
        /// Regions listed without a bus (`ndctl list -R`).
        var looseRegions: [(region: Region, entry: String)] = []
        /// Namespaces listed without a region (`ndctl list` / `-N`), with their entry paths.
        var looseNamespaces: [(namespace: Namespace, entry: String)] = []
        /// Per region dev: the entry path and its printed size interval.
        var regionEntries: [String: (entry: String, size: ClosedRange<UInt64>)] = [:]
        /// Per namespace dev: the entry path and its printed (usable) size interval.
        var namespaceEntries: [String: (entry: String, size: ClosedRange<UInt64>?)] = [:]
    }

    // Keys ndctl (v76 … v81) prints, per object, that the importer reads or deliberately ignores.
    static let busKeys: Set<String> = ["provider", "dev", "scrub_state", "firmware", "dimms", "regions", "namespaces"]
    static let dimmKeys: Set<String> = ["dev", "id", "handle", "phys_id", "security", "security_frozen", "health", "firmware",
                                        "state", "numa_node", "target_node", "flag_failed_arm", "flag_failed_save",
                                        "flag_failed_flush", "flag_failed_restore", "flag_failed_map", "flag_smart_event",
                                        "dirty_shutdown", "serial", "vendor", "device", "revision"]
    static let regionKeys: Set<String> = ["dev", "size", "align", "available_size", "max_available_extent", "type", "numa_node",
                                          "target_node", "iset_id", "mappings", "badblock_count", "badblocks",
                                          "persistence_domain", "namespaces", "state", "capabilities", "dimms"]
    static let mappingKeys: Set<String> = ["dimm", "offset", "length", "position", "state"]
    static let namespaceKeys: Set<String> = ["dev", "mode", "map", "size", "uuid", "raw_uuid", "sector_size", "align", "blockdev",
                                             "chardev", "name", "numa_node", "target_node", "daxregion", "state",
                                             "badblock_count", "badblocks", "enforce_mode"]
    static let daxRegionKeys: Set<String> = ["id", "size", "align", "available_size", "devices", "path", "dev", "state"]

    mutating func read(_ text: String) throws(InputError) -> Listed {
        let json: JSON
        do { json = try JSON(parsing: text) } catch {
            throw InputError(file, "not valid JSON at \(error) — is the `ndctl list` output complete?")
        }
        var listed = Listed()
        try readTop(json, path: "", into: &listed)
        if listed.buses.isEmpty && listed.looseRegions.isEmpty && listed.looseNamespaces.isEmpty {
            throw InputError(file, "no bus, region or namespace in this `ndctl list` output (empty output means ndctl found no NVDIMMs)")
        }
        return listed
    }

    private func entry(_ path: String) -> String { path.isEmpty ? file : "\(file): \(path)" }

    private mutating func readTop(_ json: JSON, path: String, into listed: inout Listed) throws(InputError) {
        switch json {
        case .array(let items):
            for (i, item) in items.enumerated() { try readTop(item, path: "\(path)[\(i)]", into: &listed) }
        case .object(let o):
            if o.contains(where: { $0.0 == "dev" }) || o.contains(where: { $0.0 == "provider" }) {
                try readObject(json, path: path, into: &listed)
            } else {
                // A container: {"dimms": [...], "regions": [...], "namespaces": [...], "buses": [...]}
                for (k, v) in o {
                    let p = path.isEmpty ? k : "\(path).\(k)"
                    switch k {
                    case "buses", "regions", "namespaces":
                        guard case .array(let items) = v else { throw InputError(entry(p), "must be an array, not \(v.typeName)") }
                        for (i, item) in items.enumerated() { try readObject(item, path: "\(p)[\(i)]", into: &listed) }
                    case "dimms":
                        ignored.append("\(entry(p)) (DIMMs listed outside a bus: the layout has no use for them)")
                    default:
                        throw InputError(entry(p), "unknown key '\(k)': `ndctl list` prints buses, dimms, regions or namespaces here")
                    }
                }
            }
        default:
            throw InputError(entry(path), "expected an object or an array, found \(json.typeName)")
        }
    }

    /// A bus, region, namespace or DIMM, told apart by its keys and `dev` name.
    private mutating func readObject(_ json: JSON, path: String, into listed: inout Listed) throws(InputError) {
        guard let o = json.objectEntries else { throw InputError(entry(path), "expected an object, found \(json.typeName)") }
        let dev = json["dev"]?.stringValue ?? ""
        if o.contains(where: { $0.0 == "provider" }) || dev.hasPrefix("ndbus") {
            listed.buses.append(try readBus(json, path: path, into: &listed))
        } else if dev.hasPrefix("region") {
            let r = try readRegion(json, path: path, into: &listed)
            listed.looseRegions.append((r, entry(path)))
        } else if dev.hasPrefix("namespace") {
            if let ns = try readNamespace(json, path: path, into: &listed) { listed.looseNamespaces.append((ns, entry(path))) }
        } else if dev.hasPrefix("nmem") {
            ignored.append("\(entry(path)) (a DIMM listed outside a bus)")
        } else {
            throw InputError(entry(path), "an object that is neither a bus, a DIMM, a region nor a namespace (dev \"\(dev)\")")
        }
    }

    private mutating func checkKeys(_ json: JSON, allowed: Set<String>, used: Set<String>, path: String) throws(InputError) {
        for (k, _) in json.objectEntries ?? [] {
            guard allowed.contains(k) else {
                throw InputError(entry(path), "unknown key '\(k)' (not a key `ndctl list` prints here)")
            }
            if !used.contains(k) { ignored.append("\(entry(path)).\(k)") }
        }
    }

    private func string(_ json: JSON, _ key: String, path: String) throws(InputError) -> String? {
        guard let v = json[key] else { return nil }
        guard let s = v.stringValue else { throw InputError(entry(path), "'\(key)' must be a string, not \(v.typeName)") }
        return s
    }

    private func size(_ json: JSON, _ key: String, path: String) throws(InputError) -> ClosedRange<UInt64>? {
        guard let v = json[key] else { return nil }
        guard let r = PrintedSize.interval(v) else {
            throw InputError(entry(path), "'\(key)' is not a size: \(v.rendered(pretty: false)) (bytes, or a -u string such as \"249.00 GiB (267.36 GB)\")")
        }
        return r
    }

    private func exactSize(_ json: JSON, _ key: String, path: String) throws(InputError) -> ByteCount? {
        guard let r = try size(json, key, path: path) else { return nil }
        if r.lowerBound == r.upperBound { return ByteCount(r.lowerBound) }
        // A -u string ("16.00 MiB (16.78 MB)") for an alignment or offset: the power of two it
        // stands for, when there is one.
        let p = ByteCount(r.upperBound).roundedDownToPowerOfTwo
        guard r.contains(p.rawValue) else {
            throw InputError(entry(path), "'\(key)' \(json[key]?.rendered(pretty: false) ?? "") is not exact and names no power of two; print it without -u")
        }
        return p
    }

    private func integer(_ json: JSON, _ key: String, path: String) throws(InputError) -> Int? {
        guard let v = json[key] else { return nil }
        if let n = v.int64Value, let i = Int(exactly: n) { return i }
        if let s = v.stringValue, let n = try? Quantity.parse(s, input: key), let i = Int(exactly: n) { return i }
        throw InputError(entry(path), "'\(key)' must be an integer, not \(v.rendered(pretty: false))")
    }

    private mutating func readBus(_ json: JSON, path: String, into listed: inout Listed) throws(InputError) -> Bus {
        try checkKeys(json, allowed: Self.busKeys, used: ["provider", "dev", "dimms", "regions", "namespaces"], path: path)
        var bus = Bus(dev: try string(json, "dev", path: path) ?? "ndbus?", provider: try string(json, "provider", path: path) ?? "")
        for (i, d) in (json["dimms"]?.arrayValue ?? []).enumerated() {
            let p = "\(path).dimms[\(i)]"
            try checkKeys(d, allowed: Self.dimmKeys, used: ["dev", "id", "handle", "phys_id"], path: p)
            bus.dimms.append(DIMM(dev: try string(d, "dev", path: p) ?? "",
                                  handle: try integer(d, "handle", path: p).flatMap { UInt32(exactly: $0) },
                                  physID: try integer(d, "phys_id", path: p).flatMap { UInt16(exactly: $0) },
                                  id: try string(d, "id", path: p)))
        }
        for (i, r) in (json["regions"]?.arrayValue ?? []).enumerated() {
            bus.regions.append(try readRegion(r, path: "\(path).regions[\(i)]", into: &listed))
        }
        for (i, n) in (json["namespaces"]?.arrayValue ?? []).enumerated() {
            let p = "\(path).namespaces[\(i)]"
            if let ns = try readNamespace(n, path: p, into: &listed) { listed.looseNamespaces.append((ns, entry(p))) }
        }
        return bus
    }

    private mutating func readRegion(_ json: JSON, path: String, into listed: inout Listed) throws(InputError) -> Region {
        let p = path + " \"\(json["dev"]?.stringValue ?? "?")\""
        try checkKeys(json, allowed: Self.regionKeys,
                      used: ["dev", "size", "align", "available_size", "iset_id", "mappings", "numa_node", "target_node",
                             "persistence_domain", "namespaces", "type"], path: p)
        guard let dev = try string(json, "dev", path: p) else { throw InputError(entry(p), "a region without 'dev'") }
        guard let sizeRange = try size(json, "size", path: p) else { throw InputError(entry(p), "a region without 'size'") }
        if let t = try string(json, "type", path: p), t != "pmem" {
            throw InputError(entry(p), "type '\(t)': only pmem regions can be imported")
        }
        var isetID: UInt64?
        if let v = json["iset_id"] {
            if let n = v.uint64Value { isetID = n }
            else if let n = v.int64Value { isetID = UInt64(bitPattern: n) }       // old ndctl printed it signed
            else if let s = v.stringValue, let n = try? Quantity.parse(s, input: "iset_id") { isetID = n }
            else { throw InputError(entry(p), "'iset_id' is not a 64-bit number: \(v.rendered(pretty: false))") }
        }
        var mappings: [Mapping] = []
        for (i, m) in (json["mappings"]?.arrayValue ?? []).enumerated() {
            let mp = "\(p).mappings[\(i)]"
            try checkKeys(m, allowed: Self.mappingKeys, used: ["dimm", "offset", "length", "position"], path: mp)
            mappings.append(Mapping(dimm: try string(m, "dimm", path: mp) ?? "", offset: try exactSize(m, "offset", path: mp) ?? .zero,
                                    length: try exactSize(m, "length", path: mp) ?? .zero, position: try integer(m, "position", path: mp)))
        }
        let available = try size(json, "available_size", path: p)
        var region = Region(dev: dev, start: nil, size: ByteCount(sizeRange.lowerBound),
                            align: try exactSize(json, "align", path: p),
                            availableSize: available.map { ByteCount($0.lowerBound) },
                            hasLabels: isetID != nil, mappings: mappings, isetID: isetID,
                            numaNode: try integer(json, "numa_node", path: p), targetNode: try integer(json, "target_node", path: p),
                            persistenceDomain: try string(json, "persistence_domain", path: p))
        listed.regionEntries[dev] = (entry(p), sizeRange)
        for (i, n) in (json["namespaces"]?.arrayValue ?? []).enumerated() {
            if let ns = try readNamespace(n, path: "\(p).namespaces[\(i)]", into: &listed) { region.namespaces.append(ns) }
        }
        return region
    }

    private mutating func readNamespace(_ json: JSON, path: String, into listed: inout Listed) throws(InputError) -> Namespace? {
        let p = path + " \"\(json["dev"]?.stringValue ?? "?")\""
        try checkKeys(json, allowed: Self.namespaceKeys,
                      used: ["dev", "mode", "map", "size", "uuid", "raw_uuid", "sector_size", "align", "blockdev", "chardev",
                             "name", "numa_node", "target_node", "daxregion", "state"], path: p)
        guard let dev = try string(json, "dev", path: p) else { throw InputError(entry(p), "a namespace without 'dev'") }
        if let state = try string(json, "state", path: p), state == "disabled" {
            disabled.append("\(dev) (\(entry(p)))")
            return nil
        }
        guard let modeName = try string(json, "mode", path: p) else {
            throw InputError(entry(p), "a namespace without 'mode' (its mode attribute was unreadable; cannot import)")
        }
        guard let mode = try? NamespaceMode(parsing: modeName, input: "mode") else {
            throw InputError(entry(p), "unknown mode '\(modeName)' (expected raw, fsdax, devdax, sector, or the old memory, dax, safe)")
        }
        var ns = Namespace(dev: dev, mode: mode)
        if mode == .fsdax && json["uuid"] == nil && json["align"] == nil {
            // No pfn device: a page-mapped raw namespace (e820 / `memmap=`, pmem_should_map_pages()),
            // which ndctl prints as fsdax with map mem and its raw size.
            ns.mode = .raw
            pageMapped.append(dev)
        }
        if let m = try string(json, "map", path: p), ns.mode != .raw {
            switch m {
            case "dev": ns.map = .dev
            case "mem": ns.map = .mem
            default: throw InputError(entry(p), "unknown map '\(m)' (expected dev or mem)")
            }
        }
        ns.align = try exactSize(json, "align", path: p)
        ns.uuid = try string(json, "uuid", path: p)
        ns.rawUUID = try string(json, "raw_uuid", path: p)
        ns.name = try string(json, "name", path: p)
        ns.blockdev = try string(json, "blockdev", path: p)
        ns.chardev = try string(json, "chardev", path: p)
        ns.numaNode = try integer(json, "numa_node", path: p)
        ns.targetNode = try integer(json, "target_node", path: p)
        if let s = try integer(json, "sector_size", path: p) { ns.sectorSize = UInt32(exactly: s) }
        let printed = try size(json, "size", path: p)
        if let printed, printed.lowerBound == printed.upperBound { ns.usableSize = ByteCount(printed.lowerBound) }
        if let dr = json["daxregion"] {
            let dp = "\(p).daxregion"
            try checkKeys(dr, allowed: Self.daxRegionKeys, used: ["align", "devices"], path: dp)
            if ns.align == nil { ns.align = try exactSize(dr, "align", path: dp) }
            for (i, d) in (dr["devices"]?.arrayValue ?? []).enumerated() {
                ignored.append("\(entry(dp)).devices[\(i)] (the device-dax instance: its size is the namespace's)")
                if ns.chardev == nil { ns.chardev = d["chardev"]?.stringValue }
            }
        }
        listed.namespaceEntries[dev] = (entry(p), printed)
        return ns
    }
}
