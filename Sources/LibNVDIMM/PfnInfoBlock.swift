import NDEmuCore

/// Where a pfn/dax namespace keeps its memmap (`enum nd_pfn_mode` in drivers/nvdimm/nd.h).
public enum PfnMode: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// `PFN_MODE_NONE`.
    case none = 0
    /// `PFN_MODE_RAM`: the memmap lives in System RAM (`ndctl --map=mem`).
    case ram = 1
    /// `PFN_MODE_PMEM`: the memmap lives on the device (`ndctl --map=dev`).
    case pmem = 2

    /// ndctl's `--map` spelling.
    public var mapName: String {
        switch self { case .none: "none"; case .ram: "mem"; case .pmem: "dev" }
    }
    public var description: String { mapName }

    /// From ndctl's `--map dev|mem`.
    public init(map: String, input: String) throws(InputError) {
        switch map {
        case "dev": self = .pmem
        case "mem": self = .ram
        default: throw InputError(input, "'\(map)' is not a memmap location (use dev or mem)")
        }
    }
}

/// `PFN_SIG` (fsdax) and `DAX_SIG` (devdax): the first 16 bytes of the block.
public enum InfoBlockSignature: String, Sendable, CaseIterable {
    case pfn = "NVDIMM_PFN_INFO"
    case dax = "NVDIMM_DAX_INFO"

    /// The 16 on-media bytes, NUL-terminated (`PFN_SIG_LEN`).
    public var bytes: [UInt8] { Array(rawValue.utf8) + [0] }
    /// The namespace mode this signature belongs to.
    public var modeName: String { self == .pfn ? "fsdax" : "devdax" }
}

/// `struct nd_pfn_sb` (drivers/nvdimm/pfn.h): the 4 KiB pfn/dax info block, little-endian,
/// stored at byte 4096 of the namespace.
///
/// Fields keep their on-media meaning; the 32-bit fields are stored truncated to 32 bits when
/// encoded, as `cpu_to_le32()` does.
public struct PfnInfoBlock: Hashable, Sendable {
    /// `sizeof(struct nd_pfn_sb)`.
    public static let size = 4096
    /// The block's offset from the namespace start (`SZ_4K`).
    public static let namespaceOffset = ByteCount(4096)
    /// `nd_info_block_reserve()` on 4 KiB-page kernels: `[0, 8 KiB)` is metadata.
    public static let reserve = ByteCount(8192)
    /// The newest minor version (1.4).
    public static let newestMinor: UInt16 = 4

    /// Field offsets (pfn.h, version 1.4 layout).
    public enum Offset {
        public static let signature = 0, uuid = 16, parentUUID = 32, flags = 48, versionMajor = 52
        public static let versionMinor = 54, dataoff = 56, npfns = 64, mode = 72, startPad = 76
        public static let endTrunc = 80, align = 84, pageSize = 88, pageStructSize = 92, padding = 94
        public static let checksum = 4088
    }

    /// The raw 16 signature bytes (a decoded block may carry any).
    public var signatureBytes: [UInt8]
    public var uuid: InfoBlockUUID
    public var parentUUID: InfoBlockUUID
    /// `flags`: unused; zero from 1.3.
    public var flags: UInt32
    public var versionMajor: UInt16
    public var versionMinor: UInt16
    /// `dataoff`: bytes from the namespace base (+ start_pad) to the first data byte.
    public var dataOffset: ByteCount
    /// `npfns`: data pages recorded at init.
    public var npfns: PageCount
    /// `mode` as stored (a decoded block may hold an unknown value; see `pfnMode`).
    public var modeValue: UInt32
    public var startPad: ByteCount
    public var endTrunc: ByteCount
    public var align: ByteCount
    public var pageSize: ByteCount
    public var pageStructSize: ByteCount
    /// Bytes 94..<4088 (zero from 1.3).
    public var padding: [UInt8]
    /// The stored checksum (recomputed by `encoded()`).
    public var checksum: UInt64

    /// A fresh block as `nd_pfn_init()` fills it: zeroed, then the named fields.
    public init(signature: InfoBlockSignature, uuid: InfoBlockUUID, parentUUID: InfoBlockUUID, minorVersion: UInt16,
                dataOffset: ByteCount, npfns: PageCount, mode: PfnMode, startPad: ByteCount = .zero,
                endTrunc: ByteCount = .zero, align: ByteCount, pageSize: ByteCount = .zero, pageStructSize: ByteCount = .zero) {
        self.signatureBytes = signature.bytes
        self.uuid = uuid; self.parentUUID = parentUUID; self.flags = 0
        self.versionMajor = 1; self.versionMinor = minorVersion
        self.dataOffset = dataOffset; self.npfns = npfns; self.modeValue = mode.rawValue
        self.startPad = startPad; self.endTrunc = endTrunc; self.align = align
        self.pageSize = pageSize; self.pageStructSize = pageStructSize
        self.padding = [UInt8](repeating: 0, count: Offset.checksum - Offset.padding)
        self.checksum = 0
        self.checksum = Fletcher64.superblockChecksum(encodedBytes(checksum: 0))
    }

