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
from typing import Any

from ..backends import backend_of
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
        # The average's arrays keep their identity (updates and load_state_dict write in place),
        # so they are gathered, and sorted into averaged and copied ones, once rather than on every step.
        self._gather()

    def _gather(self) -> None:
        """The average's arrays, and where the floating-point ones (averaged) and the rest (copied) are."""
        self._averaged = self._arrays(self.module)
        floating = [backend_of(a).numpy_dtype(a.dtype).kind == "f" for a in self._averaged]
        self._lerped_at = [i for i, f in enumerate(floating) if f]
        self._lerped = [self._averaged[i] for i in self._lerped_at]
        self._copied_at = [i for i, f in enumerate(floating) if not f]

    @staticmethod
    def _arrays(model: Module) -> list[Any]:
        """Every parameter's array, then every buffer: the entries that are averaged."""
        return [p.array for p in model.parameters()] + [b.array for b in model.buffers()]

    def _mismatch(self, model: Module) -> ValueError:
        """The error for a ``model`` whose entries differ from the average's, naming the first difference."""
        def entries(m: Module) -> list[tuple[str, tuple[int, ...]]]:
            return ([(name, tuple(p.shape)) for name, p in m.named_parameters()]
                    + [(name, tuple(b.shape)) for name, b in m.named_buffers()])

        for index, (given, averaged) in enumerate(itertools.zip_longest(entries(model), entries(self.module))):
            if given != averaged:
                return ValueError(f"the model given to ExponentialMovingAverage.update() is not the averaged one: "
                                  f"entry {index} is {given} (name, shape) there and {averaged} in the average")
        return ValueError("the model given to ExponentialMovingAverage.update() is not the averaged one")

    def current_decay(self) -> float:
        """The ``d_t`` the next :meth:`update` will use."""
        t = self.num_updates
        return min(self.decay, (1.0 + t) / (10.0 + t))

    def update(self, model: Module) -> None:
        """Fold ``model``'s current weights into the average (call it after each optimizer step)."""
        weight = 1.0 - self.current_decay()
        current = self._arrays(model)
        if current and self._averaged and backend_of(current[0]) is not backend_of(self._averaged[0]):
            self.module.to(model.parameters().__next__().device)  # the average follows its model
            self._gather()
        if len(current) != len(self._averaged) or any(a.shape != c.shape for a, c in zip(self._averaged, current)):
            raise self._mismatch(model)
        if self._lerped:
            # avg <- avg + (1 - d) (current - avg): formulas.lerp, one in-place pass per entry
            backend_of(self._lerped[0]).lerp_(self._lerped, [current[i] for i in self._lerped_at], weight)
        for i in self._copied_at:
            self._averaged[i][...] = current[i]
        self.num_updates += 1

    def state_dict(self) -> dict[str, Any]:
        """The averaged weights, the decay and the update count (for checkpoints)."""
        return {"module": self.module.state_dict(), "decay": self.decay, "num_updates": self.num_updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (a checked load: nothing changes on a mismatch)."""
        if not isinstance(state, dict) or not all(key in state for key in ("decay", "num_updates", "module")):
            keys = f" with keys {sorted(map(str, state))}" if isinstance(state, dict) else ""
            raise ValueError("bad EMA state: expected a dict with decay, num_updates and module, got "
                             f"{type(state).__name__}{keys}")
        decay = float(state["decay"])
        num_updates = int(state["num_updates"])
        if not (0.0 <= decay < 1.0) or num_updates < 0:  # NaN fails the first test too
            raise ValueError(f"bad EMA state: decay {decay}, num_updates {num_updates}")
        self.module.load_state_dict(state["module"])
        self.decay, self.num_updates = decay, num_updates
