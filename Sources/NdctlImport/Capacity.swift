import NDEmuCore

/// The one capacity question the importers ask: what usable size does a namespace of raw size
/// `rawSize` at `start` yield in its mode?
///
/// Interim: until the LibNVDIMM module exposes ndemu's capacity model, this mirrors the current
/// kernel (info block v1.4, start_pad 0, x86_64) as shared/spec/memremap-and-nvdimm.md §4.4, §6
/// and §6b state it. Everything else in the importer calls only `usableSize`.
public struct CapacityQuery: Hashable, Sendable {
    public var mode: NamespaceMode
    public var map: MemmapLocation
    /// The pfn/dax `align` (fsdax/devdax).
    public var align: ByteCount
    /// The BTT's external LBA size (sector).
    public var sectorSize: UInt32
    /// The BTT's initial offset: 4 KiB for BTT 1.1 (label-less or v1.1 labels), 0 for BTT 2.0.
    public var bttInitialOffset: ByteCount

    public init(mode: NamespaceMode, map: MemmapLocation = .dev, align: ByteCount = .mib(2), sectorSize: UInt32 = 4096,
                bttInitialOffset: ByteCount = .zero) {
        self.mode = mode; self.map = map; self.align = align; self.sectorSize = sectorSize
        self.bttInitialOffset = bttInitialOffset
    }

    /// The usable size, or nil when the kernel would refuse the namespace (too small).
    public func usableSize(rawSize: ByteCount, start: PhysicalAddress) -> ByteCount? {
        switch mode {
        case .raw: return rawSize
        case .fsdax, .devdax: return pfnUsableSize(rawSize: rawSize, start: start)
        case .sector: return bttUsableSize(rawSize: rawSize)
        }
    }

    /// `nd_pfn_init()`: `size - dataoff - end_trunc`, dataoff rounding the info block (and, for
    /// map=dev, 64 bytes of memmap per 4 KiB page) up to `max(align, memremap_compat_align())`.
    private func pfnUsableSize(rawSize: ByteCount, start: PhysicalAddress) -> ByteCount? {
        let a = ByteCount.max(align, .mib(2))
        guard rawSize >= .kib(8), let end = start.advanced(by: rawSize) else { return nil }
        let npfns = (rawSize - .kib(8)) / ByteCount.kib(4)
        let reserve = map == .dev ? ByteCount.kib(8).adding(ByteCount(64).multiplied(by: npfns) ?? .zero) : ByteCount.kib(8)
        guard let reserve, let infoEnd = start.advanced(by: reserve), let dataStart = infoEnd.alignedUp(to: a) else { return nil }
        let dataEnd = end.alignedDown(to: a)
        guard dataEnd > dataStart else { return nil }
        return dataEnd - dataStart
    }

    /// The BTT's external size (`btt_init()` / `alloc_arena()`): arenas of at most 512 GiB, each
    /// spending 28 KiB on info blocks and flog plus 256 free blocks, 4 bytes of map per LBA.
    private func bttUsableSize(rawSize: ByteCount) -> ByteCount? {
        guard var remaining = rawSize.subtracting(bttInitialOffset), remaining >= .mib(16) else { return nil }
        let internalLBA = (UInt64(sectorSize) + 63) / 64 * 64
        let blockSize: UInt64 = sectorSize >= 4096 ? 4096 : 512
        var nlba: UInt64 = 0
        while !remaining.isZero {
            let arena = ByteCount.min(remaining, .gib(512))
            remaining -= arena
            if arena < .mib(16) { break }
            let avail = arena.alignedDown(to: .kib(4)) - .kib(8) - .kib(16)
            nlba += (avail - .kib(4)).rawValue / (internalLBA + 4) - 256
        }
        return ByteCount(nlba).multiplied(by: blockSize)
    }
}
