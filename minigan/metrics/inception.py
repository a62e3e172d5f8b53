"""Inception Score (Salimans et al. 2016) from class probabilities.

The classifier that produces the probabilities is not part of this module: any (n, k) array of
per-sample class distributions p(y|x) can be scored.
"""
from __future__ import annotations

import numpy as np

from minigan.metrics.fid import _as_finite_array

__all__ = ["inception_score"]

# How far a row of probs may be from summing to 1; float32 softmax rows are off by ~1e-7.
_ROW_SUM_ATOL = 1e-3
# Entries may stray this far outside [0, 1] from round-off before it counts as an error.
_RANGE_ATOL = 1e-6


def _kl_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL(p_i || q) for every row p_i of p, with the convention 0 * log 0 = 0.

    Only entries with p > 0 contribute; for those, q > 0 as well because q is the mean of rows
    that include p_i. Logs are taken of a masked copy so that no log(0) is ever evaluated (pytest
    turns the resulting RuntimeWarning into an error).
    """
    positive = p > 0
    log_p = np.log(np.where(positive, p, 1.0))
    log_q = np.log(np.where(q > 0, q, 1.0))
    return np.sum(np.where(positive, p * (log_p - log_q), 0.0), axis=1)


def inception_score(probs: np.ndarray, splits: int = 10) -> tuple[float, float]:
    """Inception Score of class probabilities ``probs`` (shape (n, k), rows summing to 1).

        IS = exp( E_x [ KL( p(y|x) || p(y) ) ] ),   p(y) = E_x [ p(y|x) ]

    As in the original implementation the samples are cut into ``splits`` consecutive parts,
    IS is computed on each part with that part's own marginal p(y), and the mean and the
    (population, ddof=0) standard deviation over the parts are returned. Parts are made with
    ``np.array_split``, so when n is not a multiple of ``splits`` no sample is dropped (the
    original dropped the remainder); when it is, the two agree exactly.

    Bounds: 1 <= IS <= k. One-hot predictions spread evenly over k classes give k; predictions
    that are all the same distribution give 1.

    Raises ValueError if probs is not a finite 2-D array in [0, 1] with rows summing to 1, or
    if splits is not an integer in [1, n].
    """
    p = _as_finite_array(probs, "probs", ndim=2)
    n = p.shape[0]
    if isinstance(splits, bool) or not isinstance(splits, (int, np.integer)):
        raise ValueError(f"splits must be an integer, got {splits!r}")
    if not 1 <= splits <= n:
        raise ValueError(f"splits must be between 1 and the number of samples ({n}), got {splits}")
    if np.any(p < -_RANGE_ATOL) or np.any(p > 1 + _RANGE_ATOL):
        raise ValueError("probs must lie in [0, 1] (pass probabilities, not logits)")
    p = np.clip(p, 0.0, 1.0)  # float32 round-off may leave 1 + 1e-7; keep the logs <= 0
    row_sums = p.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > _ROW_SUM_ATOL:
        raise ValueError(
            f"each row of probs must sum to 1; row {worst} sums to {row_sums[worst]:.6g}"
        )

    scores = []
    for part in np.array_split(p, int(splits), axis=0):
        marginal = part.mean(axis=0)
        scores.append(np.exp(np.mean(_kl_rows(part, marginal))))
    scores_arr = np.asarray(scores)
    return float(scores_arr.mean()), float(scores_arr.std())
