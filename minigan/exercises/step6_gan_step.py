"""Step 6: the gradients of one GAN step, on numbers you can follow.

G turns noise z into samples x = a z + c (two parameters). D scores a sample x with the logit
f = w x + b (two parameters); D(x) = σ(f) is its probability that x is real. With the BCE on
logits of step 5 (you may import it: ``from step5_sigmoid_bce import ...``):

* ``d_step_grads(w, b, real, fake)``: D's loss is bce(w real + b, 1) + bce(w fake + b, 0), the
  fakes *detached* (constants: G gets nothing from this loss). Return (dL/dw, dL/db).
* ``g_step_grads(a, c, w, b, z)``: G's non-saturating loss is bce(w (a z + c) + b, 1): the
  fakes made from z, scored by D, labelled real. Its gradient runs through D into G.
  Return (dL/da, dL/dc).

``real``, ``fake`` and ``z`` are 1-D arrays; the parameters are floats; return floats.
Check with:  python -m minigan.exercises check 6
"""
import numpy as np  # noqa: F401 - you will need it


def d_step_grads(w, b, real, fake):
    raise NotImplementedError("d_step_grads")


def g_step_grads(a, c, w, b, z):
    raise NotImplementedError("g_step_grads")
