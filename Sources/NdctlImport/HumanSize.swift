import NDEmuCore

/// A size as `ndctl list` printed it: exact bytes, or with `-u` a human string such as
/// `"249.00 GiB (267.36 GB)"` (util/json.c `util_json_object_size`), which stands for every byte
/// count that prints the same. Read back as the interval of those byte counts.
enum PrintedSize {
    /// The byte counts `value` can stand for, or nil when it is not a size.
    static func interval(_ value: JSON) -> ClosedRange<UInt64>? {
        if let n = value.uint64Value { return n...n }
        guard let s = value.stringValue else { return nil }
        if let n = try? Quantity.parse(s, input: "") { return n...n }       // "0x..." or plain digits
        // "X.XX UNIT (Y.YY DUNIT)"
        let parts = s.split(separator: " ")
        guard parts.count == 4, parts[2].first == "(", parts[3].last == ")" else { return nil }
        guard let a = hundredths(parts[0]), let unitA = binaryUnit(parts[1]),
              let b = hundredths(parts[2].dropFirst()), let unitB = decimalUnit(parts[3].dropLast())
        else { return nil }
        let x = range(hundredths: a, unit: unitA), y = range(hundredths: b, unit: unitB)
        let lo = max(x.lowerBound, y.lowerBound), hi = min(x.upperBound, y.upperBound)
        guard lo <= hi, hi <= UInt128(UInt64.max) else { return nil }
        return UInt64(lo)...UInt64(hi)
    }

    /// The roundest byte count in `r` (the one with the most trailing zero bits): what a size
    /// printed as `"8.00 GiB (8.59 GB)"` most likely was.
    static func roundest(_ r: ClosedRange<UInt64>) -> UInt64 {
        var bit = 63
        while bit > 0 {
            let unit = UInt64(1) << UInt64(bit)
            let (up, o) = r.lowerBound.addingReportingOverflow(unit - 1)
            if !o {
                let c = up / unit * unit
                if c <= r.upperBound && c >= r.lowerBound { return c }
            }
            bit -= 1
        }
        return r.lowerBound
    }

    /// The bytes whose `(bytes·100 + unit/2) / unit` is `h`: [ceil((h·unit − unit/2)/100), ceil(((h+1)·unit − unit/2)/100) − 1].
    private static func range(hundredths h: UInt128, unit: UInt128) -> ClosedRange<UInt128> {
        func ceilDiv(_ a: UInt128, _ b: UInt128) -> UInt128 { (a + b - 1) / b }
        let lo = h == 0 ? 0 : ceilDiv(h * unit - unit / 2, 100)
        let hi = ceilDiv((h + 1) * unit - unit / 2, 100) - 1
        return lo...hi
    }

    /// "249.00" → 24900.
    private static func hundredths<S: StringProtocol>(_ s: S) -> UInt128? {
        let p = s.split(separator: ".", omittingEmptySubsequences: false)
        guard p.count == 2, p[1].count == 2, let w = UInt128(p[0]), let f = UInt128(p[1]) else { return nil }
        return w * 100 + f
    }

    private static func binaryUnit<S: StringProtocol>(_ s: S) -> UInt128? {
        ["KiB": UInt128(1) << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50][String(s)]
    }

    private static func decimalUnit<S: StringProtocol>(_ s: S) -> UInt128? {
        ["KB": UInt128(1_000), "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000, "PB": 1_000_000_000_000_000][String(s)]
    }
}
