import ArgumentParser
import Foundation
import NDEmuCore

/// `ndemu kernels`: the table of kernel behaviour changes ndemu models.
struct KernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "List the kernel behaviour changes ndemu models, by version.",
        discussion: "Example: ndemu kernels --kernel 5.2   (marks which changes 5.2 has)"
    )

    @Option(name: .long, help: ArgumentHelp("Mark the changes this kernel has.", valueName: "version"))
    var kernel: String?

    @OptionGroup var output: FormatOptions

    func run() throws {
        let behaviour = try kernel.map { v throws(InputError) in KernelBehaviour(try KernelSpec(parsing: v)) }
        let rows = KernelChange.allCases.sorted { $0.introducedIn < $1.introducedIn }
        switch output.format {
        case .json:
            let items: [JSON] = rows.map { c in
                var o: [(String, JSON)] = [("change", .string(c.rawValue)), ("since", .string(c.introducedIn.description)),
                                           ("summary", .string(c.summary)), ("source", .string(c.source))]
                if let b = behaviour { o.append(("present", .bool(b.has(c)))) }
                return .object(o)
            }
            print(JSON.array(items).rendered())
        case .text:
            for c in rows {
                let mark = behaviour.map { $0.has(c) ? "[x] " : "[ ] " } ?? ""
                print("\(mark)\(c.introducedIn.description.padding(toLength: 5, withPad: " ", startingAt: 0)) \(c.summary)")
            }
        }
    }
}
