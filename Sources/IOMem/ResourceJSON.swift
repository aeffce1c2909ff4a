import NDEmuCore

extension Resource {
    /// `{"name", "start", "end", "size", "flags", "desc", "children"}`: addresses as hex strings
    /// (`end` inclusive, as /proc/iomem prints it), `size` in bytes, `flags` as `%pr` prints them.
    public var json: JSON {
        var o: [(String, JSON)] = [
            ("name", .string(name)),
            ("start", .string(range.start.description)),
            ("end", .string(range.last.description)),
            ("size", .bytes(range.size)),
            ("flags", .string(flags.description)),
            ("desc", .string(descriptor.kernelName)),
        ]
        if !children.isEmpty { o.append(("children", .array(children.map(\.json)))) }
        return .object(o)
    }
}

extension ResourceTree {
    /// The top-level resources as a JSON array (children nested).
    public var json: JSON { .array(topLevel.map(\.json)) }
}
