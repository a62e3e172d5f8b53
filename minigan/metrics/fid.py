"""Fréchet distance between Gaussians fitted to features (FID), without SciPy.

FID (Heusel et al. 2017) fits a Gaussian N(mu, Sigma) to the classifier features of real and of
generated images and reports the squared 2-Wasserstein distance between the two Gaussians:

    FID = ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^{1/2})

The only hard part is the matrix square root. SciPy's ``sqrtm`` works on the non-symmetric
product S1 S2; here everything goes through ``np.linalg.eigh`` on symmetric matrices instead,
which is both SciPy-free and better conditioned.

This module also holds the small input checks shared by the other metric modules.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan.backends import to_numpy

__all__ = ["sqrtm_psd", "feature_statistics", "frechet_distance", "fid_from_features"]

# Relative size (to the largest |eigenvalue|) below which a negative eigenvalue is treated as
# round-off and clipped to 0; anything more negative means the matrix is genuinely not PSD.
_PSD_RTOL = 1e-6
# Relative tolerance for "this matrix is symmetric"; covariances built in float32 are only
# symmetric to ~1e-7, so this must not be tighter than that.
_SYMMETRY_RTOL = 1e-5


def _to_numpy_array(x: Any, name: str) -> np.ndarray:
    """NumPy view of array-likes, CuPy arrays and tensors that offer ``.numpy()``."""
    # Duck-typed so that minigan Tensors work without this module importing the autograd.
    if not isinstance(x, np.ndarray) and callable(getattr(x, "numpy", None)):
        x = x.numpy()
    try:
        return to_numpy(x)
    except (ValueError, TypeError) as error:  # e.g. ragged nested lists
        raise ValueError(f"{name} could not be converted to an array: {error}") from None


def _as_finite_array(x: Any, name: str, ndim: int) -> np.ndarray:
    """``x`` as a float64 array of the given ndim, non-empty and finite, or a clear ValueError.

    Shared by every metric so that bad input fails here, with the argument's name, rather than
    as a shape error or a NaN result from somewhere inside NumPy.
    """
    array = _to_numpy_array(x, name)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a real numeric array, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    array = array.astype(np.float64, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_symmetric(matrix: np.ndarray, name: str) -> None:
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be square, got shape {matrix.shape}")
    scale = float(np.max(np.abs(matrix)))
    if not np.allclose(matrix, matrix.T, rtol=0.0, atol=_SYMMETRY_RTOL * max(scale, 1e-300)):
        raise ValueError(f"{name} must be symmetric")


def _check_psd(eigenvalues: np.ndarray, name: str) -> np.ndarray:
    """Ascending eigenvalues with round-off negatives clipped to 0; ValueError if truly < 0."""
    largest = float(np.max(np.abs(eigenvalues)))
    if eigenvalues[0] < -_PSD_RTOL * largest:
        raise ValueError(
            f"{name} is not positive semi-definite "
            f"(smallest eigenvalue {eigenvalues[0]:.3g}, largest |eigenvalue| {largest:.3g})"
        )
    return np.clip(eigenvalues, 0.0, None)


def _psd_eigenvalues(matrix: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition of a symmetric PSD matrix, round-off negatives clipped to 0."""
    # Symmetrise first: eigh reads only one triangle, so any asymmetry would be silently lost.
    eigenvalues, eigenvectors = np.linalg.eigh(0.5 * (matrix + matrix.T))
    return _check_psd(eigenvalues, name), eigenvectors


