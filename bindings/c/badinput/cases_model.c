#include "harness.h"

void cases_model(void) {}
