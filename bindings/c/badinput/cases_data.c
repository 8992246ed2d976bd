#include "harness.h"

void cases_data(void) {}
