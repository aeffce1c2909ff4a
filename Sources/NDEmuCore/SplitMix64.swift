/// SplitMix64 (Steele, Lea and Flood): a tiny deterministic generator, so fixed-seed property
/// tests draw the same cases every run and the benchmark replays the same operation list.
/// Not for anything that needs unpredictability (fresh info-block UUIDs use the system generator).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A value in `0..<n` by plain modulo (the benchmark's cheap draw; `n` must not be zero).
    public mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}
