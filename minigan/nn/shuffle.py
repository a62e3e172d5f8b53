"""Channel shuffle (ShuffleNet's mixing of grouped convolutions' channels), as PyTorch's
``nn.ChannelShuffle`` and ``F.channel_shuffle``.

With C channels in g groups of C / g, channel i k + j of the output (i < C / g, j < g) is channel
j (C / g) + i of the input: the channels read as a g x (C / g) grid, transposed. It is a reshape,
a swap of two axes and a reshape, so the gradient is the ops' own (the inverse shuffle).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from .layers import _check_tensor
from .module import Module

__all__ = ["channel_shuffle", "ChannelShuffle"]


def _groups(name: str, groups: Any) -> int:
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'groups' must be int, not {type(groups).__name__}")
    if groups < 1:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    return int(groups)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002 - PyTorch's names
    """(N, C, *) -> (N, C, *) with the channels read as a (groups, C / groups) grid and transposed:
    out[:, i groups + j] = in[:, j (C / groups) + i]."""
    g = _groups("channel_shuffle", groups)
    if not isinstance(input, Tensor):
        raise TypeError(f"channel_shuffle(): expected a Tensor input, got {type(input).__name__}")
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    n, c, *rest = input.shape
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.")
    grid = input.reshape((n, g, c // g) + tuple(rest))
    return grid.transpose(1, 2).reshape(input.shape)


class ChannelShuffle(Module):
    """Channel shuffle of (N, C, *) in ``groups`` groups: see :func:`channel_shuffle`."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = _groups("ChannelShuffle", groups)

    def forward(self, x: Tensor) -> Tensor:
        return channel_shuffle(_check_tensor(self, x), self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
