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

    if (failures != 0) {
        std::fprintf(stderr, "test_cxx: %d checks failed\n", failures);
        return 1;
    }
    std::printf("test_cxx: ok\n");
    return 0;
}
