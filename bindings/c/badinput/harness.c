/*
** harness.c - the runner of the bad-input matrix (see harness.h): collects the cases, runs
** each in a forked child with a time limit and an address-space limit, classifies how it
** ended, and prints one line per function of include/axon.h and a summary to stdout. The
** findings go to stderr. Exits 1 when there is a finding or a function without a case, unless
** AXON_MATRIX_REPORT_ONLY=1.
**
** Environment:
**   AXON_MATRIX_HEADER       the header whose functions need cases (default include/axon.h)
**   AXON_MATRIX_JOBS         children run at once (default 8)
**   AXON_MATRIX_ONLY         run only the cases of this function
**   AXON_MATRIX_REPORT_ONLY  1: report the findings but exit 0
**   AXON_MATRIX_KEEP         1: keep the scratch directory
**   AXON_MATRIX_VERBOSE      set: every case, its exit code, time and message to stderr
**   AXON_MATRIX_BACKTRACE    1: a Swift backtrace for each crash, its first frame in the report
*/
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

/* ---- Collecting cases -------------------------------------------------------------------- */

static void (*const groups[])(void) = {
    cases_runtime, cases_tensor, cases_tensor_grad, cases_elementwise, cases_reduce, cases_shape,
    cases_window, cases_creation, cases_inplace, cases_model, cases_model_tree, cases_optim,
    cases_optim_options, cases_sched, cases_train, cases_fit, cases_checkpoint, cases_data, cases_files,
    cases_safetensors, cases_empty, cases_replicas, cases_replicas_train,
};

matrix_case *cases = NULL;
size_t n_cases = 0;
static size_t cases_capacity = 0;
static int running_child = 0; /* 1 in a child: CASE enters only the chosen body */
static size_t chosen = 0, cursor = 0;

int case_begin(const char *function, const char *label, unsigned expect, int timeout_ms) {
    matrix_case *c;
    if (running_child) return cursor++ == chosen;
    if (n_cases == cases_capacity) {
        cases_capacity = cases_capacity ? 2 * cases_capacity : 1024;
        cases = (matrix_case *)realloc(cases, cases_capacity * sizeof *cases);
        if (!cases) { perror("realloc"); exit(2); }
    }
    c = &cases[n_cases++];
    memset(c, 0, sizeof *c);
    c->function = function;
    c->label = strdup(label);
    c->expect = expect;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
    return 0;
}

void finish(int code) {
    if (code > AXON_OK && code <= LAST_STATUS) fprintf(stderr, "last error: %s\n", axon_last_error());
    fflush(NULL);
    _exit(code);
}

void skip_case(const char *why) {
    fprintf(stderr, "skipped: %s (last error: \"%s\")\n", why, axon_last_error());
    finish(R_SKIP);
}

void setup_fail(const char *what) {
    fprintf(stderr, "setup failed: %s (last error: \"%s\")\n", what, axon_last_error());
    finish(R_SETUP);
}

/* ---- Running one case in a child ----------------------------------------------------------- */

static char scratch[PATH_MAX];

static void case_dir(size_t i, char *buf, size_t n) { snprintf(buf, n, "%s/case%zu", scratch, i); }

static void child(size_t i) {
    char dir[PATH_MAX + 32], log[PATH_MAX + 48];
    struct rlimit as = {(rlim_t)3 << 30, (rlim_t)3 << 30}, core = {0, 0};
    size_t g;
    int fd;
    setpgid(0, 0);
    setrlimit(RLIMIT_AS, &as);
    setrlimit(RLIMIT_CORE, &core);
    case_dir(i, dir, sizeof dir);
    snprintf(log, sizeof log, "%s.log", dir);
    fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || mkdir(dir, 0700) != 0 || chdir(dir) != 0) _exit(R_SETUP);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    alarm((unsigned)(cases[i].timeout_ms / 1000 + 5)); /* a backstop; the parent kills first */
    running_child = 1;
    chosen = i;
    for (g = 0; g < sizeof groups / sizeof *groups; ++g) groups[g]();
    fprintf(stderr, "the case body did not end with END\n");
    finish(R_FELL);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* "Shape.strides(_:) (Shape.swift:24:15)" from a backtrace frame
   "  1   0x00007f... specialized static Shape.strides(_:) + 237 in libaxon.so at /.../Shape.swift:24:15". */
