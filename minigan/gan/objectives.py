"""The GAN loss family, in one place, all computed from the discriminator's LOGITS.

Write ``r`` for D's logits on real data, ``f`` for those on generated data and
``σ`` for the sigmoid, so that the 3-layer tutorial GAN's ``D(x) = σ(r)``. The identities used throughout:

    -log σ(t)     = softplus(-t)          -log(1 - σ(t)) = softplus(t)

and ``softplus(t) = max(t, 0) + log1p(exp(-|t|))`` never overflows, so every loss below is
finite for any finite logits (the probability forms hit log(0) once σ saturates in float32).

=============  ==================================================  ======================================
name           D loss (minimised by D)                              G loss (minimised by G)
=============  ==================================================  ======================================
bce            E softplus(-r) + E softplus(f)                       E softplus(-f)   (non-saturating)
bce-logits     the same objective (an alias)                        the same
minimax        E softplus(-r) + E softplus(f)                       -E softplus(f) = E log(1 - σ(f))
wgan           E f - E r, weights clipped to [-c, c] after a step   -E f
wgan-gp        E f - E r + λ E (||∇D(x̂)||₂ - 1)²                   -E f
lsgan          ½ E (r - 1)² + ½ E f²                                ½ E (f - 1)²
hinge          E relu(1 - r) + E relu(1 + f)                        -E f
=============  ==================================================  ======================================

``bce`` is the tutorial GAN's loss ``BCE(D(x), 1) + BCE(D(G(z)), 0)`` and ``BCE(D(G(z)), 1)``: the
tutorial computed it on probabilities (PyTorch clamps each log at -100); here it is computed from
the logits, which equals the tutorial's value wherever that one is not clamped. ``bce`` accepts
one-sided label smoothing (``real_label`` < 1: the real target becomes that value, so D's real
term is ``t softplus(-r) + (1 - t) softplus(r)``).

``minimax`` is the paper's original saturating game: G minimises ``E log(1 - D(G(z)))``. Its
gradient ``-σ(f)`` vanishes when D confidently rejects the fakes, which is why the paper
recommends the non-saturating form in practice.

For WGAN-GP, ``x̂ = ε x + (1 - ε) G(z)`` with ``ε ~ U[0, 1]`` per sample, and ``∇D(x̂)`` comes
from :func:`minigan.grad` with ``create_graph=True`` so that the penalty itself is
differentiated when D's loss is backpropagated.

Any of them may add the R1 penalty to D's loss (:func:`r1_penalty`, ``--r1-gamma``):
``γ/2 E ||∇D(x)||²`` over the real images, again through ``create_graph=True``. It keeps D's
landscape flat at the data, so G is not pushed away from the digits it already makes.

Each objective also declares the optimizer settings recommended for it (``optimizer``,
``lr``, ``betas``, ``n_critic``, ``clip``, ``gp_lambda``); the trainer uses them wherever the
user gave none.

What an objective adds to the plain step, it does through two hooks, so the step never asks
which loss it trains: :meth:`Objective.d_penalties` (WGAN-GP's gradient penalty, R1) are added
to D's loss, and :meth:`Objective.after_d_step` runs after D's optimizer step (WGAN's weight
clipping). :meth:`Objective.with_settings` gives the objective a run's clipping bound and
penalty weights.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from minigan import formulas, ops
from minigan.autograd import Tensor, grad
from minigan.backends import backend_of, to_numpy
from minigan.nn import functional as F

__all__ = ["Objective", "OBJECTIVES", "get_objective", "gradient_penalty", "r1_penalty", "clip_weights"]

_GP_EPS = 1e-12  # inside the sqrt of the gradient norm: d sqrt(s)/ds is infinite at s = 0


def _bce(logits: Tensor, target: float) -> Tensor:
    """mean(softplus(x) - x t) = E[t softplus(-x) + (1 - t) softplus(x)]: the library's
    BCE on logits (one fused kernel pass)."""
    return F.binary_cross_entropy_with_logits(logits, float(target))


@dataclass(frozen=True)
class Objective:
    """One member of the loss family and the settings recommended for it."""

    name: str
    optimizer: str = "adam"  # "adam" or "rmsprop"
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    n_critic: int = 1
    clip: float | None = None  # WGAN weight clipping: D's weights clamped to [-clip, clip] after each step
    gp_lambda: float | None = None  # WGAN-GP penalty weight
    r1_gamma: float = 0.0  # weight of the R1 penalty on D (0: none); any objective may add it
    # Whether D's output is a logit of "real", so that sigmoid(logits) is the probability the
    # tutorial logs as D(x); for the critics (wgan, wgan-gp, lsgan, hinge) the raw score is logged.
    probabilistic: bool = True
    description: str = ""

    # ------------------------------------------------------------------ the losses
    def d_loss(self, real_logits: Tensor, fake_logits: Tensor, real_label: float = 1.0) -> Tensor:
        """D's loss (without any gradient penalty) from its logits on a real and a fake batch."""
        r, f = real_logits, fake_logits
        kind = _KIND[self.name]
        if kind == "bce":  # softplus(-r) with a real target t = real_label, softplus(f) with 0
            return _bce(r, real_label) + _bce(f, 0.0)
        if kind == "wgan":
            return f.mean() - r.mean()
        if kind == "lsgan":
            return ((r - 1.0) * (r - 1.0)).mean() * 0.5 + (f * f).mean() * 0.5
        if kind == "hinge":
            return ops.relu(1.0 - r).mean() + ops.relu(1.0 + f).mean()
        raise AssertionError(kind)

    def g_loss(self, fake_logits: Tensor) -> Tensor:
        """G's loss from D's logits on a generated batch."""
        f = fake_logits
        if self.name == "minimax":
            return -_bce(f, 0.0)  # -E softplus(f) = E log(1 - sigmoid(f)): the saturating form
        kind = _KIND[self.name]
        if kind == "bce":
            return _bce(f, 1.0)  # E softplus(-f)
        if kind in ("wgan", "hinge"):
            return -f.mean()
        if kind == "lsgan":
            return ((f - 1.0) * (f - 1.0)).mean() * 0.5
        raise AssertionError(kind)

    def d_output(self, logits: Tensor | np.ndarray) -> float:
        """The number the log prints as D(x) or D(G(z)): mean probability, or mean raw score."""
        values = to_numpy(logits.array if isinstance(logits, Tensor) else logits).astype(np.float64)
        if self.probabilistic:
            with np.errstate(under="ignore"):
                values = formulas.sigmoid(values)
        return float(values.mean())

    def recommended(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer, "lr": self.lr, "betas": self.betas, "n_critic": self.n_critic,
                "clip": self.clip, "gp_lambda": self.gp_lambda}

    # ------------------------------------------------------------------ the hooks of the step
    def with_settings(self, clip: float | None, gp_lambda: float | None, r1_gamma: float = 0.0) -> "Objective":
        """This objective with a run's clipping bound and penalty weights.

        A setting the objective has no use for stays off: only an objective that clips (one
        whose recommended ``clip`` is set, WGAN) takes ``clip``, and only one with a gradient
        penalty (WGAN-GP) takes ``gp_lambda``. Any objective takes ``r1_gamma``.
        """
        return replace(self, clip=None if self.clip is None else clip,
                       gp_lambda=None if self.gp_lambda is None else gp_lambda, r1_gamma=float(r1_gamma))

    @property
    def differentiates_real_batch(self) -> bool:
        """Whether D's loss needs the gradient with respect to the real batch (the R1 penalty)."""
        return self.r1_gamma > 0

    def d_penalties(self, discriminator: Any, real: Tensor, fake: Tensor, real_logits: Tensor,
                    rng: np.random.Generator) -> list[Tensor]:
        """The terms added to D's loss, in the order the step adds them: WGAN-GP's gradient
        penalty at points between ``real`` and ``fake`` (drawing its weights from ``rng``), then
        the R1 penalty at ``real`` (which must require grad; ``real_logits`` is ``D(real)``)."""
        terms = []
        if self.gp_lambda is not None:
            terms.append(gradient_penalty(discriminator, real, fake, rng, self.gp_lambda))
        if self.r1_gamma > 0:
            terms.append(r1_penalty(real_logits, real, self.r1_gamma))
        return terms

    @property
    def penalty_names(self) -> list[str]:
        """The names of :meth:`d_penalties`' terms, in the same order (their history columns)."""
        return ["gradient_penalty"] * (self.gp_lambda is not None) + ["r1_penalty"] * (self.r1_gamma > 0)

    @property
    def estimates_wasserstein(self) -> bool:
        """Whether D is a critic whose mean score on real minus fake estimates the Wasserstein
        distance (up to the critic's Lipschitz constant): wgan and wgan-gp."""
        return _KIND[self.name] == "wgan"

    def after_d_step(self, discriminator: Any) -> None:
        """What follows D's optimizer step: WGAN clamps D's weights into ``[-clip, clip]``."""
        if self.clip is not None:
            clip_weights(discriminator, self.clip)


