import NDEmuCore

/// The shape of the section table and of one section's sub-section bitmap, for one architecture
/// and kernel: every constant of `include/linux/mmzone.h` the engine needs, derived once.
///
/// The bitmap's unit is `PAGES_PER_SUBSECTION` (2 MiB) from v8 of the sub-section series on; the
/// May 2019 v7 series tracked `SECTION_ACTIVE_SIZE` = section ÷ `BITS_PER_LONG` instead (16 MiB
/// on arm64 with 1 GiB sections, 256 KiB on ppc64).
public struct SectionGeometry: Hashable, Sendable {
    /// `PAGE_SHIFT`.
    public let pageShift: Int
    /// `PFN_SECTION_SHIFT`.
    public let pfnSectionShift: Int
    /// `PAGES_PER_SECTION`.
    public let pagesPerSection: PageCount
    /// Pages covered by one bitmap bit (`PAGES_PER_SUBSECTION`, or v7's `PAGES_PER_SUB_SECTION`).
    public let pagesPerUnit: PageCount
    /// log2 of `pagesPerUnit`.
    public let unitShift: Int
    /// Bits in one section's bitmap (`SUBSECTIONS_PER_SECTION`; v7: `BITS_PER_LONG`).
    public let bitsPerSection: Int
    /// 64-bit words one bitmap needs: 1 for 8 or 64 bits, 4 for 256, 8 for 512.
    public let wordsPerMap: Int
    /// `SECTIONS_PER_ROOT` (SPARSEMEM_EXTREME).
    public let sectionsPerRoot: UInt64
    /// log2 of `sectionsPerRoot`.
    public let rootShift: Int
    /// `NR_MEM_SECTIONS`.
    public let numberOfSections: UInt64
    /// `NR_SECTION_ROOTS`.
    public let numberOfRoots: UInt64
    /// `1 << (MAX_PHYSMEM_BITS - PAGE_SHIFT)`: the first pfn past the addressable space.
    public let maxPFN: PFN

    public init(arch: ArchProfile, behaviour: KernelBehaviour) {
        pageShift = arch.pageShift
        pfnSectionShift = arch.pfnSectionShift
        pagesPerSection = arch.pagesPerSection
        if behaviour.hotplugGranularity == .subsectionV7 {
            // v7: SECTION_ACTIVE_SIZE = (1 << SECTION_SIZE_BITS) / BITS_PER_LONG.
            unitShift = arch.pfnSectionShift - 6
            bitsPerSection = 64
        } else {
            unitShift = ArchProfile.subsectionShift - arch.pageShift
            bitsPerSection = arch.subsectionsPerSection
        }
        pagesPerUnit = PageCount(1 << UInt64(unitShift))
        wordsPerMap = (bitsPerSection + 63) / 64
        sectionsPerRoot = arch.sectionsPerRoot
        rootShift = sectionsPerRoot.trailingZeroBitCount
        numberOfSections = arch.numberOfSections
        numberOfRoots = arch.numberOfSectionRoots
        maxPFN = PFN(1 << UInt64(arch.maxPhysmemBits - arch.pageShift))
    }

    /// `pfn_to_section_nr`.
    @inline(__always) public func section(of pfn: PFN) -> SectionNumber { SectionNumber(pfn.rawValue >> UInt64(pfnSectionShift)) }
    /// `section_nr_to_pfn`.
    @inline(__always) public func firstPFN(of section: SectionNumber) -> PFN { PFN(section.rawValue << UInt64(pfnSectionShift)) }
    /// `subsection_map_index`: the bit of `pfn` within its section.
    @inline(__always) public func unitIndex(of pfn: PFN) -> Int {
        Int((pfn.rawValue & (pagesPerSection.rawValue - 1)) >> UInt64(unitShift))
    }
    /// The pfn offset of `pfn` inside its section.
    @inline(__always) func offsetInSection(_ pfn: PFN) -> UInt64 { pfn.rawValue & (pagesPerSection.rawValue - 1) }
    /// Struct-page bytes behind one bitmap bit.
    public var memmapBytesPerUnit: ByteCount { ArchProfile.structPageSize * pagesPerUnit.rawValue }
}
