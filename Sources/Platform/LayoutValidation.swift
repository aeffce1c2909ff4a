import IOMem
import NDEmuCore

/// The rules every layout must satisfy before a machine boots it. Each failure is an
/// `InputError` whose input is `FILE: ENTRY` (`Namespaces/x.json: namespaces[2] "namespace1.0"`)
/// and whose problem names the rule.
///
/// Rules that a *kernel* enforces (region alignment of namespace sizes, compat alignment of
/// starts, section collisions) are deliberately not here: they differ by kernel, and the emulated
/// kernel reports them as it would. What is here is what no firmware or kernel could produce.
struct LayoutValidator {
    let source: String

    func fail(_ entry: String, _ problem: String) -> InputError {
        InputError("\(source): \(entry)", problem)
    }

    /// Checks everything and returns each namespace's physical range.
    func validate(arch: String, kernelCommandLine: String?, memory: [Layout.MemoryEntry], regions: [Layout.Region],
                  namespaces: [Layout.Namespace], expectations: [LayoutExpectation]) throws(InputError) -> [AddressRange] {
        let profile: ArchProfile
        do { profile = try ArchProfile(name: arch, behaviour: KernelBehaviour(.default)) } catch {
            throw fail("arch", error.problem)
        }
        let page = profile.pageSize
        try checkMemory(memory, page: page)
        try checkRegions(regions, memory: memory, page: page)
        let ranges = try placeNamespaces(namespaces, regions: regions, page: page)
        if let cmdline = kernelCommandLine { try checkCommandLine(cmdline, memory: memory) }
        try checkExpectations(expectations, namespaces: namespaces)
        return ranges
    }

    // MARK: memory
    func checkMemory(_ memory: [Layout.MemoryEntry], page: ByteCount) throws(InputError) {
        guard !memory.isEmpty else { throw fail("memory", "must list at least one entry") }
        for (i, m) in memory.enumerated() {
            let name = "memory[\(i)] \"\(m.type.rawValue)\" \(m.range)"
            if m.type.isPersistentMemory, !(m.range.start.isAligned(to: page) && m.range.size.isMultiple(of: page)) {
                throw fail(name, "persistent memory must start and end on a page boundary (\(page.shortDescription))")
            }
            guard i > 0 else { continue }
            let prev = memory[i - 1]
            if m.range.overlaps(prev.range) {
                throw fail(name, "overlaps memory[\(i - 1)] \"\(prev.type.rawValue)\" \(prev.range) (entries must not overlap)")
            }
            if m.range.start < prev.range.start {
                throw fail(name, "is below memory[\(i - 1)] \(prev.range) (entries must be in ascending address order)")
            }
        }
    }

    // MARK: regions
    func checkRegions(_ regions: [Layout.Region], memory: [Layout.MemoryEntry], page: ByteCount) throws(InputError) {
        var seen: [String: Int] = [:]
        for (i, r) in regions.enumerated() {
            let name = "regions[\(i)] \"\(r.dev)\""
            if let j = seen[r.dev] { throw fail(name, "the name is already used by regions[\(j)]") }
            seen[r.dev] = i
            guard r.range.start.isAligned(to: page), r.range.size.isMultiple(of: page) else {
                throw fail(name, "\(r.range) does not start and end on a page boundary (\(page.shortDescription))")
            }
            guard (1...64).contains(r.interleaveWays) else {
                throw fail(name, "interleave_ways \(r.interleaveWays) is outside 1…64")
            }
            if let a = r.align, a.isZero || !a.isMultiple(of: page) {
                throw fail(name, "align \(a) must be a non-zero multiple of the page size (\(page.shortDescription))")
            }
            if !isCovered(r.range, by: memory.filter { $0.type.isPersistentMemory }.map(\.range)) {
                throw fail(name, "\(r.range) is not inside persistent memory (a region must lie in \"Persistent Memory\" or \"Persistent Memory (legacy)\" entries of memory)")
            }
            for (j, other) in regions.enumerated().prefix(i) where other.range.overlaps(r.range) {
                throw fail(name, "\(r.range) overlaps regions[\(j)] \"\(other.dev)\" \(other.range)")
            }
        }
    }

    /// Whether sorted, disjoint `pieces` cover `range` without a gap.
    func isCovered(_ range: AddressRange, by pieces: [AddressRange]) -> Bool {
        var cursor = range.start
        for p in pieces.sorted(by: { $0.start < $1.start }) where p.end > cursor {
            guard p.start <= cursor else { return false }
            cursor = p.end
            if cursor >= range.end { return true }
        }
        return cursor >= range.end
    }

    // MARK: namespaces
    static let sectorSizes: Set<UInt64> = [512, 520, 528, 4096, 4104, 4160, 4224]

