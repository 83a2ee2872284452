#ifndef HOMESERVE_CARGUMENTS_H
#define HOMESERVE_CARGUMENTS_H
// Nothing to call: linking this target hands the Swift runtime argc and argv (see arguments.c).
#endif