    /// The signature, when it is one of the two libnvdimm knows.
    public var signature: InfoBlockSignature? {
        InfoBlockSignature.allCases.first { $0.bytes == signatureBytes }
    }
    /// The signature as ndctl prints it (`json_object_new_string` of the bytes up to the NUL).
    public var signatureText: String {
        String(decoding: signatureBytes.prefix { $0 != 0 }, as: UTF8.self)
    }
    public var pfnMode: PfnMode? { PfnMode(rawValue: modeValue) }
    /// `"1.4"`.
    public var versionText: String { "\(versionMajor).\(versionMinor)" }

    // MARK: Encoding

    /// The 4096 on-media bytes, with the checksum recomputed over them (`nd_sb_checksum`).
    public func encoded() -> [UInt8] {
        var bytes = encodedBytes(checksum: 0)
        let sum = Fletcher64.superblockChecksum(bytes)
        Self.put(sum, at: Offset.checksum, into: &bytes)
        return bytes
    }

    /// The bytes with the stored `checksum` field as is (for tests that corrupt blocks).
    public func encodedKeepingChecksum() -> [UInt8] { encodedBytes(checksum: checksum) }

    private func encodedBytes(checksum: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        for (i, v) in signatureBytes.prefix(16).enumerated() { b[Offset.signature + i] = v }
        for (i, v) in uuid.bytes.enumerated() { b[Offset.uuid + i] = v }
        for (i, v) in parentUUID.bytes.enumerated() { b[Offset.parentUUID + i] = v }
        Self.put(flags, at: Offset.flags, into: &b)
        Self.put(versionMajor, at: Offset.versionMajor, into: &b)
        Self.put(versionMinor, at: Offset.versionMinor, into: &b)
        Self.put(dataOffset.rawValue, at: Offset.dataoff, into: &b)
        Self.put(npfns.rawValue, at: Offset.npfns, into: &b)
        Self.put(modeValue, at: Offset.mode, into: &b)
        Self.put(UInt32(truncatingIfNeeded: startPad.rawValue), at: Offset.startPad, into: &b)
        Self.put(UInt32(truncatingIfNeeded: endTrunc.rawValue), at: Offset.endTrunc, into: &b)
        Self.put(UInt32(truncatingIfNeeded: align.rawValue), at: Offset.align, into: &b)
        Self.put(UInt32(truncatingIfNeeded: pageSize.rawValue), at: Offset.pageSize, into: &b)
        Self.put(UInt16(truncatingIfNeeded: pageStructSize.rawValue), at: Offset.pageStructSize, into: &b)
        for (i, v) in padding.prefix(Offset.checksum - Offset.padding).enumerated() { b[Offset.padding + i] = v }
        Self.put(checksum, at: Offset.checksum, into: &b)
        return b
    }

