"""Step 5: the sigmoid and the binary cross-entropy on logits, without overflow.

* ``sigmoid(x)`` = 1 / (1 + exp(-x)) elementwise. exp(-x) overflows for x = -1000: write it so
  that exp only ever sees -|x| (split on the sign of x, with np.where).
* ``bce_with_logits(logits, targets)``: the mean over all entries of
  -[t log σ(x) + (1 - t) log(1 - σ(x))]. Written with σ it is log(0) = -inf for large |x|;
  rewrite it as max(x, 0) - x t + log(1 + exp(-|x|)) (use np.log1p).
* ``bce_with_logits_grad(logits, targets)``: d(mean loss)/d(logits), an array of the logits'
  shape. Work it out: d/dx of the per-entry loss is σ(x) - t; remember the mean.

Check with:  python -m minigan.exercises check 5
"""
import numpy as np  # noqa: F401 - you will need it


def sigmoid(x):
    raise NotImplementedError("sigmoid")


def bce_with_logits(logits, targets):
    raise NotImplementedError("bce_with_logits")


def bce_with_logits_grad(logits, targets):
    raise NotImplementedError("bce_with_logits_grad")
