/// A page frame number (`unsigned long pfn`).
public struct PFN: RawRepresentable, Hashable, Comparable, Sendable {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt64) { self.rawValue = value }
    @inlinable public static func < (a: PFN, b: PFN) -> Bool { a.rawValue < b.rawValue }

    @inlinable public static func + (a: PFN, n: PageCount) -> PFN { PFN(a.rawValue + n.rawValue) }
    @inlinable public static func - (a: PFN, n: PageCount) -> PFN { PFN(a.rawValue - n.rawValue) }
    /// Pages from `b` up to `a`.
    @inlinable public static func - (a: PFN, b: PFN) -> PageCount { PageCount(a.rawValue - b.rawValue) }
    @inlinable public func advanced(by n: PageCount) -> PFN? {
        let (r, o) = rawValue.addingReportingOverflow(n.rawValue); return o ? nil : PFN(r)
    }

    /// `PFN_PHYS(pfn)`, or nil if the address does not fit 64 bits.
    @inlinable public func physicalAddress(pageShift: Int) -> PhysicalAddress? {
        rawValue >> UInt64(64 - pageShift) != 0 ? nil : PhysicalAddress(rawValue << UInt64(pageShift))
    }
    @inlinable public func isMultiple(of n: PageCount) -> Bool { rawValue % n.rawValue == 0 }
    @inlinable public func alignedDown(to n: PageCount) -> PFN { PFN(rawValue - rawValue % n.rawValue) }
}

extension PFN: CustomStringConvertible {
    /// `0x200000`, as `%#lx` prints it.
    public var description: String { "0x" + String(rawValue, radix: 16) }
}

/// A number of pages (`nr_pages`, `unsigned long`).
public struct PageCount: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt64) { self.rawValue = value }
    @inlinable public init(integerLiteral value: UInt64) { self.rawValue = value }
    public static let zero = PageCount(0)
    @inlinable public static func < (a: PageCount, b: PageCount) -> Bool { a.rawValue < b.rawValue }
    @inlinable public static func + (a: PageCount, b: PageCount) -> PageCount { PageCount(a.rawValue + b.rawValue) }
    @inlinable public static func - (a: PageCount, b: PageCount) -> PageCount { PageCount(a.rawValue - b.rawValue) }
    @inlinable public static func += (a: inout PageCount, b: PageCount) { a = a + b }
    @inlinable public static func -= (a: inout PageCount, b: PageCount) { a = a - b }
    @inlinable public func isMultiple(of n: PageCount) -> Bool { rawValue % n.rawValue == 0 }
    /// The bytes these pages span.
    @inlinable public func bytes(pageShift: Int) -> ByteCount { ByteCount(rawValue << UInt64(pageShift)) }
}

extension PageCount: CustomStringConvertible {
    public var description: String { String(rawValue) }
}

extension ByteCount {
    /// `PHYS_PFN(bytes)`: whole pages in this many bytes (rounded down).
    @inlinable public func pages(pageShift: Int) -> PageCount { PageCount(rawValue >> UInt64(pageShift)) }
}
