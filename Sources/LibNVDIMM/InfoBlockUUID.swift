import NDEmuCore

/// A 16-byte uuid as libnvdimm stores it in an info block (`u8 uuid[16]`, the byte order of its
/// text form, as libuuid's `uuid_parse`/`uuid_unparse` use it).
public struct InfoBlockUUID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let null = InfoBlockUUID(unchecked: [UInt8](repeating: 0, count: 16))

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// From 16 raw bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// `uuid_parse`: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either case.
    public init(parsing text: String, input: String) throws(InputError) {
        let chars = Array(text.trimmingWhitespace.utf8)
        let dashes: Set<Int> = [8, 13, 18, 23]
        guard chars.count == 36 else {
            throw InputError(input, "'\(text)' is not a uuid (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
        }
        var out: [UInt8] = []
        var nibble: UInt8? = nil
        for (i, c) in chars.enumerated() {
            if dashes.contains(i) {
                guard c == UInt8(ascii: "-") else { throw InputError(input, "'\(text)' is not a uuid (a '-' belongs at position \(i + 1))") }
                continue
            }
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: throw InputError(input, "'\(text)' is not a uuid (bad hex digit at position \(i + 1))")
            }
            if let hi = nibble { out.append(hi << 4 | v); nibble = nil } else { nibble = v }
        }
        self.bytes = out
    }

    /// A random (version 4) uuid, as `uuid_generate` makes when none is given.
    public static func random() -> InfoBlockUUID {
        var g = SystemRandomNumberGenerator()
        return random(using: &g)
    }

    public static func random<G: RandomNumberGenerator>(using g: inout G) -> InfoBlockUUID {
        var b = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        b[6] = (b[6] & 0x0f) | 0x40
        b[8] = (b[8] & 0x3f) | 0x80
        return InfoBlockUUID(unchecked: b)
    }

    public var isNull: Bool { bytes.allSatisfy { $0 == 0 } }

    /// `uuid_unparse`: lowercase with dashes.
    public var description: String {
        var s = ""
        for (i, b) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(i) { s += "-" }
            let h = String(b, radix: 16)
            s += h.count == 1 ? "0" + h : h
        }
        return s
    }
}
