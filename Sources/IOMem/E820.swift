import NDEmuCore

/// An e820 memory type (arch/x86/include/asm/e820/types.h `enum e820_type`).
public enum E820Type: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ram = 1
    case reserved = 2
    case acpi = 3
    case nvs = 4
    case unusable = 5
    /// Type 7: ACPI 6 persistent memory (NFIT platforms).
    case pmem = 7
    /// Type 12: legacy persistent memory, what `memmap=nn!ss` creates.
    case pram = 12
    case reservedKern = 128
    case softReserved = 0xefff_ffff

    /// The /proc/iomem name (`e820_type_to_string()`).
    public var iomemName: String {
        switch self {
        case .ram, .reservedKern: "System RAM"
        case .acpi: "ACPI Tables"
        case .nvs: "ACPI Non-volatile Storage"
        case .unusable: "Unusable memory"
        case .pram: "Persistent Memory (legacy)"
        case .pmem: "Persistent Memory"
        case .softReserved: "Soft Reserved"
        case .reserved: "Reserved"
        }
    }

    /// The type named by a /proc/iomem top-level name (the layout file's `memory[].type`).
    public init?(iomemName: String) {
        guard let t = Self.allCases.first(where: { $0 != .reservedKern && $0.iomemName.lowercased() == iomemName.lowercased() })
        else { return nil }
        self = t
    }

    /// `e820_type_to_iomem_type()`: RAM is `IORESOURCE_SYSTEM_RAM`, everything else `IORESOURCE_MEM`.
    public var resourceFlags: ResourceFlags { self == .ram || self == .reservedKern ? .systemRAM : .mem }

    /// `e820_type_to_iores_desc()`.
    public var resourceDescriptor: ResourceDescriptor {
        switch self {
        case .acpi: .acpiTables
        case .nvs: .acpiNVStorage
        case .pmem: .persistentMemory
        case .pram: .persistentMemoryLegacy
        case .reserved: .reserved
        case .softReserved: .softReserved
        case .ram, .reservedKern, .unusable: .none
        }
    }

    /// `do_mark_busy()`: the first MiB is always busy; PMEM, PRAM and the reserved kinds are
    /// left for drivers to claim; everything else is busy.
    func isBusy(at start: PhysicalAddress) -> Bool {
        if start.rawValue < 1 << 20 { return true }
        switch self {
        case .reserved, .softReserved, .pram, .pmem: return false
        default: return true
        }
    }

    public var description: String { iomemName }
}

/// One e820 entry: a range and its type.
public struct E820Entry: Hashable, Sendable, CustomStringConvertible {
    public var range: AddressRange
    public var type: E820Type
    public init(_ range: AddressRange, _ type: E820Type) { self.range = range; self.type = type }
    /// `[mem 0x0000000200000000-0x00000002fbffffff] persistent (type 12)`, roughly as e820 prints it.
    public var description: String { "\(range.paddedHexString) \(type.iomemName)" }
}

/// The firmware memory map (`e820_table`): sorted, non-overlapping entries.
public struct FirmwareMap: Hashable, Sendable {
    public internal(set) var entries: [E820Entry]
    /// Whether adjacent "Persistent Memory (legacy)" and "Soft Reserved" entries merge into one
    /// when the table is sanitized: they did before 5.5 (`e820_nomerge()`,
    /// `KernelChange.e820KeepsPersistentApart`); from 5.5 each `memmap=nn!ss` stays its own entry,
    /// and so its own resource and region. Defaults to the modern rule.
    public var mergesPersistentEntries = false

