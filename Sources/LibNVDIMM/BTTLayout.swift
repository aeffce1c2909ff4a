import NDEmuCore

/// The BTT (sector mode) layout and its exact external capacity (drivers/nvdimm/btt.c
/// `btt_init()` → `create_arenas()` → `alloc_arena()`, btt_devs.c `nd_btt_version()`).
public struct BTTLayout: Hashable, Sendable {
    /// The on-media layout version, which fixes where the first info block sits.
    public enum Version: String, Sendable, CaseIterable {
        /// BTT 1.1: every offset shifted 4 KiB into the namespace (label-less or v1.1 labels).
        case v1_1 = "1.1"
        /// BTT 2.0: the first info block at namespace byte 0 (v1.2 labels).
        case v2_0 = "2.0"
        /// The initial offset (`nd_btt->initial_offset`).
        public var initialOffset: ByteCount { self == .v1_1 ? 4096 : 0 }
    }

    /// One arena (`struct arena_info`), offsets relative to the arena start.
    public struct Arena: Hashable, Sendable {
        /// The arena's offset from the namespace start.
        public var namespaceOffset: ByteCount
        public var size: ByteCount
        public var internalNLBA: UInt64
        public var externalNLBA: UInt64
        public var internalLBASize: ByteCount
        public var dataOffset: ByteCount
        public var mapOffset: ByteCount
        public var logOffset: ByteCount
        public var info2Offset: ByteCount
        /// `nextoff`: the next arena's offset, 0 for the last.
        public var nextOffset: ByteCount
    }

    public static let pageSize = ByteCount(4096)           // BTT_PG_SIZE
    public static let arenaMinSize = ByteCount.mib(16)     // ARENA_MIN_SIZE
    public static let arenaMaxSize = ByteCount.gib(512)    // ARENA_MAX_SIZE
    public static let mapEntrySize: UInt64 = 4             // MAP_ENT_SIZE
    public static let nfree: UInt64 = 256                  // BTT_DEFAULT_NFREE = ND_MAX_LANES
    public static let logGroupSize: UInt64 = 64            // one flog group per lane
    /// The external LBA sizes the kernel accepts (`btt_lbasize_supported`).
    public static let supportedSectorSizes: [UInt64] = [512, 520, 528, 4096, 4104, 4160, 4224]

    public let version: Version
    public let sectorSize: ByteCount
    public let arenas: [Arena]

    /// `nlba`: external blocks over all arenas.
    public var externalNLBA: UInt64 { arenas.reduce(0) { $0 + $1.externalNLBA } }
    /// The block-layer sector size: 4096 from 4096-byte LBAs up, else 512; the extra bytes are
    /// integrity metadata.
    public var blockSectorSize: ByteCount { sectorSize.rawValue >= 4096 ? 4096 : 512 }
    /// The btt's `size`: the usable capacity.
    public var usableSize: ByteCount { blockSectorSize * externalNLBA }

    /// The layout the kernel writes on a namespace of `capacity` bytes, or its refusal
    /// ("must be at least", -ENXIO) when under 16 MiB remain after the initial offset.
    ///
    /// The refusal names the namespace and the minimum including the initial offset, prefixed by
    /// the btt device (`nd_pmem btt0.0: namespace0.0 must be at least 16781312 bytes`, 6.1).
    public init(capacity: ByteCount, sectorSize: ByteCount, version: Version, namespaceName: String = "namespace0.0",
                deviceName: String = "btt0.0") throws(KernelError) {
        guard Self.supportedSectorSizes.contains(sectorSize.rawValue) else {
            throw KernelError(.EINVAL, "unsupported sector_size \(sectorSize.rawValue) (supported: \(Self.supportedSectorSizes.map(String.init).joined(separator: " ")))")
        }
        self.version = version
        self.sectorSize = sectorSize
        guard let raw = capacity.subtracting(version.initialOffset), raw >= Self.arenaMinSize else {
            throw KernelError(.ENXIO, "nd_pmem \(deviceName): \(namespaceName) must be at least \((Self.arenaMinSize + version.initialOffset).rawValue) bytes")
        }
        let internalLBA = sectorSize.alignedUp(to: 64) ?? sectorSize     // INT_LBASIZE_ALIGNMENT
        var arenas: [Arena] = []
        var remaining = raw
        var offset = version.initialOffset
        while remaining >= Self.arenaMinSize {
            let a = ByteCount.min(Self.arenaMaxSize, remaining)
            remaining -= a
            var avail = a.alignedDown(to: Self.pageSize) - Self.pageSize * 2
            let logSize = ByteCount(Self.nfree * Self.logGroupSize).alignedUp(to: Self.pageSize) ?? ByteCount(16384)
            avail -= logSize
            let internalNLBA = (avail - Self.pageSize).rawValue / (internalLBA.rawValue + Self.mapEntrySize)
            let externalNLBA = internalNLBA - Self.nfree
            let mapSize = ByteCount(externalNLBA * Self.mapEntrySize).alignedUp(to: Self.pageSize) ?? .zero
            let dataSize = avail - mapSize
            let dataOff = Self.pageSize
            let mapOff = dataOff + dataSize
            let logOff = mapOff + mapSize
            arenas.append(Arena(namespaceOffset: offset, size: a, internalNLBA: internalNLBA, externalNLBA: externalNLBA,
                                internalLBASize: internalLBA, dataOffset: dataOff, mapOffset: mapOff, logOffset: logOff,
                                info2Offset: logOff + logSize, nextOffset: remaining >= Self.arenaMinSize ? a : .zero))
            offset += a
        }
        self.arenas = arenas
        #if DEBUG
        for arena in arenas { assert(arena.info2Offset + Self.pageSize <= arena.size.alignedDown(to: Self.pageSize)) }
        #endif
    }

    /// `btt_claim_class()`: label-less regions and v1.1 labels get BTT 1.1; v1.2 labels BTT 2.0.
    public static func version(for labels: RegionLabels) -> Version {
        labels == .v1_2 ? .v2_0 : .v1_1
    }
}

/// What kind of namespace labels a region's DIMMs carry.
public enum RegionLabels: String, Sendable, CaseIterable {
    /// No labels: e820/`memmap=` PMEM, NVDIMM-N without a label area.
    case none
    case v1_1 = "v1.1"
    case v1_2 = "v1.2"
}
