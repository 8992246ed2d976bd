#include "harness.h"

void cases_tensor_grad(void) {}