static void frame_site(const char *line, const char *at, char *site, size_t n) {
    const char *name = strstr(line, " 0x"), *end, *file = strrchr(at, '/');
    if (!name || !file) return;
    name = strchr(name + 1, ' ');
    if (!name) return;
    ++name;
    end = strstr(name, " + ");
    if (!end || end > at) end = strstr(name, " in ");
    if (!end || end > at) end = at;
    snprintf(site, n, "%.*s (%s)", (int)(end - name), name, file + 1);
}

/* The most telling line the child wrote, for the report: a Swift runtime error first, then a
   fixture that failed, then the library's last error message, else the first line. With a
   Swift backtrace (AXON_MATRIX_BACKTRACE=1) the first frame in the library's sources is added. */
static void read_message(size_t i) {
    static const char *const marks[5] = {"Fatal error", "runtime failure", "Program crashed", "setup failed",
                                         "last error: "};
    char dir[PATH_MAX + 32], log[PATH_MAX + 48], line[1024], site[512] = "";
    int best = 6;
    FILE *f;
    case_dir(i, dir, sizeof dir);
    snprintf(log, sizeof log, "%s.log", dir);
    f = fopen(log, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        int rank = 5, m;
        char *text, *at;
        line[n] = 0;
        if (n == 0) continue;
        at = strstr(line, " at /");
        if (!site[0] && at && strstr(at, ".swift:")) frame_site(line, at, site, sizeof site);
        for (m = 4; m >= 0; --m) {
            if (strstr(line, marks[m])) rank = m;
        }
        if (rank < best) {
            text = strstr(line, marks[rank < 5 ? rank : 0]);
            best = rank;
            free(cases[i].message);
            cases[i].message = strdup(rank < 3 && text ? text : line);
            n = strlen(cases[i].message);
            if (n > 4 && strcmp(cases[i].message + n - 4, " ***") == 0) cases[i].message[n - 4] = 0;
        }
    }
    fclose(f);
    if (site[0]) {
        size_t n = (cases[i].message ? strlen(cases[i].message) : 0) + strlen(site) + 8;
        char *both = (char *)malloc(n);
        snprintf(both, n, "%s; at %s", cases[i].message ? cases[i].message : "", site);
        free(cases[i].message);
        cases[i].message = both;
    }
}

static void remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[PATH_MAX * 2];
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void classify(matrix_case *c, int wstatus) {
    unsigned bit;
    int code;
    if (WIFSIGNALED(wstatus)) {
        c->outcome = WTERMSIG(wstatus) == SIGALRM ? O_HANG : O_CRASH;
        c->detail = WTERMSIG(wstatus);
        return;
    }
    code = WEXITSTATUS(wstatus);
    c->detail = code;
    if (code == R_SETUP) { c->outcome = O_SETUP; return; }
    if (code == R_BADVAL) { c->outcome = O_WRONG_RESULT; return; }
    if (code == R_FELL) { c->outcome = O_SETUP; return; }
    if (code == R_SKIP) { c->outcome = O_SKIPPED; return; }
    if (code > LAST_STATUS && code != R_VOID) { c->outcome = O_EXIT; return; }
    bit = code == R_VOID ? X_VOID : 1u << code;
    if (c->expect & bit) c->outcome = O_OK;
    else if (c->expect & X_CONTROL) c->outcome = O_CONTROL;
    else if (code == AXON_OK) c->outcome = O_UNEXPECTED;
    else c->outcome = O_WRONG_STATUS;
}

typedef struct { pid_t pid; size_t index; double start; } slot;

/* Runs the cases whose `selected` flag is set, `jobs` children at a time. */
static void run_batch(int jobs, int verbose);

/* The cases with a time limit below the default run first, one at a time, so that the load of
   the others does not count against it; then the rest, `jobs` at a time. */
static void run_all(int jobs, int verbose) {
    size_t i;
    int *was = (int *)calloc(n_cases ? n_cases : 1, sizeof *was);
    for (i = 0; i < n_cases; ++i) {
        was[i] = cases[i].selected;
        cases[i].selected = was[i] && cases[i].timeout_ms < DEFAULT_TIMEOUT_MS;
    }
    run_batch(1, verbose);
    for (i = 0; i < n_cases; ++i) cases[i].selected = was[i] && cases[i].timeout_ms >= DEFAULT_TIMEOUT_MS;
    run_batch(jobs, verbose);
    for (i = 0; i < n_cases; ++i) cases[i].selected = was[i];
    free(was);
}

