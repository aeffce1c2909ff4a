import Foundation
import Testing
import NDEmuCore
@testable import LibNVDIMM

/// `ndemu infoblock write/read` against the installed `ndctl write-infoblock/read-infoblock`
/// over random (size, mode, map, align, offset) tuples with a fixed seed.
@Suite(.serialized) struct NdctlDifferentialTests {
    struct Case: CustomStringConvertible {
        let request: NdctlInfoBlockRequest
        var description: String {
            "size=\(request.size.rawValue) mode=\(request.signature.modeName) map=\(request.mode.mapName) align=\(request.align.rawValue) offset=\(request.offset)"
        }
        var ndctlArguments: [String] {
            ["-s", String(request.size.rawValue), "-m", request.signature.modeName, "-M", request.mode.mapName,
             "-a", String(request.align.rawValue), "-O", String(request.offset.rawValue),
             "-u", request.uuid.description, "-p", request.parentUUID.description]
        }
    }

    /// The drawn cases: sizes from below 8 KiB to 1 TiB (most 16 MiB–64 GiB, 4 KiB multiples, some
    /// odd), aligns 4K–16G (2M and 1G most often), offsets mostly zero or section/sub-section
    /// multiples, some 4 KiB-granular; start + size stays below 2^63.
    static func cases(count: Int, seed: UInt64) -> [Case] {
        var g = SplitMix64(seed: seed)
        var out: [Case] = []
        for _ in 0..<count {
            let sizeKind = g.next() % 10
            let size: UInt64 = switch sizeKind {
            case 0: g.next() % (16 << 20)                                  // tiny, often refused
            case 1: (g.next() % (1 << 40)) & ~4095                         // up to 1 TiB
            case 2: g.next() % (64 << 30)                                  // any byte count
            default: ((16 << 20) + g.next() % (64 << 30)) & ~4095
            }
            let alignShift: Int = switch g.next() % 8 {
            case 0, 1, 2: 21
            case 3: 30
            case 4: 12
            default: 12 + Int(g.next() % 23)                               // 4K … 16G
            }
            let offset: UInt64 = switch g.next() % 6 {
            case 0, 1: 0
            case 2: (g.next() % (1 << 46)) & ~((1 << 27) - 1)              // section multiple
            case 3: (g.next() % (1 << 46)) & ~((1 << 21) - 1)              // sub-section multiple
            default: (g.next() % (1 << 46)) & ~4095
            }
            let signature: InfoBlockSignature = g.next() % 2 == 0 ? .pfn : .dax
            let mode: PfnMode = g.next() % 3 == 0 ? .ram : .pmem
            let uuid = InfoBlockUUID.random(using: &g)
            let parent = g.next() % 2 == 0 ? InfoBlockUUID.null : InfoBlockUUID.random(using: &g)
            out.append(Case(request: NdctlInfoBlockRequest(size: ByteCount(size), signature: signature, mode: mode,
                                                          align: .shift(alignShift), offset: PhysicalAddress(offset),
                                                          uuid: uuid, parentUUID: parent)))
        }
        return out
    }

    @Test(.enabled(if: ndctlPath != nil, "ndctl is not installed (apt-get install ndctl); the differential test needs it"))
    func writeAndReadMatchInstalledNdctlOver1200Tuples() throws {
        let ndctl = try #require(ndctlPath)
        let cases = Self.cases(count: 1200, seed: 0x6e64_656d_7500_0004)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-ndctl-diff-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        // One shell runs every ndctl invocation (a process per call from Swift would be slower).
        var script = "set -u\n"
        for (i, c) in cases.enumerated() {
            let f = dir.appendingPathComponent("\(i).bin").path
            script += "\(ndctl) write-infoblock -o \(f) \(c.ndctlArguments.joined(separator: " ")) 2>/dev/null; echo $? > \(f).rc\n"
            script += "[ \"$(cat \(f).rc)\" = 0 ] && \(ndctl) read-infoblock -i \(f) -j > \(f).json 2>/dev/null\n"
        }
        let scriptURL = dir.appendingPathComponent("run.sh")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        _ = try runProcess("/bin/sh", [scriptURL.path])

        var compared = 0, refusedByBoth = 0
        for (i, c) in cases.enumerated() {
            let f = dir.appendingPathComponent("\(i).bin").path
            let rc = (try? String(contentsOfFile: f + ".rc", encoding: .utf8))?.trimmingWhitespace ?? "?"
            let ours = Result { () throws(InputError) in try c.request.image() }
            switch (rc == "0", ours) {
            case (true, .success(let image)):
                let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f)))
                #expect(theirs == image, "bytes differ for \(c)")
                let json = try JSON(parsing: String(contentsOfFile: f + ".json", encoding: .utf8))
                let block = try PfnInfoBlock(decoding: image, source: f)
                #expect(json == .array([block.ndctlJSON(file: f)]), "read-infoblock JSON differs for \(c)")
                compared += 1
            case (false, .failure):
                refusedByBoth += 1
            case (true, .failure(let e)):
                Issue.record("ndctl wrote a block, ndemu refused (\(e)) for \(c)")
            case (false, .success):
                Issue.record("ndctl refused (rc \(rc)), ndemu wrote a block for \(c)")
            }
        }
        // Both outcomes must be exercised for the comparison to mean something.
        #expect(compared >= 1000)
        #expect(refusedByBoth > 0)
    }
}
