import NDEmuCore

/// The parts of a kernel command line a layout cares about: `memmap=` (x86 `parse_memmap_one()`).
public enum KernelCommandLine {
    /// One `memmap=SIZE<kind>START` range.
    public struct MemmapOption: Hashable, Sendable {
        public enum Kind: Sendable { case persistent, reserved, ram }
        /// `!` = e820 type 12 "Persistent Memory (legacy)", `$` = reserved, `@` = usable RAM.
        public let kind: Kind
        public let range: AddressRange
        /// The option as written, for messages.
        public let text: String
    }

    /// Every `memmap=` range with `!`, `$` or `@` (comma-separated lists included, as the kernel
    /// accepts them). `memmap=exactmap`, `memmap=nn` (a limit) and `#`/`%` forms are skipped.
    public static func memmapOptions(in cmdline: String, input: String) throws(InputError) -> [MemmapOption] {
        var out: [MemmapOption] = []
        for word in cmdline.split(whereSeparator: \.isWhitespace) where word.hasPrefix("memmap=") {
            for item in word.dropFirst("memmap=".count).split(separator: ",") {
                guard let sep = item.firstIndex(where: { "!$@".contains($0) }) else { continue }
                let kind: MemmapOption.Kind = switch item[sep] {
                case "!": .persistent
                case "$": .reserved
                default: .ram
                }
                let size = try ByteCount(parsing: String(item[..<sep]), input: "\(input) '\(item)'")
                let start = try PhysicalAddress(parsing: String(item[item.index(after: sep)...]), input: "\(input) '\(item)'")
                guard !size.isZero, let range = AddressRange(start: start, size: size) else {
                    throw InputError(input, "'memmap=\(item)': empty, or passes the end of the 64-bit address space")
                }
                out.append(MemmapOption(kind: kind, range: range, text: "memmap=\(item)"))
            }
        }
        return out
    }
}
