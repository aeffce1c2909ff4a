import CNDCtl
import LibNVDIMM
import NDEmuCore

/// The live reader: every libndctl call ndemu makes is in this file.
///
/// libndctl (ndctl v76.1) walks `/sys/class/nd` and the bus device directories behind it
/// (`busses_init()`, `add_bus()`, `add_region()`, `add_namespace()`, `add_pfn()`, `add_dax()`,
/// `add_btt()`). This reader copies what it returns into `ImportedTopology` values and lets go
/// of the context; nothing outside this file sees a libndctl pointer.
///
/// libndctl signals "attribute missing" with sentinels (`ULLONG_MAX`, `ULONG_MAX`, `UINT_MAX`,
/// negative NUMA nodes); they become `nil` here.
public enum LibNdctl {
    /// A failure of libndctl itself (not "no NVDIMMs", which is an empty topology).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads every bus, DIMM, region, namespace and claiming pfn/dax/btt device.
    ///
    /// Idle "seed" namespaces (size 0) are skipped; configured namespaces that are not active
    /// are skipped with a note (plain `ndctl list` hides them too).
    public static func readTopology() throws(Failure) -> ImportedTopology {
        var ctx: OpaquePointer?
        let rc = ndctl_new(&ctx)
        guard rc == 0, let ctx else {
            throw Failure(description: "libndctl: ndctl_new() failed (\(rc)); is libnvdimm's sysfs readable?")
        }
        defer { _ = ndctl_unref(ctx) }

        var topology = ImportedTopology(source: "libndctl")
        var bus = ndctl_bus_get_first(ctx)
        while let b = bus {
            topology.buses.append(readBus(b, notes: &topology.notes))
            bus = ndctl_bus_get_next(b)
        }
        return topology
    }

    // MARK: Objects

    private static func readBus(_ bus: OpaquePointer, notes: inout [String]) -> Bus {
        var out = Bus(dev: string(ndctl_bus_get_devname(bus)) ?? "ndbus\(ndctl_bus_get_id(bus))",
                      provider: string(ndctl_bus_get_provider(bus)) ?? "")
        var dimm = ndctl_dimm_get_first(bus)
        while let d = dimm {
            let handle = ndctl_dimm_get_handle(d)
            out.dimms.append(DIMM(dev: string(ndctl_dimm_get_devname(d)) ?? "",
                                  handle: handle == UInt32.max ? nil : handle,
                                  physID: ndctl_bus_has_nfit(bus) != 0 ? ndctl_dimm_get_phys_id(d) : nil,
                                  id: string(ndctl_dimm_get_unique_id(d))))
            dimm = ndctl_dimm_get_next(d)
        }
        var region = ndctl_region_get_first(bus)
        while let r = region {
            out.regions.append(readRegion(r, notes: &notes))
            region = ndctl_region_get_next(r)
        }
        return out
    }

    private static func readRegion(_ region: OpaquePointer, notes: inout [String]) -> Region {
        let dev = string(ndctl_region_get_devname(region)) ?? "region\(ndctl_region_get_id(region))"
        var mappings: [Mapping] = []
        var mapping = ndctl_mapping_get_first(region)
        while let m = mapping {
            let position = ndctl_mapping_get_position(m)
            mappings.append(Mapping(dimm: ndctl_mapping_get_dimm(m).flatMap { string(ndctl_dimm_get_devname($0)) } ?? "",
                                    offset: ByteCount(ndctl_mapping_get_offset(m)),
                                    length: ByteCount(ndctl_mapping_get_length(m)),
                                    position: position < 0 ? nil : Int(position)))
            mapping = ndctl_mapping_get_next(m)
        }
        let align = ndctl_region_get_align(region)
        let available = ndctl_region_get_available_size(region)
        let numa = ndctl_region_get_numa_node(region)
        let target = ndctl_region_get_target_node(region)
        var out = Region(
            dev: dev,
            start: address(ndctl_region_get_resource(region)),
            size: ByteCount(ndctl_region_get_size(region)),
            align: align == UInt.max ? nil : ByteCount(UInt64(align)),
            availableSize: available == UInt64.max ? nil : ByteCount(available),
            hasLabels: ndctl_region_get_nstype(region) != 4,   // ND_DEVICE_NAMESPACE_IO
            mappings: mappings,
            isetID: ndctl_region_get_interleave_set(region).map { ndctl_interleave_set_get_cookie($0) },
            numaNode: numa < 0 ? nil : Int(numa),
            targetNode: target < 0 ? nil : Int(target),
            persistenceDomain: persistenceDomainName(ndctl_region_get_persistence_domain(region))
        )
        var ns = ndctl_namespace_get_first(region)
        while let n = ns {
            if let namespace = readNamespace(n, region: dev, notes: &notes) { out.namespaces.append(namespace) }
            ns = ndctl_namespace_get_next(n)
        }
        return out
    }

