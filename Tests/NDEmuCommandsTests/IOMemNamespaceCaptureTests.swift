import Foundation
import Testing
import NDEmuCore
@testable import NDEmuCommands

/// `ndemu iomem LAYOUT` against the real 6.1 capture `a-aligned-4G-at-8G` (memmap=4G!8G):
/// the layout Namespaces/aligned-4G-at-8G.json in each mode, compared with the /proc/iomem
/// captured after that mode was set up.
@Suite struct IOMemNamespaceCaptureTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let capture = repo.appendingPathComponent("Tests/OracleFixtures/a-aligned-4G-at-8G")

    /// The "Persistent Memory (legacy)" line and the lines nested under it.
    static func pmemSubtree(_ text: String) -> [String] {
        var out: [String] = [], inside = false
        for line in text.split(separator: "\n").map(String.init) {
            if !line.hasPrefix(" ") { inside = line.hasSuffix(": Persistent Memory (legacy)") }
            if inside { out.append(line) }
        }
        return out
    }

    @Test(arguments: [
        ("\"mode\": \"fsdax\", \"map\": \"dev\", \"align\": \"2M\"", "04-fsdax-dev-2M"),
        ("\"mode\": \"devdax\", \"map\": \"dev\", \"align\": \"2M\"", "09-devdax-2M"),
        ("\"mode\": \"sector\"", "13-sector"),
        ("\"mode\": \"raw\"", "14-raw"),
    ])
    func namespaceChildren(mode: String, step: String) throws {
        let original = try String(contentsOf: Self.repo.appendingPathComponent("Namespaces/aligned-4G-at-8G.json"), encoding: .utf8)
        let fsdax = "\"mode\": \"fsdax\", \"map\": \"dev\", \"align\": \"2M\""
        #expect(original.contains(fsdax))
        var text = original.replacingOccurrences(of: fsdax, with: mode)
        // Keep only the layout's machine: the expectations describe the fsdax mode.
        if let cut = text.range(of: ",\n  \"expect\"") { text = String(text[..<cut.lowerBound]) + "\n}\n" }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-iomem-\(step).json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let mine = try IOMemCommand.renderedIomem(layoutPath: file.path)
        let real = try String(contentsOf: Self.capture.appendingPathComponent("\(step)/iomem.txt"), encoding: .utf8)
        #expect(Self.pmemSubtree(mine) == Self.pmemSubtree(real))
        #expect(Self.pmemSubtree(real).count >= 2)
    }
}
