/// Every kernel behaviour ndemu models that changed between releases, in one table.
///
/// Code asks the behaviour (`behaviour.has(.subsectionHotplug)`), never the version number, so
/// adding an era or a later fix is one row here and a reader sees the kernel's history in one file.
/// `ndemu kernels` prints this table.
public enum KernelChange: String, CaseIterable, Sendable {
    // MARK: mm/sparse.c, mm/memory_hotplug.c
    case sectionOnlineFlag
    case regionIntersectsRamFails
    case subsectionHotplug
    case sectionIsEarlyFlag
    case addressableCheck
    case hotplugLoopByPFN
    case mhpRangeAllowed
    case bootUsageKeptByPageReserved
    case clearSubsectionMapReturnsError
    case earlySectionMemmapNeverPartlyFreed
    case sectionTaintZoneDevice
    case arm64SmallSections
    case x86SubPMDVmemmapTracking
    case misalignedWarnHexPrefix
    case usageRCUHead
    // MARK: mm/memremap.c, kernel/resource.c
    case memremapPagesSplit
    case memremapConflictCheck
    case pgmapTypeFsDax
    case pgmapTypeP2PDMA
    case pgmapTypeDevDax
    case pgmapTypeGeneric
    case memremapRangeMessage
    case regionIntersectsChildren
    case e820KeepsPersistentApart
    // MARK: drivers/nvdimm
    case alignedEndTruncation
    case padAgainstNeighbourRegions
    case stopSectionPadding
    case infoBlockZeroFields
    case infoBlockPageSizes
    case probeEOPNOTSUPPIsFinal
    case compatAlign
    case preventZeroSizedPfn

    /// The first release with the change.
    public var introducedIn: KernelVersion {
        switch self {
        case .sectionOnlineFlag: KernelVersion(4, 13)
        case .alignedEndTruncation: KernelVersion(4, 15)
        case .regionIntersectsRamFails, .pgmapTypeP2PDMA: KernelVersion(4, 20)
        case .pgmapTypeFsDax: KernelVersion(4, 16)
        case .memremapConflictCheck: KernelVersion(4, 17)
        case .pgmapTypeDevDax: KernelVersion(5, 3)
        case .pgmapTypeGeneric: KernelVersion(5, 10)
        case .padAgainstNeighbourRegions: KernelVersion(5, 0)
        case .subsectionHotplug, .sectionIsEarlyFlag, .stopSectionPadding, .infoBlockZeroFields: KernelVersion(5, 3)
        case .infoBlockPageSizes, .probeEOPNOTSUPPIsFinal: KernelVersion(5, 4)
        case .e820KeepsPersistentApart: KernelVersion(5, 5)
        case .addressableCheck, .memremapPagesSplit, .hotplugLoopByPFN: KernelVersion(5, 5)
        case .mhpRangeAllowed: KernelVersion(5, 11)
        case .bootUsageKeptByPageReserved: KernelVersion(5, 6)
        case .clearSubsectionMapReturnsError, .compatAlign: KernelVersion(5, 7)
        case .earlySectionMemmapNeverPartlyFreed: KernelVersion(5, 9)
        case .memremapRangeMessage: KernelVersion(5, 10)
        case .sectionTaintZoneDevice, .arm64SmallSections, .x86SubPMDVmemmapTracking: KernelVersion(5, 12)
        case .misalignedWarnHexPrefix, .preventZeroSizedPfn: KernelVersion(6, 6)
        case .usageRCUHead: KernelVersion(6, 8)
        case .regionIntersectsChildren: KernelVersion(6, 12)
        }
    }

    /// Whether the May 2019 v7 sub-section series (on 5.1) already had it.
    var inSubsectionSeriesV7: Bool {
        switch self {
        case .subsectionHotplug: true
        default: introducedIn <= KernelVersion(5, 1)
        }
    }

