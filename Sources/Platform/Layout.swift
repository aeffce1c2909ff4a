import NDEmuCore

/// A platform as a layout file describes it (README "Layout files", `Namespaces/layout.schema.json`):
/// its architecture, its firmware memory map (what /proc/iomem shows at the top level), its PMEM
/// regions and the namespaces to enable in them, in order.
///
/// A `Layout` is always valid: the only ways to make one are `init(...)` and `Layout(parsing:source:)`,
/// both of which check every rule in `LayoutValidation.swift` and throw an `InputError` naming the
/// source, the entry and the rule.
public struct Layout: Hashable, Sendable {
    /// The `--arch` name (`x86_64`, `arm64-4k`, `ppc64-64k`, …). The section size is resolved per
    /// kernel (`ArchProfile(name:behaviour:)`), since arm64's changed in 5.12.
    public let arch: String
    /// Free text: what the platform is and where its expected values come from.
    public let description: String?
    /// The kernel command line the platform boots with (`memmap=4G!8G`); its `memmap=` ranges must
    /// agree with `memory`.
    public let kernelCommandLine: String?
    /// The firmware map, ordered and non-overlapping (holes allowed).
    public let memory: [MemoryEntry]
    public let regions: [Region]
    /// In enable order: a kernel enables them one after another, and that order decides who wins a
    /// shared section.
    public let namespaces: [Namespace]
    /// Expected outcomes per kernel, for the corpus tests (`LayoutExpectation`).
    public let expectations: [LayoutExpectation]
    /// Each namespace's physical range, parallel to `namespaces` (placed in file order inside its region).
    public let namespaceRanges: [AddressRange]
    /// Where the layout came from (a file path, `<stdin>`, `ndctl list`); errors name it.
    public let source: String

    /// A firmware memory-map entry: one top-level /proc/iomem line.
    public struct MemoryEntry: Hashable, Sendable {
        public let range: AddressRange
        public let type: MemoryType
        /// The NUMA node, when the layout says.
        public let numaNode: Int?
        public init(range: AddressRange, type: MemoryType, numaNode: Int? = nil) {
            self.range = range; self.type = type; self.numaNode = numaNode
        }
    }

    /// The top-level names x86's e820 gives /proc/iomem entries (`e820_type_to_string()`).
    public enum MemoryType: String, CaseIterable, Hashable, Sendable {
        case systemRAM = "System RAM"
        case reserved = "Reserved"
        case acpiTables = "ACPI Tables"
        case acpiNVS = "ACPI Non-volatile Storage"
        case unusable = "Unusable memory"
        /// e820 type 7 (ACPI NFIT PMEM).
        case persistentMemory = "Persistent Memory"
        /// e820 type 12, what `memmap=nn!ss` creates.
        case persistentMemoryLegacy = "Persistent Memory (legacy)"
        case softReserved = "Soft Reserved"

        /// Whether libnvdimm can build a PMEM region on it.
        public var isPersistentMemory: Bool { self == .persistentMemory || self == .persistentMemoryLegacy }
    }

    /// How a region's DIMMs label their namespaces; decides, for example, the BTT layout.
    public enum Labels: String, CaseIterable, Hashable, Sendable {
        /// A label-less region: `memmap=` / e820 PMEM, NVDIMM-N, a QEMU NVDIMM without a label area.
        case none
        case v1_1 = "v1.1"
        case v1_2 = "v1.2"
    }

    /// A libnvdimm PMEM region (`regionN`).
    public struct Region: Hashable, Sendable {
        public let dev: String
        public let range: AddressRange
        /// `ndr_mappings`: DIMMs interleaved in this region.
        public let interleaveWays: Int
        public let labels: Labels
        /// `regionN/align` when the platform (or the user) sets it; otherwise the kernel's default.
        public let align: ByteCount?
        public let numaNode: Int?
        public init(dev: String, range: AddressRange, interleaveWays: Int = 1, labels: Labels = .none,
                    align: ByteCount? = nil, numaNode: Int? = nil) {
            self.dev = dev; self.range = range; self.interleaveWays = interleaveWays; self.labels = labels
            self.align = align; self.numaNode = numaNode
        }
    }

