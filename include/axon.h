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
**   The same rules hold for the other handle types (axon_model, axon_optimizer,
**   axon_scheduler, axon_generator): a handle written to `*out` is owned by the caller and
**   released with the type's own _free exactly once; handles passed in are borrowed. An object keeps alive what
**   it uses: a model its tensors, an optimizer its parameters, a scheduler its optimizer.
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
**
**   Models, optimizers, schedulers, plateaus, loaders and generators are used by one thread at
**   a time, and the library checks it: a call that finds its object inside another thread's
**   call returns AXON_ERR_BUSY at once and does nothing (it never waits, so it cannot
**   deadlock); call again later. This holds for every call on such a handle, eval-mode forward
**   included: to serve one model from several threads, load a copy per thread (one file, any
**   number of axon_model_load()). A model's child handles (axon_model_child()) and its parameter
**   tensors are not checked: do not use them on another thread while the model is in use.
**
** FILES
**
**   A `path` is a NUL-terminated string of bytes passed to the system unchanged: it need not
**   be UTF-8 ("a\xff.axon" is saved under exactly that name). Relative paths are relative to
**   the process's working directory.
**
**   Loads (axon_model_load, axon_checkpoint_restore*, axon_tensors_load, axon_tensor_load_idx)
**   read regular files only: a directory, FIFO, device or socket is AXON_ERR_IO at once (the
**   call never blocks waiting for a writer). An .axon file's header and section table are
**   checked before any section is read, so a file that is not an .axon file is refused after
**   its first 16 bytes, whatever its size; every section's checksum is checked, those the
**   reader skips too. A file that is damaged, truncated, inconsistent or of a newer version is
**   AXON_ERR_FORMAT with a message naming the section; a file too large for the memory the
**   process can get is AXON_ERR_MEMORY; a file that cannot be opened or read is AXON_ERR_IO.
**   Restores are all or nothing: a failed call leaves the model, optimizer, schedules and
**   loader exactly as they were.
**
**   Saves (axon_model_save, axon_checkpoint_save*, axon_tensors_save) are atomic: the bytes go
**   to a new temporary file in the target's directory (created exclusively under a unique
**   name, ".<name>.axon-tmp-<pid>-..."), flushed to disk and renamed over the target, so
**   that the target always holds the previous file or the whole new one, even when the
**   process is killed or another thread saves to the same path at the same time (the save
**   renamed last wins; both succeed). A failed save removes its temporary file and leaves
**   the target as it was. When `path` is a symbolic link, its final target is replaced (in
**   the target's directory) and the link stays. A replaced file keeps its permission mode
**   (and its owner and group where the system allows); a new file gets mode 0644 minus the
**   process's umask. A target that is read-only (no write permission bit at all, or none for
**   the calling user), a directory or another non-regular file is not replaced:
**   AXON_ERR_IO. Each save first removes the temporary files that earlier saves to the same
**   target left when their process was killed (those of a process that no longer runs, or
**   older than a minute).
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
    /* An allocation failed or a size overflowed (a file too large for memory, too). */
    AXON_ERR_MEMORY = 4,
    /* A file could not be read or written, is not a regular file, or may not be replaced. */
    AXON_ERR_IO = 5,
    /* A file is truncated, corrupt or of an unsupported version. */
    AXON_ERR_FORMAT = 6,
    /* A bug in Axon; please report it with the message. */
    AXON_ERR_INTERNAL = 7,
    /* A loss, gradient or update was NaN or infinite: the training step was undone. */
    AXON_ERR_NONFINITE = 8,
    /* Another thread is inside a call on the same model, optimizer, schedule, plateau, loader
    ** or generator: nothing was done; call again when that thread is done. */
    AXON_ERR_BUSY = 9,
    /* A function of the caller's (a hook of data-parallel training) returned non-zero: the
    ** step it belonged to was not taken. */
    AXON_ERR_CALLBACK = 10
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
** RUNTIME
**
** The few process-wide settings and queries. The thread count is the one process-wide
** setting (as torch.set_num_threads): it changes speed, never results, because work is split
** into chunks that do not depend on it.
*/

/*
** Sets the number of threads the kernels use, `n` in 1...256 (default: the number of cores).
** AXON_ERR_INVALID_ARGUMENT otherwise. Thread-safe; calls already running keep their count.
*/
axon_status axon_set_num_threads(int n);

/* The number of threads the kernels use. Thread-safe. */
int axon_get_num_threads(void);

/*
** The vector features of this CPU the kernels care about, read at run time, and the path the
** kernels run on, space-separated: e.g. "avx2 fma kernels=avx2+fma" or "kernels=baseline".
** A static string owned by the library; never NULL.
*/
const char *axon_cpu_features(void);

/*
** Writes to `*out` the number of live handles of the type named `type` ("axon_tensor",
** "axon_model", "axon_optimizer", "axon_scheduler", "axon_generator", "axon_plateau",
** "axon_dataset", "axon_loader", "axon_standardizer", "axon_pca", "axon_tensor_file"), or of
** every type when `type`
** is NULL: a binding or a test can check that it released everything. An unknown name is
** AXON_ERR_INVALID_ARGUMENT. Thread-safe.
*/
axon_status axon_live_handles(size_t *out, const char *type);

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
** METHOD: axon_tensor
**
** Writes to `*out` the address of the numel() elements of `t`, row-major (NULL for an empty
** tensor): a borrowed view of its storage, as a NumPy view of a PyTorch tensor. It stays valid
** while `t` or any tensor sharing its storage (a reshape, a detach, the model holding a
** parameter) lives, and sees every later update. Writes through it change the values without
** counting as an in-place update, so autograd does not see them: write only outside recording,
** to tensors no recorded graph reads, and not while another thread uses the tensor.
*/
axon_status axon_tensor_data(float **out, const axon_tensor *t);

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
** the caller, to `*out`; `t` is borrowed. If `t` has no gradient (no backward has reached
** it since it was created or last zeroed), writes NULL to `*out` and returns AXON_OK. The
** returned tensor is the gradient as of this call: a later backward or zero_grad gives `t` a
** new gradient and leaves the returned tensor as it was.
*/
axon_status axon_tensor_grad(axon_tensor **out, const axon_tensor *t);

