import NDEmuCore

extension SparseMemory {
    /// `pfn_valid(pfn)` (generic SPARSEMEM version):
    /// - before 5.3: the section is below `NR_MEM_SECTIONS`, its root exists, and it is valid;
    /// - v7: also `pfn_section_valid` (no early shortcut);
    /// - 5.3+: valid **and** (`early_section` **or** `pfn_section_valid`), so a whole early section
    ///   is valid, RAM holes included.
    @inline(__always)
    public func pfnValid(_ pfn: PFN) -> Bool {
        let s = geometry.section(of: pfn)
        guard let slot = table.slot(s), slot.flags.contains(.hasMemMap) else { return false }
        switch era.granularity {
        case .section: return true
        case .subsectionV7: return bitSet(slot, pfn)
        case .subsection: return slot.flags.contains(.early) || bitSet(slot, pfn)
        }
    }

    /// `pfn_section_valid(ms, pfn)`: the pfn's bit in the section's sub-section map (0 without a
    /// usage, as 6.8's RCU-protected read gives). Before 5.3 (no map): whether the section is valid.
    public func pfnSectionValid(_ pfn: PFN) -> Bool {
        guard let slot = table.slot(geometry.section(of: pfn)) else { return false }
        if behaviour.hotplugGranularity == .section { return slot.flags.contains(.hasMemMap) }
        return bitSet(slot, pfn)
    }

    @inline(__always) private func bitSet(_ slot: SectionSlot, _ pfn: PFN) -> Bool {
        slot.usage != 0 && table.usage.test(slot.usage, .map, bit: geometry.unitIndex(of: pfn))
    }

    /// `online_section_nr()`: the section's `SECTION_IS_ONLINE`.
    public func sectionIsOnline(_ pfn: PFN) -> Bool {
        table.slot(geometry.section(of: pfn))?.flags.contains(.online) ?? false
    }

    /// `pfn_to_online_page(pfn) != NULL`:
    /// - before 5.12: the section is online;
    /// - 5.12+: also `pfn_section_valid`, and in a section tainted by ZONE_DEVICE the pfn must not
    ///   belong to a device pagemap (`isDevicePFN`, what `get_dev_pagemap()` would find).
    public func pfnToOnlinePage(_ pfn: PFN, isDevicePFN: (PFN) -> Bool = { _ in false }) -> Bool {
        guard let slot = table.slot(geometry.section(of: pfn)), slot.flags.contains(.online) else { return false }
        guard behaviour.has(.sectionTaintZoneDevice) else { return true }
        guard pfnSectionValid(pfn) else { return false }
        if slot.flags.contains(.taintZoneDevice) { return !isDevicePFN(pfn) }
        return true
    }
}

/// Totals of the struct pages (memmap) the model holds.
public struct MemmapAccounting: Hashable, Sendable {
    /// Struct-page bytes of the active sub-sections of hot-added (non-early) sections:
    /// pages × `sizeof(struct page)` (`ndemu sections --summary`'s `memmap_bytes`).
    public var hotplugBytes: ByteCount = .zero
    /// Struct-page bytes of early sections' boot memmaps (still populated).
    public var bootBytes: ByteCount = .zero
    /// Of `hotplugBytes`' populated memmap, bytes in system RAM and in device altmaps.
    public var hotplugRAMBytes: ByteCount = .zero
    public var hotplugAltmapBytes: ByteCount = .zero
    /// Populated struct-page bytes by vmemmap mapping.
    public var pmdMappedBytes: ByteCount = .zero
    public var basePageMappedBytes: ByteCount = .zero
    /// What the vmemmap really allocates: whole PMD blocks and base pages covering every populated
    /// struct page (blocks shared by neighbouring sub-sections or sections counted once).
    public var vmemmapBlockBytes: ByteCount = .zero
    /// Sections with a valid memmap (`valid_section`), and of them early ones.
    public var validSections = 0
    public var earlySections = 0
    public init() {}
}

/// What the kernel itself allocates for the section table (SPARSEMEM_EXTREME).
public struct KernelAllocation: Hashable, Sendable {
    /// The `mem_section[NR_SECTION_ROOTS]` pointer array (allocated at boot, or on first use).
    public var rootPointerBytes: ByteCount
    /// Allocated roots × `SECTIONS_PER_ROOT × sizeof(struct mem_section)`.
    public var rootBytes: ByteCount
    public var allocatedRoots: Int
    /// Live usages × `mem_section_usage_size()`.
    public var usageBytes: ByteCount
    public var liveUsages: Int
    public var total: ByteCount { rootPointerBytes + rootBytes + usageBytes }
}

