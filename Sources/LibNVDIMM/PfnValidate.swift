import NDEmuCore

/// `nd_pfn_validate(nd_pfn, sig)` (drivers/nvdimm/pfn_devs.c): whether an on-media block is
/// usable by this kernel for this namespace, with the kernel's messages and errnos by era
/// (spec §4.5).
public enum PfnValidate {
    /// What validation settles: the block (normalised as the reader sees it) and the settings it
    /// implies (`nd_pfn->align`, `nd_pfn->mode`, `nd_pfn->uuid`).
    public struct Validated: Hashable, Sendable {
        public var block: PfnInfoBlock
        public var settings: PfnSettings
    }

    /// `nd_supported_alignment()`: `PAGE_SIZE`, `HPAGE_PMD_SIZE`, and `HPAGE_PUD_SIZE` where the
    /// arch has PUD-sized THP.
    public static func supportedAlignments(_ arch: ArchProfile) -> [ByteCount] {
        var a = [arch.pageSize, arch.pmdSize]
        if let pud = arch.pudShift { a.append(.shift(pud)) }
        return a
    }

    /// The default `nd_pfn->align` of a fresh pfn/dax device (`nd_pfn_default_alignment()`:
    /// `HPAGE_PMD_SIZE` with THP).
    public static func defaultAlign(_ arch: ArchProfile) -> ByteCount { arch.pmdSize }

    /// Validates `raw` (the 4096 bytes at namespace offset 4096; nil or short reads as an empty
    /// block) against signature `signature`.
    ///
    /// - `probeSettings`: nil on the probe path (`nd_pfn->uuid == NULL`: adopt uuid, align and
    ///   mode from the block); the live settings on the init path (uuid must match, else
    ///   -ENODEV; align and mode must match).
    /// - Returns the validated block, or throws the kernel's errno (messages go to `log`).
    ///   -ENODEV means "no usable block" (init will write a new one).
    public static func validate(_ raw: [UInt8]?, signature: InfoBlockSignature, namespace: NamespaceResource,
                                live: PfnSettings?, behaviour: KernelBehaviour, arch: ArchProfile,
                                names: DeviceNames, log: inout KernelLog) throws(KernelError) -> Validated {
        // Rows 3–6: read, signature, checksum, parent uuid → -ENODEV (a short read is -ENXIO).
        guard let raw else { throw KernelError(.ENODEV) }
        guard let onMedia = PfnInfoBlock(rawBytes: raw) else { throw KernelError(.ENXIO) }
        guard onMedia.signatureBytes == signature.bytes else { throw KernelError(.ENODEV) }
        guard onMedia.checksumIsValid else { throw KernelError(.ENODEV) }
        guard onMedia.parentUUID == namespace.uuid else { throw KernelError(.ENODEV) }

        // Row 7: normalise by minor version.
        let b = onMedia.normalised(pageSize: arch.pageSize)
        // Row 8: mode.
        guard let mode = b.pfnMode, mode == .ram || mode == .pmem else { throw KernelError(.ENXIO) }
        // Row 9: align 0 → 1 << ilog2(dataoff).
        let align = b.align.isZero ? b.dataOffset.roundedDownToPowerOfTwo : b.align
        let liveAlign = live?.align ?? defaultAlign(arch)

        func fail(_ errno: Errno, _ message: String) -> KernelError {
            let m = names.prefixed(message)
            log.err(m)
            return KernelError(errno, m)
        }
        let final = behaviour.has(.compatAlign)
        // Rows 10–12 (5.4+).
        if behaviour.has(.infoBlockPageSizes) {
            if mode == .pmem, b.pageSize > arch.pageSize {
                throw fail(.EOPNOTSUPP, "init failed, page size mismatch \(Int32(truncatingIfNeeded: b.pageSize.rawValue))")
            }
            if mode == .pmem, b.pageStructSize < ArchProfile.structPageSize {
                throw fail(.EOPNOTSUPP, "init failed, struct page size mismatch \(b.pageStructSize.rawValue)")
            }
            if b.signature == .dax, !supportedAlignments(arch).contains(align) {
                throw fail(.EOPNOTSUPP, "init failed, alignment mismatch: \(Int64(bitPattern: liveAlign.rawValue)):\(Int64(bitPattern: align.rawValue))")
            }
        }
        // Row 13: settings.
        var settings = PfnSettings(signature: signature, mode: mode, align: align, uuid: b.uuid)
        if let live {
            guard live.uuid == b.uuid else { throw KernelError(.ENODEV) }
            if live.align != align || live.mode != mode {
                let e = fail(final ? .EOPNOTSUPP : .EINVAL, "init failed, settings mismatch")
                log.debug(names.prefixed("align: \(plainHex(live.align.rawValue)):\(plainHex(align.rawValue)) mode: \(live.mode.rawValue):\(mode.rawValue)"))
                throw e
            }
            settings = live
        }
        let ns = namespace.range
        // Row 14.
        if align > ns.size {
            throw fail(final ? .EOPNOTSUPP : .EINVAL, "alignment: \(plainHex(align.rawValue)) exceeds capacity \(plainHex(ns.size.rawValue))")
        }
        // Row 15.
        if b.dataOffset >= ns.size {
            throw fail(final ? .EOPNOTSUPP : .EBUSY, "pfn array size exceeds capacity of \(namespace.name)")
        }
        // Row 16: the data start must be align-aligned physically; dataoff page-aligned.
        let dataStart = ns.start.offsetFromZero.rawValue &+ b.dataOffset.rawValue &+ b.startPad.rawValue
        if (!align.isZero && dataStart % align.rawValue != 0) || !b.dataOffset.isMultiple(of: arch.pageSize) {
            throw fail(final ? .EOPNOTSUPP : .ENXIO, "bad offset: \(hashHex(b.dataOffset.rawValue)) dax disabled align: \(hashHex(align.rawValue))")
        }
        // Rows 17–18 (5.7+): compat-aligned mapped range.
        if behaviour.has(.compatAlign) {
            let compat = arch.compatAlign
            if (ns.start.offsetFromZero.rawValue &+ b.startPad.rawValue) % compat.rawValue != 0 {
                throw fail(.EOPNOTSUPP, "resource start misaligned")
            }
            if (ns.end.offsetFromZero.rawValue &- b.endTrunc.rawValue) % compat.rawValue != 0 {
                throw fail(.EOPNOTSUPP, "resource end misaligned")
            }
        }
        // Row 19 (≈6.6+).
        if behaviour.has(.preventZeroSizedPfn),
           b.dataOffset.rawValue >= ns.size.rawValue &- b.startPad.rawValue &- b.endTrunc.rawValue {
            throw fail(.EOPNOTSUPP, "bad offset with small namespace")
        }
        return Validated(block: b, settings: settings)
    }
}
