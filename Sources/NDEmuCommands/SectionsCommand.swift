import ArgumentParser
import Foundation
import NDEmuCore
import SparseMem

/// `ndemu sections`: drives the sub-section engine (SparseMem) directly.
struct SectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sections",
        abstract: "Drive the sub-section engine: boot RAM, then add/remove ranges as __add_pages/__remove_pages would.",
        discussion: """
        --ram ranges are boot System RAM (early sections). --ops FILE holds one operation a line, \
        'add START SIZE' or 'remove START SIZE' (hex or decimal bytes; '#' starts a comment), applied \
        in order as __add_pages/__remove_pages for a ZONE_DEVICE range (no altmap; on 5.12+ a \
        successful add also taints shared sections as move_pfn_range_to_zone does). Without \
        --summary, each failed operation is printed with its errno and the kernel's messages, then \
        the sections in --range (default: every populated section). memmap_bytes counts struct-page \
        bytes of the active sub-sections of hot-added (non-early) sections.
        Example: ndemu sections --ram 0x2fc000000-0x3ffffffff --ops ops.txt --kernel 5.3 --range 0x2f8000000+128M
        """
    )

    @Option(name: .customLong("ram"), help: ArgumentHelp("Boot System RAM, START-END or START+SIZE; repeatable.", valueName: "range"))
    var ram: [String] = []

    @Option(name: .customLong("ops"), help: ArgumentHelp("Operations file: 'add START SIZE' / 'remove START SIZE' lines.", valueName: "file"))
    var opsFile: String?

    @Option(name: .customLong("range"), help: ArgumentHelp("Show only the sections this physical range touches.", valueName: "range"))
    var range: String?

    @Flag(name: .long, help: "Print only totals (JSON: ops, ok, failed, memmap_bytes, populated_sections).")
    var summary = false

    @OptionGroup var kernel: KernelOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        var out = ""
        try render(into: &out)
        Swift.print(out, terminator: "")
    }

    /// Runs the operations and writes the report (what `run()` prints).
    func render(into out: inout String) throws {
        func print(_ line: String) { out += line + "\n" }
        let (behaviour, arch) = try kernel.resolve()
        let ramRanges = try ram.map { r throws(InputError) in try AddressRange(parsing: r, input: "--ram") }
        let shown = try range.map { r throws(InputError) in try AddressRange(parsing: r, input: "--range") }
        let ops = try opsFile.map { f throws(InputError) in try SectionOp.parseFile(f) } ?? []

        var memory = SparseMemory(arch: arch, behaviour: behaviour)
        var log = KernelLog()
        if !ramRanges.isEmpty { try memory.boot(systemRAM: ramRanges, log: &log) }
        let bootLines = log.entries.count

        var failures: [(SectionOp, KernelError, [String])] = []
        var progress = ProgressBar(total: ops.count)
        for (n, op) in ops.enumerated() {
            let before = log.entries.count
            let (pfn, nr) = memory.pfnRange(of: op.range)
            do {
                switch op.kind {
                case .add:
                    try memory.addPages(pfn, nr, log: &log)
                    memory.moveToZoneDevice(pfn, nr)
                case .remove:
                    try memory.removePages(pfn, nr, log: &log)
                }
            } catch {
                failures.append((op, error, log.lines[before...].map { $0 }))
            }
            progress.update(n + 1)
        }
        progress.finish()

        let accounting = memory.memmap
        let bounds = shown.flatMap { memory.sectionBounds(of: $0) }
        let sections = shown == nil ? memory.sections() : bounds.map { memory.sections(in: $0) } ?? []

        switch (output.format, summary) {
        case (.json, true):
            print(JSON.object(summaryFields(ops.count, failures.count, accounting)).rendered())
        case (.text, true):
            print("ops \(ops.count), ok \(ops.count - failures.count), failed \(failures.count)")
            print("memmap \(accounting.hotplugBytes.humanDescription) in \(accounting.validSections) populated sections")
        case (.json, false):
            var o: [(String, JSON)] = [("kernel", .string(behaviour.kernel.description)), ("arch", .string(arch.name))]
            o += summaryFields(ops.count, failures.count, accounting)
            o.append(("memmap", Self.json(accounting)))
            o.append(("failures", .array(failures.map { op, e, lines in
                .object([("line", .int(op.line)), ("op", .string(op.kind.rawValue)), ("start", .hex(op.range.start.rawValue)),
                         ("size", .bytes(op.range.size)), ("errno", .string(e.errno.name)), ("log", .array(lines.map(JSON.string)))])
            })))
            o.append(("log", .array(log.lines.map(JSON.string))))
            o.append(("sections", .array(sections.map { Self.json($0, memory) })))
            print(JSON.object(o).rendered())
        case (.text, false):
            print("kernel \(behaviour.kernel), \(arch.name): \(arch.sectionSize.shortDescription) sections, "
                  + "\(memory.geometry.pagesPerUnit.bytes(pageShift: arch.pageShift).shortDescription) sub-sections (\(memory.geometry.bitsPerSection) per section)")
            if bootLines > 0 { for line in log.lines[..<bootLines] { print("  \(line)") } }
            for (op, e, lines) in failures {
                print("\(op.location): \(op.kind.rawValue) \(op.range.start) \(op.range.size): -\(e.errno.name) (\(e.errno.strerror))")
                for line in lines { print("  \(line)") }
                if lines.isEmpty && !e.message.isEmpty { print("  \(e.message)") }
            }
            print("ops \(ops.count), ok \(ops.count - failures.count), failed \(failures.count); "
                  + "memmap \(accounting.hotplugBytes.humanDescription) hot-added, \(accounting.bootBytes.humanDescription) boot")
            if sections.isEmpty { print("no populated sections" + (shown.map { " in \($0)" } ?? "")) }
            for s in sections { print(Self.describe(s, memory)) }
        }
    }

    private func summaryFields(_ ops: Int, _ failed: Int, _ a: MemmapAccounting) -> [(String, JSON)] {
        [("ops", .int(ops)), ("ok", .int(ops - failed)), ("failed", .int(failed)),
         ("memmap_bytes", .bytes(a.hotplugBytes)), ("populated_sections", .int(a.validSections))]
    }

    static func describe(_ s: MemSection, _ m: SparseMemory) -> String {
        let start = m.arch.startAddress(of: s.number)
        let range = AddressRange(start: start, size: m.arch.sectionSize).map(\.description) ?? start.description
        var line = "section \(s.number) [\(range)] \(s.flags)"
        if let map = s.subsectionMap { line += "\n  subsection_map \(map.hex)" }
        line += "  memmap \(s.memmap.bytes.shortDescription) (\(s.memmap.source.rawValue))"
        return line
    }

    static func json(_ s: MemSection, _ m: SparseMemory) -> JSON {
        .object([
            ("nr", .int(s.number.rawValue)), ("start", .hex(m.arch.startAddress(of: s.number).rawValue)),
            ("flags", .array(s.flags.names.map(JSON.string))),
            ("subsection_map", s.subsectionMap.map { .string($0.description) } ?? .null),
            ("early", .bool(s.isEarly)), ("online", .bool(s.isOnline)),
            ("memmap_bytes", .bytes(s.memmap.bytes)), ("memmap_altmap_bytes", .bytes(s.memmap.altmapBytes)),
            ("memmap_source", .string(s.memmap.source.rawValue)),
        ])
    }

    static func json(_ a: MemmapAccounting) -> JSON {
        .object([("hotplug_bytes", .bytes(a.hotplugBytes)), ("boot_bytes", .bytes(a.bootBytes)),
                 ("ram_bytes", .bytes(a.hotplugRAMBytes)), ("altmap_bytes", .bytes(a.hotplugAltmapBytes)),
                 ("pmd_mapped_bytes", .bytes(a.pmdMappedBytes)), ("base_page_mapped_bytes", .bytes(a.basePageMappedBytes)),
                 ("vmemmap_block_bytes", .bytes(a.vmemmapBlockBytes)), ("early_sections", .int(a.earlySections))])
    }
}

