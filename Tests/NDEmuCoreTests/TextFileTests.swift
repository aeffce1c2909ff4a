import Testing
@testable import NDEmuCore

@Suite struct TextFileTests {
    @Test func readsCharacterDevicesAndFiles() throws {
        #expect(try TextFile.read("/dev/null", what: "--ops file") == "")
        #expect(try TextFile.read(#filePath, what: "source").contains("readsCharacterDevicesAndFiles"))
    }

    @Test(arguments: [("/nonexistent/ndemu-layout.json", "no such file"), ("/", "is a directory")])
    func errorsNameTheFileAndTheReason(path: String, reason: String) {
        do {
            _ = try TextFile.read(path, what: "layout file")
            Issue.record("read \(path)")
        } catch {
            #expect(error.input == path)
            #expect(error.problem.contains(reason))
        }
    }
}
