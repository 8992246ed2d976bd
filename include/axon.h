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
**   axon_scheduler): a handle written to `*out` is owned by the caller and released with the
**   type's own _free exactly once; handles passed in are borrowed. An object keeps alive what
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
**   thread only. Gradient recording is also per thread. The same holds for models,
**   optimizers and schedulers; a model, its parameter tensors and an optimizer or scheduler
**   over them count as one object for this rule.
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
** "axon_model", "axon_optimizer", "axon_scheduler"), or of every type when `type` is NULL: a
** binding or a test can check that it released everything. An unknown name is
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
** from the NUL-terminated `path`. AXON_ERR_IO when it cannot be read, AXON_ERR_FORMAT when it is not a
** valid model file of a supported version. Writes a new handle, owned by the caller, to
** `*out`; `path` is borrowed.
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
** `path` (created or replaced). AXON_ERR_IO when the file cannot be written. `path` is borrowed.
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
** without, unknown names are ignored and missing ones keep their values. All arrays are
** borrowed; they may be NULL when `count` is 0.
*/
axon_status axon_model_load_state(axon_model *m, const char *const *names,
                                  axon_tensor *const *tensors, size_t count, int strict);

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

/* METHOD: axon_optimizer - the number of parameter groups (1); 0 for NULL. */
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
*/
axon_status axon_train_step(float *out_loss, axon_model *m, axon_optimizer *opt, const char *loss,
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
** renamed over `path`: a failed save leaves an existing file as it was). All borrowed.
** AXON_ERR_IO when the file cannot be written.
*/
axon_status axon_checkpoint_save(const char *path, axon_model *m, axon_optimizer *opt, axon_scheduler *sched);

/*
** Restores what axon_checkpoint_save wrote into `m`, and `opt` and `sched` when not NULL
** (their sections must be in the file). All borrowed. AXON_ERR_INVALID_ARGUMENT when the
** model's parameter names differ from the file's, AXON_ERR_SHAPE when their shapes do,
** AXON_ERR_FORMAT for a corrupt file or an optimizer of another kind or shape, AXON_ERR_IO
** when the file cannot be read.
*/
axon_status axon_checkpoint_restore(const char *path, axon_model *m, axon_optimizer *opt, axon_scheduler *sched);

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
** (checked before anything is changed). All borrowed.
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
** file cannot be read, AXON_ERR_FORMAT when it is not a valid IDX file of unsigned bytes or
** not valid gzip. Writes a new handle, owned by the caller, to `*out`; `path` is borrowed.
*/
axon_status axon_tensor_load_idx(axon_tensor **out, const char *path, float scale);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXON_H */
