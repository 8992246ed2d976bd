#include "harness.h"

void cases_creation(void) {}
