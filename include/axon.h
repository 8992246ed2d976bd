/*
** axon.h - the C interface of Axon, an embeddable neural-network runtime.
**
** This header is the API: a function that does not appear here is not part of the published
** interface, whatever else libaxon.so happens to export. It is C99 and C++ clean.
**
** CONVENTIONS
**
**   Names are axon_<object>_<verb>; macros and enum constants start with AXON_.
**   Objects are opaque handles (axon_tensor). A function that can fail returns an
**   axon_status and writes its result through an output parameter named `out`, placed first.
**   On failure `*out` is set to NULL (when `out` itself is not NULL). Accessors that cannot
**   fail return their value directly. Every axon_*_free(NULL) is a harmless no-op.
**
**   Nothing in the library calls exit() or abort() on a bad argument: a NULL pointer, a
**   negative (wrapped) size, a rank above AXON_MAX_RANK, or a handle that is not live yields
**   an error status and a message.
**
** OWNERSHIP
**
**   Every axon_tensor handle a function writes to `*out` is a new reference owned by the
**   caller, who releases it with axon_tensor_free() exactly once. Handles passed as inputs are
**   borrowed: the library never frees them, and keeps what it needs alive by itself (a result
**   tensor keeps its inputs' graph alive, so inputs may be freed before results).
**   Strings returned by the library are owned by the library; never free them.
**
** THREADING
**
**   The library may be used from any number of threads at once. Process-wide functions
**   (versions, axon_status_string) are thread-safe. An axon_tensor is not synchronized: unless
**   stated otherwise a tensor must not be used by two threads at the same time (that includes
**   using it as an input on one thread while another calls backward, zero_grad or free on it
**   or on a tensor whose graph contains it). A handle may be handed from one thread to
**   another. Errors are per thread: axon_last_error() reports the last failure of the calling
**   thread only. Gradient recording is also per thread.
*/
#ifndef AXON_H
#define AXON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
** VERSIONS
**
** Compile-time macros describe the header; the functions describe the library actually
** loaded. AXON_VERSION_* is the API version (semantic versioning). AXON_ABI_VERSION changes
** whenever a compiled program would need rebuilding. AXON_FORMAT_VERSION is the newest model
** file format the library reads and writes.
*/
#define AXON_VERSION_MAJOR 0
#define AXON_VERSION_MINOR 1
#define AXON_VERSION_PATCH 0
#define AXON_VERSION "0.1.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, as SQLITE_VERSION_NUMBER. */
#define AXON_VERSION_NUMBER \
    (AXON_VERSION_MAJOR * 1000000 + AXON_VERSION_MINOR * 1000 + AXON_VERSION_PATCH)
#define AXON_ABI_VERSION 1
#define AXON_FORMAT_VERSION 1

/* The largest rank (number of axes) a tensor may have. */
#define AXON_MAX_RANK 16

/*
** The library version as "MAJOR.MINOR.PATCH", e.g. "0.1.0". A static string owned by the
** library; never NULL.
*/
const char *axon_version(void);

/* The library version as a number, comparable with AXON_VERSION_NUMBER. */
int axon_version_number(void);

/* The library's ABI version, comparable with AXON_ABI_VERSION. */
int axon_abi_version(void);

/* The model file format version the library reads and writes, cf. AXON_FORMAT_VERSION. */
int axon_format_version(void);

/* ---------------------------------------------------------------------------------------
** ERRORS
**
** Every function that can fail returns one of these codes. On failure it also records a
** message for the calling thread, read with axon_last_error(). Successful calls do not clear
** the message.
*/
typedef enum axon_status {
    AXON_OK = 0,
    /* An argument is out of its domain: NULL pointer, negative size, bad handle. */
    AXON_ERR_INVALID_ARGUMENT = 1,
    /* Shapes do not agree (broadcasting, matmul, element count vs. shape). */
    AXON_ERR_SHAPE = 2,
    /* The call is not valid in the object's current state (no gradient, no graph). */
    AXON_ERR_STATE = 3,
    /* An allocation failed or a size overflowed. */
    AXON_ERR_MEMORY = 4,
    /* A file could not be read or written. */
    AXON_ERR_IO = 5,
    /* A file is truncated, corrupt or of an unsupported version. */
    AXON_ERR_FORMAT = 6,
    /* A bug in Axon; please report it with the message. */
    AXON_ERR_INTERNAL = 7
} axon_status;

/*
** A short English description of a status code, e.g. "shape mismatch". Unknown codes give
** "unknown status". A static string owned by the library; never NULL.
*/
const char *axon_status_string(int code);

/*
** The message of the calling thread's most recent failure, naming the operation and the
** shapes involved, e.g. "add: shapes [2] and [3] cannot be broadcast together"; "" if no call
** on this thread has failed yet. Never NULL. The string is owned by the library and stays
** valid until the next failing call on the same thread (or the thread's end); copy it to
** keep it.
*/
const char *axon_last_error(void);

