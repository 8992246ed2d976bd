#include "harness.h"

void cases_checkpoint(void) {}
