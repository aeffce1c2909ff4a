import LibNVDIMM
import NDEmuCore

/// What an importer recovered about a machine's NVDIMM topology, as plain Swift values.
///
/// The three importers (libndctl live, `ndctl list` JSON, /proc/iomem text) each fill in what
/// their source knows; `Layout` conversion happens afterwards, in one place. Every value a
/// source does not provide stays `nil` and is explained in `notes`, never guessed silently.
public struct ImportedTopology: Hashable, Sendable {
    /// Where the topology came from: `libndctl`, a file name.
    public var source: String
    public var buses: [Bus]
    /// The top-level physical memory map (`/proc/iomem` entries), when the source has one.
    public var memory: [MemoryRange]
    /// What the importer could not know or had to infer, for people (printed on stderr).
    public var notes: [String]

    public init(source: String, buses: [Bus] = [], memory: [MemoryRange] = [], notes: [String] = []) {
        self.source = source; self.buses = buses; self.memory = memory; self.notes = notes
    }

    /// Every region of every bus, in bus order.
    public var regions: [Region] { buses.flatMap(\.regions) }
    /// Every namespace of every region.
    public var namespaces: [Namespace] { regions.flatMap(\.namespaces) }
}

/// A top-level /proc/iomem entry (`System RAM`, `Persistent Memory`, ...).
public struct MemoryRange: Hashable, Sendable {
    public var range: AddressRange
    /// The /proc/iomem name, verbatim.
    public var type: String
    public init(range: AddressRange, type: String) { self.range = range; self.type = type }
}

/// An NVDIMM bus (`struct nvdimm_bus`, `ndbusN`).
public struct Bus: Hashable, Sendable {
    public var dev: String
    /// `ACPI.NFIT`, `e820`, `of_pmem`, ...
    public var provider: String
    public var dimms: [DIMM]
    public var regions: [Region]
    public init(dev: String, provider: String, dimms: [DIMM] = [], regions: [Region] = []) {
        self.dev = dev; self.provider = provider; self.dimms = dimms; self.regions = regions
    }
}

/// An NVDIMM (`struct nvdimm`, `nmemN`).
public struct DIMM: Hashable, Sendable {
    public var dev: String
    /// The NFIT device handle, when the bus has an NFIT.
    public var handle: UInt32?
    public var physID: UInt16?
    /// `nfit/id`.
    public var id: String?
    public init(dev: String, handle: UInt32? = nil, physID: UInt16? = nil, id: String? = nil) {
        self.dev = dev; self.handle = handle; self.physID = physID; self.id = id
    }
}

/// One DIMM extent behind a region (`struct nd_mapping`, sysfs `mappingN`).
public struct Mapping: Hashable, Sendable {
    public var dimm: String
    /// DPA start on the DIMM.
    public var offset: ByteCount
    public var length: ByteCount
    /// Interleave position, when known.
    public var position: Int?
    public init(dimm: String, offset: ByteCount, length: ByteCount, position: Int?) {
        self.dimm = dimm; self.offset = offset; self.length = length; self.position = position
    }
}

/// A PMEM region (`struct nd_region`, `regionN`).
public struct Region: Hashable, Sendable {
    public var dev: String
    /// Physical start (`regionN/resource`); nil when the source does not print it.
    public var start: PhysicalAddress?
    public var size: ByteCount
    /// `regionN/align` (5.7+), when present.
    public var align: ByteCount?
    public var availableSize: ByteCount?
    /// True for label-backed regions (`nstype` 5, `namespace_pmem`); false for label-less
    /// "io" regions (`nstype` 4: e820 / `memmap=`, NVDIMM-N), which hold exactly one namespace.
    public var hasLabels: Bool
    public var mappings: [Mapping]
    /// `set_cookie` (`iset_id`), up to 2^64-1.
    public var isetID: UInt64?
    public var numaNode: Int?
    public var targetNode: Int?
    public var persistenceDomain: String?
    public var namespaces: [Namespace]

    public init(dev: String, start: PhysicalAddress?, size: ByteCount, align: ByteCount? = nil,
                availableSize: ByteCount? = nil, hasLabels: Bool, mappings: [Mapping] = [], isetID: UInt64? = nil,
                numaNode: Int? = nil, targetNode: Int? = nil, persistenceDomain: String? = nil,
                namespaces: [Namespace] = []) {
        self.dev = dev; self.start = start; self.size = size; self.align = align
        self.availableSize = availableSize; self.hasLabels = hasLabels; self.mappings = mappings
        self.isetID = isetID; self.numaNode = numaNode; self.targetNode = targetNode
        self.persistenceDomain = persistenceDomain; self.namespaces = namespaces
    }

    /// `max(1, mappings)`, as `ndctl_region_get_interleave_ways()` computes it.
    public var interleaveWays: Int { max(1, mappings.count) }
    /// The physical range, when the start is known.
    public var range: AddressRange? { start.flatMap { AddressRange(start: $0, size: size) } }
}

/// Where a pfn/dax device keeps its memmap (`enum ndctl_pfn_loc`; JSON `map`).
public enum MemmapLocation: String, Hashable, Sendable {
    /// `map=dev`: in the namespace itself (sysfs `pmem`, `PFN_MODE_PMEM`).
    case dev
    /// `map=mem`: in System RAM (sysfs `ram`, `PFN_MODE_RAM`).
    case mem

    /// The info block's `mode` field for this location.
    public var pfnMode: PfnMode { self == .dev ? .pmem : .ram }
}

/// A namespace and the device that claims it (pfn, dax or btt).
public struct Namespace: Hashable, Sendable {
    public var dev: String
    /// raw, fsdax, devdax or sector (LibNVDIMM's `NamespaceMode`).
    public var mode: NamespaceMode
    /// Physical start of the raw namespace (`namespaceR.N/resource`).
    public var start: PhysicalAddress?
    /// The raw namespace size (`namespaceR.N/size`), as the kernel allocated it. nil when it
    /// could not be recovered (see `sizeNote`).
    public var size: ByteCount?
    /// How `size` was found when it was not read directly (inverted from the usable size, ...).
    public var sizeNote: String?
    /// The size `ndctl list` prints: the block device (fsdax), the dax device (devdax), the
    /// BTT's external size (sector), or the raw size (raw).
    public var usableSize: ByteCount?
    /// fsdax/devdax: where the memmap lives.
    public var map: MemmapLocation?
    /// fsdax/devdax: the pfn/dax `align` attribute.
    public var align: ByteCount?
    /// The namespace sector size (raw) or the BTT's external LBA size (sector).
    public var sectorSize: UInt32?
    /// The claiming device's uuid (what `ndctl list` prints as `uuid`).
    public var uuid: String?
    /// The namespace's own uuid (`raw_uuid` in `ndctl list -v`).
    public var rawUUID: String?
    /// `alt_name`.
    public var name: String?
    /// The claiming device: `pfn0.0`, `dax1.0`, `btt0.0`.
    public var claim: String?
    /// The physical range of the data (`pfnR.N/resource` + `size`, or the dax device's).
    public var data: AddressRange?
    public var blockdev: String?
    public var chardev: String?
    public var numaNode: Int?
    public var targetNode: Int?

    public init(dev: String, mode: NamespaceMode) { self.dev = dev; self.mode = mode }
}
