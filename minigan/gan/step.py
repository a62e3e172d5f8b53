"""One step of the GAN game on a real batch: a D (critic) step and, when it is G's turn, a G step.

The step knows no loss by name: the objective scores D's logits, adds its penalties to D's loss
(:meth:`~minigan.gan.objectives.Objective.d_penalties`) and acts after D's optimizer step
(:meth:`~minigan.gan.objectives.Objective.after_d_step`). Every random number comes from the
``rng`` it is handed: the batch of noise here, the instance noise, WGAN-GP's interpolation
weights in the objective (and dropout masks from the Generator the networks were built with).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from minigan import nn, ops
from minigan.autograd import Tensor, no_grad, step_call
from minigan.gan.objectives import Objective
from minigan.gan.regularizers import MinibatchStdDev
from minigan.replay import compile as compile_step

__all__ = ["train_step", "step_on_tensors", "row_of", "joins_real_and_fake", "replayed_step"]

PENALTY_COLUMNS = ("gradient_penalty", "r1_penalty")


def joins_real_and_fake(discriminator: nn.Module) -> bool:
    """Whether D may score the real and the fake batch in one pass (fewer, larger matmuls):
    not when BatchNorm or the minibatch-std feature in D must see each batch's statistics apart."""
    return not any(isinstance(m, (nn.BatchNorm1d, MinibatchStdDev)) for m in discriminator.modules())


def train_step(generator: nn.Module, discriminator: nn.Module, opt_g: Any, opt_d: Any, objective: Objective,
               real_images: np.ndarray, *, rng: np.random.Generator, latent_dim: int, g_step: bool,
               real_label: float = 1.0, device: str = "cpu", generator_average: Any = None,
               joint_d_batch: bool = True, instance_noise: float = 0.0) -> dict[str, Any]:
    """One D step on ``real_images`` and, when ``g_step``, one G step on the same fakes.

    1. The D step. G makes a batch of fakes from noise drawn from ``rng``. D scores the real
       batch and the fakes *detached*, so D's loss trains D only. The objective adds its
       penalties to D's loss; after D's optimizer step it may act on D (WGAN's clipping).
    2. The G step (every ``n_critic``-th batch; the caller decides). G's loss scores the same
       fakes, not detached, through D; only G's optimizer steps, and ``generator_average``
       (a moving average of G's weights, if any) follows it. D's weights stop recording their
       gradients for this pass, since none are needed.

    ``instance_noise`` > 0 adds Gaussian noise of that standard deviation (drawn from ``rng``)
    to every batch D sees, real and fake, in both steps.

    Returns ``d_loss``, ``d_x``, ``d_g_z``, ``g_loss`` (None when no G step was taken),
    ``wasserstein`` (mean critic score on real minus fake, for wgan and wgan-gp), and
    ``gradient_penalty`` and ``r1_penalty`` (each term as added to D's loss); NaN where they
    do not apply.
    """
    batch = real_images.shape[0]
    z = Tensor(rng.standard_normal((batch, latent_dim), dtype=np.float32), device=device)
    real = Tensor(real_images, device=device)
    penalties: dict[str, Tensor] = {}
    losses = step_on_tensors(z, real, generator=generator, discriminator=discriminator, opt_g=opt_g, opt_d=opt_d,
                             objective=objective, rng=rng, g_step=g_step, real_label=real_label,
                             generator_average=generator_average, joint_d_batch=joint_d_batch,
                             instance_noise=instance_noise, penalties=penalties)
    return row_of(objective, *(None if t is None else t.array for t in losses),
                  penalties={name: t.item() for name, t in penalties.items()})


def row_of(objective: Objective, d_loss: Any, real_logits: Any, fake_logits: Any, g_loss: Any,
           penalties: dict[str, float] | None = None) -> dict[str, Any]:
    """The logged row of one step, from the arrays :func:`step_on_tensors` returned and the
    penalty terms it added to D's loss (none in a replayed step: those run eagerly)."""
    row = {"d_loss": float(d_loss), "d_x": objective.d_output(real_logits), "d_g_z": objective.d_output(fake_logits),
           "g_loss": None if g_loss is None else float(g_loss)}
    # a critic's mean score on real minus fake: the Wasserstein estimate (NaN for other losses)
    row["wasserstein"] = row["d_x"] - row["d_g_z"] if objective.estimates_wasserstein else float("nan")
    for name in PENALTY_COLUMNS:  # each term as added to D's loss; NaN when off
        row[name] = (penalties or {}).get(name, float("nan"))
    return row


