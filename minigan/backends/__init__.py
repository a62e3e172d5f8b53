"""Backends: where a Tensor's array lives and which kernels run on it.

A backend is one object with the same small interface, one module each:

* :mod:`.numpy_backend` - the readable reference: each formula of :mod:`minigan.formulas`
  applied to whole arrays through the array namespace ``xp``;
* :mod:`.numba_backend` - the same kernels as compiled CPU loops, with the formulas inlined;
* :mod:`.cupy_backend` - the GPU, with the formulas fused into CUDA kernels by ``cupy.fuse``;
* :mod:`.strict_backend` - a test device: array-api-strict arrays on a second, fake device,
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
op runs. :func:`use_cpu_kernels` switches them explicitly, for tests and benchmarks.
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Any, Iterator, Sequence

import numpy as np

__all__ = [
    "CPU_KERNEL_MODES", "Device", "backend_for", "check_device", "backend_of", "cpu_kernel_mode",
    "device_of", "move", "to_numpy", "warmup", "KernelLoad", "use_cpu_kernels", "cuda_unavailable_reason",
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


def _read_cpu_mode() -> str:
    raw = os.environ.get("MINIGAN_KERNELS", "numba")
    mode = raw.strip().lower() or "numba"
    if mode not in CPU_KERNEL_MODES:
        raise ValueError(f"MINIGAN_KERNELS={raw!r} is not valid; expected one of {CPU_KERNEL_MODES}")
    return mode


def cpu_kernel_mode() -> str:
    """``"numba"`` or ``"numpy"``: read from ``MINIGAN_KERNELS`` the first time it is asked."""
    global _cpu_mode
    if _cpu_mode is None:
        _cpu_mode = _read_cpu_mode()
    return _cpu_mode


def _cpu_backend() -> Any:
    if cpu_kernel_mode() == "numba":
        from .numba_backend import backend  # noqa: PLC0415 - MINIGAN_KERNELS=numpy never imports Numba
    else:
        from .numpy_backend import backend  # noqa: PLC0415
    return backend


@contextlib.contextmanager
def use_cpu_kernels(mode: str) -> Iterator[None]:
    """Run the block with the CPU kernels of ``mode`` ("numba" or "numpy"), then switch back."""
    global _cpu_mode
    if mode not in CPU_KERNEL_MODES:
        raise ValueError(f"unknown CPU kernel mode {mode!r}; expected one of {CPU_KERNEL_MODES}")
    previous = cpu_kernel_mode()
    if mode == previous:  # nothing to switch: keep the resolved backends
        yield
        return
    _cpu_mode = mode
    _BY_TYPE.clear()
    try:
        yield
    finally:
        _cpu_mode = previous
        _BY_TYPE.clear()


# ------------------------------------------------------------------------------ finding a backend
_BY_TYPE: dict[type, Any] = {}  # array type -> backend, filled on first sight of each type


def cuda_unavailable_reason() -> str | None:
    """None when the GPU can be used; else one line saying whether CuPy or a CUDA device is missing."""
    from .cupy_backend import unavailable_reason  # noqa: PLC0415

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
        from .cupy_backend import get_backend  # noqa: PLC0415

        return get_backend()
    from .strict_backend import backend  # noqa: PLC0415

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


def move(array: Any, spec: "str | Device") -> Any:
    """``array`` on another device: through host memory, the way a GPU copy goes."""
    source, target = backend_of(array), backend_for(spec)
    if source is target:
        return array
    return target.asarray(source.to_numpy(array))


def _load_numba_kernels(dtypes: Sequence[Any], activations: Sequence[str] | None) -> None:
    from .numba_backend import compile_all  # noqa: PLC0415
    from .. import formulas  # noqa: PLC0415

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


class KernelLoad:
    """:func:`warmup` in a background thread: importing Numba and loading its cached kernels
    takes about a second, which a caller can spend on work that needs no Numba kernel (the
    trainer runs its first steps on the NumPy reference). :meth:`wait` joins the thread and
    raises whatever the loading raised."""

    def __init__(self, dtypes: Sequence[Any] = (np.float32,), activations: Sequence[str] | None = None) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(tuple(dtypes), activations),
                                        name="minigan-kernel-load", daemon=True)
        self._thread.start()

    def _load(self, dtypes: Sequence[Any], activations: Sequence[str] | None) -> None:
        try:
            _load_numba_kernels(dtypes, activations)
        except BaseException as error:  # noqa: BLE001 - raised again by wait(), in the caller's thread
            self._error = error

    def wait(self) -> None:
        """Block until the kernels are loaded (at once when they are); an error is raised once."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def to_numpy(array: Any) -> np.ndarray:
    """A NumPy array with the values of ``array`` (copied off the device; NumPy passes through)."""
    if isinstance(array, np.ndarray):
        return array
    if isinstance(array, (np.generic, int, float, bool, list, tuple)):
        return np.asarray(array)
    return backend_of(array).to_numpy(array)