    /// A namespace personality (`ndctl create-namespace -m`).
    public enum Mode: String, CaseIterable, Hashable, Sendable {
        case raw, fsdax, devdax, sector
        /// Whether it writes a pfn/dax info block.
        public var hasInfoBlock: Bool { self == .fsdax || self == .devdax }
    }

    /// Where the memmap of a pfn/dax namespace lives (`--map`).
    public enum MapLocation: String, CaseIterable, Hashable, Sendable {
        /// `PFN_MODE_PMEM`: on the device, from the altmap.
        case dev
        /// `PFN_MODE_RAM`: in System RAM.
        case mem
    }

    /// A namespace to enable (`namespaceN.M`).
    public struct Namespace: Hashable, Sendable {
        public let dev: String
        /// The `dev` of its region.
        public let region: String
        public let mode: Mode
        /// fsdax/devdax only; `dev` when absent (ndctl's default).
        public let map: MapLocation?
        /// The pfn/dax `align`; fsdax/devdax only; 2 MiB (`HPAGE_PMD_SIZE`) when absent.
        public let align: ByteCount?
        /// The raw size; absent = the rest of the region.
        public let size: ByteCount?
        /// The physical start; absent = right after the previous namespace of the same region.
        public let start: PhysicalAddress?
        /// Sector mode's LBA size (512, 520, 528, 4096, 4104, 4160, 4224); 4096 when absent.
        public let sectorSize: ByteCount?
        public let uuid: String?
        /// The kernel that wrote the namespace's info block, when it was created by another kernel
        /// than the one simulated: that kernel's block is then validated instead of a fresh one written.
        public let createdBy: String?
        public init(dev: String, region: String, mode: Mode, map: MapLocation? = nil, align: ByteCount? = nil,
                    size: ByteCount? = nil, start: PhysicalAddress? = nil, sectorSize: ByteCount? = nil,
                    uuid: String? = nil, createdBy: String? = nil) {
            self.dev = dev; self.region = region; self.mode = mode; self.map = map; self.align = align
            self.size = size; self.start = start; self.sectorSize = sectorSize; self.uuid = uuid; self.createdBy = createdBy
        }

        /// `--map`, with ndctl's default.
        public var effectiveMap: MapLocation { map ?? .dev }
        /// The pfn/dax align, with the default `HPAGE_PMD_SIZE` of the arch.
        public func effectiveAlign(pmdSize: ByteCount) -> ByteCount { align ?? pmdSize }
        /// The BTT LBA size, with the default 4096.
        public var effectiveSectorSize: ByteCount { sectorSize ?? 4096 }
    }

    /// A layout from its parts, checked fully (see `LayoutValidation.swift`).
    public init(arch: String = "x86_64", description: String? = nil, kernelCommandLine: String? = nil,
                memory: [MemoryEntry], regions: [Region], namespaces: [Namespace],
                expectations: [LayoutExpectation] = [], source: String = "layout") throws(InputError) {
        self.arch = arch; self.description = description; self.kernelCommandLine = kernelCommandLine
        self.memory = memory; self.regions = regions; self.namespaces = namespaces
        self.expectations = expectations; self.source = source
        self.namespaceRanges = try LayoutValidator(source: source).validate(
            arch: arch, kernelCommandLine: kernelCommandLine, memory: memory, regions: regions,
            namespaces: namespaces, expectations: expectations)
    }

    /// Each namespace with its physical range, in enable order.
    public var placedNamespaces: [(namespace: Namespace, range: AddressRange)] {
        Array(zip(namespaces, namespaceRanges))
    }

    public func region(named dev: String) -> Region? { regions.first { $0.dev == dev } }

    /// The expectation for one kernel, if the layout has one.
    public func expectation(for kernel: String) -> LayoutExpectation? {
        expectations.first { $0.kernel == kernel }
    }
}
