import NDEmuCore

/// The checksum libnvdimm puts in the last 8 bytes of every 4 KiB info block
/// (`nd_fletcher64()` / `nd_sb_checksum()` in drivers/nvdimm/core.c).
public enum Fletcher64 {
    /// `nd_fletcher64(addr, len, le=true)`: 32-bit little-endian words; `lo` wraps mod 2^32,
    /// `hi` accumulates `lo` after each word; the result is `hi << 32 | lo`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt64 {
        var lo: UInt32 = 0
        var hi: UInt64 = 0
        var word: UInt32 = 0
        var shift: UInt32 = 0
        for b in bytes {
            word |= UInt32(b) << shift
            shift += 8
            if shift == 32 {
                lo &+= word
                hi &+= UInt64(lo)
                word = 0; shift = 0
            }
        }
        return hi << 32 | UInt64(lo)
    }

    /// `nd_sb_checksum()`: the checksum of a 4 KiB block with its checksum field (the last 8 bytes)
    /// counted as zero.
    public static func superblockChecksum(_ block: [UInt8]) -> UInt64 {
        precondition(block.count == PfnInfoBlock.size, "an info block is 4096 bytes")
        var copy = block
        for i in (PfnInfoBlock.size - 8)..<PfnInfoBlock.size { copy[i] = 0 }
        return checksum(copy)
    }
}
