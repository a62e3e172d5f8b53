"""The CTC loss's forward-backward recursions (Graves et al. 2006, section 4.1) in log space, on the
backend's arrays, and ``CtcLoss``, the Function giving each sequence's -ln p(l | x).

The extended label l' puts a blank b before, between and after the L labels: (b, l1, b, ..., lL, b),
2L + 1 places. An alignment steps through l' one frame at a time: it stays, moves on by one, or skips
a blank between two different labels. With y_t(k) = exp(log_probs[t, k]):

    alpha_t(s) = y_t(l'_s) (alpha_{t-1}(s) + alpha_{t-1}(s-1) + [skip s] alpha_{t-1}(s-2))
    beta_t(s)  = y_t(l'_s) (beta_{t+1}(s) + beta_{t+1}(s+1) + [skip s+2] beta_{t+1}(s+2))
    p(l | x)   = alpha_{T-1}(2L) + alpha_{T-1}(2L-1)          ([skip s]: l'_s != b and l'_s != l'_{s-2})

Each is a loop over t with vector work over the batch and s. The arrays keep alpha before its emission
("arrival", the logsumexp of its predecessors), so the share of p through (t, s),
alpha_t(s) beta_t(s) / y_t(l'_s) / p, is exp(arrival + ln beta - ln p): no inf - inf anywhere but
in ln p itself, which the gradient handles apart. minigan/nn/ctc.py checks the input and builds the
labels' arrays; these kernels assume them valid.
"""
from __future__ import annotations

import math
from typing import Any

from ..autograd import Tensor, is_grad_enabled
from ..autograd.function import Context, Function
from ..backends import backend_of


def _later(xp: Any, a: Any, by: int, fill: Any) -> Any:
    """a[:, s + by], ``fill`` past the end (the place ``by`` further along the extended label)."""
    return xp.concat([a[:, by:], fill[:, :by]], axis=1)


def _earlier(xp: Any, a: Any, by: int, fill: Any) -> Any:
    """a[:, s - by], ``fill`` before the start."""
    width = a.shape[1]
    return xp.concat([fill[:, :by], a[:, :max(width - by, 0)]], axis=1)


def emissions(log_probs: Any, labels: dict[str, Any]) -> Any:
    """log y_t(l'_s) for every frame, sequence and place: (T, N, W) from (T, N, C) and (N, W)."""
    return backend_of(log_probs).take(log_probs, (labels["frame"], labels["sequence"], labels["extended"][None, ...]))


def forward_arrivals(emitted: Any, labels: dict[str, Any]) -> tuple[Any, Any]:
    """The arrivals (T, N, W) and ln p (N,): the alpha recursion, read at each sequence's last frame."""
    xp = backend_of(emitted).xp
    frames = emitted.shape[0]
    never = xp.full(emitted.shape[1:], -math.inf, dtype=emitted.dtype, device=emitted.device)
    arrival = xp.where(labels["first"], xp.zeros_like(never), never)  # s = 0, and s = 1 where L > 0
    arrivals = [arrival]
    for t in range(1, frames):
        alpha = arrival + emitted[t - 1, ...]
        arrival = xp.logaddexp(alpha, _earlier(xp, alpha, 1, never))
        arrival = xp.where(labels["skip"], xp.logaddexp(arrival, _earlier(xp, alpha, 2, never)), arrival)
        arrival = xp.where(labels["inside"], arrival, never)
        arrivals.append(arrival)
    stacked = xp.stack(arrivals)
    alpha = stacked + emitted
    alpha_last = xp.sum(xp.where(labels["last_frame"], alpha, xp.zeros_like(alpha)), axis=0)  # (N, W), one t each
    on_blank = xp.max(xp.where(labels["end_blank"], alpha_last, never), axis=1)  # one place each, or none
    on_label = xp.max(xp.where(labels["end_label"], alpha_last, never), axis=1)
    total = xp.logaddexp(on_blank, on_label)
    return stacked, xp.where(labels["no_frames"], labels["empty_log_p"], total)


