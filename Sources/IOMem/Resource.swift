import NDEmuCore

/// One node of the resource tree (`struct resource`): a named, inclusive physical range with
/// flags, a descriptor and nested children, as /proc/iomem lists it.
///
/// Invariants (checked by `ResourceTree.checkInvariants()`): children lie inside their parent,
/// are sorted by start and do not overlap one another.
public struct Resource: Hashable, Sendable {
    public var name: String
    public var range: AddressRange
    public var flags: ResourceFlags
    public var descriptor: ResourceDescriptor
    public var children: [Resource]

    public init(name: String, range: AddressRange, flags: ResourceFlags = .mem,
                descriptor: ResourceDescriptor = .none, children: [Resource] = []) {
        self.name = name; self.range = range; self.flags = flags; self.descriptor = descriptor
        self.children = children
    }

    /// `res->start`.
    public var start: PhysicalAddress { range.start }
    /// `res->end` (inclusive).
    public var last: PhysicalAddress { range.last }

    /// `%pr` of this resource (lib/vsprintf.c `resource_string()`, raw form).
    public var kernelDescription: String { ResourceFormat.raw(range: range, flags: flags) }

    /// Every resource in this subtree below this one, in address (pre-)order: the walk
    /// `for_each_resource(p, dp, false)` makes over `p`'s descendants.
    public var descendants: [Resource] {
        var out: [Resource] = []
        func walk(_ r: Resource) { for c in r.children { out.append(c); walk(c) } }
        walk(self)
        return out
    }
}

/// The kernel's printing of resources (lib/vsprintf.c `resource_string()`).
public enum ResourceFormat {
    /// `%pr`: `[mem 0x200000000-0x2fbffffff flags 0x200]`. Memory numbers are `0x`-prefixed
    /// lowercase hex zero-padded to a field of 10 characters (`mem_spec`), I/O ports to 6
    /// (`io_spec`); the `-end` part is left out when start equals end.
    public static func raw(range: AddressRange, flags: ResourceFlags) -> String {
        let type: String, width: Int
        if flags.contains(.io) { type = "io  "; width = 6 }
        else if flags.contains(.mem) { type = "mem "; width = 10 }
        else if flags.contains(.irq) { type = "irq "; width = 0 }
        else if flags.contains(.dma) { type = "dma "; width = 0 }
        else if flags.contains(.bus) { type = "bus "; width = 0 }
        else { type = "??? "; width = 10 }
        var s = "[" + type + number(range.start.rawValue, width: width)
        if range.last != range.start { s += "-" + number(range.last.rawValue, width: width) }
        return s + " flags " + flags.description + "]"
    }

    /// `%#llx-%#llx` of a range (5.10+ `pagemap_range()` messages): `0x200000000-0x2fbffffff`.
    public static func hexRange(_ range: AddressRange) -> String {
        "0x" + String(range.start.rawValue, radix: 16) + "-0x" + String(range.last.rawValue, radix: 16)
    }

    /// `number()` with `SPECIAL | SMALL | ZEROPAD` and base 16: `0x` counts towards the width.
    static func number(_ v: UInt64, width: Int) -> String {
        let hex = String(v, radix: 16)
        let pad = Swift.max(0, width - 2 - hex.count)
        return "0x" + String(repeating: "0", count: pad) + hex
    }
}
