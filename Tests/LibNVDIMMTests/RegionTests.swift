import PropertyBased
import Testing
import NDEmuCore
@testable import LibNVDIMM

@Suite struct RegionTests {
    static let arch = ArchProfile.x86_64
    static func k(_ v: String) -> KernelBehaviour { KernelBehaviour(try! KernelSpec(parsing: v)) }
    static func region(ways: UInt64, size: ByteCount = .gib(96), labels: RegionLabels = .v1_2) -> Region {
        Region(range: AddressRange(start: PhysicalAddress(0x40_0000_0000), size: size)!, interleaveWays: ways, labels: labels)
    }

    /// §4.6: 16 MiB, × ways when the ways do not divide 16 MiB; page size under 16 MiB; pre-5.7 PAGE_SIZE × ways.
    @Test(arguments: [(UInt64(1), UInt64(16 << 20)), (2, 16 << 20), (3, 48 << 20), (4, 16 << 20), (6, 96 << 20)])
    func regionAlignFrom57(ways: UInt64, align: UInt64) {
        #expect(Self.region(ways: ways).align(behaviour: Self.k("5.7"), arch: Self.arch) == ByteCount(align))
        #expect(Self.region(ways: ways).align(behaviour: Self.k("5.6"), arch: Self.arch) == ByteCount(4096 * ways))
    }

    @Test func smallRegionAlignIsThePageSize() {
        #expect(Self.region(ways: 1, size: .mib(8)).align(behaviour: Self.k("6.1"), arch: Self.arch) == 4096)
    }

    /// A label-less region holds one namespace spanning it; a requested size is ignored.
    @Test func labellessRegionIgnoresTheSize() throws {
        var r = Self.region(ways: 1, size: .gib(4), labels: .none)
        let ns = try r.allocateNamespace(size: .gib(1), behaviour: Self.k("6.1"), arch: Self.arch)
        #expect(ns == r.range)
        #expect(r.availableSize == .zero)
        #expect(throws: KernelError.self) { _ = try r.allocateNamespace(size: nil, behaviour: Self.k("6.1"), arch: Self.arch) }
    }

    @Test func availableAndLargestExtentTrackAllocations() throws {
        var r = Self.region(ways: 1, size: .gib(4))
        #expect(r.availableSize == .gib(4) && r.largestFreeExtent == .gib(4))
        let a = try r.allocateNamespace(size: .gib(1), behaviour: Self.k("6.1"), arch: Self.arch)
        let b = try r.allocateNamespace(size: .gib(2), behaviour: Self.k("6.1"), arch: Self.arch)
        #expect(a.start == r.range.start && b.start == a.end)
        #expect(r.availableSize == .gib(1) && r.largestFreeExtent == .gib(1))
        #expect(throws: KernelError(.ENOSPC)) { _ = try r.allocateNamespace(size: .gib(2), behaviour: Self.k("6.1"), arch: Self.arch) }
        #expect(throws: KernelError(.EINVAL, "1048576 is not 16384K aligned")) {
            _ = try r.allocateNamespace(size: .mib(1), behaviour: Self.k("6.1"), arch: Self.arch)
        }
    }

    /// ndctl's suggestion (ndctl/namespace.c): 128M on a 6-way region with 2M align → 132M
    /// ("128M is rejected and 132M accepted", [sp-7/7]).
    @Test func ndctlSuggestsTheNextAlignedSize() {
        let r = Self.region(ways: 6)
        let req = NdctlCreateRequest(mode: .fsdax, size: .mib(128), sizeUnit: NdctlCreateRequest.unit(ofSizeText: "128M"))
        guard case .failure(let refusal) = req.validate(region: r, behaviour: Self.k("5.2"), arch: Self.arch) else {
            Issue.record("accepted"); return
        }
        #expect(refusal.lines == ["Error: create namespace: '--size=' must align to interleave-width: 6 and alignment: 2097152",
                                  "did you intend --size=132M?"])
        let ok = NdctlCreateRequest(mode: .fsdax, size: .mib(132), sizeUnit: .mib(1)).validate(region: r, behaviour: Self.k("5.2"), arch: Self.arch)
        #expect((try? ok.get())?.size == .mib(132))
    }

    @Test func ndctlRefusesSubdividingALabellessRegionAndSmallDaxNamespaces() {
        let r = Self.region(ways: 1, size: .gib(4), labels: .none)
        let sub = NdctlCreateRequest(mode: .fsdax, size: .gib(1)).validate(region: r, behaviour: Self.k("6.1"), arch: Self.arch)
        #expect(sub == .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: Legacy / label-less namespaces do not support sub-dividing a region",
                                                                     "Error: Retry without -s/--size="])))
        let small = Self.region(ways: 1, size: .mib(8))
        let tiny = NdctlCreateRequest(mode: .devdax, size: .mib(8)).validate(region: small, behaviour: Self.k("5.2"), arch: Self.arch)
        #expect(tiny == .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: '--size=' must be >= 16MiB for 'devdax' mode"])))
        let rawAlign = NdctlCreateRequest(mode: .raw, size: nil, align: .mib(2)).validate(region: r, behaviour: Self.k("6.1"), arch: Self.arch)
        #expect(rawAlign == .failure(NdctlRefusal(errno: .ENXIO, lines: ["Error: raw mode does not support setting an alignment"])))
    }

    /// Allocations never overlap and stay inside the region, whatever the sizes asked.
    @Test(arguments: UInt64(1)...20)
    func allocationsStayDisjointAndInside(seed: UInt64) {
        var rng = Xoshiro(seed: (seed, 0x6e64_656d_7500_0004, seed &* 31, 0xdead_beef))
        let sizes = Gen.int(in: 1...8).array(of: 1...12).run(using: &rng)
        do {
            var r = Self.region(ways: 1, size: .gib(16))
            for s in sizes { _ = try? r.allocateNamespace(size: .mib(UInt64(s) * 512), behaviour: Self.k("6.1"), arch: Self.arch) }
            let ns = r.namespaces
            for (i, a) in ns.enumerated() {
                #expect(r.range.contains(a))
                for b in ns[(i + 1)...] { #expect(!a.overlaps(b)) }
            }
            #expect(r.availableSize + ns.reduce(ByteCount.zero) { $0 + $1.size } == r.range.size)
        }
    }
}
