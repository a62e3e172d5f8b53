"""The window functions of signal processing, as PyTorch's: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``, each ``(window_length, periodic=True,
..., *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False)``.

With M = window_length + 1 when ``periodic`` (the window of length M, its last value dropped: what
a spectrogram's frames want) and M = window_length otherwise, for n = 0 ... window_length - 1:

- Hann: 1/2 - 1/2 cos(2 pi n / (M - 1));
- Hamming: alpha - beta cos(2 pi n / (M - 1)), alpha 0.54 and beta 0.46 by default;
- Blackman: 0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1));
- Bartlett: 1 - |2 n / (M - 1) - 1|;
- Kaiser: I0(beta sqrt(1 - ((n - (M - 1)/2) / ((M - 1)/2))^2)) / I0(beta), beta 12 by default.

A window of length 1 is [1] and of length 0 empty. The values are computed in float64 and rounded
once to the dtype asked for (the default dtype unless ``dtype=`` says otherwise; floating point
only). (The file is not minigan/ops/windows.py, which is Tensor.unfold's sliding windows.)"""
from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import check_device_argument, dtype_argument
from .factories import _result, _torch_name
from .unsupported import UnsupportedFeatureError


def _window(name: str, window_length: Any, periodic: Any, dtype: Any, layout: Any, device: Any,
            requires_grad: bool, values: Callable[[np.ndarray, int], np.ndarray]) -> Tensor:
    """The window ``values(n, M)`` (n = 0 ... M - 1, float64) cut to ``window_length``, as a Tensor."""
    if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, "
                        f"not {type(window_length).__name__}")
    if not isinstance(periodic, bool):
        raise TypeError(f"{name}(): argument 'periodic' (position 2) must be bool, not {type(periodic).__name__}")
    if layout is not None and str(layout) not in ("torch.strided", "strided"):
        raise UnsupportedFeatureError(f"{name}(): layout={layout!r}: minigan's tensors have the strided layout only")
    check_device_argument(device)
    resolved = dtype_argument(dtype)
    if resolved.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {_torch_name(resolved)}")
    length = int(window_length)
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={length}")
    if length <= 1:
        window = np.ones(length)
    else:
        size = length + 1 if periodic else length
        window = values(np.arange(size, dtype=np.float64), size)[:length]
    return _result(window.astype(resolved), requires_grad, name, device)


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Hann window: 1/2 - 1/2 cos(2 pi n / (M - 1))."""
    return _window("hann_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda n, m: 0.5 - 0.5 * np.cos(2 * np.pi * n / (m - 1)))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: Any = None, layout: Any = None, device: Any = None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Tensor:
    """The Hamming window: alpha - beta cos(2 pi n / (M - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda n, m: float(alpha) - float(beta) * np.cos(2 * np.pi * n / (m - 1)))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Blackman window: 0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1))."""
    return _window("blackman_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda n, m: 0.42 - 0.5 * np.cos(2 * np.pi * n / (m - 1)) + 0.08 * np.cos(4 * np.pi * n / (m - 1)))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Bartlett (triangular) window: 1 - |2 n / (M - 1) - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda n, m: 1.0 - np.abs(2.0 * n / (m - 1) - 1.0))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype: Any = None,
                  layout: Any = None, device: Any = None, pin_memory: bool = False,
                  requires_grad: bool = False) -> Tensor:
    """The Kaiser window: I0(beta sqrt(1 - ((n - (M - 1)/2) / ((M - 1)/2))^2)) / I0(beta), with I0 the
    modified Bessel function of the first kind of order zero."""
    def values(n: np.ndarray, m: int) -> np.ndarray:
        half = (m - 1) / 2.0
        ratio = np.clip(1.0 - ((n - half) / half) ** 2, 0.0, None)  # >= 0: rounding at the ends
        return np.i0(float(beta) * np.sqrt(ratio)) / np.i0(float(beta))

    return _window("kaiser_window", window_length, periodic, dtype, layout, device, requires_grad, values)
