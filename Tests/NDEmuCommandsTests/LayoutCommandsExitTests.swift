import Foundation
import Testing
@testable import NDEmuCommands

/// Bad input exits 1 with a message naming the input; usage errors exit 2; never a crash.
@Suite struct LayoutCommandsExitTests {
    static let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Namespaces/seed-mixed-section-raw.json").path

    static let cases: [([String], Int32)] = [
        (["simulate", "/nonexistent/layout.json"], 1),
        (["compare", "/nonexistent/layout.json"], 1),
        (["simulate", seed, "--kernel", "3.10"], 1),
        (["simulate", seed, "--arch", "sparc64"], 1),
        (["compare", seed, "--from", "banana"], 1),
        (["map", seed], 2),
        (["map", seed, "--svg", "/dev/null", "--html", "/dev/null"], 2),
        (["map", seed, "--svg", "/nonexistent-dir/x.svg"], 1),
        (["simulate"], 2),
    ]

    @Test(arguments: cases)
    func exitStatus(arguments: [String], status: Int32) {
        #expect(NDEmu.run(arguments: arguments) == status)
    }
}
