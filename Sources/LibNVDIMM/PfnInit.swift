import NDEmuCore

/// `nd_pfn_init()`'s fresh-block computation (drivers/nvdimm/pfn_devs.c), by era: what a kernel
/// writes when `nd_pfn_validate()` found no block (-ENODEV).
public enum PfnInit {
    /// `nd_info_block_reserve()`: `ALIGN(SZ_8K, PAGE_SIZE)`.
    public static func infoBlockReserve(_ arch: ArchProfile) -> ByteCount {
        ByteCount(8192).alignedUp(to: arch.pageSize) ?? ByteCount(8192)
    }

    /// The padding `trim_pfn_device()` (≤5.2) computes: `start_pad`, `end_trunc`.
    public struct Trim: Hashable, Sendable {
        public var startPad: ByteCount
        public var endTrunc: ByteCount
    }

    /// `trim_pfn_device()` (5.0–5.2) and its 4.15–4.20 form (System RAM only):
    /// - start: the window from the section below S to E is MIXED against System RAM, or (5.0+)
    ///   `nd_region_conflict` → pad S up to its section;
    /// - end: the window from S to the section above E is MIXED, or E is not a multiple of the
    ///   pfn align, or (5.0+) it conflicts with a neighbour → truncate E down to
    ///   `min(SECTION_DOWN(E), ALIGN_DOWN(E, align))`.
    ///
    /// The 4.15–4.20 start window is `[SECTION_DOWN(S), SECTION_DOWN(S) + size)` as in 4.9 [R].
    public static func trim(_ ns: AddressRange, align: ByteCount, behaviour: KernelBehaviour, arch: ArchProfile,
                            facts: CollisionFacts) -> Trim {
        let section = arch.sectionSize
        let s = ns.start, e = ns.end
        let sDown = s.alignedDown(to: section)
        let neighbours = behaviour.has(.padAgainstNeighbourRegions)
        var startPad = ByteCount.zero, endTrunc = ByteCount.zero

        let windowA: AddressRange? = neighbours
            ? AddressRange(start: sDown, end: e)
            : AddressRange(start: sDown, size: ns.size)
        if let a = windowA, facts.systemRAM.intersectsSystemRAM(a) == .mixed || (neighbours && facts.regionConflict(a)) {
            // SECTION_UP(S) − S; S + that never passes E's section, which exists.
            startPad = (s.alignedUp(to: section) ?? s) - s
        }
        let eUp = e.alignedUp(to: section)
        let windowB = eUp.flatMap { AddressRange(start: s, end: $0) } ?? ns
        let alignTerm = behaviour.has(.alignedEndTruncation) && !align.isZero && !e.isAligned(to: align)
        if facts.systemRAM.intersectsSystemRAM(windowB) == .mixed || alignTerm || (neighbours && facts.regionConflict(windowB)) {
            let down = behaviour.has(.alignedEndTruncation) && !align.isZero
                ? Swift.min(e.alignedDown(to: section), e.alignedDown(to: align))
                : e.alignedDown(to: section)
            endTrunc = e - down
        }
        return Trim(startPad: startPad, endTrunc: endTrunc)
    }

