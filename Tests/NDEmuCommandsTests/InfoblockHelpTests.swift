import Testing
import NDEmuCore
@testable import NDEmuCommands

/// Pins the `--help` text of `ndemu infoblock` (the CLI contract for people).
@Suite struct InfoblockHelpTests {
    @Test func writeHelp() {
        #expect(NDEmu.helpMessage(for: InfoblockCommand.Write.self, columns: 80).trimmingWhitespace == Self.write.trimmingWhitespace)
    }
    @Test func readHelp() {
        #expect(NDEmu.helpMessage(for: InfoblockCommand.Read.self, columns: 80).trimmingWhitespace == Self.read.trimmingWhitespace)
    }

    static let write = """
OVERVIEW: Write the 8 KiB image ndctl write-infoblock writes (zeros, then the
block at 4096).

The block is computed as ndctl 76's write_pfn_sb() does (nd_pfn_init() of
kernel 5.5, with start_pad and end_trunc always derived from --offset). Info
block version 1.4.
Example: ndemu infoblock write --size 1G --mode fsdax --map dev --align 2M
--uuid 42e1d574-76ac-402c-9132-5436e31528c0 -o pfn.img

USAGE: ndemu infoblock write --size <size> [--mode <mode>] [--map <map>] [--align <align>] [--offset <address>] [--uuid <uuid>] [--parent-uuid <uuid>] [--output <file>] [--stdout]

OPTIONS:
  -s, --size <size>       The namespace size the block describes.
  -m, --mode <mode>       fsdax (NVDIMM_PFN_INFO) or devdax (NVDIMM_DAX_INFO).
                          (default: fsdax)
  -M, --map <map>         Where the memmap lives: dev (on the device) or mem
                          (System RAM). (default: dev)
  -a, --align <align>     The align field (a power of two, at least 4K).
                          (default: 2097152)
  -O, --offset <address>  The namespace's physical start (ndctl's EXPERT/DEBUG
                          --offset). (default: 0)
  -u, --uuid <uuid>       The pfn/dax device uuid (default: random).
  -p, --parent-uuid <uuid>
                          The namespace uuid (default: all zero).
  -o, --output <file>     Write the image to this file.
  -c, --stdout            Write the image to standard output.
  --version               Show the version.
  -h, --help              Show help information.

"""

    static let read = """
OVERVIEW: Decode info blocks (ndctl read-infoblock -j's keys); bad blocks are
errors naming the file.

Each FILE holds a namespace image (or its first 8 KiB); the block is read at
--offset + 4096. The signature must be NVDIMM_PFN_INFO or NVDIMM_DAX_INFO, the
version 1.0 to 1.4 and the checksum right.
Example: ndemu infoblock read pfn.img --format json

USAGE: ndemu infoblock read <file> ... [--offset <bytes>] [--format <format>]

ARGUMENTS:
  <file>                  Image files to decode.

OPTIONS:
  --offset <bytes>        Where the namespace starts inside each file.
                          (default: 0)
  --format <format>       Output format: text (for people) or json (for
                          scripts). (values: text, json; default: text)
  --version               Show the version.
  -h, --help              Show help information.

"""
}
