/// A number of bytes: a size, a length, an offset or an alignment.
///
/// Sizes never travel between layers as bare integers. Arithmetic that can overflow on
/// user input is checked: the `adding`/`subtracting`/`multiplied` forms return `nil`
/// instead of trapping, and the throwing helpers in `CheckedArithmetic.swift` name the input.
public struct ByteCount: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral {
    public var rawValue: UInt64

    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ bytes: UInt64) { self.rawValue = bytes }
    @inlinable public init(integerLiteral value: UInt64) { self.rawValue = value }

    public static let zero = ByteCount(0)
    @inlinable public static func kib(_ n: UInt64) -> ByteCount { ByteCount(n << 10) }
    @inlinable public static func mib(_ n: UInt64) -> ByteCount { ByteCount(n << 20) }
    @inlinable public static func gib(_ n: UInt64) -> ByteCount { ByteCount(n << 30) }
    @inlinable public static func tib(_ n: UInt64) -> ByteCount { ByteCount(n << 40) }
    /// `1 << shift` bytes.
    @inlinable public static func shift(_ bits: Int) -> ByteCount { ByteCount(1 << UInt64(bits)) }

    @inlinable public static func < (a: ByteCount, b: ByteCount) -> Bool { a.rawValue < b.rawValue }

    @inlinable public var isZero: Bool { rawValue == 0 }
    @inlinable public var isPowerOfTwo: Bool { rawValue != 0 && rawValue & (rawValue &- 1) == 0 }
    /// `ilog2` for a power of two (or the floor for any non-zero value).
    @inlinable public var log2: Int { 63 - rawValue.leadingZeroBitCount }
    /// The largest power of two not above this value (`1 << ilog2(x)`); zero stays zero.
    @inlinable public var roundedDownToPowerOfTwo: ByteCount {
        rawValue == 0 ? .zero : ByteCount(1 << UInt64(log2))
    }

    // MARK: Checked arithmetic (nil on overflow/underflow)
    @inlinable public func adding(_ other: ByteCount) -> ByteCount? {
        let (r, o) = rawValue.addingReportingOverflow(other.rawValue); return o ? nil : ByteCount(r)
    }
    @inlinable public func subtracting(_ other: ByteCount) -> ByteCount? {
        other.rawValue > rawValue ? nil : ByteCount(rawValue - other.rawValue)
    }
    @inlinable public func multiplied(by n: UInt64) -> ByteCount? {
        let (r, o) = rawValue.multipliedReportingOverflow(by: n); return o ? nil : ByteCount(r)
    }
    /// Saturating subtraction: `max(self - other, 0)`.
    @inlinable public func subtractingClamped(_ other: ByteCount) -> ByteCount {
        other.rawValue > rawValue ? .zero : ByteCount(rawValue - other.rawValue)
    }

    // MARK: Unchecked arithmetic, for values the model itself bounds (never raw input)
    @inlinable public static func + (a: ByteCount, b: ByteCount) -> ByteCount { ByteCount(a.rawValue + b.rawValue) }
    @inlinable public static func - (a: ByteCount, b: ByteCount) -> ByteCount { ByteCount(a.rawValue - b.rawValue) }
    @inlinable public static func * (a: ByteCount, n: UInt64) -> ByteCount { ByteCount(a.rawValue * n) }
    @inlinable public static func / (a: ByteCount, n: UInt64) -> ByteCount { ByteCount(a.rawValue / n) }
    /// How many whole `unit`s fit.
    @inlinable public static func / (a: ByteCount, unit: ByteCount) -> UInt64 { a.rawValue / unit.rawValue }
    @inlinable public static func % (a: ByteCount, unit: ByteCount) -> ByteCount { ByteCount(a.rawValue % unit.rawValue) }
    @inlinable public static func += (a: inout ByteCount, b: ByteCount) { a = a + b }
    @inlinable public static func -= (a: inout ByteCount, b: ByteCount) { a = a - b }

    // MARK: Alignment (the kernel's ALIGN / ALIGN_DOWN / IS_ALIGNED)
    @inlinable public func isMultiple(of unit: ByteCount) -> Bool {
        unit.rawValue == 0 ? rawValue == 0 : rawValue % unit.rawValue == 0
    }
    @inlinable public func alignedDown(to unit: ByteCount) -> ByteCount {
        ByteCount(rawValue - rawValue % unit.rawValue)
    }
    /// `ALIGN(x, unit)`; nil when rounding up passes 2^64.
    @inlinable public func alignedUp(to unit: ByteCount) -> ByteCount? {
        let rem = rawValue % unit.rawValue
        return rem == 0 ? self : ByteCount(rawValue).adding(ByteCount(unit.rawValue - rem))
    }
}

extension ByteCount: CustomStringConvertible {
    /// Bytes in hex, as the kernel prints sizes (`0x8000000`).
    public var description: String { "0x" + String(rawValue, radix: 16) }
}

extension ByteCount {
    public static func max(_ a: ByteCount, _ b: ByteCount) -> ByteCount { a < b ? b : a }
    public static func min(_ a: ByteCount, _ b: ByteCount) -> ByteCount { a < b ? a : b }
}