    private static func readNamespace(_ ndns: OpaquePointer, region: String, notes: inout [String]) -> Namespace? {
        let dev = string(ndctl_namespace_get_devname(ndns)) ?? ""
        let size = ndctl_namespace_get_size(ndns)
        guard size != 0, size != UInt64.max else { return nil }            // an idle seed
        guard ndctl_namespace_is_active(ndns) else {
            notes.append("\(dev) (\(region)) is configured but not active; skipped, as plain `ndctl list` does")
            return nil
        }
        let pfn = ndctl_namespace_get_pfn(ndns), dax = ndctl_namespace_get_dax(ndns), btt = ndctl_namespace_get_btt(ndns)
        let mode: NamespaceMode
        if pfn != nil { mode = .fsdax } else if dax != nil { mode = .devdax } else if btt != nil { mode = .sector } else {
            // Unclaimed: `mode` reads "memory" for a page-mapped raw namespace (an e820 region's,
            // pmem_should_map_pages()); it is raw all the same, with no info block.
            let sysfsMode = namespaceMode(ndctl_namespace_get_mode(ndns))
            if let m = sysfsMode, m != .raw {
                notes.append("\(dev): mode \(m.rawValue) without a claiming device: a page-mapped raw namespace; imported as raw")
            }
            mode = .raw
        }
        var out = Namespace(dev: dev, mode: mode)
        out.start = address(ndctl_namespace_get_resource(ndns))
        out.size = ByteCount(size)
        out.name = string(ndctl_namespace_get_alt_name(ndns)).flatMap { $0.isEmpty ? nil : $0 }
        out.rawUUID = uuid { ndctl_namespace_get_uuid(ndns, $0) }
        let numa = ndctl_namespace_get_numa_node(ndns), target = ndctl_namespace_get_target_node(ndns)
        out.numaNode = numa < 0 ? nil : Int(numa)
        out.targetNode = target < 0 ? nil : Int(target)
        let sector = ndctl_namespace_get_sector_size(ndns)
        if let p = pfn {
            out.claim = string(ndctl_pfn_get_devname(p))
            out.map = memmapLocation(ndctl_pfn_get_location(p))
            out.align = nonZero(UInt64(ndctl_pfn_get_align(p)))
            out.uuid = uuid { ndctl_pfn_get_uuid(p, $0) }
            out.data = dataRange(ndctl_pfn_get_resource(p), ndctl_pfn_get_size(p))
            out.usableSize = out.data?.size
            out.blockdev = string(ndctl_pfn_get_block_device(p)).flatMap { $0.isEmpty ? nil : $0 }
            out.sectorSize = sector == UInt32.max ? nil : sector
        } else if let d = dax {
            out.claim = string(ndctl_dax_get_devname(d))
            out.map = memmapLocation(ndctl_dax_get_location(d))
            out.align = nonZero(UInt64(ndctl_dax_get_align(d)))
            out.uuid = uuid { ndctl_dax_get_uuid(d, $0) }
            out.data = dataRange(ndctl_dax_get_resource(d), ndctl_dax_get_size(d))
            out.usableSize = out.data?.size
            out.chardev = out.claim
        } else if let t = btt {
            out.claim = string(ndctl_btt_get_devname(t))
            out.uuid = uuid { ndctl_btt_get_uuid(t, $0) }
            let s = ndctl_btt_get_sector_size(t)
            out.sectorSize = s == UInt32.max ? nil : s
            let usable = ndctl_btt_get_size(t)
            out.usableSize = usable == UInt64.max ? nil : ByteCount(usable)
            out.blockdev = string(ndctl_btt_get_block_device(t)).flatMap { $0.isEmpty ? nil : $0 }
        } else {
            out.usableSize = ByteCount(size)
            out.sectorSize = sector == UInt32.max ? nil : sector
            out.uuid = out.rawUUID
            if ndctl_namespace_is_enabled(ndns) != 0 {
                out.blockdev = string(ndctl_namespace_get_block_device(ndns)).flatMap { $0.isEmpty ? nil : $0 }
            }
        }
        return out
    }

    // MARK: Conversions of libndctl's C values

    private static func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    private static func address(_ v: UInt64) -> PhysicalAddress? { v == UInt64.max ? nil : PhysicalAddress(v) }

    private static func nonZero(_ v: UInt64) -> ByteCount? { v == 0 || v == UInt64.max ? nil : ByteCount(v) }

    private static func dataRange(_ resource: UInt64, _ size: UInt64) -> AddressRange? {
        guard resource != UInt64.max, size != UInt64.max else { return nil }
        return AddressRange(start: PhysicalAddress(resource), size: ByteCount(size))
    }

    /// A `uuid_t` filled by `get`, as lowercase text; nil when all zero (no uuid).
    private static func uuid(_ get: (UnsafeMutablePointer<UInt8>) -> Void) -> String? {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { get(base) }
        }
        guard bytes.contains(where: { $0 != 0 }) else { return nil }
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    private static func namespaceMode(_ m: ndctl_namespace_mode) -> NamespaceMode? {
        switch m {
        case NDCTL_NS_MODE_FSDAX: .fsdax
        case NDCTL_NS_MODE_SECTOR: .sector
        case NDCTL_NS_MODE_RAW: .raw
        case NDCTL_NS_MODE_DEVDAX: .devdax
        default: nil
        }
    }

    private static func memmapLocation(_ l: ndctl_pfn_loc) -> MemmapLocation? {
        switch l {
        case NDCTL_PFN_LOC_PMEM: .dev
        case NDCTL_PFN_LOC_RAM: .mem
        default: nil
        }
    }

    /// The names `ndctl list` prints (`util/json.c`).
    private static func persistenceDomainName(_ pd: ndctl_persistence_domain) -> String? {
        switch pd {
        case PERSISTENCE_NONE: "none"
        case PERSISTENCE_MEM_CTRL: "memory_controller"
        case PERSISTENCE_CPU_CACHE: "cpu_cache"
        default: nil
        }
    }
}
