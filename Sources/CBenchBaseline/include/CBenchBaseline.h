#ifndef NDEMU_CBENCH_BASELINE_H
#define NDEMU_CBENCH_BASELINE_H
#include <stdint.h>
/// Plain C baseline for the sub-section benchmark (filled in by the benchmark work).
int cbench_baseline_version(void);
#endif
