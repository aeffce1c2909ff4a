// ndemu-bench: the sub-section engine against a plain C loop doing the same bookkeeping.
//
//   swift build -c release --product ndemu-bench && .build/release/ndemu-bench [--ops N]
//
// Each (workload, implementation) pair runs in its own child process, so each peak RSS
// (getrusage ru_maxrss) is that implementation's alone. Workloads:
//   random   1,000,000 add/remove ops of 2 MiB-aligned ranges, 2 MiB..1 GiB, inside 64 TiB
//            (x86_64, 46-bit, kernel 6.1); half the removes undo an earlier add.
//   sparse52 hot-add of 1 GiB at every 1024th GiB of the 52-bit space (x86_64-la57, 6.1),
//            4,096 adds touching 4,096 roots, repeated for timing.
// Goals: time per op within 1.5x of C; memory within 2x of what the kernel allocates for the
// same sections (root pointers + roots + mem_section_usage).
import CBenchBaseline
import Foundation
import NDEmuCore
import SparseMem
#if canImport(Glibc)
import Glibc
#endif

enum Workload: String, CaseIterable { case random, sparse52 }
enum Implementation: String, CaseIterable { case swift, c }

func arch(_ w: Workload) -> ArchProfile {
    let b = KernelBehaviour(KernelVersion(6, 1))
    return (try? ArchProfile(name: w == .random ? "x86_64" : "x86_64-la57", behaviour: b)) ?? .x86_64
}

