import NDEmuCore

/// What enabling a pfn (fsdax) or dax (devdax) personality gives: the block on media, the range
/// handed to `devm_memremap_pages()` with its altmap, and where data lives.
public struct PfnNamespaceOutcome: Hashable, Sendable {
    /// The info block in force (as read back, normalised by minor version).
    public var block: PfnInfoBlock
    /// Whether `nd_pfn_init()` wrote it (false: an existing block validated).
    public var wroteBlock: Bool
    /// The mapped range `[S + start_pad, E − end_trunc)` (`pgmap->range`).
    public var pgmapRange: AddressRange
    /// The altmap for map=dev (`PGMAP_ALTMAP_VALID`); nil for map=mem.
    public var altmap: AltmapParameters?
    /// `nd_pfn->npfns` at runtime (section-rounded ≤5.2).
    public var runtimeNpfns: PageCount
    /// The data as block I/O and devdax address it: `[S + start_pad + dataoff, E − end_trunc)`
    /// (`pfnX.Y/resource`, `size`).
    public var dataRange: AddressRange
    /// Where fsdax `direct_access()` thinks data starts: `S + dataoff` (`phys_addr + data_offset`).
    public var daxPFNBase: PhysicalAddress
    /// The usable capacity: the block device size (fsdax) or dax device size (devdax).
    public var usableSize: ByteCount { dataRange.size }
    /// The start_pad bug (spec §5): bytes by which fsdax DAX addresses lie below block I/O's.
    public var daxAddressSkew: ByteCount { dataRange.start - daxPFNBase }
    /// fsdax DAX works only when the two agree (devdax builds its range from the pgmap: unaffected).
    public var fsdaxDAXWorks: Bool { daxAddressSkew.isZero }
}

/// The pmem driver's pfn/dax personality: `nd_pfn_init()` + `__nvdimm_setup_pfn()`
/// (`nvdimm_setup_pfn()`), and the autodetect probe (`nd_pfn_probe()`/`nd_dax_probe()` followed
/// by the personality's bind).
public enum PfnNamespace {
    /// The explicit enable path (`ndctl create-namespace -m fsdax|devdax`): validate any block on
    /// media against `settings`; on -ENODEV write a fresh one; then set up the mapping.
    public static func enable(namespace: NamespaceResource, settings: PfnSettings, onMedia: [UInt8]?,
                              behaviour: KernelBehaviour, arch: ArchProfile, facts: CollisionFacts = .isolated,
                              names: DeviceNames? = nil, log: inout KernelLog) throws(KernelError) -> PfnNamespaceOutcome {
        let names = names ?? .defaults(for: settings.signature)
        var block: PfnInfoBlock
        var wrote = false
        do {
            block = try PfnValidate.validate(onMedia, signature: settings.signature, namespace: namespace, live: settings,
                                             behaviour: behaviour, arch: arch, names: names, log: &log).block
        } catch where error.errno == .ENODEV {
            block = try PfnInit.freshBlock(namespace: namespace, settings: settings, behaviour: behaviour, arch: arch,
                                           facts: facts, names: names, log: &log)
            wrote = true
        }
        var outcome = try setup(block: block, namespace: namespace, behaviour: behaviour, arch: arch, names: names, log: &log)
        outcome.wroteBlock = wrote
        return outcome
    }

