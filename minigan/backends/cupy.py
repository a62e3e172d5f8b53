"""The CuPy backend: arrays on an NVIDIA GPU, with the formulas fused into CUDA kernels.

The engine's ops run on CuPy through the array-API namespace that array-api-compat wraps
around it (the same ops code as on the CPU). The fused kernels come from the one definition
of each formula in :mod:`minigan.formulas`, bound to CuPy's ufuncs and compiled by
``cupy.fuse`` into one elementwise kernel each: bias + activation, the activation's backward,
the Adam/AdamW step, BCE on logits, dropout and batch norm's elementwise steps. Matrix
products go to cuBLAS.

Nothing here is imported until a Tensor is sent to ``"cuda"``.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Sequence

import numpy as np

from minigan import formulas
from minigan.backends import Device
from minigan.backends.numpy import ArrayBackend


def unavailable_reason() -> str | None:
    """None when CuPy imports and sees a CUDA device; else one line saying which is missing."""
    try:
        import cupy  # noqa: PLC0415 - optional dependency
    except ImportError:
        return "CuPy is not installed; install the GPU extra: pip install -e '.[gpu]'"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CUDA driver or runtime missing  # noqa: BLE001
        return f"CuPy is installed but no CUDA device is usable ({type(error).__name__}: {error})"
    if count == 0:
        return "CuPy is installed but found no CUDA device"
    return None


class CupyBackend(ArrayBackend):
    """CuPy arrays; ``cupy`` is the module (passed in, so the wiring can be tested without a GPU)."""

    name = "cupy"

    def __init__(self, cupy: Any, xp: Any, scatter_add: Callable) -> None:
        super().__init__(xp, Device("cuda"))
        self.cupy = cupy
        self._scatter_add = scatter_add
        self.raw = formulas.bind(vars(cupy))  # the formulas on CuPy's ufuncs, for cupy.fuse
        self._fused: dict[str, Callable] = {}
        self.unfused: set[str] = set()

    def _fuse(self, name: str, formula: Callable) -> Callable:
        """``formula`` as one fused CUDA kernel named ``minigan_<name>``, compiled on first use.

        Should CuPy's fusion not take a formula (fusion supports a subset of CuPy), the kernel
        falls back, once and for good, to the same formula on whole CuPy arrays (several
        kernel launches, the same values); :attr:`unfused` names those kernels.
        """
        kernel = self._fused.get(name)
        if kernel is None:
            fused = self.cupy.fuse(kernel_name=f"minigan_{name}")(formula)

            def kernel(*args: Any) -> Any:
                if name in self.unfused:
                    return formula(*args)
                try:
                    return fused(*args)
                except Exception:  # noqa: BLE001 - any fusion failure: fall back to the plain formula
                    self.unfused.add(name)
                    return formula(*args)

            self._fused[name] = kernel
        return kernel

    def _elementwise(self, name: str, build: Callable[[Any], Callable]) -> Callable:
        """The reference's elementwise step, from the formulas on CuPy's ufuncs, as one fused kernel
        (batch norm + activation takes its statistics from the reference and these steps)."""
        return self._fuse(name, build(self.raw))

    # ------------------------------------------------------------------ data
    def asarray(self, data: Any, dtype: Any = None, copy: bool | None = None) -> Any:
        return self.cupy.array(data, dtype=dtype) if copy else self.cupy.asarray(data, dtype=dtype)

    def to_numpy(self, array: Any) -> np.ndarray:
        return self.cupy.asnumpy(array)

    def errstate(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()  # GPUs raise no floating-point traps

    def scatter_add(self, target: Any, index: tuple[Any, ...], values: Any) -> None:
        self._scatter_add(target, index, values)

    # ------------------------------------------------------------------ kernels
    def linear_act_forward(self, x: Any, weight: Any, bias: Any | None, activation: str,
                           slope: float) -> Any:
        z = x @ weight.T
        act, _ = self.raw.ACTIVATIONS[activation]
        if bias is None:
            return self._fuse(f"act_{activation}", act)(z, slope)
        return self._fuse(f"bias_act_{activation}", lambda z, b, s: act(z + b, s))(z, bias, slope)

    def linear_act_backward(self, grad_y: Any, y: Any, activation: str,
                            slope: float) -> tuple[Any, Any]:
        _, backward = self.raw.ACTIVATIONS[activation]
        grad_z = self._fuse(f"act_backward_{activation}", backward)(grad_y, y, slope)
        return grad_z, grad_z.sum(axis=0)

    def adam(self, params: Sequence[Any], grads: Sequence[Any], exp_avgs: Sequence[Any],
             exp_avg_sqs: Sequence[Any], max_exp_avg_sqs: Sequence[Any] | None,
             scalars: dict[str, float]) -> None:
        moments = self._fuse("adam_moments", self.raw.adam_moments)
        update = self._fuse("adam_param", self.raw.adam_param)
        for i, param in enumerate(params):
            dt = param.dtype.type
            p, m, v = moments(param, grads[i], exp_avgs[i], exp_avg_sqs[i], dt(scalars["decay_factor"]),
                              dt(scalars["l2"]), dt(scalars["one_minus_beta1"]), dt(scalars["beta2"]),
                              dt(scalars["one_minus_beta2"]))
            exp_avgs[i][...] = m
            exp_avg_sqs[i][...] = v
            if max_exp_avg_sqs is not None:
                max_exp_avg_sqs[i][...] = v = self._fuse("amsgrad_max", self.raw.amsgrad_max)(v, max_exp_avg_sqs[i])
            param[...] = update(p, m, v, dt(scalars["bias_correction2_sqrt"]), dt(scalars["eps"]),
                                dt(scalars["neg_step_size"]))

    def bce_with_logits(self, logits: Any, targets: Any) -> tuple[Any, Any]:
        losses = self._fuse("bce", self.raw.bce_with_logits)(logits, targets)
        grad = self._fuse("bce_grad", self.raw.bce_with_logits_grad)(logits, targets) / logits.size
        return losses.mean(), grad


    def dropout(self, x: Any, bits: Any, threshold: int, scale: float) -> Any:
        return self._fuse("dropout", self.raw.dropout)(x, bits, np.uint32(threshold), x.dtype.type(scale))

    def special(self, name: str, a: Any) -> Any:
        """erf, erfc or lgamma (``name``): CuPy's own, cupyx.scipy.special.erf, erfc and gammaln."""
        import cupyx.scipy.special  # noqa: PLC0415 - CuPy's, imported with the GPU backend

        return getattr(cupyx.scipy.special, {"lgamma": "gammaln"}.get(name, name))(a)


_backend: CupyBackend | None = None


def get_backend() -> CupyBackend:
    """The GPU backend, made on first use; a RuntimeError says what is missing when it cannot be."""
    global _backend
    if _backend is None:
        reason = unavailable_reason()
        if reason is not None:
            raise RuntimeError(f"device 'cuda' is not available: {reason}")
        import cupy  # noqa: PLC0415
        from array_api_compat import cupy as cupy_namespace  # noqa: PLC0415

        # cupy.add.at (CuPy 13 on) replaces the deprecated cupyx.scatter_add
        _backend = CupyBackend(cupy, cupy_namespace, cupy.add.at)
    return _backend
