import ArgumentParser
import NDEmuCore

/// The `ndemu` root command. Subcommands live one a file beside this one.
public struct NDEmu: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ndemu",
        abstract: "Emulate how the Linux kernel maps persistent memory, era by era.",
        discussion: """
        ndemu models mm/sparse.c sections and sub-sections, devm_memremap_pages(), and the \
        libnvdimm namespace layer, so you can see what a kernel will do with a PMEM layout \
        before you touch the machine.
        """,
        version: "0.1.0",
        subcommands: NDEmu.allSubcommands
    )
    public init() {}
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension NDEmu {
    /// Runs the command line and maps failures to the contract's exit statuses:
    /// 1 for bad input (`InputError`, `KernelError`), 2 for usage errors, 0 for `--help`.
    public static func runMain() -> Never {
        let status = run(arguments: Array(CommandLine.arguments.dropFirst()))
        Glibc.exit(status)
    }

    /// Testable entry: runs `arguments` and returns the exit status.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as InputError {
            FileHandle.standardError.write(Data("ndemu: \(error)\n".utf8))
            return 1
        } catch let error as KernelError {
            FileHandle.standardError.write(Data("ndemu: \(error)\n".utf8))
            return 1
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            if !message.isEmpty { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
            if code == .validationFailure { return 2 }
            return code.rawValue
        }
    }
}
