import IOMem
import NDEmuCore

/// What a `struct dev_pagemap` is for (`enum memory_type`, include/linux/memremap.h), as a
/// driver asks for it; `kernelName(_:)` says what the era calls it.
public enum PagemapType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `MEMORY_DEVICE_PRIVATE`: device memory the CPU cannot address (HMM); struct pages only,
    /// hot-added with `add_pages()` and no linear map.
    case devicePrivate = "private"
    /// fsdax (`nd_pmem` in pfn mode): `MEMORY_DEVICE_FS_DAX` from 4.16, `MEMORY_DEVICE_HOST` before.
    case fsdax
    /// device-dax (`dax_pmem`): `MEMORY_DEVICE_DEVDAX` 5.3–5.9, `MEMORY_DEVICE_GENERIC` from 5.10;
    /// before 5.3 device-dax left the type 0 (`MEMORY_DEVICE_HOST` on 4.15).
    case devdax
    /// `MEMORY_DEVICE_PCI_P2PDMA` (4.20+): PCI BAR memory for peer-to-peer DMA.
    case p2pdma

    public var description: String { rawValue }

    /// The `enum memory_type` name the era gives this kind of pgmap, or nil when the era has
    /// no such type.
    public func kernelName(_ behaviour: KernelBehaviour) -> String? {
        switch self {
        case .devicePrivate: return "MEMORY_DEVICE_PRIVATE"
        case .fsdax: return behaviour.has(.pgmapTypeFsDax) ? "MEMORY_DEVICE_FS_DAX" : "MEMORY_DEVICE_HOST"
        case .devdax:
            if behaviour.has(.pgmapTypeGeneric) { return "MEMORY_DEVICE_GENERIC" }
            if behaviour.has(.pgmapTypeDevDax) { return "MEMORY_DEVICE_DEVDAX" }
            return behaviour.has(.pgmapTypeFsDax) ? "0 (unset)" : "MEMORY_DEVICE_HOST"
        case .p2pdma: return behaviour.has(.pgmapTypeP2PDMA) ? "MEMORY_DEVICE_PCI_P2PDMA" : nil
        }
    }

    /// Whether `devm_memremap_pages()` hot-adds with `add_pages()` (struct pages only) rather
    /// than `arch_add_memory()` (linear map + vmemmap).
    public var usesAddPages: Bool { self == .devicePrivate }
}

/// The callbacks a driver supplies in `dev_pagemap_ops` (5.3+); ndemu's drivers supply them
/// all unless a test asks otherwise.
public struct PagemapOps: Hashable, Sendable {
    /// `ops->page_free`.
    public var pageFree: Bool
    /// `ops->migrate_to_ram` (MEMORY_DEVICE_PRIVATE).
    public var migrateToRAM: Bool
    public init(pageFree: Bool = true, migrateToRAM: Bool = true) { self.pageFree = pageFree; self.migrateToRAM = migrateToRAM }
}

/// The device a pgmap belongs to, as `dev_WARN()` prefixes it: `nd_pmem pfn1.0`.
public struct DeviceName: Hashable, Sendable, CustomStringConvertible {
    public let driver: String
    public let name: String
    public init(driver: String, name: String) { self.driver = driver; self.name = name }
    /// `"nd_pmem pfn1.0"` → driver `nd_pmem`, name `pfn1.0`; a single word is a name with no driver.
    public init(parsing text: String) {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2 { self.init(driver: parts[0], name: parts[1]) } else { self.init(driver: "", name: text) }
    }
    /// `dev_driver_string(dev) dev_name(dev)`.
    public var description: String { driver.isEmpty ? name : "\(driver) \(name)" }
}

/// `struct dev_pagemap` as a driver fills it before `devm_memremap_pages()`.
public struct DevPagemap: Hashable, Sendable {
    /// `pgmap->res` (≤5.9) / `pgmap->range` (5.10+): the exact range, never section-aligned.
    public var range: AddressRange
    /// The flags `%pr` prints for `pgmap->res` (namespaces: `IORESOURCE_MEM`, 0x200).
    public var resourceFlags: ResourceFlags
    public var type: PagemapType
    /// `pgmap->altmap` when `PGMAP_ALTMAP_VALID` (fsdax/devdax `map=dev`).
    public var altmap: VMemAltmapRequest?
    public var ops: PagemapOps
    /// The device `dev_WARN()` names.
    public var device: DeviceName

    public init(range: AddressRange, type: PagemapType, altmap: VMemAltmapRequest? = nil,
                device: DeviceName, ops: PagemapOps = PagemapOps(), resourceFlags: ResourceFlags = .mem) {
        self.range = range; self.type = type; self.altmap = altmap; self.device = device
        self.ops = ops; self.resourceFlags = resourceFlags
    }
}

/// The altmap a driver describes: `reserve` and `free` pages from `base_pfn`, which is the
/// start of the range `arch_add_memory()` receives (`__add_pages` insists on it).
public struct VMemAltmapRequest: Hashable, Sendable {
    /// `base_pfn`.
    public var basePFN: PFN
    /// `reserve`: pages kept for the driver (the info block, and before 5.3 any start pad).
    public var reserve: PageCount
    /// `free`: pages set aside to hold the memmap.
    public var free: PageCount
    public init(basePFN: PFN, reserve: PageCount, free: PageCount) { self.basePFN = basePFN; self.reserve = reserve; self.free = free }
}
