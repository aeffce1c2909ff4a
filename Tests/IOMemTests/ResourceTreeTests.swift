import Testing
import NDEmuCore
@testable import IOMem

private func r(_ start: UInt64, _ last: UInt64) -> AddressRange {
    AddressRange(start: PhysicalAddress(start), last: PhysicalAddress(last))!
}

/// Runs `body` and expects it to fail with `errno`.
func expectKernelError(_ errno: Errno, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws(KernelError) -> Void) {
    do { try body(); Issue.record("expected -\(errno.name)", sourceLocation: sourceLocation) }
    catch { #expect(error.errno == errno, sourceLocation: sourceLocation) }
}

@Suite("resource tree: request, insert, release (kernel/resource.c)")
struct ResourceTreeTests {
    static let base = ResourceTree(topLevel: [
        Resource(name: "System RAM", range: r(0x1_0000_0000, 0x1_ffff_ffff), flags: [.systemRAM, .busy]),
        Resource(name: "Persistent Memory (legacy)", range: r(0x2_0000_0000, 0x2_fbff_ffff), descriptor: .persistentMemoryLegacy),
        Resource(name: "System RAM", range: r(0x2_fc00_0000, 0x3_ffff_ffff), flags: [.systemRAM, .busy]),
    ])

    @Test func requestResourceRefusesAnyOverlap() {
        var t = Self.base
        let conflict = t.requestConflict(Resource(name: "x", range: r(0x2_fb00_0000, 0x2_fcff_ffff)))
        #expect(conflict?.name == "Persistent Memory (legacy)")
        #expect(t == Self.base)
        expectKernelError(.EBUSY) { () throws(KernelError) in try t.request(Resource(name: "x", range: r(0x1_8000_0000, 0x1_8000_0fff))) }
        try? t.request(Resource(name: "above", range: r(0x10_0000_0000, 0x10_0fff_ffff)))
        #expect(t.topLevel.last?.name == "above")
    }

    @Test func insertDescendsIntoAContainingResource() throws {
        var t = Self.base
        try t.insert(Resource(name: "inner", range: r(0x2_1000_0000, 0x2_1fff_ffff)))
        #expect(t.topLevel[1].children.map(\.name) == ["inner"])
    }

    @Test func insertAdoptsContainedResources() throws {
        var t = Self.base
        try t.insert(Resource(name: "CXL Window 0", range: r(0x1_0000_0000, 0x3_ffff_ffff), descriptor: .cxl))
        #expect(t.topLevel.map(\.name) == ["CXL Window 0"])
        #expect(t.topLevel[0].children == Self.base.topLevel)
    }

    @Test func insertOfAnEqualRangeNestsTheOld() throws {
        var t = Self.base
        try t.insert(Resource(name: "outer", range: r(0x2_0000_0000, 0x2_fbff_ffff)))
        #expect(t.topLevel[1].name == "outer")
        #expect(t.topLevel[1].children.map(\.name) == ["Persistent Memory (legacy)"])
    }

    @Test func insertRefusesPartialOverlap() {
        var t = Self.base
        let c = t.insertConflict(Resource(name: "straddle", range: r(0x2_f000_0000, 0x3_0fff_ffff)))
        #expect(c?.name == "Persistent Memory (legacy)")
        #expect(t == Self.base)
    }

    @Test func requestRegionNestsUnderNonBusyAndStopsAtBusy() throws {
        var t = Self.base
        try t.requestRegion(r(0x2_0000_0000, 0x2_fbff_ffff), name: "namespace0.0")
        let ns = try #require(t.topLevel[1].children.first)
        #expect(ns.name == "namespace0.0")
        #expect(ns.flags == [.mem, .busy])
        #expect(ns.descriptor == .persistentMemoryLegacy)
        // The namespace is BUSY: a second claim inside it fails, as does one straddling RAM.
        expectKernelError(.EBUSY) { () throws(KernelError) in try t.requestRegion(r(0x2_0000_0000, 0x2_001f_ffff), name: "again") }
        expectKernelError(.EBUSY) { () throws(KernelError) in try t.requestRegion(r(0x2_f000_0000, 0x2_ffff_ffff), name: "straddle") }
        // System RAM is BUSY too.
        expectKernelError(.EBUSY) { () throws(KernelError) in try t.requestRegion(r(0x1_0000_0000, 0x1_001f_ffff), name: "ram") }
    }

    @Test func releaseRestoresExactly() throws {
        var t = Self.base
        try t.requestRegion(r(0x2_0000_0000, 0x2_7fff_ffff), name: "namespace0.0")
        try t.requestRegion(r(0x2_8000_0000, 0x2_fbff_ffff), name: "namespace0.1")
        #expect(t != Self.base)
        #expect(t.release(r(0x2_0000_0000, 0x2_7fff_ffff), name: "namespace0.0") != nil)
        #expect(t.release(r(0x2_8000_0000, 0x2_fbff_ffff)) != nil)
        #expect(t == Self.base)
        #expect(t.release(r(0x2_8000_0000, 0x2_fbff_ffff)) == nil)
    }

    @Test func removeKeepsChildrenReleaseDropsThem() throws {
        var t = Self.base
        try t.insert(Resource(name: "CXL Window 0", range: r(0x1_0000_0000, 0x3_ffff_ffff)))
        var kept = t, dropped = t
        kept.remove(r(0x1_0000_0000, 0x3_ffff_ffff))
        dropped.release(r(0x1_0000_0000, 0x3_ffff_ffff))
        #expect(kept == Self.base)
        #expect(dropped.topLevel.isEmpty)
    }
}

@Suite("region_intersects(): top level before 6.12, children from 6.12")
struct RegionIntersectsTests {
    static let k611 = KernelBehaviour(KernelVersion(6, 11))
    static let k612 = KernelBehaviour(KernelVersion(6, 12))

    /// Spec §9 E1: the legacy aligned window is MIXED, the exact range DISJOINT.
    @Test(arguments: [KernelVersion(4, 19), KernelVersion(5, 2), KernelVersion(6, 1), KernelVersion(6, 12)])
    func seedWindows(version: KernelVersion) {
        let b = KernelBehaviour(version)
        let t = ResourceTreeTests.base
        #expect(t.regionIntersects(r(0x2_0000_0000, 0x2_ffff_ffff), flags: .systemRAM, behaviour: b) == .mixed)
        #expect(t.regionIntersects(r(0x2_0000_0000, 0x2_fbff_ffff), flags: .systemRAM, behaviour: b) == .disjoint)
        #expect(t.regionIntersects(r(0x1_0000_0000, 0x1_07ff_ffff), flags: .systemRAM, behaviour: b) == .intersects)
        // A hole counts as nothing: RAM plus the hole above 0x400000000 is INTERSECTS.
        #expect(t.regionIntersects(r(0x3_f000_0000, 0x4_0fff_ffff), flags: .systemRAM, behaviour: b) == .intersects)
        #expect(t.regionIntersects(r(0x10_0000_0000, 0x10_0fff_ffff), flags: .systemRAM, behaviour: b) == .disjoint)
        // Asking for the PRAM descriptor.
        #expect(t.regionIntersects(r(0x2_0000_0000, 0x2_ffff_ffff), flags: .mem, descriptor: .persistentMemoryLegacy, behaviour: b) == .mixed)
    }

    /// Spec §2 / §9 E3: two regions in one "Persistent Memory" resource; a window straddling
    /// them is DISJOINT from System RAM in every era (namespaces are not System RAM).
    @Test(arguments: [KernelVersion(5, 2), KernelVersion(6, 12)])
    func pmemBesidePmemIsInvisible(version: KernelVersion) throws {
        let t = try ResourceTree(parsingProcIomem: IomemSamples.pmemBesidePmem, input: "iomem")
        let straddle = r(0x5778_0000_00, 0x577f_ffff_ff)
        #expect(t.regionIntersects(straddle, flags: .systemRAM, behaviour: KernelBehaviour(version)) == .disjoint)
    }

    /// The 6.12 commit's example: a "CXL Window 0" holding a "System RAM" child behaves like
    /// two siblings from 6.12; before, only the window is seen.
    @Test func childrenCountFrom612() throws {
        let t = try ResourceTree(parsingProcIomem: """
        1000000000-1fffffffff : CXL Window 0
          1000000000-17ffffffff : System RAM (kmem)
        """, input: "iomem")
        let inside = r(0x10_0000_0000, 0x10_0fff_ffff)
        let across = r(0x17_f000_0000, 0x18_0fff_ffff)
        let above = r(0x18_0000_0000, 0x18_0fff_ffff)
        #expect(t.regionIntersects(inside, flags: .systemRAM, behaviour: Self.k611) == .disjoint)
        #expect(t.regionIntersects(across, flags: .systemRAM, behaviour: Self.k611) == .disjoint)
        #expect(t.regionIntersects(inside, flags: .systemRAM, behaviour: Self.k612) == .intersects)
        #expect(t.regionIntersects(across, flags: .systemRAM, behaviour: Self.k612) == .mixed)
        #expect(t.regionIntersects(above, flags: .systemRAM, behaviour: Self.k612) == .disjoint)
    }

    /// A matching child that starts after the overlap start leaves the front uncovered: MIXED.
    @Test func uncoveredFrontIsOther() throws {
        let t = try ResourceTree(parsingProcIomem: """
        1000000000-1fffffffff : Persistent Memory
          1100000000-11ffffffff : System RAM (kmem)
        """, input: "iomem")
        #expect(t.regionIntersects(r(0x10_0000_0000, 0x11_0fff_ffff), flags: .systemRAM, behaviour: Self.k612) == .mixed)
        #expect(t.regionIntersects(r(0x11_0000_0000, 0x11_0fff_ffff), flags: .systemRAM, behaviour: Self.k612) == .intersects)
    }
}
