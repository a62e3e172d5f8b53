"""im2col and col2im as PyTorch's ``F.unfold`` and ``F.fold``.

unfold cuts the kernel windows of (N, C, H, W) into columns: (N, C kh kw, L), row c kh kw + i kw + j
holding tap (i, j) of channel c, column l = the window at (l // OW, l % OW). fold adds such columns
back into (N, C, H, W), summing where windows overlap; it is unfold's adjoint, not its inverse.
Both are the convolution module's ``Patches`` and ``FoldPatches`` (each the other's gradient) with
the axes moved, so their gradients and second derivatives are those Functions' own.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from .convolution import FoldPatches, Patches, pair_argument


def _geometry(name: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> dict[str, tuple[int, int]]:
    return {"kernel": pair_argument(name, "kernel_size", kernel_size, 1),
            "dilation": pair_argument(name, "dilation", dilation, 1),
            "padding": pair_argument(name, "padding", padding, 0),
            "stride": pair_argument(name, "stride", stride, 1)}


def _blocks(size: tuple[int, int], g: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """The number of window places along each axis of a padded (H, W)."""
    return tuple((size[a] + 2 * g["padding"][a] - g["dilation"][a] * (g["kernel"][a] - 1) - 1) // g["stride"][a] + 1
                 for a in range(2))  # type: ignore[return-value]


def _describe(g: dict[str, tuple[int, int]]) -> str:
    return f"kernel_size={g['kernel']}, dilation={g['dilation']}, padding={g['padding']}, stride={g['stride']}"


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:  # noqa: A002
    """The sliding kernel windows of (N, C, H, W) (or unbatched (C, H, W)) as columns, like
    ``torch.nn.functional.unfold``: (N, C kh kw, L), L = OH OW the number of window places."""
    if not isinstance(input, Tensor):
        raise TypeError(f"unfold: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ValueError(f"unfold: expected input of shape (N, C, H, W) or (C, H, W), got {input.shape}")
    g = _geometry("unfold", kernel_size, dilation, padding, stride)
    x = input if input.ndim == 4 else input.reshape((1,) + input.shape)
    out_hw = _blocks(x.shape[2:], g)
    if min(out_hw) < 1:
        raise ValueError(f"unfold: input with spatial size {x.shape[2:]} and {_describe(g)} has no window place "
                         f"(the blocks would be {out_hw[0]} x {out_hw[1]})")
    n, c = x.shape[:2]
    k = g["kernel"][0] * g["kernel"][1]
    windows = Patches.apply(x, out_hw=out_hw, **g)  # (K, N, C, OH, OW)
    columns = windows.permute(1, 2, 0, 3, 4).reshape((n, c * k, out_hw[0] * out_hw[1]))
    return columns if input.ndim == 4 else columns.reshape(columns.shape[1:])


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
         stride: Any = 1) -> Tensor:
    """Columns (N, C kh kw, L) (or (C kh kw, L)) added back into (N, C, H, W), (H, W) = output_size,
    like ``torch.nn.functional.fold``: the adjoint of :func:`unfold`, overlapping windows summed."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fold: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise ValueError(f"fold: expected input of shape (N, C kh kw, L) or (C kh kw, L), got {input.shape}")
    size = pair_argument("fold", "output_size", output_size, 1)
    g = _geometry("fold", kernel_size, dilation, padding, stride)
    cols = input if input.ndim == 3 else input.reshape((1,) + input.shape)
    n, rows, length = cols.shape
    k = g["kernel"][0] * g["kernel"][1]
    if rows % k:
        raise ValueError(f"fold: input's dimension {input.ndim - 2} ({rows}) must be divisible by the product of "
                         f"kernel_size {g['kernel']} ({k})")
    out_hw = _blocks(size, g)
    if min(out_hw) < 1 or out_hw[0] * out_hw[1] != length:
        raise ValueError(f"fold: output_size={size} with {_describe(g)} has {max(out_hw[0], 0)} x {max(out_hw[1], 0)} "
                         f"window places, but the input has {length} columns (shape {input.shape})")
    windows = cols.reshape((n, rows // k, k) + out_hw).permute(2, 0, 1, 3, 4)  # (K, N, C, OH, OW)
    out = FoldPatches.apply(windows, in_hw=size, **g)
    return out if input.ndim == 3 else out.reshape(out.shape[1:])


__all__ = ["unfold", "fold"]
