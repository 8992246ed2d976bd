/*
** test_tensor_file.c - tensor files through include/axon.h: named tensors and a text saved
** without a model and read back bit for bit, in order; a model file and a tensor file refuse
** each other's loader with AXON_ERR_FORMAT; bad arguments. Built with gcc -std=c99 -Wall
** -Wextra -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <unistd.h>

int main(void) {
    char path[64], model_path[64], name[32], text[64];
    const float a[6] = {1.5f, -2.0f, 3.25f, 0.0f, 1e-7f, -1e30f}, b[1] = {42.0f};
    const int64_t sa[2] = {2, 3};
    axon_tensor *ta = make(a, 6, sa, 2, 1), *tb = make(b, 1, NULL, 0, 0), *got = NULL;
    axon_tensor *tensors[2];
    const char *names[2] = {"fc1.weight", "epoch"}, *twice[2] = {"x", "x"};
    axon_tensor_file *file = NULL;
    axon_model *m = NULL;
    size_t length = 0;
    tensors[0] = ta;
    tensors[1] = tb;
    snprintf(path, sizeof path, "/tmp/axon_test_tensors_%ld.axon", (long)getpid());
    snprintf(model_path, sizeof model_path, "/tmp/axon_test_tmodel_%ld.axon", (long)getpid());

    CHECK_OK(axon_tensors_save(path, names, tensors, 2, "{\"step\": 7}"));
    CHECK_OK(axon_tensors_load(&file, path));
    CHECK(axon_tensor_file_count(file) == 2);
    CHECK_OK(axon_tensor_file_name(file, 0, name, sizeof name, &length));
    CHECK(strcmp(name, "fc1.weight") == 0 && length == 10);
    CHECK_OK(axon_tensor_file_name(file, 1, name, sizeof name, NULL));
    CHECK(strcmp(name, "epoch") == 0);
    CHECK_OK(axon_tensor_file_text(file, text, sizeof text, &length));
    CHECK(strcmp(text, "{\"step\": 7}") == 0 && length == 11);
    CHECK_OK(axon_tensor_file_tensor(&got, file, 0));
    {
        float back[6];
        CHECK(has_shape(got, sa, 2) && !axon_tensor_requires_grad(got));
        CHECK_OK(axon_tensor_copy_data(got, back, 6));
        CHECK(memcmp(back, a, sizeof a) == 0);
    }
    axon_tensor_free(got);
    CHECK_OK(axon_tensor_file_tensor(&got, file, 1));
    CHECK(axon_tensor_rank(got) == 0 && holds(got, b, 1));
    axon_tensor_free(got);
    got = (axon_tensor *)1;
    CHECK_STATUS(axon_tensor_file_tensor(&got, file, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK(got == NULL);
    CHECK_STATUS(axon_tensor_file_name(file, 2, name, sizeof name, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_file_free(file);

    /* No text reads back as "", no tensors is a valid file. */
    CHECK_OK(axon_tensors_save(path, NULL, NULL, 0, NULL));
    CHECK_OK(axon_tensors_load(&file, path));
    CHECK(axon_tensor_file_count(file) == 0);
    CHECK_OK(axon_tensor_file_text(file, text, sizeof text, &length));
    CHECK(text[0] == '\0' && length == 0);
    axon_tensor_file_free(file);

    /* A model file is not a tensor file and the other way round. */
    CHECK_OK(axon_model_new(&m, "linear 2 2", 1));
    CHECK_OK(axon_model_save(m, model_path));
    file = (axon_tensor_file *)1;
    CHECK_STATUS(axon_tensors_load(&file, model_path), AXON_ERR_FORMAT);
    CHECK(file == NULL);
    CHECK_ERROR_MENTIONS("ARCH"); /* the model file's required section */
    axon_model_free(m);
    m = NULL;
    CHECK_OK(axon_tensors_save(path, names, tensors, 2, NULL));
    CHECK_STATUS(axon_model_load(&m, path), AXON_ERR_FORMAT);
    CHECK(m == NULL);

    /* Bad arguments change nothing. */
    CHECK_STATUS(axon_tensors_save(path, twice, tensors, 2, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("given twice");
    CHECK_STATUS(axon_tensors_save(NULL, names, tensors, 2, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensors_save(path, NULL, tensors, 2, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensors_save("/nonexistent/dir/t.axon", names, tensors, 2, NULL), AXON_ERR_IO);
    CHECK_STATUS(axon_tensors_load(NULL, path), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensors_load(&file, "/nonexistent/t.axon"), AXON_ERR_IO);
    CHECK(axon_tensor_file_count(NULL) == 0);
    CHECK_STATUS(axon_tensor_file_text(NULL, text, sizeof text, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_file_free(NULL);
    CHECK_OK(axon_tensors_load(&file, path));
    CHECK(axon_tensor_file_count(file) == 2);
    axon_tensor_file_free(file);

    axon_tensor_free(ta);
    axon_tensor_free(tb);
    remove(path);
    remove(model_path);
    {
        size_t live = 1;
        CHECK_OK(axon_live_handles(&live, "axon_tensor_file"));
        CHECK(live == 0);
    }
    return report("test_tensor_file");
}
