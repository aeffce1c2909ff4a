import Foundation
import Testing
import NDEmuCore
@testable import NDEmuCommands

/// `simulate` and `compare` text output, pinned in `Golden/` (regenerate with
/// `NDEMU_UPDATE_GOLDEN=1 swift test --filter LayoutGoldenTests`, then review the diff).
@Suite struct LayoutGoldenTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let namespaces = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Namespaces")

    struct Case: Sendable, CustomTestStringConvertible {
        let golden: String, command: String, layout: String, kernels: [String]
        var testDescription: String { golden }
    }

    static let cases: [Case] = [
        Case(golden: "simulate-seed-raw-5.2.txt", command: "simulate", layout: "seed-mixed-section-raw.json", kernels: ["5.2"]),
        Case(golden: "simulate-e2-6.1.txt", command: "simulate", layout: "e2-ram-pmem-ram.json", kernels: ["6.1"]),
        Case(golden: "compare-e3.txt", command: "compare", layout: "pmem-vs-pmem-one-section.json", kernels: ["5.2", "6.1"]),
        Case(golden: "compare-six-way.txt", command: "compare", layout: "six-way-interleave.json", kernels: ["5.2", "6.1"]),
        Case(golden: "compare-e7-5.3.txt", command: "compare", layout: "e7-end-1M-past-2M.json", kernels: ["5.3", "6.1"]),
    ]

    @Test(arguments: cases)
    func textOutputIsPinned(_ c: Case) throws {
        let path = Self.namespaces.appendingPathComponent(c.layout).path
        let specs = try c.kernels.map { k throws in try KernelSpec(parsing: k) }
        var text = c.command == "simulate"
            ? try SimulateCommand.render(layout: path, kernel: specs[0], arch: nil, format: .text, colour: false)
            : try CompareCommand.render(layout: path, from: specs[0], to: specs[1], arch: nil, format: .text, colour: false)
        text = text.replacingOccurrences(of: Self.namespaces.path + "/", with: "Namespaces/") + "\n"
        let golden = Self.here.appendingPathComponent("Golden").appendingPathComponent(c.golden)
        if ProcessInfo.processInfo.environment["NDEMU_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: golden)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(text == expected, "differs from Golden/\(c.golden)")
    }
}
