import NDEmuCore

/// The iomem resource tree (`iomem_resource` and everything below it) with the kernel's
/// request, insert and release rules (kernel/resource.c).
///
/// A value type: copying a tree snapshots it, and two trees compare equal when /proc/iomem,
/// flags and descriptors all agree, which is how tests prove a teardown restored the state.
public struct ResourceTree: Hashable, Sendable {
    /// The top-level resources (children of `iomem_resource`), sorted by address.
    public private(set) var topLevel: [Resource]

    public init(topLevel: [Resource] = []) {
        self.topLevel = topLevel
        checkInvariants()
    }

    /// `iomem_resource` spans the whole 64-bit space; ndemu's ranges stop one byte short of
    /// 2^64, so its root is `[0, 2^64 - 1)`.
    static let rootRange = AddressRange(start: .zero, last: PhysicalAddress(UInt64.max - 1))!

    /// Every resource, depth-first in address order, with its depth (0 = top level).
    public var allResources: [(depth: Int, resource: Resource)] {
        var out: [(Int, Resource)] = []
        func walk(_ rs: [Resource], _ d: Int) { for r in rs { out.append((d, r)); walk(r.children, d + 1) } }
        walk(topLevel, 0)
        return out
    }

    // MARK: request_resource / insert_resource

    /// `request_resource_conflict(&iomem_resource, new)` → `__request_resource()`: adds `new`
    /// as a top-level resource when it overlaps no top-level sibling. Returns the resource in
    /// the way (nil on success).
    @discardableResult
    public mutating func requestConflict(_ new: Resource) -> Resource? {
        let result = Self.requestResource(new, in: &topLevel, parent: Self.rootRange)
        checkInvariants()
        return result
    }

    /// `request_resource()`: -EBUSY when `new` collides with a top-level resource.
    public mutating func request(_ new: Resource) throws(KernelError) {
        if requestConflict(new) != nil { throw KernelError(.EBUSY) }
    }

    /// `insert_resource_conflict()` → `__insert_resource()`: descends into a resource that
    /// wholly contains `new`, and adopts as children the resources `new` wholly contains.
    /// A partial overlap is unfixable: the overlapping resource is returned and nothing changes.
    @discardableResult
    public mutating func insertConflict(_ new: Resource) -> Resource? {
        let result = Self.insertResource(new, in: &topLevel, parent: Self.rootRange)
        checkInvariants()
        return result
    }

    /// `insert_resource()`: -EBUSY on a partial overlap.
    public mutating func insert(_ new: Resource) throws(KernelError) {
        if insertConflict(new) != nil { throw KernelError(.EBUSY) }
    }

    /// `__request_region()` (what `request_mem_region()`/`devm_request_mem_region()` do):
    /// walks down through every resource that contains the range and is not BUSY, and adds a
    /// BUSY resource named `name` there. The new resource takes its parent's type bits and
    /// descriptor. -EBUSY when a BUSY resource or a partial overlap is in the way.
    public mutating func requestRegion(_ range: AddressRange, name: String,
                                       flags: ResourceFlags = []) throws(KernelError) {
        guard !range.isEmpty else { throw KernelError(.EINVAL) }
        let ok = Self.requestRegion(range, name: name, flags: flags, in: &topLevel,
                                    parentRange: Self.rootRange, parentFlags: .mem, parentDesc: .none)
        checkInvariants()
        if !ok { throw KernelError(.EBUSY) }
    }

    // MARK: release

    /// `release_resource()`: unlinks the resource with exactly this range (and name, when
    /// given), taking its children with it. Returns the removed resource.
    @discardableResult
    public mutating func release(_ range: AddressRange, name: String? = nil) -> Resource? {
        let r = Self.remove(range, name: name, in: &topLevel, keepChildren: false)
        checkInvariants()
        return r
    }

    /// `remove_resource()`: unlinks the resource and moves its children up to its parent.
    @discardableResult
    public mutating func remove(_ range: AddressRange, name: String? = nil) -> Resource? {
        let r = Self.remove(range, name: name, in: &topLevel, keepChildren: true)
        checkInvariants()
        return r
    }

    /// The deepest resources that contain `address`, outermost first.
    public func path(containing address: PhysicalAddress) -> [Resource] {
        var out: [Resource] = []
        var level = topLevel
        while let r = level.first(where: { $0.range.contains(address) }) {
            out.append(r); level = r.children
        }
        return out
    }

