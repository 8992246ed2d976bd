#include "harness.h"

void cases_elementwise(void) {}
