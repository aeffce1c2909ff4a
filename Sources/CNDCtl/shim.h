#ifndef NDEMU_CNDCTL_SHIM_H
#define NDEMU_CNDCTL_SHIM_H
#include <ndctl/libndctl.h>
#endif
