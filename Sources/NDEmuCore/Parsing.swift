/// The CLI's size and address syntax (shared/CLI.md "Common conventions"):
/// decimal bytes, `0x` hex, or a binary suffix `K M G T P` (`2M` = 2 MiB). Fractions are rejected.
public enum Quantity {
    /// Parses a non-negative 64-bit quantity; `input` names the source for errors.
    public static func parse(_ text: String, input: String) throws(InputError) -> UInt64 {
        let t = text.trimmingWhitespace
        guard !t.isEmpty else { throw InputError(input, "empty value") }
        if t.contains(".") || t.contains(",") {
            throw InputError(input, "'\(text)' is not a whole number of bytes (fractions are rejected)")
        }
        let isHex = t.hasPrefix("0x") || t.hasPrefix("0X")
        let body = isHex ? t.dropFirst(2) : Substring(t)
        let digits = body.prefix { isHex ? $0.isHexDigit : ("0"..."9").contains($0) }
        let rest = body.dropFirst(digits.count)
        guard !digits.isEmpty else {
            throw InputError(input, "'\(text)' is not a number (bytes, 0x-hex, or a K/M/G/T/P suffix)")
        }
        var shift: UInt64 = 0
        if let unit = rest.first {
            guard rest.count == 1, let s = Self.suffixShift(unit) else {
                throw InputError(input, "'\(text)' has an unknown unit '\(rest)' (use K, M, G, T or P)")
            }
            shift = s
        }
        guard let v = UInt64(digits, radix: isHex ? 16 : 10) else {
            throw InputError(input, "'\(text)' does not fit in 64 bits")
        }
        let (r, o) = v.multipliedReportingOverflow(by: 1 << shift)
        guard !o else { throw InputError(input, "'\(text)' does not fit in 64 bits") }
        return r
    }

    private static func suffixShift(_ c: Character) -> UInt64? {
        switch c {
        case "k", "K": 10
        case "m", "M": 20
        case "g", "G": 30
        case "t", "T": 40
        case "p", "P": 50
        default: nil
        }
    }
}

extension ByteCount {
    /// `16G`, `0x8000000`, `134217728`.
    public init(parsing text: String, input: String) throws(InputError) {
        self.init(try Quantity.parse(text, input: input))
    }
}

extension PhysicalAddress {
    /// `0x200000000`, `8G` or decimal.
    public init(parsing text: String, input: String) throws(InputError) {
        self.init(try Quantity.parse(text, input: input))
    }
}

extension AddressRange {
    /// `START-END` (END inclusive, as /proc/iomem prints it) or `START+SIZE`.
    public init(parsing text: String, input: String) throws(InputError) {
        let t = text.trimmingWhitespace
        if let plus = t.firstIndex(of: "+") {
            let start = try PhysicalAddress(parsing: String(t[..<plus]), input: input)
            let size = try ByteCount(parsing: String(t[t.index(after: plus)...]), input: input)
            guard let r = AddressRange(start: start, size: size) else {
                throw InputError(input, "'\(text)': \(start) + \(size) passes the end of the 64-bit address space")
            }
            self = r
        } else if let dash = t.firstIndex(of: "-") {
            let start = try PhysicalAddress(parsing: String(t[..<dash]), input: input)
            let last = try PhysicalAddress(parsing: String(t[t.index(after: dash)...]), input: input)
            guard let r = AddressRange(start: start, last: last) else {
                throw InputError(input, "'\(text)': the end \(last) is below the start \(start) (or is 2^64-1)")
            }
            self = r
        } else {
            throw InputError(input, "'\(text)' is not a range (use START-END with an inclusive END, or START+SIZE)")
        }
    }
}

extension StringProtocol {
    public var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
