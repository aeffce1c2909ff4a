#include "CBenchBaseline.h"
int cbench_baseline_version(void) { return 1; }
