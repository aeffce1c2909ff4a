import Foundation
import NDEmuCore

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
