"""``quantile`` and ``nanquantile`` as PyTorch's: the values are sorted along ``dim`` (NaN last),
the q-th quantile sits at rank q * (n - 1) and is read with ``gather`` from the values either side
of that rank, blended as ``interpolation`` says, so the gradient goes to those one or two values.
A NaN in a row makes ``quantile`` NaN there; ``nanquantile`` ranks the row's other values only
(NaN where there are none)."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..autograd.gather_scatter import gather
from ..backends import backend_of
from .elementwise import where
from .reorder import lerp
from .sorting import sort
from ..torch_api.out_argument import takes_out

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_points(input: Tensor, q: Any) -> tuple[Any, bool]:  # noqa: A002
    """q as a 1-D array of the input's dtype, and whether it was a scalar (or 0-d)."""
    backend = backend_of(input.array)
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        values = backend_of(q.array).to_numpy(q.array).reshape(-1)  # as numbers: _rank_slope gives q's gradient
        if not np.all((values >= 0) & (values <= 1)):
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
        return backend.asarray(values), q.ndim == 0
    if isinstance(q, bool) or not isinstance(q, numbers.Real):
        raise TypeError(f"quantile(): argument 'q' must be a float or a Tensor, not {type(q).__name__}")
    if not 0 <= q <= 1:
        raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
    return backend.asarray(np.asarray([q], dtype=input.dtype)), True


def _quantile(name: str, input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str,  # noqa: A002
              ignore_nan: bool) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype not in (np.float32, np.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    points, scalar = _quantile_points(input, q)
    if interpolation not in INTERPOLATIONS:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    axis = None if dim is None else wrap_dim(dim, input.ndim)
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    # The values to rank as rows along the last dimension: all of them when dim is None.
    rows = input.reshape(-1) if axis is None or input.ndim == 0 else input.movedim(axis, -1)
    ordered = sort(rows, -1).values
    backend = backend_of(ordered.array)
    xp = backend.xp
    n = ordered.shape[-1]
    nan = ordered.array != ordered.array
    nans = xp.sum(xp.astype(nan, ordered.array.dtype), axis=-1, keepdims=True)  # NaN sorts last: count them
    # Ranks in float64 (q's own value, not rounded again to float32): PyTorch's 'nearest' rounds those.
    wide_float = backend.native_dtype(np.dtype(np.float64))
    last = (n - 1) - nans if ignore_nan else xp.full_like(nans, n - 1)  # nanquantile: -1 when all are NaN
    ranks = xp.reshape(xp.astype(points, wide_float), (-1,) + (1,) * ordered.ndim) * xp.astype(last, wide_float)
    # PyTorch's fixed ranks: nanquantile's below 0 (no value) read rank 0, quantile's rows holding a NaN
    # the last rank, where the NaN sorts; either way the result is NaN and q has no say in it
    forced = ranks < 0 if ignore_nan else xp.broadcast_to(nans > 0, ranks.shape)
    ranks = xp.where(forced, xp.full_like(ranks, 0 if ignore_nan else n - 1), ranks)
    if interpolation == "lower":
        ranks = xp.floor(ranks)
    elif interpolation == "higher":
        ranks = xp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = xp.round(ranks)  # half to even, as torch.round
    int64 = backend.native_dtype(np.dtype(np.int64))
    below_at, above_at = xp.astype(xp.floor(ranks), int64), xp.astype(xp.ceil(ranks), int64)
    wide = ordered.unsqueeze(0).expand((points.shape[0],) + tuple(ordered.shape))
    below = gather(wide, wide.ndim - 1, Tensor._make(below_at, False, None))
    if interpolation in ("linear", "midpoint"):
        above = gather(wide, wide.ndim - 1, Tensor._make(above_at, False, None))
        weight = 0.5 if interpolation == "midpoint" else Tensor._make(xp.astype(ranks - xp.floor(ranks), ordered.array.dtype), False, None)
        if interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:
            weight = weight + _rank_slope(q, last, forced, ordered)  # the same value; d weight / dq
        below = lerp(below, above, weight)
    result = below.squeeze(-1)  # (q, the other dims)
    if keepdim:
        if axis is None:
            result = result.reshape((points.shape[0],) + (1,) * input.ndim)
        else:
            result = result.unsqueeze(axis + 1) if input.ndim else result
    return result.squeeze(0) if scalar else result


def _rank_slope(q: Tensor, last: Any, forced: Any, ordered: Tensor) -> Tensor:
    """0 with the gradient of the rank q * last with respect to q (last: each row's last rank, 0
    where the rank is fixed), so the linear blend's weight passes (above - below) * last to q, as
    PyTorch's does."""
    column = q.reshape((-1,) + (1,) * ordered.ndim)
    scale = Tensor._make(backend_of(ordered.array).xp.astype(last, ordered.array.dtype), False, None)
    return where(Tensor._make(forced, False, None), 0.0, (column - column.detach()) * scale)


@takes_out
def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,  # noqa: A002 - PyTorch's names
             interpolation: str = "linear") -> Tensor:
    """The q-th quantiles (q a float or a 1-D tensor of floats in [0, 1], of the input's dtype) of
    ``input`` along ``dim`` (of all elements when None). A tensor q puts its dimension first.
    ``interpolation``: between the values either side of rank q * (n - 1), 'linear' blends them,
    'lower'/'higher' take one, 'midpoint' their mean, 'nearest' the nearer (half to even)."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@takes_out
def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,  # noqa: A002
                interpolation: str = "linear") -> Tensor:
    """``quantile`` of the values that are not NaN (NaN where a row has none)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)
