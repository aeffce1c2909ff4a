import NDEmuCore
@testable import SparseMem

/// Helpers shared by the SparseMem suites.
enum K {
    static func behaviour(_ spec: String) -> KernelBehaviour {
        KernelBehaviour((try? KernelSpec(parsing: spec)) ?? .default)
    }
    static func memory(_ kernel: String, arch: String = "x86_64") -> SparseMemory {
        let b = behaviour(kernel)
        let a = (try? ArchProfile(name: arch, behaviour: b)) ?? .x86_64
        return SparseMemory(arch: a, behaviour: b)
    }
    static func range(_ start: UInt64, _ size: UInt64) -> AddressRange {
        AddressRange(start: PhysicalAddress(start), size: ByteCount(size))!
    }
}

extension SparseMemory {
    /// Adds a physical range; returns the errno or nil.
    mutating func add(_ start: UInt64, _ size: UInt64, log: inout KernelLog) -> Errno? {
        let (pfn, nr) = pfnRange(of: K.range(start, size))
        do { try addPages(pfn, nr, log: &log); return nil } catch { return error.errno }
    }
    mutating func remove(_ start: UInt64, _ size: UInt64, log: inout KernelLog) -> Errno? {
        let (pfn, nr) = pfnRange(of: K.range(start, size))
        do { try removePages(pfn, nr, log: &log); return nil } catch { return error.errno }
    }
    func mapWord(_ s: UInt64) -> UInt64? { section(SectionNumber(s))?.subsectionMap?[word: 0] }
}

extension SparseMemory {
    mutating func addErrno(_ pfn: UInt64, _ nr: UInt64, log: inout KernelLog) -> Errno? {
        do { try addPages(PFN(pfn), PageCount(nr), log: &log); return nil } catch { return error.errno }
    }
    mutating func removeErrno(_ pfn: UInt64, _ nr: UInt64, log: inout KernelLog) -> Errno? {
        do { try removePages(PFN(pfn), PageCount(nr), log: &log); return nil } catch { return error.errno }
    }
}
