import IOMem
import NDEmuCore

/// One /proc/iomem line and the lines nested under it, as the importers use them.
public struct IOMemNode: Hashable, Sendable {
    public var name: String
    public var range: AddressRange
    public var children: [IOMemNode]

    /// This node and every node below it, depth first.
    public var descendants: [IOMemNode] { children.flatMap { [$0] + $0.descendants } }

    init(_ r: Resource) {
        name = r.name; range = r.range; children = r.children.map(IOMemNode.init)
    }
}

enum IOMemText {
    /// The top-level entries of /proc/iomem text, read by the IOMem module's parser (which
    /// rejects, naming `input` and the line, text read without root, malformed lines and
    /// children outside their parents).
    static func parse(_ text: String, input: String) throws(InputError) -> [IOMemNode] {
        try ResourceTree(parsingProcIomem: text, input: input).topLevel.map(IOMemNode.init)
    }
}
