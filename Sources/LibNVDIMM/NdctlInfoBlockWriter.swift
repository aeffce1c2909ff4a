import NDEmuCore

/// `ndctl write-infoblock -o FILE` / `--stdout` (ndctl/namespace.c `write_pfn_sb()`, ndctl 76):
/// an 8 KiB image whose first 4 KiB are zero and whose second 4 KiB hold an `nd_pfn_sb`
/// computed the way kernel 5.5's `nd_pfn_init()` would for a namespace at `offset`, except that
/// `start_pad` and `end_trunc` are always derived from `offset` (a debug facility).
///
/// ndctl computes in C unsigned arithmetic; the same wrap-around is reproduced here so a given
/// request yields ndctl's bytes, and the one overflow later ndctl refuses is refused too.
public struct NdctlInfoBlockRequest: Hashable, Sendable {
    public var size: ByteCount
    public var signature: InfoBlockSignature
    public var mode: PfnMode
    /// `--align` (ndctl's default for a file is 2M); stored as given, 32-bit.
    public var align: ByteCount
    /// `--offset`: the namespace's physical start.
    public var offset: PhysicalAddress
    public var uuid: InfoBlockUUID
    public var parentUUID: InfoBlockUUID
    /// `sysconf(_SC_PAGE_SIZE)` of the machine running ndctl.
    public var pageSize: ByteCount

    public static let defaultAlign = ByteCount.mib(2)
    /// `SUBSECTION_SIZE` as ndctl defines it.
    static let subsectionSize = ByteCount.mib(2)
    /// `MAX_STRUCT_PAGE_SIZE`.
    static let maxStructPageSize: UInt64 = 64
    /// The file ndctl writes: `INFOBLOCK_SZ` = 8 KiB.
    public static let imageSize = 8192

    public init(size: ByteCount, signature: InfoBlockSignature = .pfn, mode: PfnMode = .pmem, align: ByteCount = defaultAlign,
                offset: PhysicalAddress = .zero, uuid: InfoBlockUUID, parentUUID: InfoBlockUUID = .null, pageSize: ByteCount = 4096) {
        self.size = size; self.signature = signature; self.mode = mode; self.align = align
        self.offset = offset; self.uuid = uuid; self.parentUUID = parentUUID; self.pageSize = pageSize
    }

    /// The info block ndctl writes, or ndctl's refusal.
    ///
    /// - `--align` must be a power of two of at least a page ("align must be a power-of-2 greater
    ///   than 4096").
    /// - "unable to satisfy requested alignment" when the data offset reaches the size.
    /// - "integer overflow in offset calculation" (ndctl ≥ 77) when the memmap end passes 2^64.
    public func block() throws(InputError) -> PfnInfoBlock {
        let page = pageSize.rawValue
        guard align.isPowerOfTwo, align >= pageSize else {
            throw InputError("--align", "align must be a power-of-2 greater than \(page)")
        }
        let start = offset.rawValue
        let size = self.size.rawValue
        // npfns = PHYS_PFN(size - SZ_8K), unsigned.
        let npfnsEstimate = (size &- 8192) / page
        let a = Swift.max(align.rawValue, Self.subsectionSize.rawValue)
        func alignUp(_ x: UInt64) -> UInt64 { (x &+ (a &- 1)) & ~(a &- 1) }
        func alignDown(_ x: UInt64) -> UInt64 { x & ~(a &- 1) }
        let startPad = UInt32(truncatingIfNeeded: alignUp(start) &- start)
        let end = start &+ size
        let endTrunc = UInt32(truncatingIfNeeded: end &- alignDown(end))
        let dataOffset: UInt64
        switch mode {
        case .pmem:
            let (memmap, o1) = Self.maxStructPageSize.multipliedReportingOverflow(by: npfnsEstimate)
            let reserve = memmap &+ 8192
            if o1 || reserve < memmap || start > UInt64.max - reserve {
                throw InputError("--offset", "integer overflow in offset calculation (offset \(offset), size \(self.size))")
            }
            dataOffset = alignUp(start &+ reserve) &- start
        case .ram, .none:
            dataOffset = alignUp(start &+ 8192) &- start
        }
        guard dataOffset < size else {
            throw InputError("--size", "unable to satisfy requested alignment (size \(self.size), align \(align), data offset \(ByteCount(dataOffset)))")
        }
        let npfns = (size &- dataOffset &- UInt64(endTrunc) &- UInt64(startPad)) / page
        return PfnInfoBlock(signature: signature, uuid: uuid, parentUUID: parentUUID, minorVersion: 4,
                            dataOffset: ByteCount(dataOffset), npfns: PageCount(npfns), mode: mode == .pmem ? .pmem : .ram,
                            startPad: ByteCount(UInt64(startPad)), endTrunc: ByteCount(UInt64(endTrunc)),
                            align: ByteCount(UInt64(UInt32(truncatingIfNeeded: align.rawValue))),
                            pageSize: ByteCount(UInt64(UInt32(truncatingIfNeeded: page))), pageStructSize: ByteCount(Self.maxStructPageSize))
    }

    /// The 8 KiB file: zeros, then the block at 4096.
    public func image() throws(InputError) -> [UInt8] {
        [UInt8](repeating: 0, count: Self.imageSize - PfnInfoBlock.size) + (try block().encoded())
    }
}
