import Testing
import NDEmuCore
import IOMem
import SparseMem
import MemRemap

func r(_ start: UInt64, _ last: UInt64) -> AddressRange {
    AddressRange(start: PhysicalAddress(start), last: PhysicalAddress(last))!
}
func rs(_ start: UInt64, size: UInt64) -> AddressRange {
    AddressRange(start: PhysicalAddress(start), size: ByteCount(size))!
}

/// Boots a machine for `version` on x86_64.
func host(_ version: KernelVersion, firmware: [E820Entry], cmdline: String? = nil) throws -> HotplugHost {
    let b = KernelBehaviour(version)
    let arch = try ArchProfile(name: "x86_64", behaviour: b)
    return try HotplugHost(firmware: FirmwareMap(firmware, input: "test"),
                           commandLine: cmdline.map { try KernelCommandLine(parsing: $0) }, arch: arch, behaviour: b)
}

/// The seed VM (spec §9 E1): RAM below 2 GiB and 4–16 GiB, `memmap=0xfc000000!8G`.
func seedHost(_ version: KernelVersion) throws -> HotplugHost {
    try host(version, firmware: [E820Entry(r(0x1000, 0x7fff_ffff), .ram), E820Entry(r(0x1_0000_0000, 0x3_ffff_ffff), .ram)],
             cmdline: "memmap=0xfc000000!8G")
}

/// Runs `body` and expects it to fail with `errno`; returns the error.
@discardableResult
func expectKernelError<T>(_ errno: Errno, sourceLocation: SourceLocation = #_sourceLocation,
                          _ body: () throws(KernelError) -> T) -> KernelError? {
    do { _ = try body(); Issue.record("expected -\(errno.name)", sourceLocation: sourceLocation); return nil }
    catch { #expect(error.errno == errno, sourceLocation: sourceLocation); return error }
}

let device0 = DeviceName(driver: "nd_pmem", name: "pfn1.0")
let device1 = DeviceName(driver: "nd_pmem", name: "pfn1.1")
