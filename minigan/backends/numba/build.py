"""How a kernel is built: the formulas bound to scalars, the templates specialised, the Numba flags.

The formulas of :mod:`minigan.formulas` are bound to scalar primitives (``math.exp``,
``a if c else b``) and compiled with ``njit(inline="always")``, so each loop calls the one
definition and LLVM sees plain arithmetic. A kernel that depends on the activation is a
template whose ``act`` (or ``act_backward``) is bound per activation (:class:`ActivationKernels`).

Every kernel is written as plain Python (``_*_py``) and compiled from that very function, on its
first call (:class:`Kernel`): importing a kernel module compiles nothing and touches no cache, and
``NUMBA_DISABLE_JIT=1`` runs the same code as ordinary Python (``prange`` becomes ``range``).
"""
from __future__ import annotations

import contextlib
import math
import types
from typing import Any, Callable, Iterator

import numba.core.config
import numpy as np
from numba import njit

from minigan import formulas
from minigan.backends.numba.cache import cache_dir_for_decoration

JIT_DISABLED: bool = bool(numba.core.config.DISABLE_JIT)


# ------------------------------------------------------------------------------ the formulas, as scalars
@njit(inline="always")
def _where(condition, a, b):  # noqa: ANN001, ANN202
    return a if condition else b


@njit(inline="always")
def _maximum(a, b):  # noqa: ANN001, ANN202
    return b if a < b else a  # a NaN in a passes through, as np.maximum(x, 0) does


SCALAR_PRIMITIVES = {"exp": math.exp, "log1p": math.log1p, "tanh": math.tanh, "sqrt": math.sqrt,
                     "abs": abs, "maximum": _maximum, "where": _where}
#: Every formula bound to the scalar primitives, inlined into the loops that call it.
#: Compiled, a float32 constant keeps float32 arithmetic float32 and float64 float64. Run as
#: plain Python (NUMBA_DISABLE_JIT), NumPy would round float64 arithmetic with it to float32.
SCALAR_FORMULAS = formulas.bind(SCALAR_PRIMITIVES, njit(inline="always"), suffix="_numba",
                                constant=None if JIT_DISABLED else np.float32)

#: The dtypes Numba compiles the kernels for (it has no float16: others take the NumPy reference).
KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def specialize(template: types.FunctionType, suffix: str, **bindings: Any) -> types.FunctionType:
    """A copy of ``template`` under another qualname, with some global names bound anew
    (``act=...`` binds an activation into a template that calls ``act``).

    Numba's on-disk cache names its files after the qualname and keys entries by signature, not
    by compile flags or globals, so every build (activation, serial or parallel) needs its own.
    """
    copy = types.FunctionType(template.__code__, {**template.__globals__, **bindings},
                              template.__name__ + suffix, template.__defaults__, template.__closure__)
    copy.__qualname__ = template.__qualname__ + suffix
    copy.__module__ = template.__module__
    copy.__doc__ = template.__doc__
    return copy


def jit(function: Callable, parallel: bool, fastmath: bool | set = False) -> Callable:
    """``function`` decorated by Numba the way every kernel is, cached on disk where it can be."""
    # error_model="numpy": IEEE division (x/0 -> inf/nan, as in NumPy) instead of a
    # ZeroDivisionError check on every division, which stops LLVM from vectorising the loop
    # (measured: Adam 4x slower with the default "python" model).
    with cache_dir_for_decoration() as cache:
        return njit(cache=cache, parallel=parallel, fastmath=fastmath, nogil=True,
                    error_model="numpy")(function)


class Kernel:
    """A template compiled by Numba on its first call (or loaded from the on-disk cache)."""

    __slots__ = ("template", "parallel", "fastmath", "suffix", "_compiled")

    def __init__(self, template: types.FunctionType, parallel: bool, fastmath: bool | set = False,
                 suffix: str = "") -> None:
        self.template = template
        self.parallel = parallel
        self.fastmath = fastmath
        self.suffix = suffix  # each build of one template needs its own name (see specialize)
        self._compiled: Callable | None = None

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            function = specialize(self.template, self.suffix) if self.suffix else self.template
            compiled = self._compiled = jit(function, self.parallel, self.fastmath)
        return compiled(*args)


class ActivationKernels:
    """The builds of a template that calls ``act`` (f) or ``act_backward`` (g f'), one per
    activation and per serial or parallel build, each compiled on first use."""

    def __init__(self, template: types.FunctionType, fastmath: bool | set = False) -> None:
        self.template = template
        self.fastmath = fastmath
        self._builds: dict[tuple[str, bool], Callable] = {}

    def build(self, activation: str, parallel: bool) -> Callable:
        """The compiled kernel for ``activation`` (a name of formulas.ACTIVATIONS)."""
        kernel = self._builds.get((activation, parallel))
        if kernel is None:
            forward, backward = SCALAR_FORMULAS.ACTIVATIONS[activation]
            suffix = f"_{activation}" + ("" if parallel else "_serial")
            kernel = self._builds[activation, parallel] = jit(
                specialize(self.template, suffix, act=forward, act_backward=backward), parallel, self.fastmath)
        return kernel


# ------------------------------------------------------------------------------ serial or parallel
# The elementwise kernels (bias+act, act backward, batch norm, Adam, the weight average) run their
# serial build at every size unless PARALLEL_MIN_ELEMENTS is set (parallel_min_elements): in a
# training step each runs right after a matrix product, while OpenBLAS's threads still hold the
# other cores, and there the parallel build lost at every size measured (docs/kernel-measurements.md).
PARALLEL_MIN_ELEMENTS: int | None = None


def use_parallel(size: int, parallel: bool | None) -> bool:
    """Whether a kernel over ``size`` elements runs its parallel build (``parallel`` forces it;
    None: from :data:`PARALLEL_MIN_ELEMENTS` elements, and never when that is None)."""
    if parallel is not None:
        return parallel
    return PARALLEL_MIN_ELEMENTS is not None and size >= PARALLEL_MIN_ELEMENTS


@contextlib.contextmanager
def parallel_min_elements(count: int | None) -> Iterator[None]:
    """Run the block with another :data:`PARALLEL_MIN_ELEMENTS` (0: always the parallel builds;
    None: always the serial ones), as the tests and benchmarks do."""
    global PARALLEL_MIN_ELEMENTS
    previous, PARALLEL_MIN_ELEMENTS = PARALLEL_MIN_ELEMENTS, count
    try:
        yield
    finally:
        PARALLEL_MIN_ELEMENTS = previous
