import NDEmuCore

/// A PMEM region (`struct nd_region`): its physical range, interleave, labels, and the
/// namespaces allocated in it.
public struct Region: Hashable, Sendable {
    public var name: String
    public var range: AddressRange
    /// `ndr_mappings`: DIMMs interleaved (1 for a label-less e820 region).
    public var interleaveWays: UInt64
    public var labels: RegionLabels
    public var readOnly: Bool
    /// `regionN/align` when userspace overrode it.
    public var alignOverride: ByteCount?
    /// Allocated namespace ranges, in allocation order.
    public private(set) var namespaces: [AddressRange] = []

    public init(name: String = "region0", range: AddressRange, interleaveWays: UInt64 = 1, labels: RegionLabels = .none,
                readOnly: Bool = false, alignOverride: ByteCount? = nil) {
        self.name = name; self.range = range; self.interleaveWays = Swift.max(1, interleaveWays); self.labels = labels
        self.readOnly = readOnly; self.alignOverride = alignOverride
    }

    /// `MEMREMAP_COMPAT_ALIGN_MAX`.
    public static let compatAlignMax = ByteCount.mib(16)

    /// The region's `align` attribute (5.7+, `nd_region_create()`): 16 MiB, times the ways when
    /// they do not divide 16 MiB; `PAGE_SIZE` for a region smaller than 16 MiB. Before 5.7 the
    /// size granularity is `PAGE_SIZE × ways` (4 KiB × ways before 5.4) and there is no attribute.
    public func align(behaviour: KernelBehaviour, arch: ArchProfile) -> ByteCount {
        if let alignOverride { return alignOverride }
        guard behaviour.has(.compatAlign) else { return arch.pageSize * interleaveWays }
        if range.size < Self.compatAlignMax { return arch.pageSize }
        return Self.compatAlignMax.isMultiple(of: ByteCount(interleaveWays)) ? Self.compatAlignMax : Self.compatAlignMax * interleaveWays
    }

    /// Label-less regions (`ND_DEVICE_NAMESPACE_IO`) hold exactly one namespace, the whole region.
    public var isLabelless: Bool { labels == .none }

    /// The free extents, lowest first.
    public var freeExtents: [AddressRange] {
        var out: [AddressRange] = []
        var cursor = range.start
        for n in namespaces.sorted(by: { $0.start < $1.start }) {
            if n.start > cursor, let gap = AddressRange(start: cursor, end: n.start) { out.append(gap) }
            cursor = Swift.max(cursor, n.end)
        }
        if cursor < range.end, let gap = AddressRange(start: cursor, end: range.end) { out.append(gap) }
        return out
    }
    /// `available_size`.
    public var availableSize: ByteCount { freeExtents.reduce(.zero) { $0 + $1.size } }
    /// `max_available_extent`.
    public var largestFreeExtent: ByteCount { freeExtents.map(\.size).max() ?? .zero }

    /// Allocates a namespace (`__size_store()` + DPA allocation). A label-less region ignores
    /// `size` and yields the whole region, as the kernel does. Labelled regions check the size
    /// granularity ("%llu is not %ldK aligned", -EINVAL) and space (-ENOSPC), then take the
    /// lowest free extent that fits, its start aligned to the region align (5.7+).
    public mutating func allocateNamespace(size requested: ByteCount?, behaviour: KernelBehaviour, arch: ArchProfile) throws(KernelError) -> AddressRange {
        if isLabelless {
            guard namespaces.isEmpty else { throw KernelError(.ENOSPC) }
            namespaces = [range]
            return range
        }
        let align = self.align(behaviour: behaviour, arch: arch)
        let size = requested ?? largestFreeExtent.alignedDown(to: align)
        guard size.isMultiple(of: align) else {
            throw KernelError(.EINVAL, "\(size.rawValue) is not \(align.rawValue / 1024)K aligned")
        }
        guard !size.isZero, size <= availableSize else { throw KernelError(.ENOSPC) }
        for extent in freeExtents {
            let start = behaviour.has(.compatAlign)
                ? (range.start.advanced(by: (extent.start - range.start).alignedUp(to: align) ?? extent.size) ?? extent.end)
                : extent.start
            guard start <= extent.end, let r = AddressRange(start: start, size: size), r.end <= extent.end else { continue }
            namespaces.append(r)
            #if DEBUG
            assert(namespaces.allSatisfy { range.contains($0) }, "namespaces stay inside their region")
            #endif
            return r
        }
        throw KernelError(.ENOSPC)
    }
}
