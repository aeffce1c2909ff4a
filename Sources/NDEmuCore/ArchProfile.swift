/// An architecture and page-size configuration, from which every SPARSEMEM constant derives
/// (`arch/*/include/asm/sparsemem.h`, `include/linux/mmzone.h`).
public struct ArchProfile: Hashable, Sendable, CustomStringConvertible {
    public enum Family: String, Sendable { case x86_64, arm64, ppc64 }

    /// The `--arch` spelling (`x86_64`, `x86_64-la57`, `arm64-4k`, `arm64-16k`, `arm64-64k`, `ppc64-4k`, `ppc64-64k`).
    public let name: String
    public let family: Family
    /// `PAGE_SHIFT`.
    public let pageShift: Int
    /// `SECTION_SIZE_BITS` for the kernel this profile was resolved for.
    public let sectionSizeBits: Int
    /// `MAX_PHYSMEM_BITS`.
    public let maxPhysmemBits: Int
    /// `HPAGE_PMD_SIZE` shift (the PMD mapping size; also the vmemmap block on x86).
    public let pmdShift: Int
    /// `HPAGE_PUD_SIZE` shift, when the arch supports PUD-sized THP (devdax 1G align).
    public let pudShift: Int?
    /// `memremap_compat_align()` shift (5.7+): 21 generically, 24 on ppc64 hash.
    public let compatAlignShift: Int

    /// `SUBSECTION_SHIFT`: 21 on every arch since v10 of the series.
    public static let subsectionShift = 21
    /// `sizeof(struct page)` in ordinary builds (`MAX_STRUCT_PAGE_SIZE` = 64).
    public static let structPageSize = ByteCount(64)
    /// `sizeof(struct mem_section)` on 64-bit without CONFIG_PAGE_EXTENSION.
    public static let memSectionSize: UInt64 = 16

    public var description: String { name }

    // MARK: Derived constants
    public var pageSize: ByteCount { .shift(pageShift) }
    public var sectionSize: ByteCount { .shift(sectionSizeBits) }
    public var subsectionSize: ByteCount { .shift(Self.subsectionShift) }
    public var pmdSize: ByteCount { .shift(pmdShift) }
    public var compatAlign: ByteCount { .shift(compatAlignShift) }
    /// `PFN_SECTION_SHIFT`.
    public var pfnSectionShift: Int { sectionSizeBits - pageShift }
    /// `PAGES_PER_SECTION`.
    public var pagesPerSection: PageCount { PageCount(1 << UInt64(pfnSectionShift)) }
    /// `PAGES_PER_SUBSECTION`.
    public var pagesPerSubsection: PageCount { PageCount(1 << UInt64(Self.subsectionShift - pageShift)) }
    /// `SUBSECTIONS_PER_SECTION`.
    public var subsectionsPerSection: Int { 1 << (sectionSizeBits - Self.subsectionShift) }
    /// `NR_MEM_SECTIONS` = 1 << (MAX_PHYSMEM_BITS − SECTION_SIZE_BITS).
    public var numberOfSections: UInt64 { 1 << UInt64(maxPhysmemBits - sectionSizeBits) }
    /// `SECTIONS_PER_ROOT` with SPARSEMEM_EXTREME: PAGE_SIZE / sizeof(struct mem_section).
    public var sectionsPerRoot: UInt64 { pageSize.rawValue / Self.memSectionSize }
    /// `NR_SECTION_ROOTS`.
    public var numberOfSectionRoots: UInt64 { (numberOfSections + sectionsPerRoot - 1) / sectionsPerRoot }
    /// The first address past the addressable physical space (`1 << MAX_PHYSMEM_BITS`).
    public var physicalLimit: PhysicalAddress { PhysicalAddress(1 << UInt64(maxPhysmemBits)) }
    /// Struct-page bytes for one whole section's memmap.
    public var memmapBytesPerSection: ByteCount { Self.structPageSize * pagesPerSection.rawValue }
    /// Struct-page bytes for one sub-section's memmap.
    public var memmapBytesPerSubsection: ByteCount { Self.structPageSize * pagesPerSubsection.rawValue }

