import NDEmuCore

/// A platform described for the fake sysfs builder: the test's single statement of truth,
/// from which `FakeSysfs` writes a libnvdimm sysfs tree and `FakeIOMem` writes /proc/iomem text.
struct FakeTopology: Sendable, CustomStringConvertible {
    var name: String
    var buses: [FakeBus]
    /// System RAM ranges for the /proc/iomem text.
    var ram: [AddressRange]
    var description: String { name }
}

struct FakeBus: Sendable {
    var id: Int
    /// `ACPI.NFIT` gets DIMMs with `nfit/` attributes; anything else (`e820`) is DIMM-less.
    var provider: String
    var dimms: [FakeDIMM] = []
    var regions: [FakeRegion] = []
}

struct FakeDIMM: Sendable {
    var id: Int
    var handle: UInt32
    var physID: UInt16
}

struct FakeRegion: Sendable {
    var id: Int
    var start: UInt64
    var size: UInt64
    /// true: label-backed (`nstype` 5); false: label-less io region (`nstype` 4, one namespace).
    var labelled: Bool
    /// (dimm id, dpa, length) per interleave position.
    var mappings: [(dimm: Int, dpa: UInt64, length: UInt64)] = []
    var numaNode = 0
    var targetNode: Int? = nil
    var align: UInt64 = 16 << 20
    var persistenceDomain = "memory_controller"
    var namespaces: [FakeNamespace] = []
}

enum FakeMode: Sendable {
    case raw
    /// `loc` is the pfn `mode` sysfs text: `pmem` (map=dev) or `ram` (map=mem).
    case fsdax(loc: String, align: UInt64)
    case devdax(loc: String, align: UInt64)
    /// External LBA size of the BTT.
    case sector(lbaSize: UInt64)
}

struct FakeNamespace: Sendable {
    var size: UInt64
    var name: String = ""
    var mode: FakeMode
}

extension FakeTopology {
    static let G: UInt64 = 1 << 30
    static let M: UInt64 = 1 << 20

    /// The research note's default tree: one NFIT bus, four DIMMs, two 2-way interleaved
    /// label-backed regions holding fsdax, raw and devdax namespaces.
    static let interleaved = FakeTopology(
        name: "interleaved",
        buses: [FakeBus(id: 0, provider: "ACPI.NFIT",
            dimms: [FakeDIMM(id: 0, handle: 0x1, physID: 0x1c), FakeDIMM(id: 1, handle: 0x11, physID: 0x1e),
                    FakeDIMM(id: 2, handle: 0x1001, physID: 0x2c), FakeDIMM(id: 3, handle: 0x1011, physID: 0x2e)],
            regions: [
                FakeRegion(id: 0, start: 0x2_4000_0000, size: 8 * G, labelled: true,
                           mappings: [(0, 0, 4 * G), (1, 0, 4 * G)], numaNode: 0, targetNode: 2,
                           namespaces: [FakeNamespace(size: 4 * G, name: "fsdax0", mode: .fsdax(loc: "pmem", align: 2 * M)),
                                        FakeNamespace(size: 2 * G, name: "raw0", mode: .raw)]),
                FakeRegion(id: 1, start: 0x4_4000_0000, size: 8 * G, labelled: true,
                           mappings: [(2, 0, 4 * G), (3, 0, 4 * G)], numaNode: 1, targetNode: 3,
                           namespaces: [FakeNamespace(size: 6 * G, name: "devdax0", mode: .devdax(loc: "pmem", align: 2 * M))]),
            ])],
        ram: [AddressRange(start: .zero, size: .gib(2))!, AddressRange(start: PhysicalAddress(0x1_0000_0000), size: .gib(5))!])

    /// Two buses: an NFIT region with a 1 GiB-aligned fsdax and a devdax with its memmap in RAM
    /// and a sector namespace; plus an e820 (label-less) raw region.
    static let twoBuses = FakeTopology(
        name: "two-buses",
        buses: [
            FakeBus(id: 0, provider: "ACPI.NFIT", dimms: [FakeDIMM(id: 0, handle: 0x1, physID: 0x1c)],
                    regions: [FakeRegion(id: 0, start: 0x10_4000_0000, size: 16 * G, labelled: true,
                                         mappings: [(0, 0, 16 * G)], numaNode: 0, targetNode: 2,
                                         namespaces: [FakeNamespace(size: 8 * G, name: "big-fsdax", mode: .fsdax(loc: "pmem", align: G)),
                                                      FakeNamespace(size: 4 * G, name: "dax-in-ram", mode: .devdax(loc: "ram", align: 2 * M)),
                                                      FakeNamespace(size: 2 * G, name: "btt", mode: .sector(lbaSize: 4096))])]),
            FakeBus(id: 1, provider: "e820",
                    regions: [FakeRegion(id: 1, start: 0x20_0000_0000, size: 2 * G, labelled: false,
                                         namespaces: [FakeNamespace(size: 2 * G, mode: .raw)])]),
        ],
        ram: [AddressRange(start: .zero, size: .gib(2))!, AddressRange(start: PhysicalAddress(0x1_0000_0000), size: .gib(60))!])

    /// A legacy `memmap=4G!12G` machine: e820 bus, label-less region, fsdax with map=mem.
    static let e820 = FakeTopology(
        name: "e820-fsdax",
        buses: [FakeBus(id: 0, provider: "e820",
                        regions: [FakeRegion(id: 0, start: 0x3_0000_0000, size: 4 * G, labelled: false,
                                             align: 4096, persistenceDomain: "cpu_cache",
                                             namespaces: [FakeNamespace(size: 4 * G, mode: .fsdax(loc: "ram", align: 2 * M))])])],
        ram: [AddressRange(start: .zero, size: .gib(2))!, AddressRange(start: PhysicalAddress(0x1_0000_0000), size: .gib(8))!])

    static let all: [FakeTopology] = [.interleaved, .twoBuses, .e820]
}
