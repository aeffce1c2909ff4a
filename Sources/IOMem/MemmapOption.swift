import NDEmuCore

/// One `memmap=` value from the kernel command line (arch/x86/kernel/e820.c
/// `parse_memmap_one()`; Documentation/admin-guide/kernel-parameters.txt).
public enum MemmapOption: Hashable, Sendable, CustomStringConvertible {
    /// `memmap=exactmap`: forget the firmware map; later `@` entries build it from scratch.
    case exactmap
    /// `memmap=nn[KMG]@ss[KMG]`: usable RAM.
    case ram(AddressRange)
    /// `memmap=nn[KMG]#ss[KMG]`: ACPI data.
    case acpi(AddressRange)
    /// `memmap=nn[KMG]$ss[KMG]`: reserved.
    case reserved(AddressRange)
    /// `memmap=nn[KMG]!ss[KMG]`: legacy persistent memory, e820 type 12.
    case persistent(AddressRange)
    /// `memmap=nn[KMG]%ss[KMG]-old+new`: retype (or add, or remove) a range.
    case retype(AddressRange, from: E820Type?, to: E820Type?)
    /// `memmap=nn[KMG]`: no RAM above `nn`.
    case limit(ByteCount)

    public var description: String {
        switch self {
        case .exactmap: "exactmap"
        case .ram(let r): "\(r.size)@\(r.start)"
        case .acpi(let r): "\(r.size)#\(r.start)"
        case .reserved(let r): "\(r.size)$\(r.start)"
        case .persistent(let r): "\(r.size)!\(r.start)"
        case .retype(let r, let f, let t):
            "\(r.size)%\(r.start)" + (f.map { "-\($0.rawValue)" } ?? "") + (t.map { "+\($0.rawValue)" } ?? "")
        case .limit(let n): "\(n)"
        }
    }

    /// Parses one value (what follows `memmap=`, already split at commas). The kernel silently
    /// ignores a malformed value; ndemu refuses it, naming `input`.
    public init(parsing text: String, input: String) throws(InputError) {
        let t = Substring(text)
        if t.hasPrefix("exactmap") {
            guard t == "exactmap" else { throw InputError(input, "'memmap=\(text)': trailing characters after 'exactmap'") }
            self = .exactmap; return
        }
        var rest = t
        let size = ByteCount(try Memparse.parse(&rest, whole: text, input: input))
        guard let op = rest.first else { self = .limit(size); return }
        rest = rest.dropFirst()
        guard "@#$!%".contains(op) else {
            throw InputError(input, "'memmap=\(text)': expected '@', '#', '$', '!' or '%' after the size, found '\(op)'")
        }
        let start = PhysicalAddress(try Memparse.parse(&rest, whole: text, input: input))
        guard let range = AddressRange(start: start, size: size) else {
            throw InputError(input, "'memmap=\(text)': \(start) + \(size) passes the end of the 64-bit address space")
        }
        if op == "%" {
            var from: E820Type?, to: E820Type?
            func number(_ s: inout Substring) throws(InputError) -> E820Type {
                let v = try Memparse.parse(&s, whole: text, input: input, suffixes: false)
                guard v <= UInt64(UInt32.max), let type = E820Type(rawValue: UInt32(v)) else {
                    throw InputError(input, "'memmap=\(text)': \(v) is not an e820 type ndemu knows (1, 2, 3, 4, 5, 7, 12, 128)")
                }
                return type
            }
            if rest.first == "-" { rest = rest.dropFirst(); from = try number(&rest) }
            if rest.first == "+" { rest = rest.dropFirst(); to = try number(&rest) }
            guard rest.isEmpty else { throw InputError(input, "'memmap=\(text)': unexpected '\(rest)' after the types") }
            self = .retype(range, from: from, to: to); return
        }
        guard rest.isEmpty else { throw InputError(input, "'memmap=\(text)': unexpected '\(rest)' after the start address") }
        switch op {
        case "@": self = .ram(range)
        case "#": self = .acpi(range)
        case "$": self = .reserved(range)
        default: self = .persistent(range)
        }
    }
}

/// `memparse()` (lib/cmdline.c): a number in C notation (`0x` hex, leading `0` octal,
/// else decimal) with an optional `K M G T P E` suffix (either case), each ×1024.
enum Memparse {
    static func parse(_ s: inout Substring, whole: String, input: String, suffixes: Bool = true) throws(InputError) -> UInt64 {
        var radix: UInt64 = 10
        var body = s
        if body.hasPrefix("0x") || body.hasPrefix("0X"), let c = body.dropFirst(2).first, c.isHexDigit {
            radix = 16; body = body.dropFirst(2)
        } else if body.hasPrefix("0"), body.count > 1, let c = body.dropFirst().first, ("0"..."7").contains(c) {
            radix = 8; body = body.dropFirst()
        }
        let digits = body.prefix { c in
            guard let v = c.hexDigitValue else { return false }
            return UInt64(v) < radix
        }
        guard !digits.isEmpty, let value = UInt64(digits, radix: Int(radix)) else {
            throw InputError(input, digits.isEmpty
                ? "'memmap=\(whole)': expected a number at '\(s)'"
                : "'memmap=\(whole)': '\(digits)' does not fit in 64 bits")
        }
        body = body.dropFirst(digits.count)
        var shift: UInt64 = 0
        if suffixes, let u = body.first {
            switch u {
            case "E", "e": shift = 60
            case "P", "p": shift = 50
            case "T", "t": shift = 40
            case "G", "g": shift = 30
            case "M", "m": shift = 20
            case "K", "k": shift = 10
            default: break
            }
            if shift != 0 { body = body.dropFirst() }
        }
        let (r, o) = value.multipliedReportingOverflow(by: 1 << shift)
        guard !o, shift == 0 || value <= UInt64.max >> shift else {
            throw InputError(input, "'memmap=\(whole)': '\(s.prefix(s.count - body.count))' does not fit in 64 bits")
        }
        s = body
        return r
    }
}