def occupancy_gradient(log_probs: Any, emitted: Any, arrivals: Any, log_p: Any, labels: dict[str, Any]) -> Any:
    """PyTorch's gradient of -ln p with respect to log_probs, (T, N, C): y_t(k) minus the share of p
    through class k at frame t (the beta recursion), for t before each sequence's length, else 0. Where
    the last label is the blank, PyTorch leaves out the final blank's share at the last frame, and so
    does this (labels["unshared"])."""
    backend = backend_of(log_probs)
    xp = backend.xp
    frames = emitted.shape[0]
    never = xp.full(emitted.shape[1:], -math.inf, dtype=emitted.dtype, device=emitted.device)
    feasible = xp.isfinite(log_p)
    shift = xp.where(feasible, log_p, xp.zeros_like(log_p))[:, None]
    beta, shares = never, [None] * frames
    for t in range(frames - 1, -1, -1):
        onward = xp.logaddexp(beta, _later(xp, beta, 1, never))
        onward = xp.where(labels["skip_next"], xp.logaddexp(onward, _later(xp, beta, 2, never)), onward)
        start = labels["last_frame"][t, ...]
        departure = xp.where(start, xp.where(labels["end_blank"] | labels["end_label"], xp.zeros_like(never), never),
                             xp.where(labels["before_last"][t, ...], onward, never))
        beta = departure + emitted[t, ...]
        shares[t] = xp.exp(arrivals[t, ...] + beta - shift)
    stacked = xp.stack(shares)
    stacked = xp.where(labels["last_frame"] & labels["unshared"], xp.zeros_like(stacked), stacked)  # as PyTorch's
    by_class = xp.zeros_like(log_probs)  # the share of each place, summed onto its class
    backend.scatter_add(by_class, (labels["frame"], labels["sequence"], labels["extended"][None, ...]), stacked)
    return xp.where(labels["frames"], xp.exp(log_probs) - by_class, xp.zeros_like(log_probs))


class CtcLoss(Function):
    """l_n = -ln p(l_n | x_n), the CTC negative log-likelihood of each sequence's labels (inf when no
    alignment fits; 0 with ``zero_infinity``).

    dl_n/dx[t, n, k] = exp(x[t, n, k]) - sum_{s: l'_s = k} alpha_t(s) beta_t(s) / (y_t(k) p)  for t < T_n
    (0 after): PyTorch's gradient, which takes x to be log-softmax outputs (sum_k exp x[t, n, k] = 1):
    the exp term is the log-softmax's own correction, so through log_softmax the total is the true
    gradient, while on raw x it is not -d ln p/dx. Where no alignment fits it is NaN, as PyTorch's
    (0 with ``zero_infinity``). Its recorded form (second derivatives) is refused.
    """

    saved_inputs = (0,)

    @staticmethod
    def forward(ctx: Context, log_probs: Any, labels: dict[str, Any], zero_infinity: bool) -> Any:
        xp = backend_of(log_probs).xp
        emitted = emissions(log_probs, labels)
        arrivals, log_p = forward_arrivals(emitted, labels)
        ctx.save_for_backward(emitted, arrivals, log_p)
        loss = -log_p
        return xp.where(xp.isinf(loss), xp.zeros_like(loss), loss) if zero_infinity else loss

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        if is_grad_enabled():
            raise RuntimeError("ctc_loss: its second derivative (backward with create_graph=True) is not "
                               "supported by minigan, as PyTorch's _ctc_loss_backward has none")
        (log_probs,) = ctx.inputs
        emitted, arrivals, log_p = ctx.saved
        labels, xp = ctx.options["labels"], backend_of(log_p).xp
        step = occupancy_gradient(log_probs.array, emitted, arrivals, log_p, labels)
        infeasible = xp.isinf(log_p)[None, :, None]  # PyTorch's gradient there: NaN, or 0 with zero_infinity
        if ctx.options["zero_infinity"]:
            step = xp.where(infeasible, xp.zeros_like(step), step)
        else:
            step = xp.where(infeasible & labels["frames"], xp.full_like(step, math.nan), step)
        return (grad.reshape((1, -1, 1)) * Tensor._make(step, False, None),)


__all__ = ["CtcLoss", "emissions", "forward_arrivals", "occupancy_gradient"]
