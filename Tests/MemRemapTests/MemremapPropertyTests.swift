import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

@Suite("devm_memremap_pages properties")
struct MemremapPropertyTests {
    /// Any sequence of 2 MiB-granular mappings inside the seed's PMEM, each kept or refused,
    /// then torn down in reverse: the registry and ZONE_DEVICE empty, and every section is as
    /// boot left it (5.12+ taint excepted: the kernel never clears it). On 5.3+ a mapping
    /// succeeds exactly when it overlaps no earlier success.
    @Test(arguments: [KernelVersion(5, 2), KernelVersion(5, 3), KernelVersion(6, 1)])
    func mapThenUnmapRestores(version: KernelVersion) throws {
        let pram = r(0x2_0000_0000, 0x2_fbff_ffff)
        let boot = try seedHost(version)
        let bootSections = boot.sections(touching: r(0x1_0000_0000, 0x3_ffff_ffff))
        var g = SplitMix64(seed: 0x6d65_6d72_656d_6170)
        for _ in 0..<40 {
            let picks = (0..<Int.random(in: 1...6, using: &g)).map { _ in (Int.random(in: 0...2015, using: &g), Int.random(in: 1...96, using: &g)) }
            var h = boot
            var ok: [PagemapID] = [], held: [AddressRange] = []
            for (slot, length) in picks {
                guard let range = AddressRange(start: pram.start + ByteCount.mib(2) * UInt64(slot), size: .mib(2) * UInt64(length)),
                      pram.contains(range) else { continue }
                let pgmap = DevPagemap(range: range, type: .fsdax, device: device0)
                let result: MappedPagemap?
                do { result = try h.memremapPages(pgmap) } catch { result = nil }
                if KernelBehaviour(version).has(.subsectionHotplug) {
                    #expect((result != nil) == !held.contains { $0.overlaps(range) })
                }
                if let m = result { ok.append(m.id); held.append(range) }
            }
            for id in ok.reversed() { h.memunmapPages(id) }
            #expect(h.pagemaps.mapped.isEmpty)
            #expect(h.pagemaps.zoneDevice.span == nil)
            let after = h.sections(touching: r(0x1_0000_0000, 0x3_ffff_ffff))
            #expect(after.map(\.number) == bootSections.map(\.number))
            for (a, b) in zip(after, bootSections) {
                #expect(a.subsectionMap == b.subsectionMap)
                #expect(a.flags.subtracting(.taintZoneDevice) == b.flags)
            }
        }
    }
}
