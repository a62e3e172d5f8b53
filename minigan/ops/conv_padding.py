"""PyTorch's padding strings for the 2-d convolution: "valid" is no padding, and "same" keeps the
output as large as the input (stride 1 only), padding d (k - 1) along each axis, half in front
and the odd one behind (as Conv1d and Conv3d do in minigan/ops/convolution1d.py, convolution3d.py)."""
from __future__ import annotations

from typing import Any, Sequence

from ..autograd import Tensor
from .padding import pad


def resolve_padding_string(name: str, x: Tensor, kernel: Sequence[int], stride: Sequence[int],
                           dilation: Sequence[int], padding: Any) -> tuple[Tensor, Any]:
    """(x, padding) with a padding string replaced by numbers: "valid" by 0, "same" by the front
    half of each axis' padding, the odd element behind padded onto x here. Other paddings pass."""
    if not isinstance(padding, str):
        return x, padding
    if padding not in ("same", "valid"):
        raise ValueError(f"{name}: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
    if padding == "valid":
        return x, 0
    if any(s != 1 for s in stride):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {tuple(stride)})")
    totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
    front = tuple(total // 2 for total in totals)
    behind = [total - total // 2 - before for total, before in zip(totals, front)]  # 0 or 1
    if any(behind):  # F.pad's order: the last axis first
        x = pad(x, sum(((0, extra) for extra in reversed(behind)), ()))
    return x, front
