import ArgumentParser
import NDEmuCore

// MARK: Argument types for the CLI's size/address/range syntax (shared/CLI.md)

extension ByteCount: ExpressibleByArgument {
    public init?(argument: String) {
        guard let v = try? ByteCount(parsing: argument, input: "size") else { return nil }
        self = v
    }
    public static var defaultCompletionKind: CompletionKind { .default }
}

extension PhysicalAddress: ExpressibleByArgument {
    public init?(argument: String) {
        guard let v = try? PhysicalAddress(parsing: argument, input: "address") else { return nil }
        self = v
    }
}

extension AddressRange: ExpressibleByArgument {
    public init?(argument: String) {
        guard let v = try? AddressRange(parsing: argument, input: "range") else { return nil }
        self = v
    }
}

/// `--format text|json`.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// `--kernel V --arch A`, shared by every subcommand that emulates a kernel.
public struct KernelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Kernel version X.Y (4.15 and later), or 'v7' for the May 2019 sub-section series.", valueName: "version"))
    public var kernel: String = "6.1"

    @Option(name: .long, help: ArgumentHelp("Architecture: \(ArchProfile.names.joined(separator: ", ")).", valueName: "arch"))
    public var arch: String = "x86_64"

    public init() {}

    /// The kernel behaviour and architecture profile these options select.
    public func resolve() throws(InputError) -> (behaviour: KernelBehaviour, arch: ArchProfile) {
        let behaviour = KernelBehaviour(try KernelSpec(parsing: kernel, input: "--kernel"))
        return (behaviour, try ArchProfile(name: arch, behaviour: behaviour, input: "--arch"))
    }
}

/// `--format text|json`.
public struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text (for people) or json (for scripts).")
    public var format: OutputFormat = .text
    public init() {}
}
