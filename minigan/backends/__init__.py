"""Backends: where a Tensor's array lives and which kernels run on it.

A backend is one object with the same small interface, one module each:

* :mod:`.numpy` - the readable reference: each formula of :mod:`minigan.formulas`
  applied to whole arrays through the array namespace ``xp``;
* :mod:`.numba` - the same kernels as compiled CPU loops, with the formulas inlined;
* :mod:`.cupy` - the GPU, with the formulas fused into CUDA kernels by ``cupy.fuse``;
* :mod:`.cudnn` and :mod:`.mps` - ``torch.backends``' flags and questions, for scripts that set them;
* :mod:`.strict` - a test device: array-api-strict arrays on a second, fake device,
  which refuse every NumPy-only call. It proves the device path in CI, where no GPU is.

Each provides ``xp`` (the array namespace the ops are written against), ``asarray`` and
``to_numpy`` (moving data on and off the device), ``scatter_add`` and ``errstate`` (what the
array-API standard lacks), and the kernels: ``matmul``, ``linear_act_forward``,
``linear_act_backward``, ``adam`` (one Adam/AdamW step over a parameter group),
``bce_with_logits``, batch norm + activation and a per-channel bias + activation, and the
window kernels of the convolutions (``unfold``/``fold``: im2col and col2im; max pooling).
Kernels assume valid input: the ops validate once, at their boundary.

The backend of an array is found from its type, once per type; the CPU kernels (Numba, or the
NumPy reference with ``MINIGAN_KERNELS=numpy``) are chosen once per process, when the first CPU
op runs. :func:`use_cpu_kernels` switches them explicitly, for tests and benchmarks;
:func:`warm_in_background` runs the reference while the Numba kernels load, then switches once;
:func:`use_matmul` chooses the CPU matmul (BLAS or the Numba kernel).
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from minigan import formulas
from . import cudnn, mps  # torch.backends' flags (cudnn.benchmark = True), which minigan does not act on

__all__ = [
    "CPU_KERNEL_MODES", "Device", "backend_for", "check_device", "backend_of", "cpu_kernel_mode",
    "device_of", "move", "numpy_dtype_of", "to_numpy", "warmup", "warm_in_background", "KernelStaging",
    "use_cpu_kernels",
    "kernel_mode_from_environment", "MATMUL_KERNELS", "matmul_kernel", "use_matmul", "cuda_unavailable_reason",
]

CPU_KERNEL_MODES = ("numba", "numpy")
DEVICE_TYPES = ("cpu", "cuda", "strict")


class Device:
    """Where a Tensor's data lives, like ``torch.device``: ``Device("cpu")`` or ``Device("cuda")``.

    ``"strict"`` is the test device (array-api-strict arrays standing in for a GPU's).
    Compares equal to its name, so ``tensor.device == "cpu"`` works.
    """

    __slots__ = ("type",)

    def __init__(self, spec: "str | Device", index: int | None = None) -> None:
        if isinstance(spec, Device):
            self.type = spec.type
            return
        if not isinstance(spec, str):
            raise TypeError(f"a device is a name such as 'cpu' or 'cuda', got {type(spec).__name__}")
        name, _, suffix = spec.strip().lower().partition(":")
        name = "cuda" if name == "gpu" else name
        if name not in DEVICE_TYPES:
            raise ValueError(f"unknown device {spec!r}; expected 'cpu' or 'cuda'")
        if (suffix and suffix != "0") or index not in (None, 0) or (suffix and name != "cuda"):
            raise ValueError(f"device {spec!r}{'' if index is None else f' index {index}'}: minigan uses "
                             "one GPU, 'cuda' (or 'cuda:0')")
        self.type = name

    @property
    def index(self) -> int | None:
        """The GPU's number (always 0: minigan uses one GPU); None for the CPU, as in PyTorch."""
        return 0 if self.type == "cuda" else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = Device(other)
            except (TypeError, ValueError):
                return False
        return isinstance(other, Device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)

    def __str__(self) -> str:
        return self.type

    def __repr__(self) -> str:
        return f"device(type='{self.type}')"


# ------------------------------------------------------------------------------ the CPU kernels
_cpu_mode: str | None = None


def kernel_mode_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CPU kernel mode that ``MINIGAN_KERNELS`` asks for in ``environ`` (default: this
    process's environment): ``"numba"`` when unset or empty, ``"numpy"``; case and spaces are
    ignored. A ValueError names any other value. Reads only: the mode in use is
    :func:`cpu_kernel_mode`."""
    raw = (os.environ if environ is None else environ).get("MINIGAN_KERNELS", "numba")
    mode = raw.strip().lower() or "numba"
    if mode not in CPU_KERNEL_MODES:
        raise ValueError(f"MINIGAN_KERNELS={raw!r} is not valid; expected one of {CPU_KERNEL_MODES}")
    return mode


def cpu_kernel_mode() -> str:
    """``"numba"`` or ``"numpy"``: read from ``MINIGAN_KERNELS`` the first time it is asked."""
    global _cpu_mode
    if _cpu_mode is None:
        _cpu_mode = kernel_mode_from_environment()
    return _cpu_mode


def _set_cpu_mode(mode: str) -> None:
    """Run the CPU kernels of ``mode`` from now on (the backends found so far are forgotten)."""
    global _cpu_mode
    _cpu_mode = mode
    _BY_TYPE.clear()


def _cpu_backend() -> Any:
    if cpu_kernel_mode() == "numba":
        from minigan.backends.numba import backend  # noqa: PLC0415 - MINIGAN_KERNELS=numpy never imports Numba
    else:
        from minigan.backends.numpy import backend  # noqa: PLC0415
    return backend


@contextlib.contextmanager
def use_cpu_kernels(mode: str) -> Iterator[None]:
    """Run the block with the CPU kernels of ``mode`` ("numba" or "numpy"), then switch back."""
    if mode not in CPU_KERNEL_MODES:
        raise ValueError(f"unknown CPU kernel mode {mode!r}; expected one of {CPU_KERNEL_MODES}")
    previous = cpu_kernel_mode()
    if mode == previous:  # nothing to switch: keep the resolved backends
        yield
        return
    _set_cpu_mode(mode)
    try:
        yield
    finally:
        _set_cpu_mode(previous)


# ------------------------------------------------------------------------------ the CPU matmul
MATMUL_KERNELS = ("blas", "numba")
_matmul = "blas"


def matmul_kernel() -> str:
    """The kernel the Numba backend's matmul runs: ``"blas"`` (the default) or ``"numba"``."""
    return _matmul


class use_matmul:  # noqa: N801 - used like a function, as torch.set_grad_enabled is
    """Choose the kernel of the CPU matmul (with the Numba kernels; the NumPy reference always
    calls ``xp.matmul``):

    * ``"blas"`` (the default): NumPy's BLAS, and for an inner dimension of 1 the exact
      broadcast product; it wins or ties every GAN shape measured (bench/kernels.py);
    * ``"numba"``: the compiled register-tiled loop (float32 and float64; other dtypes take BLAS).

    ``backends.use_matmul("numba")`` switches at once and stays; ``with backends.use_matmul("numba"):``
    switches back at the end of the block.
    """

    def __init__(self, kernel: str) -> None:
        global _matmul
        if kernel not in MATMUL_KERNELS:
            raise ValueError(f"unknown matmul kernel {kernel!r}; expected one of {MATMUL_KERNELS}")
        self._previous = _matmul
        _matmul = kernel

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        global _matmul
        _matmul = self._previous


# ------------------------------------------------------------------------------ finding a backend
_BY_TYPE: dict[type, Any] = {}  # array type -> backend, filled on first sight of each type


def cuda_unavailable_reason() -> str | None:
    """None when the GPU can be used; else one line saying whether CuPy or a CUDA device is missing."""
    from minigan.backends.cupy import unavailable_reason  # noqa: PLC0415

    return unavailable_reason()


def check_device(spec: Any, error: type[Exception] = ValueError) -> str:
    """The device name for ``spec`` ("cpu", "cuda"), checked where the user gives it: an unknown
    name, or "cuda" without CuPy or without a CUDA device, raises ``error`` with one line."""
    try:
        device = Device(spec)
    except (TypeError, ValueError) as problem:
        raise error(str(problem)) from None
    if device.type == "cuda":
        reason = cuda_unavailable_reason()
        if reason is not None:
            raise error(f"device 'cuda' is not available: {reason}")
    return device.type


def backend_for(spec: "str | Device") -> Any:
    """The backend of a device (imported, and for the GPU checked, on first use)."""
    kind = Device(spec).type
    if kind == "cpu":
        return _cpu_backend()
    if kind == "cuda":
        from minigan.backends.cupy import get_backend  # noqa: PLC0415

        return get_backend()
    from minigan.backends.strict import backend  # noqa: PLC0415

    return backend


def backend_of(array: Any) -> Any:
    """The backend whose arrays include ``array``."""
    found = _BY_TYPE.get(type(array))
    if found is not None:
        return found
    kind = type(array)
    if issubclass(kind, (np.ndarray, np.generic)):
        found = _cpu_backend()
    elif kind.__module__.startswith("cupy"):
        found = backend_for("cuda")
    elif kind.__module__.startswith("array_api_strict"):
        found = backend_for("strict")
    else:
        raise TypeError(f"no minigan backend holds arrays of type {kind.__module__}.{kind.__name__}")
    _BY_TYPE[kind] = found
    return found


def device_of(array: Any) -> Device:
    """The device ``array`` lives on."""
    return backend_of(array).device


def numpy_dtype_of(array: Any) -> np.dtype:
    """The NumPy dtype of ``array`` on any device (the test device's array-api-strict dtypes are
    not NumPy's; CuPy's are)."""
    dtype = array.dtype
    return dtype if isinstance(dtype, np.dtype) else backend_of(array).numpy_dtype(dtype)


def move(array: Any, spec: "str | Device") -> Any:
    """``array`` on another device, in memory of its own: through host memory, the way a GPU copy
    goes. (The test device wraps NumPy memory, so without the copy a change made in place on one
    side would show on the other, unseen by either tensor's version counter.)"""
    source, target = backend_of(array), backend_for(spec)
    if source is target:
        return array
    return target.asarray(source.to_numpy(array), copy=True)


def _load_numba_kernels(dtypes: Sequence[Any], activations: Sequence[str] | None) -> None:
    from minigan.backends.numba import compile_all  # noqa: PLC0415 - MINIGAN_KERNELS=numpy never imports Numba

    for dtype in dtypes:
        compile_all(dtype, tuple(formulas.ACTIVATIONS) if activations is None else tuple(activations))


def warmup(dtypes: Sequence[Any] = (np.float32,), activations: Sequence[str] | None = None) -> float:
    """Compile (or load from Numba's on-disk cache) the CPU kernels a training run calls, so the
    first step does not pay for it. Returns the seconds it took; nothing to do with
    ``MINIGAN_KERNELS=numpy``. ``activations``: those the run's layers use (default: all)."""
    start = time.perf_counter()
    if cpu_kernel_mode() == "numba":
        _load_numba_kernels(dtypes, activations)
    return time.perf_counter() - start


class KernelStaging:
    """The Numba kernels loading in a background thread while the NumPy reference runs; made by
    :func:`warm_in_background`. :meth:`switch` waits for the load and moves to the Numba kernels."""

    def __init__(self, dtypes: Sequence[Any], activations: Sequence[str] | None) -> None:
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.switched = False
        """Whether :meth:`switch` has run (always False when there was nothing to stage)."""
        if cpu_kernel_mode() != "numba":
            return  # MINIGAN_KERNELS=numpy (or the reference already chosen): nothing to load or switch
        _set_cpu_mode("numpy")
        self._thread = threading.Thread(target=self._load, args=(tuple(dtypes), activations),
                                        name="minigan-kernel-load", daemon=True)
        self._thread.start()

    def _load(self, dtypes: Sequence[Any], activations: Sequence[str] | None) -> None:
        try:
            _load_numba_kernels(dtypes, activations)
        except BaseException as error:  # noqa: BLE001 - raised again by switch(), in the caller's thread
            self._error = error

    def switch(self) -> None:
        """Wait for the load, then run the CPU kernels on Numba; from the second call on, nothing.

        The switch happens even when the load failed (so the process never stays on the
        reference by accident); the load's error is then raised, once, here.
        """
        if self._thread is None or self.switched:
            return
        self._thread.join()
        self.switched = True
        _set_cpu_mode("numba")
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def warm_in_background(dtypes: Sequence[Any] = (np.float32,),
                       activations: Sequence[str] | None = None) -> KernelStaging:
    """Stage the CPU kernels: importing Numba and loading its cached kernels takes about a second,
    which a caller (the trainer's first steps) can spend on the NumPy reference instead.

    When the CPU kernels are Numba's, this switches them to the NumPy reference once, now, and
    loads the Numba kernels (as :func:`warmup` does) in a background thread; call
    ``staging.switch()`` when you want Numba's: it waits for the load (raising its error, if
    any, in your thread) and switches back, once. ``staging.switched`` says whether it has.
    With ``MINIGAN_KERNELS=numpy`` (or the reference already in use) it starts no thread and
    ``switch()`` does nothing.
    """
    return KernelStaging(dtypes, activations)


def to_numpy(array: Any) -> np.ndarray:
    """A NumPy array with the values of ``array`` (copied off the device; NumPy passes through)."""
    if isinstance(array, np.ndarray):
        return array
    if isinstance(array, (np.generic, int, float, bool, list, tuple)):
        return np.asarray(array)
    return backend_of(array).to_numpy(array)
