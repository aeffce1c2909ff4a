import NDEmuCore

/// One `struct mem_section` slot as the table stores it: the flag bits of `section_mem_map`
/// and a handle to its `struct mem_section_usage` (0 = `usage == NULL`). 8 bytes, where the
/// kernel's slot is 16 (the memmap pointer is implied by the section number under VMEMMAP).
struct SectionSlot: Sendable {
    var flags: SectionFlags = []
    var usage: UInt32 = 0
    var isUnused: Bool { flags.isEmpty && usage == 0 }
}

/// The planes one usage record keeps, each a bitmap of the section's units.
enum UsagePlane: Int {
    /// `usage->subsection_map` (v7: `map_active`).
    case map = 0
    /// Units whose struct pages are populated in the vmemmap.
    case memmap = 1
    /// Units whose vmemmap block came from a `vmem_altmap`.
    case altmap = 2
    /// Units whose vmemmap is PMD-mapped (else base pages).
    case pmd = 3
}

/// The `struct mem_section_usage` records, packed: each is `4 × wordsPerMap` words (one bitmap
/// per `UsagePlane`), plus whether it is a boot (memblock, PageReserved) allocation.
/// Freed records are reused, like kfree/kzalloc would.
struct UsagePool: Sendable {
    let wordsPerMap: Int
    let stride: Int
    private(set) var words: [UInt64] = []
    private(set) var boot: [Bool] = []
    private var freeList: [UInt32] = []
    private(set) var live = 0

    init(wordsPerMap: Int) { self.wordsPerMap = wordsPerMap; stride = 4 * wordsPerMap }

    /// kzalloc / memblock_alloc of one usage: a zeroed record. Returns its handle (≥ 1).
    mutating func allocate(boot isBoot: Bool) -> UInt32 {
        live += 1
        if let id = freeList.popLast() {
            boot[Int(id) - 1] = isBoot
            return id
        }
        words.append(contentsOf: repeatElement(0, count: stride))
        boot.append(isBoot)
        return UInt32(boot.count)
    }

    /// kfree: the record is zeroed for reuse.
    mutating func release(_ id: UInt32) {
        let base = (Int(id) - 1) * stride
        for i in base..<(base + stride) { words[i] = 0 }
        freeList.append(id)
        live -= 1
    }

    func isBoot(_ id: UInt32) -> Bool { boot[Int(id) - 1] }

    @inline(__always) private func base(_ id: UInt32, _ plane: UsagePlane) -> Int {
        (Int(id) - 1) * stride + plane.rawValue * wordsPerMap
    }

    @inline(__always) func intersects(_ id: UInt32, _ plane: UsagePlane, _ m: SectionMask) -> Bool {
        let b = base(id, plane)
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        for w in (lo >> 6)...(hi >> 6) where words[b + w] & SubsectionMap.wordMask(w, lo, hi) != 0 { return true }
        return false
    }
    @inline(__always) func contains(_ id: UInt32, _ plane: UsagePlane, _ m: SectionMask) -> Bool {
        let b = base(id, plane)
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        for w in (lo >> 6)...(hi >> 6) {
            let k = SubsectionMap.wordMask(w, lo, hi)
            if words[b + w] & k != k { return false }
        }
        return true
    }
    @inline(__always) mutating func set(_ id: UInt32, _ plane: UsagePlane, _ m: SectionMask) {
        let b = base(id, plane)
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        for w in (lo >> 6)...(hi >> 6) { words[b + w] |= SubsectionMap.wordMask(w, lo, hi) }
    }
    @inline(__always) mutating func clear(_ id: UInt32, _ plane: UsagePlane, _ m: SectionMask) {
        let b = base(id, plane)
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        for w in (lo >> 6)...(hi >> 6) { words[b + w] &= ~SubsectionMap.wordMask(w, lo, hi) }
    }
    @inline(__always) func isEmpty(_ id: UInt32, _ plane: UsagePlane) -> Bool {
        let b = base(id, plane)
        for w in 0..<wordsPerMap where words[b + w] != 0 { return false }
        return true
    }
    func popCount(_ id: UInt32, _ plane: UsagePlane) -> Int {
        let b = base(id, plane)
        return (0..<wordsPerMap).reduce(0) { $0 + words[b + $1].nonzeroBitCount }
    }
    func test(_ id: UInt32, _ plane: UsagePlane, bit: Int) -> Bool {
        words[base(id, plane) + (bit >> 6)] & (1 << UInt64(bit & 63)) != 0
    }
    func word(_ id: UInt32, _ plane: UsagePlane, _ w: Int) -> UInt64 { words[base(id, plane) + w] }
    func snapshot(_ id: UInt32, _ plane: UsagePlane, count: Int) -> SubsectionMap {
        let b = base(id, plane)
        return SubsectionMap(count: count, words: words[b..<(b + wordsPerMap)])
    }
}