    /// A map as firmware reports it. Overlapping entries are refused (real firmware maps are
    /// sanitized by the kernel, but an overlap in a user's description is a mistake);
    /// `input` names where the entries came from.
    public init(_ entries: [E820Entry], input: String) throws(InputError) {
        let sorted = entries.filter { !$0.range.isEmpty }.sorted { $0.range.start < $1.range.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.overlaps(b.range) {
            throw InputError(input, "firmware ranges overlap: \(a.type.iomemName) \(a.range) and \(b.type.iomemName) \(b.range)")
        }
        self.entries = Self.merged(sorted, unmergeable: [.pram, .softReserved])
    }

    init(sanitizedEntries: [E820Entry]) { self.entries = sanitizedEntries }

    /// The end of the highest entry (where "memory" ends), or zero for an empty map.
    public var end: PhysicalAddress { entries.map(\.range.end).max() ?? .zero }

    /// The ranges of one type.
    public func ranges(of type: E820Type) -> [AddressRange] { entries.filter { $0.type == type }.map(\.range) }

    /// `e820__range_add()` followed by `e820__update_table()`: the new entry is appended and the
    /// table re-sanitized; where entries overlap the larger type number wins, so PRAM (12)
    /// carves its range out of RAM (1), splitting it, and reserved (2) beats RAM too.
    public mutating func add(_ range: AddressRange, _ type: E820Type) {
        guard !range.isEmpty else { return }
        entries = Self.sanitize(entries + [E820Entry(range, type)], unmergeable: unmergeable)
    }

    /// `e820__range_remove(start, size, old_type, check_type)`: drops the part of every entry
    /// (of `type`, when given) that lies inside `range`.
    public mutating func remove(_ range: AddressRange, type: E820Type?) {
        var out: [E820Entry] = []
        for e in entries {
            guard type == nil || e.type == type, let cut = e.range.intersection(range) else { out.append(e); continue }
            if let below = AddressRange(start: e.range.start, end: cut.start), !below.isEmpty { out.append(E820Entry(below, e.type)) }
            if let above = AddressRange(start: cut.end, end: e.range.end), !above.isEmpty { out.append(E820Entry(above, e.type)) }
        }
        entries = Self.merged(out.sorted { $0.range.start < $1.range.start }, unmergeable: unmergeable)
    }

    /// `e820__range_update(start, size, old_type, new_type)`: the part of every `old` entry
    /// inside `range` becomes `new`.
    public mutating func update(_ range: AddressRange, from old: E820Type, to new: E820Type) {
        var out: [E820Entry] = []
        for e in entries {
            guard e.type == old, let cut = e.range.intersection(range) else { out.append(e); continue }
            if let below = AddressRange(start: e.range.start, end: cut.start), !below.isEmpty { out.append(E820Entry(below, e.type)) }
            out.append(E820Entry(cut, new))
            if let above = AddressRange(start: cut.end, end: e.range.end), !above.isEmpty { out.append(E820Entry(above, e.type)) }
        }
        entries = Self.merged(out.sorted { $0.range.start < $1.range.start }, unmergeable: unmergeable)
    }

    /// The types `e820_nomerge()` keeps apart in this era.
    var unmergeable: Set<E820Type> { mergesPersistentEntries ? [] : [.pram, .softReserved] }

    /// `e820__update_table()`: resolve overlaps (largest type wins) and merge adjacent entries
    /// of the same type, except `unmergeable` ones, which also start a new entry at every
    /// boundary of any input entry inside them (the kernel starts one at each change point).
    static func sanitize(_ input: [E820Entry], unmergeable: Set<E820Type>) -> [E820Entry] {
        var points = Set<PhysicalAddress>()
        for e in input { points.insert(e.range.start); points.insert(e.range.end) }
        let sortedPoints = points.sorted()
        var out: [E820Entry] = []
        for (a, b) in zip(sortedPoints, sortedPoints.dropFirst()) {
            guard let piece = AddressRange(start: a, end: b), !piece.isEmpty else { continue }
            let covering = input.filter { $0.range.contains(piece) }
            guard let type = covering.map(\.type).max(by: { $0.rawValue < $1.rawValue }) else { continue }
            out.append(E820Entry(piece, type))
        }
        return merged(out, unmergeable: unmergeable)
    }

    /// Adjacent entries of one type become one, except `unmergeable` types.
    static func merged(_ sorted: [E820Entry], unmergeable: Set<E820Type>) -> [E820Entry] {
        var out: [E820Entry] = []
        for e in sorted {
            if let l = out.last, l.type == e.type, !unmergeable.contains(e.type), l.range.end == e.range.start,
               let joined = AddressRange(start: l.range.start, end: e.range.end) {
                out[out.count - 1] = E820Entry(joined, e.type)
            } else {
                out.append(e)
            }
        }
        return out
    }

    /// `e820__reserve_resources()`: one top-level iomem resource per entry, named by
    /// `e820_type_to_string()`, with the e820 type's flags and descriptor, BUSY per
    /// `do_mark_busy()`, inserted with `insert_resource()`.
    public var resourceTree: ResourceTree {
        var tree = ResourceTree()
        for e in entries {
            var flags = e.type.resourceFlags
            if e.type.isBusy(at: e.range.start) { flags.insert(.busy) }
            tree.insertConflict(Resource(name: e.type.iomemName, range: e.range, flags: flags, descriptor: e.type.resourceDescriptor))
        }
        return tree
    }
}

extension FirmwareMap {
    /// `trim_bios_range()` (x86 `setup_arch()`, after the command line): the first page becomes
    /// reserved and RAM between 640 KiB and 1 MiB (the BIOS area) is dropped, so /proc/iomem
    /// starts `00000000-00000fff : Reserved`.
    public func trimmingBIOSRange() -> FirmwareMap {
        var map = self
        if let firstPage = AddressRange(start: .zero, size: ByteCount(4096)) { map.update(firstPage, from: .ram, to: .reserved) }
        if let bios = AddressRange(start: PhysicalAddress(0xa_0000), end: PhysicalAddress(0x10_0000)) { map.remove(bios, type: .ram) }
        map.entries = Self.sanitize(map.entries, unmergeable: map.unmergeable)
        return map
    }
}
