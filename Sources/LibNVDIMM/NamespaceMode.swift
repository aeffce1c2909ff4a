import NDEmuCore

/// A namespace's personality (`ndctl create-namespace --mode`).
public enum NamespaceMode: String, Sendable, CaseIterable {
    case raw, fsdax, devdax, sector

    public init(parsing text: String, input: String) throws(InputError) {
        switch text {
        case "raw": self = .raw
        case "fsdax", "memory": self = .fsdax
        case "devdax", "dax": self = .devdax
        case "sector", "safe": self = .sector
        default: throw InputError(input, "'\(text)' is not a namespace mode (use raw, fsdax, devdax or sector)")
        }
    }

    /// The info-block signature (fsdax, devdax).
    public var signature: InfoBlockSignature? {
        switch self { case .fsdax: .pfn; case .devdax: .dax; default: nil }
    }

    /// The alignments a pfn/dax device offers (`supported_alignments`: `PAGE_SIZE`,
    /// `HPAGE_PMD_SIZE`, `HPAGE_PUD_SIZE` where PUD THP exists); empty for raw and sector.
    public func supportedAlignments(_ arch: ArchProfile) -> [ByteCount] {
        signature == nil ? [] : PfnValidate.supportedAlignments(arch)
    }
}

/// What ndctl settles on for an accepted request.
public struct NdctlCreatePlan: Hashable, Sendable {
    public var size: ByteCount
    public var align: ByteCount
}

/// ndctl's refusal of a `create-namespace` request: its stderr lines as printed (`error()`
/// prefixes "Error: ") and its errno.
public struct NdctlRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The errno ndctl returns; nil for -EAGAIN ("this region cannot host it, try the next").
    public let errno: Errno?
    public let lines: [String]
    public var description: String { lines.joined(separator: "\n") }
}

/// `ndctl create-namespace`'s own checks of a request against a region (ndctl/namespace.c
/// `validate_namespace_options()`, `check_dax_align()`), before the kernel sees it.
public struct NdctlCreateRequest: Hashable, Sendable {
    public var mode: NamespaceMode
    /// `--size` as given, and the unit it was written in (1 for bytes, 1 << 20 for `M`, …),
    /// which ndctl uses for its suggestion.
    public var size: ByteCount?
    public var sizeUnit: ByteCount
    public var align: ByteCount?
    public var force: Bool

    public init(mode: NamespaceMode, size: ByteCount?, sizeUnit: ByteCount = 1, align: ByteCount? = nil, force: Bool = false) {
        self.mode = mode; self.size = size; self.sizeUnit = sizeUnit; self.align = align; self.force = force
    }

    /// The unit of a `--size` text as ndctl's `__parse_size64` reports it.
    public static func unit(ofSizeText text: String) -> ByteCount {
        switch text.trimmingWhitespace.last {
        case "k", "K": .kib(1)
        case "m", "M": .mib(1)
        case "g", "G": .gib(1)
        case "t", "T": .tib(1)
        default: 1
        }
    }

    /// The size and align ndctl settles on, or its refusal with its messages. `namespaceStart`
    /// is where the namespace will sit (for the 16 MiB dax alignment check).
    public func validate(region: Region, behaviour: KernelBehaviour, arch: ArchProfile,
                         namespaceStart: PhysicalAddress? = nil, namespaceName: String = "namespace0.0") -> Result<NdctlCreatePlan, NdctlRefusal> {
        let cmd = "create namespace"
        let available = region.isLabelless ? region.range.size : region.largestFreeExtent
        let size = size ?? available
        if available.isZero || size > available {
            return .failure(NdctlRefusal(errno: nil, lines: ["\(cmd): \(region.name): insufficient capacity size: \(plainHex(size.rawValue)) avail: \(plainHex(available.rawValue))"]))
        }
        if region.isLabelless, size != region.range.size {
            return .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: Legacy / label-less namespaces do not support sub-dividing a region",
                                                                 "Error: Retry without -s/--size="]))
        }
        let align: ByteCount
        if let a = self.align {
            guard mode.signature != nil else {
                return .failure(NdctlRefusal(errno: .ENXIO, lines: ["Error: \(mode.rawValue) mode does not support setting an alignment"]))
            }
            guard mode.supportedAlignments(arch).contains(a) else {
                return .failure(NdctlRefusal(errno: .ENXIO, lines: ["Error: unsupported align: \(a.shortDescription)"]))
            }
            align = a
        } else {
            // The seed's default (HPAGE_PMD_SIZE for fsdax/devdax), PAGE_SIZE otherwise; page size
            // when the region start is not aligned to it.
            var a = mode.signature != nil ? arch.pmdSize : arch.pageSize
            if !region.range.start.isAligned(to: a) { a = arch.pageSize }
            align = a
        }
        if behaviour.has(.compatAlign) {
            let ra = region.align(behaviour: behaviour, arch: arch)
            if !size.isMultiple(of: ra) {
                return .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: \(cmd): \(region.name): align setting is \(hashHex(ra.rawValue)) size \(hashHex(size.rawValue)) is misaligned"]))
            }
        }
        let ways = region.interleaveWays
        if !size.isMultiple(of: align * ways) {
            let suffix = switch sizeUnit.rawValue { case 1 << 10: "K"; case 1 << 20: "M"; case 1 << 30: "G"; case 1 << 40: "T"; default: "" }
            let unitAlign = ByteCount.max(sizeUnit, align) * ways
            let suggested = (size.rawValue / unitAlign.rawValue + 1) * unitAlign.rawValue / sizeUnit.rawValue
            return .failure(NdctlRefusal(errno: .EINVAL, lines: [
                "Error: \(cmd): '--size=' must align to interleave-width: \(ways) and alignment: \(align.rawValue)",
                "did you intend --size=\(suggested)\(suffix)?",
            ]))
        }
        if size < .mib(16), mode != .raw {
            return .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: '--size=' must be >= 16MiB for '\(mode.rawValue)' mode"]))
        }
        if mode.signature != nil, !force, let start = namespaceStart, !start.isAligned(to: .mib(16)) {
            return .failure(NdctlRefusal(errno: .EINVAL, lines: ["Error: \(namespaceName) misaligned to 16M, adjust region alignment and retry"]))
        }
        return .success(NdctlCreatePlan(size: size, align: align))
    }
}
