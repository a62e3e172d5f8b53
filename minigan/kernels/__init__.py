"""Kernel layer: the fused numeric kernels the autograd engine and the optimizers call.

Public kernels (float32 or float64; NumPy arrays in, NumPy arrays out; CuPy arrays are routed
to :mod:`minigan.kernels.gpu`):

* :func:`matmul` - 2-D ``a @ b``; per shape either BLAS or the Numba kernel (rule below).
* :func:`linear_act_forward` - ``act(x @ W.T + b)``, W in PyTorch's (out, in) layout.
* :func:`linear_act_backward` - ``(grad_z, grad_bias)`` from the saved output.
* :func:`adam_update` - one in-place Adam / AdamW (/ amsgrad) step, PyTorch's formulas.
* :func:`bce_with_logits` - mean BCE on logits and its gradient, fused.

``MINIGAN_KERNELS`` picks the CPU implementation: ``numba`` (default; :mod:`.cpu`) or ``numpy``
(the readable expressions of :mod:`.reference`). :func:`warmup` compiles or loads from Numba's
on-disk cache everything a training run needs; :func:`thread_settings` reports the thread
pools for benchmarks.
"""
from __future__ import annotations

import os
import time
from types import ModuleType
from typing import Any, Iterable

import numpy as np

from minigan.backend import get_array_module
from minigan.kernels import reference
from minigan.kernels.reference import ACTIVATIONS

__all__ = [
    "ACTIVATIONS",
    "KERNEL_MODES",
    "adam_update",
    "bce_with_logits",
    "kernel_mode",
    "linear_act_backward",
    "linear_act_forward",
    "matmul",
    "matmul_backend",
    "thread_settings",
    "warmup",
]

KERNEL_MODES = ("numba", "numpy")
_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def kernel_mode() -> str:
    """``"numba"`` or ``"numpy"``, from env ``MINIGAN_KERNELS`` (default ``"numba"``).

    Read on every call, so a test or a script may switch it at run time.
    """
    mode = os.environ.get("MINIGAN_KERNELS", "numba").strip().lower() or "numba"
    if mode not in KERNEL_MODES:
        raise ValueError(
            f"MINIGAN_KERNELS={os.environ.get('MINIGAN_KERNELS')!r} is not valid; "
            f"expected one of {KERNEL_MODES}"
        )
    return mode


def _cpu() -> ModuleType:
    # Imported on first use, so MINIGAN_KERNELS=numpy never imports Numba.
    from minigan.kernels import cpu  # noqa: PLC0415

    return cpu


def _gpu() -> ModuleType:
    from minigan.kernels import gpu  # noqa: PLC0415

    return gpu


def _on_gpu(*arrays: Any) -> bool:
    return get_array_module(*arrays) is not np


# --------------------------------------------------------------------------------------------
# input checks (shared by every backend, so each kernel can assume valid input)
# --------------------------------------------------------------------------------------------
def _check_float(name: str, fn: str, array: Any, ndim: int | None = None) -> None:
    if not hasattr(array, "dtype") or not hasattr(array, "shape"):
        raise TypeError(f"{fn}: {name} must be an array, got {type(array).__name__}")
    if array.dtype not in _FLOAT_DTYPES:
        raise TypeError(f"{fn}: {name} must be float32 or float64, got {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{fn}: {name} must be {ndim}-D, got shape {tuple(array.shape)}")


def _check_same_dtype(fn: str, **arrays: Any) -> None:
    dtypes = {name: a.dtype for name, a in arrays.items() if a is not None}
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{name} {dt}" for name, dt in dtypes.items())
        raise TypeError(f"{fn}: all arrays must have one dtype, got {listed}")


def _check_activation(fn: str, activation: str, slope: float) -> int:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{fn}: unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if activation == "leaky_relu" and not slope > 0:
        # the backward reads the sign of z off the output y, which needs slope > 0
        raise ValueError(f"{fn}: leaky_relu needs slope > 0, got {slope}")
    return ACTIVATIONS.index(activation)


