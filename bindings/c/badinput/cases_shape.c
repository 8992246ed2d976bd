#include "harness.h"

void cases_shape(void) {}
