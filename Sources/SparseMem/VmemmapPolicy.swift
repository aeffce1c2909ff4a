import NDEmuCore

/// How `vmemmap_populate()` backs a range of struct pages on one architecture.
public enum VmemmapMapping: String, Hashable, Sendable {
    /// PMD-sized blocks (`vmemmap_populate_hugepages`): 2 MiB on x86_64 and arm64 4K.
    case pmd
    /// Base pages (`vmemmap_populate_basepages`).
    case basePages = "base"
}

/// The per-arch choice `vmemmap_populate(start, end, node, altmap)` makes.
///
/// - x86_64 (`arch/x86/mm/init_64.c`): a range smaller than one section's memmap
///   (`PAGES_PER_SECTION * sizeof(struct page)`) gets base pages from RAM with a NULL altmap;
///   anything else gets 2 MiB PMD blocks, from the altmap when one is given (and -ENOMEM with
///   no fallback when it runs out).
/// - arm64 4K: PMD blocks for every range, from the altmap when given. (The later fix that keeps
///   hot-added vmemmap at base pages is not modelled.)
/// - arm64 16K/64K and ppc64: base pages of the page size, from the altmap when given
///   (ppc64's own vmemmap page size is not modelled).
struct VmemmapPolicy: Sendable {
    let mapping: VmemmapMapping
    /// Bytes of vmemmap one block maps.
    let blockBytes: ByteCount
    /// Whether blocks come from the caller's altmap (if any).
    let usesAltmap: Bool

    static func forPopulate(arch: ArchProfile, wholeSection: Bool) -> VmemmapPolicy {
        switch arch.family {
        case .x86_64:
            return wholeSection ? VmemmapPolicy(mapping: .pmd, blockBytes: arch.pmdSize, usesAltmap: true)
                                : VmemmapPolicy(mapping: .basePages, blockBytes: arch.pageSize, usesAltmap: false)
        case .arm64 where arch.pageShift == 12:
            return VmemmapPolicy(mapping: .pmd, blockBytes: arch.pmdSize, usesAltmap: true)
        case .arm64, .ppc64:
            return VmemmapPolicy(mapping: .basePages, blockBytes: arch.pageSize, usesAltmap: true)
        }
    }

    /// The boot memmap (`sparse_init_nid` → `__populate_section_memmap` of whole sections, from memblock).
    static func forBoot(arch: ArchProfile) -> VmemmapPolicy {
        var p = forPopulate(arch: arch, wholeSection: true)
        p = VmemmapPolicy(mapping: p.mapping, blockBytes: p.blockBytes, usesAltmap: false)
        return p
    }

    static func blockBytes(_ mapping: VmemmapMapping, arch: ArchProfile) -> ByteCount {
        mapping == .pmd ? arch.pmdSize : arch.pageSize
    }
}
