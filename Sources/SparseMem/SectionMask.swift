import NDEmuCore

/// A run of set bits in one section's bitmap: what `subsection_mask_set()` (and v7's
/// `section_active_mask()`) build. Both only ever produce one contiguous run, so the engine
/// carries the run instead of a whole bitmap. `nil` stands for the empty mask.
public struct SectionMask: Hashable, Sendable, CustomStringConvertible {
    /// First and last bit, inclusive.
    public let bits: ClosedRange<Int>
    public init(_ bits: ClosedRange<Int>) { self.bits = bits }

    /// The mask as a bitmap value of `count` bits.
    public func map(count: Int) -> SubsectionMap { SubsectionMap(count: count, bits: bits) }
    public var description: String { "\(bits.lowerBound)...\(bits.upperBound)" }

    /// `subsection_mask_set(map, pfn, nr_pages)` (5.3+): bits `subsection_map_index(pfn)` through
    /// `subsection_map_index(pfn + nr_pages - 1)`. The pfns must lie in one section.
    ///
    /// With `nr_pages == 0` the end index is the index of `pfn - 1` (unsigned arithmetic), so a
    /// sub-section-aligned pfn inside a section gives the empty mask, an unaligned one a single
    /// bit, and a section's first pfn the whole section, exactly as `bitmap_set` would.
    public static func subsectionMaskSet(_ pfn: PFN, _ nr: PageCount, geometry g: SectionGeometry) -> SectionMask? {
        let first = g.unitIndex(of: pfn)
        let last = g.unitIndex(of: PFN(pfn.rawValue &+ nr.rawValue &- 1))
        return last >= first ? SectionMask(first...last) : nil
    }

    /// v7's `section_active_mask(pfn, nr_pages)`: physical-address based. It clamps the size to the
    /// rest of the section, rounds the *size* up to `SECTION_ACTIVE_SIZE`, and shifts that many
    /// bits to the start's index. A whole-section size gives index 0, which returns all ones.
    ///
    /// The quirk the review removed: an unaligned start is under-covered, because the mask follows
    /// the start index and the rounded size, not the last pfn (`[0x300100000, +2M)` gives bit 0
    /// only, though it touches sub-sections 0 and 1).
    public static func sectionActiveMask(_ pfn: PFN, _ nr: PageCount, geometry g: SectionGeometry) -> SectionMask? {
        guard nr.rawValue != 0 else { return nil }
        let remaining = g.pagesPerSection.rawValue - g.offsetInSection(pfn)
        let pages = min(nr.rawValue, remaining)
        let unit = g.pagesPerUnit.rawValue
        let alignedPages = (pages + unit - 1) / unit * unit
        // section_active_index(size): the size's offset within a section, in units.
        let sizeUnits = Int((alignedPages & (g.pagesPerSection.rawValue - 1)) / unit)
        if sizeUnits == 0 { return SectionMask(0...(g.bitsPerSection - 1)) }
        let start = g.unitIndex(of: pfn)
        return SectionMask(start...(start + sizeUnits - 1))
    }

    /// The units whose struct pages a chunk needs: `__populate_section_memmap` widens the pfn
    /// range to whole sub-sections (v7: whole `SECTION_ACTIVE_SIZE` units). Nil for no pages.
    @inline(__always)
    static func covering(_ chunk: SectionChunk, geometry g: SectionGeometry) -> SectionMask? {
        guard chunk.pages.rawValue > 0 else { return nil }
        return SectionMask(g.unitIndex(of: chunk.pfn)...g.unitIndex(of: PFN(chunk.pfn.rawValue + chunk.pages.rawValue - 1)))
    }

    /// The era's mask helper: v7's `section_active_mask`, else `subsection_mask_set`.
    static func forRange(_ pfn: PFN, _ nr: PageCount, geometry g: SectionGeometry, v7: Bool) -> SectionMask? {
        v7 ? sectionActiveMask(pfn, nr, geometry: g) : subsectionMaskSet(pfn, nr, geometry: g)
    }
}