/// The parts of a kernel command line that change the memory map: every `memmap=` value,
/// in order (several options and comma lists both allowed, as `parse_memmap_opt()` splits them).
public struct KernelCommandLine: Hashable, Sendable {
    public let text: String
    public let memmap: [MemmapOption]
    /// Each option as written (`4G!12G`), for messages.
    public let memmapTexts: [String]

    public init(parsing text: String, input: String = "kernel command line") throws(InputError) {
        self.text = text
        var options: [MemmapOption] = [], texts: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            var w = Substring(word)
            if w.first == "\"" { w = w.dropFirst() }
            if w.last == "\"" { w = w.dropLast() }
            guard w.hasPrefix("memmap=") else { continue }
            let value = w.dropFirst("memmap=".count)
            guard !value.isEmpty else { throw InputError(input, "'memmap=' has no value") }
            for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard !item.isEmpty else { throw InputError(input, "'\(w)': empty item in the comma list") }
                options.append(try MemmapOption(parsing: String(item), input: input))
                texts.append(String(item))
            }
        }
        self.memmap = options
        self.memmapTexts = texts
    }
}

extension FirmwareMap {
    /// The map after the kernel applies the command line's `memmap=` options (the early
    /// `parse_memmap_opt()` pass, then `e820__update_table()` and, when any option was given,
    /// the `user-defined physical RAM map:` listing in the log).
    ///
    /// Refused, naming the option as written: a persistent, reserved or ACPI range that ends past
    /// the end of memory (the last RAM or PMEM entry), and a persistent range over a hole in the
    /// map. The kernel would accept both, but no memory backs them.
    ///
    /// As the kernel does, the options are applied to the raw table (`e820__range_add()` appends)
    /// and the table is sanitized once at the end, with `behaviour`'s merge rule.
    public func applying(_ commandLine: KernelCommandLine, behaviour: KernelBehaviour? = nil, log: inout KernelLog,
                         input: String = "kernel command line") throws(InputError) -> FirmwareMap {
        var base = self
        if let b = behaviour { base.mergesPersistentEntries = !b.has(.e820KeepsPersistentApart) }
        guard !commandLine.memmap.isEmpty else { return base }
        let backing: Set<E820Type> = [.ram, .reservedKern, .pmem, .pram]
        let memoryEnd = entries.filter { backing.contains($0.type) }.map(\.range.end).max() ?? .zero
        var map = base
        for (option, text) in zip(commandLine.memmap, commandLine.memmapTexts) {
            func checkBacked(_ r: AddressRange, holes: Bool) throws(InputError) {
                if r.end > memoryEnd {
                    throw InputError(input, "'memmap=\(text)' covers \(r), which ends past the end of memory (the last RAM or PMEM ends at \(PhysicalAddress(memoryEnd.rawValue &- 1))); the kernel would accept it, but no memory backs it")
                }
                guard holes else { return }
                var cursor = r.start
                let sorted = map.entries.sorted { $0.range.start < $1.range.start }
                for e in sorted where backing.contains(e.type) && e.range.overlaps(r) {
                    if e.range.start > cursor { break }
                    cursor = Swift.max(cursor, e.range.end)
                }
                if cursor < r.end, let hole = AddressRange(start: cursor, end: Swift.min(r.end, sorted.first { $0.range.start > cursor && backing.contains($0.type) }?.range.start ?? r.end)) {
                    throw InputError(input, "'memmap=\(text)' covers \(hole), a hole in the firmware map that no RAM backs; the kernel would accept it, but no memory backs it")
                }
            }
            switch option {
            case .exactmap: map.entries = []
            case .ram(let r): map.entries.append(E820Entry(r, .ram))
            case .acpi(let r): try checkBacked(r, holes: false); map.entries.append(E820Entry(r, .acpi))
            case .reserved(let r): try checkBacked(r, holes: false); map.entries.append(E820Entry(r, .reserved))
            case .persistent(let r): try checkBacked(r, holes: true); map.entries.append(E820Entry(r, .pram))
            case .retype(let r, let from, let to):
                if let f = from, let t = to { map.update(r, from: f, to: t) }
                else if let t = to { map.entries.append(E820Entry(r, t)) }
                else { map.remove(r, type: from) }
            case .limit(let n):
                if let r = AddressRange(start: PhysicalAddress(n.rawValue), end: PhysicalAddress(UInt64.max)) {
                    map.remove(r, type: .ram)
                }
            }
        }
        map.entries = Self.sanitize(map.entries, unmergeable: map.unmergeable)
        log.info("user-defined physical RAM map:")
        for e in map.entries { log.info("user: \(e.range.paddedHexString) \(e.type.e820PrintName)") }
        return map
    }
}

extension E820Type {
    /// `e820_print_type()`: the word after each `e820:`/`user:` line.
    public var e820PrintName: String {
        switch self {
        case .ram, .reservedKern: "usable"
        case .reserved: "reserved"
        case .softReserved: "soft reserved"
        case .acpi: "ACPI data"
        case .nvs: "ACPI NVS"
        case .unusable: "unusable"
        case .pmem, .pram: "persistent (type \(rawValue))"
        }
    }
}
