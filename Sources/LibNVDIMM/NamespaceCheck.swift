import NDEmuCore

/// The outcome of probing a plain namespace that carries `block` at offset 4096
/// (`nd_pmem_probe()`: btt, then pfn, then dax), for `ndemu infoblock check`.
public struct NamespaceCheck: Hashable, Sendable {
    public enum Status: String, Sendable { case enabled, raw, failed }
    public var status: Status
    /// fsdax or devdax when a personality took it.
    public var mode: NamespaceMode?
    public var outcome: PfnNamespaceOutcome?
    /// Why the block was not used (raw) or the namespace failed.
    public var error: KernelError?
    public var namespace: NamespaceResource
    public var log: [String]

    public static func run(namespace: NamespaceResource, block: [UInt8], behaviour: KernelBehaviour,
                           arch: ArchProfile) -> NamespaceCheck {
        var log = KernelLog()
        let sig = PfnInfoBlock(rawBytes: block)?.signature
        // Only the probe whose signature is on media can validate; the other returns -ENODEV.
        let signature = sig ?? .pfn
        let result = PfnNamespace.probe(namespace: namespace, signature: signature, onMedia: block,
                                        behaviour: behaviour, arch: arch, log: &log)
        let mode: NamespaceMode = signature == .pfn ? .fsdax : .devdax
        switch result {
        case .personality(let o):
            return NamespaceCheck(status: .enabled, mode: mode, outcome: o, error: nil, namespace: namespace, log: log.lines)
        case .raw(let e):
            return NamespaceCheck(status: .raw, mode: nil, outcome: nil, error: e, namespace: namespace, log: log.lines)
        case .failed(let e):
            return NamespaceCheck(status: .failed, mode: mode, outcome: nil, error: e, namespace: namespace, log: log.lines)
        }
    }

    public var json: JSON {
        var o: [(String, JSON)] = [("status", .string(status.rawValue))]
        if let mode { o.append(("mode", .string(mode.rawValue))) }
        o.append(("start", .hex(namespace.range.start.rawValue)))
        o.append(("size", .bytes(namespace.range.size)))
        if let e = error {
            o.append(("errno", .string(e.errno.name)))
            o.append(("message", .string(e.message)))
        }
        if let p = outcome {
            o.append(("usable_size", .bytes(p.usableSize)))
            o.append(("resource", .hex(p.dataRange.start.rawValue)))
            o.append(("data", .string(p.dataRange.description)))
            o.append(("pgmap", .string(p.pgmapRange.description)))
            if let a = p.altmap {
                o.append(("altmap", .object([("base_pfn", .hex(a.basePFN.rawValue)), ("reserve", .int(a.reserve.rawValue)),
                                             ("free", .int(a.free.rawValue)), ("end_pfn", .hex(a.endPFN.rawValue))])))
            }
            o.append(("dax_pfn_base", .hex(p.daxPFNBase.rawValue)))
            o.append(("dax_address_skew", .bytes(p.daxAddressSkew)))
            if mode == .fsdax { o.append(("fsdax_dax_works", .bool(p.fsdaxDAXWorks))) }
            o.append(("infoblock", p.block.capacityJSON))
        }
        o.append(("log", .array(log.map(JSON.string))))
        return .object(o)
    }

    public func text(kernel: String) -> String {
        var lines: [String] = []
        let ns = "\(namespace.name) \(namespace.range)"
        switch status {
        case .enabled:
            guard let p = outcome, let mode else { break }
            lines.append("\(kernel): \(ns) enabled as \(mode.rawValue) (\(p.block.signatureText) v\(p.block.versionText))")
            lines.append("  data      \(p.dataRange) (\(p.usableSize.humanDescription))")
            lines.append("  pgmap     \(p.pgmapRange)")
            if let a = p.altmap { lines.append("  altmap    base_pfn \(a.basePFN), reserve \(a.reserve), free \(a.free)") }
            if mode == .fsdax {
                lines.append(p.fsdaxDAXWorks
                    ? "  DAX       works (direct_access and block I/O agree)"
                    : "  DAX       broken: direct_access uses \(p.daxPFNBase), block I/O \(p.dataRange.start): \(p.daxAddressSkew) bytes apart (start_pad); the filesystem mounts without DAX")
            }
        case .raw:
            lines.append("\(kernel): \(ns) attaches raw at offset 0 (the info block is not used: \(error?.description ?? "no block"))")
        case .failed:
            lines.append("\(kernel): \(ns) fails to enable: \(error?.description ?? "?")")
        }
        for l in log { lines.append("  kernel: \(l)") }
        return lines.joined(separator: "\n")
    }
}
