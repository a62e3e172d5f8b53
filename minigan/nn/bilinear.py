"""``F.bilinear`` and ``nn.Bilinear``: y_o = x1ᵀ A_o x2 + b_o, one (in1, in2) matrix A_o per output
(weight (out, in1, in2), PyTorch's layout), built from a product, a reshape and a sum, so the
gradients and second derivatives follow from those ops:
    dy_o/dx1 = A_o x2,   dy_o/dx2 = A_oᵀ x1,   dy_o/dA_o = x1 x2ᵀ,   dy_o/db_o = 1."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from . import init
from .module import Module, Parameter

__all__ = ["bilinear", "Bilinear"]


def _check(input1: Any, input2: Any, weight: Any, bias: Any) -> None:
    for name, value in (("input1", input1), ("input2", input2), ("weight", weight)):
        if not isinstance(value, Tensor):
            raise TypeError(f"bilinear(): {name} must be a Tensor, got {type(value).__name__}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, got shape {weight.shape}")
    if input1.ndim != input2.ndim or input1.ndim == 0:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for dim, (a, b) in enumerate(zip(input1.shape[:-1], input2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {dim}: got {a} and {b}")
    for k, x in ((1, input1), (2, input2)):
        if x.shape[-1] != weight.shape[k]:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got {x.shape[-1]} "
                               f"but expected {weight.shape[k]}")
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (weight.shape[0],)):
        got = bias.shape[-1] if isinstance(bias, Tensor) and bias.ndim else getattr(bias, "shape", type(bias).__name__)
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but expected {weight.shape[0]}")


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o], for inputs (..., in1)
    and (..., in2) with the same leading dims and weight (out, in1, in2)."""
    _check(input1, input2, weight, bias)
    out, in1, in2 = weight.shape
    lead = input1.shape[:-1]
    x1, x2 = input1.reshape(-1, in1), input2.reshape(-1, in2)
    left = (x1 @ weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2)  # (x1ᵀ A_o) for every o
    y = (left * x2.reshape(-1, 1, in2)).sum(axis=-1)
    if bias is not None:
        y = y + bias
    return y.reshape(*lead, out)


class Bilinear(Module):
    """:func:`bilinear` with a learned weight (out_features, in1_features, in2_features) and bias
    (out_features,), both drawn from U(-1/sqrt(in1_features), 1/sqrt(in1_features)) as PyTorch's."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        if min(in1_features, in2_features, out_features) <= 0:
            raise ValueError("Bilinear: feature counts must be positive, got "
                             f"({in1_features}, {in2_features}, {out_features})")
        self.in1_features, self.in2_features = int(in1_features), int(in2_features)
        self.out_features = int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in1_features, self.in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Weight, then bias, from U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound, rng=rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
