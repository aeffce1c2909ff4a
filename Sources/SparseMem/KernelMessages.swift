import NDEmuCore

/// The text the emulated functions print, exactly as the kernel formats it.
/// `%#lx` prints `0x…` (the kernel prints `0x0` for zero too); `%lx` bare hex; `%ld` decimal.
enum KernelMessages {
    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// `check_pfn_span()` (5.3–5.19) / `__add_pages`, `__remove_pages` (5.19+):
    /// `"Misaligned __%s_pages start: %#lx end: #%lx"`; from the format fix (6.6) `end: %#lx`.
    static func misaligned(_ function: StaticString, start: PFN, last: UInt64, hexPrefix: Bool) -> String {
        KernelFormat.format { w in
            w.literal("Misaligned "); w.literal(function); w.literal(" start: "); w.hex(start.rawValue)
            w.literal(" end: ")
            if hexPrefix { w.hex(last) } else { w.byte(UInt8(ascii: "#")); w.hex(last, prefix: false) }
        }
    }

    /// `clear_subsection_map()` / 5.3 `section_deactivate()`: `"section already deactivated (%#lx + %ld)"`.
    static func alreadyDeactivated(_ pfn: PFN, _ nr: PageCount) -> String {
        KernelFormat.format { w in
            w.literal("section already deactivated ("); w.hex(pfn.rawValue); w.literal(" + "); w.decimal(nr.rawValue)
            w.byte(UInt8(ascii: ")"))
        }
    }

    /// v7 `section_deactivate()`: `"section already deactivated: active: %#lx mask: %#lx"`.
    static func alreadyDeactivatedV7(active: UInt64, mask: UInt64) -> String {
        "section already deactivated: active: \(hex(active)) mask: \(hex(mask))"
    }

    /// `check_hotplug_memory_addressable()` (5.5–5.10), a WARN. The printed maximum is
    /// `(1 << (MAX_PHYSMEM_BITS + 1)) - 1`, one bit more than the real limit, as the kernel has it.
    static func exceedsAddressable(start: UInt64, maxAddress: UInt64, physmemBits: Int) -> String {
        let maxAllowed = physmemBits >= 63 ? UInt64.max : (UInt64(1) << UInt64(physmemBits + 1)) - 1
        return "Hotplugged memory exceeds maximum addressable address, range=\(hex(start))-\(hex(maxAddress)), maximum=\(hex(maxAllowed))"
    }

    /// `mhp_range_allowed()` (5.11+), a pr_warn; `end` is exclusive.
    static func hotplugRangeNotAllowed(start: UInt64, end: UInt64, rangeStart: UInt64, rangeEnd: UInt64) -> String {
        "Hotplug memory [\(hex(start))-\(hex(end))] exceeds maximum addressable range [\(hex(rangeStart))-\(hex(rangeEnd))]"
    }

    /// `__add_pages()`: `pr_warn_once("memory add fail, invalid altmap")`.
    static let invalidAltmap = "memory add fail, invalid altmap"

    /// A `WARN_ON`/`WARN_ON_ONCE`/`BUG_ON` banner. The kernel adds CPU, PID, line and offset,
    /// which depend on the build; ndemu prints the file and function only.
    static func warnOn(_ file: String, _ function: String) -> String { "WARNING: at \(file) \(function)" }
    /// `WARN_ON_ONCE(!valid_section(ms))` in `__remove_section`.
    static let removeSectionNotValid = "WARNING: at mm/memory_hotplug.c __remove_section"
    static func bug(_ file: String) -> String { "kernel BUG at \(file)!" }

    /// `free_area_init_nodes()`/`free_area_init()`: the early node map.
    static let earlyNodeRanges = "Early memory node ranges"
    static func earlyNodeRange(node: Int, start: UInt64, last: UInt64) -> String {
        func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return "0x" + String(repeating: "0", count: max(0, 16 - s.count)) + s }
        let n = String(node)
        return "  node \(String(repeating: " ", count: max(0, 3 - n.count)))\(n): [mem \(pad(start))-\(pad(last))]"
    }
}
