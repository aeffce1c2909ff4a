import NDEmuCore

/// Draws `ndemu map`: an SVG of the physical address space (memory map, regions, namespaces with
/// their padding, metadata, data and truncation, the section grid) on a piecewise-logarithmic
/// axis, followed by a zoomed panel of every section where things meet, showing its sub-sections;
/// and a self-contained HTML page around it.
public struct MapRenderer: Sendable {
    public let layout: Layout
    public let simulation: Simulation?
    public let arch: ArchProfile
    public let title: String

    public init(layout: Layout, simulation: Simulation?, arch: ArchProfile, title: String) {
        self.layout = layout; self.simulation = simulation; self.arch = arch; self.title = title
    }

    // MARK: Palette (colour-blind-safe-ish, readable in print)
    static func fill(_ t: Layout.MemoryType) -> String {
        switch t {
        case .systemRAM: "#8fb3d9"
        case .persistentMemory: "#e8a04a"
        case .persistentMemoryLegacy: "#f2c078"
        case .softReserved: "#d8b4e2"
        case .acpiTables, .acpiNVS: "#d9cf9f"
        case .reserved, .unusable: "#c8c8c8"
        }
    }
    static let dataFill = "#6cbf6c", metaFill = "#9b7fd4", rawFill = "#7fc8b4", failStroke = "#c0392b"

    static let margin = 20.0, labelColumn = 110.0
    static let rowMemory = 70.0, rowRegion = 118.0, rowNamespace = 158.0, rowSections = 222.0, axisY = 250.0
    static let panelTop = 330.0, panelHeight = 74.0

