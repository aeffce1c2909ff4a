import NDEmuCore

/// One /proc/iomem line and the lines nested under it.
///
/// Interim reader (indentation = nesting, `start-end : name`) until the IOMem module's
/// /proc/iomem parser is in main; only `IOMemText.parse` knows the text format.
public struct IOMemNode: Hashable, Sendable {
    public var name: String
    public var range: AddressRange
    public var children: [IOMemNode]

    /// This node and every node below it, depth first.
    public var descendants: [IOMemNode] { children.flatMap { [$0] + $0.descendants } }
}

enum IOMemText {
    /// The top-level entries of /proc/iomem text; `input` names the file for errors.
    static func parse(_ text: String, input: String) throws(InputError) -> [IOMemNode] {
        var stack: [(depth: Int, node: IOMemNode)] = []
        var top: [IOMemNode] = []
        func close(to depth: Int) {
            while let last = stack.last, last.depth >= depth {
                stack.removeLast()
                if stack.isEmpty { top.append(last.node) } else { stack[stack.count - 1].node.children.append(last.node) }
            }
        }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.trimmingWhitespace.isEmpty { continue }
            let indent = line.prefix { $0 == " " }.count
            let fields = line.split(separator: " : ", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw InputError("\(input): line \(i + 1)", "'\(line)' is not a /proc/iomem line (START-END : NAME)")
            }
            let rangeText = fields[0].trimmingWhitespace
            let name = String(fields[1])
            let bounds = rangeText.split(separator: "-")
            guard bounds.count == 2, let s = UInt64(bounds[0], radix: 16), let e = UInt64(bounds[1], radix: 16),
                  let range = AddressRange(start: PhysicalAddress(s), last: PhysicalAddress(e)) else {
                throw InputError("\(input): line \(i + 1)", "'\(rangeText)' is not a hex START-END range with START <= END")
            }
            close(to: indent / 2)
            stack.append((indent / 2, IOMemNode(name: name, range: range, children: [])))
        }
        close(to: 0)
        if top.allSatisfy({ $0.range.start == .zero && $0.range.size.rawValue <= 1 }) && !top.isEmpty {
            throw InputError(input, "every address is 0: /proc/iomem was read without root (run as root: sudo cat /proc/iomem)")
        }
        return top
    }
}
