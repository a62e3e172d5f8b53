"""Parzen-window log-likelihood, as used to evaluate the original GAN (Goodfellow et al. 2014).

A Gaussian kernel density estimate is fitted to the generated samples s_1..s_n (shape (n, d),
values in [0, 1]) and the log-likelihood of held-out data x under it is reported:

    log p(x) = logsumexp_i( -||x - s_i||^2 / (2 sigma^2) ) - log n - (d/2) log(2 pi sigma^2)

The kernel width sigma is chosen by the mean log-likelihood of a validation set, and the score
is the mean over a test set with its standard error std(ll) / sqrt(n_test). The estimate is
known to be poor in high dimension; it is here to make numbers comparable with the paper.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigan.metrics.fid import _as_finite_array

__all__ = ["DEFAULT_SIGMAS", "parzen_log_likelihood", "select_parzen_sigma", "parzen_score"]

# The grid searched in the paper's code for MNIST: 10 widths from 0.1 to 1, log-spaced.
DEFAULT_SIGMAS: tuple[float, ...] = tuple(float(s) for s in np.logspace(-1.0, 0.0, 10))

# Target number of float64 entries in one (batch, n_samples) distance block, ~16 MiB; large
# enough for an efficient matmul, small enough that memory does not grow with len(points).
_BLOCK_ELEMENTS = 2**21
# Widths outside this range make sigma^2 underflow or overflow in float64.
_SIGMA_RANGE = (1e-100, 1e100)


def _unit_range_matrix(x: Any, name: str) -> np.ndarray:
    array = _as_finite_array(x, name, ndim=2)
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"{name} must lie in [0, 1] (got values from {low:.4g} to {high:.4g}); "
            "rescale first, e.g. (x + 1) / 2 for tanh outputs"
        )
    return array


def _check_same_dim(samples: np.ndarray, other: np.ndarray, other_name: str) -> None:
    if samples.shape[1] != other.shape[1]:
        raise ValueError(
            f"samples and {other_name} have different dimensions: "
            f"{samples.shape[1]} vs {other.shape[1]}"
        )


def _sigma_grid(sigmas: Any) -> np.ndarray:
    grid = _as_finite_array(sigmas, "sigmas", ndim=1)
    if np.any(grid <= 0):
        raise ValueError(f"every sigma must be positive, got {grid.tolist()}")
    # sigma^2 must neither underflow to 0 nor overflow to inf, or 1 / (2 sigma^2) breaks.
    if np.any(grid < _SIGMA_RANGE[0]) or np.any(grid > _SIGMA_RANGE[1]):
        raise ValueError(f"every sigma must lie in {list(_SIGMA_RANGE)}, got {grid.tolist()}")
    return grid


def _batch_size(batch_size: int | None, n_samples: int) -> int:
    if batch_size is None:
        return max(1, _BLOCK_ELEMENTS // n_samples)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
    return int(batch_size)


def _log_likelihoods(
    samples: np.ndarray, points: np.ndarray, sigmas: np.ndarray, batch_size: int
) -> np.ndarray:
    """Per-point log-likelihoods for every sigma at once, shape (len(sigmas), len(points)).

    Inputs are already validated float64. The squared distances do not depend on sigma, so
    they are computed once per batch of points and reused for the whole sigma grid.
    """
    n, d = samples.shape
    sample_sq = np.einsum("ij,ij->i", samples, samples)
    # Normaliser -log n - (d/2) log(2 pi sigma^2), one value per sigma.
    log_norm = -np.log(n) - 0.5 * d * np.log(2.0 * np.pi * sigmas**2)
    inv_two_var = 1.0 / (2.0 * sigmas**2)
    out = np.empty((sigmas.shape[0], points.shape[0]))
    for start in range(0, points.shape[0], batch_size):
        batch = points[start : start + batch_size]
        batch_sq = np.einsum("ij,ij->i", batch, batch)
        # ||x - s||^2 = ||x||^2 - 2 x.s + ||s||^2: one matmul instead of a (b, n, d) array.
        sq_dist = batch_sq[:, None] - 2.0 * (batch @ samples.T) + sample_sq[None, :]
        np.maximum(sq_dist, 0.0, out=sq_dist)  # cancellation can leave tiny negatives
        # Stable logsumexp: the largest exponent belongs to the nearest sample, for every sigma,
        # so shift by the smallest distance once; every exp() argument is then <= 0.
        nearest = sq_dist.min(axis=1, keepdims=True)
        sq_dist -= nearest
        for k, scale in enumerate(inv_two_var):
            total = np.exp(sq_dist * -scale).sum(axis=1)  # >= 1: the nearest term is exp(0)
            out[k, start : start + batch.shape[0]] = np.log(total) - nearest[:, 0] * scale
    return out + log_norm[:, None]


def parzen_log_likelihood(
    samples: np.ndarray, points: np.ndarray, sigma: float, batch_size: int | None = None
) -> np.ndarray:
    """Log-likelihood of each point under a Gaussian Parzen window on the samples.

        log p(x) = logsumexp_i( -||x - s_i||^2 / (2 sigma^2) ) - log n - (d/2) log(2 pi sigma^2)

    samples: generated samples, shape (n, d), values in [0, 1].
    points: points to evaluate, shape (m, d), values in [0, 1].
    sigma: kernel width (> 0).
    batch_size: points handled per step; memory is O(batch_size * n) beyond the inputs. The
        default picks it so that one block of distances is about 16 MiB.

    Returns float64 log-likelihoods (in nats), shape (m,). Computed in float64 throughout.
    Raises ValueError for bad shapes, empty or non-finite input, values outside [0, 1],
    mismatched dimensions, or a non-positive sigma/batch_size.
    """
    s = _unit_range_matrix(samples, "samples")
    x = _unit_range_matrix(points, "points")
    _check_same_dim(s, x, "points")
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, (int, float, np.integer, np.floating))
        or not np.isfinite(sigma)
        or sigma <= 0
    ):
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
    grid = _sigma_grid(np.array([float(sigma)]))
    return _log_likelihoods(s, x, grid, _batch_size(batch_size, s.shape[0]))[0]


def _validation_means(
    s: np.ndarray, v: np.ndarray, sigmas: Any, batch_size: int | None
) -> tuple[np.ndarray, np.ndarray]:
    grid = _sigma_grid(sigmas)
    means = _log_likelihoods(s, v, grid, _batch_size(batch_size, s.shape[0])).mean(axis=1)
    return grid, means


def select_parzen_sigma(
    samples: np.ndarray,
    validation: np.ndarray,
    sigmas: Sequence[float] | np.ndarray = DEFAULT_SIGMAS,
    batch_size: int | None = None,
) -> float:
    """The sigma in ``sigmas`` whose Parzen window on ``samples`` gives ``validation`` the
    highest mean log-likelihood (the first one on a tie). Default grid: logspace(-1, 0, 10).

    Raises ValueError like ``parzen_log_likelihood``, and for an empty or non-positive grid.
    """
    s = _unit_range_matrix(samples, "samples")
    v = _unit_range_matrix(validation, "validation")
    _check_same_dim(s, v, "validation")
    grid, means = _validation_means(s, v, sigmas, batch_size)
    return float(grid[int(np.argmax(means))])


def parzen_score(
    samples: np.ndarray,
    validation: np.ndarray,
    test: np.ndarray,
    sigmas: Sequence[float] | np.ndarray = DEFAULT_SIGMAS,
    batch_size: int | None = None,
) -> dict[str, float]:
    """Parzen-window score as reported in the GAN paper.

    sigma is chosen on ``validation`` with ``select_parzen_sigma``; with ll the per-point
    log-likelihoods of ``test`` under that sigma, returns

        {"sigma": sigma, "mean": mean(ll), "stderr": std(ll) / sqrt(len(test))}

    (std with ddof=0, as in the paper's code). All arrays have values in [0, 1] and the same
    number of columns.
    """
    s = _unit_range_matrix(samples, "samples")
    v = _unit_range_matrix(validation, "validation")
    t = _unit_range_matrix(test, "test")
    _check_same_dim(s, v, "validation")
    _check_same_dim(s, t, "test")
    grid, means = _validation_means(s, v, sigmas, batch_size)
    sigma = float(grid[int(np.argmax(means))])
    ll = _log_likelihoods(s, t, np.array([sigma]), _batch_size(batch_size, s.shape[0]))[0]
    return {
        "sigma": sigma,
        "mean": float(ll.mean()),
        "stderr": float(ll.std() / np.sqrt(t.shape[0])),
    }
