import LibNVDIMM
import NDEmuCore
import SparseMem

/// What one kernel did with a layout: per namespace its outcome, the emulated log, the sections
/// the PMEM touched, and the memmap it cost. `Machine.boot(_:)` produces it; `simulate`, `compare`
/// and `map` render it.
public struct Simulation: Sendable {
    public let kernel: KernelSpec
    public let arch: ArchProfile
    public let layout: Layout
    public internal(set) var namespaces: [NamespaceResult]
    public internal(set) var log: [KernelLog.Entry]
    /// Every populated section that a PMEM region touches (pure-RAM sections are left out).
    public internal(set) var sections: [SectionResult]
    /// Struct-page bytes of the active sub-sections of hot-added (non-early) sections, as
    /// `ndemu sections --summary` counts them.
    public internal(set) var memmapBytes: ByteCount
    /// Of the populated hot-added memmap, bytes in System RAM and in device altmaps.
    public internal(set) var memmapRAMBytes: ByteCount
    public internal(set) var memmapDeviceBytes: ByteCount

    public init(kernel: KernelSpec, arch: ArchProfile, layout: Layout, namespaces: [NamespaceResult] = [],
                log: [KernelLog.Entry] = [], sections: [SectionResult] = [], memmapBytes: ByteCount = .zero,
                memmapRAMBytes: ByteCount = .zero, memmapDeviceBytes: ByteCount = .zero) {
        self.kernel = kernel; self.arch = arch; self.layout = layout; self.namespaces = namespaces; self.log = log
        self.sections = sections; self.memmapBytes = memmapBytes; self.memmapRAMBytes = memmapRAMBytes
        self.memmapDeviceBytes = memmapDeviceBytes
    }

    /// Total usable bytes of the namespaces that came up.
    public var usableBytes: ByteCount {
        namespaces.reduce(.zero) { $0 + ($1.usableSize ?? .zero) }
    }
    public var failures: Int { namespaces.filter { !$0.isOK }.count }
}

/// Where a namespace's struct pages live.
public enum MemmapLocation: String, Sendable, Hashable {
    /// No struct pages (a sector namespace, a raw one that is not page-mapped, a failure).
    case none
    /// System RAM (`--map=mem`, a page-mapped raw namespace, or 5.3+ partial sections on x86).
    case ram
    /// The device itself, through the altmap (`--map=dev`).
    case device
    /// Both (x86 5.3+: whole sections from the altmap, partial sections from RAM).
    case mixed
}

/// One namespace's outcome on one kernel.
public struct NamespaceResult: Sendable, Hashable {
    public let dev: String
    public let region: String
    public let mode: Layout.Mode
    /// fsdax/devdax: `dev` or `mem`.
    public let map: Layout.MapLocation?
    /// The raw namespace range.
    public let range: AddressRange
    /// nil on success; the errno and message of the failing kernel function otherwise.
    public var error: KernelError?
    /// The size `ndctl list` would report (block device, dax device, or BTT external size).
    public var usableSize: ByteCount?
    /// The info block in force (written or validated), fsdax/devdax only; kept when the mapping
    /// that follows fails, since it is on media by then.
    public var infoBlock: PfnInfoBlock?
    /// The first data byte and the data that follows (`pfnX.Y/resource`, `size`; raw: the namespace).
    public var dataRange: AddressRange?
    /// The range `devm_memremap_pages()` was asked to map (`[S + start_pad, E − end_trunc)`).
    public var mappedRange: AddressRange?
    /// Struct-page bytes this namespace's mapping populated, and where.
    public var memmapBytes: ByteCount
    public var memmapLocation: MemmapLocation
    /// fsdax only: whether the DAX path agrees with the block path (false when `start_pad` ≠ 0).
    public var daxWorks: Bool?
    /// Anything else worth saying (a block from another kernel that was not used, …).
    public var note: String?

