/// A half-open physical range `[start, end)`, the shape of `struct range` / `struct resource`
/// (which store the inclusive end; see `last`).
///
/// Invariant: `start + size` does not pass 2^64, so `end` always exists.
public struct AddressRange: Hashable, Sendable {
    public let start: PhysicalAddress
    public let size: ByteCount

    /// A range from a start and a size, or nil when the end would pass 2^64.
    @inlinable public init?(start: PhysicalAddress, size: ByteCount) {
        guard start.advanced(by: size) != nil else { return nil }
        self.start = start; self.size = size
    }
    /// A range from a start and an exclusive end, or nil when `end < start`.
    @inlinable public init?(start: PhysicalAddress, end: PhysicalAddress) {
        guard end >= start else { return nil }
        self.start = start; self.size = end - start
    }
    /// A range from a start and an inclusive last address, as /proc/iomem prints it.
    @inlinable public init?(start: PhysicalAddress, last: PhysicalAddress) {
        guard last >= start, last.rawValue != .max else { return nil }
        self.start = start; self.size = ByteCount(last.rawValue - start.rawValue + 1)
    }

    /// The first address past the range.
    @inlinable public var end: PhysicalAddress { start + size }
    /// The last address in the range (`res->end`); only meaningful when not empty.
    @inlinable public var last: PhysicalAddress { PhysicalAddress(end.rawValue &- 1) }
    @inlinable public var isEmpty: Bool { size.isZero }

    @inlinable public func contains(_ a: PhysicalAddress) -> Bool { a >= start && a < end }
    @inlinable public func contains(_ r: AddressRange) -> Bool { r.start >= start && r.end <= end }
    @inlinable public func overlaps(_ r: AddressRange) -> Bool { r.start < end && start < r.end }
    /// The overlap, or nil when disjoint.
    @inlinable public func intersection(_ r: AddressRange) -> AddressRange? {
        let s = Swift.max(start, r.start), e = Swift.min(end, r.end)
        return s < e ? AddressRange(start: s, end: e) : nil
    }

    /// `[mem 0x200000000-0x2fbffffff flags 0x200]`, as the kernel's `%pr` prints a memory resource.
    public func kernelResourceString(flags: UInt64 = 0x200) -> String {
        "[mem \(start)-\(last) flags 0x\(String(flags, radix: 16))]"
    }
    /// `[mem 0x0000000200000000-0x00000002ffffffff]`, as e820 and `%pa`-style boot lines print it.
    public var paddedHexString: String {
        func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return "0x" + String(repeating: "0", count: Swift.max(0, 16 - s.count)) + s }
        return "[mem \(pad(start.rawValue))-\(pad(last.rawValue))]"
    }
}

extension AddressRange: CustomStringConvertible {
    /// `0x200000000-0x2fbffffff` (inclusive end, as /proc/iomem and the CLI spell ranges).
    public var description: String { isEmpty ? "\(start)+0x0" : "\(start)-\(last)" }
}