    /// What changed, in a line.
    public var summary: String {
        switch self {
        case .sectionOnlineFlag: "SECTION_IS_ONLINE tracks onlined sections"
        case .alignedEndTruncation: "nd_pfn_init truncates the end to the pfn align (1G devdax on 256M-aligned ranges)"
        case .regionIntersectsRamFails: "devm_memremap_pages fails ranges wholly inside System RAM too ('ram' region), not only MIXED"
        case .padAgainstNeighbourRegions: "nd_pfn_init pads against other PMEM regions in the same section (nd_region_conflict)"
        case .subsectionHotplug: "2 MiB sub-section hotplug: subsection_map, check_pfn_span, -EEXIST on collisions; devm_memremap_pages maps the exact range"
        case .sectionIsEarlyFlag: "SECTION_IS_EARLY marks boot sections; pfn_valid is true for a whole early section"
        case .stopSectionPadding: "nd_pfn_init stops section padding: start_pad 0, end_trunc to max(align, 2M)"
        case .infoBlockZeroFields: "info block minor 3: flags and padding are written as zero"
        case .infoBlockPageSizes: "info block minor 4 (page_size, page_struct_size); -EOPNOTSUPP from a pfn probe fails the namespace"
        case .probeEOPNOTSUPPIsFinal: "a pfn/dax probe returning -EOPNOTSUPP is final (no raw fallback)"
        case .addressableCheck: "hot-add beyond MAX_PHYSMEM_BITS fails with -E2BIG"
        case .hotplugLoopByPFN: "__add_pages/__remove_pages walk while pfn < end: zero pages is a no-op, not an empty-mask -EINVAL"
        case .mhpRangeAllowed: "the addressable check becomes mhp_range_allowed() in the callers (pr_warn 'Hotplug memory [...] exceeds maximum addressable range', -E2BIG; zero size refused too)"
        case .memremapConflictCheck: "devm_memremap_pages refuses a range whose (section-aligned, ≤5.2) ends hit an existing pgmap: 'Conflicting mapping in same section', -ENOMEM"
        case .pgmapTypeFsDax: "MEMORY_DEVICE_FS_DAX replaces MEMORY_DEVICE_HOST for fsdax pgmaps (device-dax leaves the type 0)"
        case .pgmapTypeP2PDMA: "MEMORY_DEVICE_PCI_P2PDMA pgmaps"
        case .pgmapTypeDevDax: "MEMORY_DEVICE_DEVDAX for device-dax pgmaps; MEMORY_DEVICE_PUBLIC removed"
        case .pgmapTypeGeneric: "MEMORY_DEVICE_DEVDAX renamed MEMORY_DEVICE_GENERIC"
        case .memremapPagesSplit: "the body of devm_memremap_pages moves to memremap_pages (message names memremap_pages)"
        case .bootUsageKeptByPageReserved: "a re-added early section keeps its boot usage map on removal"
        case .clearSubsectionMapReturnsError: "clear_subsection_map returns -EINVAL after 'section already deactivated'"
        case .compatAlign: "memremap_compat_align(): namespaces start 2 MiB (ppc64 hash 16 MiB) aligned; region align 16 MiB × ways"
        case .earlySectionMemmapNeverPartlyFreed: "an early section's memmap is never partly freed"
        case .memremapRangeMessage: "devm_memremap_pages messages print the range as %#llx-%#llx"
        case .sectionTaintZoneDevice: "SECTION_TAINT_ZONE_DEVICE on sections shared by ZONE_DEVICE and RAM"
        case .arm64SmallSections: "arm64 sections shrink from 1 GiB to 128 MiB (4K/16K) and 512 MiB (64K)"
        case .x86SubPMDVmemmapTracking: "x86 vmemmap tracks partly used PMD blocks"
        case .misalignedWarnHexPrefix: "'Misaligned __add_pages' prints the end with 0x instead of #"
        case .preventZeroSizedPfn: "nd_pfn_init refuses dataoff ≥ size − end_trunc; validate checks 'bad offset with small namespace'"
        case .usageRCUHead: "mem_section_usage gains an rcu_head (56 bytes on x86_64)"
        case .regionIntersectsChildren: "region_intersects() looks at child resources too"
        case .e820KeepsPersistentApart: "e820 keeps adjacent PRAM (memmap=nn!ss) and Soft Reserved entries apart (e820_nomerge): one resource, one region each"
        }
    }

