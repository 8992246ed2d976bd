/*
** test_save_kill.c - saves survive SIGKILL: a child process saves two versions of a model to
** one path in a loop and is killed 150 times at random moments (before, inside and between
** its saves). After each kill the file holds one of the two versions byte for byte and loads;
** the temporary file a killed save leaves is gone after the next save. Built with gcc -std=c99
** -Wall -Wextra -Werror -pedantic by run_tests.sh; takes a few seconds.
**
** Usage: test_save_kill (the test), or test_save_kill child <path> <ready-fd> (the saver).
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPEC "linear 128 256; relu; linear 256 10" /* about 140 KB per file */
#define KILLS 150
#define MAX_FILE (1 << 20)

static char dir[64];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_seconds(double s) {
    struct timespec t;
    t.tv_sec = (time_t)s;
    t.tv_nsec = (long)((s - (double)t.tv_sec) * 1e9);
    nanosleep(&t, NULL);
}

/* The number of files in `dir` besides model.axon: what saves left behind. */
static int temporaries(void) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL) return -1;
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strcmp(e->d_name, "model.axon") != 0;
    }
    closedir(d);
    return n;
}

static long file_bytes(const char *path, unsigned char *out) {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) return -1;
    n = fread(out, 1, MAX_FILE, f);
    fclose(f);
    return (long)n;
}

/* The saver: two versions of a model, saved in turn until the process is killed. */
static int child(const char *path, int ready) {
    axon_model *versions[2] = {NULL, NULL};
    unsigned long i;
    if (axon_model_new(&versions[0], SPEC, 1) != AXON_OK || axon_model_new(&versions[1], SPEC, 2) != AXON_OK) {
        return EXIT_FAILURE;
    }
    if (write(ready, "r", 1) != 1) return EXIT_FAILURE;
    close(ready);
    for (i = 0;; ++i) {
        if (axon_model_save(versions[i % 2], path) != AXON_OK) {
            fprintf(stderr, "test_save_kill child: %s\n", axon_last_error());
            return EXIT_FAILURE;
        }
    }
}

static unsigned char version_bytes[2][MAX_FILE], found[MAX_FILE];
static long version_size[2];

int main(int argc, char **argv) {
    char path[96], reference[96], fd_text[16];
    axon_model *versions[2] = {NULL, NULL}, *loaded = NULL;
    double save_time, start, window;
    uint32_t seed = (uint32_t)time(NULL);
    int k, v, orphans = 0, mid_save = 0, matched[2] = {0, 0};

    if (argc == 4 && strcmp(argv[1], "child") == 0) return child(argv[2], atoi(argv[3]));

    snprintf(dir, sizeof dir, "/tmp/axon_test_save_kill_XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    snprintf(path, sizeof path, "%s/model.axon", dir);
    snprintf(reference, sizeof reference, "%s.reference", dir);
    for (v = 0; v < 2; ++v) {
        CHECK_OK(axon_model_new(&versions[v], SPEC, (uint64_t)v + 1));
        CHECK_OK(axon_model_save(versions[v], reference));
        version_size[v] = file_bytes(reference, version_bytes[v]);
        CHECK(version_size[v] > 0 && version_size[v] < MAX_FILE);
    }
    unlink(reference);
    start = now();
    CHECK_OK(axon_model_save(versions[0], path));
    save_time = now() - start;
    /* Kills land from before the first save to a few saves in. */
    window = 4 * save_time + 0.002;

    start = now();
    for (k = 0; k < KILLS; ++k) {
        int pipefd[2], status = 0, before_kill;
        char byte;
        long n;
        pid_t pid;
        CHECK(pipe(pipefd) == 0);
        snprintf(fd_text, sizeof fd_text, "%d", pipefd[1]);
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
            char *args[5];
            args[0] = argv[0];
            args[1] = (char *)"child";
            args[2] = path;
            args[3] = fd_text;
            args[4] = NULL;
            close(pipefd[0]);
            execv("/proc/self/exe", args);
            _exit(127);
        }
        close(pipefd[1]);
        CHECK(pid > 0);
        CHECK(read(pipefd[0], &byte, 1) == 1); /* the child is about to save */
        close(pipefd[0]);
        seed = seed * 1664525u + 1013904223u;
        sleep_seconds(window * (double)(seed >> 8) / 16777216.0);
        CHECK(kill(pid, SIGKILL) == 0);
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        /* The file is one whole version, and it loads. */
        n = file_bytes(path, found);
        for (v = 0; v < 2; ++v) {
            if (n == version_size[v] && memcmp(found, version_bytes[v], (size_t)n) == 0) break;
        }
        CHECK(v < 2);
        if (v < 2) ++matched[v];
        CHECK_OK(axon_model_load(&loaded, path));
        axon_model_free(loaded);
        loaded = NULL;

        /* What a killed save left is removed by the next save. */
        before_kill = temporaries();
        orphans += before_kill;
        mid_save += before_kill > 0;
        CHECK_OK(axon_model_save(versions[k % 2], path));
        CHECK(temporaries() == 0);
    }
    printf("test_save_kill: %d kills in %.1f s (save %.1f ms), %d left a temporary (%d in all), "
           "file was version 1 %d and version 2 %d times\n",
           KILLS, now() - start, save_time * 1e3, mid_save, orphans, matched[0], matched[1]);
    CHECK(mid_save > 0); /* some kills did land inside a save */
    unlink(path);
    CHECK(rmdir(dir) == 0); /* nothing else is left in the directory */
    axon_model_free(versions[0]);
    axon_model_free(versions[1]);
    return report("test_save_kill");
}