    /// `__nvdimm_setup_pfn()`: the pgmap range and altmap from a block in force.
    public static func setup(block: PfnInfoBlock, namespace: NamespaceResource, behaviour: KernelBehaviour, arch: ArchProfile,
                             names: DeviceNames, log: inout KernelLog) throws(KernelError) -> PfnNamespaceOutcome {
        let ns = namespace.range
        guard let base = ns.start.advanced(by: block.startPad), let end = ns.end.retreated(by: block.endTrunc),
              let range = AddressRange(start: base, end: end) else {
            // The pads exceed the namespace: the kernel's range would be inverted.
            throw KernelError(.EINVAL)
        }
        let reserve = PfnInit.infoBlockReserve(arch)
        let dataStart = base.advanced(by: block.dataOffset).map { Swift.min($0, end) } ?? end
        let dataRange = AddressRange(start: dataStart, end: end) ?? AddressRange(start: end, size: .zero)!
        let daxBase = ns.start.advanced(by: block.dataOffset) ?? ns.end
        let basePFN = arch.pfn(base)
        let granule = behaviour.has(.subsectionHotplug) ? arch.pagesPerSubsection : arch.pagesPerSection

        switch block.pfnMode {
        case .ram:
            guard block.dataOffset >= reserve else { throw KernelError(.EINVAL) }
            return PfnNamespaceOutcome(block: block, wroteBlock: false, pgmapRange: range, altmap: nil,
                                       runtimeNpfns: block.npfns, dataRange: dataRange, daxPFNBase: daxBase)
        case .pmem:
            var runtime = range.size.subtractingClamped(block.dataOffset).pages(pageShift: arch.pageShift)
            if !behaviour.has(.stopSectionPadding) {
                let per = arch.pagesPerSection.rawValue
                runtime = PageCount((runtime.rawValue + per - 1) / per * per)
            }
            if block.npfns > runtime {
                log.info(names.prefixed("number of pfns truncated from \(Int64(bitPattern: block.npfns.rawValue)) to \(runtime.rawValue)"))
            }
            let altBase = basePFN.alignedDown(to: granule)
            let altmap = AltmapParameters(
                basePFN: altBase,
                reserve: reserve.pages(pageShift: arch.pageShift) + (basePFN - altBase),
                free: block.dataOffset.subtractingClamped(reserve).pages(pageShift: arch.pageShift),
                endPFN: arch.pfn(range.last))
            return PfnNamespaceOutcome(block: block, wroteBlock: false, pgmapRange: range, altmap: altmap,
                                       runtimeNpfns: runtime, dataRange: dataRange, daxPFNBase: daxBase)
        default:
            throw KernelError(.ENXIO)
        }
    }

    /// What autodetection makes of a plain namespace with `onMedia` at offset 4096
    /// (`nd_pmem_probe()` trying `nd_pfn_probe()`/`nd_dax_probe()`).
    public enum ProbeResult: Hashable, Sendable {
        /// A personality validated and bound.
        case personality(PfnNamespaceOutcome)
        /// No usable block: the namespace attaches raw at offset 0 (`reason` is why the block
        /// was not used; ENODEV when there is none).
        case raw(reason: KernelError)
        /// The namespace fails to probe with this error (no raw fallback).
        case failed(KernelError)
    }

    /// The autodetect probe for `signature` (PFN or DAX): validate with no live settings (adopt
    /// the block's), then bind as the explicit path would. ≤5.3 every failure falls back to raw;
    /// 5.4–5.6 -EOPNOTSUPP (page size, struct page size, devdax align) is final; 5.7+ every check
    /// from the page-size check on is final.
    public static func probe(namespace: NamespaceResource, signature: InfoBlockSignature, onMedia: [UInt8]?,
                             behaviour: KernelBehaviour, arch: ArchProfile, names: DeviceNames? = nil,
                             log: inout KernelLog) -> ProbeResult {
        let names = names ?? .defaults(for: signature)
        let validated: PfnValidate.Validated
        do {
            validated = try PfnValidate.validate(onMedia, signature: signature, namespace: namespace, live: nil,
                                                 behaviour: behaviour, arch: arch, names: names, log: &log)
        } catch {
            if behaviour.has(.probeEOPNOTSUPPIsFinal), error.errno == .EOPNOTSUPP { return .failed(error) }
            return .raw(reason: error)
        }
        do {
            // The personality device binds: nd_pfn_init() re-validates with the adopted settings.
            let outcome = try enable(namespace: namespace, settings: validated.settings, onMedia: onMedia,
                                     behaviour: behaviour, arch: arch, names: names, log: &log)
            return .personality(outcome)
        } catch {
            return .failed(error)
        }
    }
}
