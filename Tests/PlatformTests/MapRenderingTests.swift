import Foundation
import Testing
import NDEmuCore
@testable import Platform

/// `ndemu map` as a person would see it: the SVG carries the expected labels, and headless
/// Chromium renders the HTML page to a PNG that is not blank.
@Suite struct MapRenderingTests {
    static func seed(kernel: String) throws -> (Layout, Simulation) {
        let l = try Layout(contentsOfFile: Corpus.path("seed-mixed-section-raw.json"))
        return (l, try Machine.simulate(l, kernel: try KernelSpec(parsing: kernel)))
    }

    @Test func theSVGNamesWhatItDraws() throws {
        let (l, sim) = try Self.seed(kernel: "6.1")
        let svg = MapRenderer(layout: l, simulation: sim, arch: sim.arch, title: "seed").svg()
        for label in ["System RAM", "Persistent Memory (legacy)", "region0", "namespace0.0", "section 0x5f",
                      "subsection_map 0xffffffffffffffff", "early (boot memmap)", "0x2fc000000", "128M sections"] {
            #expect(svg.contains(label), "the SVG shows \(label)")
        }
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func aFailedNamespaceIsMarked() throws {
        let (l, sim) = try Self.seed(kernel: "5.2")
        let svg = MapRenderer(layout: l, simulation: sim, arch: sim.arch, title: "seed").svg()
        #expect(svg.contains("✗ ENXIO"))
        #expect(svg.contains("failed: devm_memremap_pages attempted on mixed region"))
    }

    @Test func padsTruncationAndABrokenDAXPathAreVisible() throws {
        let l = try Layout(contentsOfFile: Corpus.path("pmem-vs-pmem-one-section.json"))
        let sim = try Machine.simulate(l, kernel: try KernelSpec(parsing: "5.2"))
        let r = MapRenderer(layout: l, simulation: sim, arch: sim.arch, title: "e3")
        let svg = r.svg()
        for label in ["namespace0.0 start_pad 64.00 MiB", "namespace1.0 end_trunc 64.00 MiB", "fsdax DAX disabled", "section 0xaef"] {
            #expect(svg.contains(label), "the SVG shows \(label)")
        }
        #expect(r.html().contains("disabled (start_pad)"))
    }

    @Test func sixTebibytesAndSixteenMebibytesAreBothWideEnoughToSee() {
        #expect(AddressMap.width(of: .tib(6)) < 600)
        #expect(AddressMap.width(of: .mib(16)) > 60)
        #expect(AddressMap.width(of: .mib(2)) > 30)
    }

    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    /// Pixel statistics of a PNG (python3's zlib; no imaging library needed): the share of
    /// non-white pixels and the number of distinct colours.
    static let pngStats = """
    import struct, sys, zlib
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
    pos, idat, w, h, ctype = 8, b'', 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT': idat += body
    bpp = {2: 3, 6: 4}[ctype]
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    colours, ink = set(), 0
    for line in rows:
        for x in range(0, stride, bpp):
            px = bytes(line[x:x + 3]); colours.add(px)
            if px != b'\\xff\\xff\\xff': ink += 1
    print(w, h, ink / (w * h), len(colours))
    """

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium): headless rendering check SKIPPED"))
    func headlessChromiumDrawsTheHTMLPage() throws {
        let (l, sim) = try Self.seed(kernel: "6.1")
        let html = MapRenderer(layout: l, simulation: sim, arch: sim.arch, title: "seed").html()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-map-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("map.html"), png = dir.appendingPathComponent("map.png")
        try Data(html.utf8).write(to: page)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["120", Self.chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                       "--user-data-dir=\(dir.path)/profile", "--window-size=1400,900", "--screenshot=\(png.path)", page.absoluteString]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: png.path), "chromium wrote a screenshot (exit \(p.terminationStatus))")

        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-c", Self.pngStats, png.path]
        let out = Pipe(); py.standardOutput = out
        try py.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        py.waitUntilExit()
        let fields = text.split(separator: " ").map { String($0).trimmingWhitespace }
        try #require(fields.count == 4, "png stats: \(text)")
        #expect(fields[0] == "1400" && fields[1] == "900")
        let ink = Double(fields[2]) ?? 0, colours = Int(fields[3]) ?? 0
        #expect(ink > 0.05, "the page is not blank (\(ink) of the pixels are not white)")
        #expect(colours >= 8, "the drawing uses the palette (\(colours) colours)")
    }
}

/// Readable at every scale: on every corpus layout, each region and namespace box is wide enough
/// to see and is named in the SVG, from 16 MiB CXL-era regions to 3 TiB interleave sets.
@Suite struct MapReadabilityTests {
    @Test(arguments: Corpus.layoutNames)
    func everyRegionAndNamespaceIsVisibleAndNamed(name: String) throws {
        let l = try Layout(contentsOfFile: Corpus.path(name))
        let arch = try ArchProfile(name: l.arch, behaviour: KernelBehaviour(.default))
        let map = AddressMap(layout: l, simulation: nil, arch: arch)
        let svg = MapRenderer(layout: l, simulation: nil, arch: arch, title: name).svg()
        for r in l.regions {
            #expect(map.span(r.range).width >= 40, "\(r.dev) (\(r.range.size.shortDescription)) is drawn \(map.span(r.range).width) px wide")
            #expect(svg.contains(r.dev))
        }
        for (ns, range) in l.placedNamespaces {
            #expect(map.span(range).width >= 40, "\(ns.dev) is drawn \(map.span(range).width) px wide")
            #expect(svg.contains(ns.dev))
        }
        #expect(map.totalWidth < 20_000, "the picture stays scrollable: \(map.totalWidth) px")
    }
}