def sqrtm_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix.

    With the eigen-decomposition ``matrix = V diag(w) V^T`` (``np.linalg.eigh``), the root is
    ``V diag(sqrt(w)) V^T``; eigenvalues slightly below 0 from round-off are clipped to 0.
    The result R is symmetric PSD and satisfies ``R @ R == matrix`` up to round-off.

    Raises ValueError if the input is not a finite, square, symmetric, PSD 2-D array.
    """
    m = _as_finite_array(matrix, "matrix", ndim=2)
    _check_symmetric(m, "matrix")
    w, v = _psd_eigenvalues(m, "matrix")
    root = (v * np.sqrt(w)) @ v.T
    return 0.5 * (root + root.T)  # exactly symmetric, not just up to round-off


def feature_statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of features, shape (n, d) -> mu (d,), sigma (d, d), in float64.

    mu = (1/n) sum_i x_i and sigma = (1/(n-1)) sum_i (x_i - mu)(x_i - mu)^T (unbiased, ddof=1),
    as in the reference FID implementation. Needs at least 2 samples.
    """
    x = _as_finite_array(features, "features", ndim=2)
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"features needs at least 2 samples to estimate a covariance, got {n}")
    mu = x.mean(axis=0)
    centred = x - mu
    # Written out rather than np.cov so that d == 1 still gives a (1, 1) matrix.
    sigma = centred.T @ centred / (n - 1)
    return mu, 0.5 * (sigma + sigma.T)


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """Fréchet (2-Wasserstein squared) distance between N(mu1, sigma1) and N(mu2, sigma2).

        d^2 = ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^{1/2})

    The trace term is computed as Tr((A S2 A)^{1/2}) with A = S1^{1/2} (see the comment in the
    body). The result is clipped at 0, since round-off can push a true 0 slightly negative.

    Raises ValueError for non-finite input, mismatched dimensions, or covariances that are not
    symmetric positive semi-definite.
    """
    m1 = _as_finite_array(mu1, "mu1", ndim=1)
    m2 = _as_finite_array(mu2, "mu2", ndim=1)
    s1 = _as_finite_array(sigma1, "sigma1", ndim=2)
    s2 = _as_finite_array(sigma2, "sigma2", ndim=2)
    d = m1.shape[0]
    if m2.shape != (d,):
        raise ValueError(f"mu1 and mu2 have different dimensions: {m1.shape} vs {m2.shape}")
    for name, s in (("sigma1", s1), ("sigma2", s2)):
        if s.shape != (d, d):
            raise ValueError(f"{name} must have shape ({d}, {d}) to match mu1, got {s.shape}")
        _check_symmetric(s, name)

    # Why Tr((S1 S2)^{1/2}) = Tr((A S2 A)^{1/2}) with A = S1^{1/2}:
    # S1 S2 = A (A S2) and A S2 A = (A S2) A. For any square X, Y the products XY and YX have
    # the same eigenvalues, so S1 S2 has the eigenvalues of A S2 A. That matrix is symmetric
    # PSD, so those eigenvalues are real and >= 0, and the principal square root of S1 S2 has
    # eigenvalues sqrt(lambda_i); its trace is therefore sum_i sqrt(lambda_i), which is exactly
    # Tr((A S2 A)^{1/2}). Working with the symmetric A S2 A lets eigh do all the work, with no
    # complex round-off parts as with a general sqrtm of the non-symmetric S1 S2.
    w1, v1 = _psd_eigenvalues(s1, "sigma1")
    root1 = (v1 * np.sqrt(w1)) @ v1.T
    # Only to reject a non-PSD sigma2 with a clear message; eigvalsh skips the eigenvectors.
    _check_psd(np.linalg.eigvalsh(0.5 * (s2 + s2.T)), "sigma2")
    middle = root1 @ s2 @ root1
    middle_eigenvalues = np.linalg.eigvalsh(0.5 * (middle + middle.T))
    trace_sqrt = float(np.sum(np.sqrt(np.clip(middle_eigenvalues, 0.0, None))))

    diff = m1 - m2
    distance = float(diff @ diff) + float(np.trace(s1)) + float(np.trace(s2)) - 2.0 * trace_sqrt
    return max(distance, 0.0)


def fid_from_features(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """FID between two sets of features, shapes (n_a, d) and (n_b, d).

    Fits mu, sigma to each set with ``feature_statistics`` and returns
    ``frechet_distance(mu_a, sigma_a, mu_b, sigma_b)``.
    """
    a = _as_finite_array(features_a, "features_a", ndim=2)
    b = _as_finite_array(features_b, "features_b", ndim=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_a and features_b have different feature dimensions: "
            f"{a.shape[1]} vs {b.shape[1]}"
        )
    mu_a, sigma_a = feature_statistics(a)
    mu_b, sigma_b = feature_statistics(b)
    return frechet_distance(mu_a, sigma_a, mu_b, sigma_b)
