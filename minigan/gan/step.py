"""One step of the GAN game on a real batch: a D (critic) step and, when it is G's turn, a G step.

The step knows no loss by name: the objective scores D's logits, adds its penalties to D's loss
(:meth:`~minigan.gan.objectives.Objective.d_penalties`) and acts after D's optimizer step
(:meth:`~minigan.gan.objectives.Objective.after_d_step`). Every random number comes from the
``rng`` it is handed: the batch of noise here, WGAN-GP's interpolation weights in the objective
(and dropout masks from the Generator the networks were built with).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minigan import nn, ops
from minigan.autograd import Tensor, no_grad
from minigan.gan.objectives import Objective
from minigan.gan.regularizers import MinibatchStdDev

__all__ = ["train_step", "joins_real_and_fake"]


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
    G, D, obj = generator, discriminator, objective
    G.train()
    D.train()
    batch = real_images.shape[0]
    z = Tensor(rng.standard_normal((batch, latent_dim), dtype=np.float32), device=device)
    if g_step:
        fake = G(z)
    else:
        with no_grad():
            fake = G(z)
    fake_detached = fake.detach()
    if instance_noise > 0:
        real_images = real_images + _noise(rng, real_images.shape, instance_noise)
        fake_detached = fake_detached + Tensor(_noise(rng, fake.shape, instance_noise), device=device)
    # the batch enters the device here; R1 differentiates D's logits with respect to it
    real = Tensor(real_images, device=device, requires_grad=obj.differentiates_real_batch)
    if joint_d_batch:  # one pass over real and fake together: fewer, larger matmuls
        logits = D(ops.cat([real, fake_detached]))
        real_logits, fake_logits = logits[:batch], logits[batch:]
    else:  # BatchNorm in D must see real and fake batches apart
        real_logits = D(real)
        fake_logits = D(fake_detached)
    d_loss = obj.d_loss(real_logits, fake_logits, real_label)
    penalties = dict(zip(obj.penalty_names, obj.d_penalties(D, real, fake_detached, real_logits, rng)))
    for penalty in penalties.values():
        d_loss = d_loss + penalty
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    obj.after_d_step(D)
    row = {"d_loss": d_loss.item(), "d_x": obj.d_output(real_logits), "d_g_z": obj.d_output(fake_logits),
           "g_loss": None}
    # a critic's mean score on real minus fake: the Wasserstein estimate (NaN for other losses)
    row["wasserstein"] = row["d_x"] - row["d_g_z"] if obj.estimates_wasserstein else float("nan")
    for name in ("gradient_penalty", "r1_penalty"):  # each term as added to D's loss; NaN when off
        row[name] = penalties[name].item() if name in penalties else float("nan")
    if g_step:
        d_params = list(D.parameters())
        for p in d_params:  # D's weight gradients are not needed for G's step
            p.requires_grad = False
        try:
            if instance_noise > 0:
                fake = fake + Tensor(_noise(rng, fake.shape, instance_noise), device=device)
            g_loss = obj.g_loss(D(fake))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            if generator_average is not None:
                generator_average.update(G)
        finally:
            for p in d_params:
                p.requires_grad = True
        row["g_loss"] = g_loss.item()
    return row


def _noise(rng: np.random.Generator, shape: tuple[int, ...], sigma: float) -> np.ndarray:
    return (sigma * rng.standard_normal(shape, dtype=np.float32)).astype(np.float32)
