#include "harness.h"

void cases_optim(void) {}
