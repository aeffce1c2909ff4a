import NDEmuCore

/// A raw pmem namespace (`nd_pmem_probe()` → `pmem_attach_disk()` with no personality).
public enum RawNamespace {
    /// `nvdimm_namespace_common_probe()`'s 5.7+ check for a page-mapped raw namespace
    /// (`pmem_should_map_pages()`: a legacy e820/`memmap=` region whose range is not MIXED with
    /// System RAM): both ends must be multiples of `memremap_compat_align()`, else
    /// `"%pr misaligned, unable to map"` on the namespace and -EOPNOTSUPP.
    public static func probe(namespace: NamespaceResource, pageMapped: Bool, behaviour: KernelBehaviour, arch: ArchProfile,
                             log: inout KernelLog) throws(KernelError) -> AddressRange {
        let r = namespace.range
        if pageMapped, behaviour.has(.compatAlign),
           !r.start.isAligned(to: arch.compatAlign) || !r.end.isAligned(to: arch.compatAlign) {
            let m = "nd_pmem \(namespace.name): \(r.kernelResourceString()) misaligned, unable to map"
            log.err(m)
            throw KernelError(.EOPNOTSUPP, m)
        }
        return r
    }
}
