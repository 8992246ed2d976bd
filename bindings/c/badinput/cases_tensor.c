#include "harness.h"

void cases_tensor(void) {}