/* ---------------------------------------------------------------------------------------
** TENSORS
**
** An axon_tensor is an n-dimensional, row-major array of float that can take part in
** automatic differentiation (reverse mode, as PyTorch's autograd). Shapes are arrays of
** int64_t with `rank` entries; a rank-0 tensor is a scalar with one element.
**
** A handle that has been freed must not be used again. The library detects such use on a
** best-effort basis (AXON_ERR_INVALID_ARGUMENT, or a no-op for a second free), but cannot
** when the address has been reused by a newer tensor.
*/
typedef struct axon_tensor axon_tensor;

/*
** CONSTRUCTOR: axon_tensor
**
** Creates a tensor of shape `shape[0..rank)` holding a copy of `count` floats from `data`
** in row-major order, and writes a new handle, owned by the caller, to `*out`.
** `count` must equal the product of the shape (AXON_ERR_SHAPE otherwise; 1 for rank 0);
** `data` may be NULL only when `count` is 0, `shape` only when `rank` is 0. `rank` must be
** at most AXON_MAX_RANK and every dimension non-negative (AXON_ERR_INVALID_ARGUMENT).
** A non-zero `requires_grad` makes the tensor a leaf whose gradient backward accumulates.
** The caller keeps ownership of `data` and `shape`; they are not referenced after return.
*/
axon_status axon_tensor_new(axon_tensor **out, const float *data, size_t count,
                            const int64_t *shape, size_t rank, int requires_grad);

/*
** DESTRUCTOR: axon_tensor
**
** Releases the caller's reference `t`. The tensor's memory is reclaimed once no other handle
** and no live result's graph refers to it. NULL is a no-op.
*/
void axon_tensor_free(axon_tensor *t);

/* METHOD: axon_tensor - the number of axes; 0 for a scalar, and 0 if `t` is NULL. */
size_t axon_tensor_rank(const axon_tensor *t);

/* METHOD: axon_tensor - the number of elements (product of the shape); 0 if `t` is NULL. */
size_t axon_tensor_numel(const axon_tensor *t);

/* METHOD: axon_tensor - 1 if gradients are tracked for `t`, else 0 (also 0 for NULL). */
int axon_tensor_requires_grad(const axon_tensor *t);

/*
** METHOD: axon_tensor
**
** Writes the rank() dimensions of `t` to the caller's array `out_shape`, which has room for
** `capacity` entries (capacity < rank is AXON_ERR_INVALID_ARGUMENT; AXON_MAX_RANK always
** suffices). `out_shape` may be NULL for a rank-0 tensor.
*/
axon_status axon_tensor_shape(const axon_tensor *t, int64_t *out_shape, size_t capacity);

/*
** METHOD: axon_tensor
**
** Copies the numel() elements of `t`, row-major, to the caller's array `out`, which has room
** for `capacity` floats (capacity < numel is AXON_ERR_INVALID_ARGUMENT). `out` may be NULL
** for an empty tensor.
*/
axon_status axon_tensor_copy_data(const axon_tensor *t, float *out, size_t capacity);

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise a + b, a - b and a * b with NumPy broadcasting (AXON_ERR_SHAPE when the shapes
** do not broadcast). Writes a new handle, owned by the caller, to `*out`; `a` and `b` are
** borrowed. If an input requires grad, the result does too and records the operation.
*/
axon_status axon_tensor_add(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_sub(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_mul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** The matrix product of `a` and `b` with numpy.matmul rules: 1-d operands are promoted to a
** row (a) or a column (b) and the added axis removed again; leading batch axes broadcast.
** AXON_ERR_SHAPE when the inner dimensions differ or an operand is rank 0. Writes a new
** handle, owned by the caller, to `*out`; `a` and `b` are borrowed.
*/
axon_status axon_tensor_matmul(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** The sum of all elements of `a` as a rank-0 tensor. Writes a new handle, owned by the
** caller, to `*out`; `a` is borrowed.
*/
axon_status axon_tensor_sum(axon_tensor **out, const axon_tensor *a);

/*
** METHOD: axon_tensor
**
** Reverse-mode differentiation from the one-element tensor `t`: adds d t / d x to the
** gradient of every leaf x that requires grad and that `t` depends on, then releases the
** recorded graph (a second backward through it is AXON_ERR_STATE). AXON_ERR_STATE if `t`
** does not require grad; AXON_ERR_SHAPE if it has more than one element.
*/
axon_status axon_tensor_backward(axon_tensor *t);

/*
** CONSTRUCTOR: axon_tensor
**
** The accumulated gradient of `t`, of the same shape as `t`. Writes a new handle, owned by
** the caller, to `*out`; `t` is borrowed. AXON_ERR_STATE if `t` has no gradient (no backward
** has reached it since it was created or last zeroed). The returned tensor is the gradient
** as of this call: a later backward or zero_grad gives `t` a new gradient and leaves the
** returned tensor as it was.
*/
axon_status axon_tensor_grad(axon_tensor **out, const axon_tensor *t);

/*
** METHOD: axon_tensor
**
** Drops the accumulated gradient of `t` (PyTorch's zero_grad(set_to_none=True)): until the
** next backward, axon_tensor_grad() reports AXON_ERR_STATE. Handles to the old gradient stay
** valid.
*/
axon_status axon_tensor_zero_grad(axon_tensor *t);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXON_H */
