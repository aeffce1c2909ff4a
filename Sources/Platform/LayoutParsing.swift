import Foundation
import NDEmuCore

extension Layout {
    /// Reads a layout file. Errors name the file, the entry and the rule.
    public init(contentsOfFile path: String) throws(InputError) {
        try self.init(parsing: TextFile.read(path, what: "layout file"), source: path)
    }

    /// Parses layout JSON (README "Layout files"). Unknown keys are errors: a misspelt
    /// `interleave_way` would otherwise silently change the result.
    public init(parsing text: String, source: String) throws(InputError) {
        let json: JSON
        do { json = try JSON(parsing: text) } catch {
            throw InputError(source, "not valid JSON: \(error)")
        }
        let top = try LayoutReader(json, source: source, path: "")
        try top.allowOnly(["$schema", "arch", "description", "kernel_cmdline", "memory", "regions", "namespaces", "expect"])
        let arch = try top.string("arch") ?? "x86_64"
        let memory = try top.array("memory", required: true).enumerated().map { i, item throws(InputError) in
            try Self.memoryEntry(LayoutReader(item, source: source, path: "memory[\(i)]"))
        }
        let regions = try top.array("regions", required: true).enumerated().map { i, item throws(InputError) in
            try Self.region(LayoutReader(item, source: source, path: "regions[\(i)]"))
        }
        let namespaces = try top.array("namespaces", required: false).enumerated().map { i, item throws(InputError) in
            try Self.namespace(LayoutReader(item, source: source, path: "namespaces[\(i)]"))
        }
        let expectations = try top.array("expect", required: false).enumerated().map { i, item throws(InputError) in
            try Self.expectation(LayoutReader(item, source: source, path: "expect[\(i)]"))
        }
        try self.init(arch: arch, description: try top.string("description"), kernelCommandLine: try top.string("kernel_cmdline"),
                      memory: memory, regions: regions, namespaces: namespaces, expectations: expectations, source: source)
    }

    private static func memoryEntry(_ r: LayoutReader) throws(InputError) -> MemoryEntry {
        try r.allowOnly(["start", "size", "end", "type", "numa_node"])
        let typeName = try r.requiredString("type")
        guard let type = MemoryType(rawValue: typeName) else {
            throw r.error("type", "unknown memory type \"\(typeName)\" (known: \(MemoryType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")))")
        }
        return MemoryEntry(range: try r.range(), type: type, numaNode: try r.int("numa_node"))
    }

    private static func region(_ r: LayoutReader) throws(InputError) -> Region {
        try r.allowOnly(["dev", "start", "size", "end", "interleave_ways", "labels", "align", "numa_node"])
        let dev = try r.requiredString("dev")
        let r = r.named(dev)
        let labels: Labels
        if let l = try r.string("labels") {
            guard let v = Labels(rawValue: l) else { throw r.error("labels", "\"\(l)\" is not one of none, v1.1, v1.2") }
            labels = v
        } else { labels = .none }
        return Region(dev: dev, range: try r.range(), interleaveWays: try r.int("interleave_ways") ?? 1, labels: labels,
                      align: try r.bytes("align"), numaNode: try r.int("numa_node"))
    }

    private static func namespace(_ r: LayoutReader) throws(InputError) -> Namespace {
        try r.allowOnly(["dev", "region", "mode", "map", "align", "size", "start", "sector_size", "uuid", "created_by"])
        let dev = try r.requiredString("dev")
        let r = r.named(dev)
        let modeName = try r.requiredString("mode")
        guard let mode = Mode(rawValue: modeName) else {
            throw r.error("mode", "\"\(modeName)\" is not one of raw, fsdax, devdax, sector")
        }
        var map: MapLocation?
        if let m = try r.string("map") {
            guard let v = MapLocation(rawValue: m) else { throw r.error("map", "\"\(m)\" is not one of dev, mem") }
            map = v
        }
        return Namespace(dev: dev, region: try r.requiredString("region"), mode: mode, map: map, align: try r.bytes("align"),
                         size: try r.bytes("size"), start: try r.address("start"), sectorSize: try r.bytes("sector_size"),
                         uuid: try r.string("uuid"), createdBy: try r.string("created_by"))
    }

    private static func expectation(_ r: LayoutReader) throws(InputError) -> LayoutExpectation {
        try r.allowOnly(["kernel", "arch", "source", "namespaces", "log", "log_absent", "memmap_bytes", "sections"])
        let kernel = try r.requiredString("kernel")
        let r = r.named(kernel)
        let namespaces = try r.array("namespaces", required: false).enumerated().map { i, item throws(InputError) in
            try normalised(item, keys: LayoutExpectation.namespaceKeys, r: r.child("namespaces[\(i)]"), required: "dev")
        }
        let sections = try r.array("sections", required: false).enumerated().map { i, item throws(InputError) in
            try normalised(item, keys: LayoutExpectation.sectionKeys, r: r.child("sections[\(i)]"), required: "nr")
        }
        func lines(_ key: String) throws(InputError) -> [String] {
            try r.array(key, required: false).enumerated().map { i, v throws(InputError) in
                guard let s = v.stringValue else { throw r.error("\(key)[\(i)]", "expected a string, found \(v.typeName)") }
                return s
            }
        }
        return LayoutExpectation(kernel: kernel, arch: try r.string("arch"), source: try r.requiredString("source"),
                                 namespaces: namespaces, log: try lines("log"), logAbsent: try lines("log_absent"),
                                 memmapBytes: try r.bytes("memmap_bytes"), sections: sections)
    }

    /// Checks an expectation object's keys and types; numbers become integers.
    private static func normalised(_ item: JSON, keys: [String: LayoutExpectation.ValueKind], r: LayoutReader,
                                   required: String) throws(InputError) -> JSON {
        let r = try LayoutReader(item, source: r.source, path: r.path)
        try r.allowOnly(Set(keys.keys))
        if !required.isEmpty, !r.has(required) { throw r.error(required, "required") }
        var out: [(String, JSON)] = []
        for (key, value) in r.entries {
            switch keys[key] {
            case .number?, .address?:
                guard let n = try r.quantity(key) else { continue }
                out.append((key, keys[key] == .address ? .hex(n) : .int(n)))
            case .object?:
                let sub = try normalised(value, keys: LayoutExpectation.infoBlockKeys, r: r.child(key), required: "")
                out.append((key, sub))
            case .bool?:
                guard value.boolValue != nil else { throw r.error(key, "expected true or false, found \(value.typeName)") }
                out.append((key, value))
            case .string?, nil:
                guard value.stringValue != nil else { throw r.error(key, "expected a string, found \(value.typeName)") }
                out.append((key, value))
            }
        }
        return .object(out)
    }
}

