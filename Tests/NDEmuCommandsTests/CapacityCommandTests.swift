import Foundation
import Testing
import NDEmuCore
@testable import NDEmuCommands

/// `ndemu capacity` and `ndemu infoblock check`: help text and exit statuses.
@Suite struct CapacityCommandTests {
    @Test func capacityHelp() {
        #expect(NDEmu.helpMessage(for: CapacityCommand.self, columns: 80).trimmingWhitespace == Self.capacity.trimmingWhitespace)
    }
    @Test func checkHelp() {
        #expect(NDEmu.helpMessage(for: InfoblockCommand.Check.self, columns: 80).trimmingWhitespace == Self.check.trimmingWhitespace)
    }

    static let statusCases: [([String], Int32)] = [
        (["capacity", "--size", "4G", "--mode", "fsdax", "--format", "json"], Int32(0)),
        (["capacity", "--size", "4G", "--mode", "sector", "--sector-size", "512", "--labels", "v1.2"], 0),
        (["capacity", "--size", "4G", "--mode", "frob"], 1),                                  // bad --mode
        (["capacity", "--size", "4G", "--mode", "fsdax", "--map", "ram"], 1),                 // bad --map
        (["capacity", "--size", "4G", "--mode", "fsdax", "--align", "3M"], 1),                // not a power of two
        (["capacity", "--size", "0xffffffffffffffff", "--mode", "raw", "--offset", "0x1000"], 1), // past 2^64
        (["capacity", "--size", "0x7fffffffffffffff", "--mode", "sector", "--offset", "0"], 1),  // past MAX_PHYSMEM_BITS
        (["capacity", "--size", "8M", "--mode", "devdax"], 1),                                // kernel: too small to host
        (["capacity", "--size", "1G", "--mode", "devdax", "--align", "1G"], 1),               // kernel: unable to satisfy
        (["capacity", "--size", "4G", "--mode", "fsdax", "--offset", "0x200100000"], 1),      // kernel: start misaligned
        (["capacity", "--size", "4G", "--mode", "fsdax", "--offset", "0x200100000", "--kernel", "5.2"], 0),
        (["capacity", "--size", "4G", "--mode", "sector", "--labels", "v2"], 1),
        (["capacity", "--size", "1.5G", "--mode", "raw"], 2),                                 // fractions: usage error
        (["capacity", "--mode", "raw"], 2),                                                   // --size missing
        (["infoblock", "read", "/nonexistent/ndemu.img"], 1),
        (["infoblock", "write", "--size", "1G"], 2),                                          // neither -o nor --stdout
        (["infoblock", "write", "--size", "4K", "-o", "/dev/null"], 1),                       // unable to satisfy alignment
        (["infoblock", "write", "--size", "1G", "--uuid", "nope", "-o", "/dev/null"], 1),
        (["infoblock", "check", "/nonexistent/ndemu.img", "--start", "8G", "--size", "4G"], 1),
    ]

    @Test(arguments: statusCases)
    func exitStatuses(arguments: [String], status: Int32) {
        #expect(NDEmu.run(arguments: arguments) == status, "\(arguments)")
    }

    @Test func checkReadsAWrittenBlock() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-check-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let img = dir.appendingPathComponent("e2.img").path
        #expect(NDEmu.run(arguments: ["infoblock", "write", "-s", "0xf8000000", "-O", "0x204000000", "-o", img]) == 0)
        #expect(NDEmu.run(arguments: ["infoblock", "read", img, "--format", "json"]) == 0)
        #expect(NDEmu.run(arguments: ["infoblock", "check", img, "--start", "0x204000000", "--size", "0xf8000000", "--kernel", "5.2"]) == 0)
        let short = dir.appendingPathComponent("short.img").path
        try Data(count: 5000).write(to: URL(fileURLWithPath: short))
        #expect(NDEmu.run(arguments: ["infoblock", "read", short]) == 1)
        #expect(NDEmu.run(arguments: ["infoblock", "check", short, "--start", "8G", "--size", "4G"]) == 1)
    }

    static let capacity = """
OVERVIEW: What a namespace of raw size SIZE yields in a mode (usable size, info
block, BTT).

fsdax/devdax run nd_pfn_init() for the kernel (legacy section padding up to
5.2, sub-section layout from 5.3, compat alignment from 5.7); sector lays out
the BTT arenas (BTT 1.1 for label-less and v1.1 regions, 2.0 for v1.2 labels).
--offset is the namespace's physical start (default 1T: aligned to everything,
no neighbours).
Example: ndemu capacity --size 16G --mode fsdax --map dev --align 2M --kernel
5.2 --format json

USAGE: ndemu capacity --size <size> --mode <mode> [--map <map>] [--align <align>] [--sector-size <bytes>] [--offset <address>] [--labels <labels>] [--kernel <version>] [--arch <arch>] [--format <format>]

OPTIONS:
  --size <size>           The raw namespace size.
  --mode <mode>           raw, fsdax, devdax or sector.
  --map <map>             fsdax/devdax memmap location: dev or mem. (default:
                          dev)
  --align <align>         fsdax/devdax alignment (default: the PMD size, 2M on
                          x86_64).
  --sector-size <bytes>   sector mode LBA size: 512 or 4096 (also 520, 528,
                          4104, 4160, 4224). (default: 4096)
  --offset <address>      The namespace's physical start. (default:
                          1099511627776)
  --labels <labels>       The region's labels: none, v1.1 or v1.2. (default:
                          none)
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7' for the
                          May 2019 sub-section series. (default: 6.1)
  --arch <arch>           Architecture: x86_64, x86_64-la57, arm64-4k,
                          arm64-16k, arm64-64k, ppc64-4k, ppc64-64k. (default:
                          x86_64)
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.

"""

    static let check = """
OVERVIEW: Whether a kernel enables a namespace with this info block, and with
what data range.

Runs the pmem driver's autodetect probe for the namespace [--start, --start +
--size): nd_pfn_probe()/nd_dax_probe() validate the block (nd_pfn_validate(),
with the kernel's messages and errnos by era), then the personality binds
(__nvdimm_setup_pfn()). The answer is "enabled" (with the data range, the pgmap
range and altmap, and where fsdax DAX addresses data), "raw" (no usable block:
the namespace attaches raw at offset 0, exposing the metadata) or "failed"
(message and errno). A refusal is an answer, not an error: exit 0.
Example: ndemu infoblock check pfn.img --kernel 6.1 --start 0x204000000 --size
0xf8000000

USAGE: ndemu infoblock check <file> --start <address> --size <size> [--offset <bytes>] [--parent-uuid <uuid>] [--kernel <version>] [--arch <arch>] [--format <format>]

ARGUMENTS:
  <file>                  A namespace image (or its first 8 KiB).

OPTIONS:
  --start <address>       The namespace's physical start.
  --size <size>           The namespace's size.
  --offset <bytes>        Where the namespace starts inside the file. (default:
                          0)
  --parent-uuid <uuid>    The namespace's uuid (default: all zero, a label-less
                          namespace).
  --kernel <version>      Kernel version X.Y (4.15 and later), or 'v7' for the
                          May 2019 sub-section series. (default: 6.1)
  --arch <arch>           Architecture: x86_64, x86_64-la57, arm64-4k,
                          arm64-16k, arm64-64k, ppc64-4k, ppc64-64k. (default:
                          x86_64)
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.

"""
}