static void run_batch(int jobs, int verbose) {
    slot *slots = (slot *)calloc((size_t)jobs, sizeof *slots);
    size_t next = 0, done = 0, total = 0, i;
    int active = 0, s;
    for (i = 0; i < n_cases; ++i) total += cases[i].selected;
    while (done < total) {
        while (active < jobs && next < n_cases) {
            pid_t pid;
            if (!cases[next].selected) { ++next; continue; }
            fflush(NULL);
            pid = fork();
            if (pid < 0) { perror("fork"); exit(2); }
            if (pid == 0) child(next);
            for (s = 0; s < jobs; ++s) {
                if (slots[s].pid == 0) break;
            }
            slots[s].pid = pid;
            slots[s].index = next++;
            slots[s].start = now_ms();
            ++active;
        }
        for (s = 0; s < jobs; ++s) {
            int wstatus;
            pid_t r;
            matrix_case *c;
            if (slots[s].pid == 0) continue;
            c = &cases[slots[s].index];
            r = waitpid(slots[s].pid, &wstatus, WNOHANG);
            if (r == 0) {
                double elapsed = now_ms() - slots[s].start;
                if (elapsed < c->timeout_ms) continue;
                kill(-slots[s].pid, SIGKILL);
                kill(slots[s].pid, SIGKILL);
                waitpid(slots[s].pid, &wstatus, 0);
                c->outcome = O_HANG;
            } else if (r < 0) {
                c->outcome = O_EXIT;
                c->detail = -1;
            } else {
                classify(c, wstatus);
            }
            kill(-slots[s].pid, SIGKILL); /* anything the child left behind */
            c->elapsed_ms = now_ms() - slots[s].start;
            if ((c->outcome != O_OK && c->outcome != O_SKIPPED) || verbose) read_message(slots[s].index);
            if (verbose) {
                fprintf(stderr, "%s [%s]: %s code %d, %.3f s%s%s\n", c->function, c->label,
                        c->outcome == O_OK ? "ok" : c->outcome == O_SKIPPED ? "skipped" : "FINDING", c->detail,
                        c->elapsed_ms / 1000,
                        c->message ? " -- " : "", c->message ? c->message : "");
            }
            if (!getenv("AXON_MATRIX_KEEP")) {
                char dir[PATH_MAX + 32], log[PATH_MAX + 48];
                case_dir(slots[s].index, dir, sizeof dir);
                snprintf(log, sizeof log, "%s.log", dir);
                remove_tree(dir);
                unlink(log);
            }
            slots[s].pid = 0;
            --active;
            ++done;
        }
        if (active == jobs || next >= n_cases) {
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
    }
    free(slots);
}

int main(int argc, char **argv) {
    const char *header = getenv("AXON_MATRIX_HEADER");
    const char *only = getenv("AXON_MATRIX_ONLY");
    const char *jobs_env = getenv("AXON_MATRIX_JOBS");
    const char *tmp = getenv("TMPDIR");
    int report_only = getenv("AXON_MATRIX_REPORT_ONLY") && strcmp(getenv("AXON_MATRIX_REPORT_ONLY"), "1") == 0;
    int jobs = jobs_env ? atoi(jobs_env) : 8;
    double start = now_ms();
    size_t g, i;
    int failed;
    (void)argc;
    /* The Swift runtime reads SWIFT_BACKTRACE when the library loads: a crash should end the
       child at once instead of symbolicating for seconds, so the program restarts itself. */
    if (!getenv("SWIFT_BACKTRACE")) {
        const char *bt = getenv("AXON_MATRIX_BACKTRACE");
        setenv("SWIFT_BACKTRACE", bt && strcmp(bt, "1") == 0 ? "enable=yes,interactive=no,color=no" : "enable=no", 1);
        execv("/proc/self/exe", argv);
    }
    if (jobs < 1) jobs = 1;
    for (g = 0; g < sizeof groups / sizeof *groups; ++g) groups[g]();
    if (load_header_functions(header ? header : "include/axon.h") != 0) return 2;
    for (i = 0; i < n_cases; ++i) cases[i].selected = !only || strcmp(cases[i].function, only) == 0;
    snprintf(scratch, sizeof scratch, "%s/axon-matrix-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch)) { perror("mkdtemp"); return 2; }
    run_all(jobs, getenv("AXON_MATRIX_VERBOSE") != NULL);
    if (!getenv("AXON_MATRIX_KEEP")) remove_tree(scratch);
    else fprintf(stderr, "scratch directory kept: %s\n", scratch);
    failed = report(only, (now_ms() - start) / 1000);
    return failed && !report_only ? 1 : 0;
}
