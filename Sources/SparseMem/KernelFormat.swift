import NDEmuCore

/// A small printf for the kernel's messages on hot paths: writes literals, `%#lx`, `%lx` and
/// `%ld` straight into one string buffer (what `snprintf` does), instead of building the text
/// from interpolated pieces.
enum KernelFormat {
    struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func literal(_ s: StaticString) {
            let n = s.utf8CodeUnitCount
            guard count + n <= buffer.count else { return }
            (buffer.baseAddress! + count).update(from: s.utf8Start, count: n)
            count += n
        }
        mutating func byte(_ b: UInt8) {
            guard count < buffer.count else { return }
            buffer[count] = b; count += 1
        }
        /// `%lx` (bare) or `%#lx` (`0x` prefix, also for zero, as the kernel prints it).
        mutating func hex(_ v: UInt64, prefix: Bool = true) {
            if prefix { literal("0x") }
            let digits = v == 0 ? 1 : (67 - v.leadingZeroBitCount) / 4
            guard count + digits <= buffer.count else { return }
            var x = v
            for i in stride(from: digits - 1, through: 0, by: -1) {
                let d = UInt8(x & 0xf)
                buffer[count + i] = d < 10 ? 0x30 + d : 0x57 + d
                x >>= 4
            }
            count += digits
        }
        /// `%ld` / `%lu`.
        mutating func decimal(_ v: UInt64) {
            var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var n = 0
            var x = v
            withUnsafeMutableBytes(of: &tmp) { t in
                repeat { t[n] = UInt8(0x30 + x % 10); x /= 10; n += 1 } while x != 0
                for i in 0..<n { byte(t[n - 1 - i]) }
            }
        }
    }

    static func format(capacity: Int = 160, _ body: (inout Writer) -> Void) -> String {
        String(unsafeUninitializedCapacity: capacity) { buf in
            var w = Writer(buffer: buf)
            body(&w)
            return w.count
        }
    }
}
