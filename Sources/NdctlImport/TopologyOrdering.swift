/// Device-name ordering. libndctl lists objects in reverse `readdir()` order and `ndctl list`
/// prints them as it finds them, so importers sort by the numbers in the device names
/// (`namespace0.10` after `namespace0.9`) to give one answer whatever the source.
enum DeviceName {
    /// `region12` → [12]; `namespace0.10` → [0, 10].
    static func numbers(_ name: String) -> [Int] {
        name.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    static func precedes(_ a: String, _ b: String) -> Bool {
        let x = numbers(a), y = numbers(b)
        return x == y ? a < b : x.lexicographicallyPrecedes(y)
    }
}

extension ImportedTopology {
    /// The same topology with buses, DIMMs, regions and namespaces in device-name order.
    public func sortedByDevice() -> ImportedTopology {
        var t = self
        t.buses = buses.sorted { DeviceName.precedes($0.dev, $1.dev) }.map { bus in
            var b = bus
            b.dimms.sort { DeviceName.precedes($0.dev, $1.dev) }
            b.regions = bus.regions.sorted { DeviceName.precedes($0.dev, $1.dev) }.map { region in
                var r = region
                r.namespaces.sort { DeviceName.precedes($0.dev, $1.dev) }
                return r
            }
            return b
        }
        t.memory.sort { $0.range.start < $1.range.start }
        return t
    }
}
