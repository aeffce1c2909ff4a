/// A JSON value with object keys kept in order and numbers kept as their exact text, so that
/// 64-bit sizes and `iset_id`s at or above 2^63 survive a round trip (Foundation's parser turns
/// them into doubles). Used for every JSON ndemu reads (layouts, `ndctl list`) and writes.
public indirect enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number as written: `123`, `-5`, `1.5e3`.
    case number(String)
    case string(String)
    case array([JSON])
    /// Keys in document order.
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let n): h.combine(n)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    public static func int<I: BinaryInteger>(_ v: I) -> JSON { .number(String(v)) }
    public static func bytes(_ v: ByteCount) -> JSON { .number(String(v.rawValue)) }
    /// A hex string such as `"0x200000000"`.
    public static func hex<I: BinaryInteger>(_ v: I) -> JSON { .string("0x" + String(v, radix: 16)) }

    // MARK: Access
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o.first { $0.0 == key }?.1 }
        return nil
    }
    public var objectEntries: [(String, JSON)]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var numberText: String? { if case .number(let n) = self { return n }; return nil }
    /// An exact unsigned integer (no fraction, no exponent), or nil.
    public var uint64Value: UInt64? { numberText.flatMap { UInt64($0) } }
    public var int64Value: Int64? { numberText.flatMap { Int64($0) } }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// The JSON type's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

// MARK: - Writing
extension JSON {
    /// Pretty text with two-space indentation, keys in insertion order.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                if let ind = indent { out += "\n" + String(repeating: "  ", count: ind + 1) }
                v.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let ind = indent { out += "\n" + String(repeating: "  ", count: ind) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out += "," }
                if let ind = indent { out += "\n" + String(repeating: "  ", count: ind + 1) }
                JSON.writeString(k, into: &out)
                out += indent == nil ? ":" : ": "
                v.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let ind = indent { out += "\n" + String(repeating: "  ", count: ind) }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16); out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}

// MARK: - Reading
/// A JSON syntax error: where and what.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let problem: String
    public var description: String { "line \(line), column \(column): \(problem)" }
}

extension JSON {
    /// Parses a complete JSON document (RFC 8259), keeping number text exact.
    public init(parsing text: String) throws(JSONSyntaxError) {
        var p = JSONParser(Array(text.utf8))
        self = try p.parseDocument()
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ problem: String) -> JSONSyntaxError {
        var line = 1, col = 1
        for b in bytes[..<min(i, bytes.count)] { if b == 0x0A { line += 1; col = 1 } else { col += 1 } }
        return JSONSyntaxError(line: line, column: col, problem: problem)
    }

    mutating func skipWS() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSON {
        skipWS()
        guard i < bytes.count else { throw fail("empty document") }
        let v = try parseValue(depth: 0)
        skipWS()
        guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
        return v
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSON {
        guard depth < 512 else { throw fail("nesting too deep") }
        skipWS()
        guard i < bytes.count else { throw fail("unexpected end of input (truncated JSON?)") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1; var entries: [(String, JSON)] = []
            skipWS()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(entries) }
            while true {
                skipWS()
                guard i < bytes.count else { throw fail("unexpected end of input inside an object (truncated JSON?)") }
                guard bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                let k = try parseString()
                skipWS()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(k)\"") }
                i += 1
                entries.append((k, try parseValue(depth: depth + 1)))
                skipWS()
                guard i < bytes.count else { throw fail("unexpected end of input inside an object (truncated JSON?)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(entries) }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1; var items: [JSON] = []
            skipWS()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipWS()
                guard i < bytes.count else { throw fail("unexpected end of input inside an array (truncated JSON?)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Character(UnicodeScalar(bytes[i])))'")
        }
    }

    mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail("expected '\(word)'") }
        i += w.count
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int { var n = 0; while p.i < p.bytes.count, (0x30...0x39).contains(p.bytes[p.i]) { p.i += 1; n += 1 }; return n }
        guard digits(&self) > 0 else { throw fail("malformed number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") { i += 1; guard digits(&self) > 0 else { throw fail("malformed number") } }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw fail("malformed number") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw fail("control character in a string") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let v = UInt32(String(decoding: bytes[i + 1...i + 4], as: UTF8.self), radix: 16)
                    else { throw fail("bad \\u escape") }
                    i += 4
                    var scalar = v
                    if (0xD800...0xDBFF).contains(v), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u"),
                       let lo = UInt32(String(decoding: bytes[i + 3...i + 6], as: UTF8.self), radix: 16), (0xDC00...0xDFFF).contains(lo) {
                        scalar = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00); i += 6
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default: throw fail("bad escape in a string")
                }
                i += 1
            } else { out.append(b); i += 1 }
        }
        throw fail("unterminated string (truncated JSON?)")
    }
}
