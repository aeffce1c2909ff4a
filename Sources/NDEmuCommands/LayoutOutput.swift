import ArgumentParser
import Foundation
import NDEmuCore
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// `--kernel V [--arch A]` for the commands that read a layout. Unlike `KernelOptions`, `--arch`
/// has no default here: a layout names its own architecture, and `--arch` only overrides it.
struct LayoutKernelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Kernel version X.Y (4.15 and later), or 'v7'.", valueName: "version"))
    var kernel: String = "6.1"

    @Option(name: .long, help: ArgumentHelp("Architecture, overriding the layout's: \(ArchProfile.names.joined(separator: ", ")).", valueName: "arch"))
    var arch: String?

    func spec() throws(InputError) -> KernelSpec { try KernelSpec(parsing: kernel, input: "--kernel") }
}

/// Text output for people: ndctl-style units, aligned columns, colour only on a terminal.
enum LayoutOutput {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    static var useColour: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
    static func paint(_ s: String, _ code: String, colour: Bool) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    static func status(_ n: NamespaceResult, colour: Bool) -> String {
        n.isOK ? paint("ok", "32", colour: colour) : paint("-\(n.error?.errno.name ?? "?")", "31;1", colour: colour)
    }
    static func human(_ b: ByteCount) -> String { b.isZero ? "0" : b.humanDescription }
    static func human(_ b: ByteCount?) -> String { b.map(human) ?? "–" }

