import NDEmuCore

/// One `struct mem_section` slot as the table stores it: the flag bits of `section_mem_map`
/// and a handle to its `struct mem_section_usage` (0 = `usage == NULL`). 8 bytes, where the
/// kernel's slot is 16 (the memmap pointer is implied by the section number under VMEMMAP).
struct SectionSlot: Sendable {
    var flags: SectionFlags = []
    /// The usage came from memblock at boot (PageReserved), not kzalloc: kept here, beside the
    /// handle, so the test costs no extra cache miss.
    var bootUsage = false
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
/// per `UsagePlane`). Whether one is a boot allocation is kept in its `SectionSlot`.
/// Freed records are reused, like kfree/kzalloc would.
struct UsagePool: Sendable {
    let wordsPerMap: Int
    let stride: Int
    private(set) var words: [UInt64] = []
    private var freeList: [UInt32] = []
    private(set) var live = 0

    init(wordsPerMap: Int) { self.wordsPerMap = wordsPerMap; stride = 4 * wordsPerMap }

    /// kzalloc / memblock_alloc of one usage: a zeroed record. Returns its handle (≥ 1).
    mutating func allocate() -> UInt32 {
        live += 1
        if let id = freeList.popLast() { return id }
        // Grow by a batch of zeroed records (as a slab cache would), handing out the lowest first.
        let first = words.count / stride
        let batch = Swift.max(16, first / 8)
        words.append(contentsOf: [UInt64](repeating: 0, count: batch * stride))
        for r in Swift.stride(from: first + batch, to: first + 1, by: -1) { freeList.append(UInt32(r)) }
        return UInt32(first + 1)
    }

    /// kfree: the record is zeroed for reuse.
    mutating func release(_ id: UInt32) {
        let base = (Int(id) - 1) * stride, n = stride
        words.withUnsafeMutableBufferPointer { w in for i in base..<(base + n) { w[i] = 0 } }
        freeList.append(id)
        live -= 1
    }


    var storageBytes: Int {
        words.capacity * 8 + freeList.capacity * MemoryLayout<UInt32>.stride
    }

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
    /// `section_activate`'s bookkeeping in one pass: the map bits, and (unless the memmap is
    /// reused) the memmap bits and, for PMD-mapped vmemmap, the PMD bits.
    @inline(__always) mutating func activate(_ id: UInt32, _ m: SectionMask, memmap: Bool, pmd: Bool) {
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        let base = (Int(id) - 1) * stride, wpm = wordsPerMap
        words.withUnsafeMutableBufferPointer { w in
            for i in (lo >> 6)...(hi >> 6) {
                let k = SubsectionMap.wordMask(i, lo, hi)
                w[base + i] |= k
                if memmap { w[base + wpm + i] |= k }
                if pmd { w[base + 3 * wpm + i] |= k }
            }
        }
    }

    /// `clear_subsection_map`'s check and clear in one pass: nil when `m` is not a subset of the
    /// map (nothing changes), else whether the map is now empty.
    @inline(__always) mutating func clearMap(_ id: UInt32, _ m: SectionMask) -> Bool? {
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        let base = (Int(id) - 1) * stride, wpm = wordsPerMap
        return words.withUnsafeMutableBufferPointer { w -> Bool? in
            for i in (lo >> 6)...(hi >> 6) {
                let k = SubsectionMap.wordMask(i, lo, hi)
                if w[base + i] & k != k { return nil }
            }
            var rest: UInt64 = 0
            for i in 0..<wpm {
                if i >= lo >> 6 && i <= hi >> 6 { w[base + i] &= ~SubsectionMap.wordMask(i, lo, hi) }
                rest |= w[base + i]
            }
            return rest == 0
        }
    }

