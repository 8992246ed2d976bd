#include "harness.h"

void cases_inplace(void) {}