def step_on_tensors(z: Tensor, real: Tensor, *, generator: nn.Module, discriminator: nn.Module, opt_g: Any,
                    opt_d: Any, objective: Objective, rng: np.random.Generator, g_step: bool,
                    real_label: float = 1.0, generator_average: Any = None, joint_d_batch: bool = True,
                    instance_noise: float = 0.0,
                    penalties: dict[str, Tensor] | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """The step of :func:`train_step` on the noise ``z`` and the ``real`` batch, already Tensors;
    returns D's loss, D's logits on the real and on the fake batch, and G's loss (None without a
    G step), and fills ``penalties`` with the penalty terms by name. A pure step in
    :mod:`minigan.replay.compile`'s sense when ``instance_noise`` is 0 (its noise is drawn outside
    the ops): Python branches only on ``g_step``."""
    G, D, obj = generator, discriminator, objective
    G.train()
    D.train()
    batch = real.shape[0]
    if g_step:
        fake = G(z)
    else:
        with no_grad():
            fake = G(z)
    fake_detached = fake.detach()
    if instance_noise > 0:
        real = real + Tensor(_noise(rng, real.shape, instance_noise), device=real.device)
        fake_detached = fake_detached + Tensor(_noise(rng, fake.shape, instance_noise), device=real.device)
    if obj.differentiates_real_batch:  # R1 differentiates D's logits with respect to the real batch
        real.requires_grad = True
    if joint_d_batch:  # one pass over real and fake together: fewer, larger matmuls
        logits = D(ops.cat([real, fake_detached]))
        real_logits, fake_logits = logits[:batch], logits[batch:]
    else:  # BatchNorm in D must see real and fake batches apart
        real_logits = D(real)
        fake_logits = D(fake_detached)
    d_loss = obj.d_loss(real_logits, fake_logits, real_label)
    for name, penalty in zip(obj.penalty_names, obj.d_penalties(D, real, fake_detached, real_logits, rng)):
        d_loss = d_loss + penalty
        if penalties is not None:
            penalties[name] = penalty
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    step_call(obj.after_d_step, D)
    g_loss = None
    if g_step:
        d_params = list(D.parameters())
        for p in d_params:  # D's weight gradients are not needed for G's step
            p.requires_grad = False
        try:
            if instance_noise > 0:
                fake = fake + Tensor(_noise(rng, fake.shape, instance_noise), device=real.device)
            g_loss = obj.g_loss(D(fake))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            if generator_average is not None:
                step_call(generator_average.update, G)
        finally:
            for p in d_params:
                p.requires_grad = True
    return d_loss, real_logits, fake_logits, g_loss


def replayed_step(config: Any, objective: Objective, generator: nn.Module, discriminator: nn.Module,
                  rng: np.random.Generator, joint_d_batch: bool, log: Callable[[str], None],
                  compiled: bool | None = None) -> Any:
    """The run's :func:`step_on_tensors`, captured on its first batches and replayed after
    (minigan/replay, docs/replay.md), or None where the run steps eagerly. ``compiled=None``: on
    for the CPU, unless a penalty differentiates (R1, WGAN-GP: create_graph), instance noise is
    drawn inside the step, or spectral normalisation updates its vectors outside the ops. A loss
    with a penalty always steps eagerly (its terms are logged, and create_graph is never replayed)."""
    if compiled is None:
        compiled = (str(config.device) == "cpu" and not config.instance_noise and not config.spectral_norm)
    if not compiled or objective.penalty_names:
        return None
    return compile_step(functools.partial(step_on_tensors, generator=generator, discriminator=discriminator,
                                          objective=objective, rng=rng, real_label=config.real_label,
                                          joint_d_batch=joint_d_batch), device=config.device, log=log)


def _noise(rng: np.random.Generator, shape: tuple[int, ...], sigma: float) -> np.ndarray:
    return (sigma * rng.standard_normal(shape, dtype=np.float32)).astype(np.float32)
