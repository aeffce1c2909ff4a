#include "CBenchBaseline.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECTION_MARKED_PRESENT (1UL << 0)
#define SECTION_HAS_MEM_MAP (1UL << 1)

struct cb_usage {
    uint64_t subsection_map;
    uint64_t memmap;
    uint64_t pmd;
    unsigned long pageblock_flags[4];
};

struct cb_section {
    unsigned long section_mem_map;
    struct cb_usage *usage;
};

struct cb_table {
    struct cb_section **roots;
    uint64_t nr_roots, sections_per_root, nr_sections, max_pfn;
    int root_shift, pfn_section_shift, pfn_subsection_shift;
    uint64_t pages_per_section, pages_per_subsection;
    uint64_t roots_allocated, live_usages, usage_size;
    int warned_invalid;
    char msg[160];
    uint64_t message_bytes;
};

static struct cb_section *nr_to_section(struct cb_table *t, uint64_t nr) {
    struct cb_section *root = t->roots[nr >> t->root_shift];
    return root ? &root[nr & (t->sections_per_root - 1)] : NULL;
}

static uint64_t mask_of(struct cb_table *t, uint64_t pfn, uint64_t nr) {
    uint64_t first = (pfn & (t->pages_per_section - 1)) >> t->pfn_subsection_shift;
    uint64_t last = ((pfn + nr - 1) & (t->pages_per_section - 1)) >> t->pfn_subsection_shift;
    uint64_t upper = last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
    return upper & ~((1ULL << first) - 1);
}

static int check_pfn_span(struct cb_table *t, uint64_t pfn, uint64_t nr, const char *fn) {
    if ((pfn | nr) & (t->pages_per_subsection - 1)) {
        t->message_bytes += (uint64_t)snprintf(t->msg, sizeof t->msg, "Misaligned %s start: %#lx end: #%lx",
                                               fn, (unsigned long)pfn, (unsigned long)(pfn + nr - 1));
        return -22;
    }
    return 0;
}

static int sparse_add_section(struct cb_table *t, uint64_t pfn, uint64_t nr) {
    uint64_t sec = pfn >> t->pfn_section_shift;
    uint64_t r = sec >> t->root_shift;
    if (!t->roots[r]) {
        t->roots[r] = calloc(t->sections_per_root, sizeof(struct cb_section));
        t->roots_allocated++;
    }
    struct cb_section *ms = &t->roots[r][sec & (t->sections_per_root - 1)];
    struct cb_usage *fresh = NULL;
    if (!ms->usage) {
        fresh = calloc(1, sizeof(struct cb_usage));
        ms->usage = fresh;
        t->live_usages++;
    }
    uint64_t mask = mask_of(t, pfn, nr);
    int rc = 0;
    if (!mask) rc = -22;
    else if (mask & ms->usage->subsection_map) rc = -17;
    if (rc) {
        if (fresh) { ms->usage = NULL; free(fresh); t->live_usages--; }
        return rc;
    }
    ms->usage->subsection_map |= mask;
    ms->usage->memmap |= mask;
    if (nr == t->pages_per_section) ms->usage->pmd |= mask;
    ms->section_mem_map |= SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP;
    return 0;
}

static int add_pages(struct cb_table *t, uint64_t pfn, uint64_t nr) {
    if (nr == 0 || pfn + nr > t->max_pfn) return -7;
    int rc = check_pfn_span(t, pfn, nr, "__add_pages");
    if (rc) return rc;
    uint64_t end = pfn + nr;
    while (pfn < end) {
        uint64_t chunk = t->pages_per_section - (pfn & (t->pages_per_section - 1));
        if (chunk > end - pfn) chunk = end - pfn;
        rc = sparse_add_section(t, pfn, chunk);
        if (rc) return rc;
        pfn += chunk;
    }
    return 0;
}

