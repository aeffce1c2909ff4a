#ifndef NDEMU_CBENCH_BASELINE_H
#define NDEMU_CBENCH_BASELINE_H
#include <stdint.h>
#include <stddef.h>

/// Plain C baseline for ndemu-bench: the sub-section bookkeeping of a 5.3+ kernel
/// (two-level SPARSEMEM_EXTREME table, kzalloc'ed usage with the sub-section map and the
/// memmap bits, check_pfn_span, -EEXIST/-EINVAL, "section already deactivated"), written as
/// directly as C allows, to measure the Swift engine against. x86_64 geometry, no boot RAM.

/// One operation: add (1) or remove (0) `nr` pages from `pfn`.
struct cb_op {
    uint64_t pfn;
    uint64_t nr;
    int32_t add;
    int32_t pad;
};

/// The table's shape.
struct cb_params {
    int max_physmem_bits;   // 46 or 52
    int page_shift;         // 12
    int section_size_bits;  // 27
    int subsection_shift;   // 21
    int sections_per_root;  // 256
    int usage_size;         // mem_section_usage_size(): 40 on 5.3-6.7 x86_64
};

/// Outcome counts and the kernel-allocation high-water mark.
struct cb_result {
    uint64_t ok, eexist, einval, e2big;
    uint64_t kernel_bytes_peak;   // root pointers + roots + live usages (kernel sizes)
    uint64_t roots_allocated;
    uint64_t live_usages;
    uint64_t message_bytes;       // bytes of WARN text formatted (to keep the work honest)
    double seconds;               // wall time of the operation loop alone (CLOCK_MONOTONIC)
};

/// Runs `n` operations on a fresh table and frees it again.
void cb_run(const struct cb_op *ops, size_t n, const struct cb_params *params, struct cb_result *result);

#endif
