import Foundation
import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

/// Real 6.1 captures (Tests/OracleFixtures): at boot every raw namespace on a `memmap=` range is
/// page-mapped through devm_memremap_pages() (no altmap), except ranges libnvdimm refuses as
/// misaligned (not 2 MiB aligned, "misaligned, unable to map" before memremap is reached).
/// The captured ZONE_DEVICE `spanned` must equal the emulated zone span.
@Suite("real 6.1 captures: ZONE_DEVICE span after the boot-time raw mappings")
struct OracleZoneDeviceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OracleFixtures")

    static var scenarios: [String] {
        let top = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        // pending/ holds captures another layer does not reproduce yet; this one is ours.
        let names = top + ["pending/pmem-pmem-one-section"]
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/01-boot/zoneinfo-device.txt").path) }.sorted()
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// `BIOS-e820: [mem 0x…-0x…] usable|reserved` lines.
    static func bios(_ dmesg: String) -> [E820Entry] {
        dmesg.split(separator: "\n").compactMap { line in
            guard let at = line.firstRange(of: "BIOS-e820: [mem ") else { return nil }
            let rest = line[at.upperBound...]
            let b = rest.prefix { $0 != "]" }.split(separator: "-")
            guard b.count == 2, let s = UInt64(b[0].dropFirst(2), radix: 16), let l = UInt64(b[1].dropFirst(2), radix: 16),
                  let range = AddressRange(start: PhysicalAddress(s), last: PhysicalAddress(l)) else { return nil }
            return E820Entry(range, rest.hasSuffix("usable") ? .ram : .reserved)
        }
    }

    @Test func capturesArePresent() { #expect(!Self.scenarios.isEmpty, "no captures under \(Self.root.path)") }

    @Test(arguments: scenarios)
    func zoneDeviceSpan(scenario: String) throws {
        let zoneinfo = try Self.text("\(scenario)/01-boot/zoneinfo-device.txt")
        let spannedLine = try #require(zoneinfo.split(separator: "\n").first { $0.contains("spanned") })
        let spanned = try #require(UInt64(spannedLine.split(separator: " ").last ?? ""))
        let b = KernelBehaviour(KernelVersion(6, 1))
        var h = try HotplugHost(firmware: FirmwareMap(Self.bios(Self.text("\(scenario)/01-boot/dmesg-delta.txt")), input: scenario),
                                commandLine: KernelCommandLine(parsing: Self.text("\(scenario)/cmdline.txt")),
                                arch: .x86_64, behaviour: b)
        for (i, range) in h.firmware.ranges(of: .pram).enumerated()
        where range.start.isAligned(to: .mib(2)) && range.size.isMultiple(of: .mib(2)) {
            let m = try h.memremapPages(DevPagemap(range: range, type: .fsdax, device: DeviceName(driver: "nd_pmem", name: "namespace\(i).0")))
            #expect(m.window == range)
        }
        #expect((h.pagemaps.zoneDevice.span.map { $0.size.pages(pageShift: 12).rawValue } ?? 0) == spanned)
        #expect(!h.log.lines.contains { $0.contains("attempted on") || $0.contains("Misaligned") })
    }
}
