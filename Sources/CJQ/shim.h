#ifndef HOMESERVE_CJQ_SHIM_H
#define HOMESERVE_CJQ_SHIM_H
#include <jq.h>
#include <jv.h>
#endif