/// The two-level section table of SPARSEMEM_EXTREME: `mem_section[NR_SECTION_ROOTS]` pointers,
/// each root an array of `SECTIONS_PER_ROOT` slots allocated on first use by `sparse_index_init()`
/// and never freed. A 52-bit physical space costs nothing until a section in it is used.
///
/// Value semantics: copying a `SectionTable` shares storage until one copy is mutated.
struct SectionTable: Sendable {
    let geometry: SectionGeometry
    /// Empty until `memory_present`/`sparse_index_init` first needs it (then `NR_SECTION_ROOTS` entries).
    private(set) var roots: [ContiguousArray<SectionSlot>] = []
    /// Indices of allocated roots, ascending (so walks skip the unallocated ones).
    private(set) var rootIndices: [Int] = []
    var allocatedRoots: Int { rootIndices.count }
    var usage: UsagePool
    /// `__highest_present_section_nr`: never goes down.
    private(set) var highestPresent: SectionNumber?

    init(geometry: SectionGeometry) {
        self.geometry = geometry
        usage = UsagePool(wordsPerMap: geometry.wordsPerMap)
    }

    @inline(__always) private func split(_ s: SectionNumber) -> (Int, Int) {
        (Int(s.rawValue >> UInt64(geometry.rootShift)), Int(s.rawValue & (geometry.sectionsPerRoot - 1)))
    }

    /// `__nr_to_section()`: nil when the number is past `NR_MEM_SECTIONS` or its root is not allocated.
    @inline(__always) func slot(_ s: SectionNumber) -> SectionSlot? {
        guard s.rawValue < geometry.numberOfSections, !roots.isEmpty else { return nil }
        let (r, i) = split(s)
        let root = roots[r]
        return root.isEmpty ? nil : root[i]
    }

    /// `sparse_index_init()`: allocates the root holding `s` if needed. Returns whether it did
    /// (the caller decides what an existing root means in its era). `s` must be below `NR_MEM_SECTIONS`.
    @discardableResult
    mutating func indexInit(_ s: SectionNumber) -> Bool {
        if roots.isEmpty {
            roots = Array(repeating: [], count: Int(geometry.numberOfRoots))
        }
        let (r, _) = split(s)
        guard roots[r].isEmpty else { return false }
        roots[r] = ContiguousArray(repeating: SectionSlot(), count: Int(geometry.sectionsPerRoot))
        if let last = rootIndices.last, last > r {
            var lo = 0, hi = rootIndices.count
            while lo < hi { let mid = (lo + hi) / 2; if rootIndices[mid] < r { lo = mid + 1 } else { hi = mid } }
            rootIndices.insert(r, at: lo)
        } else {
            rootIndices.append(r)
        }
        return true
    }

    /// The slot of a section whose root exists.
    @inline(__always) subscript(s: SectionNumber) -> SectionSlot {
        get { let (r, i) = split(s); return roots[r][i] }
        set { let (r, i) = split(s); roots[r][i] = newValue }
    }

    /// `section_mark_present()`.
    mutating func markPresent(_ s: SectionNumber) {
        self[s].flags.insert(.present)
        if highestPresent.map({ s > $0 }) ?? true { highestPresent = s }
    }

    /// Every section with a flag or a usage, ascending.
    func forEachUsed(in bounds: ClosedRange<SectionNumber>? = nil, _ body: (SectionNumber, SectionSlot) -> Void) {
        guard !roots.isEmpty else { return }
        let lo = bounds.map { split($0.lowerBound).0 } ?? 0
        let hi = bounds.map { min(split($0.upperBound).0, roots.count - 1) } ?? roots.count - 1
        guard lo <= hi else { return }
        for r in rootIndices where r >= lo && r <= hi {
            let root = roots[r]
            for i in 0..<root.count where !root[i].isUnused {
                let s = SectionNumber(UInt64(r) << UInt64(geometry.rootShift) | UInt64(i))
                if let b = bounds, !b.contains(s) { continue }
                body(s, root[i])
            }
        }
    }
}