    /// Clears the memmap, altmap and PMD bits of `m`; returns whether any PMD bit was set.
    @inline(__always) mutating func clearMemmap(_ id: UInt32, _ m: SectionMask) -> Bool {
        let lo = m.bits.lowerBound, hi = m.bits.upperBound
        let base = (Int(id) - 1) * stride, wpm = wordsPerMap
        return words.withUnsafeMutableBufferPointer { w -> Bool in
            var pmd = false
            for i in (lo >> 6)...(hi >> 6) {
                let k = SubsectionMap.wordMask(i, lo, hi)
                if w[base + 3 * wpm + i] & k != 0 { pmd = true }
                w[base + wpm + i] &= ~k
                w[base + 2 * wpm + i] &= ~k
                w[base + 3 * wpm + i] &= ~k
            }
            return pmd
        }
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
/// Storage: the root "pointers" are 32-bit block numbers (0 = not allocated) and the roots are
/// consecutive blocks of one slot array, so a lookup is two loads and a mutation one
/// uniqueness check. Value semantics: copies share storage until one is mutated.
struct SectionTable: Sendable {
    let geometry: SectionGeometry
    /// `mem_section[root]`: 0 until allocated, else the root's block number + 1. Empty until
    /// `memory_present`/`sparse_index_init` first needs it (then `NR_SECTION_ROOTS` entries).
    private(set) var rootBlocks: [UInt32] = []
    /// The roots' slots, `SECTIONS_PER_ROOT` per block, in allocation order.
    private var slots: ContiguousArray<SectionSlot> = []
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

    /// The slot index of `s` if its root is allocated.
    @inline(__always) private func index(_ s: SectionNumber) -> Int? {
        guard s.rawValue < geometry.numberOfSections, !rootBlocks.isEmpty else { return nil }
        let block = rootBlocks[Int(truncatingIfNeeded: s.rawValue >> UInt64(geometry.rootShift))]
        guard block != 0 else { return nil }
        return (Int(block) - 1) << geometry.rootShift | Int(truncatingIfNeeded: s.rawValue & (geometry.sectionsPerRoot - 1))
    }

    /// `__nr_to_section()`: nil when the number is past `NR_MEM_SECTIONS` or its root is not allocated.
    @inline(__always) func slot(_ s: SectionNumber) -> SectionSlot? {
        index(s).map { slots[$0] }
    }

    /// Where `s` lives, if its root is allocated (for repeated access to one slot).
    @inline(__always) func slotIndex(_ s: SectionNumber) -> Int? { index(s) }

    /// `sparse_index_init()` then the slot's index.
    @inline(__always) mutating func slotIndex(creating s: SectionNumber) -> Int {
        if let i = index(s) { return i }
        indexInit(s)
        return index(s)!
    }

    /// A slot by index.
    @inline(__always) subscript(at i: Int) -> SectionSlot {
        get { slots[i] }
        _modify { yield &slots[i] }
    }

    /// Raises `__highest_present_section_nr` to `s` (the rest of `section_mark_present()`).
    @inline(__always) mutating func notePresent(_ s: SectionNumber) {
        if let h = highestPresent, s <= h { return }
        highestPresent = s
    }

    /// `section_mark_present()` by index.
    @inline(__always) mutating func markPresent(_ s: SectionNumber, at i: Int) {
        slots[i].flags.insert(.present)
        if let h = highestPresent, s <= h { return }
        highestPresent = s
    }

    /// `sparse_index_init()`: allocates the root holding `s` if needed. Returns whether it did
    /// (the caller decides what an existing root means in its era). `s` must be below `NR_MEM_SECTIONS`.
    @discardableResult
    mutating func indexInit(_ s: SectionNumber) -> Bool {
        if rootBlocks.isEmpty {
            rootBlocks = Array(repeating: 0, count: Int(geometry.numberOfRoots))
        }
        let r = Int(truncatingIfNeeded: s.rawValue >> UInt64(geometry.rootShift))
        guard rootBlocks[r] == 0 else { return false }
        slots.append(contentsOf: ContiguousArray(repeating: SectionSlot(), count: Int(geometry.sectionsPerRoot)))
        rootBlocks[r] = UInt32(rootIndices.count + 1)
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
        get { slots[index(s)!] }
        set { slots[index(s)!] = newValue }
    }

    /// `section_mark_present()`.
    mutating func markPresent(_ s: SectionNumber) {
        self[s].flags.insert(.present)
        if highestPresent.map({ s > $0 }) ?? true { highestPresent = s }
    }

    /// Bytes this table's storage holds (capacity, not just use): for comparing with the kernel.
    var storageBytes: Int {
        rootBlocks.capacity * MemoryLayout<UInt32>.stride + slots.capacity * MemoryLayout<SectionSlot>.stride
            + rootIndices.capacity * MemoryLayout<Int>.stride + usage.storageBytes
    }

    /// Every section with a flag or a usage, ascending (optionally only those in `bounds`).
    func forEachUsed(in bounds: ClosedRange<SectionNumber>? = nil, _ body: (SectionNumber, SectionSlot) -> Void) {
        guard !rootBlocks.isEmpty else { return }
        let shift = UInt64(geometry.rootShift)
        let lo = bounds.map { Int(truncatingIfNeeded: $0.lowerBound.rawValue >> shift) } ?? 0
        let hi = bounds.map { Int(truncatingIfNeeded: $0.upperBound.rawValue >> shift) } ?? Int.max
        for r in rootIndices where r >= lo && r <= hi {
            let base = (Int(rootBlocks[r]) - 1) << geometry.rootShift
            for i in 0..<Int(geometry.sectionsPerRoot) where !slots[base + i].isUnused {
                let s = SectionNumber(UInt64(r) << shift | UInt64(i))
                if let b = bounds, !b.contains(s) { continue }
                body(s, slots[base + i])
            }
        }
    }
}
