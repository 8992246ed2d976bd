#include "harness.h"

void cases_train(void) {}
