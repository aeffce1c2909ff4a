import NDEmuCore
@testable import NdctlImport
import Testing

/// `ndctl list -u` sizes read back as the byte counts they stand for. The pairs are real ndctl
/// 76.1 output: the research note's `-RNu` listing and the two-buses fixture tree's.
@Suite("ndctl list -u sizes")
struct PrintedSizeTests {
    @Test("a human string stands for an interval holding the exact size", arguments: [
        ("3.94 GiB (4.23 GB)", UInt64(4_225_761_280)),
        ("5.90 GiB (6.34 GB)", 6_339_690_496),
        ("8.00 GiB (8.59 GB)", 8_589_934_592),
        ("2.00 GiB (2.15 GB)", 2_147_483_648),
        ("16.00 MiB (16.78 MB)", 16_777_216),
        ("2044.97 MiB (2144.31 MB)", 2_144_309_248),
    ])
    func interval(_ text: String, _ exact: UInt64) throws {
        let r = try #require(PrintedSize.interval(.string(text)))
        #expect(r.contains(exact))
        #expect(r.upperBound - r.lowerBound < exact / 100, "the interval is narrow: \(r)")
    }

    @Test("exact forms: JSON numbers, decimal and hex strings")
    func exact() {
        #expect(PrintedSize.interval(.number("4225761280")) == 4_225_761_280...4_225_761_280)
        #expect(PrintedSize.interval(.string("0x7fffffffffffffff")) == UInt64(Int64.max)...UInt64(Int64.max))
        #expect(PrintedSize.interval(.string("about 4 GiB")) == nil)
        #expect(PrintedSize.interval(.bool(true)) == nil)
    }

    @Test("the roundest size a string stands for") func roundest() throws {
        #expect(PrintedSize.roundest(try #require(PrintedSize.interval(.string("8.00 GiB (8.59 GB)")))) == 8 << 30)
        #expect(PrintedSize.roundest(try #require(PrintedSize.interval(.string("16.00 MiB (16.78 MB)")))) == 16 << 20)
    }
}
