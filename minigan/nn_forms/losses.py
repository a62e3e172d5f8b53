"""``torch.kl_div``, ``margin_ranking_loss``, ``hinge_embedding_loss``, ``poisson_nll_loss``,
``triplet_margin_loss``, ``cosine_embedding_loss``, ``binary_cross_entropy_with_logits`` and ``ctc_loss``
with PyTorch's top-level arguments, over the functional forms in minigan/nn/; and the distances
``cosine_similarity``, ``pairwise_distance`` and ``pdist``, whose arguments are the same there.

At the top level ``reduction`` is an int (1 mean, 2 sum, any other value none) and, as PyTorch
2.14.1's top-level forms do when it is left out, the default reduces nothing: ``torch.kl_div(x, t)``
is the elementwise loss. ``poisson_nll_loss`` takes all six arguments, none with a default."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..nn import functional as F
from ..autograd.arguments import tensor_argument
from .arguments import reduction_argument

# The same arguments at the top level as in torch.nn.functional.
cosine_similarity, pairwise_distance, pdist = F.cosine_similarity, F.pairwise_distance, F.pdist

#: What the top-level losses reduce to when ``reduction`` is left out: nothing, as in PyTorch 2.14.1.
NO_REDUCTION = 0


def kl_div(input: Tensor, target: Tensor, reduction: int = NO_REDUCTION, *,  # noqa: A002 - PyTorch's names
           log_target: bool = False) -> Tensor:
    """target · (log target - input) elementwise (``log_target``: exp(target) · (target - input)),
    as ``F.kl_div``; reduction 1 is the mean over all elements, 2 the sum."""
    tensor_argument("kl_div", "input", 1, input)
    tensor_argument("kl_div", "target", 2, target)
    how = reduction_argument("kl_div", reduction, 3)
    loss = F.kl_div(input, target, reduction="none", log_target=log_target)
    return loss if how == "none" else (loss.mean() if how == "mean" else loss.sum())


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = NO_REDUCTION) -> Tensor:
    """max(0, -target · (input1 - input2) + margin), as ``F.margin_ranking_loss``."""
    how = reduction_argument("margin_ranking_loss", reduction, 5)
    return F.margin_ranking_loss(tensor_argument("margin_ranking_loss", "input1", 1, input1),
                                 tensor_argument("margin_ranking_loss", "input2", 2, input2),
                                 tensor_argument("margin_ranking_loss", "target", 3, target), margin, reduction=how)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         reduction: int = NO_REDUCTION) -> Tensor:
    """input where target is 1, max(0, margin - input) where it is -1, as ``F.hinge_embedding_loss``."""
    how = reduction_argument("hinge_embedding_loss", reduction, 4)
    return F.hinge_embedding_loss(tensor_argument("hinge_embedding_loss", "input", 1, input),
                                  tensor_argument("hinge_embedding_loss", "target", 2, target), margin, reduction=how)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,  # noqa: A002
                     reduction: int) -> Tensor:
    """The Poisson negative log-likelihood, as ``F.poisson_nll_loss``; all six arguments are required."""
    how = reduction_argument("poisson_nll_loss", reduction, 6)
    return F.poisson_nll_loss(tensor_argument("poisson_nll_loss", "input", 1, input),
                              tensor_argument("poisson_nll_loss", "target", 2, target), log_input=log_input,
                              full=full, eps=eps, reduction=how)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-06, swap: bool = False, reduction: int = NO_REDUCTION) -> Tensor:
    """max(d(anchor, positive) - d(anchor, negative) + margin, 0) with the p-norm distance, as
    ``F.triplet_margin_loss``."""
    how = reduction_argument("triplet_margin_loss", reduction, 8)
    return F.triplet_margin_loss(tensor_argument("triplet_margin_loss", "anchor", 1, anchor),
                                 tensor_argument("triplet_margin_loss", "positive", 2, positive),
                                 tensor_argument("triplet_margin_loss", "negative", 3, negative), margin=margin, p=p,
                                 eps=eps, swap=swap, reduction=how)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = NO_REDUCTION) -> Tensor:
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1, as
    ``F.cosine_embedding_loss``."""
    how = reduction_argument("cosine_embedding_loss", reduction, 5)
    return F.cosine_embedding_loss(tensor_argument("cosine_embedding_loss", "input1", 1, input1),
                                   tensor_argument("cosine_embedding_loss", "input2", 2, input2),
                                   tensor_argument("cosine_embedding_loss", "target", 3, target), margin,
                                   reduction=how)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                     pos_weight: Tensor | None = None, reduction: int = NO_REDUCTION) -> Tensor:
    """Binary cross-entropy on logits, as ``F.binary_cross_entropy_with_logits`` (note the order:
    ``pos_weight`` before ``reduction``)."""
    how = reduction_argument("binary_cross_entropy_with_logits", reduction, 5)
    return F.binary_cross_entropy_with_logits(
        tensor_argument("binary_cross_entropy_with_logits", "input", 1, input),
        tensor_argument("binary_cross_entropy_with_logits", "target", 2, target), weight=weight,
        pos_weight=pos_weight, reduction=how)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: int = NO_REDUCTION, zero_infinity: bool = False) -> Tensor:
    """The connectionist temporal classification loss, as ``F.ctc_loss`` (reduction 1: each sequence's
    loss divided by its target length, then the mean over the batch)."""
    how = reduction_argument("ctc_loss", reduction, 6)
    return F.ctc_loss(tensor_argument("ctc_loss", "log_probs", 1, log_probs),
                      tensor_argument("ctc_loss", "targets", 2, targets), input_lengths, target_lengths, blank=blank,
                      reduction=how, zero_infinity=zero_infinity)
