// test_cxx.cpp - include/axon.h compiled as C++ (extern "C", no C-only constructs), used
// through a small RAII wrapper. Built with g++ -Wall -Wextra -Werror -pedantic.
#include "axon.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct TensorDeleter {
    void operator()(axon_tensor *t) const noexcept { axon_tensor_free(t); }
};
using Tensor = std::unique_ptr<axon_tensor, TensorDeleter>;

struct ModelDeleter {
    void operator()(axon_model *m) const noexcept { axon_model_free(m); }
};
using Model = std::unique_ptr<axon_model, ModelDeleter>;

struct OptimizerDeleter {
    void operator()(axon_optimizer *o) const noexcept { axon_optimizer_free(o); }
};
using Optimizer = std::unique_ptr<axon_optimizer, OptimizerDeleter>;

struct Error : std::runtime_error {
    axon_status status;
    Error(axon_status s, const char *message) : std::runtime_error(message), status(s) {}
};

void check(axon_status status) {
    if (status != AXON_OK) throw Error(status, axon_last_error());
}

Tensor make(const std::vector<float> &data, const std::vector<int64_t> &shape, bool grad = false) {
    axon_tensor *raw = nullptr;
    check(axon_tensor_new(&raw, data.data(), data.size(), shape.data(), shape.size(), grad ? 1 : 0));
    return Tensor(raw);
}

std::vector<float> values(const Tensor &t) {
    std::vector<float> out(axon_tensor_numel(t.get()));
    check(axon_tensor_copy_data(t.get(), out.data(), out.size()));
    return out;
}

int failures = 0;
#define EXPECT(cond)                                                                    \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            ++failures;                                                                 \
            std::fprintf(stderr, "%s:%d: EXPECT failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                               \
    } while (0)

}  // namespace

int main() {
    static_assert(AXON_VERSION_NUMBER == 1000, "version macros");
    static_assert(AXON_OK == 0 && AXON_ERR_INTERNAL == 7, "status codes");
    static_assert(AXON_ERR_NONFINITE == 8 && AXON_ERR_BUSY == 9, "status codes");
    EXPECT(std::string(axon_version()) == AXON_VERSION);
    EXPECT(axon_abi_version() == AXON_ABI_VERSION);

    Tensor x = make({1, 2, 3}, {3}, true);
    axon_tensor *raw = nullptr;
    check(axon_tensor_mul(&raw, x.get(), x.get()));
    Tensor y(raw);
    check(axon_tensor_sum(&raw, y.get()));
    Tensor loss(raw);
    check(axon_tensor_backward(loss.get()));
    check(axon_tensor_grad(&raw, x.get()));
    Tensor grad(raw);
    EXPECT((values(grad) == std::vector<float>{2, 4, 6}));

    try {
        Tensor bad = make({1, 2}, {3});
        EXPECT(false);
    } catch (const Error &e) {
        EXPECT(e.status == AXON_ERR_SHAPE);
        EXPECT(std::strstr(e.what(), "[3]") != nullptr);
    }
    EXPECT(std::string(axon_status_string(AXON_ERR_SHAPE)) == "shape mismatch");

    // A model, its parameters, an optimizer and a few training steps.
    axon_model *raw_model = nullptr;
    check(axon_model_new(&raw_model, "linear 2 4; tanh; linear 4 1", 1));
    Model model(raw_model);
    std::vector<Tensor> params;
    std::vector<axon_tensor *> raw_params;
    for (size_t i = 0; i < axon_model_parameter_count_tensors(model.get()); ++i) {
        check(axon_model_parameter(&raw, model.get(), i));
        params.emplace_back(raw);
        raw_params.push_back(raw);
    }
    const char *keys[] = {"lr"};
    const double lr[] = {0.1};
    axon_optimizer *raw_opt = nullptr;
    check(axon_optimizer_new(&raw_opt, "adam", raw_params.data(), raw_params.size(), keys, lr, 1));
    Optimizer opt(raw_opt);
    Tensor inputs = make({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
    Tensor targets = make({0, 1, 1, 2}, {4, 1});
    float first = 0, last = 0;
    for (int step = 0; step < 50; ++step) {
        check(axon_train_step(&last, model.get(), opt.get(), "mse", inputs.get(), targets.get(), 0));
        if (step == 0) first = last;
    }
    EXPECT(last < first);
    size_t length = 0;
    check(axon_model_spec(model.get(), nullptr, 0, &length));  // ask for the size, then read
    std::vector<char> spec(length + 1);
    check(axon_model_spec(model.get(), spec.data(), spec.size(), nullptr));
    EXPECT(std::string(spec.data()).compare(0, 12, "sequential {") == 0);
    EXPECT(std::strlen(spec.data()) == length);

    if (failures != 0) {
        std::fprintf(stderr, "test_cxx: %d checks failed\n", failures);
        return 1;
    }
    std::printf("test_cxx: ok\n");
    return 0;
}
