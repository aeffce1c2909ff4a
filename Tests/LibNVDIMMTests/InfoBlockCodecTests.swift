import Foundation
import Testing
import NDEmuCore
@testable import LibNVDIMM

@Suite struct InfoBlockCodecTests {
    static let uuid = try! InfoBlockUUID(parsing: "42e1d574-76ac-402c-9132-5436e31528c0", input: "test")

    /// Field offsets are pfn.h's (spec §3.2): write distinct values and find them at their offsets.
    @Test func fieldsSitAtTheirPfnHOffsetsLittleEndian() {
        let b = PfnInfoBlock(signature: .dax, uuid: Self.uuid, parentUUID: .null, minorVersion: 4,
                             dataOffset: ByteCount(0x0102_0304_0506_0708), npfns: PageCount(0x1112_1314_1516_1718), mode: .pmem,
                             startPad: ByteCount(0x2122_2324), endTrunc: ByteCount(0x3132_3334), align: ByteCount(0x4142_4344),
                             pageSize: 4096, pageStructSize: 64)
        let e = b.encoded()
        #expect(e.count == 4096)
        #expect(Array(e[0..<16]) == Array("NVDIMM_DAX_INFO".utf8) + [0])
        #expect(Array(e[16..<32]) == Self.uuid.bytes)
        #expect(Array(e[52..<56]) == [1, 0, 4, 0])
        #expect(Array(e[56..<64]) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(e[64..<72]) == [0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11])
        #expect(Array(e[72..<76]) == [2, 0, 0, 0])
        #expect(Array(e[76..<80]) == [0x24, 0x23, 0x22, 0x21])
        #expect(Array(e[80..<84]) == [0x34, 0x33, 0x32, 0x31])
        #expect(Array(e[84..<88]) == [0x44, 0x43, 0x42, 0x41])
        #expect(Array(e[88..<92]) == [0, 0x10, 0, 0])
        #expect(Array(e[92..<94]) == [64, 0])
        #expect(e[94..<4088].allSatisfy { $0 == 0 })
        #expect(PfnInfoBlock(rawBytes: e) == b)
    }

    /// The checksum is fletcher64 over the block with bytes 4088..<4096 counted as zero (§3.3):
    /// recomputing over the stored block with the field zeroed gives the stored value.
    @Test func checksumCountsItsOwnFieldAsZero() {
        let b = PfnInfoBlock(signature: .pfn, uuid: Self.uuid, parentUUID: .null, minorVersion: 4,
                             dataOffset: .mib(18), npfns: 257536, mode: .pmem, align: .mib(2), pageSize: 4096, pageStructSize: 64)
        var e = b.encoded()
        let stored = e[4088..<4096].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
        for i in 4088..<4096 { e[i] = 0 }
        #expect(Fletcher64.checksum(e) == stored)
        #expect(stored != 0)
    }

    /// nd_fletcher64 on a hand-checkable input: words 1, 2 → lo = 3, hi = 1 + 3 = 4.
    @Test func fletcherAccumulatesLoIntoHi() {
        #expect(Fletcher64.checksum([1, 0, 0, 0, 2, 0, 0, 0]) == (4 << 32 | 3))
        // lo wraps mod 2^32: 0xffffffff + 1 = 0, hi = 0xffffffff + 0.
        #expect(Fletcher64.checksum([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0]) == 0xffff_ffff << 32)
    }

    static func file(_ bytes: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: 4096) + bytes }

    @Test func shortFileIsAnErrorNamingTheFile() {
        #expect(throws: InputError.self) { try PfnInfoBlock(decoding: [UInt8](repeating: 0, count: 8191), source: "x.img") }
        do { _ = try PfnInfoBlock(decoding: [1, 2, 3], source: "x.img") } catch {
            #expect(error.input == "x.img"); #expect(error.problem.contains("too short"))
        }
    }

    @Test func badSignatureNamesTheField() {
        var e = PfnInfoBlock(signature: .pfn, uuid: Self.uuid, parentUUID: .null, minorVersion: 4, dataOffset: .mib(2),
                             npfns: 1, mode: .ram, align: .mib(2)).encoded()
        e[0] = UInt8(ascii: "X")
        do { _ = try PfnInfoBlock(decoding: Self.file(e), source: "y.img"); Issue.record("accepted a bad signature") } catch {
            #expect(error.input == "y.img"); #expect(error.problem.hasPrefix("signature"))
        }
    }

    @Test func badChecksumNamesTheField() {
        var e = PfnInfoBlock(signature: .pfn, uuid: Self.uuid, parentUUID: .null, minorVersion: 4, dataOffset: .mib(2),
                             npfns: 1, mode: .ram, align: .mib(2)).encoded()
        e[200] ^= 1
        do { _ = try PfnInfoBlock(decoding: Self.file(e), source: "z.img"); Issue.record("accepted a bad checksum") } catch {
            #expect(error.problem.hasPrefix("checksum"))
        }
    }

    @Test(arguments: [(UInt16(1), UInt16(5)), (2, 0), (0, 4)])
    func unknownVersionNamesTheField(major: UInt16, minor: UInt16) {
        var b = PfnInfoBlock(signature: .pfn, uuid: Self.uuid, parentUUID: .null, minorVersion: 4, dataOffset: .mib(2),
                             npfns: 1, mode: .ram, align: .mib(2))
        b.versionMajor = major; b.versionMinor = minor
        do { _ = try PfnInfoBlock(decoding: Self.file(b.encoded()), source: "v.img"); Issue.record("accepted \(major).\(minor)") } catch {
            #expect(error.problem.hasPrefix("version"))
        }
    }

    /// §3.4 reader normalisation: minor 0 drops pads and align; minor < 4 assumes 64/PAGE_SIZE.
    @Test func readerNormalisationByMinor() {
        var b = PfnInfoBlock(signature: .pfn, uuid: Self.uuid, parentUUID: .null, minorVersion: 0, dataOffset: .mib(64),
                             npfns: 1, mode: .pmem, startPad: .mib(64), endTrunc: .mib(64), align: .mib(2))
        let n0 = b.normalised(pageSize: 4096)
        #expect(n0.startPad == .zero && n0.endTrunc == .zero && n0.align == .zero)
        #expect(n0.pageStructSize == 64 && n0.pageSize == 4096)
        b.versionMinor = 2
        let n2 = b.normalised(pageSize: 4096)
        #expect(n2.startPad == .mib(64) && n2.align == .mib(2) && n2.pageSize == 4096)
    }

    @Test func uuidRoundTripsThroughItsTextForm() throws {
        #expect(Self.uuid.description == "42e1d574-76ac-402c-9132-5436e31528c0")
        #expect(try InfoBlockUUID(parsing: "42E1D574-76AC-402C-9132-5436E31528C0", input: "u") == Self.uuid)
        #expect(throws: InputError.self) { try InfoBlockUUID(parsing: "42e1d574-76ac-402c-9132-5436e31528c", input: "u") }
        #expect(throws: InputError.self) { try InfoBlockUUID(parsing: "42e1d574x76ac-402c-9132-5436e31528c0", input: "u") }
    }
}