extension SparseMemory {
    /// Memmap totals over every section (a walk; not for hot loops).
    public var memmap: MemmapAccounting {
        var a = MemmapAccounting()
        let unitBytes = geometry.memmapBytesPerUnit
        var lastBlock: [VmemmapMapping: UInt64] = [:]
        table.forEachUsed { s, slot in
            guard slot.usage != 0 else { return }
            let id = slot.usage
            let early = isEarly(slot)
            if slot.flags.contains(.hasMemMap) { a.validSections += 1; if early { a.earlySections += 1 } }
            let populated = table.usage.popCount(id, .memmap)
            let pmd = table.usage.popCount(id, .pmd)
            if early {
                a.bootBytes += unitBytes * UInt64(populated)
            } else {
                a.hotplugBytes += unitBytes * UInt64(table.usage.popCount(id, .map))
                let alt = table.usage.popCount(id, .altmap)
                a.hotplugAltmapBytes += unitBytes * UInt64(alt)
                a.hotplugRAMBytes += unitBytes * UInt64(populated - alt)
            }
            a.pmdMappedBytes += unitBytes * UInt64(pmd)
            a.basePageMappedBytes += unitBytes * UInt64(populated - pmd)
            // Block union, ascending.
            let base = geometry.firstPFN(of: s).rawValue
            let unit = geometry.pagesPerUnit.rawValue
            for i in 0..<geometry.bitsPerSection where table.usage.test(id, .memmap, bit: i) {
                let mapping: VmemmapMapping = table.usage.test(id, .pmd, bit: i) ? .pmd : .basePages
                let block = VmemmapPolicy.blockBytes(mapping, arch: arch).rawValue
                let ppb = max(1, block / ArchProfile.structPageSize.rawValue)
                let first = (base + UInt64(i) * unit) / ppb
                let last = (base + UInt64(i + 1) * unit - 1) / ppb
                let from = max(first, lastBlock[mapping].map { $0 + 1 } ?? first)
                if last >= from { a.vmemmapBlockBytes += ByteCount(block) * (last - from + 1) }
                lastBlock[mapping] = max(last, lastBlock[mapping] ?? last)
            }
        }
        return a
    }

    /// `mem_section_usage_size()`: the bitmap (whole longs) plus `usemap_size()` (4 pageblock bits
    /// per pageblock of the section, in whole longs), plus the 6.8 `rcu_head`. Before 5.3 only the usemap.
    public var usageSize: ByteCount {
        let pageblockOrder = min(arch.pmdShift - arch.pageShift, geometry.pfnSectionShift)
        let bits = (1 << UInt64(geometry.pfnSectionShift - pageblockOrder)) * 4
        let usemap = ByteCount((UInt64(bits) + 63) / 64 * 8)
        let bitmap = behaviour.hotplugGranularity == .section ? ByteCount.zero : ByteCount(UInt64(geometry.wordsPerMap) * 8)
        let rcu: ByteCount = behaviour.has(.usageRCUHead) ? 16 : 0
        return bitmap + usemap + rcu
    }

    /// What the kernel would have allocated for the table as it stands: the root pointer array,
    /// the allocated roots, and the live usages.
    public var kernelAllocation: KernelAllocation {
        let roots = table.allocatedRoots
        let live = table.usage.live
        return KernelAllocation(
            rootPointerBytes: table.allocatedRoots > 0 ? ByteCount(geometry.numberOfRoots * 8) : .zero,
            rootBytes: ByteCount(UInt64(roots) * geometry.sectionsPerRoot * ArchProfile.memSectionSize),
            allocatedRoots: roots,
            usageBytes: usageSize * UInt64(live),
            liveUsages: live)
    }
}

extension SparseMemory {
    /// Bytes ndemu's own table storage holds (array capacities): the emulator's cost for the
    /// sections it tracks, to compare with ``kernelAllocation``.
    public var modelStorageBytes: ByteCount { ByteCount(UInt64(table.storageBytes)) }
}