    public func sectionNumber(of pfn: PFN) -> SectionNumber { SectionNumber(pfn.rawValue >> UInt64(pfnSectionShift)) }
    public func sectionNumber(of address: PhysicalAddress) -> SectionNumber { sectionNumber(of: address.pfn(pageShift: pageShift)) }
    public func firstPFN(of section: SectionNumber) -> PFN { PFN(section.rawValue << UInt64(pfnSectionShift)) }
    public func startAddress(of section: SectionNumber) -> PhysicalAddress { PhysicalAddress(section.rawValue << UInt64(sectionSizeBits)) }
    public func pfn(_ address: PhysicalAddress) -> PFN { address.pfn(pageShift: pageShift) }
    /// `PFN_PHYS`; nil if it does not fit 64 bits.
    public func address(_ pfn: PFN) -> PhysicalAddress? { pfn.physicalAddress(pageShift: pageShift) }

    // MARK: The profiles
    /// Every `--arch` name.
    public static let names = ["x86_64", "x86_64-la57", "arm64-4k", "arm64-16k", "arm64-64k", "ppc64-4k", "ppc64-64k"]

    /// The profile for an `--arch` name and kernel: arm64's section size follows the kernel
    /// (`arm64/sparsemem: reduce SECTION_SIZE_BITS`, 5.12).
    public init(name: String, behaviour: KernelBehaviour, input: String = "--arch") throws(InputError) {
        let arm64Small = behaviour.arm64SmallSections
        switch name.lowercased() {
        case "x86_64", "x86-64", "amd64", "x86_64-4level":
            self.init(name: "x86_64", family: .x86_64, pageShift: 12, sectionSizeBits: 27, maxPhysmemBits: 46, pmdShift: 21, pudShift: 30, compatAlignShift: 21)
        case "x86_64-la57", "x86_64-5level":
            self.init(name: "x86_64-la57", family: .x86_64, pageShift: 12, sectionSizeBits: 27, maxPhysmemBits: 52, pmdShift: 21, pudShift: 30, compatAlignShift: 21)
        case "arm64-4k", "arm64", "aarch64":
            self.init(name: "arm64-4k", family: .arm64, pageShift: 12, sectionSizeBits: arm64Small ? 27 : 30, maxPhysmemBits: 48, pmdShift: 21, pudShift: 30, compatAlignShift: 21)
        case "arm64-16k":
            self.init(name: "arm64-16k", family: .arm64, pageShift: 14, sectionSizeBits: arm64Small ? 27 : 30, maxPhysmemBits: 48, pmdShift: 25, pudShift: nil, compatAlignShift: 21)
        case "arm64-64k":
            self.init(name: "arm64-64k", family: .arm64, pageShift: 16, sectionSizeBits: arm64Small ? 29 : 30, maxPhysmemBits: 48, pmdShift: 29, pudShift: nil, compatAlignShift: 21)
        case "ppc64-4k":
            self.init(name: "ppc64-4k", family: .ppc64, pageShift: 12, sectionSizeBits: 24, maxPhysmemBits: 46, pmdShift: 24, pudShift: nil, compatAlignShift: 24)
        case "ppc64-64k", "ppc64", "ppc64le":
            self.init(name: "ppc64-64k", family: .ppc64, pageShift: 16, sectionSizeBits: 24, maxPhysmemBits: 51, pmdShift: 24, pudShift: nil, compatAlignShift: 24)
        default:
            throw InputError(input, "unknown architecture '\(name)' (known: \(Self.names.joined(separator: ", ")))")
        }
    }

    public init(name: String, family: Family, pageShift: Int, sectionSizeBits: Int, maxPhysmemBits: Int,
                pmdShift: Int, pudShift: Int?, compatAlignShift: Int) {
        precondition(sectionSizeBits >= Self.subsectionShift, "Subsection size exceeds section size")
        self.name = name; self.family = family; self.pageShift = pageShift; self.sectionSizeBits = sectionSizeBits
        self.maxPhysmemBits = maxPhysmemBits; self.pmdShift = pmdShift; self.pudShift = pudShift
        self.compatAlignShift = compatAlignShift
    }

    /// x86_64 with 4-level paging, the default.
    public static let x86_64 = ArchProfile(name: "x86_64", family: .x86_64, pageShift: 12, sectionSizeBits: 27, maxPhysmemBits: 46, pmdShift: 21, pudShift: 30, compatAlignShift: 21)
}
