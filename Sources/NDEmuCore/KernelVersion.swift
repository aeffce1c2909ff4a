/// A kernel release `X.Y` (a stable `X.Y.Z` behaves as its `X.Y`), or the sub-section
/// hotplug series as posted in May 2019 (v7), selectable by name so reviewers can see
/// what the review changed.
public enum KernelSpec: Hashable, Sendable, CustomStringConvertible {
    case release(KernelVersion)
    /// "mm: Sub-section memory hotplug support" v7 (2019-05-01) applied on 5.1.
    case subsectionSeriesV7

    /// The release whose non-sparsemem behaviour applies.
    public var baseVersion: KernelVersion {
        switch self {
        case .release(let v): v
        case .subsectionSeriesV7: KernelVersion(5, 1)
        }
    }
    public var description: String {
        switch self {
        case .release(let v): v.description
        case .subsectionSeriesV7: "v7"
        }
    }

    /// The default kernel (`--kernel` unset): Debian 12's 6.1, the captured reference.
    public static let `default` = KernelSpec.release(KernelVersion(6, 1))

    /// Names accepted for the v7 series.
    public static let v7Names: Set<String> = ["v7", "subsection-v7", "5.1-subsection-v7"]

    /// Parses `6.1`, `5.2`, `6.1.192`, `v6.1`, `5.3-rc8`, or `v7`. Versions older than
    /// `KernelVersion.earliestModelled` or newer than `KernelVersion.newestKnown` are errors.
    public init(parsing text: String, input: String = "--kernel") throws(InputError) {
        let t = text.trimmingWhitespace.lowercased()
        if Self.v7Names.contains(t) { self = .subsectionSeriesV7; return }
        self = .release(try KernelVersion(parsing: t, input: input))
    }
}

/// A kernel release, compared as `(major, minor)`.
public struct KernelVersion: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let major: Int
    public let minor: Int
    public init(_ major: Int, _ minor: Int) { self.major = major; self.minor = minor }

    /// The earliest release whose behaviour ndemu models (sections with IS_ONLINE, the 4.15
    /// end-truncation rule for aligned pfn namespaces).
    public static let earliestModelled = KernelVersion(4, 15)
    /// The newest release line ndemu knows; later lines are refused rather than guessed.
    public static let newestKnown = KernelVersion(7, 99)

    public static func < (a: KernelVersion, b: KernelVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    public var description: String { "\(major).\(minor)" }

    public init(parsing text: String, input: String = "--kernel") throws(InputError) {
        var t = Substring(text.trimmingWhitespace.lowercased())
        if t.hasPrefix("v") || t.hasPrefix("linux-") { t = t.drop(while: { !$0.isNumber }) }
        let core = t.prefix { $0.isNumber || $0 == "." }
        let rest = t.dropFirst(core.count)
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.count <= 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 }),
              let major = Int(parts[0]), let minor = Int(parts[1]),
              rest.isEmpty || rest.hasPrefix("-") || rest.hasPrefix("+") || rest.hasPrefix("~")
        else {
            throw InputError(input, "'\(text)' is not a kernel version (use X.Y such as 5.2, 6.1 or 6.12, or 'v7' for the May 2019 sub-section series)")
        }
        let v = KernelVersion(major, minor)
        guard v >= Self.earliestModelled else {
            throw InputError(input, "kernel \(v) is older than the earliest modelled behaviour (\(Self.earliestModelled))")
        }
        guard v <= Self.newestKnown, major >= 2 else {
            throw InputError(input, "kernel \(v) is not a known release (ndemu models \(Self.earliestModelled) to 7.x)")
        }
        self = v
    }
}
