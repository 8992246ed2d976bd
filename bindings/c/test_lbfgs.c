/*
** test_lbfgs.c - axon_optimizer_new_lbfgs and axon_optimizer_step_closure: L-BFGS with the
** strong-Wolfe line search on the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2,
** the closure computing f and its gradient through the C door. The options and the first
** iterate are fixture case "lbfgs_wolfe" of Tests/AxonTests/Fixtures/optim.json (PyTorch's
** torch.optim.LBFGS from (-1.5, 2)); the minimum (1, 1) is the closed form.
*/
#include "check.h"

typedef struct {
    axon_optimizer *opt;
    axon_tensor *x, *y, *one, *hundred;
    int calls;
    int fail_at;      /* return NaN on this call (0: never) */
    int reenter;      /* call axon_optimizer_step_closure on the same optimizer */
    axon_status inner;
} problem;

static float rosenbrock(void *user);

/* The closure: zero the gradients, f forward, backward, return f. NaN on any failure. */
static float rosenbrock(void *user) {
    problem *p = (problem *)user;
    axon_tensor *a = NULL, *a2 = NULL, *x2 = NULL, *b = NULL, *b2 = NULL, *c = NULL, *s = NULL, *f = NULL;
    float value = NAN;
    int ok;
    p->calls += 1;
    if (p->fail_at == p->calls) return NAN;
    if (p->reenter) {
        float inner_loss;
        p->inner = axon_optimizer_step_closure(&inner_loss, p->opt, rosenbrock, user);
    }
    ok = axon_optimizer_zero_grad(p->opt) == AXON_OK
         && axon_tensor_sub(&a, p->one, p->x) == AXON_OK && axon_tensor_pow(&a2, a, 2) == AXON_OK
         && axon_tensor_pow(&x2, p->x, 2) == AXON_OK && axon_tensor_sub(&b, p->y, x2) == AXON_OK
         && axon_tensor_pow(&b2, b, 2) == AXON_OK && axon_tensor_mul(&c, p->hundred, b2) == AXON_OK
         && axon_tensor_add(&s, a2, c) == AXON_OK && axon_tensor_sum(&f, s) == AXON_OK
         && axon_tensor_backward(f) == AXON_OK && axon_tensor_copy_data(f, &value, 1) == AXON_OK;
    axon_tensor_free(a);
    axon_tensor_free(a2);
    axon_tensor_free(x2);
    axon_tensor_free(b);
    axon_tensor_free(b2);
    axon_tensor_free(c);
    axon_tensor_free(s);
    axon_tensor_free(f);
    return ok ? value : NAN;
}

static float value(const axon_tensor *t) {
    float v = NAN;
    CHECK_OK(axon_tensor_copy_data(t, &v, 1));
    return v;
}

static void setup(problem *p, float x0, float y0) {
    const int64_t shape[1] = {1};
    const float one = 1, hundred = 100;
    /* Fixture "lbfgs_wolfe": lr 1, max_iter 5, max_eval 6, tolerances 1e-7 / 1e-9, history 4. */
    const char *keys[] = {"lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size",
                          "strong_wolfe"};
    const double values[] = {1, 5, 6, 1e-7, 1e-9, 4, 1};
    axon_tensor *params[2];
    memset(p, 0, sizeof *p);
    p->x = make(&x0, 1, shape, 1, 1);
    p->y = make(&y0, 1, shape, 1, 1);
    p->one = make(&one, 1, shape, 1, 0);
    p->hundred = make(&hundred, 1, shape, 1, 0);
    params[0] = p->x;
    params[1] = p->y;
    CHECK_OK(axon_optimizer_new_lbfgs(&p->opt, params, 2, keys, values, 7));
}

static void teardown(problem *p) {
    axon_optimizer_free(p->opt);
    axon_tensor_free(p->x);
    axon_tensor_free(p->y);
    axon_tensor_free(p->one);
    axon_tensor_free(p->hundred);
}

