/// One section's `subsection_map` (`struct mem_section_usage`), as a value: as wide as the
/// architecture's `SUBSECTIONS_PER_SECTION` (8 bits on ppc64, 64 on x86_64 and arm64 from 5.12
/// with 4K/16K pages, 256 on arm64 64K, 512 on arm64 with 1 GiB sections), bit *i* = sub-section *i*.
///
/// Up to 64 bits live inline in one word; wider maps keep their 4 or 8 words inline too.
/// Inside the engine the same words live packed in the section table's usage pool; this type is
/// what queries hand out and what tests build masks with.
public struct SubsectionMap: Hashable, Sendable, CustomStringConvertible {
    /// `SUBSECTIONS_PER_SECTION`.
    public let count: Int
    @usableFromInline var storage: Storage

    @usableFromInline enum Storage: Hashable, Sendable {
        case one(UInt64)
        case four(UInt64, UInt64, UInt64, UInt64)
        case eight(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    }

    /// An empty map of `count` bits (`count` ≤ 512).
    public init(count: Int) {
        precondition(count > 0 && count <= 512 && (count <= 64 || count % 64 == 0), "unsupported bitmap width \(count)")
        self.count = count
        switch (count + 63) / 64 {
        case 1: storage = .one(0)
        case 2...4: storage = .four(0, 0, 0, 0)
        default: storage = .eight(0, 0, 0, 0, 0, 0, 0, 0)
        }
    }

    /// A map from its words, least significant first.
    public init(count: Int, words: some Sequence<UInt64>) {
        self.init(count: count)
        for (i, w) in words.enumerated() where i < wordCount { self[word: i] = w }
        clearPadding()
    }

    /// `subsection_mask_set`-style mask: bits `first` through `last`, inclusive.
    public init(count: Int, bits: ClosedRange<Int>) {
        self.init(count: count)
        setBits(bits)
    }

    /// Number of 64-bit words (1, 4 or 8).
    public var wordCount: Int {
        switch storage { case .one: 1; case .four: 4; case .eight: 8 }
    }

    /// Word `i` (bits `64i ..< 64i+64`).
    public subscript(word i: Int) -> UInt64 {
        get {
            switch storage {
            case .one(let a): return a
            case .four(let a, let b, let c, let d):
                switch i { case 0: return a; case 1: return b; case 2: return c; default: return d }
            case .eight(let a, let b, let c, let d, let e, let f, let g, let h):
                switch i {
                case 0: return a; case 1: return b; case 2: return c; case 3: return d
                case 4: return e; case 5: return f; case 6: return g; default: return h
                }
            }
        }
        set {
            switch storage {
            case .one: storage = .one(newValue)
            case .four(var a, var b, var c, var d):
                switch i { case 0: a = newValue; case 1: b = newValue; case 2: c = newValue; default: d = newValue }
                storage = .four(a, b, c, d)
            case .eight(var a, var b, var c, var d, var e, var f, var g, var h):
                switch i {
                case 0: a = newValue; case 1: b = newValue; case 2: c = newValue; case 3: d = newValue
                case 4: e = newValue; case 5: f = newValue; case 6: g = newValue; default: h = newValue
                }
                storage = .eight(a, b, c, d, e, f, g, h)
            }
        }
    }

    public var words: [UInt64] { (0..<wordCount).map { self[word: $0] } }

    public func contains(_ bit: Int) -> Bool {
        bit >= 0 && bit < count && self[word: bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
    public var isEmpty: Bool { (0..<wordCount).allSatisfy { self[word: $0] == 0 } }
    public var isFull: Bool { popCount == count }
    /// Number of set bits (`bitmap_weight`).
    public var popCount: Int { (0..<wordCount).reduce(0) { $0 + self[word: $1].nonzeroBitCount } }
    /// The indices of set bits, ascending.
    public var setBits: [Int] {
        var out: [Int] = []
        for w in 0..<wordCount {
            var x = self[word: w]
            while x != 0 { out.append(w * 64 + x.trailingZeroBitCount); x &= x - 1 }
        }
        return out
    }

    public mutating func setBits(_ bits: ClosedRange<Int>) {
        for w in (bits.lowerBound >> 6)...(bits.upperBound >> 6) {
            self[word: w] |= Self.wordMask(w, bits.lowerBound, bits.upperBound)
        }
    }
    public mutating func clearBits(_ bits: ClosedRange<Int>) {
        for w in (bits.lowerBound >> 6)...(bits.upperBound >> 6) {
            self[word: w] &= ~Self.wordMask(w, bits.lowerBound, bits.upperBound)
        }
    }

    public func union(_ o: SubsectionMap) -> SubsectionMap { combine(o) { $0 | $1 } }
    public func intersection(_ o: SubsectionMap) -> SubsectionMap { combine(o) { $0 & $1 } }
    public func subtracting(_ o: SubsectionMap) -> SubsectionMap { combine(o) { $0 & ~$1 } }
    public func intersects(_ o: SubsectionMap) -> Bool { !intersection(o).isEmpty }
    public func isSubset(of o: SubsectionMap) -> Bool { subtracting(o).isEmpty }

    private func combine(_ o: SubsectionMap, _ f: (UInt64, UInt64) -> UInt64) -> SubsectionMap {
        precondition(o.count == count, "bitmaps of different widths")
        var r = self
        for i in 0..<wordCount { r[word: i] = f(self[word: i], o[word: i]) }
        return r
    }

    private mutating func clearPadding() {
        if count < 64 { self[word: 0] &= (1 << UInt64(count)) - 1 }
    }

    /// The bits of word `w` that lie in `lo...hi`.
    @inline(__always) static func wordMask(_ w: Int, _ lo: Int, _ hi: Int) -> UInt64 {
        let first = max(lo - w * 64, 0), last = min(hi - w * 64, 63)
        let upper: UInt64 = last == 63 ? ~0 : (1 << UInt64(last + 1)) - 1
        return upper & ~((1 << UInt64(first)) - 1)
    }

    /// Hex as the kernel's `%*pb` bitmap printer would show it: most significant word first,
    /// each word zero-padded, for example `ffffffff00000000` (ppc64: `ff`).
    public var hex: String {
        if count <= 64 {
            let digits = (count + 3) / 4
            let s = String(self[word: 0], radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        return (0..<wordCount).reversed().map { i -> String in
            let s = String(self[word: i], radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined(separator: ",")
    }
    public var description: String { "0x" + hex.replacingOccurrences(of: ",", with: "") }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