/// Walks one JSON object of a layout file, naming `source: path` in every error.
struct LayoutReader {
    let source: String
    let path: String
    let entries: [(String, JSON)]

    init(_ json: JSON, source: String, path: String) throws(InputError) {
        self.source = source; self.path = path
        guard let e = json.objectEntries else {
            throw InputError(Self.describe(source, path), "expected an object, found \(json.typeName)")
        }
        self.entries = e
    }
    private init(source: String, path: String, entries: [(String, JSON)]) {
        self.source = source; self.path = path; self.entries = entries
    }

    static func describe(_ source: String, _ path: String) -> String { path.isEmpty ? source : "\(source): \(path)" }

    /// The same object, its path now naming the entry (`namespaces[2] "namespace1.0"`).
    func named(_ name: String) -> LayoutReader { LayoutReader(source: source, path: "\(path) \"\(name)\"", entries: entries) }
    /// A path below this one (`expect[0] "5.2".namespaces[1]`).
    func child(_ key: String) -> LayoutReader { LayoutReader(source: source, path: "\(path).\(key)", entries: entries) }

    func error(_ key: String, _ problem: String) -> InputError {
        InputError(Self.describe(source, key.isEmpty ? path : "\(path).\(key)"), problem)
    }

    func has(_ key: String) -> Bool { entries.contains { $0.0 == key } }
    func value(_ key: String) -> JSON? { entries.first { $0.0 == key }?.1 }

    func allowOnly(_ keys: Set<String>) throws(InputError) {
        var seen = Set<String>()
        for (k, _) in entries {
            guard keys.contains(k) else {
                throw error("", "unknown key \"\(k)\" (allowed: \(keys.sorted().joined(separator: ", ")))")
            }
            guard seen.insert(k).inserted else { throw error("", "key \"\(k)\" appears twice") }
        }
    }

    func string(_ key: String) throws(InputError) -> String? {
        guard let v = value(key), !v.isNull else { return nil }
        guard let s = v.stringValue else { throw error(key, "expected a string, found \(v.typeName)") }
        return s
    }
    func requiredString(_ key: String) throws(InputError) -> String {
        guard let s = try string(key) else { throw error(key, "required") }
        guard !s.isEmpty else { throw error(key, "must not be empty") }
        return s
    }
    func array(_ key: String, required: Bool) throws(InputError) -> [JSON] {
        guard let v = value(key), !v.isNull else {
            if required { throw error(key, "required") }
            return []
        }
        guard let a = v.arrayValue else { throw error(key, "expected an array, found \(v.typeName)") }
        return a
    }
    func int(_ key: String) throws(InputError) -> Int? {
        guard let v = value(key), !v.isNull else { return nil }
        guard let n = v.int64Value, n >= 0, n <= Int64(Int32.max) else {
            throw error(key, "expected a small non-negative integer, found \(v.rendered(pretty: false))")
        }
        return Int(n)
    }
    /// A number as a JSON integer or a string in the CLI size/address syntax (`"0x8000000"`, `"2M"`).
    func quantity(_ key: String) throws(InputError) -> UInt64? {
        guard let v = value(key), !v.isNull else { return nil }
        let where_ = Self.describe(source, "\(path).\(key)")
        switch v {
        case .number(let text):
            guard let n = UInt64(text) else {
                throw InputError(where_, "\(text) is not a whole number of bytes between 0 and 2^64-1")
            }
            return n
        case .string(let text):
            return try Quantity.parse(text, input: where_)
        default:
            throw error(key, "expected a number or a size string, found \(v.typeName)")
        }
    }
    func bytes(_ key: String) throws(InputError) -> ByteCount? { try quantity(key).map { ByteCount($0) } }
    func address(_ key: String) throws(InputError) -> PhysicalAddress? { try quantity(key).map { PhysicalAddress($0) } }

    /// `start` + (`size` | `end`, inclusive as /proc/iomem prints it), checked against 2^64.
    func range() throws(InputError) -> AddressRange {
        guard let start = try address("start") else { throw error("start", "required") }
        let size = try bytes("size"), last = try address("end")
        switch (size, last) {
        case let (s?, nil):
            guard !s.isZero else { throw error("size", "must not be zero") }
            guard let r = AddressRange(start: start, size: s) else {
                throw error("size", "\(start) + \(s) passes the end of the 64-bit address space")
            }
            return r
        case let (nil, l?):
            guard let r = AddressRange(start: start, last: l) else {
                throw error("end", "the inclusive end \(l) is below the start \(start) (or is 2^64-1)")
            }
            return r
        case (nil, nil): throw error("size", "required (or an inclusive \"end\")")
        case (_?, _?): throw error("end", "give \"size\" or \"end\", not both")
        }
    }
}
