/*
** test_files.c - files through include/axon.h: loads refuse a FIFO or a directory at once
** (AXON_ERR_IO, never blocking), a path that is not UTF-8 is used byte for byte, saves keep a
** replaced file's mode and a symbolic link, refuse a read-only file, leave no temporary file
** when a write fails, a file larger than the memory the process may use is AXON_ERR_MEMORY,
** and failed restores change nothing. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic
** by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPEC "linear 2 8; batchnorm1d 8; dropout 0.2; linear 8 2"
#define MAX_STATE 256

static char dir[64];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The number of entries of `dir` (besides . and ..); the first name goes to `first`. */
static int entries(char *first, size_t capacity) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL) return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n++ == 0 && first != NULL) snprintf(first, capacity, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static int same_state(const axon_model *a, const axon_model *b) {
    float va[MAX_STATE], vb[MAX_STATE];
    size_t na = state_values(a, va, MAX_STATE), nb = state_values(b, vb, MAX_STATE);
    return na == nb && na <= MAX_STATE && memcmp(va, vb, na * sizeof(float)) == 0
           && axon_model_is_training(a) == axon_model_is_training(b);
}

/* The bytes of the file at `path` (at most `capacity`); -1 when it cannot be read. */
static long file_bytes(const char *path, unsigned char *out, size_t capacity) {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) return -1;
    n = fread(out, 1, capacity, f);
    fclose(f);
    return (long)n;
}

