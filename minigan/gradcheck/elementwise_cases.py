"""Gradcheck cases for PyTorch's other elementwise math (minigan/ops/elementwise_more.py and
elementwise_limits.py, float_bits.py): the Functions fmod, remainder (minigan/ops/arithmetic.py),
hypot, copysign, fmax, fmin and nextafter, clamp between Tensors (ClampBetween,
minigan/ops/elementwise.py), and the composed forms (logaddexp, logaddexp2, ldexp, float_power,
nan_to_num, the one-sided clamps, addcmul, addcdiv, rad2deg), first and second order. Inputs are
kept off the kinks: fmod's and remainder's quotient away from integers (where trunc and floor jump),
hypot and copysign away from 0, fmax, fmin and the clamps without ties.
``ELEMENTWISE_CASES`` joins the op cases (cases.py)."""
from __future__ import annotations

import numpy as np

from ..ops import elementwise_limits as limits, elementwise_more as more, float_bits
from ..ops.elementwise import clamp
from .opcase import OpCase, apart, bounds_apart, off_zero, positive


def _quotient_off_integers(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """b at least 0.5 from 0, and a = b (k + f) with k an integer and f in [0.2, 0.8), so that a / b
    stays 0.2 away from the integers where fmod's trunc(a / b) jumps. a has the broadcast shape."""
    a, b = arrays
    b = np.where(b >= 0, b + 0.5, b - 0.5)
    quotient = rng.integers(-3, 4, a.shape) + rng.uniform(0.2, 0.8, a.shape) * np.where(rng.random(a.shape) < 0.5, -1, 1)
    return [np.broadcast_to(b, a.shape) * quotient, b]


def _divisor_off_zero(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """addcdiv's tensor2 (the last input) at least 0.5 from 0."""
    *rest, divisor = arrays
    return [*rest, np.where(divisor >= 0, divisor + 0.5, divisor - 0.5)]


ELEMENTWISE_CASES: list[OpCase] = [
    OpCase("fmod", more.fmod, [((3, 4), (3, 4)), ((3, 4), (4,))], prepare=_quotient_off_integers),
    OpCase("remainder", more.remainder, [((3, 4), (3, 4)), ((3, 4), (4,))], prepare=_quotient_off_integers),
    OpCase("hypot", more.hypot, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=off_zero),
    OpCase("copysign", more.copysign, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=off_zero),
    OpCase("fmax", limits.fmax, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("fmin", limits.fmin, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("logaddexp", more.logaddexp, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("logaddexp2", more.logaddexp2, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("ldexp", more.ldexp, [((3, 3), (3, 3)), ((3, 4), (4,))]),
    OpCase("float_power", more.float_power, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=positive),
    OpCase("nan_to_num", lambda x: limits.nan_to_num(x * 2.0), [((3, 4),)]),
    OpCase("clamp_min_tensor", limits.clamp_min, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("clamp_max_tensor", limits.clamp_max, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
    OpCase("clamp_tensors", clamp, [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1))], prepare=bounds_apart),
    # low above high: the result is high, its gradient high's
    OpCase("clamp_tensors_crossed", lambda x, low, high: clamp(x, high, low), [((3, 4), (3, 4), (4,))],
           prepare=bounds_apart),
    OpCase("addcmul", lambda x, t1, t2: limits.addcmul(x, t1, t2, value=0.5), [((3, 4), (3, 4), (4,))]),
    OpCase("addcdiv", lambda x, t1, t2: limits.addcdiv(x, t1, t2, value=-2.0), [((3, 4), (3, 1), (3, 4))],
           prepare=_divisor_off_zero),
    OpCase("rad2deg", lambda x: more.deg2rad(more.rad2deg(x) * x), [((3, 4),)]),
    # nextafter's step stays on one side: x and the direction apart, so x +- eps do not cross it
    OpCase("nextafter", lambda x, y: float_bits.nextafter(x, y) * x, [((3, 3), (3, 3)), ((3, 4), (4,))], prepare=apart),
]