    func placeNamespaces(_ namespaces: [Layout.Namespace], regions: [Layout.Region], page: ByteCount) throws(InputError) -> [AddressRange] {
        var ranges: [AddressRange] = []
        var seen: [String: Int] = [:]
        /// Per region: where the next namespace without `start` goes, and the namespaces placed so far.
        var cursor: [String: PhysicalAddress] = [:]
        var placed: [String: [(Int, AddressRange)]] = [:]
        for (i, ns) in namespaces.enumerated() {
            let name = "namespaces[\(i)] \"\(ns.dev)\""
            if let j = seen[ns.dev] { throw fail(name, "the name is already used by namespaces[\(j)]") }
            seen[ns.dev] = i
            guard let region = regions.first(where: { $0.dev == ns.region }) else {
                throw fail(name, "region \"\(ns.region)\" is not in regions (known: \(regions.map(\.dev).joined(separator: ", ")))")
            }
            try checkModeKeys(ns, name: name, page: page)
            let start = ns.start ?? cursor[region.dev] ?? region.range.start
            guard region.range.contains(start) else {
                if ns.start == nil {
                    throw fail(name, "no room left in \(region.dev) \(region.range): the namespaces before it fill the region")
                }
                throw fail(name, "start \(start) is outside its region \(region.dev) \(region.range)")
            }
            guard start.isAligned(to: page) else {
                throw fail(name, "start \(start) is not page-aligned (\(page.shortDescription))")
            }
            let room = region.range.end - start
            let size = ns.size ?? room
            guard !size.isZero, size.isMultiple(of: page) else {
                throw fail(name, "size \(size) must be a non-zero multiple of the page size (\(page.shortDescription))")
            }
            if size > region.range.size {
                throw fail(name, "size \(size.shortDescription) is larger than its region \(region.dev) (\(region.range.size.shortDescription))")
            }
            guard size <= room, let range = AddressRange(start: start, size: size) else {
                throw fail(name, "\(start)+\(size.shortDescription) overflows its region \(region.dev) \(region.range) by \((size - room).shortDescription)")
            }
            for (j, other) in placed[region.dev] ?? [] where other.overlaps(range) {
                throw fail(name, "\(range) overlaps namespaces[\(j)] \"\(namespaces[j].dev)\" \(other)")
            }
            placed[region.dev, default: []].append((i, range))
            cursor[region.dev] = range.end
            ranges.append(range)
        }
        return ranges
    }

    func checkModeKeys(_ ns: Layout.Namespace, name: String, page: ByteCount) throws(InputError) {
        if ns.map != nil, !ns.mode.hasInfoBlock {
            throw fail(name, "map applies to fsdax and devdax only, not \(ns.mode.rawValue)")
        }
        if let a = ns.align {
            guard ns.mode.hasInfoBlock else { throw fail(name, "align applies to fsdax and devdax only, not \(ns.mode.rawValue)") }
            guard a.isPowerOfTwo, a >= page else {
                throw fail(name, "align \(a) must be a power of two of at least the page size (\(page.shortDescription))")
            }
        }
        if let s = ns.sectorSize {
            guard ns.mode == .sector else { throw fail(name, "sector_size applies to sector mode only, not \(ns.mode.rawValue)") }
            guard Self.sectorSizes.contains(s.rawValue) else {
                throw fail(name, "sector_size \(s.rawValue) is not one of \(Self.sectorSizes.sorted().map(String.init).joined(separator: ", "))")
            }
        }
        if let u = ns.uuid, !Self.isUUID(u) {
            throw fail(name, "uuid \"\(u)\" is not of the form 8-4-4-4-12 hex digits")
        }
        if let k = ns.createdBy {
            do { _ = try KernelSpec(parsing: k, input: "created_by") } catch { throw fail(name, "created_by: \(error.problem)") }
            guard ns.mode.hasInfoBlock else { throw fail(name, "created_by applies to fsdax and devdax (an info block), not \(ns.mode.rawValue)") }
        }
    }

    static func isUUID(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    // MARK: kernel command line
    /// Every `memmap=nn!ss` (`$`, `@`) of the command line must be a `memory` entry of that type
    /// (the layout's `memory` is the map after the kernel applied them, as /proc/iomem shows it).
    func checkCommandLine(_ cmdline: String, memory: [Layout.MemoryEntry]) throws(InputError) {
        let parsed = try KernelCommandLine(parsing: cmdline, input: "\(source): kernel_cmdline")
        for option in parsed.memmap {
            let wanted: Layout.MemoryType, range: AddressRange
            switch option {
            case .persistent(let r): wanted = .persistentMemoryLegacy; range = r
            case .reserved(let r): wanted = .reserved; range = r
            case .ram(let r): wanted = .systemRAM; range = r
            default: continue
            }
            if !memory.contains(where: { $0.type == wanted && $0.range.contains(range) }) {
                throw fail("kernel_cmdline", "memmap=\(option) makes \(range) \"\(wanted.rawValue)\", but memory has no such entry covering it")
            }
        }
    }

    // MARK: expectations
    func checkExpectations(_ expectations: [LayoutExpectation], namespaces: [Layout.Namespace]) throws(InputError) {
        var seen = Set<String>()
        for (i, e) in expectations.enumerated() {
            let name = "expect[\(i)] \"\(e.kernel)\""
            do { _ = try KernelSpec(parsing: e.kernel, input: "kernel") } catch { throw fail(name, error.problem) }
            if let a = e.arch {
                do { _ = try ArchProfile(name: a, behaviour: KernelBehaviour(.default)) } catch { throw fail(name, error.problem) }
            }
            guard seen.insert("\(e.kernel)/\(e.arch ?? "")").inserted else {
                throw fail(name, "a second expectation for kernel \(e.kernel)\(e.arch.map { " on \($0)" } ?? "")")
            }
            for ns in e.namespaces {
                if let dev = ns["dev"]?.stringValue, !namespaces.contains(where: { $0.dev == dev }) {
                    throw fail(name, "expects namespace \"\(dev)\", which is not in namespaces")
                }
            }
        }
    }
}