static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; ++i) {
        c ^= p[i];
        for (k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static void put32(unsigned char *p, uint64_t v, int bytes) {
    int k;
    for (k = 0; k < bytes; ++k) p[k] = (unsigned char)(v >> (8 * k));
}

/* Each loader on a FIFO and on a directory: AXON_ERR_IO at once, naming what the path is. */
static void test_fifo_and_directory_are_refused_promptly(void) {
    char fifo[96];
    const char *paths[2], *kinds[2] = {"a FIFO", "a directory"};
    axon_model *m = NULL, *loaded = NULL;
    axon_tensor_file *tf = NULL;
    axon_tensor *t = NULL;
    int i;
    snprintf(fifo, sizeof fifo, "%s/pipe.axon", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    paths[0] = fifo;
    paths[1] = dir;
    CHECK_OK(axon_model_new(&m, SPEC, 1));
    alarm(20); /* a load that blocks ends the test (SIGALRM) instead of hanging it */
    for (i = 0; i < 2; ++i) {
        double start = now();
        CHECK_STATUS(axon_model_load(&loaded, paths[i]), AXON_ERR_IO);
        CHECK_ERROR_MENTIONS(kinds[i]);
        CHECK(loaded == NULL);
        CHECK_STATUS(axon_checkpoint_restore(paths[i], m, NULL, NULL), AXON_ERR_IO);
        CHECK_ERROR_MENTIONS(kinds[i]);
        CHECK_STATUS(axon_tensors_load(&tf, paths[i]), AXON_ERR_IO);
        CHECK_ERROR_MENTIONS("not a regular file");
        CHECK_STATUS(axon_tensor_load_idx(&t, paths[i], 1), AXON_ERR_IO);
        CHECK_ERROR_MENTIONS(kinds[i]);
        CHECK(now() - start < 1.0);
    }
    alarm(0);
    unlink(fifo);
    axon_model_free(m);
}

/* "a\xff.axon" is saved under exactly that name and loads back; its UTF-8 repair does not. */
static void test_path_that_is_not_utf8(void) {
    char path[96], repaired[96], name[64];
    const char *names[1] = {"w"};
    axon_model *m = NULL, *loaded = NULL, *other = NULL;
    axon_tensor_file *tf = NULL;
    axon_tensor *w = NULL;
    const int64_t shape[1] = {3};
    const float values[3] = {1, 2, 3};
    snprintf(path, sizeof path, "%s/a\xff.axon", dir);
    snprintf(repaired, sizeof repaired, "%s/a\xef\xbf\xbd.axon", dir);
    CHECK_OK(axon_model_new(&m, SPEC, 2));
    CHECK_OK(axon_model_save(m, path));
    CHECK(entries(name, sizeof name) == 1 && strcmp(name, "a\xff.axon") == 0);
    CHECK_OK(axon_model_load(&loaded, path));
    CHECK(loaded != NULL && same_state(loaded, m));
    CHECK_STATUS(axon_model_load(&other, repaired), AXON_ERR_IO);
    CHECK_OK(axon_model_new(&other, SPEC, 3));
    CHECK_OK(axon_checkpoint_save(path, m, NULL, NULL));
    CHECK_OK(axon_checkpoint_restore(path, other, NULL, NULL));
    CHECK(same_state(other, m));
    w = make(values, 3, shape, 1, 0);
    CHECK_OK(axon_tensors_save(path, names, &w, 1, "text"));
    CHECK_OK(axon_tensors_load(&tf, path));
    CHECK(axon_tensor_file_count(tf) == 1);
    CHECK(entries(name, sizeof name) == 1 && strcmp(name, "a\xff.axon") == 0);
    unlink(path);
    axon_tensor_file_free(tf);
    axon_tensor_free(w);
    axon_model_free(m);
    axon_model_free(loaded);
    axon_model_free(other);
}

/* A replaced file keeps its mode; a link stays a link and its target is replaced; a
** read-only file is not replaced. */
static void test_modes_links_and_read_only_files(void) {
    char path[96], link[96], target[96], copy[96];
    unsigned char before[4096], after[4096], expected[4096];
    long n_before, n_after, n_expected;
    struct stat info;
    axon_model *a = NULL, *b = NULL;
    snprintf(path, sizeof path, "%s/model.axon", dir);
    snprintf(link, sizeof link, "%s/link.axon", dir);
    snprintf(copy, sizeof copy, "%s/copy.axon", dir);
    CHECK_OK(axon_model_new(&a, SPEC, 4));
    CHECK_OK(axon_model_new(&b, SPEC, 5));
    CHECK_OK(axon_model_save(a, path));
    CHECK(chmod(path, 0640) == 0);
    CHECK_OK(axon_model_save(b, path));
    CHECK(stat(path, &info) == 0 && (info.st_mode & 07777) == 0640);

    CHECK(symlink("model.axon", link) == 0);
    CHECK_OK(axon_model_save(a, link));
    CHECK(lstat(link, &info) == 0 && S_ISLNK(info.st_mode));
    memset(target, 0, sizeof target);
    CHECK(readlink(link, target, sizeof target - 1) == 10 && strcmp(target, "model.axon") == 0);
    CHECK_OK(axon_model_save(a, copy));
    n_after = file_bytes(path, after, sizeof after);
    n_expected = file_bytes(copy, expected, sizeof expected);
    CHECK(n_after > 0 && n_after == n_expected && memcmp(after, expected, (size_t)n_after) == 0);
    CHECK(stat(path, &info) == 0 && (info.st_mode & 07777) == 0640);

    CHECK(chmod(path, 0444) == 0);
    n_before = file_bytes(path, before, sizeof before);
    CHECK_STATUS(axon_model_save(b, path), AXON_ERR_IO);
    CHECK_ERROR_MENTIONS("read-only");
    CHECK_STATUS(axon_checkpoint_save(link, b, NULL, NULL), AXON_ERR_IO);
    n_after = file_bytes(path, after, sizeof after);
    CHECK(n_before > 0 && n_after == n_before && memcmp(after, before, (size_t)n_after) == 0);
    CHECK(entries(NULL, 0) == 3); /* model.axon, link.axon, copy.axon: no temporary */
    unlink(path);
    unlink(link);
    unlink(copy);
    axon_model_free(a);
    axon_model_free(b);
}

/* In a child process whose files may not grow past 4 KiB (RLIMIT_FSIZE): a save that fails
** while writing returns AXON_ERR_IO, leaves the previous file and no temporary. */
static int child_write_error(void) {
    char path[96], name[64];
    axon_model *small = NULL, *big = NULL, *loaded = NULL;
    struct rlimit limit = {4096, 4096};
    snprintf(path, sizeof path, "%s/limited.axon", dir);
    signal(SIGXFSZ, SIG_IGN); /* write() then fails with EFBIG instead of killing the process */
    CHECK(setrlimit(RLIMIT_FSIZE, &limit) == 0);
    CHECK_OK(axon_model_new(&small, "linear 2 2", 1));
    CHECK_OK(axon_model_new(&big, "linear 64 64", 1)); /* 16 KiB of weights */
    CHECK_OK(axon_model_save(small, path));
    CHECK_STATUS(axon_model_save(big, path), AXON_ERR_IO);
    CHECK_ERROR_MENTIONS("writing");
    CHECK(entries(name, sizeof name) == 1 && strcmp(name, "limited.axon") == 0);
    CHECK_OK(axon_model_load(&loaded, path));
    CHECK(loaded != NULL && same_state(loaded, small));
    unlink(path);
    axon_model_free(small);
    axon_model_free(big);
    axon_model_free(loaded);
    return failures;
}

/* In a child process that may not map more than 512 MiB beyond what it uses (RLIMIT_AS): a
** valid file whose parameters section is 2 GiB (sparse) is AXON_ERR_MEMORY. */
static int child_out_of_memory(void) {
    char path[96];
    unsigned char head[88];
    const uint64_t length = (uint64_t)2 << 30;
    unsigned long pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    struct rlimit limit;
    axon_model *warm = NULL, *loaded = NULL;
    int fd;
    snprintf(path, sizeof path, "%s/huge.axon", dir);
    memset(head, 0, sizeof head);
    memcpy(head, "\x8a" "AXON\r\n\x1a", 8);
    put32(head + 8, 1, 4);
    put32(head + 12, 2, 4);
    memcpy(head + 16, "ARCH", 4);
    put32(head + 20, 1, 4);
    put32(head + 24, 1, 4);
    put32(head + 28, crc32((const unsigned char *)"relu", 4), 4);
    put32(head + 32, 84, 8);
    put32(head + 40, 4, 8);
    memcpy(head + 48, "PARM", 4);
    put32(head + 52, 1, 4);
    put32(head + 56, 1, 4);
    put32(head + 64, 88, 8);
    put32(head + 72, length, 8);
    put32(head + 80, crc32(head, 80), 4);
    memcpy(head + 84, "relu", 4);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, head, sizeof head) == (ssize_t)sizeof head);
    CHECK(ftruncate(fd, (off_t)(sizeof head + length)) == 0);
    close(fd);
    CHECK_OK(axon_model_new(&warm, "relu", 1)); /* the library is running before the limit */
    CHECK(statm != NULL && fscanf(statm, "%lu", &pages) == 1);
    if (statm != NULL) fclose(statm);
    limit.rlim_cur = limit.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)512 << 20);
    CHECK(setrlimit(RLIMIT_AS, &limit) == 0);
    CHECK_STATUS(axon_model_load(&loaded, path), AXON_ERR_MEMORY);
    CHECK_ERROR_MENTIONS("'PARM'");
    CHECK(loaded == NULL);
    unlink(path);
    axon_model_free(warm);
    return failures;
}

