import NDEmuCore

/// Recovers a namespace's raw size from the usable size `ndctl list` prints, by running the
/// capacity model forwards over every candidate raw size: the raw sizes that are a multiple of
/// `granule` and yield a usable size inside `usable` (a single value, or the interval a `-u`
/// human string such as `"3.94 GiB (4.23 GB)"` stands for).
public struct SizeInversion: Hashable, Sendable {
    /// Every raw size that fits, ascending; at most `limit` (then `truncated`).
    public let candidates: [ByteCount]
    public let truncated: Bool

    public static let limit = 64

    /// `queries`: the capacity questions that may apply (e.g. both BTT layouts when the label
    /// version is unknown); a raw size fits when any of them yields the printed size.
    public init(usable: ClosedRange<UInt64>, queries: [CapacityQuery], start: PhysicalAddress, granule: ByteCount,
                ceiling: ByteCount?) {
        let align = queries.map(\.align).max() ?? .mib(2)
        // The overhead is at most 1/64 of the size (memmap) + two alignments + BTT metadata; a
        // raw size beyond usable·(1 + 1/32) + 4·align + 1 GiB cannot shrink to `usable`.
        let g = granule.isZero ? ByteCount.kib(4) : granule
        let hi = ByteCount(usable.upperBound)
        let slack = (hi / 32).adding(ByteCount.max(align, g).multiplied(by: 4) ?? .zero).flatMap { $0.adding(.gib(1)) }
        var bound = slack.flatMap { hi.adding($0) } ?? ByteCount(UInt64.max)
        if let ceiling { bound = ByteCount.min(bound, ceiling) }
        var found: [ByteCount] = []
        var r = ByteCount(usable.lowerBound).alignedUp(to: g) ?? bound
        if r.isZero { r = g }
        var truncated = false
        // Walk coarse (whole alignments) where the usable size is far below the target, then by granule.
        while r <= bound {
            if queries.contains(where: { q in q.usableSize(rawSize: r, start: start).map { usable.contains($0.rawValue) } ?? false }) {
                if found.count == Self.limit { truncated = true; break }
                found.append(r)
            }
            guard let next = r.adding(g) else { break }
            r = next
        }
        candidates = found
        self.truncated = truncated
    }

    /// The candidate with the most trailing zero bits (the smallest of those): people create
    /// namespaces of round sizes.
    public var roundest: ByteCount? {
        candidates.max { a, b in
            let (x, y) = (a.rawValue.trailingZeroBitCount, b.rawValue.trailingZeroBitCount)
            return x != y ? x < y : a > b
        }
    }

    /// `"4G"`, or `"4G or 4G+16M"`, or `"one of 70 sizes from 4G to 5G"`.
    public var summary: String {
        guard let first = candidates.first, let last = candidates.last else { return "no raw size" }
        if candidates.count == 1 { return first.shortDescription }
        if candidates.count <= 4 && !truncated { return candidates.map(\.shortDescription).joined(separator: " or ") }
        return "\(truncated ? "more than \(candidates.count)" : "\(candidates.count)") sizes from \(first.shortDescription) to \(last.shortDescription)"
    }
}
