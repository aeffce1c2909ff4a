/// The flag bits in the low bits of `mem_section::section_mem_map` (`include/linux/mmzone.h`).
///
/// Which exist depends on the kernel: `SECTION_IS_ONLINE` from 4.13, `SECTION_IS_EARLY` from 5.3,
/// `SECTION_TAINT_ZONE_DEVICE` from 5.12. The raw values are the kernel's bit positions.
public struct SectionFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `SECTION_MARKED_PRESENT`.
    public static let present = SectionFlags(rawValue: 1 << 0)
    /// `SECTION_HAS_MEM_MAP`: `valid_section()`.
    public static let hasMemMap = SectionFlags(rawValue: 1 << 1)
    /// `SECTION_IS_ONLINE` (4.13+).
    public static let online = SectionFlags(rawValue: 1 << 2)
    /// `SECTION_IS_EARLY` (5.3+): populated at boot by `sparse_init_nid()`.
    public static let early = SectionFlags(rawValue: 1 << 3)
    /// `SECTION_TAINT_ZONE_DEVICE` (5.12+): ZONE_DEVICE pages share the section with others.
    public static let taintZoneDevice = SectionFlags(rawValue: 1 << 4)

    /// The kernel's names, in bit order.
    public var names: [String] {
        var n: [String] = []
        if contains(.present) { n.append("PRESENT") }
        if contains(.hasMemMap) { n.append("HAS_MEM_MAP") }
        if contains(.online) { n.append("ONLINE") }
        if contains(.early) { n.append("EARLY") }
        if contains(.taintZoneDevice) { n.append("TAINT_ZONE_DEVICE") }
        return n
    }
    /// `PRESENT | HAS_MEM_MAP | ONLINE | EARLY`, or `0`.
    public var description: String { isEmpty ? "0" : names.joined(separator: " | ") }
}
