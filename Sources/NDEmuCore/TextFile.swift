import Glibc

/// Reads the input files ndemu is given (layouts, `--ops` lists, `ndctl list` JSON, /proc/iomem
/// text) whole, from regular files, pipes, process substitutions and `-` (standard input) alike.
public enum TextFile {
    /// The file's text, or an error naming the file and what went wrong (missing, a directory,
    /// unreadable, not UTF-8). `what` says what the file was meant to be ("layout file").
    public static func read(_ path: String, what: String) throws(InputError) -> String {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied" : "cannot open it"
            throw InputError(path, "cannot read the \(what): \(reason)")
        }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            guard n > 0 else {
                if errno == EINTR { continue }
                throw InputError(path, errno == EISDIR ? "is a directory, not a \(what)" : "cannot read the \(what)")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(path, "the \(what) is not UTF-8 text")
        }
        return text
    }
}
