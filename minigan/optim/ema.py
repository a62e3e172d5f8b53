"""An exponential moving average of a model's weights (Polyak averaging), as GAN generators use.

A GAN's generator keeps moving around a good solution rather than settling on it; the average
of its recent weights sits closer to the middle and gives cleaner samples (Yazici et al. 2019,
"The Unusual Effectiveness of Averaging in GAN Training"; Karras et al. use it in every
StyleGAN). PyTorch users know it as ``torch.optim.swa_utils.AveragedModel`` with an EMA
``avg_fn``; the warm-up below is that of TensorFlow's ``tf.train.ExponentialMovingAverage``
with ``num_updates``.
"""
from __future__ import annotations

import copy
import itertools
import math
from typing import Any

from ..nn.module import Module

__all__ = ["ExponentialMovingAverage"]


class ExponentialMovingAverage:
    """A copy of ``model`` (``.module``) whose weights follow an exponential moving average.

    Each :meth:`update` sets, for every parameter and floating-point buffer (BatchNorm's
    running statistics included), with ``t`` the number of earlier updates::

        avg <- d_t * avg + (1 - d_t) * current,      d_t = min(decay, (1 + t) / (10 + t))

    The warm-up ``d_t`` keeps the random initial weights from lingering in the average during
    the first thousands of steps. Integer buffers are copied. ``decay = 0`` makes the average
    the current weights.
    """

    def __init__(self, model: Module, decay: float = 0.999) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"ExponentialMovingAverage needs an nn.Module, got {type(model).__name__}")
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not (0.0 <= decay < 1.0):
            raise ValueError(f"decay must be a number in [0, 1), got {decay!r}")
        self.decay = float(decay)
        self.num_updates = 0
        self.module = copy.deepcopy(model)
        self.module.zero_grad(set_to_none=True)
        self.module.requires_grad_(False)
        self._check_matches(model)

    @staticmethod
    def _arrays(model: Module) -> list[tuple[str, Any]]:
        """(name, array) for every parameter, then every buffer: the entries that are averaged."""
        return [(name, p.data) for name, p in model.named_parameters()] + list(model.named_buffers())

    def _check_matches(self, model: Module) -> None:
        ours = [(name, tuple(a.shape)) for name, a in self._arrays(self.module)]
        theirs = [(name, tuple(a.shape)) for name, a in self._arrays(model)]
        for index, (given, averaged) in enumerate(itertools.zip_longest(theirs, ours)):
            if given != averaged:
                raise ValueError(f"the model given to ExponentialMovingAverage.update() is not the averaged one: "
                                 f"entry {index} is {given} (name, shape) there and {averaged} in the average")

    def current_decay(self) -> float:
        """The ``d_t`` the next :meth:`update` will use."""
        t = self.num_updates
        return min(self.decay, (1.0 + t) / (10.0 + t))

    def update(self, model: Module) -> None:
        """Fold ``model``'s current weights into the average (call it after each optimizer step)."""
        weight = 1.0 - self.current_decay()
        averaged, current = self._arrays(self.module), self._arrays(model)
        if len(averaged) != len(current) or any(a.shape != c.shape for (_, a), (_, c) in zip(averaged, current)):
            self._check_matches(model)
        for (_, average), (_, value) in zip(averaged, current):
            if average.dtype.kind == "f":
                # avg <- avg + (1 - d) (current - avg): the same update with one scratch array.
                scratch = value - average
                scratch *= weight
                average += scratch
            else:
                average[...] = value
        self.num_updates += 1

    def state_dict(self) -> dict[str, Any]:
        """The averaged weights, the decay and the update count (for checkpoints)."""
        return {"module": self.module.state_dict(), "decay": self.decay, "num_updates": self.num_updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (a checked load: nothing changes on a mismatch)."""
        decay = float(state["decay"])
        num_updates = int(state["num_updates"])
        if not (0.0 <= decay < 1.0) or num_updates < 0 or not math.isfinite(decay):
            raise ValueError(f"bad EMA state: decay {decay}, num_updates {num_updates}")
        self.module.load_state_dict(state["module"])
        self.decay, self.num_updates = decay, num_updates