    // MARK: SVG
    public func svg() -> String {
        let map = AddressMap(layout: layout, simulation: simulation, arch: arch)
        let left = Self.margin + Self.labelColumn
        let width = left + max(map.totalWidth, 480) + Self.margin
        let panelCellWidth = max(2.0, min(12.0, 768.0 / Double(arch.subsectionsPerSection)))
        let panelWidth = left + panelCellWidth * Double(arch.subsectionsPerSection) + 360
        let totalWidth = max(width, panelWidth)
        let height = Self.panelTop + Double(map.interestingSections.count) * Self.panelHeight + 60
        var s = SVG()
        s.open(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(totalWidth))" height="\#(f(height))" viewBox="0 0 \#(f(totalWidth)) \#(f(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">"#)
        s.line(#"<defs><pattern id="lost" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="\#u{23}f6d5d1"/><path d="M0,6 l6,-6 M-1,1 l2,-2 M5,7 l2,-2" stroke="\#u{23}c0392b" stroke-width="1.2"/></pattern><pattern id="inactive" patternUnits="userSpaceOnUse" width="4" height="4"><rect width="4" height="4" fill="\#u{23}f4f4f4"/><path d="M0,4 l4,-4" stroke="\#u{23}d0d0d0"/></pattern></defs>"#)
        s.line(#"<rect width="100%" height="100%" fill="\#u{23}ffffff"/>"#)
        let kernelText = simulation.map { "kernel \($0.kernel), \(arch.name)" } ?? arch.name
        s.text(Self.margin, 24, "\(title) — \(kernelText): \(arch.sectionSize.shortDescription) sections, \(arch.subsectionSize.shortDescription) sub-sections", attrs: #"font-size="15" font-weight="bold""#)
        s.text(Self.margin, 42, "Widths grow with the logarithm of size (each block is labelled); ≈ marks a hole in the memory map.", attrs: #"fill="\#u{23}555""#)

        // Row labels
        for (y, label) in [(Self.rowMemory, "/proc/iomem"), (Self.rowRegion, "regions"), (Self.rowNamespace, "namespaces"), (Self.rowSections, "sections")] {
            s.text(Self.margin, y + 16, label, attrs: #"font-weight="bold""#)
        }

        // Memory map
        for m in layout.memory {
            let (x, w) = map.span(m.range)
            s.rect(left + x, Self.rowMemory, w, 30, fill: Self.fill(m.type), stroke: "#555",
                   title: "\(m.type.rawValue) \(m.range) (\(m.range.size.humanDescription))")
            s.label(left + x, Self.rowMemory, w, 30, m.type.rawValue, second: m.range.size.shortDescription)
        }
        for p in map.pieces where p.isHole {
            let x = left + p.x
            s.line(#"<path d="M\#(f(x + 6)),\#(f(Self.rowMemory)) l6,8 l-6,7 l6,8 l-6,7 M\#(f(x + 14)),\#(f(Self.rowMemory)) l6,8 l-6,7 l6,8 l-6,7" stroke="\#u{23}888" fill="none"><title>hole \#(esc(p.range.description)) (\#(esc(p.range.size.humanDescription)))</title></path>"#)
        }

        // Regions
        for r in layout.regions {
            let (x, w) = map.span(r.range)
            s.rect(left + x, Self.rowRegion, w, 26, fill: "#fff4e0", stroke: "#8a5a00",
                   title: "\(r.dev) \(r.range) (\(r.range.size.humanDescription)), \(r.interleaveWays)-way, labels \(r.labels.rawValue)")
            s.label(left + x, Self.rowRegion, w, 26, r.dev, second: "\(r.range.size.shortDescription) ×\(r.interleaveWays)")
        }

        // Namespaces: pad | metadata | data | trunc
        let results = Dictionary(uniqueKeysWithValues: (simulation?.namespaces ?? []).map { ($0.dev, $0) })
        for (ns, range) in layout.placedNamespaces {
            let y = Self.rowNamespace
            let (x, w) = map.span(range)
            let result = results[ns.dev]
            if let n = result, n.isOK, let mapped = n.mappedRange ?? n.dataRange {
                if n.startPad > .zero, let pad = AddressRange(start: range.start, size: n.startPad) {
                    let sp = map.span(pad)
                    s.rect(left + sp.x, y, sp.width, 40, fill: "url(#lost)", stroke: Self.failStroke, title: "\(ns.dev) start_pad \(n.startPad.humanDescription)")
                    s.label(left + sp.x, y + 20, sp.width, 20, "start_pad", second: nil)
                }
                if let data = n.dataRange {
                    if data.start > mapped.start, let meta = AddressRange(start: mapped.start, end: data.start) {
                        let sp = map.span(meta)
                        s.rect(left + sp.x, y, sp.width, 40, fill: Self.metaFill, stroke: "#5b3fa0",
                               title: "\(ns.dev) info block + memmap reserve (dataoff) \(meta.size.humanDescription)")
                        s.label(left + sp.x, y + 20, sp.width, 20, "dataoff", second: nil)
                    }
                    let sp = map.span(data)
                    s.rect(left + sp.x, y, sp.width, 40, fill: ns.mode == .raw || ns.mode == .sector ? Self.rawFill : Self.dataFill, stroke: "#2f7a2f",
                           title: "\(ns.dev) data \(data) (\(data.size.humanDescription))")
                }
                if n.endTrunc > .zero, let trunc = AddressRange(start: range.end - n.endTrunc, end: range.end) {
                    let sp = map.span(trunc)
                    s.rect(left + sp.x, y, sp.width, 40, fill: "url(#lost)", stroke: Self.failStroke, title: "\(ns.dev) end_trunc \(n.endTrunc.humanDescription)")
                    s.label(left + sp.x, y + 20, sp.width, 20, "end_trunc", second: nil)
                }
                let daxOff = n.daxWorks == false
                s.rect(left + x, y, w, 40, fill: "none", stroke: daxOff ? Self.failStroke : "#222",
                       title: "\(ns.dev) \(ns.mode.rawValue) \(range)" + (daxOff ? ": fsdax DAX disabled (start_pad puts DAX pfns below the data)" : ""),
                       strokeWidth: daxOff ? 2 : 1)
                s.label(left + x, y, w, 20, ns.dev + (daxOff ? " (DAX off)" : ""), second: nil, colour: daxOff ? Self.failStroke : "#000")
            } else {
                let failed = result.map { !$0.isOK } ?? false
                s.rect(left + x, y, w, 40, fill: failed ? "#fbe3e0" : "#eeeeee", stroke: failed ? Self.failStroke : "#222",
                       title: "\(ns.dev) \(ns.mode.rawValue) \(range)" + (result?.error.map { " failed: \($0)" } ?? ""),
                       strokeWidth: failed ? 2 : 1)
                s.label(left + x, y, w, 40, ns.dev, second: failed ? "✗ \(result?.error?.errno.name ?? "")" : ns.mode.rawValue,
                        colour: failed ? Self.failStroke : "#000")
            }
        }

        // Section grid: a tick per section where there is room, else the count.
        for p in map.pieces where !p.isHole {
            let first = arch.sectionNumber(of: p.range.start), last = arch.sectionNumber(of: p.range.last)
            let count = last.rawValue - first.rawValue + 1
            let x = left + p.x
            let pmem = layout.memory.contains { $0.type.isPersistentMemory && $0.range.overlaps(p.range) }
            s.rect(x, Self.rowSections, p.width, 18, fill: pmem ? "#f7efe2" : "#eef3f8", stroke: "#999", title: "sections \(first)–\(last) (\(count))")
            if Double(count) <= p.width / 3 {
                var nr = first
                while nr <= last {
                    let sx = map.x(of: Swift.max(arch.startAddress(of: nr), p.range.start))
                    s.line(#"<line x1="\#(f(left + sx))" y1="\#(f(Self.rowSections))" x2="\#(f(left + sx))" y2="\#(f(Self.rowSections + 18))" stroke="\#u{23}777"/>"#)
                    nr = nr.advanced(by: 1)
                }
            } else if p.width > 40 {
                s.text(x + 3, Self.rowSections + 13, "\(count) sections", attrs: #"fill="\#u{23}555" font-size="10""#)
            }
        }
        for nr in map.interestingSections {
            let start = arch.startAddress(of: nr)
            if let r = AddressRange(start: start, size: arch.sectionSize) {
                let (x, w) = map.span(r)
                s.rect(left + x, Self.rowSections, w, 18, fill: "#ffe08a", stroke: "#b07d00", title: "section \(nr) \(r): zoomed below")
            }
        }

        // Address axis: a label at each cut, skipping those that would overlap.
        var lastLabelX = -1000.0
        var cuts = map.pieces.map(\.range.start)
        if let end = map.pieces.last?.range.end { cuts.append(end) }
        for a in cuts {
            let x = left + map.x(of: a)
            s.line(#"<line x1="\#(f(x))" y1="\#(f(Self.axisY - 6))" x2="\#(f(x))" y2="\#(f(Self.axisY))" stroke="\#u{23}333"/>"#)
            guard x - lastLabelX >= 14 else { continue }
            lastLabelX = x
            s.line(#"<text x="\#(f(x))" y="\#(f(Self.axisY + 6))" transform="rotate(45 \#(f(x)) \#(f(Self.axisY + 6)))" font-size="9" fill="\#u{23}333">\#(esc(a.description))</text>"#)
        }

        // Zoomed sections
        for (i, nr) in map.interestingSections.enumerated() {
            drawPanel(&s, section: nr, y: Self.panelTop + Double(i) * Self.panelHeight, left: left, cell: panelCellWidth)
        }
        if map.interestingSections.isEmpty {
            s.text(Self.margin, Self.panelTop, "Every boundary is section-aligned: no section is shared.", attrs: #"fill="\#u{23}555""#)
        }
        s.line("</svg>")
        return s.out
    }

    /// One section's sub-sections: what lies in each, and whether the kernel marked it active.
    func drawPanel(_ s: inout SVG, section nr: SectionNumber, y: Double, left: Double, cell: Double) {
        let start = arch.startAddress(of: nr)
        guard let range = AddressRange(start: start, size: arch.sectionSize) else { return }
        let result = simulation?.sections.first { $0.number == nr }
        let active = result?.subsectionMap
        var heading = "section \(nr)  \(range)"
        if let r = result { heading += r.early ? "  early (boot memmap)" : "  hot-added" }
        if let a = active { heading += "  subsection_map \(a.description)" } else if simulation != nil { heading += "  not populated" }
        s.text(Self.margin, y + 12, heading, attrs: #"font-weight="bold""#)
        let namespaces = simulation?.namespaces ?? []
        for i in 0..<arch.subsectionsPerSection {
            guard let sub = AddressRange(start: start + arch.subsectionSize * UInt64(i), size: arch.subsectionSize) else { continue }
            let x = left + Double(i) * cell
            var fill = "url(#inactive)", what = "hole"
            if let m = layout.memory.first(where: { $0.range.overlaps(sub) }) { fill = Self.fill(m.type); what = m.type.rawValue }
            for (ns, r) in layout.placedNamespaces where r.overlaps(sub) {
                what = ns.dev
                guard let n = namespaces.first(where: { $0.dev == ns.dev }) else { continue }
                if !n.isOK { fill = "#fbe3e0"; what += " (failed)"; continue }
                let mapped = n.mappedRange ?? n.dataRange
                if let d = n.dataRange, d.overlaps(sub) { fill = ns.mode == .raw || ns.mode == .sector ? Self.rawFill : Self.dataFill; what += " data" }
                else if let m = mapped, m.overlaps(sub) { fill = Self.metaFill; what += " metadata" }
                else { fill = "url(#lost)"; what += sub.start < (mapped?.start ?? sub.start) ? " start_pad" : " end_trunc" }
            }
            let on = active?.contains(i) ?? false
            s.rect(x, y + 20, cell, 26, fill: fill, stroke: on ? "#000" : "#bbb",
                   title: "sub-section \(i) \(sub): \(what)\(active == nil ? "" : on ? ", active" : ", inactive")", strokeWidth: on ? 0.8 : 0.4)
            if on { s.rect(x, y + 48, cell, 4, fill: "#222", stroke: "none", title: nil) }
        }
        let legendX = left + cell * Double(arch.subsectionsPerSection) + 12
        s.text(legendX, y + 32, "■ bar = active sub-section", attrs: #"fill="\#u{23}333" font-size="10""#)
        s.text(legendX, y + 46, "0 … \(arch.subsectionsPerSection - 1), \(arch.subsectionSize.shortDescription) each", attrs: #"fill="\#u{23}555" font-size="10""#)
    }

    // MARK: HTML
    public func html() -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(title)) — ndemu map</title>
        <style>
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 16px; color: #111; background: #fff; }
        h1 { font-size: 18px; margin: 0 0 4px; } p.sub { color: #555; margin: 0 0 12px; }
        .map { overflow-x: auto; border: 1px solid #ddd; padding: 4px; }
        .map svg { display: block; } .map svg.fit { width: 100%; height: auto; }
        .tools { margin: 6px 0; font-size: 13px; color: #333; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .ok { color: #1e7b1e; } .err { color: #c0392b; font-weight: bold; }
        .legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 14px; height: 12px; border: 1px solid #555; vertical-align: middle; margin-right: 4px; }
        pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
        </style></head><body>
        <h1>\(esc(title))</h1>
        <p class="sub">\(esc(layout.description ?? ""))</p>
        <div class="legend">
        """
        for (name, colour) in [("System RAM", Self.fill(.systemRAM)), ("Persistent Memory", Self.fill(.persistentMemory)),
                               ("Persistent Memory (legacy)", Self.fill(.persistentMemoryLegacy)), ("Reserved", Self.fill(.reserved)),
                               ("namespace data", Self.dataFill), ("info block + memmap (dataoff)", Self.metaFill),
                               ("raw / sector data", Self.rawFill)] {
            h += #"<span><i style="background:\#(colour)"></i>\#(esc(name))</span>"#
        }
        h += #"<span><i style="background:repeating-linear-gradient(45deg,#f6d5d1 0 3px,#c0392b 3px 4px)"></i>start_pad / end_trunc (lost)</span></div>"#
        h += #"<div class="tools"><label><input type="checkbox" id="fit"> fit the map to the window (unchecked: actual size, scroll sideways)</label></div>"#
        h += "\n<div class=\"map\">\n" + svg() + "\n</div>\n"
        h += #"<script>document.getElementById('fit').addEventListener('change', function (e) { document.querySelector('.map svg').classList.toggle('fit', e.target.checked); });</script>"# + "\n"
        if let sim = simulation {
            h += "<table><tr><th>namespace</th><th>mode</th><th>range</th><th>status</th><th>usable</th><th>start_pad</th><th>end_trunc</th><th>memmap</th><th>DAX</th></tr>\n"
            for n in sim.namespaces {
                let status = n.error.map { #"<span class="err">\#(esc("-\($0.errno.name)"))</span>"# } ?? #"<span class="ok">ok</span>"#
                h += "<tr><td>\(esc(n.dev))</td><td>\(esc(n.mode.rawValue + (n.map.map { "/\($0.rawValue)" } ?? "")))</td><td>\(esc(n.range.description))</td><td>\(status)</td>"
                h += "<td class=\"num\">\(esc(n.usableSize?.humanDescription ?? "–"))</td><td class=\"num\">\(esc(n.startPad.isZero ? "0" : n.startPad.humanDescription))</td>"
                h += "<td class=\"num\">\(esc(n.endTrunc.isZero ? "0" : n.endTrunc.humanDescription))</td><td>\(esc(n.memmapBytes.isZero ? "–" : "\(n.memmapBytes.humanDescription) (\(n.memmapLocation.rawValue))"))</td><td>\(n.daxWorks.map { $0 ? "yes" : #"<span class="err">disabled (start_pad)</span>"# } ?? "–")</td></tr>\n"
            }
            h += "</table>\n<h2 style=\"font-size:15px\">Kernel log</h2>\n<pre>" + esc(sim.log.map(\.text).joined(separator: "\n")) + "</pre>\n"
        }
        h += "</body></html>\n"
        return h
    }
}

/// A tiny SVG writer.
struct SVG {
    var out = ""
    mutating func open(_ s: String) { out += s + "\n" }
    mutating func line(_ s: String) { out += s + "\n" }
    mutating func text(_ x: Double, _ y: Double, _ t: String, attrs: String = "") {
        out += #"<text x="\#(f(x))" y="\#(f(y))" \#(attrs)>\#(esc(t))</text>"# + "\n"
    }
    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String, title: String?, strokeWidth: Double = 1) {
        let body = title.map { "<title>\(esc($0))</title>" } ?? ""
        out += #"<rect x="\#(f(x))" y="\#(f(y))" width="\#(f(Swift.max(w, 0.5)))" height="\#(f(h))" fill="\#(fill)" stroke="\#(stroke)" stroke-width="\#(f(strokeWidth))">\#(body)</rect>"# + "\n"
    }
    /// One or two lines of text centred in a box, when they fit.
    mutating func label(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ first: String, second: String?, colour: String = "#000") {
        let charWidth = 6.2
        let fits1 = Double(first.count) * charWidth < w - 4
        guard fits1 else { return }
        let cx = x + w / 2
        if let second, h >= 26, Double(second.count) * charWidth < w - 4 {
            out += #"<text x="\#(f(cx))" y="\#(f(y + h / 2 - 2))" text-anchor="middle" fill="\#(colour)">\#(esc(first))</text>"# + "\n"
            out += #"<text x="\#(f(cx))" y="\#(f(y + h / 2 + 10))" text-anchor="middle" fill="\#(colour)" font-size="10">\#(esc(second))</text>"# + "\n"
        } else {
            out += #"<text x="\#(f(cx))" y="\#(f(y + h / 2 + 4))" text-anchor="middle" fill="\#(colour)">\#(esc(first))</text>"# + "\n"
        }
    }
}

func f(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}

func esc(_ s: String) -> String {
    var o = ""
    for c in s {
        switch c {
        case "&": o += "&amp;"
        case "<": o += "&lt;"
        case ">": o += "&gt;"
        case "\"": o += "&quot;"
        default: o.append(c)
        }
    }
    return o
}