    /// Left-aligned columns (ANSI escapes do not count toward the width).
    static func table(_ rows: [[String]], indent: String = "") -> String {
        func visible(_ s: String) -> Int {
            var n = 0, inEscape = false
            for c in s.unicodeScalars {
                if c == "\u{1B}" { inEscape = true; continue }
                if inEscape { if c == "m" { inEscape = false }; continue }
                n += 1
            }
            return n
        }
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { i in rows.map { i < $0.count ? visible($0[i]) : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - visible(cell) + 2)
            }.joined()
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    static func heading(_ sim: Simulation) -> String {
        "\(sim.layout.source) on kernel \(sim.kernel), \(sim.arch.name) (\(sim.arch.sectionSize.shortDescription) sections, \(sim.arch.subsectionSize.shortDescription) sub-sections)"
    }

    static func infoBlockLine(_ n: NamespaceResult) -> String? {
        guard let b = n.infoBlock else { return nil }
        return "info block \(b.signatureText) \(b.versionText): dataoff \(human(b.dataOffset)), npfns \(b.npfns.rawValue), start_pad \(human(b.startPad)), end_trunc \(human(b.endTrunc)), align \(b.align.shortDescription)"
    }

    static func memmapLine(_ n: NamespaceResult) -> String? {
        guard !n.memmapBytes.isZero else { return nil }
        let place = switch n.memmapLocation {
        case .ram: "in System RAM"
        case .device: "on the device (altmap)"
        case .mixed: "on the device and in System RAM"
        case .none: ""
        }
        return "memmap \(n.memmapBytes.humanDescription) \(place)"
    }

    /// `ndemu simulate` for people.
    static func simulationText(_ sim: Simulation, colour: Bool) -> String {
        var out = [heading(sim), ""]
        var rows = [["namespace", "region", "mode", "size", "usable", "status", "data at"]]
        var notes: [Int: [String]] = [:]
        for n in sim.namespaces {
            rows.append([n.dev, n.region, n.mode.rawValue + (n.map.map { "/\($0.rawValue)" } ?? ""), human(n.range.size),
                         human(n.usableSize), status(n, colour: colour), n.dataRange?.start.description ?? "–"])
            var lines: [String] = []
            if let e = n.error, !e.message.isEmpty { lines.append(e.message) }
            if let i = infoBlockLine(n) { lines.append(i) }
            if let m = memmapLine(n) { lines.append(m) }
            if n.daxWorks == false { lines.append("fsdax DAX disabled: start_pad \(human(n.startPad)) puts DAX pfns below the data") }
            notes[rows.count - 1] = lines
        }
        let tableLines = table(rows).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indent = String(repeating: " ", count: (rows.map { $0[0].count }.max() ?? 0) + 2)
        for (i, line) in tableLines.enumerated() {
            out.append(i == 0 ? paint(line, "1", colour: colour) : line)
            for note in notes[i] ?? [] { out.append(indent + note) }
        }
        out.append("")
        out.append(paint("kernel log", "1", colour: colour))
        out += sim.log.isEmpty ? ["  (nothing)"] : sim.log.map { "  " + $0.text }
        out.append("")
        out.append(paint("sections touched by PMEM (\(sim.sections.count) populated)", "1", colour: colour))
        out.append(sectionsTable(sim))
        out.append("memmap \(human(sim.memmapBytes)) hot-added: \(human(sim.memmapRAMBytes)) in System RAM, \(human(sim.memmapDeviceBytes)) on devices")
        return out.joined(separator: "\n")
    }

    /// Runs of consecutive sections that look alike are one line.
    static func sectionsTable(_ sim: Simulation) -> String {
        var rows = [["section", "range", "sub-sections active", "early", "memmap"]]
        var i = 0
        let s = sim.sections
        while i < s.count {
            var j = i
            while j + 1 < s.count, s[j + 1].number.rawValue == s[j].number.rawValue + 1, s[j + 1].subsectionMap == s[i].subsectionMap,
                  s[j + 1].early == s[i].early, s[j + 1].memmapBytes == s[i].memmapBytes, s[j + 1].memmapSource == s[i].memmapSource { j += 1 }
            let first = sim.arch.startAddress(of: s[i].number)
            let lastEnd = sim.arch.startAddress(of: s[j].number).advanced(by: sim.arch.sectionSize) ?? first
            let range = AddressRange(start: first, end: lastEnd).map(\.description) ?? "\(first)"
            let name = i == j ? s[i].number.description : "\(s[i].number)-\(s[j].number)"
            let map = s[i].subsectionMap.isFull ? "all" : s[i].subsectionMap.description
            let count = j - i + 1
            let memmap = s[i].memmapBytes.isZero ? (s[i].early ? "boot" : "–")
                : "\(s[i].memmapBytes.shortDescription) \(s[i].memmapSource.rawValue)" + (count > 1 ? " each" : "")
            rows.append([name, range, map + (count > 1 ? " (\(count) sections)" : ""), s[i].early ? "yes" : "no", memmap])
            i = j + 1
        }
        return table(rows, indent: "  ")
    }

    /// `ndemu compare` for people: per namespace, both kernels side by side.
    static func comparisonText(_ c: Comparison, colour: Bool) -> String {
        let a = c.from.kernel.description, b = c.to.kernel.description
        var out = ["\(c.from.layout.source): kernel \(a) vs \(b), \(c.to.arch.name)", ""]
        for r in c.rows {
            out.append(paint("\(r.dev) (\(r.from.region), \(r.from.mode.rawValue)\(r.from.map.map { "/\($0.rawValue)" } ?? ""), \(human(r.from.range.size)) at \(r.from.range.start))", "1", colour: colour))
            func change(_ x: ByteCount?, _ y: ByteCount?) -> String {
                let d = Int64(bitPattern: (y ?? .zero).rawValue &- (x ?? .zero).rawValue)
                if d == 0 { return "" }
                return (d > 0 ? "+" : "−") + ByteCount(d.magnitude).humanDescription
            }
            var rows = [["", a, b, "change"]]
            rows.append(["status", status(r.from, colour: colour), status(r.to, colour: colour), r.failsOnlyIn.map { "fails only on \($0 == "from" ? a : b)" } ?? ""])
            rows.append(["usable", human(r.from.usableSize), human(r.to.usableSize), change(r.from.usableSize, r.to.usableSize)])
            rows.append(["start_pad", human(r.from.startPad), human(r.to.startPad), change(r.from.startPad, r.to.startPad)])
            rows.append(["end_trunc", human(r.from.endTrunc), human(r.to.endTrunc), change(r.from.endTrunc, r.to.endTrunc)])
            rows.append(["lost", human(r.from.lostBytes), human(r.to.lostBytes), change(r.from.lostBytes, r.to.lostBytes)])
            rows.append(["memmap", memmapCell(r.from), memmapCell(r.to), change(r.from.memmapBytes, r.to.memmapBytes)])
            out.append(table(rows, indent: "  "))
            for (k, n) in [(a, r.from), (b, r.to)] { if let e = n.error, !e.message.isEmpty { out.append("  \(k): \(e.message)") } }
            out.append("")
        }
        out.append(paint("total", "1", colour: colour))
        let lost = { (s: Simulation) in s.namespaces.reduce(ByteCount.zero) { $0 + $1.lostBytes } }
        out.append(table([
            ["", a, b],
            ["usable", human(c.from.usableBytes), human(c.to.usableBytes)],
            ["lost", human(lost(c.from)), human(lost(c.to))],
            ["failures", "\(c.from.failures)", "\(c.to.failures)"],
            ["memmap in RAM", human(c.from.memmapRAMBytes), human(c.to.memmapRAMBytes)],
            ["memmap on devices", human(c.from.memmapDeviceBytes), human(c.to.memmapDeviceBytes)],
        ], indent: "  "))
        return out.joined(separator: "\n")
    }

    static func memmapCell(_ n: NamespaceResult) -> String {
        n.memmapBytes.isZero ? "0" : "\(n.memmapBytes.humanDescription) \(n.memmapLocation == .device ? "device" : n.memmapLocation == .ram ? "RAM" : n.memmapLocation.rawValue)"
    }

    /// A one-line progress indicator on stderr, only when stderr is a terminal.
    struct Progress {
        let enabled = isatty(STDERR_FILENO) != 0
        func update(_ text: String) {
            guard enabled else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        }
        func done() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    }

    /// Writes `text` to `path`, or stdout for `-`.
    static func write(_ text: String, to path: String, input: String) throws(InputError) {
        if path == "-" { print(text, terminator: text.hasSuffix("\n") ? "" : "\n"); return }
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw InputError(input, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
