/// Human sizes as ndctl prints them with `-u` (util/json.c `util_json_object_size`):
/// `245.11 GiB (263.18 GB)`, `126.00 MiB (132.12 MB)`; below 1 KiB just the byte count.
extension ByteCount {
    public var humanDescription: String {
        /// `x / unit` with two decimals, rounded half up, computed exactly in 128 bits.
        func f(_ unit: UInt64) -> String {
            let hundredths = (UInt128(rawValue) * 100 + UInt128(unit / 2)) / UInt128(unit)
            let frac = Int(hundredths % 100)
            return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
        }
        let units: [(UInt64, String, UInt64, String)] = [
            (1 << 50, "PiB", 1_000_000_000_000_000, "PB"), (1 << 40, "TiB", 1_000_000_000_000, "TB"),
            (1 << 30, "GiB", 1_000_000_000, "GB"), (1 << 20, "MiB", 1_000_000, "MB"), (1 << 10, "KiB", 1_000, "KB"),
        ]
        for (threshold, bin, dec, decName) in units where rawValue >= threshold {
            return "\(f(threshold)) \(bin) (\(f(dec)) \(decName))"
        }
        return "\(rawValue)"
    }

    /// A short exact binary form when one exists (`2M`, `128M`, `1G`), else hex; used in messages.
    public var shortDescription: String {
        for (shift, unit) in [(50, "P"), (40, "T"), (30, "G"), (20, "M"), (10, "K")] where rawValue != 0 {
            let u = UInt64(1) << UInt64(shift)
            if rawValue % u == 0 { return "\(rawValue / u)\(unit)" }
        }
        return description
    }
}
