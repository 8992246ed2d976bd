/*
** test_safetensors.c - safetensors through include/axon.h: a model's state saved and loaded
** into another model bit for bit, renames, strictness, a misshaped tensor changing nothing,
** named tensors with integer counters and metadata, and hostile files refused with
** AXON_ERR_FORMAT. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <unistd.h>

static char path[80];

static void write_bytes(const char *p, const char *bytes, size_t n) {
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(bytes, 1, n, f) == n);
        fclose(f);
    }
}

static void test_model_round_trip(void) {
    const char *spec = "linear 3 4; batchnorm1d 4; relu; linear 4 2";
    axon_model *a = NULL, *b = NULL;
    float va[512], vb[512];
    size_t na, nb;
    const char *from[1] = {"3.bias"}, *to[1] = {"3.weight"};
    CHECK_OK(axon_model_new(&a, spec, 1));
    CHECK_OK(axon_model_new(&b, spec, 2));
    CHECK_OK(axon_model_save_safetensors(a, path));
    na = state_values(a, va, 512);
    nb = state_values(b, vb, 512);
    CHECK(na == nb && memcmp(va, vb, na * sizeof(float)) != 0);
    CHECK_OK(axon_model_load_safetensors(b, path, 1, NULL, NULL, 0));
    nb = state_values(b, vb, 512);
    CHECK(na == nb && memcmp(va, vb, na * sizeof(float)) == 0);

    /* A rename that makes a shape differ changes nothing; strictness names the keys. */
    {
        axon_model *c = NULL;
        float before[512], after[512];
        CHECK_OK(axon_model_new(&c, spec, 3));
        state_values(c, before, 512);
        CHECK_STATUS(axon_model_load_safetensors(c, path, 0, from, to, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("3.weight");
        state_values(c, after, 512);
        CHECK(memcmp(before, after, na * sizeof(float)) == 0);
        axon_model_free(c);
    }
    {
        axon_model *other = NULL;
        CHECK_OK(axon_model_new(&other, "linear 3 4", 4));
        CHECK_STATUS(axon_model_load_safetensors(other, path, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("unexpected keys");
        CHECK_OK(axon_model_load_safetensors(other, path, 0, NULL, NULL, 0)); /* 0.weight, 0.bias only */
        axon_model_free(other);
    }
    CHECK_STATUS(axon_model_load_safetensors(b, path, 2, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_load_safetensors(NULL, path, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_load_safetensors(b, "/nonexistent/x.safetensors", 1, NULL, NULL, 0), AXON_ERR_IO);
    CHECK_STATUS(axon_model_save_safetensors(a, "/nonexistent/dir/x.safetensors"), AXON_ERR_IO);
    CHECK_STATUS(axon_model_save_safetensors(NULL, path), AXON_ERR_INVALID_ARGUMENT);
    axon_model_free(a);
    axon_model_free(b);
}

static void test_named_tensors(void) {
    const float w[3] = {0.5f, -1.0f, 2.0f}, steps[1] = {7.0f};
    const int64_t s3[1] = {3};
    axon_tensor *t[2];
    const char *names[2] = {"w", "steps"}, *keys[1] = {"format"}, *values[1] = {"pt"};
    const int integer[2] = {0, 1}, bad[2] = {0, 2};
    axon_tensor_file *file = NULL;
    axon_tensor *got = NULL;
    char text[256], name[16];
    t[0] = make(w, 3, s3, 1, 0);
    t[1] = make(steps, 1, NULL, 0, 0);
    CHECK_OK(axon_safetensors_save(path, names, t, integer, 2, keys, values, 1));
    CHECK_OK(axon_safetensors_load(&file, path));
    CHECK(axon_tensor_file_count(file) == 2);
    CHECK_OK(axon_tensor_file_name(file, 1, name, sizeof name, NULL));
    CHECK(strcmp(name, "steps") == 0);
    CHECK_OK(axon_tensor_file_tensor(&got, file, 0));
    CHECK(holds(got, w, 3));
    axon_tensor_free(got);
    CHECK_OK(axon_tensor_file_tensor(&got, file, 1));
    CHECK(holds(got, steps, 1) && axon_tensor_rank(got) == 0);
    axon_tensor_free(got);
    CHECK_OK(axon_tensor_file_text(file, text, sizeof text, NULL));
    CHECK(strcmp(text, "{\"metadata\":{\"format\":\"pt\"},\"integers\":[\"steps\"]}") == 0);
    axon_tensor_file_free(file);
    CHECK_STATUS(axon_safetensors_save(path, names, t, bad, 2, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    names[1] = "w";
    CHECK_STATUS(axon_safetensors_save(path, names, t, NULL, 2, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("twice");
    CHECK_STATUS(axon_safetensors_load(NULL, path), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(t[0]);
    axon_tensor_free(t[1]);
}

/* A file of an 8-byte header length `length`, the text `header`, then `data` zero bytes. */
static void write_file(unsigned long long length, const char *header, size_t data) {
    char bytes[512];
    size_t i, n = strlen(header);
    for (i = 0; i < 8; ++i) bytes[i] = (char)((length >> (8 * i)) & 0xff);
    memcpy(bytes + 8, header, n);
    memset(bytes + 8 + n, 0, data);
    write_bytes(path, bytes, 8 + n + data);
}

/* Hostile files: each refused with AXON_ERR_FORMAT, the handle NULL. */
static void test_hostile_files(void) {
    static const struct { const char *what; const char *header; size_t data; int past; } cases[] = {
        {"header past the file", "{}", 0, 1},
        {"not JSON", "nope", 0, 0},
        {"unknown dtype", "{\"a\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 0},
        {"offsets out of range", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, 0},
        {"shape disagrees", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, 0},
        {"a gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, 0},
        {"overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                    "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 0},
        {"deep nesting", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 0, 0},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        axon_tensor_file *file = (axon_tensor_file *)1;
        size_t n = strlen(cases[i].header);
        write_file(cases[i].past ? 1000 : n, cases[i].header, cases[i].data);
        if (axon_safetensors_load(&file, path) != AXON_ERR_FORMAT) {
            fprintf(stderr, "hostile file '%s' was not refused with AXON_ERR_FORMAT\n", cases[i].what);
            CHECK(0);
        }
        CHECK(file == NULL);
    }
}

int main(void) {
    snprintf(path, sizeof path, "/tmp/axon_test_safetensors_%ld.safetensors", (long)getpid());
    test_model_round_trip();
    test_named_tensors();
    test_hostile_files();
    remove(path);
    return report("test_safetensors");
}
