/// A physical address (`phys_addr_t` / `resource_size_t`).
///
/// Addresses are points, sizes are distances: an address plus a `ByteCount` is an address,
/// the difference of two addresses is a `ByteCount`, and two addresses cannot be added.
public struct PhysicalAddress: RawRepresentable, Hashable, Comparable, Sendable {
    public var rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt64) { self.rawValue = value }

    public static let zero = PhysicalAddress(0)

    @inlinable public static func < (a: PhysicalAddress, b: PhysicalAddress) -> Bool { a.rawValue < b.rawValue }

    /// `self + offset`, or nil past 2^64.
    @inlinable public func advanced(by offset: ByteCount) -> PhysicalAddress? {
        let (r, o) = rawValue.addingReportingOverflow(offset.rawValue); return o ? nil : PhysicalAddress(r)
    }
    /// `self - offset`, or nil below zero.
    @inlinable public func retreated(by offset: ByteCount) -> PhysicalAddress? {
        offset.rawValue > rawValue ? nil : PhysicalAddress(rawValue - offset.rawValue)
    }
    /// Unchecked `+` for values the model bounds (never raw input).
    @inlinable public static func + (a: PhysicalAddress, b: ByteCount) -> PhysicalAddress { PhysicalAddress(a.rawValue + b.rawValue) }
    @inlinable public static func - (a: PhysicalAddress, b: ByteCount) -> PhysicalAddress { PhysicalAddress(a.rawValue - b.rawValue) }
    /// The distance from `b` up to `a` (`a` must not be below `b`).
    @inlinable public static func - (a: PhysicalAddress, b: PhysicalAddress) -> ByteCount { ByteCount(a.rawValue - b.rawValue) }

    /// The address as an offset from zero (for alignment arithmetic).
    @inlinable public var offsetFromZero: ByteCount { ByteCount(rawValue) }

    @inlinable public func isAligned(to unit: ByteCount) -> Bool { offsetFromZero.isMultiple(of: unit) }
    /// `ALIGN_DOWN(addr, unit)`.
    @inlinable public func alignedDown(to unit: ByteCount) -> PhysicalAddress {
        PhysicalAddress(rawValue - rawValue % unit.rawValue)
    }
    /// `ALIGN(addr, unit)`, or nil past 2^64.
    @inlinable public func alignedUp(to unit: ByteCount) -> PhysicalAddress? {
        offsetFromZero.alignedUp(to: unit).map { PhysicalAddress($0.rawValue) }
    }

    /// `PHYS_PFN(addr)`: the page frame holding this address.
    @inlinable public func pfn(pageShift: Int) -> PFN { PFN(rawValue >> UInt64(pageShift)) }
}

extension PhysicalAddress: CustomStringConvertible {
    /// `0x200000000`, as the kernel's `%#llx` prints it.
    public var description: String { "0x" + String(rawValue, radix: 16) }
    /// Bare lowercase hex without prefix, as /proc/iomem prints it (`%08llx` zero-padded to 8).
    public var iomemHex: String {
        let s = String(rawValue, radix: 16)
        return s.count >= 8 ? s : String(repeating: "0", count: 8 - s.count) + s
    }
}
