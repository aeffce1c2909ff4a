import Foundation
import NDEmuCore

/// Writes a fake libnvdimm sysfs tree for a `FakeTopology`: the files and symlinks that
/// libndctl 76.1 and `ndctl list` read (see shared/research/libndctl.md §3.2 for the contract),
/// written the way the kernel's `show()` functions print them (one trailing newline; list
/// attributes space-terminated; the selected sector size in brackets).
///
/// The tree is a plain directory (`root/sys`); it is only ever seen as /sys inside a private
/// mount namespace (`MountNamespace`). `root/devnodes` lists the character devices device-dax
/// needs under /dev.
struct FakeSysfs {
    let root: URL
    var sys: URL { root.appendingPathComponent("sys") }
    var devnodes: URL { root.appendingPathComponent("devnodes") }
    /// What was written, per namespace: the numbers tests compare imports against.
    private(set) var namespaces: [String: Expected] = [:]

    struct Expected: Equatable {
        var start: UInt64
        var size: UInt64
        /// pfn/dax data range (start, size) or the BTT external size.
        var dataStart: UInt64?
        var usableSize: UInt64
    }

    // Character/block majors as /proc/devices numbers them on a typical system.
    private static let busMajor = 254, dimmMajor = 253, daxMajor = 252, blockMajor = 259
    private var blockMinor = 0, daxMinor = 0, devnodeLines: [String] = []

    /// Builds the tree for `topology` under a fresh directory in `parent`.
    static func build(_ topology: FakeTopology, in parent: URL) throws -> FakeSysfs {
        let root = parent.appendingPathComponent("fakesysfs-\(topology.name)")
        try? FileManager.default.removeItem(at: root)
        var tree = FakeSysfs(root: root)
        try tree.write(topology)
        return tree
    }

    // MARK: Writing primitives

    /// One attribute file: each line followed by "\n", as sysfs `show()` prints.
    private func w(_ path: String, _ lines: String...) throws {
        let url = sys.appendingPathComponent(String(path.dropFirst()))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
    }

    private func mkdir(_ path: String) throws {
        try FileManager.default.createDirectory(at: sys.appendingPathComponent(String(path.dropFirst())),
                                                withIntermediateDirectories: true)
    }

