import Foundation
import NDEmuCore

/// SplitMix64: a tiny deterministic generator so fixed-seed tests draw the same cases everywhere.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// The installed `ndctl`, if any (CI installs the Debian package).
let ndctlPath: String? = ["/usr/bin/ndctl", "/usr/local/bin/ndctl", "/bin/ndctl"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// Runs a program; returns (status, stdout, stderr).
func runProcess(_ path: String, _ args: [String]) throws -> (Int32, Data, Data) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, o, e)
}

/// The real-kernel capture folders: Tests/OracleFixtures/<scenario>, found through #filePath.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OracleFixtures")

    /// A scenario folder, if it has been captured into the fixtures (or, on the development
    /// machine before it was committed, in the shared oracle results).
    static func scenario(_ name: String) -> URL? {
        for base in [root, URL(fileURLWithPath: "/work/shared/oracle/results")] {
            let u = base.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: u.path) { return u }
        }
        return nil
    }
}
