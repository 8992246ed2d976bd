/*
** harness.h - the bad-input matrix: every function of include/axon.h called with bad
** arguments, each case in a forked child with a time limit (test code only; not part of
** the API).
**
** A case is written as
**
**     CASE("axon_tensor_add", "NULL out", X_INVAL) { ...; END(axon_tensor_add(NULL, a, b)); }
**
** The case functions (cases_*.c) run twice: once in the parent, where CASE only records the
** case and never enters its body (so the parent never calls the library before it forks),
** and once in each child, where only the body of the chosen case runs. The body ends with
** END (a status), END_VOID (a function without status returned), END_IF (a value check) or
** END_CHECKED (a status, and a check that holds when it is AXON_OK). Fixtures are made with
** the helpers below, which end the child with R_SETUP when the library refuses them.
**
** Every library call belongs inside a case body.
*/
#ifndef AXON_BADINPUT_HARNESS_H
#define AXON_BADINPUT_HARNESS_H

#define _XOPEN_SOURCE 700

#include "axon.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a case accepts (a mask): the statuses, and R_VOID for "returned" (or a check held). */
#define X_OK (1u << AXON_OK)
#define X_INVAL (1u << AXON_ERR_INVALID_ARGUMENT)
#define X_SHAPE (1u << AXON_ERR_SHAPE)
#define X_STATE (1u << AXON_ERR_STATE)
#define X_MEMORY (1u << AXON_ERR_MEMORY)
#define X_IO (1u << AXON_ERR_IO)
#define X_FORMAT (1u << AXON_ERR_FORMAT)
#define X_NONFINITE (1u << AXON_ERR_NONFINITE)
#define X_BUSY (1u << AXON_ERR_BUSY)
#define X_CALLBACK (1u << AXON_ERR_CALLBACK)
/* The largest status code the header defines. */
#define LAST_STATUS AXON_ERR_CALLBACK
#define X_VOID (1u << 12)
/* Any documented failure (AXON_ERR_INTERNAL is a bug by definition). */
#define X_ERR (X_INVAL | X_SHAPE | X_STATE | X_MEMORY | X_IO | X_FORMAT | X_NONFINITE | X_BUSY | X_CALLBACK)
/* Anything but a crash, a hang or an internal error: inputs the header does not forbid. */
#define X_ANY (X_OK | X_ERR)
/* A size that overflows or cannot be allocated. */
#define X_HUGE (X_INVAL | X_SHAPE | X_MEMORY)
/* A flag: the case is a control, a valid call that must succeed. */
#define X_CONTROL (1u << 13)
#define CONTROL (X_OK | X_CONTROL)
#define CONTROL_VOID (X_VOID | X_CONTROL)

/* Child exit codes besides the statuses 0..LAST_STATUS. */
enum { R_VOID = 100, R_BADVAL = 101, R_SETUP = 102, R_FELL = 103, R_SKIP = 104 };

/* The default time limit of a case, in milliseconds. */
#define DEFAULT_TIMEOUT_MS 10000

int case_begin(const char *function, const char *label, unsigned expect, int timeout_ms);
void finish(int code);
void setup_fail(const char *what);
/* Ends a case that cannot run because the library cleanly refused a fixture the header allows
   it to refuse (an empty tensor with huge dimensions): skipped, not a finding. */
void skip_case(const char *why);

#define CASE(fn, label, expect) if (case_begin((fn), (label), (expect), 0))
#define CASE_T(fn, label, expect, ms) if (case_begin((fn), (label), (expect), (ms)))
#define END(status) finish((int)(status))
#define END_VOID() finish(R_VOID)
#define END_IF(cond) finish((cond) ? R_VOID : R_BADVAL)
#define END_CHECKED(status, cond) finish(checked((int)(status), (cond)))

/* `status`, or R_BADVAL when it is AXON_OK but `ok` does not hold. */
static inline int checked(int status, int ok) { return status == AXON_OK && !ok ? R_BADVAL : status; }

/* Sizes for huge and overflowing shapes. */
#define P36 ((int64_t)1 << 36)
#define P40 ((int64_t)1 << 40)
#define P62 ((int64_t)1 << 62)
#define SZ_NEG ((size_t)-1) /* SIZE_MAX: a negative size once wrapped */

/* ---- Fixtures (fixtures.c); each ends the child with R_SETUP on failure ---- */

axon_tensor *tensor_shape(const int64_t *shape, size_t rank, int requires_grad); /* 1, 2, 3, ... */
axon_tensor *vec(size_t n);               /* [n] holding 1..n */
axon_tensor *vec_rg(size_t n);            /* the same, requiring grad */
axon_tensor *mat(int64_t r, int64_t c);   /* [r, c] holding 1..r*c */
axon_tensor *scalar(float v);             /* rank 0 */
axon_tensor *values(const float *v, size_t n); /* [n] holding v */
/* Zero-size, by reshaping [0]; when the library refuses the shape with AXON_ERR_MEMORY, SHAPE or
   INVALID_ARGUMENT (its dimensions are too large), read from a safetensors file of that shape
   instead; when that is refused too, the case is skipped. */
