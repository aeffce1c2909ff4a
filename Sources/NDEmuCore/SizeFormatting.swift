/// Human sizes as ndctl prints them with `-u` (util/json.c `display_size()`, adapted from mdadm's
/// `human_size_brief()`): below 5000 KiB the plain byte count; below 2 GiB in MiB and MB; below
/// 2 TiB in GiB and GB; above that in TiB and TB. Each figure is in hundredths of the unit, rounded
/// half up from the truncated double-hundredths (`(bytes·200/unit + 1) / 2` for the binary unit,
/// `(bytes / (unit/200) + 1) / 2` for the decimal one): `245.11 GiB (263.18 GB)`, `2044.97 MiB (2144.31 MB)`.
extension ByteCount {
    /// Exactly what `ndctl list -u` prints for this size.
    public var ndctlHumanDescription: String {
        rawValue < 5000 << 10 ? "\(rawValue)" : humanDescription
    }

    /// For people: ndctl's form (`ndctlHumanDescription`), except that sizes below 5000 KiB, which
    /// ndctl leaves as bare byte counts, keep a unit too (`4.00 MiB (4.19 MB)`, `32.00 KiB (32.77 KB)`).
    public var humanDescription: String {
        let bytes = UInt128(rawValue)
        func binary(_ unit: UInt128) -> String { Self.hundredths((bytes * 200 / unit + 1) / 2) }
        func decimal(_ unit: UInt128) -> String { Self.hundredths((bytes / (unit / 200) + 1) / 2) }
        if rawValue < 1 << 10 { return "\(rawValue)" }
        if rawValue < 1 << 20 { return "\(binary(1 << 10)) KiB (\(decimal(1_000)) KB)" }
        if rawValue < 2 << 30 { return "\(binary(1 << 20)) MiB (\(decimal(1_000_000)) MB)" }
        if rawValue < 2 << 40 { return "\(binary(1 << 30)) GiB (\(decimal(1_000_000_000)) GB)" }
        return "\(binary(1 << 40)) TiB (\(decimal(1_000_000_000_000)) TB)"
    }

    /// `1234` hundredths → `12.34`.
    private static func hundredths(_ c: UInt128) -> String {
        let frac = Int(c % 100)
        return "\(c / 100).\(frac < 10 ? "0" : "")\(frac)"
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
