import Foundation
import Testing
import NDEmuCore
@testable import IOMem

/// The real 6.1 captures in Tests/OracleFixtures (Debian 6.1.192 under QEMU, `memmap=` PMEM).
enum OracleCaptures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OracleFixtures")

    /// Scenario folders that hold a boot snapshot.
    static var scenarios: [String] {
        let top = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return top.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/01-boot/dmesg-delta.txt").path) }.sorted()
    }

    /// Every /proc/iomem text captured, by path relative to the fixture root.
    static var iomemFiles: [String] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { ($0 as NSString).lastPathComponent.hasPrefix("iomem") && $0.hasSuffix(".txt") }.sorted()
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The `BIOS-e820:` lines of a boot log, as firmware entries.
    static func biosE820(_ dmesg: String) throws -> [E820Entry] {
        try dmesg.split(separator: "\n").compactMap { line -> E820Entry? in
            guard let at = line.firstRange(of: "BIOS-e820: [mem ") else { return nil }
            let rest = line[at.upperBound...]
            let bounds = rest.prefix { $0 != "]" }.split(separator: "-")
            let kind = rest.drop { $0 != "]" }.dropFirst().trimmingWhitespace
            let type: E820Type = switch kind {
            case "usable": .ram
            case "reserved": .reserved
            case "ACPI data": .acpi
            case "ACPI NVS": .nvs
            case "persistent (type 7)": .pmem
            case "persistent (type 12)": .pram
            default: .unusable
            }
            let range = try #require(AddressRange(start: PhysicalAddress(UInt64(bounds[0].dropFirst(2), radix: 16)!),
                                                 last: PhysicalAddress(UInt64(bounds[1].dropFirst(2), radix: 16)!)))
            return E820Entry(range, type)
        }
    }

    /// The kernel command line of a scenario.
    static func cmdline(_ scenario: String) throws -> KernelCommandLine {
        try KernelCommandLine(parsing: text("\(scenario)/cmdline.txt"))
    }
}

@Suite("real 6.1 captures: /proc/iomem and the e820 map")
struct OracleCaptureTests {
    @Test func capturesArePresent() {
        #expect(!OracleCaptures.iomemFiles.isEmpty, "no iomem captures under \(OracleCaptures.root.path)")
        #expect(!OracleCaptures.scenarios.isEmpty)
    }

    @Test("every captured /proc/iomem parses and renders back byte for byte")
    func roundTrip() throws {
        for file in OracleCaptures.iomemFiles {
            let text = try OracleCaptures.text(file)
            let tree = try ResourceTree(parsingProcIomem: text, input: file)
            #expect(tree.procIomem == text, "\(file)")
        }
    }

    /// `memmap=` applied to the captured BIOS map gives the kernel's `user:` lines exactly.
    @Test(arguments: OracleCaptures.scenarios)
    func userDefinedMap(scenario: String) throws {
        let dmesg = try OracleCaptures.text("\(scenario)/01-boot/dmesg-delta.txt")
        let bios = try FirmwareMap(OracleCaptures.biosE820(dmesg), input: scenario)
        var log = KernelLog()
        let map = try bios.applying(OracleCaptures.cmdline(scenario), log: &log)
        let captured = dmesg.split(separator: "\n").compactMap { line -> String? in
            guard let i = line.firstRange(of: "] ") else { return nil }
            let text = String(line[i.upperBound...])
            return text.hasPrefix("user") ? text : nil
        }
        #expect(log.lines == captured)
        // And the top-level e820 resources /proc/iomem shows at boot, after trim_bios_range().
        let names: Set = ["System RAM", "Reserved", "Persistent Memory (legacy)"]
        let real = try ResourceTree(parsingProcIomem: OracleCaptures.text("\(scenario)/01-boot/iomem.txt"), input: scenario)
        let mine = map.trimmingBIOSRange().resourceTree
        let pick = { (t: ResourceTree) in t.topLevel.filter { names.contains($0.name) }.map { "\($0.range) \($0.name)" } }
        #expect(pick(mine) == pick(real))
    }
}
