import Testing
import NDEmuCore
@testable import LibNVDIMM

/// nd_pfn_validate() row by row (spec §4.5): which message and errno each era gives, and what
/// autodetection then does (raw fallback vs failure).
@Suite struct PfnValidateTests {
    static let arch = ArchProfile.x86_64
    static func k(_ v: String) -> KernelBehaviour { KernelBehaviour(try! KernelSpec(parsing: v)) }
    static let ns = NamespaceResource(range: AddressRange(start: PhysicalAddress(0x2_0000_0000), size: .gib(4))!)
    static let uuid = InfoBlockUUID(unchecked: Array(1...16))

    /// A valid 6.1 block for `ns` (dataoff 0x4200000), then edited.
    static func block(_ edit: (inout PfnInfoBlock) -> Void = { _ in }) -> PfnInfoBlock {
        var b = PfnInfoBlock(signature: .pfn, uuid: uuid, parentUUID: .null, minorVersion: 4, dataOffset: ByteCount(0x420_0000),
                             npfns: 0xfbe00, mode: .pmem, align: .mib(2), pageSize: 4096, pageStructSize: 64)
        edit(&b)
        return b
    }

    static func probe(_ b: PfnInfoBlock, kernel: String, signature: InfoBlockSignature = .pfn,
                      ns: NamespaceResource = ns) -> (PfnNamespace.ProbeResult, [String]) {
        var log = KernelLog()
        let r = PfnNamespace.probe(namespace: ns, signature: signature, onMedia: b.encoded(), behaviour: k(kernel), arch: arch, log: &log)
        return (r, log.lines)
    }

    @Test func validBlockEnablesOnEveryEra() {
        for v in ["4.15", "5.2", "5.3", "5.4", "5.7", "6.1", "6.6"] {
            guard case .personality(let o) = Self.probe(Self.block(), kernel: v).0 else { Issue.record("\(v) refused"); continue }
            #expect(o.dataRange.start == PhysicalAddress(0x2_0420_0000))
            #expect(!o.wroteBlock)
        }
    }

    /// Rows 4–6: signature, checksum, parent uuid → -ENODEV, raw fallback in every era.
    @Test(arguments: ["5.2", "5.7", "6.1"])
    func noUsableBlockFallsBackToRaw(kernel: String) {
        var bad = Self.block().encoded(); bad[300] ^= 0xff
        var log = KernelLog()
        let r = PfnNamespace.probe(namespace: Self.ns, signature: .pfn, onMedia: bad, behaviour: Self.k(kernel), arch: Self.arch, log: &log)
        #expect(r == .raw(reason: KernelError(.ENODEV)))
        let other = Self.probe(Self.block { $0.parentUUID = Self.uuid }, kernel: kernel).0
        #expect(other == .raw(reason: KernelError(.ENODEV)))
        #expect(Self.probe(Self.block(), kernel: kernel, signature: .dax).0 == .raw(reason: KernelError(.ENODEV)))
    }

    /// Row 8: an unknown mode is -ENXIO and falls back to raw even on 5.7+.
    @Test func unknownModeIsENXIO() {
        let (r, _) = Self.probe(Self.block { $0.modeValue = 7 }, kernel: "6.1")
        #expect(r == .raw(reason: KernelError(.ENXIO)))
    }

    /// Row 10: page size larger than the kernel's; final from 5.4, invisible before.
    @Test func pageSizeMismatch() {
        let b = Self.block { $0.pageSize = 65536 }
        let (r, log) = Self.probe(b, kernel: "5.4")
        #expect(r == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: init failed, page size mismatch 65536")))
        #expect(log == ["nd_pmem pfn0.0: init failed, page size mismatch 65536"])
        guard case .personality = Self.probe(b, kernel: "5.3").0 else { Issue.record("5.3 has no page_size check"); return }
    }

    /// Row 12: devdax align not in {4K, 2M, 1G} on x86_64.
    @Test func devdaxAlignmentMismatch() {
        let b = Self.block { $0.signatureBytes = InfoBlockSignature.dax.bytes; $0.align = .mib(4); $0.dataOffset = .mib(68) }
        let (r, _) = Self.probe(b, kernel: "6.1", signature: .dax)
        #expect(r == .failed(KernelError(.EOPNOTSUPP, "dax_pmem dax0.0: init failed, alignment mismatch: 2097152:4194304")))
    }

    /// Row 14: align beyond the namespace: -EINVAL (raw fallback) ≤5.6, -EOPNOTSUPP (final) 5.7+.
    @Test func alignExceedsCapacity() {
        let small = NamespaceResource(range: AddressRange(start: PhysicalAddress(0x2_0000_0000), size: .mib(64))!)
        let b = Self.block { $0.align = .gib(1); $0.dataOffset = .mib(2) }
        #expect(Self.probe(b, kernel: "5.2", ns: small).0 == .raw(reason: KernelError(.EINVAL, "nd_pmem pfn0.0: alignment: 40000000 exceeds capacity 4000000")))
        #expect(Self.probe(b, kernel: "5.7", ns: small).0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: alignment: 40000000 exceeds capacity 4000000")))
    }

