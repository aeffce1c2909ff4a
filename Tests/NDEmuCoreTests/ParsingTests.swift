import Testing
@testable import NDEmuCore

@Suite struct QuantityParsingTests {
    @Test(arguments: [
        ("134217728000", UInt64(134_217_728_000)), ("0x8000000", 0x800_0000), ("2M", 2 << 20),
        ("125G", 125 << 30), ("1T", 1 << 40), ("4k", 4096), ("0x2G", 2 << 30), ("0", 0),
    ])
    func parsesTheContractSyntax(text: String, expected: UInt64) throws {
        #expect(try Quantity.parse(text, input: "--size") == expected)
    }

    @Test(arguments: ["1.5G", "", "G", "12Q", "0x", "18446744073709551616", "16777216T", "0xg", "2MB"])
    func rejectsBadSizesNamingTheInput(text: String) {
        #expect(throws: InputError.self) { try Quantity.parse(text, input: "--size") }
        do { _ = try Quantity.parse(text, input: "--size") } catch { #expect(error.input == "--size") }
    }

    @Test func rangeSyntaxInclusiveEndAndPlusSize() throws {
        let a = try AddressRange(parsing: "0x200000000-0x2fbffffff", input: "--range")
        #expect(a.start == PhysicalAddress(0x2_0000_0000))
        #expect(a.size == ByteCount(0xfc00_0000))
        let b = try AddressRange(parsing: "8G+0xfc000000", input: "--range")
        #expect(a == b)
        #expect(a.kernelResourceString() == "[mem 0x200000000-0x2fbffffff flags 0x200]")
    }

    @Test(arguments: ["0xffffffffffffffff+2", "0x300-0x200", "0x100", "0xffffffffffff0000+0x10000"])
    func rejectsRangesPastTwoToTheSixtyFourOrBackwards(text: String) {
        #expect(throws: InputError.self) { try AddressRange(parsing: text, input: "--range") }
    }
}

@Suite struct SizeFormattingTests {
    @Test(arguments: [
        (UInt64(263_176_372_224), "245.10 GiB (263.18 GB)"), (132 << 20, "132.00 MiB (138.41 MB)"),
        (126 << 20, "126.00 MiB (132.12 MB)"), (249 << 30, "249.00 GiB (267.36 GB)"),
        // ndctl 76.1 printed these itself (ndctl list -u on the fixture trees and the research listing):
        (2_144_309_248, "2044.97 MiB (2144.31 MB)"), (4_225_761_280, "3.94 GiB (4.23 GB)"),
        (6_339_690_496, "5.90 GiB (6.34 GB)"), (16_777_216, "16.00 MiB (16.78 MB)"), (2 << 30, "2.00 GiB (2.15 GB)"),
        // display_size()'s thresholds: bytes below 5000 KiB, TiB from 2 TiB
        (5_119_999, "5119999"), (5_120_000, "4.88 MiB (5.12 MB)"), (6 << 40, "6.00 TiB (6.60 TB)"),
    ])
    func printsLikeNdctl(bytes: UInt64, text: String) {
        #expect(ByteCount(bytes).ndctlHumanDescription == text)
    }

    @Test(arguments: [(UInt64(4 << 20), "4.00 MiB (4.19 MB)"), (32 << 10, "32.00 KiB (32.77 KB)"), (1000, "1000"),
                      (2_144_309_248, "2044.97 MiB (2144.31 MB)")])
    func smallSizesKeepAUnitForPeople(bytes: UInt64, text: String) {
        #expect(ByteCount(bytes).humanDescription == text)
    }
}

@Suite struct KernelVersionTests {
    @Test(arguments: ["4.19", "5.2", "5.3", "6.1.192", "v6.12", "5.3-rc8", "7.0"])
    func acceptsReleases(text: String) throws { _ = try KernelSpec(parsing: text) }

    @Test(arguments: ["3.10", "4.14", "banana", "6", "6.1.2.3", "99.1", ""])
    func rejectsUnknownOrTooOld(text: String) {
        #expect(throws: InputError.self) { try KernelSpec(parsing: text) }
    }

    @Test func olderThanEarliestSaysWhichIsEarliest() {
        do { _ = try KernelSpec(parsing: "4.9"); Issue.record("accepted 4.9") } catch {
            #expect(error.problem.contains(KernelVersion.earliestModelled.description))
        }
    }

    @Test func behaviourFollowsTheTable() throws {
        let b52 = KernelBehaviour(try KernelSpec(parsing: "5.2"))
        let b53 = KernelBehaviour(try KernelSpec(parsing: "5.3"))
        let v7 = KernelBehaviour(try KernelSpec(parsing: "v7"))
        #expect(b52.hotplugGranularity == .section)
        #expect(b53.hotplugGranularity == .subsection)
        #expect(v7.hotplugGranularity == .subsectionV7)
        #expect(!v7.has(.sectionIsEarlyFlag))
        #expect(b52.infoBlockMinorVersion == 2 && b53.infoBlockMinorVersion == 3)
        #expect(KernelBehaviour(KernelVersion(6, 1)).infoBlockMinorVersion == 4)
    }
}

@Suite struct ArchProfileTests {
    @Test func x86DerivedConstantsMatchTheKernel() throws {
        let a = try ArchProfile(name: "x86_64", behaviour: KernelBehaviour(KernelVersion(6, 1)))
        #expect(a.pagesPerSection == PageCount(0x8000))
        #expect(a.pagesPerSubsection == PageCount(0x200))
        #expect(a.subsectionsPerSection == 64)
        #expect(a.numberOfSections == 0x80000)
        #expect(a.sectionsPerRoot == 256)
        #expect(a.numberOfSectionRoots == 2048)
        #expect(a.memmapBytesPerSection == .mib(2))
        #expect(a.memmapBytesPerSubsection == .kib(32))
    }

    @Test func arm64SectionSizeFollowsTheKernel() throws {
        let old = try ArchProfile(name: "arm64-4k", behaviour: KernelBehaviour(KernelVersion(5, 10)))
        let new = try ArchProfile(name: "arm64-64k", behaviour: KernelBehaviour(KernelVersion(5, 12)))
        #expect(old.sectionSize == .gib(1) && old.subsectionsPerSection == 512)
        #expect(new.sectionSize == .mib(512) && new.subsectionsPerSection == 256)
    }

    @Test func unknownArchIsAnError() {
        #expect(throws: InputError.self) { try ArchProfile(name: "sparc64", behaviour: KernelBehaviour(KernelVersion(6, 1))) }
    }
}

@Suite struct JSONTests {
    @Test func keepsHugeIntegersAndKeyOrder() throws {
        let text = #"{"iset_id":18446744073709551615,"b":[1,-2,3.5e1],"a":"x\n\u00e9","n":null,"t":true}"#
        let v = try JSON(parsing: text)
        #expect(v["iset_id"]?.uint64Value == UInt64.max)
        #expect(v.objectEntries?.map(\.0) == ["iset_id", "b", "a", "n", "t"])
        #expect(try JSON(parsing: v.rendered()) == v)
        #expect(try JSON(parsing: v.rendered(pretty: false)) == v)
    }

    @Test(arguments: [#"{"a":1"#, #"[1,2"#, #"{"a" 1}"#, "tru", #""abc"#, "{} x", ""])
    func truncatedOrMalformedIsAnErrorWithAPosition(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSON(parsing: text) }
    }
}
