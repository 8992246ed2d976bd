#include "harness.h"

void cases_files(void) {}
