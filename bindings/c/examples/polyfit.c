/*
** polyfit.c - the classic first autodiff example through the C door: fit
** y = a + b x + c x^2 + d x^3 to sin(x) on 2000 points of [-pi, pi] by gradient descent,
** the update written by hand with in-place ops under no-grad (as PyTorch's tutorial
** "Learning PyTorch with Examples" does with `a -= lr * a.grad`).
**
** It checks the result against PyTorch's run of the same computation
** (Tests/AxonTests/Fixtures/polyfit.json: start -0.5, 0.8, 0.3, -0.1, lr 1e-6, 2000 steps) and
** exits non-zero if a coefficient is off by more than 1e-4 relative.
*/
#include "axon.h"

#include <math.h>
#include <stdio.h>

#define POINTS 2000
#define PI 3.14159265358979323846
#define STEPS 2000

static int ok(axon_status status, const char *what) {
    if (status == AXON_OK) return 1;
    fprintf(stderr, "polyfit: %s failed: %s (%s)\n", what, axon_status_string(status), axon_last_error());
    return 0;
}

int main(void) {
    static float xs[POINTS], ys[POINTS];
    const float start[4] = {-0.5f, 0.8f, 0.3f, -0.1f};
    const double expected[4] = {-0.016874203458428383, 0.8558666110038757, 0.0029110820032656193,
                                -0.09320604056119919};
    const int64_t shape[1] = {POINTS}, scalar[1] = {0};
    axon_tensor *x = NULL, *y = NULL, *p[4] = {NULL, NULL, NULL, NULL};
    int i, k, step, good = 1;
    float loss_value = 0, got[4];

    for (i = 0; i < POINTS; ++i) {
        xs[i] = (float)(-PI + 2 * PI * i / (POINTS - 1));
        ys[i] = sinf(xs[i]);
    }
    good = ok(axon_tensor_new(&x, xs, POINTS, shape, 1, 0), "x")
        && ok(axon_tensor_new(&y, ys, POINTS, shape, 1, 0), "y");
    for (k = 0; k < 4 && good; ++k) good = ok(axon_tensor_new(&p[k], &start[k], 1, scalar, 0, 1), "parameter");

    for (step = 0; step < STEPS && good; ++step) {
        /* loss = sum((a + b x + c x^2 + d x^3 - y)^2) */
        axon_tensor *x2 = NULL, *x3 = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL;
        axon_tensor *err = NULL, *sq = NULL, *loss = NULL;
        good = ok(axon_tensor_pow(&x2, x, 2), "pow") && ok(axon_tensor_pow(&x3, x, 3), "pow")
            && ok(axon_tensor_mul(&t1, p[1], x), "mul") && ok(axon_tensor_mul(&t2, p[2], x2), "mul")
            && ok(axon_tensor_mul(&t3, p[3], x3), "mul") && ok(axon_tensor_add(&s1, p[0], t1), "add")
            && ok(axon_tensor_add(&s2, s1, t2), "add") && ok(axon_tensor_add(&s3, s2, t3), "add")
            && ok(axon_tensor_sub(&err, s3, y), "sub") && ok(axon_tensor_pow(&sq, err, 2), "pow")
            && ok(axon_tensor_sum(&loss, sq), "sum") && ok(axon_tensor_backward(loss), "backward")
            && ok(axon_tensor_copy_data(loss, &loss_value, 1), "loss");
        /* The update, under no-grad: p <- p - lr * grad, then the gradient is cleared. */
        axon_set_grad_enabled(0);
        for (k = 0; k < 4 && good; ++k) {
            axon_tensor *g = NULL;
            good = ok(axon_tensor_grad(&g, p[k]), "grad") && ok(axon_tensor_sub_(p[k], g, 1e-6f), "sub_")
                && ok(axon_tensor_zero_grad(p[k]), "zero_grad");
            axon_tensor_free(g);
        }
        axon_set_grad_enabled(1);
        axon_tensor_free(loss);
        axon_tensor_free(sq);
        axon_tensor_free(err);
        axon_tensor_free(s3);
        axon_tensor_free(s2);
        axon_tensor_free(s1);
        axon_tensor_free(t3);
        axon_tensor_free(t2);
        axon_tensor_free(t1);
        axon_tensor_free(x3);
        axon_tensor_free(x2);
    }
    for (k = 0; k < 4 && good; ++k) {
        good = ok(axon_tensor_copy_data(p[k], &got[k], 1), "read");
        if (good && !(fabs(got[k] - expected[k]) <= 1e-4 * fabs(expected[k]))) {
            fprintf(stderr, "polyfit: coefficient %d is %.9g, PyTorch gives %.9g\n", k, got[k], expected[k]);
            good = 0;
        }
    }
    for (k = 0; k < 4; ++k) axon_tensor_free(p[k]);
    axon_tensor_free(y);
    axon_tensor_free(x);
    if (!good) return 1;
    printf("polyfit: y = %.4f + %.4f x + %.4f x^2 + %.4f x^3 (loss %.3f), as PyTorch\n", got[0], got[1], got[2],
           got[3], loss_value);
    return 0;
}