_KIND = {"bce": "bce", "bce-logits": "bce", "minimax": "bce", "wgan": "wgan", "wgan-gp": "wgan",
         "lsgan": "lsgan", "hinge": "hinge"}

OBJECTIVES: dict[str, Objective] = {
    "bce": Objective("bce", description="non-saturating BCE, the 3-layer tutorial GAN's loss (from logits)"),
    "bce-logits": Objective("bce-logits", description="alias of bce: non-saturating BCE from logits"),
    "minimax": Objective("minimax", description="the paper's saturating game: G minimises E log(1 - D(G(z)))"),
    "wgan": Objective("wgan", optimizer="rmsprop", lr=5e-5, betas=(0.0, 0.0), n_critic=5, clip=0.01,
                      probabilistic=False, description="Wasserstein GAN with weight clipping"),
    "wgan-gp": Objective("wgan-gp", lr=1e-4, betas=(0.0, 0.9), n_critic=5, gp_lambda=10.0,
                         probabilistic=False, description="Wasserstein GAN with a gradient penalty"),
    "lsgan": Objective("lsgan", probabilistic=False, description="least squares GAN (targets 1 and 0)"),
    "hinge": Objective("hinge", probabilistic=False, description="hinge loss"),
}


def get_objective(name: str) -> Objective:
    """The objective called ``name``, or a ValueError listing the known ones."""
    try:
        return OBJECTIVES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(OBJECTIVES)}") from None


