#include "harness.h"

void cases_reduce(void) {}