static void converges(void) {
    problem p;
    float loss = 0;
    int k;
    double v = 0;
    setup(&p, -1.5f, 2.0f);
    CHECK_OK(axon_optimizer_get_option(&v, p.opt, 0, "history_size"));
    CHECK(v == 4);
    CHECK_OK(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p));
    /* f(-1.5, 2) = 2.5^2 + 100 (2 - 2.25)^2 = 12.5, the first evaluation. */
    CHECK(fabsf(loss - 12.5f) < 1e-5f);
    CHECK(p.calls >= 2 && p.calls <= 6);
    /* torch's first iterate (fixture "lbfgs_wolfe", iterates[0]). */
    CHECK(fabsf(value(p.x) - -1.4190158f) < 1e-4f && fabsf(value(p.y) - 2.0152311f) < 1e-4f);
    for (k = 1; k < 10; ++k) CHECK_OK(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p));
    CHECK(fabsf(value(p.x) - 1) < 1e-3f && fabsf(value(p.y) - 1) < 1e-3f);
    /* axon_optimizer_step cannot drive L-BFGS. */
    CHECK_STATUS(axon_optimizer_step(p.opt), AXON_ERR_STATE);
    teardown(&p);
}

/* A NaN from the closure (here on its third call, inside the line search) is a clear error and
   leaves the parameters where they were before the step. */
static void failures_leave_everything_as_it_was(void) {
    problem p;
    float loss = 7;
    setup(&p, -1.5f, 2.0f);
    p.fail_at = 3;
    CHECK_STATUS(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p), AXON_ERR_STATE);
    CHECK_ERROR_MENTIONS("NaN");
    CHECK(value(p.x) == -1.5f && value(p.y) == 2.0f);
    /* The same step then runs as if nothing had happened. */
    p.fail_at = 0;
    CHECK_OK(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p));
    CHECK(fabsf(value(p.x) - -1.4190158f) < 1e-4f && fabsf(value(p.y) - 2.0152311f) < 1e-4f);
    /* Re-entering the same optimizer from its closure: refused inside, and the outer call fails. */
    p.reenter = 1;
    CHECK_STATUS(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p), AXON_ERR_STATE);
    CHECK(p.inner == AXON_ERR_STATE);
    p.reenter = 0;
    CHECK_STATUS(axon_optimizer_step_closure(&loss, p.opt, NULL, &p), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_step_closure(NULL, p.opt, rosenbrock, &p), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_step_closure(&loss, NULL, rosenbrock, &p), AXON_ERR_INVALID_ARGUMENT);
    teardown(&p);
}

/* Any other optimizer calls the closure once, then steps: SGD lr 0.01 from (-1.5, 2) with
   the gradient (-2 (1 - x) - 400 x (y - x^2), 200 (y - x^2)) = (-155, -50). */
static void other_optimizers(void) {
    problem p;
    float loss = 0;
    const char *keys[] = {"lr"};
    const double lr[] = {0.01};
    axon_tensor *params[2];
    setup(&p, -1.5f, 2.0f);
    axon_optimizer_free(p.opt);
    params[0] = p.x;
    params[1] = p.y;
    CHECK_OK(axon_optimizer_new(&p.opt, "sgd", params, 2, keys, lr, 1));
    CHECK_OK(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p));
    CHECK(p.calls == 1 && fabsf(loss - 12.5f) < 1e-5f);
    CHECK(fabsf(value(p.x) - 0.05f) < 1e-5f && fabsf(value(p.y) - 2.5f) < 1e-5f);
    p.fail_at = 2;
    CHECK_STATUS(axon_optimizer_step_closure(&loss, p.opt, rosenbrock, &p), AXON_ERR_STATE);
    CHECK(fabsf(value(p.x) - 0.05f) < 1e-5f && fabsf(value(p.y) - 2.5f) < 1e-5f);
    teardown(&p);
}

static void bad_options(void) {
    axon_optimizer *opt = NULL;
    const int64_t shape[1] = {1};
    const float zero = 0;
    axon_tensor *x = make(&zero, 1, shape, 1, 1);
    const char *wolfe[] = {"strong_wolfe"}, *iters[] = {"max_iter"}, *lr[] = {"lr"}, *bad[] = {"momentum"};
    const double half[] = {0.5}, zero_d[] = {0}, nan[] = {NAN};
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, &x, 1, wolfe, half, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(opt == NULL);
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, &x, 1, iters, zero_d, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, &x, 1, iters, half, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, &x, 1, lr, nan, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, &x, 1, bad, half, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_new_lbfgs(NULL, &x, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_new_lbfgs(&opt, NULL, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_optimizer_new(&opt, "lbfgs", &x, 1, NULL, NULL, 0));
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "history_size", 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_optimizer_set_option(opt, 0, "history_size", 3));
    axon_optimizer_free(opt);
    axon_tensor_free(x);
}

int main(void) {
    converges();
    failures_leave_everything_as_it_was();
    other_optimizers();
    bad_options();
    return report("test_lbfgs");
}
