#include "harness.h"

void cases_model_tree(void) {}
