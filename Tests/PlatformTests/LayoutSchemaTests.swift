import Foundation
import Testing
import NDEmuCore
import Platform

/// Every layout in `Namespaces/` validates against `Namespaces/layout.schema.json` (checked by
/// python3-jsonschema, Draft 2020-12) and loads with ndemu's own, stricter, loader.
@Suite struct LayoutSchemaTests {
    static let validator: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3", "/usr/local/bin/python3"]
        for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["-c", "import jsonschema"]
            p.standardError = FileHandle.nullDevice
            do { try p.run(); p.waitUntilExit() } catch { continue }
            if p.terminationStatus == 0 { return python }
        }
        return nil
    }()

    /// Runs jsonschema on `files`; returns (status, output).
    static func runValidator(_ python: String, files: [String]) throws -> (Int32, String) {
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        v = jsonschema.Draft202012Validator(schema)
        bad = 0
        for f in sys.argv[2:]:
            for e in v.iter_errors(json.load(open(f))):
                bad += 1
                print(f + ": " + "/".join(str(p) for p in e.absolute_path) + ": " + e.message)
        sys.exit(1 if bad else 0)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, Corpus.schema.path] + files
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theCorpusHoldsAtLeastTheIssuesTwelvePlatforms() {
        #expect(Corpus.layoutNames.count >= 12, "Namespaces/ holds \(Corpus.layoutNames.count) layouts")
    }

    @Test(.enabled(if: validator != nil, "python3 with the jsonschema module is not installed: schema validation SKIPPED"),
          arguments: Corpus.layoutNames)
    func validatesAgainstTheSchema(name: String) throws {
        let (status, output) = try Self.runValidator(Self.validator!, files: [Corpus.path(name)])
        #expect(status == 0, "\(output)")
    }

    @Test(.enabled(if: validator != nil, "python3 with the jsonschema module is not installed: schema validation SKIPPED"))
    func theSchemaRejectsWhatTheFormatForbids() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-schema-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = [
            #"{"memory": [{"start": "0x0", "size": "1.5G", "type": "System RAM"}], "regions": []}"#,
            #"{"memory": [{"start": 0, "size": 4096, "type": "RAM"}], "regions": []}"#,
            #"{"memory": [{"start": 0, "size": 4096, "type": "System RAM"}], "regions": [], "namespaces": [{"dev": "n", "region": "r", "mode": "raw", "map": "dev"}]}"#,
            #"{"memory": [{"start": 0, "size": 4096, "type": "System RAM"}], "regions": [], "typo": 1}"#,
        ]
        for (i, text) in bad.enumerated() {
            let f = dir.appendingPathComponent("bad\(i).json")
            try Data(text.utf8).write(to: f)
            let (status, _) = try Self.runValidator(Self.validator!, files: [f.path])
            #expect(status == 1, "schema accepted \(text)")
        }
    }

    @Test(arguments: Corpus.layoutNames)
    func loadsWithNdemusLoader(name: String) throws {
        let layout = try Layout(contentsOfFile: Corpus.path(name))
        #expect(!layout.namespaces.isEmpty)
        #expect(layout.description?.isEmpty == false, "every corpus layout says what it is and where its values come from")
        let eras = try layout.expectations.map { e in KernelBehaviour(try KernelSpec(parsing: e.kernel)).hotplugGranularity }
        #expect(eras.contains(.section), "an expectation for a legacy (section-granular) kernel")
        #expect(eras.contains(.subsection), "an expectation for a sub-section kernel")
    }
}
