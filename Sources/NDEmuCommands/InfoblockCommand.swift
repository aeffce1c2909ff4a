import ArgumentParser
import Foundation
import LibNVDIMM
import NDEmuCore

/// `ndemu infoblock`: write, read and check pfn/dax info blocks (`struct nd_pfn_sb`).
struct InfoblockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infoblock",
        abstract: "Write, read and check fsdax/devdax info blocks (struct nd_pfn_sb).",
        discussion: """
        Example: ndemu infoblock write --size 16G --mode devdax --align 1G -o ns.img && ndemu infoblock read ns.img
        """,
        subcommands: [Write.self, Read.self, Check.self]
    )

    /// `ndemu infoblock write`: the same 8 KiB as `ndctl write-infoblock`.
    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write",
            abstract: "Write the 8 KiB image ndctl write-infoblock writes (zeros, then the block at 4096).",
            discussion: """
            The block is computed as ndctl 76's write_pfn_sb() does (nd_pfn_init() of kernel 5.5, with \
            start_pad and end_trunc always derived from --offset). Info block version 1.4.
            Example: ndemu infoblock write --size 1G --mode fsdax --map dev --align 2M --uuid 42e1d574-76ac-402c-9132-5436e31528c0 -o pfn.img
            """
        )

        @Option(name: .shortAndLong, help: ArgumentHelp("The namespace size the block describes.", valueName: "size"))
        var size: ByteCount
        @Option(name: .shortAndLong, help: ArgumentHelp("fsdax (NVDIMM_PFN_INFO) or devdax (NVDIMM_DAX_INFO).", valueName: "mode"))
        var mode: String = "fsdax"
        @Option(name: [.customShort("M"), .long], help: ArgumentHelp("Where the memmap lives: dev (on the device) or mem (System RAM).", valueName: "map"))
        var map: String = "dev"
        @Option(name: .shortAndLong, help: ArgumentHelp("The align field (a power of two, at least 4K).", valueName: "align"))
        var align: ByteCount = NdctlInfoBlockRequest.defaultAlign
        @Option(name: [.customShort("O"), .long], help: ArgumentHelp("The namespace's physical start (ndctl's EXPERT/DEBUG --offset).", valueName: "address"))
        var offset: PhysicalAddress = .zero
        @Option(name: .shortAndLong, help: ArgumentHelp("The pfn/dax device uuid (default: random).", valueName: "uuid"))
        var uuid: String?
        @Option(name: [.customShort("p"), .customLong("parent-uuid")], help: ArgumentHelp("The namespace uuid (default: all zero).", valueName: "uuid"))
        var parentUUID: String?
        @Option(name: .shortAndLong, help: ArgumentHelp("Write the image to this file.", valueName: "file"))
        var output: String?
        @Flag(name: [.customShort("c"), .customLong("stdout")], help: "Write the image to standard output.")
        var toStdout = false

        func validate() throws {
            if (output == nil) == !toStdout { throw ValidationError("give exactly one of -o FILE and --stdout") }
        }

        func run() throws {
            let request = NdctlInfoBlockRequest(
                size: size, signature: try signature(mode: mode), mode: try PfnMode(map: map, input: "--map"),
                align: align, offset: offset,
                uuid: try uuid.map { u throws(InputError) in try InfoBlockUUID(parsing: u, input: "--uuid") } ?? .random(),
                parentUUID: try parentUUID.map { u throws(InputError) in try InfoBlockUUID(parsing: u, input: "--parent-uuid") } ?? .null)
            let image = Data(try request.image())
            if let output {
                do { try image.write(to: URL(fileURLWithPath: output)) } catch {
                    throw InputError(output, "cannot write: \(error.localizedDescription)")
                }
            } else {
                FileHandle.standardOutput.write(image)
            }
        }
    }

    /// `ndemu infoblock read`: decode like `ndctl read-infoblock -j`, but verify.
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read",
            abstract: "Decode info blocks (ndctl read-infoblock -j's keys); bad blocks are errors naming the file.",
            discussion: """
            Each FILE holds a namespace image (or its first 8 KiB); the block is read at --offset + 4096. \
            The signature must be NVDIMM_PFN_INFO or NVDIMM_DAX_INFO, the version 1.0 to 1.4 and the checksum right.
            Example: ndemu infoblock read pfn.img --format json
            """
        )

        @Argument(help: ArgumentHelp("Image files to decode.", valueName: "file"))
        var files: [String]
        @Option(name: .long, help: ArgumentHelp("Where the namespace starts inside each file.", valueName: "bytes"))
        var offset: ByteCount = .zero
        @OptionGroup var output: FormatOptions

        func run() throws {
            var decoded: [(String, PfnInfoBlock)] = []
            for file in files {
                guard let handle = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
                    throw InputError(file, "cannot open for reading")
                }
                let data = handle.readDataToEndOfFile()
                guard let at = offset.adding(PfnInfoBlock.namespaceOffset) else {
                    throw InputError("--offset", "\(offset) + 4096 passes 2^64")
                }
                decoded.append((file, try PfnInfoBlock(decoding: [UInt8](data), source: file, at: at)))
            }
            switch output.format {
            case .json:
                print(JSON.array(decoded.map { $0.1.ndctlJSON(file: $0.0) }).rendered())
            case .text:
                print(decoded.map { Self.describe($0.1, file: $0.0) }.joined(separator: "\n\n"))
            }
        }

        static func describe(_ b: PfnInfoBlock, file: String) -> String {
            let mode = b.pfnMode.map { "\($0.rawValue) (map=\($0.mapName))" } ?? "\(b.modeValue) (unknown)"
            return """
            \(file): \(b.signatureText) v\(b.versionText) (\(b.signature?.modeName ?? "?"))
              uuid             \(b.uuid)
              parent_uuid      \(b.parentUUID)
              dataoff          \(b.dataOffset) (\(b.dataOffset.humanDescription))
              npfns            \(b.npfns) (\(b.npfns.bytes(pageShift: 12).humanDescription) of 4 KiB pages)
              mode             \(mode)
              start_pad        \(b.startPad)
              end_trunc        \(b.endTrunc)
              align            \(b.align) (\(b.align.shortDescription))
              page_size        \(b.pageSize)
              page_struct_size \(b.pageStructSize.rawValue)
              checksum         0x\(String(b.checksum, radix: 16)) (ok)
            """
        }
    }
}