    /// The resource with exactly this range (and name, when given), at any depth.
    public func find(_ range: AddressRange, name: String? = nil) -> Resource? {
        allResources.first { $0.resource.range == range && (name == nil || $0.resource.name == name) }?.resource
    }

    // MARK: Invariants

    /// Debug builds check after every mutation that children nest and siblings are sorted
    /// and disjoint.
    @inline(__always)
    func checkInvariants() {
        #if DEBUG
        assert(Self.violation(in: topLevel, parent: Self.rootRange) == nil,
               "resource tree invariant: \(Self.violation(in: topLevel, parent: Self.rootRange) ?? "")")
        #endif
    }

    /// The first broken nesting/order rule, or nil.
    static func violation(in siblings: [Resource], parent: AddressRange) -> String? {
        var previous: Resource?
        for r in siblings {
            if !parent.contains(r.range) { return "\(r.name) \(r.range) outside its parent \(parent)" }
            if let p = previous, p.range.end > r.range.start {
                return "\(r.name) \(r.range) overlaps or precedes \(p.name) \(p.range)"
            }
            if let v = violation(in: r.children, parent: r.range) { return v }
            previous = r
        }
        return nil
    }

    // MARK: The recursive bodies

    /// Index of the first sibling overlapping `range`, and the index to insert at otherwise.
    static func locate(_ range: AddressRange, in siblings: [Resource]) -> (conflict: Int?, insertAt: Int) {
        for (i, s) in siblings.enumerated() {
            if s.range.start > range.last { return (nil, i) }
            if s.range.last < range.start { continue }
            return (i, i)
        }
        return (nil, siblings.count)
    }

    static func requestResource(_ new: Resource, in siblings: inout [Resource], parent: AddressRange) -> Resource? {
        guard parent.contains(new.range) else { return Resource(name: "(parent)", range: parent) }
        let (conflict, at) = locate(new.range, in: siblings)
        if let c = conflict { return siblings[c] }
        siblings.insert(new, at: at)
        return nil
    }

    static func insertResource(_ new: Resource, in siblings: inout [Resource], parent: AddressRange) -> Resource? {
        guard parent.contains(new.range) else { return Resource(name: "(parent)", range: parent) }
        let (conflict, at) = locate(new.range, in: siblings)
        guard let first = conflict else { siblings.insert(new, at: at); return nil }
        let f = siblings[first]
        if f.range.contains(new.range) && f.range != new.range {
            return insertResource(new, in: &siblings[first].children, parent: f.range)
        }
        // `new` must wholly contain every sibling it touches; it adopts them.
        var last = first
        while true {
            let s = siblings[last]
            if !new.range.contains(s.range) { return s }
            if last + 1 >= siblings.count || siblings[last + 1].range.start > new.range.last { break }
            last += 1
        }
        var adopted = new
        adopted.children = Array(siblings[first...last])
        siblings.replaceSubrange(first...last, with: [adopted])
        return nil
    }

    static func requestRegion(_ range: AddressRange, name: String, flags: ResourceFlags, in siblings: inout [Resource],
                              parentRange: AddressRange, parentFlags: ResourceFlags, parentDesc: ResourceDescriptor) -> Bool {
        guard parentRange.contains(range) else { return false }
        let (conflict, at) = locate(range, in: siblings)
        guard let c = conflict else {
            siblings.insert(Resource(name: name, range: range, flags: parentFlags.type.union(.busy).union(flags),
                                     descriptor: parentDesc), at: at)
            return true
        }
        let s = siblings[c]
        if s.flags.contains(.busy) { return false }
        return requestRegion(range, name: name, flags: flags, in: &siblings[c].children,
                             parentRange: s.range, parentFlags: s.flags, parentDesc: s.descriptor)
    }

    static func remove(_ range: AddressRange, name: String?, in siblings: inout [Resource], keepChildren: Bool) -> Resource? {
        for i in siblings.indices {
            let s = siblings[i]
            if s.range == range && (name == nil || s.name == name) {
                siblings.remove(at: i)
                if keepChildren { siblings.insert(contentsOf: s.children, at: i) }
                return s
            }
            if s.range.contains(range) {
                return remove(range, name: name, in: &siblings[i].children, keepChildren: keepChildren)
            }
        }
        return nil
    }
}
