#include "harness.h"

void cases_optim_options(void) {}
