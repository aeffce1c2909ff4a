import IOMem
import NDEmuCore

/// Answers `region_intersects(start, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)` for a window.
/// The IOMem resource tree conforms (Platform adapts it); `TopLevelResources` is a small
/// stand-alone implementation.
public protocol SystemRAMIntersecting: Sendable {
    func intersectsSystemRAM(_ window: AddressRange) -> RegionIntersection
}

/// A list of top-level iomem resources, each System RAM or not, with the pre-6.12 semantics of
/// `region_intersects()` (kernel/resource.c): only top-level resources count; no System RAM
/// overlapping → DISJOINT; System RAM and nothing else → INTERSECTS; both → MIXED.
public struct TopLevelResources: SystemRAMIntersecting, Hashable {
    public struct Resource: Hashable, Sendable {
        public let range: AddressRange
        public let isSystemRAM: Bool
        public init(_ range: AddressRange, isSystemRAM: Bool) { self.range = range; self.isSystemRAM = isSystemRAM }
    }
    public var resources: [Resource]
    public init(_ resources: [Resource] = []) { self.resources = resources }

    public func intersectsSystemRAM(_ window: AddressRange) -> RegionIntersection {
        var type = false, other = false
        for r in resources where r.range.overlaps(window) {
            if r.isSystemRAM { type = true } else { other = true }
        }
        return !type ? .disjoint : (other ? .mixed : .intersects)
    }
}

/// The IOMem resource tree answers for System RAM with the given kernel's semantics.
public struct IOMemSystemRAM: SystemRAMIntersecting {
    public var tree: ResourceTree
    public var behaviour: KernelBehaviour
    public init(tree: ResourceTree, behaviour: KernelBehaviour) { self.tree = tree; self.behaviour = behaviour }
    public func intersectsSystemRAM(_ window: AddressRange) -> RegionIntersection {
        tree.regionIntersects(window, flags: .systemRAM, descriptor: .none, behaviour: behaviour)
    }
}

/// What the namespace layer needs to know about the platform around a namespace: System RAM (for
/// `region_intersects`) and the other PMEM regions on the same bus (for `nd_region_conflict`).
public struct CollisionFacts: Sendable {
    public var systemRAM: any SystemRAMIntersecting
    /// Every other PMEM region on the bus (not the namespace's own).
    public var otherRegions: [AddressRange]

    public init(systemRAM: any SystemRAMIntersecting = TopLevelResources(), otherRegions: [AddressRange] = []) {
        self.systemRAM = systemRAM; self.otherRegions = otherRegions
    }

    /// No RAM and no neighbours anywhere near: the "section-aligned, no neighbours" default.
    public static let isolated = CollisionFacts()

    /// `nd_region_conflict(region, start, size)` (drivers/nvdimm/region_devs.c, ≤5.2): -EBUSY when
    /// the window's start falls inside another region, or its end does (`rs < end ≤ re`). Full
    /// containment of another region is not tested, as in the kernel.
    public func regionConflict(_ window: AddressRange) -> Bool {
        otherRegions.contains { r in
            (r.start <= window.start && window.start < r.end) || (r.start < window.end && window.end <= r.end)
        }
    }
}
