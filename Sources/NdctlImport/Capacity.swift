import LibNVDIMM
import NDEmuCore

/// The one capacity question the importers ask: what usable size does a namespace of raw size
/// `rawSize` at `start` yield in its mode, on the kernel that created it? Answered by ndemu's own
/// model (LibNVDIMM `Capacity.compute`: nd_pfn_init() for fsdax/devdax, the BTT arena layout for
/// sector), so an import inverts exactly what `ndemu capacity` computes forwards.
public struct CapacityQuery: Hashable, Sendable {
    public var mode: NamespaceMode
    public var map: MemmapLocation
    /// The pfn/dax `align` (fsdax/devdax).
    public var align: ByteCount
    /// The BTT's external LBA size (sector).
    public var sectorSize: UInt32
    /// The region's labels: decide the BTT layout (1.1 with a 4 KiB initial offset, or 2.0).
    public var labels: RegionLabels
    public var behaviour: KernelBehaviour
    public var arch: ArchProfile

    public init(mode: NamespaceMode, map: MemmapLocation = .dev, align: ByteCount = .mib(2), sectorSize: UInt32 = 4096,
                labels: RegionLabels = .none, behaviour: KernelBehaviour = KernelBehaviour(.default), arch: ArchProfile = .x86_64) {
        self.mode = mode; self.map = map; self.align = align; self.sectorSize = sectorSize
        self.labels = labels; self.behaviour = behaviour; self.arch = arch
    }

    /// The usable size, or nil when the kernel would refuse the namespace.
    public func usableSize(rawSize: ByteCount, start: PhysicalAddress) -> ByteCount? {
        if mode == .raw { return rawSize }
        let request = CapacityRequest(size: rawSize, mode: mode, map: map.pfnMode, align: align,
                                      sectorSize: ByteCount(UInt64(sectorSize)), start: start, labels: labels)
        return try? Capacity.compute(request, behaviour: behaviour, arch: arch).usableSize
    }
}
