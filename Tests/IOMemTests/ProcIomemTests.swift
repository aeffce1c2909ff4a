import Testing
import NDEmuCore
@testable import IOMem

@Suite("/proc/iomem render and parse")
struct ProcIomemTests {
    @Test("render(parse(text)) is the text", arguments: [
        IomemSamples.twoSocketServer, IomemSamples.vmWithMemmap, IomemSamples.pmemBesidePmem,
    ])
    func roundTrip(text: String) throws {
        let tree = try ResourceTree(parsingProcIomem: text, input: "iomem")
        #expect(tree.procIomem == text)
        #expect(try ResourceTree(parsingProcIomem: tree.procIomem, input: "again") == tree)
    }

    @Test func twoSocketServerShape() throws {
        let tree = try ResourceTree(parsingProcIomem: IomemSamples.twoSocketServer, input: "iomem")
        let pmem = tree.topLevel.filter { $0.name == "Persistent Memory" }
        #expect(pmem.map(\.range.description) == ["0x3080000000-0x607fffffff", "0x9080000000-0xc07fffffff"])
        #expect(pmem.allSatisfy { $0.descriptor == .persistentMemory && $0.flags == .mem })
        #expect(pmem[0].children.map(\.name) == ["namespace0.0"])
        #expect(tree.path(containing: PhysicalAddress(0x0b00_1000)).map(\.name) == ["System RAM", "Kernel code"])
        #expect(tree.path(containing: PhysicalAddress(0x8000_0000)).map(\.name) == ["PCI Bus 0000:00", "PCI MMCONFIG 0000 [bus 00-ff]", "Reserved"])
    }

    @Test func parsedNamesCarryKernelFlags() throws {
        let tree = try ResourceTree(parsingProcIomem: IomemSamples.vmWithMemmap, input: "iomem")
        let pram = try #require(tree.topLevel.first { $0.name == "Persistent Memory (legacy)" })
        #expect(pram.descriptor == .persistentMemoryLegacy)
        #expect(pram.flags == .mem)
        #expect(pram.children.first?.flags == [.mem, .busy])
        let ram = try #require(tree.topLevel.last { $0.name == "System RAM" })
        #expect(ram.flags == [.systemRAM, .busy])
        #expect(ram.flags.rawValue == 0x8100_0200)
    }

    @Test func nonRootDumpIsRejected() {
        let zeroed = """
        00000000-00000000 : Reserved
        00000000-00000000 : System RAM
        00000000-00000000 : Persistent Memory (legacy)
          00000000-00000000 : namespace0.0
        """
        #expect(throws: InputError.self) { try ResourceTree(parsingProcIomem: zeroed, input: "iomem.txt") }
        do { _ = try ResourceTree(parsingProcIomem: zeroed, input: "iomem.txt") } catch {
            #expect(error.input == "iomem.txt")
            #expect(error.problem.contains("read without root"))
        }
    }

    @Test("bad lines name the line", arguments: [
        ("100000000-1ffffffff : System RAM\nthis is not iomem\n", "line 2"),
        ("100000000-1ffffffff : System RAM\n 100000000-100000fff : odd\n", "line 2"),
        ("100000000-1ffffffff : System RAM\n    100000000-100000fff : too deep\n", "line 2"),
        ("100000000-1ffffffff : System RAM\n  200000000-200000fff : outside\n", "line 2"),
        ("200000000-2ffffffff : System RAM\n100000000-2000fffff : overlap\n", "line 2"),
        ("1ffffffff-100000000 : backwards\n", "line 1"),
        ("10000000g-1ffffffff : not hex\n", "line 1"),
    ])
    func garbage(text: String, where line: String) {
        do {
            _ = try ResourceTree(parsingProcIomem: text, input: "iomem.txt")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.input == "iomem.txt")
            #expect(error.problem.hasPrefix(line + ":"))
        }
    }

    @Test func jsonTreeNestsChildren() throws {
        let tree = try ResourceTree(parsingProcIomem: IomemSamples.pmemBesidePmem, input: "iomem")
        let pmem = try #require(tree.json.arrayValue?[1])
        #expect(pmem["name"]?.stringValue == "Persistent Memory")
        #expect(pmem["start"]?.stringValue == "0x187c000000")
        #expect(pmem["end"]?.stringValue == "0x967bffffff")
        #expect(pmem["desc"]?.stringValue == "IORES_DESC_PERSISTENT_MEMORY")
        #expect(pmem["children"]?.arrayValue?.count == 2)
    }

    @Test("%pr prints as the seed splat does")
    func percentPR() {
        let r = AddressRange(start: PhysicalAddress(0x2_0000_0000), last: PhysicalAddress(0x2_fbff_ffff))!
        #expect(ResourceFormat.raw(range: r, flags: .mem) == "[mem 0x200000000-0x2fbffffff flags 0x200]")
        // Zero-padded to 8 hex digits; -end only when start != end.
        let small = AddressRange(start: PhysicalAddress(0x1000), last: PhysicalAddress(0x1fff))!
        #expect(ResourceFormat.raw(range: small, flags: .mem) == "[mem 0x00001000-0x00001fff flags 0x200]")
        let one = AddressRange(start: PhysicalAddress(0x1000), size: ByteCount(1))!
        #expect(ResourceFormat.raw(range: one, flags: .mem) == "[mem 0x00001000 flags 0x200]")
        #expect(ResourceFormat.hexRange(r) == "0x200000000-0x2fbffffff")
    }
}