    /// A relative symlink at `link` pointing to `target` (both /sys-absolute), as sysfs makes them.
    private func ln(_ target: String, _ link: String) throws {
        let linkDir = (link as NSString).deletingLastPathComponent
        try mkdir(linkDir)
        let from = linkDir.split(separator: "/"), to = target.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let relative = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
        let url = sys.appendingPathComponent(String(link.dropFirst()))
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: relative.joined(separator: "/"))
    }

    /// Attributes every device on the nd bus carries.
    private func ndDevice(_ path: String, devtype: String, modalias: String, driver: String?) throws {
        try w(path + "/devtype", devtype)
        try w(path + "/modalias", modalias)
        try w(path + "/uevent", "DEVTYPE=\(devtype)", "MODALIAS=\(modalias)")
        try ln("/bus/nd", path + "/subsystem")
        if let driver { try ln("/bus/nd/drivers/\(driver)", path + "/driver") }
    }

    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// A deterministic uuid from a seed (FNV-1a), so trees and outputs are reproducible.
    static func uuid(_ seed: String) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325, h2: UInt64 = 0x8422_2325_cbf2_9ce4
        for b in seed.utf8 { h1 = (h1 ^ UInt64(b)) &* 0x100_0000_01b3; h2 = (h2 ^ UInt64(b)) &* 0x100_0000_01b3 ^ h1 }
        let s = String(format: "%016llx%016llx", h1, h2)
        let c = Array(s)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    // MARK: The tree

    private mutating func write(_ topology: FakeTopology) throws {
        for d in ["/class/nd", "/dev/char", "/dev/block", "/block", "/class/block", "/class/dax", "/bus/nd/devices",
                  "/bus/dax/devices", "/devices/system/node/node0"] { try mkdir(d) }
        for d in ["nd_bus", "nvdimm", "nd_region", "nd_pmem", "nd_btt", "dax_pmem"] { try mkdir("/bus/nd/drivers/\(d)") }
        for d in ["device_dax", "kmem"] { try mkdir("/bus/dax/drivers/\(d)") }
        for bus in topology.buses { try writeBus(bus) }
        try Data(devnodeLines.map { $0 + "\n" }.joined().utf8).write(to: devnodes)
    }

    private mutating func writeBus(_ bus: FakeBus) throws {
        let nfit = bus.provider == "ACPI.NFIT"
        let parent = nfit ? "/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00" : "/devices/platform/\(bus.provider)_pmem"
        let p = "\(parent)/ndbus\(bus.id)"
        try w(p + "/provider", bus.provider)
        // No `wait_probe`: libndctl then never polls the udev queue (research note §7).
        try w(p + "/uevent", "")
        try ln("/bus/nd", p + "/subsystem")
        try ln("/bus/nd/drivers/nd_bus", p + "/driver")
        if nfit {
            try w(p + "/commands", "ars_cap ars_start ars_status clear_error call ")
            try w(p + "/nfit/revision", "1")
            try w(p + "/nfit/dsm_mask", "0x3bf")
            try w(p + "/nfit/scrub", "0")
        } else {
            try w(p + "/commands", "")
        }
        let ctl = "\(p)/ndctl\(bus.id)"
        try w(ctl + "/dev", "\(Self.busMajor):\(bus.id)")
        try ln(p, ctl + "/device")
        try ln("/class/nd", ctl + "/subsystem")
        try ln(ctl, "/class/nd/ndctl\(bus.id)")
        try ln(ctl, "/dev/char/\(Self.busMajor):\(bus.id)")
        for dimm in bus.dimms { try writeDIMM(dimm, bus: p, nfit: nfit) }
        for region in bus.regions { try writeRegion(region, bus: p, nfit: nfit, provider: bus.provider) }
    }

    private func writeDIMM(_ dimm: FakeDIMM, bus: String, nfit: Bool) throws {
        let p = "\(bus)/nmem\(dimm.id)"
        try ndDevice(p, devtype: "nvdimm", modalias: "nd:t1", driver: "nvdimm")
        try w(p + "/dev", "\(Self.dimmMajor):\(dimm.id)")
        try w(p + "/commands", "")      // no `smart`: `ndctl list -H` would issue an ioctl
        try w(p + "/state", "active")
        try w(p + "/flags", "")
        try w(p + "/security", "disabled")
        try ln(p, "/dev/char/\(Self.dimmMajor):\(dimm.id)")
        if nfit {
            try w(p + "/nfit/handle", Self.hex(UInt64(dimm.handle)))
            try w(p + "/nfit/phys_id", Self.hex(UInt64(dimm.physID)))
            try w(p + "/nfit/serial", String(format: "0x%08x", 0x1000 + dimm.id))
            try w(p + "/nfit/id", String(format: "8980-a2-1837-%08x", 0x1000 + dimm.id))
            try w(p + "/nfit/vendor", "0x8980")
            try w(p + "/nfit/format", "0x201")
            try w(p + "/nfit/formats", "1")
            try w(p + "/nfit/flags", "")
        }
    }

    private mutating func writeRegion(_ region: FakeRegion, bus: String, nfit: Bool, provider: String) throws {
        let r = region.id
        let p = "\(bus)/region\(r)"
        try ndDevice(p, devtype: "nd_pmem", modalias: "nd:t2", driver: "nd_region")
        try w(p + "/size", String(region.size))
        try w(p + "/resource", Self.hex(region.start))
        try w(p + "/align", Self.hex(region.align))
        try w(p + "/nstype", region.labelled ? "5" : "4")
        try w(p + "/read_only", "0")
        try w(p + "/numa_node", String(region.numaNode))
        if let t = region.targetNode { try w(p + "/target_node", String(t)) }
        try w(p + "/persistence_domain", region.persistenceDomain)
        try w(p + "/badblocks", "")
        try w(p + "/set_cookie", Self.hex(Self.cookie("region\(r)")))
        if nfit { try w(p + "/nfit/range_index", String(r + 1)) }
        for (k, m) in region.mappings.enumerated() {
            try w(p + "/mapping\(k)", "nmem\(m.dimm),\(m.dpa),\(m.length),\(k)")
        }
        try w(p + "/mappings", String(region.mappings.count))

        var used: UInt64 = 0
        var pfnID = 0, daxID = 0, bttID = 0
        let pageMapped = provider == "e820"
        for (n, ns) in region.namespaces.enumerated() {
            let start = region.start + used
            used += ns.size
            precondition(used <= region.size, "fixture \(p): namespaces exceed the region")
            let np = "\(p)/namespace\(r).\(n)"
            let bdev = n == 0 ? "pmem\(r)" : "pmem\(r).\(n)"
            let holder: String, modeText: String, holderClass: String
            switch ns.mode {
            // An e820 region is page-mapped (ND_REGION_PAGEMAP): its unclaimed namespace reads "memory".
            case .raw: (holder, modeText, holderClass) = ("", pageMapped ? "memory" : "raw", "")
            case .fsdax: (holder, modeText, holderClass) = ("pfn\(r).\(pfnID)", "memory", "pfn")
            case .devdax: (holder, modeText, holderClass) = ("dax\(r).\(daxID)", "dax", "dax")
            case .sector: (holder, modeText, holderClass) = ("btt\(r).\(bttID)", "safe", "btt")
            }
            if region.labelled {
                try ndDevice(np, devtype: "nd_namespace_pmem", modalias: "nd:t5", driver: holder.isEmpty ? "nd_pmem" : nil)
                try w(np + "/uuid", Self.uuid("ns-\(r).\(n)"))
                try w(np + "/alt_name", ns.name)
                try w(np + "/sector_size", "[512] 4096 ")
                try w(np + "/holder_class", holderClass)
            } else {
                try ndDevice(np, devtype: "nd_namespace_io", modalias: "nd:t4", driver: holder.isEmpty ? "nd_pmem" : nil)
            }
            try w(np + "/nstype", region.labelled ? "5" : "4")
            try w(np + "/size", String(ns.size))
            try w(np + "/resource", Self.hex(start))
            try w(np + "/force_raw", "0")
            try w(np + "/holder", holder)
            try w(np + "/mode", modeText)
            try w(np + "/numa_node", String(region.numaNode))
            if let t = region.targetNode { try w(np + "/target_node", String(t)) }

            let dev = "namespace\(r).\(n)"
            switch ns.mode {
            case .raw:
                try blockDevice(np, name: bdev, bytes: ns.size)
                namespaces[dev] = Expected(start: start, size: ns.size, dataStart: nil, usableSize: ns.size)
            case let .fsdax(loc, align):
                let (dataoff, trunc) = Self.pfnLayout(start: start, size: ns.size, loc: loc, align: align)
                let pp = "\(p)/pfn\(r).\(pfnID)"
                try pfnLike(pp, devtype: "nd_pfn", modalias: "nd:t\(region.labelled ? 5 : 4)", driver: "nd_pmem",
                            uuid: Self.uuid("pfn-\(r).\(pfnID)"), loc: loc, align: align, namespace: dev,
                            resource: start + dataoff, size: ns.size - dataoff - trunc, numa: region.numaNode)
                try blockDevice(pp, name: bdev, bytes: ns.size - dataoff - trunc)
                namespaces[dev] = Expected(start: start, size: ns.size, dataStart: start + dataoff, usableSize: ns.size - dataoff - trunc)
                pfnID += 1
            case let .devdax(loc, align):
                let (dataoff, trunc) = Self.pfnLayout(start: start, size: ns.size, loc: loc, align: align)
                let dp = "\(p)/dax\(r).\(daxID)"
                let dstart = start + dataoff, dsize = ns.size - dataoff - trunc
                try pfnLike(dp, devtype: "nd_dax", modalias: "nd:t7", driver: "dax_pmem",
                            uuid: Self.uuid("dax-\(r).\(daxID)"), loc: loc, align: align, namespace: dev,
                            resource: dstart, size: dsize, numa: region.numaNode)
                try deviceDax(dp, name: "dax\(r).\(daxID)", region: r, start: dstart, size: dsize, align: align,
                              target: region.targetNode ?? region.numaNode, numa: region.numaNode)
                namespaces[dev] = Expected(start: start, size: ns.size, dataStart: dstart, usableSize: dsize)
                daxID += 1
            case let .sector(lba):
                let bp = "\(p)/btt\(r).\(bttID)"
                // Label-backed regions here stand for v1.2 labels (BTT 2.0, no initial offset);
                // label-less regions get BTT 1.1 (4 KiB initial offset): btt_claim_class().
                let usable = Self.bttUsableSize(namespaceSize: ns.size, lbaSize: lba, initialOffset: region.labelled ? 0 : 4096)
                try ndDevice(bp, devtype: "nd_btt", modalias: "nd:t\(region.labelled ? 5 : 4)", driver: "nd_btt")
                try w(bp + "/uuid", Self.uuid("btt-\(r).\(bttID)"))
                try w(bp + "/sector_size", Self.sectorSizeList(selected: lba))
                try w(bp + "/namespace", dev)
                try w(bp + "/size", String(usable))
                try blockDevice(bp, name: bdev + "s", bytes: usable)
                namespaces[dev] = Expected(start: start, size: ns.size, dataStart: nil, usableSize: usable)
                bttID += 1
            }
        }
        try w(p + "/available_size", String(region.size - used))
        try w(p + "/max_available_extent", String(region.size - used))
        try w(p + "/init_namespaces", "\(region.namespaces.count)/\(region.namespaces.count)")
        // The idle seeds the kernel keeps in every region.
        let seedNS = region.namespaces.count
        if region.labelled {
            let s = "\(p)/namespace\(r).\(seedNS)"
            try ndDevice(s, devtype: "nd_namespace_pmem", modalias: "nd:t5", driver: nil)
            try w(s + "/nstype", "5"); try w(s + "/size", "0"); try w(s + "/uuid", ""); try w(s + "/alt_name", "")
            try w(s + "/sector_size", "512 4096 "); try w(s + "/force_raw", "0"); try w(s + "/holder", "")
            try w(s + "/holder_class", ""); try w(s + "/mode", "raw"); try w(s + "/numa_node", String(region.numaNode))
            try w(p + "/namespace_seed", "namespace\(r).\(seedNS)")
        } else {
            try w(p + "/namespace_seed", "")
        }
        try pfnLike("\(p)/pfn\(r).\(pfnID)", devtype: "nd_pfn", modalias: "nd:t\(region.labelled ? 5 : 4)", driver: nil,
                    uuid: "", loc: "none", align: 2 << 20, namespace: "", resource: nil, size: nil, numa: region.numaNode)
        try pfnLike("\(p)/dax\(r).\(daxID)", devtype: "nd_dax", modalias: "nd:t7", driver: nil,
                    uuid: "", loc: "none", align: 2 << 20, namespace: "", resource: nil, size: nil, numa: region.numaNode)
        let b = "\(p)/btt\(r).\(bttID)"
        try ndDevice(b, devtype: "nd_btt", modalias: "nd:t\(region.labelled ? 5 : 4)", driver: nil)
        try w(b + "/uuid", ""); try w(b + "/sector_size", Self.sectorSizeList(selected: nil)); try w(b + "/namespace", "")
        try w(p + "/pfn_seed", "pfn\(r).\(pfnID)")
        try w(p + "/dax_seed", "dax\(r).\(daxID)")
        try w(p + "/btt_seed", "btt\(r).\(bttID)")
    }

    private func pfnLike(_ p: String, devtype: String, modalias: String, driver: String?, uuid: String, loc: String,
                         align: UInt64, namespace: String, resource: UInt64?, size: UInt64?, numa: Int) throws {
        try ndDevice(p, devtype: devtype, modalias: modalias, driver: driver)
        try w(p + "/supported_alignments", "4096 2097152 1073741824 ")
        try w(p + "/align", String(align))
        try w(p + "/uuid", uuid)
        try w(p + "/mode", loc)
        try w(p + "/namespace", namespace)
        if let resource, let size {
            try w(p + "/resource", Self.hex(resource))
            try w(p + "/size", String(size))
            try w(p + "/numa_node", String(numa))
        }
    }

    /// A gendisk hanging off `parent` (`parent/block/<name>`); libndctl only reads the name.
    private mutating func blockDevice(_ parent: String, name: String, bytes: UInt64) throws {
        let b = "\(parent)/block/\(name)"
        try w(b + "/dev", "\(Self.blockMajor):\(blockMinor)")
        try w(b + "/size", String(bytes / 512))
        try ln(parent, b + "/device")
        try ln(b, "/block/\(name)")
        try ln(b, "/class/block/\(name)")
        try ln(b, "/dev/block/\(Self.blockMajor):\(blockMinor)")
        blockMinor += 1
    }

    /// The nd_dax device's `dax_region/` group and its device-dax instance (dax bus model, 5.1+).
    private mutating func deviceDax(_ dp: String, name: String, region: Int, start: UInt64, size: UInt64,
                                    align: UInt64, target: Int, numa: Int) throws {
        try w(dp + "/dax_region/id", String(region))
        try w(dp + "/dax_region/size", String(size))
        try w(dp + "/dax_region/align", String(align))
        let d = "\(dp)/\(name)"
        try w(d + "/dev", "\(Self.daxMajor):\(daxMinor)")
        try w(d + "/size", String(size))
        try w(d + "/resource", Self.hex(start))
        try w(d + "/align", String(align))
        try w(d + "/target_node", String(target))
        try w(d + "/numa_node", String(numa))
        try w(d + "/modalias", "dax:t0")
        try w(d + "/mapping0/start", Self.hex(start))
        try w(d + "/mapping0/end", Self.hex(start + size - 1))
        try w(d + "/mapping0/page_offset", "0x0")
        try ln("/bus/dax", d + "/subsystem")
        try ln("/bus/dax/drivers/device_dax", d + "/driver")
        try ln(d, "/bus/dax/devices/\(name)")
        try ln(d, "/dev/char/\(Self.daxMajor):\(daxMinor)")
        devnodeLines.append("\(name) c \(Self.daxMajor) \(daxMinor)")
        daxMinor += 1
    }

    private static func cookie(_ seed: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// `nd_size_select_show()`: every supported size followed by a space, the selected one in brackets.
    private static func sectorSizeList(selected: UInt64?) -> String {
        ([512, 520, 528, 4096, 4104, 4160, 4224] as [UInt64]).map { $0 == selected ? "[\($0)] " : "\($0) " }.joined()
    }

    // MARK: Kernel layout formulas the fixtures are written with

    /// The current kernel's `nd_pfn_init()` layout (info block v1.4, start_pad 0, x86_64):
    /// returns (dataoff, end_trunc). shared/spec/memremap-and-nvdimm.md §4.4, §6.
    static func pfnLayout(start: UInt64, size: UInt64, loc: String, align pfnAlign: UInt64) -> (UInt64, UInt64) {
        let align = max(pfnAlign, 2 << 20)                       // memremap_compat_align() floor
        let npfns = (size - 8192) / 4096
        let end = start + size
        let endTrunc = end - end / align * align
        func alignUp(_ x: UInt64) -> UInt64 { (x + align - 1) / align * align }
        let dataoff = loc == "pmem" ? alignUp(start + 8192 + 64 * npfns) - start : alignUp(start + 8192) - start
        return (dataoff, endTrunc)
    }

    /// The BTT's external size (spec §6b): arenas of at most 512 GiB, 28 KiB of metadata and
    /// 256 free blocks each, 4 bytes of map per LBA.
    static func bttUsableSize(namespaceSize: UInt64, lbaSize: UInt64, initialOffset: UInt64) -> UInt64 {
        let internalLBA = (lbaSize + 63) / 64 * 64
        let sectorSize: UInt64 = lbaSize >= 4096 ? 4096 : 512
        var remaining = namespaceSize - initialOffset, nlba: UInt64 = 0
        while remaining > 0 {
            let arena = min(remaining, 512 << 30)
            remaining -= arena
            if arena < 16 << 20 { break }
            let avail = arena / 4096 * 4096 - 2 * 4096 - 16384
            nlba += (avail - 4096) / (internalLBA + 4) - 256
        }
        return nlba * sectorSize
    }
}