/// The operations, identical for both implementations.
func operations(_ w: Workload, count: Int, spaceBytes: UInt64) -> (ops: [cb_op], repeats: Int) {
    switch w {
    case .random:
        var rng = SplitMix64(seed: 20191101)
        let unit: UInt64 = 512                       // 2 MiB in 4K pages
        let space: UInt64 = spaceBytes >> 12         // 64 TiB in pages (--space to change)
        var ops: [cb_op] = []
        ops.reserveCapacity(count)
        var added: [(UInt64, UInt64)] = []
        for _ in 0..<count {
            let nr = (1 + rng.below(512)) * unit     // 2 MiB ... 1 GiB
            let pfn = rng.below((space - nr) / unit + 1) * unit
            if rng.below(2) == 0 {
                ops.append(cb_op(pfn: pfn, nr: nr, add: 1, pad: 0))
                added.append((pfn, nr))
            } else if !added.isEmpty && rng.below(2) == 0 {
                let i = Int(rng.below(UInt64(added.count)))
                let r = added[i]
                added[i] = added[added.count - 1]; added.removeLast()
                ops.append(cb_op(pfn: r.0, nr: r.1, add: 0, pad: 0))
            } else {
                ops.append(cb_op(pfn: pfn, nr: nr, add: 0, pad: 0))
            }
        }
        return (ops, 1)
    case .sparse52:
        let gib: UInt64 = (1 << 30) >> 12
        let ops = (0..<UInt64(4096)).map { k in cb_op(pfn: k * 1024 * gib, nr: gib, add: 1, pad: 0) }
        return (ops, 25)
    }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Resident set size now, from /proc/self/statm (KiB).
func residentKiB() -> UInt64 {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = UInt64(fields[1]) else { return 0 }
    return pages * UInt64(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

func peakRSSKiB() -> UInt64 {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return UInt64(u.ru_maxrss)
}

struct Outcome {
    var ok = 0, eexist = 0, einval = 0, e2big = 0
    var seconds = 0.0
    var kernelPeak: UInt64 = 0
    var line: String { "ok=\(ok) eexist=\(eexist) einval=\(einval) e2big=\(e2big) seconds=\(seconds) kernel_peak=\(kernelPeak)" }
}

func runSwift(_ w: Workload, _ ops: [cb_op]) -> Outcome {
    let a = arch(w)
    var memory = SparseMemory(arch: a, behaviour: KernelBehaviour(KernelVersion(6, 1)))
    var out = Outcome()
    let t0 = now()
    for (i, op) in ops.enumerated() {
        var log = KernelLog()
        do {
            if op.add != 0 { try memory.addPages(PFN(op.pfn), PageCount(op.nr), log: &log) }
            else { try memory.removePages(PFN(op.pfn), PageCount(op.nr), log: &log) }
            out.ok += 1
        } catch {
            switch error.errno {
            case .EEXIST: out.eexist += 1
            case .E2BIG: out.e2big += 1
            default: out.einval += 1
            }
        }
        if i & 1023 == 0 || i == ops.count - 1 {
            out.kernelPeak = max(out.kernelPeak, memory.kernelAllocation.total.rawValue)
        }
    }
    out.seconds = now() - t0
    withExtendedLifetime(memory) {}
    return out
}

func runC(_ w: Workload, _ ops: [cb_op]) -> Outcome {
    let a = arch(w)
    var p = cb_params(max_physmem_bits: Int32(a.maxPhysmemBits), page_shift: Int32(a.pageShift),
                      section_size_bits: Int32(a.sectionSizeBits), subsection_shift: 21,
                      sections_per_root: Int32(a.sectionsPerRoot), usage_size: 40)
    var r = cb_result()
    ops.withUnsafeBufferPointer { cb_run($0.baseAddress, $0.count, &p, &r) }
    return Outcome(ok: Int(r.ok), eexist: Int(r.eexist), einval: Int(r.einval), e2big: Int(r.e2big),
                   seconds: r.seconds, kernelPeak: r.kernel_bytes_peak)
}

/// Child: one implementation on one workload; prints key=value pairs.
func child(_ w: Workload, _ impl: Implementation, count: Int, spaceBytes: UInt64) {
    let (ops, repeats) = operations(w, count: count, spaceBytes: spaceBytes)
    let before = residentKiB()
    var total = Outcome()
    for _ in 0..<repeats {
        let o = impl == .swift ? runSwift(w, ops) : runC(w, ops)
        total.seconds += o.seconds
        total.ok = o.ok; total.eexist = o.eexist; total.einval = o.einval; total.e2big = o.e2big
        total.kernelPeak = o.kernelPeak
    }
    print("\(total.line) ops=\(ops.count * repeats) rss_before_kib=\(before) maxrss_kib=\(peakRSSKiB())")
}

func parse(_ line: String) -> [String: String] {
    Dictionary(line.split(separator: " ").compactMap { kv -> (String, String)? in
        let p = kv.split(separator: "=", maxSplits: 1)
        return p.count == 2 ? (String(p[0]), String(p[1]).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }, uniquingKeysWith: { a, _ in a })
}

let args = CommandLine.arguments
var spaceBytes: UInt64 = 64 << 40
if let i = args.firstIndex(of: "--space"), i + 1 < args.count, let v = try? ByteCount(parsing: args[i + 1], input: "--space") { spaceBytes = v.rawValue }
var opCount = 1_000_000
if let i = args.firstIndex(of: "--ops"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 { opCount = n }

if let i = args.firstIndex(of: "--child"), i + 2 < args.count,
   let impl = Implementation(rawValue: args[i + 1]), let w = Workload(rawValue: args[i + 2]) {
    child(w, impl, count: opCount, spaceBytes: spaceBytes)
    exit(0)
}

func mib(_ kib: Double) -> String { String(format: "%.1f MiB", kib / 1024) }
let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
print("ndemu-bench: \(opCount) random ops; times are the operation loop only; RSS per child process")
var rounds = 3
if let i = args.firstIndex(of: "--rounds"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 { rounds = n }
print("each implementation runs \(rounds) times, interleaved; the fastest loop and the largest RSS are kept")
var failed = false
for w in Workload.allCases {
    var results: [Implementation: [String: String]] = [:]
    for _ in 0..<rounds {
        for impl in Implementation.allCases {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["--child", impl.rawValue, w.rawValue, "--ops", String(opCount), "--space", String(spaceBytes)]
            let pipe = Pipe()
            p.standardOutput = pipe
            do { try p.run() } catch { print("cannot run \(exe): \(error)"); exit(1) }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let r = parse(String(decoding: data, as: UTF8.self))
            if var best = results[impl] {
                if let t = Double(r["seconds"] ?? ""), let b = Double(best["seconds"] ?? ""), t < b { best["seconds"] = r["seconds"] }
                if let m = Double(r["maxrss_kib"] ?? ""), let b = Double(best["maxrss_kib"] ?? ""), m > b {
                    best["maxrss_kib"] = r["maxrss_kib"]; best["rss_before_kib"] = r["rss_before_kib"]
                }
                results[impl] = best
            } else {
                results[impl] = r
            }
        }
    }
    guard let s = results[.swift], let c = results[.c],
          let sSec = Double(s["seconds"] ?? ""), let cSec = Double(c["seconds"] ?? ""),
          let ops = Double(s["ops"] ?? ""), let sMax = Double(s["maxrss_kib"] ?? ""), let sBefore = Double(s["rss_before_kib"] ?? ""),
          let cMax = Double(c["maxrss_kib"] ?? ""), let cBefore = Double(c["rss_before_kib"] ?? ""),
          let kernel = Double(s["kernel_peak"] ?? "") else { print("\(w): a child failed"); failed = true; continue }
    let agree = ["ok", "eexist", "einval", "e2big", "kernel_peak"].allSatisfy { s[$0] == c[$0] }
    let sTable = sMax - sBefore, cTable = cMax - cBefore
    print("")
    print("\(w.rawValue): \(Int(ops)) ops; outcomes ok \(s["ok"]!) eexist \(s["eexist"]!) einval \(s["einval"]!) e2big \(s["e2big"]!) — C and Swift \(agree ? "agree" : "DISAGREE: C \(c)")")
    print(String(format: "  time per op   Swift %8.1f ns   C %8.1f ns   ratio %.2fx (goal <= 1.5x)", sSec / ops * 1e9, cSec / ops * 1e9, sSec / cSec))
    print("  peak RSS      Swift \(mib(sMax))   C \(mib(cMax))   (before the loop: Swift \(mib(sBefore)), C \(mib(cBefore)))")
    print(String(format: "  table memory  Swift %@   C %@   kernel would allocate %@   Swift/kernel %.2fx (goal <= 2x)",
                 mib(sTable), mib(cTable), mib(kernel / 1024), sTable * 1024 / kernel))
    if !agree { failed = true }
}
exit(failed ? 1 : 0)
