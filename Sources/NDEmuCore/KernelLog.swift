/// The emulated kernel's log (dmesg): every message a mirrored function prints, verbatim.
public struct KernelLog: Sendable {
    public enum Level: String, Sendable, Codable { case err, warn, info, debug }

    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public let level: Level
        /// The message text exactly as the kernel prints it (with any `driver device: ` prefix).
        public let text: String
        public init(_ level: Level, _ text: String) { self.level = level; self.text = text }
        public var description: String { text }
    }

    public private(set) var entries: [Entry] = []
    /// Call sites of `WARN_ONCE`/`pr_*_once` that already fired this boot.
    private var onceKeys: Set<String> = []

    public init() {}

    public mutating func append(_ level: Level, _ text: String) { entries.append(Entry(level, text)) }
    public mutating func warn(_ text: String) { append(.warn, text) }
    public mutating func info(_ text: String) { append(.info, text) }
    public mutating func err(_ text: String) { append(.err, text) }
    public mutating func debug(_ text: String) { append(.debug, text) }

    /// `WARN_ONCE` / `pr_warn_once`: prints only the first time `key` (the call site) fires this boot.
    /// Returns whether it printed.
    @discardableResult
    public mutating func once(_ key: String, _ level: Level = .warn, _ text: String) -> Bool {
        guard onceKeys.insert(key).inserted else { return false }
        append(level, text); return true
    }

    /// The lines as `dmesg` would show their text.
    public var lines: [String] { entries.map(\.text) }
}