    /// The block a fresh `nd_pfn_init()` writes for `settings` on `namespace`, or the kernel's
    /// refusal. Logs what the kernel logs (prefixed with `names`).
    public static func freshBlock(namespace: NamespaceResource, settings: PfnSettings, behaviour: KernelBehaviour,
                                  arch: ArchProfile, facts: CollisionFacts, names: DeviceNames,
                                  log: inout KernelLog) throws(KernelError) -> PfnInfoBlock {
        if namespace.regionReadOnly {
            let m = names.prefixed("\(namespace.regionName) is read-only, unable to init metadata")
            log.info(m)
            throw KernelError(.ENXIO, m)
        }
        guard settings.mode == .pmem || settings.mode == .ram else { throw KernelError(.ENXIO) }
        let ns = namespace.range
        let size = ns.size
        let unable = names.prefixed("\(namespace.name) unable to satisfy requested alignment")

        if !behaviour.has(.stopSectionPadding) {
            // Legacy: trim_pfn_device, section-rounded memmap estimate.
            let t = trim(ns, align: settings.align, behaviour: behaviour, arch: arch, facts: facts)
            let pad = t.startPad + t.endTrunc
            if !pad.isZero {
                log.info(names.prefixed("\(namespace.name) alignment collision, truncate \(Int32(truncatingIfNeeded: pad.rawValue)) bytes"))
            }
            let reserve = infoBlockReserve(arch)
            let start = ns.start + t.startPad
            guard let body = size.subtracting(pad)?.subtracting(reserve) else {
                log.err(unable); throw KernelError(.ENXIO, unable)
            }
            // PFN_SECTION_ALIGN_UP: the memmap is sized for whole sections of pages. Every modelled
            // legacy kernel (4.15+) rounds: 4.1x-era copies of nd_pfn_init() already do, and the E3
            // report (ndctl#76, RAM-only trimming) has namespace0.0 mapping an aligned window of
            // 2016 sections, which only a section-rounded altmap can feed.
            let per = arch.pagesPerSection.rawValue
            let raw = body.pages(pageShift: arch.pageShift).rawValue
            let estimate = PageCount((raw + per - 1) / per * per)
            let dataEnd: PhysicalAddress?
            switch settings.mode {
            case .pmem:
                let unit = ByteCount.max(settings.align, arch.pmdSize)
                dataEnd = start.advanced(by: reserve + ArchProfile.structPageSize * estimate.rawValue).flatMap { $0.alignedUp(to: unit) }
            default:
                dataEnd = start.advanced(by: reserve).flatMap { $0.alignedUp(to: settings.align.isZero ? arch.pageSize : settings.align) }
            }
            guard let dataEnd, let dataOffset = Optional(dataEnd - start), let used = dataOffset.adding(pad), used < size else {
                log.err(unable); throw KernelError(.ENXIO, unable)
            }
            let npfns = PageCount((size - used).rawValue / 4096)
            return PfnInfoBlock(signature: settings.signature, uuid: settings.uuid, parentUUID: namespace.uuid,
                                minorVersion: behaviour.infoBlockMinorVersion, dataOffset: dataOffset, npfns: npfns,
                                mode: settings.mode, startPad: t.startPad, endTrunc: t.endTrunc, align: settings.align)
        }

        // 5.3+: no padding; start must be compat-aligned from 5.7.
        let compat = behaviour.has(.compatAlign) ? arch.compatAlign : arch.subsectionSize
        if behaviour.has(.compatAlign), !ns.start.isAligned(to: compat) {
            let m = names.prefixed("\(namespace.name): start \(percentPA(ns.start)) misaligned to \(hashHex(compat.rawValue))")
            log.err(m)
            throw KernelError(.EINVAL, m)
        }
        let a = ByteCount.max(settings.align, compat)
        let estimate = size.subtractingClamped(8192).pages(pageShift: arch.pageShift)
        let endTrunc = ns.end - ns.end.alignedDown(to: a)
        let dataEnd: PhysicalAddress?
        switch settings.mode {
        case .pmem:
            dataEnd = ns.start.advanced(by: ByteCount(8192) + ArchProfile.structPageSize * estimate.rawValue).flatMap { $0.alignedUp(to: a) }
        default:
            dataEnd = ns.start.advanced(by: 8192).flatMap { $0.alignedUp(to: a) }
        }
        let limit = behaviour.has(.preventZeroSizedPfn) ? size.subtractingClamped(endTrunc) : size
        guard let dataEnd, case let dataOffset = dataEnd - ns.start, dataOffset < limit else {
            log.err(unable); throw KernelError(.ENXIO, unable)
        }
        // Before the zero-size fix a data offset inside the truncated tail passes, and the
        // kernel's unsigned subtraction wraps; the block records that wrapped count.
        let remaining = size.rawValue &- dataOffset.rawValue &- endTrunc.rawValue
        let minor = behaviour.infoBlockMinorVersion
        return PfnInfoBlock(signature: settings.signature, uuid: settings.uuid, parentUUID: namespace.uuid,
                            minorVersion: minor, dataOffset: dataOffset, npfns: PageCount(remaining >> UInt64(arch.pageShift)),
                            mode: settings.mode, endTrunc: endTrunc, align: settings.align,
                            pageSize: minor >= 4 ? arch.pageSize : .zero,
                            pageStructSize: minor >= 4 ? ArchProfile.structPageSize : .zero)
    }
}
