/// The kernel's error numbers (include/uapi/asm-generic/errno-base.h, errno.h), as returned
/// negated by the functions ndemu mirrors.
public enum Errno: Int32, Sendable, CaseIterable, CustomStringConvertible, Codable {
    case EPERM = 1, ENOENT = 2, E2BIG = 7, ENXIO = 6, ENOMEM = 12, EBUSY = 16, EEXIST = 17
    case ENODEV = 19, EINVAL = 22, ENOSPC = 28, ERANGE = 34, EOPNOTSUPP = 95

    /// The symbolic name, `"ENXIO"`. (Spelled out: `String(describing:)` would call
    /// `description`, which is this name, and recurse forever.)
    public var name: String {
        switch self {
        case .EPERM: "EPERM"
        case .ENOENT: "ENOENT"
        case .E2BIG: "E2BIG"
        case .ENXIO: "ENXIO"
        case .ENOMEM: "ENOMEM"
        case .EBUSY: "EBUSY"
        case .EEXIST: "EEXIST"
        case .ENODEV: "ENODEV"
        case .EINVAL: "EINVAL"
        case .ENOSPC: "ENOSPC"
        case .ERANGE: "ERANGE"
        case .EOPNOTSUPP: "EOPNOTSUPP"
        }
    }
    public var description: String { name }
    /// The kernel's return value, `-6` for ENXIO.
    public var kernelReturn: Int32 { -rawValue }
    /// strerror() text, as ndctl prints it after a failed enable.
    public var strerror: String {
        switch self {
        case .EPERM: "Operation not permitted"
        case .ENOENT: "No such file or directory"
        case .E2BIG: "Argument list too long"
        case .ENXIO: "No such device or address"
        case .ENOMEM: "Cannot allocate memory"
        case .EBUSY: "Device or resource busy"
        case .EEXIST: "File exists"
        case .ENODEV: "No such device"
        case .EINVAL: "Invalid argument"
        case .ENOSPC: "No space left on device"
        case .ERANGE: "Numerical result out of range"
        case .EOPNOTSUPP: "Operation not supported"
        }
    }
}

/// A failure of an emulated kernel function: the errno it returns and the message it logs
/// (empty when the kernel fails silently).
public struct KernelError: Error, Hashable, Sendable, CustomStringConvertible {
    public let errno: Errno
    public let message: String
    public init(_ errno: Errno, _ message: String = "") { self.errno = errno; self.message = message }
    public var description: String { message.isEmpty ? "-\(errno.name)" : "\(message) (-\(errno.name))" }
}

/// Bad user input: names the input and says what is wrong. Exit status 1.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was being read: a flag (`--size`), a file (`Namespaces/x.json`), an entry (`namespaces[2]`).
    public let input: String
    public let problem: String
    public init(_ input: String, _ problem: String) { self.input = input; self.problem = problem }
    public var description: String { "\(input): \(problem)" }
}
