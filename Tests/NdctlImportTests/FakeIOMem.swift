import NDEmuCore

/// /proc/iomem text for a `FakeTopology`, as the kernel would print it with that tree live:
/// System RAM, one `Persistent Memory` entry per NFIT region (`Persistent Memory (legacy)` for
/// e820), a `namespaceR.N` child per enabled namespace (devm_nsio_enable()) and, for devdax, a
/// `daxR.N` grandchild for the data range (dev_dax_probe()).
enum FakeIOMem {
    /// `namespaces: false` leaves out the namespace and dax entries (as on a machine whose
    /// namespaces are disabled), so an importer must find raw sizes some other way.
    static func text(_ topology: FakeTopology, tree: FakeSysfs, namespaces: Bool = true) -> String {
        var lines: [(start: UInt64, text: [String])] = []
        func line(_ depth: Int, _ start: UInt64, _ size: UInt64, _ name: String) -> String {
            String(repeating: "  ", count: depth) + "\(PhysicalAddress(start).iomemHex)-\(PhysicalAddress(start + size - 1).iomemHex) : \(name)"
        }
        for ram in topology.ram {
            lines.append((ram.start.rawValue, [line(0, ram.start.rawValue, ram.size.rawValue, "System RAM")]))
        }
        for bus in topology.buses {
            for region in bus.regions {
                var block = [line(0, region.start, region.size, bus.provider == "e820" ? "Persistent Memory (legacy)" : "Persistent Memory")]
                for n in region.namespaces.indices where namespaces {
                    let dev = "namespace\(region.id).\(n)"
                    guard let e = tree.namespaces[dev] else { continue }
                    if case .devdax = region.namespaces[n].mode, let ds = e.dataStart {
                        // As 6.1 shows it: dax_pmem requests only the info block area under the
                        // namespace's name, and the device-dax data range follows as a sibling.
                        let daxIndex = region.namespaces[..<n].filter { if case .devdax = $0.mode { true } else { false } }.count
                        block.append(line(1, e.start, ds - e.start, dev))
                        block.append(line(1, ds, e.usableSize, "dax\(region.id).\(daxIndex)"))
                    } else {
                        block.append(line(1, e.start, e.size, dev))
                    }
                }
                lines.append((region.start, block))
            }
        }
        return lines.sorted { $0.start < $1.start }.flatMap(\.text).joined(separator: "\n") + "\n"
    }
}
