#include "harness.h"

void cases_sched(void) {}