static int section_deactivate(struct cb_table *t, struct cb_section *ms, uint64_t pfn, uint64_t nr) {
    uint64_t mask = mask_of(t, pfn, nr);
    if (!ms->usage || (ms->usage->subsection_map & mask) != mask) {
        t->message_bytes += (uint64_t)snprintf(t->msg, sizeof t->msg, "section already deactivated (%#lx + %ld)",
                                               (unsigned long)pfn, (long)nr);
        return -22;
    }
    ms->usage->subsection_map ^= mask;
    ms->usage->memmap &= ~mask;
    ms->usage->pmd &= ~mask;
    if (!ms->usage->subsection_map) {
        free(ms->usage);
        ms->usage = NULL;
        t->live_usages--;
        ms->section_mem_map = 0;
    }
    return 0;
}

static int remove_pages(struct cb_table *t, uint64_t pfn, uint64_t nr) {
    if (pfn + nr > t->max_pfn) return -22;
    int rc = check_pfn_span(t, pfn, nr, "__remove_pages");
    if (rc) return rc;
    uint64_t end = pfn + nr;
    int err = 0;
    while (pfn < end) {
        uint64_t chunk = t->pages_per_section - (pfn & (t->pages_per_section - 1));
        if (chunk > end - pfn) chunk = end - pfn;
        struct cb_section *ms = nr_to_section(t, pfn >> t->pfn_section_shift);
        if (!ms || !(ms->section_mem_map & SECTION_HAS_MEM_MAP)) {
            if (!t->warned_invalid) {
                t->warned_invalid = 1;
                t->message_bytes += (uint64_t)snprintf(t->msg, sizeof t->msg, "WARNING: at mm/memory_hotplug.c __remove_section");
            }
            if (!err) err = -22;
        } else {
            rc = section_deactivate(t, ms, pfn, chunk);
            if (rc && !err) err = rc;
        }
        pfn += chunk;
    }
    return err;
}

static uint64_t kernel_bytes(const struct cb_table *t) {
    return (t->roots_allocated ? t->nr_roots * 8 : 0)
        + t->roots_allocated * t->sections_per_root * 16
        + t->live_usages * t->usage_size;
}

void cb_run(const struct cb_op *ops, size_t n, const struct cb_params *p, struct cb_result *res) {
    struct cb_table t;
    memset(&t, 0, sizeof t);
    t.pfn_section_shift = p->section_size_bits - p->page_shift;
    t.pfn_subsection_shift = p->subsection_shift - p->page_shift;
    t.pages_per_section = 1ULL << t.pfn_section_shift;
    t.pages_per_subsection = 1ULL << t.pfn_subsection_shift;
    t.nr_sections = 1ULL << (p->max_physmem_bits - p->section_size_bits);
    t.sections_per_root = (uint64_t)p->sections_per_root;
    t.root_shift = __builtin_ctzll(t.sections_per_root);
    t.nr_roots = (t.nr_sections + t.sections_per_root - 1) / t.sections_per_root;
    t.max_pfn = 1ULL << (p->max_physmem_bits - p->page_shift);
    t.usage_size = (uint64_t)p->usage_size;
    t.roots = calloc(t.nr_roots, sizeof(struct cb_section *));
    memset(res, 0, sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < n; i++) {
        int rc = ops[i].add ? add_pages(&t, ops[i].pfn, ops[i].nr) : remove_pages(&t, ops[i].pfn, ops[i].nr);
        switch (rc) {
        case 0: res->ok++; break;
        case -17: res->eexist++; break;
        case -7: res->e2big++; break;
        default: res->einval++; break;
        }
        if ((i & 1023) == 0 || i + 1 == n) {
            uint64_t k = kernel_bytes(&t);
            if (k > res->kernel_bytes_peak) res->kernel_bytes_peak = k;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    res->roots_allocated = t.roots_allocated;
    res->live_usages = t.live_usages;
    res->message_bytes = t.message_bytes;
    /* Tear down (not timed by the caller's per-op figure if it stops the clock first). */
    for (uint64_t r = 0; r < t.nr_roots; r++) {
        struct cb_section *root = t.roots[r];
        if (!root) continue;
        for (uint64_t i = 0; i < t.sections_per_root; i++) free(root[i].usage);
        free(root);
    }
    free(t.roots);
}
