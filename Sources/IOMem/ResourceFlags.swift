import NDEmuCore

/// `struct resource`'s `flags` word (include/linux/ioport.h `IORESOURCE_*`).
public struct ResourceFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `IORESOURCE_IO`.
    public static let io = ResourceFlags(rawValue: 0x0000_0100)
    /// `IORESOURCE_MEM`.
    public static let mem = ResourceFlags(rawValue: 0x0000_0200)
    /// `IORESOURCE_IRQ`.
    public static let irq = ResourceFlags(rawValue: 0x0000_0400)
    /// `IORESOURCE_DMA`.
    public static let dma = ResourceFlags(rawValue: 0x0000_0800)
    /// `IORESOURCE_BUS`.
    public static let bus = ResourceFlags(rawValue: 0x0000_1000)
    /// `IORESOURCE_SYSRAM`.
    public static let sysram = ResourceFlags(rawValue: 0x0100_0000)
    /// `IORESOURCE_EXCLUSIVE`.
    public static let exclusive = ResourceFlags(rawValue: 0x0800_0000)
    /// `IORESOURCE_BUSY`: the range is claimed by a driver; `__request_region()` never nests under it.
    public static let busy = ResourceFlags(rawValue: 0x8000_0000)
    /// `IORESOURCE_SYSTEM_RAM` = `IORESOURCE_MEM | IORESOURCE_SYSRAM`.
    public static let systemRAM: ResourceFlags = [.mem, .sysram]

    /// `IORESOURCE_TYPE_BITS` (0x1f00): the type part `resource_type()` returns.
    public var type: ResourceFlags { ResourceFlags(rawValue: rawValue & 0x1f00) }

    /// `0x200`, as `%pr` prints the flags word.
    public var description: String { "0x" + String(rawValue, radix: 16) }
}

/// `struct resource`'s `desc` (include/linux/ioport.h `IORES_DESC_*`).
public enum ResourceDescriptor: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case crashKernel = 1
    case acpiTables = 2
    case acpiNVStorage = 3
    case persistentMemory = 4
    case persistentMemoryLegacy = 5
    case devicePrivateMemory = 6
    case reserved = 7
    case softReserved = 8
    case cxl = 9

    /// The kernel's name, `IORES_DESC_PERSISTENT_MEMORY_LEGACY`.
    public var kernelName: String {
        switch self {
        case .none: "IORES_DESC_NONE"
        case .crashKernel: "IORES_DESC_CRASH_KERNEL"
        case .acpiTables: "IORES_DESC_ACPI_TABLES"
        case .acpiNVStorage: "IORES_DESC_ACPI_NV_STORAGE"
        case .persistentMemory: "IORES_DESC_PERSISTENT_MEMORY"
        case .persistentMemoryLegacy: "IORES_DESC_PERSISTENT_MEMORY_LEGACY"
        case .devicePrivateMemory: "IORES_DESC_DEVICE_PRIVATE_MEMORY"
        case .reserved: "IORES_DESC_RESERVED"
        case .softReserved: "IORES_DESC_SOFT_RESERVED"
        case .cxl: "IORES_DESC_CXL"
        }
    }
    public var description: String { kernelName }
}

/// `region_intersects()`'s answer (include/linux/mm.h `REGION_*`).
public enum RegionIntersection: Int, Hashable, Sendable, CustomStringConvertible {
    case intersects = 0
    case disjoint = 1
    case mixed = 2

    public var description: String {
        switch self {
        case .intersects: "REGION_INTERSECTS"
        case .disjoint: "REGION_DISJOINT"
        case .mixed: "REGION_MIXED"
        }
    }
}
