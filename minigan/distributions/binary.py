"""The two spellings of a law given by one chance of success, shared by Bernoulli, Geometric, Binomial and
NegativeBinomial: ``probs`` p or ``logits`` l = log(p / (1 - p)), exactly one of them given, the other
computed on first read (p = sigmoid(l); l from p clamped to [eps, 1 - eps], as PyTorch's)."""
from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["BinarySpelling", "one_spelling"]


def one_spelling(probs: Any, logits: Any) -> None:
    """Raise PyTorch's ValueError unless exactly one of ``probs`` and ``logits`` is given."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class BinarySpelling:
    """A mixin for a Distribution: ``probs`` and ``logits``, ``param_shape``, and the two steps of
    ``__init__`` and ``expand`` that handle them."""

    _param: Tensor
    __dict__: dict[str, Any]

    def _spell(self, probs: Any, logits: Any, *others: Any) -> tuple[Tensor, ...]:
        """Keep the spelling given, broadcast with ``others`` (numbers or Tensors); return ``others`` broadcast."""
        one_spelling(probs, logits)
        *rest, param = broadcast_all(*others, probs if probs is not None else logits)
        self.__dict__["probs" if probs is not None else "logits"] = self._param = param
        return tuple(rest)

    def _expand_spelling(self, shape: tuple[int, ...], **others: Tensor) -> Any:
        """``self._expanded`` with the spelling kept and ``others`` expanded to ``shape``."""
        kept = {name: self.__dict__[name].expand(shape) for name in ("probs", "logits") if name in self.__dict__}
        kept.update({name: value.expand(shape) for name, value in others.items()})
        kept["_param"] = kept.get("probs", kept.get("logits"))
        return self._expanded(shape, kept)  # type: ignore[attr-defined]

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> tuple[int, ...]:
        return self._param.shape