axon_tensor *empty_shape(const int64_t *shape, size_t rank);
axon_tensor *huge_empty(void);            /* [0, 2^40, 2^40] */
axon_tensor *freed_tensor(void);          /* a handle made and freed: create it last */
axon_tensor *rg_loss(axon_tensor **leaf); /* sum(leaf * leaf) over a [3] leaf requiring grad */
axon_model *model(const char *spec);
axon_model *freed_model(void);
axon_tensor *param0(const axon_model *m); /* the first parameter */
axon_optimizer *sgd_over(axon_tensor *p);
axon_optimizer *opt_of(const char *kind, axon_tensor *p, const char *key, double value);
axon_optimizer *model_sgd(axon_model *m); /* sgd over all parameters of m */
axon_optimizer *freed_optimizer(void);
axon_scheduler *step_sched(axon_optimizer *opt);
axon_scheduler *freed_scheduler(void);
axon_plateau *plateau_of(axon_optimizer *opt);
axon_plateau *freed_plateau(void);
axon_generator *gen(void);
axon_generator *freed_generator(void);
axon_dataset *dataset(size_t n);          /* n samples of [2] features, [n] targets */
axon_dataset *freed_dataset(void);
axon_loader *loader(axon_dataset *d, size_t batch);
axon_loader *freed_loader(void);
axon_standardizer *standardizer(void);
axon_standardizer *freed_standardizer(void);
axon_pca *pca(void);
axon_pca *freed_pca(void);
axon_tensor_file *tensor_file(void);      /* a saved and loaded file of two tensors */
axon_tensor_file *freed_tensor_file(void);
/* Bad handles of each type: NULL, freed, of another type (cast), and an address that was never
   a handle. A freed handle must be made after every other fixture of the case (a new handle
   may reuse its address). */
enum handle_type {
    H_TENSOR, H_MODEL, H_OPT, H_SCHED, H_PLATEAU, H_GEN, H_DATASET, H_LOADER, H_STD, H_PCA, H_FILE
};
enum { BAD_NULL, BAD_FREED, BAD_WRONG_TYPE, BAD_FOREIGN, N_BAD };
void *bad_handle(int type, int kind);
/* "NULL a", "freed a", "wrong-type a", "foreign a": a label for parameter `param`. */
const char *bad_label(int kind, const char *param);
/* A handle of the wrong type, cast: */
#define AS_TENSOR(h) ((axon_tensor *)(void *)(h))
#define AS_MODEL(h) ((axon_model *)(void *)(h))
#define AS_OPT(h) ((axon_optimizer *)(void *)(h))

/* ---- Data-parallel training (fixtures.c) ---- */

/* Linear(2, 3), BatchNorm1d(3), Linear(3, 2): 23 parameter floats, 30 of state. */
#define BN_NET "linear 2 3; batchnorm1d 3; linear 3 2"
/* Hooks (axon_replica_fn): */
int hook_keep(float *data, size_t count, void *user);     /* leaves the buffer, 0 */
int hook_scribble(float *data, size_t count, void *user); /* fills 1e3, returns *(int *)user (1 for NULL) */
int hook_fail_at(float *data, size_t count, void *user);  /* returns 1 at the *(int *)user-th call */
int hook_nan(float *data, size_t count, void *user);      /* fills NaN, 0 */
int hook_fill(float *data, size_t count, void *user);     /* fills *(float *)user, 0 */
/* The AXON_PART_STATE buffer of `m` (malloc'd) and its count. */
float *state_of(const axon_model *m, size_t *n);
/* `status`, or R_BADVAL when it is an error but the state of `m` is no longer `before`. */
int unchanged_on_error(axon_status status, const axon_model *m, const float *before, size_t n);

/* ---- Files (fixtures.c), relative to the case's own scratch directory ---- */

void write_file(const char *path, const void *bytes, size_t n);
const char *make_fifo(void);              /* "fifo", a FIFO without writer or reader */
const char *make_dir(void);               /* "dir", an empty directory */
const char *garbage_file(void);           /* "garbage", bytes that are no format */
const char *empty_file(void);             /* "empty", zero bytes */
const char *model_file(void);             /* "model.axon", from "linear 2 3" */
const char *tensors_file(void);           /* "tensors.axon", a tensor file */
const char *truncated(const char *path);  /* a copy of path cut to half: "<path>.half" */
const char *corrupted(const char *path, long offset); /* a copy with one byte flipped */
int exists(const char *path);
/* A safetensors file: the header length `declared` (the JSON's own length for UINT64_MAX), the
   JSON, then `n_data` bytes. */
const char *safetensors_file(const char *path, const char *json, uint64_t declared, size_t n_data);
extern const char *const NONEXISTENT;     /* "no/such/dir/file" */
extern const char *const BAD_UTF8;        /* bytes that are not UTF-8 */

/* ---- Path cases (paths.c) ---- */

/* An operation on a path that makes its own fixtures: a load, a restore, a save. */
typedef axon_status (*path_op)(const char *path);
/* The cases of a function that reads `path`: NULL, "", missing, a directory, a FIFO, devices,
   garbage, empty, truncated and corrupted copies of `valid()` (the control), and a file of
   the other kind (`other`, may be NULL). Without `checked_format` (a format without checksums)
   without the flipped bytes. */
void read_path_cases(const char *function, path_op op, const char *(*valid)(void), const char *(*other)(void),
                     int checked_format);
/* The cases of a function that writes `path`. */
void write_path_cases(const char *function, path_op op);

/* ---- The case groups (cases_*.c) ---- */

void cases_runtime(void);
void cases_tensor(void);
void cases_tensor_grad(void);
void cases_elementwise(void);
void cases_reduce(void);
void cases_shape(void);
void cases_window(void);
void cases_creation(void);
void cases_inplace(void);
void cases_model(void);
void cases_model_tree(void);
void cases_optim(void);
void cases_optim_options(void);
void cases_sched(void);
void cases_train(void);
void cases_fit(void);
void cases_checkpoint(void);
void cases_data(void);
void cases_data_idx(void); /* in cases_files.c */
void cases_files(void);
void cases_safetensors(void);
void cases_empty(void);
void cases_replicas(void);
void cases_replicas_train(void);

#endif