    static func put<I: FixedWidthInteger>(_ v: I, at offset: Int, into b: inout [UInt8]) {
        for i in 0..<(I.bitWidth / 8) { b[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }

    static func get<I: FixedWidthInteger>(_ type: I.Type, at offset: Int, from b: [UInt8]) -> I {
        var v: I = 0
        for i in 0..<(I.bitWidth / 8) { v |= I(b[offset + i]) << (8 * i) }
        return v
    }

    // MARK: Decoding

    /// The fields of 4096 bytes as they are, checking nothing (the kernel's `nvdimm_read_bytes`
    /// into `struct nd_pfn_sb`); nil unless exactly 4096 bytes are given.
    public init?(rawBytes b: [UInt8]) {
        guard b.count == Self.size else { return nil }
        signatureBytes = Array(b[0..<16])
        uuid = InfoBlockUUID(unchecked: Array(b[16..<32]))
        parentUUID = InfoBlockUUID(unchecked: Array(b[32..<48]))
        flags = Self.get(UInt32.self, at: Offset.flags, from: b)
        versionMajor = Self.get(UInt16.self, at: Offset.versionMajor, from: b)
        versionMinor = Self.get(UInt16.self, at: Offset.versionMinor, from: b)
        dataOffset = ByteCount(Self.get(UInt64.self, at: Offset.dataoff, from: b))
        npfns = PageCount(Self.get(UInt64.self, at: Offset.npfns, from: b))
        modeValue = Self.get(UInt32.self, at: Offset.mode, from: b)
        startPad = ByteCount(UInt64(Self.get(UInt32.self, at: Offset.startPad, from: b)))
        endTrunc = ByteCount(UInt64(Self.get(UInt32.self, at: Offset.endTrunc, from: b)))
        align = ByteCount(UInt64(Self.get(UInt32.self, at: Offset.align, from: b)))
        pageSize = ByteCount(UInt64(Self.get(UInt32.self, at: Offset.pageSize, from: b)))
        pageStructSize = ByteCount(UInt64(Self.get(UInt16.self, at: Offset.pageStructSize, from: b)))
        padding = Array(b[Offset.padding..<Offset.checksum])
        checksum = Self.get(UInt64.self, at: Offset.checksum, from: b)
    }

    /// Whether the stored checksum matches the bytes (`nd_sb_checksum` compare).
    public var checksumIsValid: Bool { checksum == Fletcher64.superblockChecksum(encodedBytes(checksum: 0)) }

    /// Decodes and verifies a block read from `source` (a file name), for people: the signature
    /// must be PFN or DAX, the version 1.0–1.4, the checksum right. Errors name the source and
    /// the field.
    public init(decoding bytes: [UInt8], source: String, at offset: ByteCount = PfnInfoBlock.namespaceOffset) throws(InputError) {
        let start = offset.rawValue
        guard start <= UInt64(bytes.count), UInt64(bytes.count) - start >= UInt64(Self.size) else {
            throw InputError(source, "too short for an info block: \(bytes.count) bytes, the block needs bytes \(start)..<\(start &+ UInt64(Self.size))")
        }
        let lo = Int(start)
        guard let block = PfnInfoBlock(rawBytes: Array(bytes[lo..<(lo + Self.size)])) else {
            throw InputError(source, "too short for an info block")
        }
        guard block.signature != nil else {
            throw InputError(source, "signature (bytes \(lo)..<\(lo + 16)): '\(block.printableSignature)' is neither NVDIMM_PFN_INFO nor NVDIMM_DAX_INFO")
        }
        guard block.versionMajor == 1, block.versionMinor <= Self.newestMinor else {
            throw InputError(source, "version_major/version_minor (byte \(lo + Offset.versionMajor)): unknown version \(block.versionText) (known: 1.0 to 1.\(Self.newestMinor))")
        }
        guard block.checksumIsValid else {
            let want = Fletcher64.superblockChecksum(block.encodedBytes(checksum: 0))
            throw InputError(source, "checksum (byte \(lo + Offset.checksum)): stored 0x\(String(block.checksum, radix: 16)), computed 0x\(String(want, radix: 16))")
        }
        self = block
    }

    /// The signature bytes with non-printing characters escaped, for messages.
    var printableSignature: String {
        signatureBytes.prefix { $0 != 0 }.map { (0x20..<0x7f).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }

    // MARK: Reader normalisation (nd_pfn_validate)

    /// The fields as a reader interprets them after `nd_pfn_validate()`'s normalisation:
    /// minor < 1 has no pads, minor < 2 no align, minor < 4 assumes 64-byte struct pages and
    /// `PAGE_SIZE` pages.
    public func normalised(pageSize kernelPageSize: ByteCount) -> PfnInfoBlock {
        var b = self
        if versionMinor < 1 { b.startPad = .zero; b.endTrunc = .zero }
        if versionMinor < 2 { b.align = .zero }
        if versionMinor < 4 { b.pageStructSize = ArchProfile.structPageSize; b.pageSize = kernelPageSize }
        return b
    }

    // MARK: ndctl read-infoblock -j

    /// The object `ndctl read-infoblock -j` prints for this block (ndctl's `pfn_parse`), keys in
    /// its order; numbers as JSON integers, the raw field values (no normalisation).
    public func ndctlJSON(file: String) -> JSON {
        .object([
            ("file", .string(file)),
            ("signature", .string(signatureText)),
            ("uuid", .string(uuid.description)),
            ("parent_uuid", .string(parentUUID.description)),
            ("flags", .int(flags)),
            ("version", .string(versionText)),
            // json-c prints 64-bit fields as signed int64 and `mode` as int32.
            ("dataoff", .int(Int64(bitPattern: dataOffset.rawValue))),
            ("npfns", .int(Int64(bitPattern: npfns.rawValue))),
            ("mode", .int(Int32(bitPattern: modeValue))),
            ("start_pad", .bytes(startPad)),
            ("end_trunc", .bytes(endTrunc)),
            ("align", .bytes(align)),
            ("page_size", .bytes(pageSize)),
            ("page_struct_size", .bytes(pageStructSize)),
        ])
    }

    /// The info-block keys `ndemu capacity` nests under `infoblock` (no file or uuids).
    public var capacityJSON: JSON {
        .object([
            ("signature", .string(signatureText)),
            ("version", .string(versionText)),
            ("dataoff", .bytes(dataOffset)),
            ("npfns", .int(npfns.rawValue)),
            ("mode", .int(modeValue)),
            ("start_pad", .bytes(startPad)),
            ("end_trunc", .bytes(endTrunc)),
            ("align", .bytes(align)),
            ("page_size", .bytes(pageSize)),
            ("page_struct_size", .bytes(pageStructSize)),
        ])
    }
}