/*
** METHOD: axon_tensor
**
** Drops the accumulated gradient of `t` (PyTorch's zero_grad(set_to_none=True)): until the
** next backward, axon_tensor_grad() writes NULL. Handles to the old gradient stay valid.
*/
axon_status axon_tensor_zero_grad(axon_tensor *t);

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise a / b with NumPy broadcasting (AXON_ERR_SHAPE when the shapes do not
** broadcast); division by zero follows IEEE 754. Writes a new handle, owned by the caller, to
** `*out`; `a` and `b` are borrowed.
*/
axon_status axon_tensor_div(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise functions of `a`: -a, e^a, ln a, tanh a, 1 / (1 + e^-a), max(a, 0), sqrt a.
** Values outside a function's domain give NaN or infinity, not an error. Writes a new handle,
** owned by the caller, to `*out`; `a` is borrowed. If `a` requires grad, the result does too.
*/
axon_status axon_tensor_neg(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_exp(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_log(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_tanh(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_sigmoid(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_relu(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_sqrt(axon_tensor **out, const axon_tensor *a);

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise a raised to the constant `exponent`. Writes a new handle, owned by the caller,
** to `*out`; `a` is borrowed.
*/
axon_status axon_tensor_pow(axon_tensor **out, const axon_tensor *a, float exponent);

/*
** CONSTRUCTOR: axon_tensor
**
** The sum or the mean of `a` over the `n_axes` axes in `axes` (negative axes count from the
** end; `axes` may be NULL when `n_axes` is 0, which reduces over all axes). A non-zero
** `keep_dims` keeps each reduced axis with length 1. AXON_ERR_INVALID_ARGUMENT for an axis out
** of range or given twice. Writes a new handle, owned by the caller, to `*out`; `a` and
** `axes` are borrowed.
*/
axon_status axon_tensor_sum_axes(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                                 size_t n_axes, int keep_dims);
axon_status axon_tensor_mean(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                             size_t n_axes, int keep_dims);

/*
** CONSTRUCTOR: axon_tensor
**
** `a`'s elements, row-major, in the shape `shape[0..rank)` (one dimension may be -1, then
** inferred). AXON_ERR_SHAPE when the element counts differ. `shape` may be NULL when `rank`
** is 0. Writes a new handle, owned by the caller, to `*out`; `a` and `shape` are borrowed.
*/
axon_status axon_tensor_reshape(axon_tensor **out, const axon_tensor *a, const int64_t *shape,
                                size_t rank);

/*
** CONSTRUCTOR: axon_tensor
**
** `a` with the axes `axis0` and `axis1` swapped (negative axes count from the end), as a
** new row-major tensor. Writes a new handle, owned by the caller, to `*out`; `a` is borrowed.
*/
axon_status axon_tensor_transpose(axon_tensor **out, const axon_tensor *a, int64_t axis0,
                                  int64_t axis1);

/*
** CONSTRUCTOR: axon_tensor
**
** softmax and log-softmax of `a` along `axis` (negative counts from the end; -1 is the last
** axis). Writes a new handle, owned by the caller, to `*out`; `a` is borrowed.
*/
axon_status axon_tensor_softmax(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_status axon_tensor_log_softmax(axon_tensor **out, const axon_tensor *a, int64_t axis);

/*
** CONSTRUCTOR: axon_tensor
**
** The values of `a` cut off from its graph (PyTorch's detach): the result does not require
** grad and carries no tangent. It may share storage with `a`. Writes a new handle, owned by
** the caller, to `*out`; `a` is borrowed.
*/
axon_status axon_tensor_detach(axon_tensor **out, const axon_tensor *a);

/*
** METHOD: axon_tensor
**
** Makes `t` track gradients (non-zero `requires_grad`) or stop tracking them. Meant for
** leaves, as PyTorch's requires_grad_(); operations record only while it is set.
*/
axon_status axon_tensor_set_requires_grad(axon_tensor *t, int requires_grad);

/*
** METHOD: axon_tensor
**
** Reverse mode from `t` with an explicit seed (the cotangent d loss / d t, of t's shape).
** `seed` may be NULL only for a one-element `t` (then 1). A non-zero `retain_graph` keeps the
** recorded graph for another backward; a non-zero `create_graph` records the backward pass
** itself, so that gradients can be differentiated again (higher-order derivatives).
** `t` and `seed` are borrowed. Errors as axon_tensor_backward(), plus AXON_ERR_SHAPE when
** the seed's shape differs from t's.
*/
axon_status axon_tensor_backward_seed(axon_tensor *t, const axon_tensor *seed, int retain_graph,
                                      int create_graph);

/*
** Gradient recording on the calling thread (PyTorch's grad mode), on by default. With it off,
** operations record no graph: use it for inference and for updates done by hand. Sets the
** calling thread's mode to `enabled` (non-zero: on) and returns the previous mode (1 or 0).
** Other threads are not affected. Cannot fail.
*/
int axon_set_grad_enabled(int enabled);

/* Whether gradient recording is on for the calling thread (1) or off (0). */
int axon_is_grad_enabled(void);

/*
** CONSTRUCTOR: axon_tensor
**
** Forward mode: a dual number with the values (and the graph) of `primal` carrying the
** tangent `tangent`, of the same shape (AXON_ERR_SHAPE otherwise). Operations on the result
** propagate tangents: read the tangent of any result with axon_tensor_tangent(). Writes a new
** handle, owned by the caller, to `*out`; `primal` and `tangent` are borrowed (a detached
** copy of the tangent is kept).
*/
axon_status axon_tensor_dual(axon_tensor **out, const axon_tensor *primal,
                             const axon_tensor *tangent);

/*
** CONSTRUCTOR: axon_tensor
**
** The forward-mode tangent attached to `t`, of t's shape. Writes a new handle, owned by the
** caller, to `*out`; `t` is borrowed. If `t` carries no tangent (it does not depend on a
** dual number), writes NULL to `*out` and returns AXON_OK.
*/
axon_status axon_tensor_tangent(axon_tensor **out, const axon_tensor *t);

/* ---------------------------------------------------------------------------------------
** IN-PLACE UPDATES
**
** PyTorch's copy_, add_, sub_, mul_, div_, fill_ and zero_, with its autograd rules:
**   - with gradient recording off (axon_set_grad_enabled(0), torch.no_grad()) any tensor may
**     be updated, parameters included: that is how a hand-written optimizer steps;
**   - while recording, a tensor that requires grad, or that carries a forward-mode tangent,
**     is refused with AXON_ERR_STATE;
**   - every update counts in the tensor's version (shared by tensors that share storage), and
**     axon_tensor_backward() refuses with AXON_ERR_STATE to run through an op whose input or
**     output was updated after the op ran ("modified in place").
** The other operand broadcasts to `t`'s shape; `t` keeps its shape (a result of another shape
** is AXON_ERR_SHAPE). A failed update leaves `t` unchanged. `t` is updated, the other
** operands are borrowed.
*/

/* METHOD: axon_tensor - t <- src, broadcast (copy_). */
axon_status axon_tensor_copy_(axon_tensor *t, const axon_tensor *src);

/* METHOD: axon_tensor - t <- t + alpha * other (add_(other, alpha=alpha)); `alpha` finite. */
axon_status axon_tensor_add_(axon_tensor *t, const axon_tensor *other, float alpha);

/* METHOD: axon_tensor - t <- t - alpha * other (sub_(other, alpha=alpha)); `alpha` finite. */
axon_status axon_tensor_sub_(axon_tensor *t, const axon_tensor *other, float alpha);

/* METHOD: axon_tensor - t <- t * other, elementwise (mul_). */
axon_status axon_tensor_mul_(axon_tensor *t, const axon_tensor *other);

/* METHOD: axon_tensor - t <- t / other, elementwise (div_). */
axon_status axon_tensor_div_(axon_tensor *t, const axon_tensor *other);

/* METHOD: axon_tensor - t <- t + value (add_ with a number). */
axon_status axon_tensor_add_scalar_(axon_tensor *t, float value);

/* METHOD: axon_tensor - t <- t * value (mul_ with a number). */
axon_status axon_tensor_mul_scalar_(axon_tensor *t, float value);

/* METHOD: axon_tensor - every element <- value (fill_). */
axon_status axon_tensor_fill_(axon_tensor *t, float value);

/* METHOD: axon_tensor - every element <- 0 (zero_). */
axon_status axon_tensor_zero_(axon_tensor *t);

/* METHOD: axon_tensor - writes to `*out` the number of in-place writes to t's storage so far
** (PyTorch's t._version): updates through this section, optimizer steps, loading state. */
axon_status axon_tensor_version(int64_t *out, const axon_tensor *t);

/* ---------------------------------------------------------------------------------------
** MODELS
**
** An axon_model is a tree of layers (as a PyTorch nn.Module) with named parameters and
** buffers. It is built from a short text spec, one layer per ';' or line, arguments by
** position or as key=value, containers with their children in braces:
**
**     "linear 784 256; batchnorm1d 256; relu; dropout 0.2; linear 256 10"
**     "unflatten 1 1x28x28; conv2d 1 8 kernel=3 padding=1; maxpool2d 2; flatten; linear 1568 10"
**     "residual { linear 8 8; tanh }"
**
** Kinds and their arguments, in canonical order: `name=value` has that default, the ones
** before `|` (all of them when there is no `|`) may also be given by position, and a
** container holds its children in braces (weightnorm wraps one linear or conv2d).
** Pairs (kernel, stride, padding, dilation, size) are N or NxM, shapes AxBxC (one -1 inferred
** in unflatten), booleans true or false; batchnorm's momentum may be none (a cumulative
** average). The kinds mirror PyTorch's modules of the same names.
**
**   linear in out | bias=true
**   conv2d in out kernel | stride=1x1 padding=0x0 dilation=1x1 groups=1 bias=true
**   maxpool2d kernel | stride=kernel padding=0x0 dilation=1x1
**   avgpool2d kernel | stride=kernel padding=0x0
**   adaptiveavgpool2d size
**   relu
**   gelu
**   sigmoid
**   tanh
**   softplus
**   identity
**   leakyrelu slope=0.01
**   elu alpha=1.0
**   softmax axis=-1
**   logsoftmax axis=-1
**   maxout pieces
**   flatten start=1 end=-1
**   unflatten axis shape
**   dropout p=0.5
**   dropout2d p=0.5
**   batchnorm1d features | eps=1e-05 momentum=0.1 affine=true track=true
**   batchnorm2d features | eps=1e-05 momentum=0.1 affine=true track=true
**   instancenorm2d features | eps=1e-05 momentum=0.1 affine=false track=false
**   layernorm shape | eps=1e-05 affine=true
**   groupnorm groups channels | eps=1e-05 affine=true
**   sequential { ... }
**   residual { ... }
**   weightnorm { ... }
**
** Several top-level layers make a sequential. A model starts in training mode.
**
** The state of a model (PyTorch's state_dict) is its parameters and buffers, in PyTorch's
** order, by dotted names such as "0.weight" or "1.running_mean".
*/
typedef struct axon_model axon_model;

/*
** CONSTRUCTOR: axon_model
**
** Builds a model from the NUL-terminated text `spec`, initializing its parameters PyTorch's
** way from a random stream seeded with `seed` (the same spec and seed give the same model).
** AXON_ERR_FORMAT when the text does not parse or names an unknown kind;
** AXON_ERR_INVALID_ARGUMENT for a bad argument value. Writes a new handle, owned by the
** caller, to `*out`; `spec` is borrowed.
*/
axon_status axon_model_new(axon_model **out, const char *spec, uint64_t seed);

/*
** CONSTRUCTOR: axon_model
**
** Loads a model file written by axon_model_save() (architecture, state and training mode)
** from the NUL-terminated `path` (see FILES). AXON_ERR_IO when it cannot be read or is not a
** regular file (a FIFO or a directory is refused without blocking), AXON_ERR_FORMAT when it is
** not a valid model file of a supported version (the message names the damaged section),
** AXON_ERR_MEMORY when it does not fit in memory. Writes a new handle, owned by the caller,
** to `*out`; `path` is borrowed.
*/
axon_status axon_model_load(axon_model **out, const char *path);

/*
** DESTRUCTOR: axon_model
**
** Releases the caller's reference `m`. Handles to its parameters and state tensors stay
** valid, as do optimizers over them. NULL is a no-op.
*/
void axon_model_free(axon_model *m);

/*
** METHOD: axon_model
**
** Writes the architecture, the state and the training mode of `m` to the NUL-terminated
** `path` (created or replaced), atomically as FILES describes: a symbolic link is followed
** and kept, a replaced file keeps its mode, a read-only file is refused. AXON_ERR_IO when the
** file cannot be written (nothing changes then). `path` is borrowed.
*/
axon_status axon_model_save(const axon_model *m, const char *path);

/*
** CONSTRUCTOR: axon_tensor
**
** Runs `m` on the batch `x` and writes the output, a new handle owned by the caller, to
** `*out`; `x` is borrowed. In training mode, dropout is active and batch normalization uses
** and updates batch statistics (so `m` is modified). AXON_ERR_SHAPE when x does not fit.
*/
axon_status axon_model_forward(axon_tensor **out, axon_model *m, const axon_tensor *x);

/* METHOD: axon_model - training mode for a non-zero `training`, evaluation mode for 0. */
axon_status axon_model_train(axon_model *m, int training);

/* METHOD: axon_model - 1 in training mode, 0 in evaluation mode (also 0 for NULL). */
int axon_model_is_training(const axon_model *m);

/* METHOD: axon_model - the number of trainable scalars; 0 for NULL. */
size_t axon_model_parameter_count(const axon_model *m);

/*
** METHOD: axon_model
**
** The canonical text spec of `m` (every argument named), which axon_model_new() accepts.
** Writes its length in bytes (without the NUL) to `*out_length` unless that is NULL. If
** `capacity` exceeds the length, writes the text and a terminating NUL to the caller's
** buffer `out` of `capacity` bytes; otherwise writes only a NUL (when capacity > 0) and
** still returns AXON_OK: call with NULL, 0 to learn the size. `out` may be NULL when
** `capacity` is 0.
*/
axon_status axon_model_spec(const axon_model *m, char *out, size_t capacity, size_t *out_length);

/* METHOD: axon_model - the number of state tensors (parameters and buffers); 0 for NULL. */
size_t axon_model_state_count(const axon_model *m);

/*
** METHOD: axon_model
**
** The name of state tensor `i` (0 <= i < axon_model_state_count(), else
** AXON_ERR_INVALID_ARGUMENT), e.g. "0.weight", written as axon_model_spec() writes text.
*/
axon_status axon_model_state_name(const axon_model *m, size_t i, char *out, size_t capacity,
                                  size_t *out_length);

/*
** CONSTRUCTOR: axon_tensor
**
** A new handle, owned by the caller, to state tensor `i` of `m` (AXON_ERR_INVALID_ARGUMENT
** when out of range): the very tensor the model uses, not a copy, so it sees later training
** and its gradient. It stays valid after axon_model_free().
*/
axon_status axon_model_state_tensor(axon_tensor **out, const axon_model *m, size_t i);

/* METHOD: axon_model - the number of parameter tensors (trainable); 0 for NULL. */
size_t axon_model_parameter_count_tensors(const axon_model *m);

/*
** CONSTRUCTOR: axon_tensor
**
** A new handle, owned by the caller, to parameter tensor `i` of `m`
** (0 <= i < axon_model_parameter_count_tensors(), else AXON_ERR_INVALID_ARGUMENT), in
** PyTorch's parameters() order: the very tensor the model uses. Pass these handles to
** axon_optimizer_new(). It stays valid after axon_model_free().
*/
axon_status axon_model_parameter(axon_tensor **out, const axon_model *m, size_t i);

/*
** METHOD: axon_model
**
** The name of parameter tensor `i`, e.g. "0.bias", written as axon_model_spec() writes text.
*/
axon_status axon_model_parameter_name(const axon_model *m, size_t i, char *out, size_t capacity,
                                      size_t *out_length);

/*
** METHOD: axon_model
**
** Copies the values of `tensors[0..count)` into the state tensors named `names[0..count)`
** (PyTorch's load_state_dict). Shapes must match (AXON_ERR_SHAPE). With a non-zero `strict`,
** the names must be exactly the model's state names (AXON_ERR_INVALID_ARGUMENT otherwise);
** without, unknown names are ignored and missing ones keep their values. Every name and shape
** is checked before any value is copied: a call that fails changes nothing. All arrays are
** borrowed; they may be NULL when `count` is 0.
*/
axon_status axon_model_load_state(axon_model *m, const char *const *names,
                                  axon_tensor *const *tensors, size_t count, int strict);

/*
** THE MODEL TREE
**
** A model is a tree: a container (sequential, residual, weightnorm) has children, named as
** in PyTorch ("0", "1", ... in a sequential; "body" in a residual). A handle to a child is a
** handle to that very layer: its parameters are the tree's, training it trains the tree, and
** it stays valid (it keeps the layer alive) after the tree's handle is freed.
*/

/* METHOD: axon_model - the number of children of `m` (0 for a leaf layer or NULL). */
size_t axon_model_child_count(const axon_model *m);

/*
** METHOD: axon_model
**
** Writes to `*out` a new handle, owned by the caller, to the `i`-th child of `m` (i from 0).
** AXON_ERR_INVALID_ARGUMENT when `i` is out of range.
*/
axon_status axon_model_child(axon_model **out, const axon_model *m, size_t i);

/*
** METHOD: axon_model
**
** The descendant at the dotted path of child names `path` ("0", "2.body"; "" is `m` itself),
** as PyTorch's get_submodule; a new handle owned by the caller. AXON_ERR_INVALID_ARGUMENT
** when a name is not a child. `path` is borrowed.
*/
axon_status axon_model_submodule(axon_model **out, const axon_model *m, const char *path);

/*
** METHOD: axon_model
**
** The name of the `i`-th child of `m`, written to the caller's buffer as axon_model_spec()
** writes (`out` of `capacity` bytes, the length to `*out_length` when not NULL).
*/
axon_status axon_model_child_name(const axon_model *m, size_t i, char *out, size_t capacity,
                                  size_t *out_length);

/*
** METHOD: axon_model
**
** The layer kind of `m` as in a spec ("linear", "batchnorm1d", "sequential", ...), written
** as axon_model_spec() writes.
*/
axon_status axon_model_kind(const axon_model *m, char *out, size_t capacity, size_t *out_length);

/*
** CONSTRUCTOR: axon_model
**
** A sequential of the `n` existing layers in `layers`, in order (nn.Sequential(a, b)): the new
** model shares them, parameters included, so training it trains them. Writes a new handle,
** owned by the caller, to `*out`; the array is borrowed (the model keeps the layers alive).
*/
axon_status axon_model_sequential(axon_model **out, axon_model *const *layers, size_t n);

/* ---------------------------------------------------------------------------------------
** OPTIMIZERS AND SCHEDULES
**
** Optimizers and schedules are chosen by name and configured with options given as two
** parallel arrays, `keys[0..n_options)` (NUL-terminated names) and `values[0..n_options)`;
** both are borrowed and may be NULL when n_options is 0. An option not given keeps PyTorch's
** default; an unknown or repeated key is AXON_ERR_INVALID_ARGUMENT. Booleans are 0 or 1.
*/
typedef struct axon_optimizer axon_optimizer;
typedef struct axon_scheduler axon_scheduler;

/*
** CONSTRUCTOR: axon_optimizer
**
** An optimizer of `kind` over the `n_params` tensors in `params` (typically from
** axon_model_parameter()), with one parameter group. Kinds and their options:
**
**   sgd       lr momentum dampening nesterov weight_decay
**   adagrad   lr lr_decay initial_accumulator_value eps weight_decay
**   rmsprop   lr alpha eps momentum centered weight_decay
**   adadelta  lr rho eps weight_decay
**   adam      lr beta1 beta2 eps amsgrad weight_decay
**   adamw     lr beta1 beta2 eps amsgrad weight_decay (decoupled)
**   adamax    lr beta1 beta2 eps weight_decay
**   nadam     lr beta1 beta2 eps momentum_decay weight_decay
**   lbfgs     see axon_optimizer_new_lbfgs() (stepped with axon_optimizer_step_closure())
**
** Unknown kinds and invalid values are AXON_ERR_INVALID_ARGUMENT. The optimizer keeps its own
** references to the parameters: the handles in `params` stay the caller's, and may be freed.
** Writes a new handle, owned by the caller, to `*out`; `kind`, `params`, `keys` and `values`
** are borrowed.
*/
axon_status axon_optimizer_new(axon_optimizer **out, const char *kind, axon_tensor *const *params,
                               size_t n_params, const char *const *keys, const double *values,
                               size_t n_options);

/* DESTRUCTOR: axon_optimizer - releases the caller's reference `opt`. NULL is a no-op. */
void axon_optimizer_free(axon_optimizer *opt);

/*
** METHOD: axon_optimizer
**
** One update of every parameter that has a gradient (parameters without one are skipped).
*/
axon_status axon_optimizer_step(axon_optimizer *opt);

/* METHOD: axon_optimizer - drops the gradient of every parameter (set_to_none=True). */
axon_status axon_optimizer_zero_grad(axon_optimizer *opt);

/*
** METHOD: axon_optimizer - the number of parameter groups (1, plus those added with
** axon_optimizer_add_param_group()); 0 for NULL.
*/
size_t axon_optimizer_group_count(const axon_optimizer *opt);

/*
** METHOD: axon_optimizer
**
** Writes the current learning rate of parameter group `group` to `*out`
** (AXON_ERR_INVALID_ARGUMENT when group >= axon_optimizer_group_count()).
*/
axon_status axon_optimizer_get_lr(double *out, const axon_optimizer *opt, size_t group);

/*
** METHOD: axon_optimizer
**
** Sets the learning rate of parameter group `group` to `lr` (finite and >= 0).
*/
axon_status axon_optimizer_set_lr(axon_optimizer *opt, size_t group, double lr);

/*
** CONSTRUCTOR: axon_scheduler
**
** A learning-rate scheduler driving `opt`: each axon_scheduler_step() sets every group's
** rate to schedule(base rate, step), the base being the rate when the scheduler was made;
** creating it already applies step 0. Kinds and options:
**
**   step          step_size gamma
**   multistep     m1 m2 ... (milestones, in any order) gamma
**   exponential   gamma
**   inverse_time  beta
**   polynomial    total power
**   cosine        period eta_min
**   linear        start_factor end_factor total
**
** The scheduler holds its own reference to `opt`, which therefore lives at least as long as
** the scheduler; the caller still frees its own handle `opt`. Writes a new handle, owned by
** the caller, to `*out`; `kind`, `keys` and `values` are borrowed.
*/
axon_status axon_scheduler_new(axon_scheduler **out, axon_optimizer *opt, const char *kind,
                               const char *const *keys, const double *values, size_t n_options);

/* DESTRUCTOR: axon_scheduler - releases the caller's reference `s`. NULL is a no-op. */
void axon_scheduler_free(axon_scheduler *s);

/* METHOD: axon_scheduler - advances one step and writes the new rates into the optimizer. */
axon_status axon_scheduler_step(axon_scheduler *s);

/* ---------------------------------------------------------------------------------------
** TRAINING
**
** Loss names: mse, l1, smooth_l1, huber, bce, bce_with_logits, cross_entropy, nll, kl_div.
** Reductions: mean, sum, none, batchmean. Class-index targets (cross_entropy, nll) are float
** tensors holding whole numbers.
*/

/*
** CONSTRUCTOR: axon_tensor
**
** The loss `name` of `input` against `target` with `reduction` (NULL means "mean").
** Unknown names or reductions are AXON_ERR_INVALID_ARGUMENT; mismatched shapes
** AXON_ERR_SHAPE. Writes a new handle, owned by the caller, to `*out`; all else is borrowed.
*/
axon_status axon_loss(axon_tensor **out, const char *name, const axon_tensor *input,
                      const axon_tensor *target, const char *reduction);

/*
** Scales the gradients of `params[0..n)` together so that their joint `norm_type`-norm
** (INFINITY for the max norm) is at most `max_norm` (torch.nn.utils.clip_grad_norm_), and
** writes the total norm before clipping to `*out_total`. Tensors without a gradient are
** skipped. `params` is borrowed.
*/
axon_status axon_clip_grad_norm(float *out_total, axon_tensor *const *params, size_t n,
                                double max_norm, double norm_type);

/*
** Clamps every gradient element of `params[0..n)` to [-clip_value, clip_value]
** (torch.nn.utils.clip_grad_value_). `params` is borrowed.
*/
axon_status axon_clip_grad_value(axon_tensor *const *params, size_t n, double clip_value);

/*
** One training step of `m` with `opt`: forward on `x`, the loss `loss` (reduction mean)
** against `y`, zero_grad, backward, gradient clipping to `clip_norm` (<= 0: no clipping),
** optimizer step. Writes the loss before the update to `*out_loss`. Everything is borrowed.
** A NaN or infinite loss or gradient, or an update that makes a parameter non-finite, is
** AXON_ERR_NONFINITE, and the weights, the buffers (the running statistics the forward pass
** updated) and the optimizer's state are left as they were before the call.
** axon_train_step_unguarded() takes the step whatever the values.
*/
axon_status axon_train_step(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
                            const axon_tensor *x, const axon_tensor *y, double clip_norm);
axon_status axon_train_step_unguarded(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
                                      const axon_tensor *x, const axon_tensor *y, double clip_norm);

/*
** One epoch of axon_fit(). Values that were not measured are NaN: the accuracies when the
** targets are not class indices (rank 1), the validation values without validation data,
** train_loss when every step of the epoch was skipped. `skipped_steps` counts the batches
** whose loss, gradients or update were not finite (their update is undone).
*/
typedef struct axon_epoch_record {
    double train_loss;
    double train_accuracy;
    double val_loss;
    double val_accuracy;
    double learning_rate; /* of the first group, during the epoch */
    int64_t skipped_steps;
} axon_epoch_record;

/*
** Trains `m` with `opt` for `epochs` epochs on (`x`, `y`): each epoch shuffles the samples
** (first axis) with a stream seeded by `seed`, runs batches of `batch_size` through forward,
** the loss `loss` (mean), backward, clipping to `clip_norm` (<= 0: none) and a step, then
** evaluates on (`val_x`, `val_y`) if given (both NULL or both non-NULL) and steps `sched` once
** if it is not NULL (it must drive `opt`). Writes one record per epoch to the caller's array
** `out_records` of `capacity` entries (capacity < epochs is AXON_ERR_INVALID_ARGUMENT, checked
** before training) and the number written to `*out_count`. All handles are borrowed; the
** model, its parameters and the optimizer are updated in place.
*/
axon_status axon_fit(axon_epoch_record *out_records, size_t capacity, size_t *out_count,
                     axon_model *m, axon_optimizer *opt, axon_scheduler *sched, const char *loss,
                     const axon_tensor *x, const axon_tensor *y, const axon_tensor *val_x,
                     const axon_tensor *val_y, int epochs, size_t batch_size, uint64_t seed,
                     double clip_norm);

/* ---------------------------------------------------------------------------------------
** CHECKPOINTS
**
** A checkpoint is an .axon model file with the optimizer's state (kind, options, step count,
** moment buffers) and the schedule's position added. Restoring it into a model, optimizer
** and scheduler built the same way as the saved ones (same spec, same optimizer kind over the
** model's parameters) and training on gives bit for bit what training without the pause
** would have given (dropout streams included). The file layout is documented in
** Sources/Axon/Serialization/FORMAT.md.
*/

/*
** Saves `m`, and `opt` and `sched` when not NULL, to `path` atomically (a temporary file
** renamed over `path`: a failed save leaves an existing file as it was; links, modes and
** read-only files as FILES describes). All borrowed. AXON_ERR_IO when the file cannot be
** written.
*/
axon_status axon_checkpoint_save(const char *path, axon_model *m, axon_optimizer *opt, axon_scheduler *sched);

/*
** Restores what axon_checkpoint_save wrote into `m`, and `opt` and `sched` when not NULL
** (their sections must be in the file). All or nothing: every section is decoded and checked
** against the objects before any of them changes, so a failed call leaves `m`, `opt` and
** `sched` exactly as they were. All borrowed. AXON_ERR_INVALID_ARGUMENT when the model's
** parameter names differ from the file's, AXON_ERR_SHAPE when their shapes do,
** AXON_ERR_FORMAT for a damaged file (the message names the section), a missing section or an
** optimizer of another kind or shape, AXON_ERR_MEMORY when the file does not fit in memory,
** AXON_ERR_IO when the file cannot be read or is not a regular file (see FILES).
*/
axon_status axon_checkpoint_restore(const char *path, axon_model *m, axon_optimizer *opt, axon_scheduler *sched);

/* ---------------------------------------------------------------------------------------
** THE OP CATALOG
**
** The rest of the core's differentiable ops. Every function below that writes an
** axon_tensor to `*out` follows the CONSTRUCTOR rules of axon_tensor_add(): a new handle
** owned by the caller, every tensor argument borrowed, and `*out` NULL on failure. All of
** them record for reverse mode (axon_tensor_backward, axon_grad) and propagate forward-mode
** tangents (axon_tensor_dual) like the ops above; comparisons and argmax give tensors that
** do not require grad (their derivative is zero). Axes are int64_t, negative ones counting from the end.
** Booleans (keep_dims, requires_grad, retain_graph, create_graph) in this section must be
** exactly 0 or 1 (anything else is AXON_ERR_INVALID_ARGUMENT). A NULL handle, NULL array
** with a non-zero count or an axis out of range is AXON_ERR_INVALID_ARGUMENT; shapes that do
** not agree are AXON_ERR_SHAPE.
**
** Window pairs (kernel, stride, padding, dilation) are arrays of two int64_t, {height,
** width}, read only; NULL selects the default given with each function.
*/

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise sin a, cos a, |a| (derivative 0 at 0), the Gauss error function erf a,
** GELU (exact erf form, torch.nn.functional.gelu) and softplus log(1 + e^a) (beta 1,
** threshold 20, as torch.nn.functional.softplus).
*/
axon_status axon_tensor_sin(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_cos(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_abs(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_erf(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_gelu(axon_tensor **out, const axon_tensor *a);
axon_status axon_tensor_softplus(axon_tensor **out, const axon_tensor *a);

/*
** CONSTRUCTOR: axon_tensor
**
** Every element of `a` limited to [min, max] (torch.clamp); -INFINITY or INFINITY leaves
** that side open. NaN elements stay NaN. The gradient is 1 where min <= a <= max, else 0.
** AXON_ERR_INVALID_ARGUMENT when a bound is NaN or min > max.
*/
axon_status axon_tensor_clamp(axon_tensor **out, const axon_tensor *a, float min, float max);

/*
** CONSTRUCTOR: axon_tensor
**
** Leaky ReLU, a for a > 0 else negative_slope * a (torch.nn.functional.leaky_relu), and
** ELU, a for a > 0 else alpha (e^a - 1) (torch.nn.functional.elu). A non-finite
** `negative_slope` or `alpha` is AXON_ERR_INVALID_ARGUMENT.
*/
axon_status axon_tensor_leaky_relu(axon_tensor **out, const axon_tensor *a, float negative_slope);
axon_status axon_tensor_elu(axon_tensor **out, const axon_tensor *a, float alpha);

/*
** CONSTRUCTOR: axon_tensor
**
** Elementwise with NumPy broadcasting (AXON_ERR_SHAPE when the shapes do not broadcast):
** the larger and the smaller of a and b (torch.maximum, torch.minimum; on ties the gradient
** goes to `a`), and a raised to the power b (torch.pow with a tensor exponent).
*/
axon_status axon_tensor_maximum(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_minimum(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_pow_tensor(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** Comparisons with NumPy broadcasting: 1.0 where a > b, a >= b, a < b, a <= b, a == b,
** a != b (torch.gt, ge, lt, le, eq, ne) and 0.0 elsewhere, as floats. The result carries
** no gradient. AXON_ERR_SHAPE when the shapes do not broadcast.
*/
axon_status axon_tensor_gt(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_ge(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_lt(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_le(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_eq(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);
axon_status axon_tensor_ne(axon_tensor **out, const axon_tensor *a, const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** `a` where `cond` is non-zero, else `b`, the three broadcast together (torch.where).
** The gradient flows to the side that was chosen; the condition gets none.
*/
axon_status axon_tensor_where(axon_tensor **out, const axon_tensor *cond, const axon_tensor *a,
                              const axon_tensor *b);

/*
** CONSTRUCTOR: axon_tensor
**
** Reductions of `a` over the `n_axes` axes in `axes` (n_axes 0: over all axes; `axes` may
** then be NULL), keeping each reduced axis with length 1 when `keep_dims` is 1:
** the maximum and the minimum (torch.amax, torch.amin: tied extremes share the gradient
** equally), and log(sum(exp(a))) computed stably (torch.logsumexp).
** AXON_ERR_INVALID_ARGUMENT for an axis out of range or given twice; AXON_ERR_SHAPE for
** amax or amin over an empty axis.
*/
axon_status axon_tensor_amax(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                             size_t n_axes, int keep_dims);
axon_status axon_tensor_amin(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                             size_t n_axes, int keep_dims);
axon_status axon_tensor_logsumexp(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                                  size_t n_axes, int keep_dims);

/*
** CONSTRUCTOR: axon_tensor
**
** The variance of `a` over `axes` as above, sum((a - mean)^2) / (N - correction), N the
** number of reduced elements (torch.var with correction=; 1 is the unbiased estimate, 0
** the biased one). AXON_ERR_INVALID_ARGUMENT for a negative correction, AXON_ERR_SHAPE when
** N - correction <= 0.
*/
axon_status axon_tensor_var(axon_tensor **out, const axon_tensor *a, const int64_t *axes,
                            size_t n_axes, int64_t correction, int keep_dims);

/*
** CONSTRUCTOR: axon_tensor
**
** The index of the largest element of `a` along `axis` (the first on ties; NaN counts as
** largest), as whole-number floats, with that axis removed (torch.argmax(dim=axis)).
** No gradient. AXON_ERR_SHAPE when the axis is empty.
*/
axon_status axon_tensor_argmax(axon_tensor **out, const axon_tensor *a, int64_t axis);

/*
** CONSTRUCTOR: axon_tensor
**
** `a` with its axes reordered: output axis i is input axis dims[i], where `dims[0..n_dims)`
** is a permutation of 0..rank-1 (torch.permute; negative entries are not accepted).
** AXON_ERR_INVALID_ARGUMENT otherwise. The result is a new row-major tensor.
*/
axon_status axon_tensor_permute(axon_tensor **out, const axon_tensor *a, const int64_t *dims,
                                size_t n_dims);

/*
** CONSTRUCTOR: axon_tensor
**
** `a` broadcast to `shape[0..rank)`: axes of length 1 stretched and leading axes added
** (torch.Tensor.expand; -1 is not accepted, give the size). The gradient sums back.
** AXON_ERR_SHAPE when `a` does not broadcast to the shape.
*/
axon_status axon_tensor_expand(axon_tensor **out, const axon_tensor *a, const int64_t *shape,
                               size_t rank);

/*
** CONSTRUCTOR: axon_tensor
**
** The adjoint of expand: `a` summed down to `shape[0..rank)`, of which `a`'s shape must be
** a broadcast (torch.Tensor.sum_to_size). AXON_ERR_SHAPE otherwise.
*/
axon_status axon_tensor_sum_to_size(axon_tensor **out, const axon_tensor *a, const int64_t *shape,
                                    size_t rank);

/*
** CONSTRUCTOR: axon_tensor
**
** The `n` tensors of `tensors[0..n)` joined along `axis` (torch.cat). They must have the
** same rank and agree on every other axis (AXON_ERR_SHAPE); n 0 is
** AXON_ERR_INVALID_ARGUMENT. The array and the tensors are borrowed.
*/
axon_status axon_tensor_concat(axon_tensor **out, axon_tensor *const *tensors, size_t n, int64_t axis);

/*
** CONSTRUCTOR: axon_tensor
**
** Elements start..end-1 of `a` along `axis` (a[..., start:end] in Python; negative start or
** end count from the end of the axis; torch.narrow). AXON_ERR_INVALID_ARGUMENT when the
** range is outside the axis or start > end (no clipping).
*/
axon_status axon_tensor_slice(axon_tensor **out, const axon_tensor *a, int64_t axis, int64_t start,
                              int64_t end);

/*
** CONSTRUCTOR: axon_tensor
**
** `a` with a new axis of length 1 at `axis` (in -rank-1..rank; torch.unsqueeze), without
** the axis `axis`, which must have length 1 (AXON_ERR_SHAPE otherwise; torch.squeeze(dim)),
** and with the axes start_axis..end_axis merged into one (torch.flatten; a rank-0 tensor
** becomes [1]; start after end is AXON_ERR_INVALID_ARGUMENT).
*/
axon_status axon_tensor_unsqueeze(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_status axon_tensor_squeeze(axon_tensor **out, const axon_tensor *a, int64_t axis);
axon_status axon_tensor_flatten(axon_tensor **out, const axon_tensor *a, int64_t start_axis,
                                int64_t end_axis);

/*
** CONSTRUCTOR: axon_tensor
**
** The slices indices[0..n_indices) of `a` along `axis`, in that order, repeats allowed
** (torch.index_select). An index outside 0..size-1 is AXON_ERR_INVALID_ARGUMENT. `indices`
** is borrowed; it may be NULL when n_indices is 0.
*/
axon_status axon_tensor_index_select(axon_tensor **out, const axon_tensor *a, int64_t axis,
                                     const int64_t *indices, size_t n_indices);

/*
** CONSTRUCTOR: axon_tensor
**
** out[..., k, ...] = a[..., index[..., k, ...], ...] along `axis` (torch.gather). `index`
** holds whole numbers in 0..size-1 as floats (AXON_ERR_INVALID_ARGUMENT otherwise), has a's
** rank and a's sizes except along `axis` (AXON_ERR_SHAPE otherwise); the result has its
** shape. The index gets no gradient.
*/
axon_status axon_tensor_gather(axon_tensor **out, const axon_tensor *a, int64_t axis,
                               const axon_tensor *index);

/*
** CONSTRUCTOR: axon_tensor
**
** 2-d cross-correlation of the NCHW `input` [N, C, H, W] with `weight` [O, C/groups, kh, kw]
** plus `bias` [O] (NULL: none), torch.nn.functional.conv2d. `stride` (default {1, 1}),
** `padding` (zeros, default {0, 0}) and `dilation` (default {1, 1}) are window pairs.
** The result is [N, O, OH, OW], OH = (H + 2 padding[0] - dilation[0] (kh - 1) - 1) /
** stride[0] + 1. AXON_ERR_INVALID_ARGUMENT for a stride or dilation below 1, a negative
** padding; AXON_ERR_SHAPE when the shapes, groups or window do not fit.
*/
axon_status axon_tensor_conv2d(axon_tensor **out, const axon_tensor *input, const axon_tensor *weight,
                               const axon_tensor *bias, const int64_t stride[2], const int64_t padding[2],
                               const int64_t dilation[2], int64_t groups);

/*
** CONSTRUCTOR: axon_tensor
**
** Max pooling (torch.nn.functional.max_pool2d; padding reads as -infinity, tied maxima
** share the gradient) and average pooling (avg_pool2d with count_include_pad=True) of the
** NCHW `input` over `kernel` windows (required). `stride` defaults to `kernel`, `padding`
** to {0, 0} (at most half the kernel), `dilation` to {1, 1}. AXON_ERR_INVALID_ARGUMENT for
** bad window values; AXON_ERR_SHAPE when the input is not rank 4 or the window does not fit.
*/
axon_status axon_tensor_max_pool2d(axon_tensor **out, const axon_tensor *input, const int64_t kernel[2],
                                   const int64_t stride[2], const int64_t padding[2],
                                   const int64_t dilation[2]);
axon_status axon_tensor_avg_pool2d(axon_tensor **out, const axon_tensor *input, const int64_t kernel[2],
                                   const int64_t stride[2], const int64_t padding[2]);

/*
** CONSTRUCTOR: axon_tensor
**
** Adaptive average pooling of the NCHW (or CHW) `input` to `output_size` {height, width}
** (torch.nn.functional.adaptive_avg_pool2d): output cell (i, j) averages rows
** floor(i H / out_h) ..< ceil((i + 1) H / out_h) and the columns likewise. Sizes must be
** positive (AXON_ERR_INVALID_ARGUMENT); a rank other than 3 or 4 is AXON_ERR_SHAPE.
*/
axon_status axon_tensor_adaptive_avg_pool2d(axon_tensor **out, const axon_tensor *input,
                                            const int64_t output_size[2]);

/*
** CONSTRUCTOR: axon_tensor
**
** Maxout of the `n` tensors in `pieces` (Goodfellow et al., 2013): their elementwise maximum,
** broadcast; the gradient goes to the largest piece (split evenly on ties). n >= 1.
*/
axon_status axon_tensor_maxout(axon_tensor **out, axon_tensor *const *pieces, size_t n);

/* ---------------------------------------------------------------------------------------
** CREATION AND RANDOM TENSORS
**
** Factory functions as PyTorch's. Shapes are `shape[0..rank)` as in axon_tensor_new()
** (rank at most AXON_MAX_RANK, dimensions non-negative; `shape` may be NULL for rank 0);
** `requires_grad` must be 0 or 1. Each writes a new handle, owned by the caller, to `*out`.
**
** Random tensors are drawn from an axon_generator, a seeded xoshiro256** stream (see
** README, "Randomness"): the same seed gives the same values on every machine and thread
** count, and each draw advances the generator. There is no global generator. A failing
** call does not advance it. A generator is an object like a tensor: it must not be used by
** two threads at the same time.
*/
typedef struct axon_generator axon_generator;

/*
** CONSTRUCTOR: axon_tensor
**
** A tensor of zeros, of ones, or filled with `value` (torch.zeros, torch.ones, torch.full).
*/
axon_status axon_tensor_zeros(axon_tensor **out, const int64_t *shape, size_t rank, int requires_grad);
axon_status axon_tensor_ones(axon_tensor **out, const int64_t *shape, size_t rank, int requires_grad);
axon_status axon_tensor_full(axon_tensor **out, const int64_t *shape, size_t rank, float value,
                             int requires_grad);

/*
** CONSTRUCTOR: axon_tensor
**
** start, start + step, ... below `end` (above it for a negative step), a rank-1 tensor
** (torch.arange): element i is start + i * step. AXON_ERR_INVALID_ARGUMENT for a step of 0
** or a non-finite argument.
*/
axon_status axon_tensor_arange(axon_tensor **out, float start, float end, float step, int requires_grad);

/*
** CONSTRUCTOR: axon_tensor
**
** `steps` evenly spaced values from `start` to `end` inclusive, bit for bit as
** torch.linspace. AXON_ERR_INVALID_ARGUMENT for negative steps or a non-finite bound.
*/
axon_status axon_tensor_linspace(axon_tensor **out, float start, float end, int64_t steps,
                                 int requires_grad);

/*
** CONSTRUCTOR: axon_tensor
**
** The n x m matrix with ones on the main diagonal and zeros elsewhere (torch.eye(n, m)).
** AXON_ERR_INVALID_ARGUMENT for a negative size.
*/
axon_status axon_tensor_eye(axon_tensor **out, int64_t n, int64_t m, int requires_grad);

/*
** CONSTRUCTOR: axon_tensor
**
** Zeros, ones or `value` in the shape of `a` (torch.zeros_like, ones_like, full_like);
** only a's shape is read. `a` is borrowed.
*/
axon_status axon_tensor_zeros_like(axon_tensor **out, const axon_tensor *a, int requires_grad);
axon_status axon_tensor_ones_like(axon_tensor **out, const axon_tensor *a, int requires_grad);
axon_status axon_tensor_full_like(axon_tensor **out, const axon_tensor *a, float value, int requires_grad);

/*
** CONSTRUCTOR: axon_generator
**
** A random generator (torch.Generator with manual_seed(seed)): xoshiro256** whose state is
** four SplitMix64 outputs of `seed`. Writes a new handle, owned by the caller, to `*out`.
*/
axon_status axon_generator_new(axon_generator **out, uint64_t seed);

/* DESTRUCTOR: axon_generator - releases the caller's generator `g`. NULL is a no-op. */
void axon_generator_free(axon_generator *g);

/*
** CONSTRUCTOR: axon_tensor
**
** Random tensors of `shape[0..rank)` drawn from `g` (borrowed, advanced), one draw per
** element in row-major order: uniform in [0, 1) on a 2^-24 grid (torch.rand) and standard
** normal by Box-Muller (torch.randn). The values equal the core's Tensor.uniform and
** Tensor.normal from the same stream, not PyTorch's.
*/
axon_status axon_tensor_rand(axon_tensor **out, axon_generator *g, const int64_t *shape, size_t rank,
                             int requires_grad);
axon_status axon_tensor_randn(axon_tensor **out, axon_generator *g, const int64_t *shape, size_t rank,
                              int requires_grad);

/*
** CONSTRUCTOR: axon_tensor
**
** Uniform integers in low..high-1 as whole-number floats (torch.randint(low, high, size)),
** drawn from `g` (borrowed, advanced) without bias. AXON_ERR_INVALID_ARGUMENT unless
** low < high and both lie within +-2^24 (where floats hold every integer). The result does
** not require grad.
*/
axon_status axon_tensor_randint(axon_tensor **out, axon_generator *g, int64_t low, int64_t high,
                                const int64_t *shape, size_t rank);

/*
** CONSTRUCTOR: axon_tensor
**
** A random permutation of 0..n-1 as whole-number floats, rank 1 (torch.randperm(n)), by a
** Fisher-Yates shuffle drawing from `g` (borrowed, advanced). AXON_ERR_INVALID_ARGUMENT
** unless 0 <= n <= 2^24. The result does not require grad.
*/
axon_status axon_tensor_randperm(axon_tensor **out, axon_generator *g, int64_t n);

/* ---------------------------------------------------------------------------------------
** GRADIENTS WITHOUT .grad
*/

/*
** The gradients of the outputs `outputs[0..n_outputs)` with respect to the leaves or
** intermediates `inputs[0..n_inputs)` (torch.autograd.grad): writes to the caller's array
** `out`, of `capacity` entries, one new handle per input (owned by the caller), the sum over
** outputs of d <grad_outputs[j], outputs[j]> / d inputs[i]. No tensor's gradient (.grad) is
** read or changed. `grad_outputs` is NULL (every output a one-element tensor, cotangent 1) or an
** array of n_outputs seeds, each of its output's shape or NULL for a one-element output.
** An input the outputs do not depend on gets zeros (allow_unused, materialized). With
** `retain_graph` 1 the recorded graph is kept for another backward; with `create_graph` 1
** the gradients are themselves recorded (higher-order derivatives; implies retain_graph).
** AXON_ERR_INVALID_ARGUMENT when capacity < n_inputs, an input does not require grad or a
** flag is not 0 or 1; AXON_ERR_SHAPE for a missing or misshapen seed; AXON_ERR_STATE when the
** graph was already released. On failure out[0..min(capacity, n_inputs)) are NULL.
** All arrays and handles passed in are borrowed; `out` may be NULL only when capacity is 0.
*/
axon_status axon_grad(axon_tensor **out, size_t capacity, axon_tensor *const *outputs, size_t n_outputs,
                      axon_tensor *const *grad_outputs, axon_tensor *const *inputs, size_t n_inputs,
                      int retain_graph, int create_graph);


/* ---------------------------------------------------------------------------------------
** LOSSES WITH OPTIONS
**
** Every loss of axon_loss() with PyTorch's keyword options, given as axon_optimizer_new()
** takes options (keys and values arrays, borrowed, NULL when n_options is 0):
**
**   smooth_l1      beta (>= 0, default 1)
**   huber          delta (> 0, default 1)
**   cross_entropy  label_smoothing (in [0, 1], default 0), ignore_index (a whole number)
**   nll            ignore_index
**
** and, for cross_entropy and nll, per-class weights as a tensor.
*/

/*
** CONSTRUCTOR: axon_tensor
**
** The loss `name` of `input` against `target` with `reduction` (NULL means "mean"), as
** axon_loss(), with the options above and per-class `weight` (NULL for none; else a tensor of
** shape [C], finite and >= 0, for cross_entropy and nll only), with PyTorch's semantics
** (torch.nn.functional.cross_entropy(..., weight, ignore_index, label_smoothing),
** nll_loss, huber_loss(delta), smooth_l1_loss(beta)): a sample whose target equals
** ignore_index adds 0; with weights or ignore_index, "mean" divides by the sum of the
** weights of the counted samples' classes (NaN when every sample is ignored, as PyTorch).
** With probability targets, cross_entropy takes weights but not ignore_index. An unknown
** name, reduction or option key, an option that is not finite or out of its domain, a
** weight with a negative or non-finite entry, or a weight for another loss is
** AXON_ERR_INVALID_ARGUMENT; a weight not of shape [C] or mismatched shapes AXON_ERR_SHAPE.
** Writes a new handle, owned by the caller, to `*out`; everything else is borrowed.
*/
axon_status axon_loss_with_options(axon_tensor **out, const char *name, const axon_tensor *input,
                                   const axon_tensor *target, const char *reduction,
                                   const axon_tensor *weight, const char *const *keys,
                                   const double *values, size_t n_options);

/* ---------------------------------------------------------------------------------------
** PARAMETER GROUPS AND OPTIONS
**
** Every option of axon_optimizer_new() (and of L-BFGS, below) is readable and writable by
** name for each parameter group. "weight_decay" reads the group's decay (coupled, or
** decoupled for adamw; 0 when none). Booleans (nesterov, amsgrad, centered, strong_wolfe)
** are 0 or 1 only.
*/

/*
** METHOD: axon_optimizer
**
** Appends a parameter group over `params[0..n)` to `opt`, with the optimizer's construction
** options and `keys`/`values` overriding some of them (torch.optim.Optimizer.add_param_group).
** The group is stepped, zeroed, checkpointed and scheduled with the others; a scheduler or
** plateau made before the group was added leaves the new group's rate alone. A parameter
** already in a group, an unknown key, an invalid value or an L-BFGS optimizer (one group
** only) is AXON_ERR_INVALID_ARGUMENT, and `opt` is left unchanged. All arrays are borrowed;
** the optimizer keeps its own references to the parameters.
*/
axon_status axon_optimizer_add_param_group(axon_optimizer *opt, axon_tensor *const *params, size_t n,
                                           const char *const *keys, const double *values,
                                           size_t n_options);

/*
** METHOD: axon_optimizer
**
** Writes the value of option `key` (NUL-terminated, borrowed) of parameter group `group` to
** `*out` (group["key"] in PyTorch). An unknown key or a group >= axon_optimizer_group_count()
** is AXON_ERR_INVALID_ARGUMENT.
*/
axon_status axon_optimizer_get_option(double *out, const axon_optimizer *opt, size_t group, const char *key);

/*
** METHOD: axon_optimizer
**
** Sets option `key` of parameter group `group` to `value` (group["key"] = value in PyTorch),
** validated as at construction (AXON_ERR_INVALID_ARGUMENT for an unknown key, a bad group,
** NaN, a negative rate, a boolean that is not 0 or 1...). An option that decides which state
** buffers a group keeps (amsgrad; rmsprop's centered and momentum switched between zero and
** non-zero; lbfgs history_size below the pairs kept) cannot change once the group has taken
** a step: AXON_ERR_STATE. On failure the optimizer is unchanged.
*/
axon_status axon_optimizer_set_option(axon_optimizer *opt, size_t group, const char *key, double value);

/* ---------------------------------------------------------------------------------------
** CLOSURES AND L-BFGS
*/

/*
** CONSTRUCTOR: axon_optimizer
**
** An L-BFGS optimizer over `params[0..n)` (torch.optim.LBFGS), one parameter group, with
** options (keys/values as axon_optimizer_new() takes them):
**
**   lr (1)  max_iter (20)  max_eval (max_iter * 5 / 4)  tolerance_grad (1e-7)
**   tolerance_change (1e-9)  history_size (100)  strong_wolfe (0; 1 is line_search_fn="strong_wolfe")
**
** axon_optimizer_new(&opt, "lbfgs", ...) makes the same. Step it with
** axon_optimizer_step_closure() (axon_optimizer_step() is AXON_ERR_STATE). Invalid options
** are AXON_ERR_INVALID_ARGUMENT. Writes a new handle, owned by the caller, to `*out`; all
** arrays are borrowed.
*/
axon_status axon_optimizer_new_lbfgs(axon_optimizer **out, axon_tensor *const *params, size_t n,
                                     const char *const *keys, const double *values, size_t n_options);

/*
** METHOD: axon_optimizer
**
** One optimizer step driven by `closure` (optimizer.step(closure) in PyTorch): the closure,
** called with `user`, must zero the gradients, run forward and backward through this library
** and return the loss. L-BFGS calls it as often as its iterations and line search need; any
** other optimizer calls it once, then steps. Writes the first loss to `*out_loss`. The
** closure runs on the calling thread, with gradient recording on; it must not free or step
** `opt`. A closure that reports failure by returning NaN (the way to signal an error inside
** it) makes the call fail with AXON_ERR_STATE and leaves the parameters (and the L-BFGS
** state) as they were before the call; so does a closure that calls this function on the
** same optimizer again. NULL `closure` is AXON_ERR_INVALID_ARGUMENT. `user` is passed through
** untouched.
*/
axon_status axon_optimizer_step_closure(float *out_loss, axon_optimizer *opt, float (*closure)(void *user),
                                        void *user);

/* ---------------------------------------------------------------------------------------
** COMPOSED SCHEDULES
*/

/*
** CONSTRUCTOR: axon_scheduler
**
** A scheduler driving `opt` with `n` >= 1 schedules composed: `composition` "sequential"
** (torch.optim.lr_scheduler.SequentialLR: schedule i runs from milestone i - 1, restarting at
** its own step 0; `milestones[0..n_milestones)` are n - 1 increasing positive steps) or
** "chained" (ChainedScheduler: the factors of all schedules multiply; no milestones). Child i
** is `kinds[i]` (as axon_scheduler_new() takes it) with options `keys[i][0..n_options[i])`
** and `values[i][...]` (keys[i] and values[i] may be NULL when n_options[i] is 0; `keys` and
** `values` themselves may be NULL when every n_options[i] is 0). Bad kinds, options or
** milestones are AXON_ERR_INVALID_ARGUMENT. Ownership as axon_scheduler_new(); all arrays
** are borrowed.
*/
axon_status axon_scheduler_new_composed(axon_scheduler **out, axon_optimizer *opt, const char *composition,
                                        size_t n, const char *const *kinds, const char *const *const *keys,
                                        const double *const *values, const size_t *n_options,
                                        const int64_t *milestones, size_t n_milestones);

/* ---------------------------------------------------------------------------------------
** PLATEAU
**
** An axon_plateau lowers the learning rates of an optimizer when a metric stops improving
** (torch.optim.lr_scheduler.ReduceLROnPlateau). It holds its own reference to the optimizer.
*/
typedef struct axon_plateau axon_plateau;

/*
** CONSTRUCTOR: axon_plateau
**
** A plateau schedule over `opt` with options (keys/values as axon_optimizer_new() takes
** them; PyTorch's defaults):
**
**   mode (0 = "min", 1 = "max"; 0)  factor (in (0, 1); 0.1)  patience (whole, >= 0; 10)
**   threshold (>= 0; 1e-4)  threshold_mode (0 = "rel", 1 = "abs"; 0)  cooldown (whole, >= 0; 0)
**   min_lr (>= 0, for every group; 0)  eps (>= 0; 1e-8)
**
** An unknown key or an invalid value is AXON_ERR_INVALID_ARGUMENT. Writes a new handle, owned
** by the caller, to `*out`; `opt` keeps living while the plateau does; arrays are borrowed.
*/
axon_status axon_plateau_new(axon_plateau **out, axon_optimizer *opt, const char *const *keys,
                             const double *values, size_t n_options);

/* DESTRUCTOR: axon_plateau - releases the caller's reference `p`. NULL is a no-op. */
void axon_plateau_free(axon_plateau *p);

/*
** METHOD: axon_plateau
**
** Reports one value of the metric (scheduler.step(metric)); after more than `patience`
** steps without improvement, multiplies every group's rate by `factor` (not below min_lr),
** then waits `cooldown` steps. A NaN metric is AXON_ERR_INVALID_ARGUMENT and changes nothing.
*/
axon_status axon_plateau_step(axon_plateau *p, double metric);

/*
** axon_checkpoint_save() with a plateau schedule as well: saves `m`, and `opt`, `sched` and
** `plateau` when not NULL, to `path` atomically. All borrowed. AXON_ERR_IO when the file
** cannot be written.
*/
axon_status axon_checkpoint_save_plateau(const char *path, axon_model *m, axon_optimizer *opt,
                                         axon_scheduler *sched, axon_plateau *plateau);

/*
** axon_checkpoint_restore() with a plateau schedule as well: restores into `m`, and `opt`,
** `sched` and `plateau` when not NULL (their sections must be in the file; the plateau's
** best value, counters and the optimizer's rates). Errors as axon_checkpoint_restore(); a
** failed call changes none of the objects.
*/
axon_status axon_checkpoint_restore_plateau(const char *path, axon_model *m, axon_optimizer *opt,
                                            axon_scheduler *sched, axon_plateau *plateau);


/* ---------------------------------------------------------------------------------------
** DATA
**
** Datasets, data loaders and the transforms fitted on training features, as in
** torch.utils.data and scikit-learn's StandardScaler / PCA(whiten=True). A dataset holds
** features and targets whose first axes have the same length (the samples); a loader cuts it
** into batches, reshuffled every epoch from its own seeded stream. axon_live_handles()
** counts the handles below as "axon_dataset", "axon_loader", "axon_standardizer" and
** "axon_pca". A dataset, a standardizer and a PCA are never modified after they are made, so
** they may be used by several threads at once; a loader changes with every
** axon_loader_next() and follows the default rule.
*/
typedef struct axon_dataset axon_dataset;
typedef struct axon_loader axon_loader;
typedef struct axon_standardizer axon_standardizer;
typedef struct axon_pca axon_pca;

/*
** CONSTRUCTOR: axon_dataset
**
** A dataset of the samples along the first axis of `features` [N, ...] and `targets`
** [N, ...] (torch.utils.data.TensorDataset). AXON_ERR_SHAPE when either is rank 0 or their
** first axes differ. The dataset refers to the tensors' values without copying them and
** without their graphs (as axon_tensor_detach()); the handles `features` and `targets` stay
** the caller's and may be freed. Writes a new handle, owned by the caller, to `*out`.
*/
axon_status axon_dataset_new(axon_dataset **out, const axon_tensor *features,
                             const axon_tensor *targets);

/* DESTRUCTOR: axon_dataset - releases the caller's reference `d`. NULL is a no-op. */
void axon_dataset_free(axon_dataset *d);

/* METHOD: axon_dataset - the number of samples N (len() in PyTorch); 0 for NULL. */
size_t axon_dataset_count(const axon_dataset *d);

/*
** CONSTRUCTOR: axon_loader
**
** A loader of batches of `batch_size` samples of `dataset` (torch.utils.data.DataLoader).
** With `shuffle` 1 every epoch visits the samples in a new random order drawn from a stream
** seeded with `seed` (the same seed gives the same orders), with 0 in their order; with
** `drop_last` 1 a last, incomplete batch is left out. AXON_ERR_INVALID_ARGUMENT when
** `batch_size` is 0 or negative, or `shuffle` or `drop_last` is not 0 or 1. The loader keeps
** its own reference to the dataset: the caller still frees `dataset`. Writes a new handle,
** owned by the caller, to `*out`.
*/
axon_status axon_loader_new(axon_loader **out, const axon_dataset *dataset, size_t batch_size,
                            int shuffle, int drop_last, uint64_t seed);

/* DESTRUCTOR: axon_loader - releases the caller's reference `loader`. NULL is a no-op. */
void axon_loader_free(axon_loader *loader);

/* METHOD: axon_loader - the number of batches per epoch (len() in PyTorch); 0 for NULL. */
size_t axon_loader_batch_count(const axon_loader *loader);

/*
** CONSTRUCTOR: axon_tensor
**
** The next batch of the current epoch: its features to `*out_x` and its targets to `*out_y`,
** new handles owned by the caller (tensors that do not require grad). At the end of an
** epoch it writes NULL to both and returns AXON_OK; the call after that starts the next
** epoch (a new order when shuffling). An epoch is thus read as
**
**     for (;;) { axon_loader_next(&x, &y, loader); if (!x) break; ...; axon_tensor_free(x); ... }
**
** `out_x` and `out_y` must be distinct (AXON_ERR_INVALID_ARGUMENT). A failed call leaves
** the loader where it was.
*/
axon_status axon_loader_next(axon_tensor **out_x, axon_tensor **out_y, axon_loader *loader);

/*
** axon_checkpoint_save() with the position of `loader` added (its epoch, the batches of it
** already read and the stream its order was drawn from), so that a run paused mid-epoch and
** resumed with axon_checkpoint_restore_loader() reads the same batches and trains bit for bit
** as it would have without the pause. Saved between epochs (after axon_loader_next() wrote
** NULL), the resumed loader starts the next epoch. `loader` is required (NULL is
** AXON_ERR_INVALID_ARGUMENT); `opt` and `sched` may be NULL. All borrowed. AXON_ERR_IO when
** the file cannot be written. The files are read by axon_checkpoint_restore() too.
*/
axon_status axon_checkpoint_save_loader(const char *path, axon_model *m, axon_optimizer *opt,
                                        axon_scheduler *sched, const axon_loader *loader);

/*
** Restores what axon_checkpoint_save_loader() wrote into `m`, `opt` and `sched` (when not
** NULL) as axon_checkpoint_restore() does, and the position into `loader`, which must be
** made the same way as the saved one (same dataset size, batch size, shuffle and drop-last;
** its seed does not matter, the stream is restored). Errors as axon_checkpoint_restore(), plus
** AXON_ERR_FORMAT when the file has no loader position or one that does not fit `loader`
** (checked before anything is changed: a failed call changes neither the objects nor
** `loader`). All borrowed.
*/
axon_status axon_checkpoint_restore_loader(const char *path, axon_model *m, axon_optimizer *opt,
                                           axon_scheduler *sched, axon_loader *loader);

/*
** CONSTRUCTOR: axon_standardizer
**
** Fits a standardization on the training features `x` [N, F...] (N > 1, else AXON_ERR_SHAPE):
** the mean and the standard deviation (biased, 1/N) of every feature over the first axis, as
** scikit-learn's StandardScaler; a feature with zero variance gets the deviation 1. `x` is
** borrowed and not referenced after return. Writes a new handle, owned by the caller, to
** `*out`.
*/
axon_status axon_standardizer_new(axon_standardizer **out, const axon_tensor *x);

/* DESTRUCTOR: axon_standardizer - releases the caller's reference `s`. NULL is a no-op. */
void axon_standardizer_free(axon_standardizer *s);

/*
** CONSTRUCTOR: axon_tensor
**
** (x - mean) / std with the statistics `s` was fitted with, for `x` [M, F...] with the same
** feature shape (AXON_ERR_SHAPE otherwise). Writes a new handle, owned by the caller, to
** `*out`; `s` and `x` are borrowed.
*/
axon_status axon_standardizer_apply(axon_tensor **out, const axon_standardizer *s,
                                    const axon_tensor *x);

/*
** CONSTRUCTOR: axon_pca
**
** Fits PCA whitening on the training features `x` [N, F] (N > 1, else AXON_ERR_SHAPE; F at
** most 4096, else AXON_ERR_INVALID_ARGUMENT): the mean and the eigen-decomposition
** U diag(lambda) U^T of the biased (1/N) covariance, computed in double precision.
** `eps` (finite, >= 0; AXON_ERR_INVALID_ARGUMENT otherwise) is added to every eigenvalue;
** with 0 a feature of zero variance gives infinities. `x` is borrowed and not referenced
** after return. Writes a new handle, owned by the caller, to `*out`.
*/
axon_status axon_pca_new(axon_pca **out, const axon_tensor *x, double eps);

/* DESTRUCTOR: axon_pca - releases the caller's reference `p`. NULL is a no-op. */
void axon_pca_free(axon_pca *p);

/*
** CONSTRUCTOR: axon_tensor
**
** (x - mean) U diag(1 / sqrt(lambda + eps)) for `x` [M, F] (AXON_ERR_SHAPE for another F or
** rank): the training features whitened this way have zero mean and identity covariance.
** Writes a new handle, owned by the caller, to `*out`; `p` and `x` are borrowed.
*/
axon_status axon_pca_apply(axon_tensor **out, const axon_pca *p, const axon_tensor *x);

/*
** CONSTRUCTOR: axon_tensor
**
** Reads the IDX file at the NUL-terminated `path` (the format of MNIST: unsigned bytes,
** rank 1 to 8), gunzipped first when it is gzip-compressed (recognized by its content, not
** its name), as a tensor of the file's shape holding each byte times `scale` (e.g. 1/255
** for pixels, 1 for labels; finite, else AXON_ERR_INVALID_ARGUMENT). AXON_ERR_IO when the
** file cannot be read or is not a regular file (a FIFO is refused without blocking),
** AXON_ERR_FORMAT when it is not a valid IDX file of unsigned bytes or not valid gzip,
** AXON_ERR_MEMORY when it does not fit in memory. Writes a new handle, owned by the caller, to
** `*out`; `path` is borrowed.
*/
axon_status axon_tensor_load_idx(axon_tensor **out, const char *path, float scale);

/* ---------------------------------------------------------------------------------------
** TENSOR FILES
**
** Named tensors and one free text saved without a model (a state dict or a checkpoint of the
** caller's own making; the Python door's torch.save of a dict), in an .axon file with a tensor
** section instead of an architecture (see FORMAT.md, "Tensor files"). A model loader refuses
** such a file and axon_tensors_load() refuses a model file, both with AXON_ERR_FORMAT.
*/

typedef struct axon_tensor_file axon_tensor_file;

/*
** Writes the `count` tensors `tensors[0..count)` under the NUL-terminated names
** `names[0..count)` (unique; a name given twice is AXON_ERR_INVALID_ARGUMENT), and the
** NUL-terminated `text` (NULL for none), to `path`, atomically as FILES describes. Everything
** is borrowed. AXON_ERR_IO when the file cannot be written.
*/
axon_status axon_tensors_save(const char *path, const char *const *names, axon_tensor *const *tensors,
                              size_t count, const char *text);

/*
** CONSTRUCTOR: axon_tensor_file
**
** Reads a file written by axon_tensors_save(). Writes a new handle, owned by the caller, to
** `*out`. AXON_ERR_IO when the file cannot be read or is not a regular file, AXON_ERR_FORMAT
** when it is not a tensor file or is damaged (the message names the section), AXON_ERR_MEMORY
** when it does not fit in memory.
*/
axon_status axon_tensors_load(axon_tensor_file **out, const char *path);

/* DESTRUCTOR: axon_tensor_file - releases the caller's reference `file`. NULL is a no-op. */
void axon_tensor_file_free(axon_tensor_file *file);

/* METHOD: axon_tensor_file - the number of tensors in `file` (0 for NULL). */
size_t axon_tensor_file_count(const axon_tensor_file *file);

/*
** METHOD: axon_tensor_file
**
** The name of tensor `i` (from 0, in the saved order), written as axon_model_spec() writes.
** AXON_ERR_INVALID_ARGUMENT when `i` is out of range.
*/
axon_status axon_tensor_file_name(const axon_tensor_file *file, size_t i, char *out, size_t capacity,
                                  size_t *out_length);

/*
** CONSTRUCTOR: axon_tensor
**
** Tensor `i` of `file`: a new handle owned by the caller (a fresh tensor that does not
** require grad). AXON_ERR_INVALID_ARGUMENT when `i` is out of range.
*/
axon_status axon_tensor_file_tensor(axon_tensor **out, const axon_tensor_file *file, size_t i);

/* METHOD: axon_tensor_file - the saved text ("" when none), written as axon_model_spec() writes. */
axon_status axon_tensor_file_text(const axon_tensor_file *file, char *out, size_t capacity, size_t *out_length);

/* ---------------------------------------------------------------------------------------
** SAFETENSORS
**
** The safetensors format PyTorch users exchange weights in (an 8-byte little-endian header
** length, a JSON header of dtypes, shapes and data offsets, then raw little-endian data).
** Reading converts F32, F16, BF16, F64 and the integer dtypes (BatchNorm's I64
** num_batches_tracked) to float32; writing stores F32, and I64 for counters. Names are
** state_dict names ("0.weight", "fc1.bias", "features.1.running_mean"). A damaged or hostile
** file (a header length beyond the file, a header over 100 MB or nested deeper than 64,
** offsets out of range, overlapping or leaving gaps, a shape that disagrees with its byte
** range, an unknown dtype, a name given twice) is AXON_ERR_FORMAT, and nothing larger than
** the file is allocated.
*/

/*
** Writes the state of `m` (parameters and buffers, by state_dict name; num_batches_tracked as
** I64) to `path` as safetensors, atomically. AXON_ERR_IO when the file cannot be written.
*/
axon_status axon_model_save_safetensors(const axon_model *m, const char *path);

/*
** Copies the tensors of the safetensors file `path` into the parameters and buffers of `m` by
** name, after renaming the `n_renames` names `from[i]` of the file to `to[i]` (NULL arrays when
** n_renames is 0). With `strict` 1 a name of the model missing from the file, or of the file
** missing from the model, is AXON_ERR_INVALID_ARGUMENT naming them (PyTorch's
** load_state_dict(strict=True)); a shape that differs is always AXON_ERR_SHAPE. Everything is
** checked before anything is copied: on failure `m` is unchanged. `strict` is 0 or 1.
*/
axon_status axon_model_load_safetensors(axon_model *m, const char *path, int strict, const char *const *from,
                                        const char *const *to, size_t n_renames);

/*
** Writes the `count` tensors `tensors[0..count)` under `names[0..count)` to `path` as
** safetensors, atomically: as F32, or as I64 (rounded) where `integer[i]` is 1 (`integer` may be
** NULL: all F32), with the `n_meta` metadata strings `keys[i]` = `values[i]` as __metadata__.
** A name given twice or "__metadata__" is AXON_ERR_INVALID_ARGUMENT. Everything is borrowed.
*/
axon_status axon_safetensors_save(const char *path, const char *const *names, axon_tensor *const *tensors,
                                  const int *integer, size_t count, const char *const *keys,
                                  const char *const *values, size_t n_meta);

/*
** CONSTRUCTOR: axon_tensor_file
**
** Reads the safetensors file `path` as a tensor file (see TENSOR FILES): its tensors in file
** order, and as its text the JSON object {"metadata": {key: value, ...}, "integers": [names of
** the tensors stored with an integer dtype]}. Errors as above; AXON_ERR_IO when the file cannot
** be read.
*/
axon_status axon_safetensors_load(axon_tensor_file **out, const char *path);

/* ---------------------------------------------------------------------------------------
** DATA-PARALLEL TRAINING
**
** Every process holds a replica of the model, trains on its share of each global batch, and
** the caller's collective engine (MPI, Gloo, ...) joins the replicas; the library links none.
** The engine reaches the library as an axon_replica_fn: a function of the caller's that changes
** a flat buffer of `count` floats in place and returns 0 (anything else fails the call that
** ran it with AXON_ERR_CALLBACK, and that call's step is not taken). It runs on the calling
** thread, inside the call; it must not call into the library on the same objects.
**
**     static int average(float *data, size_t count, void *user) {
**         int size; MPI_Comm_size(MPI_COMM_WORLD, &size);
**         if (MPI_Allreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD))
**             return 1;
**         for (size_t i = 0; i < count; i++) data[i] /= (float)size;
**         return 0;
**     }
**     axon_model_broadcast(m, bcast_from_0, NULL);          once, before training
**     axon_loader_new_sharded(&loader, data, 32, 1, 1, seed, rank, world_size);
**     axon_train_step_hooked(&loss, m, opt, "cross_entropy", x, y, 0, average, NULL);
**
** A flat buffer holds tensors one after another, each in row-major order: the parameters in
** axon_model_parameter() order (AXON_PART_PARAMETERS), their gradients in the same order
** (AXON_PART_GRADIENTS; zeros where a parameter has none), or every state tensor, parameters
** and buffers, in axon_model_state_tensor() order (AXON_PART_STATE).
*/

/* A collective of the caller's over `count` floats at `data`, in place; 0 on success. `data` is
** the library's buffer, borrowed: valid until the function returns. */
typedef int (*axon_replica_fn)(float *data, size_t count, void *user);

typedef enum axon_model_part {
    AXON_PART_PARAMETERS = 0,
    AXON_PART_GRADIENTS = 1,
    AXON_PART_STATE = 2
} axon_model_part;

/* METHOD: axon_model - the floats in the flat buffer of `part`; 0 for NULL or an unknown part. */
size_t axon_model_flat_count(const axon_model *m, int part);

/*
** Copies `part` of `m` into the caller's `out`, which holds exactly `count` floats (any other
** count, or NULL `out` with a non-zero count, is AXON_ERR_INVALID_ARGUMENT).
*/
axon_status axon_model_flat_read(const axon_model *m, int part, float *out, size_t count);

/*
** Copies the `count` floats at `values` into `part` of `m`, in place (the tensors keep their
** identity; packed weights are refreshed). For AXON_PART_GRADIENTS a parameter without a
** gradient gets one only when its slice is not all zero, so an optimizer still skips a
** parameter no replica reached. Errors as axon_model_flat_read(); on error nothing changes.
*/
axon_status axon_model_flat_write(axon_model *m, int part, const float *values, size_t count);

/*
** axon_model_flat_read() and _write() over the `n` tensors `tensors[0..n)` (values, or their
** gradients when `gradients` is 1): the Python door's flat buffers of a module's parameters.
*/
axon_status axon_tensors_flat_read(axon_tensor *const *tensors, size_t n, int gradients, float *out,
                                   size_t count);
axon_status axon_tensors_flat_write(axon_tensor *const *tensors, size_t n, int gradients, const float *values,
                                    size_t count);

/*
** Makes every replica hold rank 0's state: reads the AXON_PART_STATE buffer of `m`, calls
** `broadcast(data, count, user)`, which must leave rank 0's values in it on every rank
** (MPI_Bcast from root 0), and writes the buffer back. Nothing changes when it fails.
*/
axon_status axon_model_broadcast(axon_model *m, axon_replica_fn broadcast, void *user);

/*
** Synchronized batch normalization (PyTorch's SyncBatchNorm): every BatchNorm1d/2d layer of `m`
** computes its training-mode statistics over all `world_size` replicas (this one is `rank`),
** calling `all_reduce_sum` (which must replace the buffer by its element-wise sum over the
** replicas, MPI_SUM) twice in every training forward pass and once in every backward pass
** through it, so N replicas of batch B train as one process of batch N*B, running statistics
** included. Those sums go as float pairs (48 bits of each double sum) in each replica's own
** slots of a buffer of zeros and are added in rank order, so they do not depend on the
** engine's order. Under create_graph backward and forward-mode tangents the composed formulas
** all-reduce their means too (plain float sums, more calls). NULL `all_reduce_sum` goes back
** to per-replica statistics (the default): each replica normalizes with its own batch and keeps
** its own running statistics (DistributedDataParallel also copies rank 0's buffers to every
** rank before each forward; call axon_model_broadcast() for that). Every replica must run the
** same forward and backward passes.
** `all_reduce_sum` and `user` must stay valid while `m` trains; the setting is not saved in
** model files. Writes the number of layers set to `*out_layers`. rank >= world_size, or
** world_size 0 or above 2^20, is AXON_ERR_INVALID_ARGUMENT.
*/
axon_status axon_model_sync_batchnorm(size_t *out_layers, axon_model *m, size_t rank, size_t world_size,
                                      axon_replica_fn all_reduce_sum, void *user);

/*
** axon_train_step() with `gradient_hook(data, count, user)` called after backward and before
** the guard, clipping and the update, on the AXON_PART_GRADIENTS buffer, to replace it
** (typically by its mean over the replicas). The hook runs on every call, also when this
** replica's loss is not finite: it then sends NaN, so every replica fails with
** AXON_ERR_NONFINITE together. A hook that fails leaves the model and optimizer as they were
** (AXON_ERR_CALLBACK). NULL `gradient_hook` is AXON_ERR_INVALID_ARGUMENT.
*/
axon_status axon_train_step_hooked(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
                                   const axon_tensor *x, const axon_tensor *y, double clip_norm,
                                   axon_replica_fn gradient_hook, void *user);

/*
** CONSTRUCTOR: axon_loader
**
** axon_loader_new() for replica `rank` of `world_size` (0 <= rank < world_size): every replica
** draws the same order from `seed` and cuts it into global batches of batch_size * world_size
** samples; this one returns the rank-th contiguous share of each, so the shards of a batch
** together are the batch of a single process with batch size batch_size * world_size. A last,
** partial global batch is shared as evenly as possible; it must give every replica a sample
** (else AXON_ERR_INVALID_ARGUMENT: use drop_last). Shares that differ by one sample weigh the
** averaged gradient unevenly, and a share of one sample fails per-replica BatchNorm on that
** replica alone (the others then wait in their all-reduce): drop_last 1 keeps every step
** exactly the single process's. axon_loader_batch_count() counts global batches. A
** checkpoint (axon_checkpoint_save_loader()) records the sharding and resumes in any world
** size with the same global batch.
*/
axon_status axon_loader_new_sharded(axon_loader **out, const axon_dataset *dataset, size_t batch_size,
                                    int shuffle, int drop_last, uint64_t seed, size_t rank, size_t world_size);

/*
** axon_fit() over `loader` (sharded or not), which must stand between epochs (before its first
** batch, or after axon_loader_next() gave NULL: else AXON_ERR_STATE) and advances `epochs`
** epochs, so axon_checkpoint_save_loader() may follow. `gradient_hook` (NULL: none) is called
** at every step, after backward and before the guard and the update; the records report this
** replica's loss. A failure (a hook's, a BatchNorm all-reduce's, or any error) stops the loop:
** the epochs and steps before it stay trained, `*out_count` is 0, the failed batch's BatchNorm
** statistics stay, and the loader stands between epochs again (the rest of that epoch is not
** read). Call it on every replica with the same arguments.
*/
axon_status axon_fit_loader(axon_epoch_record *out_records, size_t capacity, size_t *out_count,
                            axon_model *m, axon_optimizer *opt, axon_scheduler *sched, const char *loss,
                            axon_loader *loader, const axon_tensor *val_x, const axon_tensor *val_y, int epochs,
                            double clip_norm, axon_replica_fn gradient_hook, void *user);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXON_H */