    /// Row 15: dataoff past the namespace: -EBUSY ≤5.6.
    @Test func pfnArrayExceedsCapacity() {
        let b = Self.block { $0.dataOffset = .gib(5) }
        #expect(Self.probe(b, kernel: "5.2").0 == .raw(reason: KernelError(.EBUSY, "nd_pmem pfn0.0: pfn array size exceeds capacity of namespace0.0")))
        #expect(Self.probe(b, kernel: "6.1").0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: pfn array size exceeds capacity of namespace0.0")))
    }

    /// Row 16: the platform moved the namespace by 64 MiB since the block was written (v10 cover).
    @Test func badOffsetAfterAPlatformReshuffle() {
        let moved = NamespaceResource(range: AddressRange(start: PhysicalAddress(0x2_0010_0000), size: .gib(4))!)
        let b = Self.block()
        #expect(Self.probe(b, kernel: "5.2", ns: moved).0 == .raw(reason: KernelError(.ENXIO, "nd_pmem pfn0.0: bad offset: 0x4200000 dax disabled align: 0x200000")))
        #expect(Self.probe(b, kernel: "6.1", ns: moved).0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: bad offset: 0x4200000 dax disabled align: 0x200000")))
    }

    /// Rows 17–18 (5.7+): pads that leave the mapped range off the 2 MiB compat grid.
    @Test func compatMisalignedRange() {
        let start = Self.block { $0.startPad = .mib(1); $0.dataOffset = .mib(65); $0.align = .mib(1) }
        #expect(Self.probe(start, kernel: "5.7").0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: resource start misaligned")))
        guard case .personality = Self.probe(start, kernel: "5.6").0 else { Issue.record("5.6 has no compat check"); return }
        let end = Self.block { $0.endTrunc = .mib(1) }
        #expect(Self.probe(end, kernel: "6.1").0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: resource end misaligned")))
    }

    /// Row 19 (≈6.6): dataoff inside the truncated tail; 6.1 lets it through.
    @Test func smallNamespaceBadOffset() {
        let b = Self.block { $0.endTrunc = .gib(2); $0.dataOffset = .gib(3) }
        #expect(Self.probe(b, kernel: "6.6").0 == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: bad offset with small namespace")))
        guard case .personality(let o) = Self.probe(b, kernel: "6.1").0 else { Issue.record("6.1 lacks row 19"); return }
        #expect(o.usableSize == .zero)
    }

    /// Row 13 on the init path: same uuid, different align → settings mismatch (+ dbg line).
    @Test func settingsMismatchOnInit() {
        var log = KernelLog()
        let live = PfnSettings(signature: .pfn, mode: .pmem, align: .gib(1), uuid: Self.uuid)
        do {
            _ = try PfnNamespace.enable(namespace: Self.ns, settings: live, onMedia: Self.block().encoded(), behaviour: Self.k("6.1"),
                                        arch: Self.arch, log: &log)
            Issue.record("accepted")
        } catch {
            #expect(error == KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: init failed, settings mismatch"))
            #expect(log.lines == ["nd_pmem pfn0.0: init failed, settings mismatch", "nd_pmem pfn0.0: align: 40000000:200000 mode: 2:2"])
        }
        // A different uuid means "not ours": the block is rewritten (-ENODEV → init).
        var log2 = KernelLog()
        let other = PfnSettings(signature: .pfn, mode: .pmem, align: .gib(1), uuid: .null)
        let o = try? PfnNamespace.enable(namespace: Self.ns, settings: other, onMedia: Self.block().encoded(), behaviour: Self.k("6.1"),
                                         arch: Self.arch, log: &log2)
        #expect(o?.wroteBlock == true)
        #expect(o?.block.align == .gib(1))
    }

    /// Minor < 2 blocks have no align: the kernel takes 1 << ilog2(dataoff) (row 9), here 64 MiB,
    /// which the data start 0x204200000 misses; minor 0 also ignores stray pad fields (row 7).
    @Test func oldMinorVersionsNormalise() {
        let (r, _) = Self.probe(Self.block { $0.versionMinor = 1 }, kernel: "6.1")
        #expect(r == .failed(KernelError(.EOPNOTSUPP, "nd_pmem pfn0.0: bad offset: 0x4200000 dax disabled align: 0x4000000")))
        let (r0, _) = Self.probe(Self.block { $0.versionMinor = 0; $0.dataOffset = .mib(64); $0.npfns = 0xfc000; $0.startPad = .mib(1) }, kernel: "6.1")
        guard case .personality(let z) = r0 else { Issue.record("minor 0 refused: \(r0)"); return }
        #expect(z.block.startPad == .zero)
        #expect(z.dataRange.start == PhysicalAddress(0x2_0400_0000))
    }

    /// A read-only region never gets a block.
    @Test func readOnlyRegion() {
        var ro = Self.ns; ro.regionReadOnly = true
        var log = KernelLog()
        do {
            _ = try PfnNamespace.enable(namespace: ro, settings: PfnSettings(signature: .pfn, align: .mib(2)), onMedia: nil,
                                        behaviour: Self.k("6.1"), arch: Self.arch, log: &log)
            Issue.record("accepted")
        } catch {
            #expect(error == KernelError(.ENXIO, "nd_pmem pfn0.0: region0 is read-only, unable to init metadata"))
        }
    }
}
