import NDEmuCore

/// One section's share of a pfn range.
public struct SectionChunk: Hashable, Sendable {
    public let section: SectionNumber
    /// The first pfn of the share.
    public let pfn: PFN
    /// Pages of the share (never more than the rest of the section).
    public let pages: PageCount
    /// Whether the share is the whole section.
    public let isWholeSection: Bool
}

/// The section-by-section walk every loop of mm/sparse.c and mm/memory_hotplug.c does over a pfn
/// range: `__add_pages`, `__remove_pages`, `memory_present`, `subsection_map_init`, and ndemu's own
/// reports. Each chunk is `min(nr_remaining, PAGES_PER_SECTION - (pfn & ~PAGE_SECTION_MASK))` pages.
///
/// The range must not wrap 64 bits (callers check that first).
public struct SectionWalk: Sequence, Sendable {
    public let start: PFN
    public let count: PageCount
    public let geometry: SectionGeometry

    public init(_ start: PFN, _ count: PageCount, geometry: SectionGeometry) {
        self.start = start; self.count = count; self.geometry = geometry
    }

    public struct Iterator: IteratorProtocol {
        var pfn: UInt64
        var remaining: UInt64
        let perSection: UInt64
        let shift: UInt64

        @inline(__always)
        public mutating func next() -> SectionChunk? {
            guard remaining != 0 else { return nil }
            let offset = pfn & (perSection - 1)
            let n = Swift.min(remaining, perSection - offset)
            let chunk = SectionChunk(section: SectionNumber(pfn >> shift), pfn: PFN(pfn), pages: PageCount(n),
                                     isWholeSection: n == perSection)
            pfn &+= n; remaining -= n
            return chunk
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(pfn: start.rawValue, remaining: count.rawValue, perSection: geometry.pagesPerSection.rawValue,
                 shift: UInt64(geometry.pfnSectionShift))
    }
}