# --------------------------------------------------------------------------------------------
# matmul and its dispatch rule
# --------------------------------------------------------------------------------------------
# The dispatch rule, measured with bench/kernels.py on this machine (2 cores shared with other
# jobs; OpenBLAS 0.3.31; float32; median of 21 interleaved samples; the Numba kernel's time
# includes the transposed copies it needs):
#
# * 1 thread each (NUMBA_NUM_THREADS=OPENBLAS_NUM_THREADS=1), Numba time / BLAS time:
#     forward  x @ W.T (no copy):  batch 64: 0.93 (784x64) .. 1.04-1.08 (K >= 512) .. 1.25-1.65
#                                  (K <= 256); batch 256: 1.16-2.1
#     grad_x   gz @ W  (copies W.T): 1.6-6.6      grad_W  gz.T @ x (copies both): 2.0-18
#     K == 1   (the 1-unit logit layer's grad_x, an outer product): 0.40-0.58, Numba wins
# * 2 threads each: on a quiet machine (load 0.7, best of 15) the forward at batch 64 measured
#   0.8-1.1, but while other jobs hold a core every parallel call may wait a scheduler slice
#   for its descheduled thread: median 6.5 ms for a (256,1)@(1,256) product that takes 30 us
#   serially.
#
# So: BLAS everywhere (it wins or ties every K > 1 shape, and picks its own thread count for
# small products); for K == 1 the product is the exact broadcast ``a * b``, no reduction and
# no thread pool: 2.4-29 us against BLAS's 6-79 us (the Numba kernel is 0.4-0.6x of BLAS
# with one thread but stalls with two).
def matmul_backend(a: Any, b: Any) -> str:
    """Which implementation :func:`matmul` uses for ``a @ b``: ``"blas"``, ``"numba"`` or
    ``"outer"`` (the exact broadcast product when the inner dimension is 1).

    The measured rule is written out above this function. ``"numba"`` is never chosen on the
    machine it was measured on; the Numba kernel stays available as
    :func:`minigan.kernels.cpu.matmul` and is compared in ``bench/kernels.py``.
    """
    if a.shape[1] == 1:
        return "outer"
    return "blas"


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b for 2-D float arrays of one dtype: a (M, K), b (K, N) -> (M, N).

    Used for the Linear layer in all three places: ``x @ W.T`` (forward), ``grad_z @ W``
    (grad_x) and ``grad_z.T @ x`` (grad_W). Any strides are accepted.
    """
    fn = "matmul"
    _check_float("a", fn, a, 2)
    _check_float("b", fn, b, 2)
    _check_same_dtype(fn, a=a, b=b)
    if a.shape[1] != b.shape[0]:
        raise ValueError(
            f"{fn}: shape mismatch, a {tuple(a.shape)} @ b {tuple(b.shape)}: "
            f"inner dimensions {a.shape[1]} != {b.shape[0]}"
        )
    if _on_gpu(a, b):
        return _gpu().matmul(a, b)
    if kernel_mode() == "numpy":
        return a @ b
    backend = matmul_backend(a, b)
    if backend == "outer":
        return a * b  # (M, 1) * (1, N): each output is one product, exactly as in a @ b
    if backend == "blas":
        return a @ b
    return _cpu().matmul(a, b)


# --------------------------------------------------------------------------------------------
# Linear + activation
# --------------------------------------------------------------------------------------------
def linear_act_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    activation: str,
    slope: float = 0.01,
) -> np.ndarray:
    """y = act(x @ weight.T + bias).

    x: (batch, in); weight: (out, in) (PyTorch's layout); bias: (out,) or None; activation in
    :data:`ACTIVATIONS` (``slope`` is leaky_relu's negative slope). The matmul goes through
    :func:`matmul`; bias and activation are then one fused in-place pass. Sigmoid is computed
    from exp(-|z|), so it never overflows.
    """
    fn = "linear_act_forward"
    code = _check_activation(fn, activation, slope)
    _check_float("x", fn, x, 2)
    _check_float("weight", fn, weight, 2)
    if bias is not None:
        _check_float("bias", fn, bias, 1)
    _check_same_dtype(fn, x=x, weight=weight, bias=bias)
    if x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"{fn}: shape mismatch, x {tuple(x.shape)} has {x.shape[1]} features but weight "
            f"{tuple(weight.shape)} (out, in) expects {weight.shape[1]}"
        )
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise ValueError(
            f"{fn}: shape mismatch, bias {tuple(bias.shape)} should be ({weight.shape[0]},) "
            f"for weight {tuple(weight.shape)}"
        )
    if _on_gpu(x, weight, bias):
        return _gpu().linear_act_forward(x, weight, bias, activation, slope)
    if kernel_mode() == "numpy":
        return reference.linear_act_forward(x, weight, bias, activation, slope)
    return _cpu().linear_act_forward(x, weight, bias, code, slope, matmul_fn=matmul)


def linear_act_backward(
    grad_y: np.ndarray, y: np.ndarray, activation: str, slope: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    """(grad_z, grad_bias) for y = act(z), z = x @ W.T + b, from the saved output y.

    grad_z = grad_y * act'(z) with act' read off y (relu: y > 0; leaky_relu: 1 where y > 0
    else slope; sigmoid: y (1 - y); tanh: 1 - y^2; none: 1), and grad_bias = grad_z.sum(0),
    fused in one pass. The caller then forms grad_x = grad_z @ W and grad_W = grad_z.T @ x.
    """
    fn = "linear_act_backward"
    code = _check_activation(fn, activation, slope)
    _check_float("grad_y", fn, grad_y, 2)
    _check_float("y", fn, y, 2)
    _check_same_dtype(fn, grad_y=grad_y, y=y)
    if grad_y.shape != y.shape:
        raise ValueError(
            f"{fn}: shape mismatch, grad_y {tuple(grad_y.shape)} != y {tuple(y.shape)}"
        )
    if _on_gpu(grad_y, y):
        return _gpu().linear_act_backward(grad_y, y, activation, slope)
    if kernel_mode() == "numpy":
        return reference.linear_act_backward(grad_y, y, activation, slope)
    return _cpu().linear_act_backward(grad_y, y, code, slope)


# --------------------------------------------------------------------------------------------
# Adam
# --------------------------------------------------------------------------------------------
def adam_update(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    step: int,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    decoupled: bool = False,
    max_exp_avg_sq: np.ndarray | None = None,
) -> None:
    """One Adam (``decoupled=False``) or AdamW (``decoupled=True``) step, in place.

    Exactly torch.optim.Adam/AdamW's single-tensor update, ``step`` counting from 1:

    * Adam's L2 decay: ``g = grad + weight_decay * param``; AdamW: ``param *= 1 - lr * wd``;
    * ``exp_avg = lerp(exp_avg, g, 1 - beta1)``, ``exp_avg_sq = beta2 exp_avg_sq + (1-beta2) g^2``;
    * amsgrad (when ``max_exp_avg_sq`` is given): ``max_exp_avg_sq = max(max_exp_avg_sq,
      exp_avg_sq)`` and it replaces ``exp_avg_sq`` in the denominator;
    * ``denom = sqrt(v) / sqrt(1 - beta2^step) + eps``;
      ``param -= lr / (1 - beta1^step) * exp_avg / denom``.

    ``param``, ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq``) are updated in place;
    ``grad`` is not modified. All arrays must share shape and dtype and be contiguous (all
    C- or all F-ordered): the update runs on flat views, and a strided array would silently
    update a copy, so it is rejected instead.
    """
    fn = "adam_update"
    arrays = {"param": param, "grad": grad, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if max_exp_avg_sq is not None:
        arrays["max_exp_avg_sq"] = max_exp_avg_sq
    for name, array in arrays.items():
        _check_float(name, fn, array)
    _check_same_dtype(fn, **arrays)
    for name, array in arrays.items():
        if array.shape != param.shape:
            raise ValueError(
                f"{fn}: shape mismatch, {name} {tuple(array.shape)} != param {tuple(param.shape)}"
            )
    if int(step) != step or step < 1:
        raise ValueError(f"{fn}: step counts from 1, got {step}")
    if _on_gpu(*arrays.values()):
        _gpu().adam_update(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps,
                           weight_decay, decoupled, max_exp_avg_sq)
        return
    c_order = all(a.flags.c_contiguous for a in arrays.values())
    if not c_order and not all(a.flags.f_contiguous for a in arrays.values()):
        bad = [n for n, a in arrays.items() if not (a.flags.c_contiguous or a.flags.f_contiguous)]
        raise ValueError(
            f"{fn}: arrays must be contiguous and share one memory order (all C or all F); "
            f"not contiguous: {bad or 'none, but the orders are mixed'}"
        )
    for name in ("param", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        if name in arrays and not arrays[name].flags.writeable:
            raise ValueError(f"{fn}: {name} is read-only but is updated in place")
    order = "C" if c_order else "F"
    if kernel_mode() == "numpy":
        reference.adam_update(param, grad, exp_avg, exp_avg_sq, int(step), lr, beta1, beta2,
                              eps, weight_decay, decoupled, max_exp_avg_sq)
        return
    # flat views in the arrays' own memory order (a view, never a copy, for contiguous input)
    flat = {name: a.reshape(-1, order=order) for name, a in arrays.items()}
    _cpu().adam_update(flat["param"], flat["grad"], flat["exp_avg"], flat["exp_avg_sq"],
                       int(step), lr, beta1, beta2, eps, weight_decay, decoupled,
                       flat.get("max_exp_avg_sq"))


# --------------------------------------------------------------------------------------------
# BCE with logits
# --------------------------------------------------------------------------------------------
def bce_with_logits(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(loss, grad_logits) of the mean binary cross-entropy on logits, in one fused pass.

    loss = mean over all N elements of ``max(x, 0) - x t + log1p(exp(-|x|))`` (a 0-d array of
    the logits' dtype); grad_logits = d loss / dx = ``(sigmoid(x) - t) / N``. Finite for any
    finite x (exp only ever sees -|x|). Targets are cast to the logits' dtype.
    """
    fn = "bce_with_logits"
    _check_float("logits", fn, logits)
    if not hasattr(targets, "shape") or targets.shape != logits.shape:
        raise ValueError(
            f"{fn}: shape mismatch, targets {tuple(getattr(targets, 'shape', ()))} != "
            f"logits {tuple(logits.shape)}"
        )
    if logits.size == 0:
        raise ValueError(f"{fn}: the mean over an empty batch is undefined")
    targets = targets.astype(logits.dtype, copy=False)
    if _on_gpu(logits, targets):
        return _gpu().bce_with_logits(logits, targets)
    if kernel_mode() == "numpy":
        return reference.bce_with_logits(logits, targets)
    return _cpu().bce_with_logits(logits, targets)


# --------------------------------------------------------------------------------------------
# warmup and thread report
# --------------------------------------------------------------------------------------------
def warmup(dtypes: Iterable[Any] = (np.float32,)) -> float:
    """Compile (or load from Numba's on-disk cache) every kernel a training run calls.

    Runs each Numba kernel once on tiny arrays per dtype, so the first training step does not
    pay for compilation. Returns the seconds it took. A no-op under MINIGAN_KERNELS=numpy.
    """
    start = time.perf_counter()
    if kernel_mode() == "numpy":
        return time.perf_counter() - start
    cpu = _cpu()
    for dtype in dtypes:
        cpu.compile_all(dtype)
    return time.perf_counter() - start


def _blas_info() -> dict[str, Any]:
    info: dict[str, Any] = {}
    try:
        config = np.show_config(mode="dicts")  # numpy >= 1.26
        blas = config.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
        if blas.get("openblas configuration"):
            info["blas_config"] = blas["openblas configuration"]
    except Exception as error:  # older NumPy: no dict mode
        info["blas"] = f"unknown ({type(error).__name__})"
    try:
        import threadpoolctl  # noqa: PLC0415 - optional, never a dependency

        pools = threadpoolctl.threadpool_info()
        info["blas_threads"] = {p.get("internal_api", "?"): p.get("num_threads") for p in pools}
    except ImportError:
        threads = _openblas_threads_ctypes()
        if threads is not None:
            info["blas_threads"] = threads
    return info


def _openblas_threads_ctypes() -> int | None:
    """OpenBLAS's thread count read from the library NumPy loaded (Linux), or None."""
    import ctypes  # noqa: PLC0415

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
                       "openblas_get_num_threads64_", "openblas_get_num_threads"):
            func = getattr(lib, symbol, None)
            if func is not None:
                func.restype = ctypes.c_int
                return int(func())
    return None


def thread_settings() -> dict[str, Any]:
    """Thread pools and BLAS in use, for benchmark headers.

    Numba's thread count and threading layer (known only once a parallel kernel has run), the
    OMP / OpenBLAS / MKL / Numba environment variables, the BLAS library NumPy was built with
    and its thread count when it can be read, the CPUs this process may use, the kernel mode
    and Numba's cache directory.
    """
    settings: dict[str, Any] = {"kernel_mode": kernel_mode()}
    try:
        settings["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        settings["cpus_usable"] = os.cpu_count()
    cpu = _cpu()
    import numba  # noqa: PLC0415 - cpu imported it already

    settings["numba_threads"] = numba.get_num_threads()
    try:
        settings["numba_threading_layer"] = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        settings["numba_threading_layer"] = f"not started (requested: {numba.config.THREADING_LAYER})"
    settings["numba_jit_disabled"] = cpu.JIT_DISABLED
    settings["numba_cache_dir"] = cpu.NUMBA_CACHE_DIR
    settings.update(_blas_info())
    settings["env"] = {
        name: os.environ.get(name)
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS", "NUMBA_THREADING_LAYER", "OMP_WAIT_POLICY")
    }
    return settings
