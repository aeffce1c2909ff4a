import NDEmuCore

/// The settings of a pfn (fsdax) or dax (devdax) device before it binds: `nd_pfn->mode`,
/// `nd_pfn->align`, `nd_pfn->uuid`, and which signature (`is_nd_dax()`).
public struct PfnSettings: Hashable, Sendable {
    public var signature: InfoBlockSignature
    public var mode: PfnMode
    public var align: ByteCount
    public var uuid: InfoBlockUUID

    public init(signature: InfoBlockSignature, mode: PfnMode = .pmem, align: ByteCount, uuid: InfoBlockUUID = .null) {
        self.signature = signature; self.mode = mode; self.align = align; self.uuid = uuid
    }
}

/// The namespace under a pfn/dax/btt device: its name, its resource `[S, E)`, its uuid
/// (`nd_dev_to_uuid`, all zero for a label-less namespace) and its region.
public struct NamespaceResource: Hashable, Sendable {
    public var name: String
    public var range: AddressRange
    public var uuid: InfoBlockUUID
    public var regionName: String
    public var regionReadOnly: Bool

    public init(name: String = "namespace0.0", range: AddressRange, uuid: InfoBlockUUID = .null,
                regionName: String = "region0", regionReadOnly: Bool = false) {
        self.name = name; self.range = range; self.uuid = uuid; self.regionName = regionName; self.regionReadOnly = regionReadOnly
    }
}

/// `struct vmem_altmap` as `__nvdimm_setup_pfn()` fills it for map=dev.
public struct AltmapParameters: Hashable, Sendable {
    /// First pfn of the whole mapping (section-aligned ≤5.2, sub-section-aligned from 5.3).
    public var basePFN: PFN
    /// Pfns mapped but reserved for the driver: the 8 KiB info area plus the gap from `basePFN`.
    public var reserve: PageCount
    /// Pfns set aside to hold the memmap: `PHYS_PFN(dataoff − 8K)`.
    public var free: PageCount
    /// `end_pfn` (6.x; the last pfn of the range).
    public var endPFN: PFN
}

/// The emulated kernel's view of one namespace: the device name used in its messages.
public struct DeviceNames: Hashable, Sendable {
    /// `pfn0.0` or `dax0.0`.
    public var device: String
    /// `nd_pmem` (pfn) or `dax_pmem` (dax): the `dev_*` message prefix driver.
    public var driver: String
    public init(device: String, driver: String) { self.device = device; self.driver = driver }

    public static func defaults(for signature: InfoBlockSignature) -> DeviceNames {
        signature == .pfn ? DeviceNames(device: "pfn0.0", driver: "nd_pmem") : DeviceNames(device: "dax0.0", driver: "dax_pmem")
    }
    /// `dev_err(&nd_pfn->dev, ...)` prefix.
    public func prefixed(_ message: String) -> String { "\(driver) \(device): \(message)" }
}

/// `%pa`: a phys_addr_t printed as 0x and 16 hex digits.
func percentPA(_ a: PhysicalAddress) -> String {
    let s = String(a.rawValue, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 16 - s.count)) + s
}

/// `%#lx` / `%#llx`: 0x-prefixed hex, `0` for zero.
func hashHex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
/// `%lx`.
func plainHex(_ v: UInt64) -> String { String(v, radix: 16) }
