"""Gradient-check cases for the distances (minigan/nn/distance.py) and for the likelihood and margin
losses (minigan/nn/losses_likelihood.py, minigan/nn/losses_margin.py): each with the full-Jacobian
``gradcheck`` with respect to every float input, targets included, and the second derivative; and the
CTC loss (minigan/nn/ctc.py), whose second derivative PyTorch and minigan refuse.

Labels and the ±1 targets are fixed inside each case; the drawn values keep clear of each loss's
kinks almost surely (a margin exactly met), and inputs that must be positive are made so.
"""
from __future__ import annotations

import numpy as np

from ..autograd import Tensor
from ..nn import functional as F
from ..nn.distance import cdist
from .opcase import OpCase


def _signs(shape: tuple[int, ...]) -> np.ndarray:
    """±1 in a fixed pattern: every third element -1."""
    return np.where(np.arange(int(np.prod(shape))) % 3 == 0, -1.0, 1.0).reshape(shape)


def _then_positive(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as drawn; the others in (0.5, 1.5): probabilities' stand-ins and variances."""
    return arrays[:1] + [rng.uniform(0.5, 1.5, np.shape(a)) for a in arrays[1:]]


def _then_counts(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as drawn; the counts in (1.5, 3), clear of the Stirling term's switch at 1."""
    return arrays[:1] + [rng.uniform(1.5, 3.0, np.shape(a)) for a in arrays[1:]]


def _then_unit(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as drawn; soft targets in (0, 1)."""
    return arrays[:1] + [rng.uniform(0.0, 1.0, np.shape(a)) for a in arrays[1:]]


def _cosine_distance(x: Tensor, y: Tensor) -> Tensor:
    return 1.0 - F.cosine_similarity(x, y)


_LABELS = np.array([2, 0, 1, 2])
# CTC: padded labels (-1 past each length), one sequence shorter than the frames, one with no labels
_CTC_PADDED, _CTC_FRAMES, _CTC_COUNTS = np.array([[1, 1, 2], [3, 1, -1], [2, -1, -1]]), (5, 4, 3), (3, 2, 0)
_LISTS = np.array([[2, 0, -1], [1, -1, 0], [0, 1, 2], [1, 1, -1]])

LOSS_CASES: list[OpCase] = [
    OpCase("F.normalize", F.normalize, [((3, 4),), ((2, 3, 2),)]),
    OpCase("F.normalize(p=3, dim=0)", lambda x: F.normalize(x, p=3.0, dim=0), [((3, 4),)]),
    OpCase("F.cosine_similarity", F.cosine_similarity, [((3, 4), (3, 4)), ((2, 1, 4), (3, 4))]),
    OpCase("F.pairwise_distance(p=3)", lambda a, b: F.pairwise_distance(a, b, p=3.0), [((3, 4), (3, 4))]),
    OpCase("cdist", cdist, [((3, 4), (2, 4)), ((2, 3, 2), (1, 4, 2))]),
    OpCase("cdist(p=3)", lambda a, b: cdist(a, b, p=3.0), [((3, 2), (4, 2))]),
    OpCase("F.kl_div(batchmean)", lambda x, t: F.kl_div(x, t, reduction="batchmean"), [((4, 3), (4, 3))],
           prepare=_then_positive),
    OpCase("F.kl_div(log_target)", lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
           [((4, 3), (4, 3))]),
    OpCase("F.poisson_nll_loss(full)", lambda x, t: F.poisson_nll_loss(x, t, full=True), [((4, 3), (4, 3))],
           prepare=_then_counts),
    OpCase("F.poisson_nll_loss(rates)", lambda r, t: F.poisson_nll_loss(r, t, log_input=False, reduction="sum"),
           [((4, 3), (4, 3))], prepare=lambda arrays, rng: [np.abs(a) + 0.5 for a in arrays]),
    OpCase("F.gaussian_nll_loss", lambda x, v, t: F.gaussian_nll_loss(x, t, v, full=True),
           [((4, 3), (4, 3), (4, 3)), ((4, 3), (4, 1), (4, 3))], prepare=_then_positive),
    OpCase("F.hinge_embedding_loss", lambda x: F.hinge_embedding_loss(x, _signs(x.shape), margin=2.5), [((4, 3),)]),
    OpCase("F.margin_ranking_loss", lambda a, b: F.margin_ranking_loss(a, b, _signs(a.shape), margin=0.2),
           [((6,), (6,))]),
    OpCase("F.soft_margin_loss", lambda x: F.soft_margin_loss(x, _signs(x.shape)), [((4, 3),)]),
    OpCase("F.multilabel_soft_margin_loss",
           lambda x, t: F.multilabel_soft_margin_loss(x, t, weight=np.array([0.5, 1.0, 2.0])), [((4, 3), (4, 3))],
           prepare=_then_unit),
    OpCase("F.multi_margin_loss(p=2)",
           lambda x: F.multi_margin_loss(x, _LABELS, p=2, margin=2.0, weight=np.array([0.5, 1.0, 2.0])), [((4, 3),)]),
    OpCase("F.multilabel_margin_loss", lambda x: F.multilabel_margin_loss(x, _LISTS, reduction="sum"), [((4, 3),)]),
    OpCase("F.triplet_margin_loss(swap)", lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, swap=True),
           [((4, 3), (4, 3), (4, 3))]),
    OpCase("F.triplet_margin_with_distance_loss",
           lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, distance_function=_cosine_distance, margin=2.5),
           [((4, 3), (4, 3), (4, 3))]),
    OpCase("F.cosine_embedding_loss",
           lambda a, b: F.cosine_embedding_loss(a, b, np.array([1.0, -1.0, -1.0, 1.0]), margin=-0.9), [((4, 3), (4, 3))]),
    # PyTorch's CTC gradient takes log_probs to be log_softmax outputs: checked through log_softmax
    OpCase("F.ctc_loss", lambda x: F.ctc_loss(F.log_softmax(x, 2), _CTC_PADDED, _CTC_FRAMES, _CTC_COUNTS),
           [((5, 3, 4),)], gradgrad=False),
    OpCase("F.ctc_loss(unbatched, blank=2, sum)",
           lambda x: F.ctc_loss(F.log_softmax(x, 1), np.array([0, 1, 0]), 4, 3, blank=2, reduction="sum"),
           [((4, 3),)], gradgrad=False),
]

__all__ = ["LOSS_CASES"]