    /// The commit or thread it came from.
    public var source: String {
        switch self {
        case .sectionOnlineFlag: "2d070eab2e82 mm: consider zone which is not fully populated to have holes"
        case .alignedEndTruncation: "41fce90f26 libnvdimm, dax: fix 1GB-aligned namespaces vs physical misalignment"
        case .regionIntersectsRamFails: "mm, devm_memremap_pages: remove 'System RAM' support (late 2018)"
        case .padAgainstNeighbourRegions: "ae86cbfef381 libnvdimm, pfn: Pad pfn namespaces relative to other regions"
        case .subsectionHotplug: "ba72b4c8cf60 mm/sparsemem: Support sub-section hotplug (v10 of the series)"
        case .sectionIsEarlyFlag: "326e1b8f83a4 mm/sparsemem: Introduce a SECTION_IS_EARLY flag"
        case .stopSectionPadding: "libnvdimm/pfn: Stop padding pmem namespaces to section alignment; 274b924088e9 (5.3-rc8)"
        case .infoBlockZeroFields: "libnvdimm/pfn: Fix fsdax-mode namespace info-block zero-fields"
        case .infoBlockPageSizes: "libnvdimm/pfn: Add page size and struct page size to pfn superblock"
        case .probeEOPNOTSUPPIsFinal: "nvdimm: Consider probe return -EOPNOTSUPP as success"
        case .addressableCheck: "mm/memory_hotplug: check_hotplug_memory_addressable (Alastair D'Silva)"
        case .hotplugLoopByPFN: "mm/memory_hotplug: cleanup __add_pages() / __remove_pages() (David Hildenbrand, 2019)"
        case .mhpRangeAllowed: "mm/memory_hotplug: prevalidate the address range being added with platform (Anshuman Khandual)"
        case .memremapConflictCheck: "15d36fecd0bd mm: disallow mappings that conflict for devm_memremap_pages() (Dave Jiang; release ≈4.17, not re-checked)"
        case .pgmapTypeFsDax: "e76384884344 mm, dax: enable filesystems to trigger dev_pagemap ->page_free callbacks (release per the spec's §1.1 table)"
        case .pgmapTypeP2PDMA: "52916982af48 PCI/P2PDMA: Support peer-to-peer memory"
        case .pgmapTypeDevDax: "device-dax: use the dev_pagemap internal refcount (Christoph Hellwig, 5.3)"
        case .pgmapTypeGeneric: "25b2995a35b6 mm: rename MEMORY_DEVICE_DEVDAX to MEMORY_DEVICE_GENERIC"
        case .memremapPagesSplit: "mm/memremap: add memremap_pages() (non-devm variant)"
        case .bootUsageKeptByPageReserved: "mm/sparse: don't free usage map when removing a re-added early section"
        case .clearSubsectionMapReturnsError: "mm/sparse: split section_deactivate into fill/clear helpers (Baoquan He)"
        case .compatAlign: "9ffc1d19fc4a mm/memremap_pages: Introduce memremap_compat_align(); 2522afb86a8c region align"
        case .earlySectionMemmapNeverPartlyFreed: "mm/sparse: never partially remove memmap for early section (Wei Yang)"
        case .memremapRangeMessage: "mm/memremap_pages: convert to 'struct range'"
        case .sectionTaintZoneDevice: "1f90a3477df3 mm: teach pfn_to_online_page() about ZONE_DEVICE section collisions"
        case .arm64SmallSections: "f0b13ee23241 arm64/sparsemem: reduce SECTION_SIZE_BITS"
        case .x86SubPMDVmemmapTracking: "8d400913c231 x86/vmemmap: handle unpopulated sub-pmd ranges"
        case .misalignedWarnHexPrefix: "mm/memory_hotplug: Fix format string in __add_pages warning (Rick Wertenbroek)"
        case .preventZeroSizedPfn: "nvdimm/pfn_dev: Prevent the creation of zero-sized namespaces"
        case .usageRCUHead: "mm/sparsemem: fix race in accessing memory_section->usage (Charan Teja Kalla)"
        case .e820KeepsPersistentApart: "262b45ae3ab4 x86/efi: EFI soft reservation to E820 enumeration (Dan Williams)"
        case .regionIntersectsChildren: "resource: fix region_intersects() vs add_memory_driver_managed()"
        }
    }
}

/// The behaviour of one kernel: which `KernelChange`s it has.
public struct KernelBehaviour: Hashable, Sendable {
    public let kernel: KernelSpec

    public init(_ kernel: KernelSpec) { self.kernel = kernel }
    public init(_ version: KernelVersion) { self.kernel = .release(version) }

    public func has(_ change: KernelChange) -> Bool {
        switch kernel {
        case .release(let v): v >= change.introducedIn
        case .subsectionSeriesV7: change.inSubsectionSeriesV7
        }
    }

    /// How `__add_pages`/`__remove_pages` track memory.
    public enum HotplugGranularity: Sendable { case section, subsectionV7, subsection }
    public var hotplugGranularity: HotplugGranularity {
        if case .subsectionSeriesV7 = kernel { return .subsectionV7 }
        return has(.subsectionHotplug) ? .subsection : .section
    }
    public var isSubsectionSeriesV7: Bool { kernel == .subsectionSeriesV7 }
    public var arm64SmallSections: Bool { has(.arm64SmallSections) }

    /// The pfn/dax info-block minor version `nd_pfn_init()` writes (mainline ≤5.2 writes 1.2).
    public var infoBlockMinorVersion: UInt16 {
        has(.infoBlockPageSizes) ? 4 : has(.infoBlockZeroFields) ? 3 : 2
    }
}