/// One line of an `--ops` file.
struct SectionOp: Hashable, Sendable {
    enum Kind: String, Sendable { case add, remove }
    let kind: Kind
    let range: AddressRange
    let file: String
    let line: Int
    var location: String { "\(file):\(line)" }

    /// Parses `add START SIZE` / `remove START SIZE` lines; `#` starts a comment, blank lines are skipped.
    static func parse(_ text: String, file: String) throws(InputError) -> [SectionOp] {
        var ops: [SectionOp] = []
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            let body = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if words.isEmpty { continue }
            let at = "\(file):\(n)"
            guard let kind = Kind(rawValue: String(words[0]).lowercased()) else {
                throw InputError(at, "unknown operation '\(words[0])' (use 'add START SIZE' or 'remove START SIZE')")
            }
            guard words.count == 3 else {
                throw InputError(at, "'\(kind.rawValue)' takes START and SIZE, got \(words.count - 1) value\(words.count == 2 ? "" : "s")")
            }
            let start = try PhysicalAddress(parsing: String(words[1]), input: "\(at): START")
            let size = try ByteCount(parsing: String(words[2]), input: "\(at): SIZE")
            guard let range = AddressRange(start: start, size: size) else {
                throw InputError(at, "\(start) + \(size) passes the end of the 64-bit address space")
            }
            ops.append(SectionOp(kind: kind, range: range, file: file, line: n))
        }
        return ops
    }

    static func parseFile(_ path: String) throws(InputError) -> [SectionOp] {
        try parse(TextFile.read(path, what: "--ops file"), file: path)
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and the work is large.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private var shown = -1

    init(total: Int, threshold: Int = 20_000) {
        self.total = total
        enabled = total >= threshold && isatty(STDERR_FILENO) == 1
    }

    mutating func update(_ done: Int) {
        guard enabled else { return }
        let percent = done * 100 / max(total, 1)
        guard percent != shown else { return }
        shown = percent
        let width = 40, filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% \(done)/\(total) ops".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
