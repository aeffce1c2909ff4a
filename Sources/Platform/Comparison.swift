import NDEmuCore

/// Two kernels' simulations of one layout side by side (`ndemu compare`): per namespace and in
/// total, usable capacity, start_pad, end_trunc, bytes lost, failures one has and the other not,
/// memmap bytes and where they live.
public struct Comparison: Sendable {
    public let from: Simulation
    public let to: Simulation

    public init(from: Simulation, to: Simulation) { self.from = from; self.to = to }

    /// One namespace in both kernels (matched by `dev`; both simulate the same layout).
    public struct Row: Sendable {
        public let dev: String
        public let from: NamespaceResult
        public let to: NamespaceResult
        /// `to.usable − from.usable` (failures count as 0), signed.
        public var usableChange: Int64 {
            Int64(bitPattern: (to.usableSize ?? .zero).rawValue &- (from.usableSize ?? .zero).rawValue)
        }
        /// "from" when only the older kernel fails, "to" when only the newer one does.
        public var failsOnlyIn: String? {
            switch (from.isOK, to.isOK) {
            case (false, true): "from"
            case (true, false): "to"
            default: nil
            }
        }
    }

    public var rows: [Row] {
        zip(from.namespaces, to.namespaces).map { Row(dev: $0.dev, from: $0, to: $1) }
    }

    public var json: JSON {
        func side(_ n: NamespaceResult) -> JSON {
            var o: [(String, JSON)] = [("status", .string(n.isOK ? "ok" : "error"))]
            if let e = n.error { o.append(("errno", .string(e.errno.name))) }
            o += [
                ("usable_size", .bytes(n.usableSize ?? .zero)), ("start_pad", .bytes(n.startPad)),
                ("end_trunc", .bytes(n.endTrunc)), ("lost_bytes", .bytes(n.lostBytes)),
                ("memmap_bytes", .bytes(n.memmapBytes)), ("memmap_location", .string(n.memmapLocation.rawValue)),
            ]
            return .object(o)
        }
        let diff: [JSON] = rows.map { r in
            .object([
                ("dev", .string(r.dev)), ("from", side(r.from)), ("to", side(r.to)),
                ("usable_size_change", .int(r.usableChange)),
                ("fails_only_in", r.failsOnlyIn.map(JSON.string) ?? .null),
            ])
        }
        func total(_ s: Simulation) -> JSON {
            .object([
                ("usable_size", .bytes(s.usableBytes)),
                ("lost_bytes", .bytes(s.namespaces.reduce(.zero) { $0 + $1.lostBytes })),
                ("failures", .int(s.failures)),
                ("memmap_bytes", .bytes(s.memmapBytes)),
                ("memmap_ram_bytes", .bytes(s.memmapRAMBytes)),
                ("memmap_device_bytes", .bytes(s.memmapDeviceBytes)),
            ])
        }
        return .object([
            ("from", from.json), ("to", to.json), ("diff", .array(diff)),
            ("total", .object([("from", total(from)), ("to", total(to)),
                               ("usable_size_change", .int(Int64(bitPattern: to.usableBytes.rawValue &- from.usableBytes.rawValue)))])),
        ])
    }
}