    public init(dev: String, region: String, mode: Layout.Mode, map: Layout.MapLocation?, range: AddressRange,
                error: KernelError? = nil, usableSize: ByteCount? = nil, infoBlock: PfnInfoBlock? = nil,
                dataRange: AddressRange? = nil, mappedRange: AddressRange? = nil, memmapBytes: ByteCount = .zero,
                memmapLocation: MemmapLocation = .none, daxWorks: Bool? = nil) {
        self.dev = dev; self.region = region; self.mode = mode; self.map = map; self.range = range; self.error = error
        self.usableSize = usableSize; self.infoBlock = infoBlock; self.dataRange = dataRange; self.mappedRange = mappedRange
        self.memmapBytes = memmapBytes; self.memmapLocation = memmapLocation; self.daxWorks = daxWorks
    }

    public var isOK: Bool { error == nil }
    public var startPad: ByteCount { infoBlock?.startPad ?? .zero }
    public var endTrunc: ByteCount { infoBlock?.endTrunc ?? .zero }
    /// Bytes lost to padding and truncation (not the info block and memmap, which buy something).
    public var lostBytes: ByteCount { startPad + endTrunc }
}

/// One populated section touched by PMEM.
public struct SectionResult: Sendable, Hashable {
    public let number: SectionNumber
    public let subsectionMap: SubsectionMap
    public let early: Bool
    /// Struct-page bytes populated for it by hot-add (boot memmap not counted), and their source.
    public let memmapBytes: ByteCount
    public let memmapSource: MemSection.Memmap.Source

    public init(number: SectionNumber, subsectionMap: SubsectionMap, early: Bool, memmapBytes: ByteCount,
                memmapSource: MemSection.Memmap.Source) {
        self.number = number; self.subsectionMap = subsectionMap; self.early = early
        self.memmapBytes = memmapBytes; self.memmapSource = memmapSource
    }
}

// MARK: - JSON (shared/CLI.md `ndemu simulate` keys)
extension Simulation {
    /// The object `ndemu simulate --format json` prints.
    public var json: JSON {
        .object([
            ("kernel", .string(kernel.description)),
            ("arch", .string(arch.name)),
            ("namespaces", .array(namespaces.map(\.json))),
            ("log", .array(log.map { .string($0.text) })),
            ("memmap_bytes", .bytes(memmapBytes)),
            ("memmap_ram_bytes", .bytes(memmapRAMBytes)),
            ("memmap_device_bytes", .bytes(memmapDeviceBytes)),
            ("sections", .array(sections.map(\.json))),
        ])
    }
}

extension NamespaceResult {
    public var json: JSON {
        var o: [(String, JSON)] = [
            ("dev", .string(dev)), ("region", .string(region)), ("mode", .string(mode.rawValue)),
        ]
        if let m = map { o.append(("map", .string(m.rawValue))) }
        o.append(("size", .bytes(range.size)))
        o.append(("usable_size", usableSize.map(JSON.bytes) ?? .null))
        o.append(("status", .string(isOK ? "ok" : "error")))
        if let e = error {
            o.append(("errno", .string(e.errno.name)))
            if !e.message.isEmpty { o.append(("message", .string(e.message))) }
        }
        if let b = infoBlock { o.append(("infoblock", b.capacityJSON)) }
        o.append(("resource", dataRange.map { .string($0.start.description) } ?? .null))
        o.append(("start", .string(range.start.description)))
        o.append(("start_pad", .bytes(startPad)))
        o.append(("end_trunc", .bytes(endTrunc)))
        o.append(("memmap_bytes", .bytes(memmapBytes)))
        o.append(("memmap_location", .string(memmapLocation.rawValue)))
        if let d = daxWorks { o.append(("dax", .bool(d))) }
        if let n = note { o.append(("note", .string(n))) }
        return .object(o)
    }
}

extension SectionResult {
    public var json: JSON {
        .object([
            ("nr", .int(number.rawValue)),
            ("subsection_map", .string(subsectionMap.description)),
            ("early", .bool(early)),
            ("memmap_bytes", .bytes(memmapBytes)),
            ("memmap_source", .string(memmapSource.rawValue)),
        ])
    }
}