/* Runs `body` in a child process; it passes when the child exits with status 0. */
static void in_child(int (*body)(void), const char *name) {
    int status = 0;
    pid_t pid;
    fflush(NULL);
    pid = fork();
    if (pid == 0) _exit(body() == 0 ? 0 : 1);
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        fprintf(stderr, "test_files: %s failed in the child (status %d)\n", name, status);
        ++failures;
    }
    ++checks;
}

/* A checkpoint restore that fails (an optimizer of another kind, a missing section) and a
** state load with a wrong last shape leave the model bit for bit as it was. */
static void test_failed_restores_change_nothing(void) {
    char path[96];
    float features[2 * N_SAMPLES], targets[N_SAMPLES], loss;
    const int64_t sx[2] = {N_SAMPLES, 2}, sy[1] = {N_SAMPLES}, one[1] = {1};
    const char *keys[1] = {"lr"};
    const double values[1] = {0.05};
    axon_model *saved = NULL, *other = NULL;
    axon_optimizer *adam = NULL, *sgd = NULL;
    axon_tensor **params, *x, *y, *state[16], *wrong;
    const char *names[16];
    char name_buf[16][32];
    size_t n, i, count;
    int step;
    snprintf(path, sizeof path, "%s/run.axon", dir);
    make_problem(features, targets, 9);
    x = make(features, 2 * N_SAMPLES, sx, 2, 0);
    y = make(targets, N_SAMPLES, sy, 1, 0);
    CHECK_OK(axon_model_new(&saved, SPEC, 6));
    params = parameters(saved, &n);
    CHECK_OK(axon_optimizer_new(&adam, "adam", params, n, keys, values, 1));
    free_all(params, n);
    for (step = 0; step < 3; ++step) CHECK_OK(axon_train_step(&loss, saved, adam, "cross_entropy", x, y, 0));
    CHECK_OK(axon_checkpoint_save(path, saved, adam, NULL));

    CHECK_OK(axon_model_new(&other, SPEC, 7));
    CHECK_OK(axon_model_train(other, 0));
    params = parameters(other, &n);
    CHECK_OK(axon_optimizer_new(&sgd, "sgd", params, n, keys, values, 1));
    free_all(params, n);
    {
        axon_model *copy = NULL;
        CHECK_OK(axon_model_new(&copy, SPEC, 7));
        CHECK_OK(axon_model_train(copy, 0));
        CHECK_STATUS(axon_checkpoint_restore(path, other, sgd, NULL), AXON_ERR_FORMAT);
        CHECK_ERROR_MENTIONS("'OPTM'");
        CHECK(same_state(other, copy));
        CHECK_OK(axon_checkpoint_save(path, saved, NULL, NULL)); /* no optimizer section */
        CHECK_STATUS(axon_checkpoint_restore(path, other, sgd, NULL), AXON_ERR_FORMAT);
        CHECK_ERROR_MENTIONS("no optimizer section");
        CHECK(same_state(other, copy));

        count = axon_model_state_count(saved);
        CHECK(count <= 16);
        for (i = 0; i < count && i < 16; ++i) {
            CHECK_OK(axon_model_state_name(saved, i, name_buf[i], sizeof name_buf[i], NULL));
            names[i] = name_buf[i];
            CHECK_OK(axon_model_state_tensor(&state[i], saved, i));
        }
        wrong = make(features, 1, one, 1, 0); /* [1] for a tensor of shape [2] */
        {
            axon_tensor *last = state[count - 1];
            state[count - 1] = wrong;
            CHECK_STATUS(axon_model_load_state(other, names, state, count, 1), AXON_ERR_SHAPE);
            CHECK(same_state(other, copy));
            state[count - 1] = last;
        }
        CHECK_OK(axon_model_load_state(other, names, state, count, 1));
        CHECK(!same_state(other, copy));
        for (i = 0; i < count; ++i) axon_tensor_free(state[i]);
        axon_tensor_free(wrong);
        axon_model_free(copy);
    }
    unlink(path);
    axon_optimizer_free(adam);
    axon_optimizer_free(sgd);
    axon_model_free(saved);
    axon_model_free(other);
    axon_tensor_free(x);
    axon_tensor_free(y);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/axon_test_files_XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    /* First, before this process runs any library code: the children inherit nothing running. */
    in_child(child_write_error, "a write error");
    in_child(child_out_of_memory, "a file larger than the memory allowed");
    test_fifo_and_directory_are_refused_promptly();
    test_path_that_is_not_utf8();
    test_modes_links_and_read_only_files();
    test_failed_restores_change_nothing();
    CHECK(entries(NULL, 0) == 0);
    rmdir(dir);
    return report("test_files");
}
