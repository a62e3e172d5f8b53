"""The strong Wolfe line search that ``LBFGS(line_search_fn="strong_wolfe")`` runs each iteration.

Along a descent direction d from x, write φ(t) = f(x + t d) and φ'(t) = ∇f(x + t d) · d (so
φ'(0) < 0). A step t meets the strong Wolfe conditions when

    φ(t) <= φ(0) + c1 t φ'(0)      (it decreases f enough), and
    |φ'(t)| <= c2 |φ'(0)|          (it went far enough that the slope has flattened),

with c1 = 1e-4 and c2 = 0.9. The search is Nocedal and Wright's (Numerical Optimization, 2nd
ed., Algorithms 3.5 and 3.6), with the safeguards of Schmidt's minFunc, as PyTorch's LBFGS has:

1. **Bracket.** Try t, then step outwards to the minimiser of the cubic through the last two
   trials (values and slopes), kept within [t + 0.01 (t - t_prev), 10 t], until a trial meets
   both conditions (done), or an interval is known to hold such a step: the trial fails to
   decrease f enough, or is no better than the one before, or the slope has turned upwards.
2. **Zoom.** Shrink that interval [lo, hi] (lo the end with the smaller f) to the cubic's
   minimiser inside it. A minimiser within 10% of the interval's width from an end is taken as
   is once, and if it happens twice running (or lands outside), is moved to 10% in from the
   nearer end, so that the interval keeps shrinking.

Each phase stops after ``max_ls`` evaluations in all; the zoom also stops when the interval,
measured along d, is under ``tolerance_change``. The step returned is the interval's better end.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

SUFFICIENT_DECREASE = 1e-4  # c1
CURVATURE = 0.9  # c2


class Trial(NamedTuple):
    """One evaluation along d: the step t, φ(t), the gradient there, and φ'(t)."""
    t: float
    value: float
    grad: np.ndarray
    slope: float


def cubic_minimizer(a: Trial, b: Trial, low: float | None = None, high: float | None = None) -> float:
    """The minimiser of the cubic that matches φ and φ' at the trials a and b, clamped to
    [low, high] (by default the interval between them), or the middle of [low, high] when the
    cubic has no minimum. With p the trial at the larger t and q the other (Nocedal and Wright,
    eq. 3.59):

        d1 = φ'(q) + φ'(p) - 3 (φ(q) - φ(p)) / (t_q - t_p),   d2 = sqrt(d1² - φ'(q) φ'(p)),
        t  = t_p - (t_p - t_q) (φ'(p) + d2 - d1) / (φ'(p) - φ'(q) + 2 d2).
    """
    q, p = (a, b) if a.t <= b.t else (b, a)
    low = q.t if low is None else low
    high = p.t if high is None else high
    d1 = q.slope + p.slope - 3 * (q.value - p.value) / (q.t - p.t)
    discriminant = d1 * d1 - q.slope * p.slope
    if discriminant < 0:
        return (low + high) / 2
    d2 = math.sqrt(discriminant)
    t = p.t - (p.t - q.t) * ((p.slope + d2 - d1) / (p.slope - q.slope + 2 * d2))
    return min(max(t, low), high)


def strong_wolfe(evaluate: Callable[[float], tuple[float, np.ndarray]], direction: np.ndarray, start: Trial,
                 t: float, tolerance_change: float = 1e-9, max_ls: int = 25) -> tuple[Trial, int]:
    """Search along ``direction`` from ``start`` (the trial at t = 0) with a first step ``t``;
    ``evaluate(t)`` returns (φ(t), the gradient at x + t d). Returns the step found, as a
    :class:`Trial`, and how many times ``evaluate`` ran."""

    def trial(step: float) -> Trial:
        value, grad = evaluate(step)
        return Trial(step, value, grad, float(grad @ direction))

    def decreases_enough(point: Trial) -> bool:
        return point.value <= start.value + SUFFICIENT_DECREASE * point.t * start.slope

    def flat_enough(point: Trial) -> bool:
        return abs(point.slope) <= -CURVATURE * start.slope

    previous, current = start, trial(t)
    evaluations = 1
    bracket: list[Trial] = []
    done = False
    while evaluations - 1 < max_ls:
        if not decreases_enough(current) or (evaluations > 2 and current.value >= previous.value):
            bracket = [previous, current]
            break
        if flat_enough(current):
            bracket, done = [current], True
            break
        if current.slope >= 0:
            bracket = [previous, current]
            break
        further = cubic_minimizer(previous, current, current.t + 0.01 * (current.t - previous.t), current.t * 10)
        previous, current = current, trial(further)
        evaluations += 1
    else:
        bracket = [start, current]

    span = float(np.abs(direction).max())
    low = 0 if bracket[0].value <= bracket[-1].value else 1
    insufficient_progress = False
    while not done and evaluations - 1 < max_ls:
        if abs(bracket[1].t - bracket[0].t) * span < tolerance_change:
            break
        step = cubic_minimizer(bracket[0], bracket[1])
        lo, hi = min(bracket[0].t, bracket[1].t), max(bracket[0].t, bracket[1].t)
        margin = 0.1 * (hi - lo)
        if min(hi - step, step - lo) < margin:
            if insufficient_progress or step >= hi or step <= lo:
                step = hi - margin if abs(step - hi) < abs(step - lo) else lo + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        point = trial(step)
        evaluations += 1
        high = 1 - low
        if not decreases_enough(point) or point.value >= bracket[low].value:
            bracket[high] = point
            low = 0 if bracket[0].value <= bracket[1].value else 1
        else:
            if flat_enough(point):
                done = True
            elif point.slope * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = point
    return bracket[low], evaluations


__all__ = ["Trial", "cubic_minimizer", "strong_wolfe"]
