/// A SPARSEMEM section number (`unsigned long section_nr`, `pfn_to_section_nr()`).
public struct SectionNumber: RawRepresentable, Hashable, Comparable, Sendable, Strideable {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt64) { self.rawValue = value }
    @inlinable public static func < (a: SectionNumber, b: SectionNumber) -> Bool { a.rawValue < b.rawValue }
    @inlinable public func distance(to other: SectionNumber) -> Int64 { Int64(bitPattern: other.rawValue &- rawValue) }
    @inlinable public func advanced(by n: Int64) -> SectionNumber { SectionNumber(UInt64(bitPattern: Int64(bitPattern: rawValue) &+ n)) }
}

extension SectionNumber: CustomStringConvertible {
    /// `0x5f`, as the kernel's `%#lx` prints it.
    public var description: String { "0x" + String(rawValue, radix: 16) }
}
