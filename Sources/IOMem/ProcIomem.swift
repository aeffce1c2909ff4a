import NDEmuCore

extension ResourceTree {
    /// /proc/iomem as root reads it (kernel/resource.c `r_show()`): one line per resource,
    /// two spaces per level of nesting, `%0*llx-%0*llx : name` with a width of 8 hex digits.
    public var procIomem: String {
        allResources.map { d, r in
            String(repeating: "  ", count: d) + r.start.iomemHex + "-" + r.last.iomemHex + " : " + r.name
        }.joined(separator: "\n") + (topLevel.isEmpty ? "" : "\n")
    }

    /// Reads /proc/iomem text back into a tree. Flags and descriptors are not in the text, so
    /// they are inferred from the names the kernel gives (`ResourceKind(name:)`).
    ///
    /// Rejected, naming `input` and the line: a dump read without CAP_SYS_ADMIN (the kernel
    /// prints every address as zero), a line that is not `start-end : name`, odd or jumping
    /// indentation, a child outside its parent, and siblings out of order or overlapping.
    public init(parsingProcIomem text: String, input: String) throws(InputError) {
        struct Line { let number: Int; let depth: Int; let resource: Resource }
        var lines: [Line] = []
        var sawZeroed = 0, sawNonZero = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            var s = Substring(raw)
            if s.hasSuffix("\r") { s = s.dropLast() }
            if s.trimmingWhitespace.isEmpty { continue }
            let spaces = s.prefix { $0 == " " }.count
            guard spaces % 2 == 0 else {
                throw InputError(input, "line \(n): indentation of \(spaces) spaces is not a whole nesting level (two spaces each): '\(s)'")
            }
            let body = s.dropFirst(spaces)
            guard let sep = Self.separator(in: body) else {
                throw InputError(input, "line \(n): not a /proc/iomem line ('start-end : name'): '\(s)'")
            }
            let bounds = body[..<sep]
            let name = String(body[body.index(sep, offsetBy: 3)...])
            let parts = bounds.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ (p: Substring) in !p.isEmpty && p.count <= 16 && p.allSatisfy(\.isHexDigit) }),
                  let a = UInt64(parts[0], radix: 16), let b = UInt64(parts[1], radix: 16)
            else {
                throw InputError(input, "line \(n): '\(bounds)' is not a hex range 'start-end': '\(s)'")
            }
            if a == 0 && b == 0 { sawZeroed += 1 } else { sawNonZero += 1 }
            guard let range = AddressRange(start: PhysicalAddress(a), last: PhysicalAddress(b)) else {
                throw InputError(input, "line \(n): end \(parts[1]) is below start \(parts[0]) (or is 2^64-1): '\(s)'")
            }
            let kind = ResourceKind(name: name)
            lines.append(Line(number: n, depth: spaces / 2,
                              resource: Resource(name: name, range: range, flags: kind.flags, descriptor: kind.descriptor)))
        }
        if sawZeroed >= 1 && sawNonZero == 0 {
            throw InputError(input, "every address is zero: this /proc/iomem was read without root (the kernel hides addresses from readers without CAP_SYS_ADMIN); read it again as root")
        }
        // Build the tree from the indentation.
        var stack: [(line: Int, resource: Resource)] = []
        var top: [Resource] = []
        func attach(_ r: Resource) {
            if stack.isEmpty { top.append(r) } else { stack[stack.count - 1].resource.children.append(r) }
        }
        for l in lines {
            guard l.depth <= stack.count else {
                throw InputError(input, "line \(l.number): nested \(l.depth) levels deep under a line \(stack.count) deep")
            }
            while stack.count > l.depth { let done = stack.removeLast(); attach(done.resource) }
            let siblings = stack.last?.resource.children ?? top
            if let parent = stack.last, !parent.resource.range.contains(l.resource.range) {
                throw InputError(input, "line \(l.number): \(l.resource.name) \(l.resource.range) is not inside its parent \(parent.resource.name) \(parent.resource.range) (line \(parent.line))")
            }
            if let prev = siblings.last, prev.range.end > l.resource.range.start {
                throw InputError(input, "line \(l.number): \(l.resource.name) \(l.resource.range) overlaps or precedes its sibling \(prev.name) \(prev.range)")
            }
            stack.append((l.number, l.resource))
        }
        while let done = stack.popLast() { attach(done.resource) }
        self.init(topLevel: top)
    }

    /// Where `" : "` first occurs.
    static func separator(in s: Substring) -> Substring.Index? {
        var i = s.startIndex
        while i < s.endIndex {
            if s[i...].hasPrefix(" : ") { return i }
            i = s.index(after: i)
        }
        return nil
    }
}

/// What a /proc/iomem name says about a resource's flags and descriptor: the kernel gives
/// fixed names to the resources it creates (arch/x86/kernel/e820.c `e820_type_to_string()`,
/// `e820_type_to_iomem_type()`, `e820_type_to_iores_desc()`; kernel/resource.c; drivers).
public struct ResourceKind: Hashable, Sendable {
    public let flags: ResourceFlags
    public let descriptor: ResourceDescriptor

    public init(flags: ResourceFlags, descriptor: ResourceDescriptor) { self.flags = flags; self.descriptor = descriptor }

    public init(name: String) {
        switch name {
        case "System RAM":
            self.init(flags: [.systemRAM, .busy], descriptor: .none)
        case "Kernel code", "Kernel data", "Kernel bss", "Kernel rodata", "System RAM (kmem)":
            self.init(flags: [.systemRAM, .busy], descriptor: .none)
        case "Persistent Memory (legacy)":
            self.init(flags: .mem, descriptor: .persistentMemoryLegacy)
        case "Persistent Memory":
            self.init(flags: .mem, descriptor: .persistentMemory)
        case "Soft Reserved":
            self.init(flags: .mem, descriptor: .softReserved)
        case "Reserved", "reserved":
            self.init(flags: .mem, descriptor: .reserved)
        case "ACPI Tables":
            self.init(flags: [.mem, .busy], descriptor: .acpiTables)
        case "ACPI Non-volatile Storage":
            self.init(flags: [.mem, .busy], descriptor: .acpiNVStorage)
        case "Crash kernel":
            self.init(flags: [.systemRAM, .busy], descriptor: .crashKernel)
        default:
            if name.hasPrefix("namespace") || name.hasPrefix("pfn") || name.hasPrefix("dax") || name.hasPrefix("btt") {
                self.init(flags: [.mem, .busy], descriptor: .none)
            } else if name.hasPrefix("CXL Window") {
                self.init(flags: .mem, descriptor: .cxl)
            } else {
                self.init(flags: .mem, descriptor: .none)
            }
        }
    }
}
