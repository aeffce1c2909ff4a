import Foundation
import Testing
import NDEmuCore
@testable import Platform

/// Every layout in `Namespaces/` against its committed expectations: one test case per
/// (layout, kernel) pair, the simulate JSON compared key by key with the expected subset.
@Suite struct CorpusSimulationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let kernel: String
        let arch: String?
        var testDescription: String { "\(file) on \(kernel)\(arch.map { " (\($0))" } ?? "")" }
    }

    static let cases: [Case] = Corpus.layoutNames.flatMap { name -> [Case] in
        guard let l = try? Layout(contentsOfFile: Corpus.path(name)) else { return [] }
        return l.expectations.map { Case(file: name, kernel: $0.kernel, arch: $0.arch) }
    }

    @Test(arguments: cases)
    func simulateMeetsItsExpectation(_ c: Case) throws {
        let layout = try Layout(contentsOfFile: Corpus.path(c.file))
        let expectation = try #require(layout.expectations.first { $0.kernel == c.kernel && $0.arch == c.arch })
        guard layout.namespaces.allSatisfy({ Machine.emulatedModes.contains($0.mode) }) else { return }
        let sim = try Machine.simulate(layout, kernel: try KernelSpec(parsing: c.kernel), archName: c.arch)
        let problems = expectation.mismatches(in: sim.json)
        #expect(problems.isEmpty, "\(c.testDescription) [\(expectation.source)]:\n\(problems.joined(separator: "\n"))")
    }
}
