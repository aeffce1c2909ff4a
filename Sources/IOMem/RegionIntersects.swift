import NDEmuCore

extension ResourceTree {
    /// `region_intersects(start, size, flags, desc)` (kernel/resource.c): does `range` meet
    /// resources of the given kind (`flags` all set, and `desc` equal unless it is
    /// `IORES_DESC_NONE`)?
    ///
    /// Up to 6.11 only the top-level resources count: any matching one overlapping the range
    /// makes it INTERSECTS, plus any non-matching one makes it MIXED; holes count as nothing.
    /// From 6.12 (`KernelChange.regionIntersectsChildren`) a non-matching top-level resource
    /// is searched for matching descendants, and counts as "other" only if they leave part of
    /// its overlap with the range uncovered.
    public func regionIntersects(_ range: AddressRange, flags: ResourceFlags, descriptor: ResourceDescriptor = .none,
                                 behaviour: KernelBehaviour) -> RegionIntersection {
        guard !range.isEmpty else { return .disjoint }
        func matches(_ r: Resource) -> Bool {
            r.flags.isSuperset(of: flags) && (descriptor == .none || r.descriptor == descriptor)
        }
        let searchChildren = behaviour.has(.regionIntersectsChildren)
        var type = 0, other = 0
        for p in topLevel {
            guard let overlap = p.range.intersection(range) else { continue }
            if matches(p) { type += 1; continue }
            guard searchChildren else { other += 1; continue }
            var covered = false
            var cursor = overlap.start
            for d in p.descendants where d.range.overlaps(range) && matches(d) {
                type += 1
                if d.range.start > cursor { break }
                if d.range.last >= overlap.last { covered = true; break }
                cursor = Swift.max(cursor, d.range.end)
            }
            if !covered { other += 1 }
        }
        if type == 0 { return .disjoint }
        return other == 0 ? .intersects : .mixed
    }
}
