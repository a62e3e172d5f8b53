"""Error-free transformations: a float split into halves whose products are exact (Veltkamp and
Dekker), and from them a fused multiply-add computed with plain operations (Knuth's two-sum for
the addition). Elementwise on any backend's float arrays (float16, float32, float64).

They serve where one rounding more or less matters: erfcx squares its argument without rounding
(minigan/ops/normal.py), and grid sampling rounds a pixel centre as PyTorch's fused multiply-add
does (minigan/nn/grid_sampling.py)."""
from __future__ import annotations

from typing import Any

from ..backends import backend_of

# 2^s + 1 with s = ceil(mantissa bits / 2): splits a float into two halves of at most s bits each
_SPLITTERS = {64: 134217729.0, 32: 4097.0, 16: 65.0}


def split(v: Any) -> tuple[Any, Any]:
    """(high, low) with v = high + low exactly and each half short enough that a product of two
    halves is exact (Veltkamp's splitting)."""
    scaled = _SPLITTERS[backend_of(v).xp.finfo(v.dtype).bits] * v
    high = scaled - (scaled - v)
    return high, v - high


def fused_multiply_add(a: Any, b: Any, c: Any) -> Any:
    """a b + c rounded once, as a CPU's fused multiply-add gives it: the product split exactly into
    p + e (Dekker's two-product), then p + c + e summed with the rounding error of p + c kept
    (Knuth's two-sum)."""
    product = a * b
    a_high, a_low = split(a)
    b_high, b_low = split(b)
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    total = product + c
    back = total - product
    lost = (product - (total - back)) + (c - back)
    return total + (lost + error)


__all__ = ["split", "fused_multiply_add"]
