import Foundation

/// The `Namespaces/` corpus, found from this file's path (no SwiftPM resources).
enum Corpus {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Namespaces")
    static let schema = directory.appendingPathComponent("layout.schema.json")

    /// Every layout file name (not the schema), sorted.
    static let layoutNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "layout.schema.json" }.sorted()
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}
