#include "harness.h"

void cases_window(void) {}
