"""Mode coverage: how evenly generated samples spread over the classes of a classifier.

A collapsed generator puts most samples in a few classes; this shows up as few covered classes
and a large KL divergence from the uniform class distribution.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from minigan.metrics.fid import _as_finite_array, _to_numpy_array

__all__ = ["ModeCoverage", "mode_coverage"]


@dataclass(frozen=True)
class ModeCoverage:
    """Result of ``mode_coverage``.

    histogram: fraction of samples per class, shape (num_classes,), sums to 1.
    counts: number of samples per class, shape (num_classes,).
    num_covered: number of classes with histogram >= threshold.
    kl_to_uniform: KL(histogram || uniform) in nats, in [0, log(num_classes)].
    threshold: the threshold used for num_covered.
    """

    histogram: np.ndarray
    counts: np.ndarray
    num_covered: int
    kl_to_uniform: float
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "histogram": self.histogram,
            "counts": self.counts,
            "num_covered": self.num_covered,
            "kl_to_uniform": self.kl_to_uniform,
            "threshold": self.threshold,
        }


def _labels_from_input(predicted: Any, num_classes: int) -> np.ndarray:
    """Integer labels from either labels (n,) or per-class probabilities/scores (n, k)."""
    raw = _to_numpy_array(predicted, "predicted_labels_or_probs")
    ndim = raw.ndim
    if ndim == 2:
        scores = _as_finite_array(raw, "predicted_labels_or_probs", ndim=2)
        if scores.shape[1] != num_classes:
            raise ValueError(
                f"predicted_labels_or_probs has {scores.shape[1]} columns but "
                f"num_classes is {num_classes}"
            )
        return np.argmax(scores, axis=1)
    if ndim != 1:
        raise ValueError(
            "predicted_labels_or_probs must be labels of shape (n,) or probabilities of shape "
            f"(n, num_classes), got {ndim} dimensions"
        )
    labels = _as_finite_array(raw, "predicted_labels_or_probs", ndim=1)
    if np.any(labels != np.round(labels)):
        raise ValueError("predicted labels must be whole numbers (1-D input is read as labels)")
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError(
            f"predicted labels must lie in [0, {num_classes - 1}], "
            f"got values from {labels.min():g} to {labels.max():g}"
        )
    return labels.astype(np.int64)


def mode_coverage(
    predicted_labels_or_probs: np.ndarray, num_classes: int = 10, threshold: float = 0.05
) -> ModeCoverage:
    """Class histogram of predictions, number of covered classes, and KL to uniform.

    With h_c = (number of samples predicted as class c) / n (argmax for 2-D input):

        num_covered   = #{ c : h_c >= threshold }
        kl_to_uniform = sum_c h_c log(h_c / (1/K)) = sum_c h_c log(K h_c),  0 log 0 = 0

    where K = num_classes. kl_to_uniform is 0 for a perfectly balanced generator and log K when
    every sample falls in one class.

    Raises ValueError for empty or non-finite input, labels outside [0, num_classes), a column
    count that does not match num_classes, num_classes < 1, or threshold outside [0, 1].
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise ValueError(f"num_classes must be an integer, got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    if not (isinstance(threshold, (int, float, np.floating, np.integer)) and 0 <= threshold <= 1):
        raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")

    labels = _labels_from_input(predicted_labels_or_probs, int(num_classes))
    counts = np.bincount(labels, minlength=num_classes)
    histogram = counts / labels.shape[0]
    num_covered = int(np.sum(histogram >= threshold))

    positive = histogram > 0  # 0 * log 0 = 0: empty classes add nothing, and no log(0) is taken
    kl = float(np.sum(histogram[positive] * np.log(num_classes * histogram[positive])))
    return ModeCoverage(
        histogram=histogram,
        counts=counts,
        num_covered=num_covered,
        kl_to_uniform=max(kl, 0.0),  # round-off can make a balanced histogram give -1e-17
        threshold=float(threshold),
    )
