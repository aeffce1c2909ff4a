import Foundation
import NDEmuCore

/// The geometry of `ndemu map`'s picture: the physical address space cut at every boundary that
/// matters (memory entries, regions, namespaces, padding, data, shared sections), each piece drawn
/// with a width that grows with the logarithm of its size, so 6 TiB and 16 MiB are both readable.
/// Holes between memory entries become fixed-width axis breaks.
public struct AddressMap: Sendable {
    /// A piece of the address space between two consecutive boundaries.
    public struct Piece: Sendable, Hashable {
        public let range: AddressRange
        /// Left edge and width in pixels.
        public let x: Double
        public let width: Double
        /// No memory entry covers it: drawn as an axis break.
        public let isHole: Bool
    }

    public let pieces: [Piece]
    public let totalWidth: Double
    /// Sections where two different things meet (a boundary that is not section-aligned):
    /// they get a zoomed panel with their sub-sections.
    public let interestingSections: [SectionNumber]

    /// Pixels for a piece of `size` bytes.
    static func width(of size: ByteCount) -> Double {
        let mib2 = Double(size.rawValue) / Double(1 << 21)
        return 16 + 22 * log2(1 + mib2)
    }
    static let holeWidth = 26.0

    public init(layout: Layout, simulation: Simulation?, arch: ArchProfile, maxZoomedSections: Int = 12) {
        var cuts = Set<UInt64>()
        func cut(_ a: PhysicalAddress) { cuts.insert(a.rawValue) }
        func cut(_ r: AddressRange) { cut(r.start); cut(r.end) }
        for m in layout.memory { cut(m.range) }
        for r in layout.regions { cut(r.range) }
        for (_, r) in layout.placedNamespaces { cut(r) }
        for n in simulation?.namespaces ?? [] where n.isOK {
            if let m = n.mappedRange { cut(m) }
            if let d = n.dataRange { cut(d.start) }
        }
        // Sections where something changes mid-section: cut at their edges so each stands alone.
        let sectionSize = arch.sectionSize
        var interesting: [SectionNumber] = []
        for c in cuts.sorted() where c % sectionSize.rawValue != 0 {
            let nr = arch.sectionNumber(of: PhysicalAddress(c))
            if interesting.last != nr { interesting.append(nr) }
        }
        let pmem = layout.memory.filter { $0.type.isPersistentMemory }.map(\.range)
        interesting = interesting.filter { nr in
            guard let s = AddressRange(start: arch.startAddress(of: nr), size: sectionSize) else { return false }
            return pmem.contains { $0.overlaps(s) }
        }
        for nr in interesting {
            let start = arch.startAddress(of: nr)
            cut(start)
            if let end = start.advanced(by: sectionSize) { cut(end) }
        }
        let lo = layout.memory.first.map(\.range.start.rawValue) ?? 0
        let hi = layout.memory.map(\.range.end.rawValue).max() ?? 0
        let sorted = cuts.filter { $0 >= lo && $0 <= hi }.sorted()
        var pieces: [Piece] = []
        var x = 0.0
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            guard let r = AddressRange(start: PhysicalAddress(a), end: PhysicalAddress(b)), !r.isEmpty else { continue }
            let hole = !layout.memory.contains { $0.range.overlaps(r) }
            let w = hole ? Self.holeWidth : Self.width(of: r.size)
            pieces.append(Piece(range: r, x: x, width: w, isHole: hole))
            x += w
        }
        self.pieces = pieces
        self.totalWidth = x
        self.interestingSections = Array(interesting.prefix(maxZoomedSections))
    }

    /// The x position of an address (interpolated linearly inside its piece).
    public func x(of a: PhysicalAddress) -> Double {
        guard let first = pieces.first else { return 0 }
        if a <= first.range.start { return first.x }
        for p in pieces where p.range.contains(a) {
            let f = Double(a.rawValue - p.range.start.rawValue) / Double(p.range.size.rawValue)
            return p.x + f * p.width
        }
        return totalWidth
    }

    /// Left and right x of a range.
    public func span(_ r: AddressRange) -> (x: Double, width: Double) {
        let a = x(of: r.start), b = r.isEmpty ? a : x(of: r.end)
        return (a, max(b - a, 0))
    }
}
