import NDEmuCore

/// `struct vmem_altmap` (`include/linux/memremap.h`): pages of a device set aside to hold the
/// device's own memmap, so its struct pages do not cost system RAM.
///
/// `pfn_first` of the device data is `basePFN + reserve + free` (`vmem_altmap_offset`).
public struct VMemAltmap: Hashable, Sendable {
    /// `base_pfn`: the first pfn of the whole mapping.
    public var basePFN: PFN
    /// `end_pfn`: the last pfn the altmap may hand out (0 = unlimited, as before its 2019 addition).
    public var endPFN: PFN
    /// `reserve`: pages at the start kept for the driver (the info block); they hold no memmap.
    public var reserve: PageCount
    /// `free`: pages after `reserve` set aside for the memmap.
    public var free: PageCount
    /// `align`: pages skipped to align allocations; never given back.
    public var align: PageCount
    /// `alloc`: pages handed out so far.
    public var alloc: PageCount

    public init(basePFN: PFN, endPFN: PFN = PFN(0), reserve: PageCount = .zero, free: PageCount,
                align: PageCount = .zero, alloc: PageCount = .zero) {
        self.basePFN = basePFN; self.endPFN = endPFN; self.reserve = reserve; self.free = free
        self.align = align; self.alloc = alloc
    }

    /// `vmem_altmap_offset()`: pfns from `base_pfn` to the first one `pfn_to_page()` is valid for
    /// (saturating at 2^64 − 1 for nonsense values, which `__add_pages` then refuses).
    public var offset: PageCount {
        let (r, o) = reserve.rawValue.addingReportingOverflow(free.rawValue)
        return PageCount(o ? .max : r)
    }

    /// `vmem_altmap_next_pfn()` (wrapping, as the kernel's unsigned arithmetic does).
    public var nextPFN: PFN { PFN(basePFN.rawValue &+ reserve.rawValue &+ alloc.rawValue &+ align.rawValue) }

    /// `vmem_altmap_nr_free()`: `free - (alloc + align)`, or 0.
    public var nrFree: PageCount {
        let (used, o) = alloc.rawValue.addingReportingOverflow(align.rawValue)
        return !o && free.rawValue > used ? PageCount(free.rawValue - used) : .zero
    }

    /// `altmap_alloc_block_buf(size, altmap)`: hands out `size` bytes of the reserved pages.
    ///
    /// The block starts on a boundary of `1 << ctz(nr_pfns)` pfns (512 for a 2 MiB PMD block on
    /// 4K pages); the pfns skipped for that are added to `align`. Returns the block's first pfn,
    /// or nil when `size` is not a whole number of pages (`pr_warn_once("%s: allocations must be
    /// multiple of PAGE_SIZE (%ld)")`) or when too few pages are left.
    public mutating func allocateBlock(_ size: ByteCount, pageShift: Int, log: inout KernelLog) -> PFN? {
        let pageSize = ByteCount.shift(pageShift)
        guard size.isMultiple(of: pageSize), !size.isZero else {
            log.once("altmap_alloc_block_buf", .warn,
                     "altmap_alloc_block_buf: allocations must be multiple of PAGE_SIZE (\(size.rawValue))")
            return nil
        }
        let nrPFNs = size.rawValue >> UInt64(pageShift)
        let next = nextPFN.rawValue
        let alignTo = UInt64(1) << UInt64(nrPFNs.trailingZeroBitCount)
        let nrAlign = ((next &+ alignTo &- 1) & ~(alignTo &- 1)) &- next
        let (need, overflow) = nrPFNs.addingReportingOverflow(nrAlign)
        guard !overflow, need <= nrFree.rawValue else { return nil }
        alloc += PageCount(nrPFNs)
        align += PageCount(nrAlign)
        return PFN(next + nrAlign)
    }

    /// `vmem_altmap_free(altmap, nr_pfns)`: `alloc -= nr_pfns` (`align` is never given back).
    /// The kernel does not check for underflow; ndemu stops at zero.
    public mutating func freePages(_ n: PageCount) {
        alloc = alloc.rawValue >= n.rawValue ? alloc - n : .zero
    }
}