extension InfoblockCommand {
    /// `ndemu infoblock check`: would kernel V enable this namespace with this block?
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Whether a kernel enables a namespace with this info block, and with what data range.",
            discussion: """
            Runs the pmem driver's autodetect probe for the namespace [--start, --start + --size): \
            nd_pfn_probe()/nd_dax_probe() validate the block (nd_pfn_validate(), with the kernel's \
            messages and errnos by era), then the personality binds (__nvdimm_setup_pfn()). The \
            answer is "enabled" (with the data range, the pgmap range and altmap, and where fsdax DAX \
            addresses data), "raw" (no usable block: the namespace attaches raw at offset 0, exposing \
            the metadata) or "failed" (message and errno). A refusal is an answer, not an error: exit 0.
            Example: ndemu infoblock check pfn.img --kernel 6.1 --start 0x204000000 --size 0xf8000000
            """
        )

        @Argument(help: ArgumentHelp("A namespace image (or its first 8 KiB).", valueName: "file"))
        var file: String
        @Option(name: .long, help: ArgumentHelp("The namespace's physical start.", valueName: "address"))
        var start: PhysicalAddress
        @Option(name: .long, help: ArgumentHelp("The namespace's size.", valueName: "size"))
        var size: ByteCount
        @Option(name: .long, help: ArgumentHelp("Where the namespace starts inside the file.", valueName: "bytes"))
        var offset: ByteCount = .zero
        @Option(name: .customLong("parent-uuid"), help: ArgumentHelp("The namespace's uuid (default: all zero, a label-less namespace).", valueName: "uuid"))
        var parentUUID: String?
        @OptionGroup var kernel: KernelOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let (behaviour, arch) = try kernel.resolve()
            guard let range = AddressRange(start: start, size: size) else {
                throw InputError("--size", "\(start) + \(size) passes the end of the 64-bit address space")
            }
            guard let handle = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
                throw InputError(file, "cannot open for reading")
            }
            let bytes = [UInt8](handle.readDataToEndOfFile())
            guard let at = offset.adding(PfnInfoBlock.namespaceOffset), at.rawValue <= UInt64(bytes.count),
                  UInt64(bytes.count) - at.rawValue >= UInt64(PfnInfoBlock.size) else {
                throw InputError(file, "too short: the block needs bytes \(offset.rawValue &+ 4096)..<\(offset.rawValue &+ 8192), the file has \(bytes.count)")
            }
            let raw = Array(bytes[Int(at.rawValue)..<(Int(at.rawValue) + PfnInfoBlock.size)])
            let parent = try parentUUID.map { u throws(InputError) in try InfoBlockUUID(parsing: u, input: "--parent-uuid") } ?? .null
            let namespace = NamespaceResource(range: range, uuid: parent)
            let check = NamespaceCheck.run(namespace: namespace, block: raw, behaviour: behaviour, arch: arch)
            switch output.format {
            case .json: print(check.json.rendered())
            case .text: print(check.text(kernel: behaviour.kernel.description))
            }
        }
    }
}

/// `--mode fsdax|devdax` → the block's signature.
func signature(mode: String) throws(InputError) -> InfoBlockSignature {
    switch mode {
    case "fsdax", "memory": return .pfn
    case "devdax", "dax": return .dax
    default: throw InputError("--mode", "'\(mode)' has no info block (use fsdax or devdax)")
    }
}