def gradient_penalty(discriminator: Any, real: np.ndarray | Tensor, fake: np.ndarray | Tensor,
                     rng: np.random.Generator, gp_lambda: float = 10.0) -> Tensor:
    """``λ E[(||∇D(x̂)||₂ - 1)²]`` at ``x̂ = ε x + (1 - ε) G(z)``, ``ε ~ U[0, 1]`` per sample.

    The result is part of the graph through D's parameters (``create_graph=True``), so
    ``backward()`` on a loss containing it trains D to keep its gradient norm near 1.
    """
    real = real.array if isinstance(real, Tensor) else np.asarray(real)
    fake = fake.array if isinstance(fake, Tensor) else np.asarray(fake)
    backend = backend_of(real)
    dtype = backend.numpy_dtype(real.dtype)
    eps = backend.asarray(rng.random((real.shape[0], 1), dtype=np.float64).astype(dtype))
    x_hat = Tensor(eps * real + (1 - eps) * fake, requires_grad=True)
    scores = discriminator(x_hat)
    (grad_x,) = grad(scores.sum(), x_hat, create_graph=True)
    norms = ((grad_x * grad_x).sum(axis=1) + _GP_EPS).sqrt()
    return ((norms - 1.0) * (norms - 1.0)).mean() * float(gp_lambda)


def r1_penalty(real_logits: Tensor, real: Tensor, gamma: float) -> Tensor:
    """``γ/2 · E[||∇ₓ D(x)||²]`` over the real batch: the R1 penalty of Mescheder, Geiger and
    Nowozin (2018), "Which training methods for GANs do actually converge?".

    ``real`` is the batch as a Tensor that requires grad and ``real_logits`` is ``D(real)``, so
    the penalty reuses D's forward pass. The gradient is taken of the summed logits; with
    BatchNorm in D (training mode) it includes what each image changes in the batch statistics.
    The result is part of the graph through D's parameters (``create_graph=True``).
    """
    (grad_x,) = grad(real_logits.sum(), real, create_graph=True)
    flat = grad_x.reshape(grad_x.shape[0], -1)
    return (flat * flat).sum(axis=1).mean() * (0.5 * float(gamma))


def clip_weights(module: Any, clip: float) -> None:
    """Clamp every parameter of ``module`` into ``[-clip, clip]`` in place (WGAN's Lipschitz trick)."""
    for parameter in module.parameters():
        parameter.array[...] = backend_of(parameter.array).xp.clip(parameter.array, -clip, clip)
