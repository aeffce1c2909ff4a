import NDEmuCore

/// A snapshot of one `struct mem_section` and what hangs off it.
public struct MemSection: Hashable, Sendable {
    public let number: SectionNumber
    /// The flag bits of `section_mem_map` this kernel has.
    public let flags: SectionFlags
    /// Whether this is a boot section as the era tests it (`early_section()`; before 5.3 and in
    /// v7, a usage allocated from bootmem).
    public let isEarly: Bool
    /// `ms->usage`, nil when NULL.
    public let usage: Usage?
    /// The section's struct pages.
    public let memmap: Memmap

    /// `struct mem_section_usage`.
    public struct Usage: Hashable, Sendable {
        /// `subsection_map` (v7: `map_active`). Before 5.3 the kernel has no such map; ndemu shows
        /// every sub-section of a valid section as active, since the whole section is.
        public let subsectionMap: SubsectionMap
        /// Allocated by `sparse_init_nid()` from memblock (PageReserved), not kzalloc'ed.
        public let isBootAllocation: Bool
    }

    /// The struct pages (`memmap`) of the section, per bitmap unit.
    public struct Memmap: Hashable, Sendable {
        /// Units whose struct pages are populated.
        public let populated: SubsectionMap
        /// Units whose vmemmap came from a device's `vmem_altmap`.
        public let fromAltmap: SubsectionMap
        /// Units mapped by PMD blocks (the rest by base pages).
        public let pmdMapped: SubsectionMap
        /// Whether this memmap is the boot one (memblock), i.e. the section is early.
        public let isBoot: Bool
        /// Struct-page bytes populated (units × pages per unit × `sizeof(struct page)`).
        public let bytes: ByteCount
        /// Of `bytes`, those in the device (altmap).
        public let altmapBytes: ByteCount
        /// Of `bytes`, those in system RAM (boot memmaps included).
        public var ramBytes: ByteCount { bytes - altmapBytes }
        /// Where the struct pages live.
        public var source: Source {
            if bytes.isZero { return .none }
            if isBoot { return .boot }
            if altmapBytes.isZero { return .ram }
            return altmapBytes == bytes ? .altmap : .mixed
        }
        public enum Source: String, Hashable, Sendable { case none, boot, ram, altmap, mixed }
    }

    public var isPresent: Bool { flags.contains(.present) }
    /// `valid_section()`.
    public var isValid: Bool { flags.contains(.hasMemMap) }
    public var isOnline: Bool { flags.contains(.online) }
    public var subsectionMap: SubsectionMap? { usage?.subsectionMap }
    /// The low bits of `section_mem_map` as the kernel would hold them (the encoded memmap
    /// pointer above them is not modelled).
    public var sectionMemMapFlags: UInt64 { UInt64(flags.rawValue) }
}

extension SparseMemory {
    /// The section `nr` if its root is allocated and it holds anything (a flag or a usage).
    public func section(_ nr: SectionNumber) -> MemSection? {
        guard let slot = table.slot(nr), !slot.isUnused else { return nil }
        return snapshot(nr, slot)
    }

    /// The section holding `pfn`.
    public func section(containing pfn: PFN) -> MemSection? { section(geometry.section(of: pfn)) }

    /// Every section holding anything, ascending (optionally only those in `bounds`).
    public func sections(in bounds: ClosedRange<SectionNumber>? = nil) -> [MemSection] {
        var out: [MemSection] = []
        table.forEachUsed(in: bounds) { s, slot in out.append(snapshot(s, slot)) }
        return out
    }

    /// The sections a physical range touches, ascending (nil bounds if the range is empty or
    /// beyond the table).
    public func sectionBounds(of range: AddressRange) -> ClosedRange<SectionNumber>? {
        guard !range.isEmpty else { return nil }
        let first = arch.sectionNumber(of: range.start), last = arch.sectionNumber(of: range.last)
        guard first.rawValue < geometry.numberOfSections else { return nil }
        return first...min(last, SectionNumber(geometry.numberOfSections - 1))
    }

    /// `__highest_present_section_nr`.
    public var highestPresentSection: SectionNumber? { table.highestPresent }

    func snapshot(_ s: SectionNumber, _ slot: SectionSlot) -> MemSection {
        let n = geometry.bitsPerSection
        let unitBytes = geometry.memmapBytesPerUnit
        let empty = SubsectionMap(count: n)
        let early = isEarly(slot)
        guard slot.usage != 0 else {
            return MemSection(number: s, flags: slot.flags, isEarly: early, usage: nil,
                              memmap: .init(populated: empty, fromAltmap: empty, pmdMapped: empty, isBoot: false, bytes: .zero, altmapBytes: .zero))
        }
        let id = slot.usage
        let populated = table.usage.snapshot(id, .memmap, count: n)
        let fromAltmap = table.usage.snapshot(id, .altmap, count: n)
        return MemSection(
            number: s, flags: slot.flags, isEarly: early,
            usage: .init(subsectionMap: table.usage.snapshot(id, .map, count: n), isBootAllocation: slot.bootUsage),
            memmap: .init(populated: populated, fromAltmap: fromAltmap, pmdMapped: table.usage.snapshot(id, .pmd, count: n),
                          isBoot: early, bytes: unitBytes * UInt64(populated.popCount),
                          altmapBytes: unitBytes * UInt64(fromAltmap.popCount)))
    }
}
