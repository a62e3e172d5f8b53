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
from minigan.autograd import Tensor, no_grad, step_call
from minigan.gan.objectives import Objective

__all__ = ["train_step", "step_on_tensors", "row_of", "joins_real_and_fake"]


def joins_real_and_fake(discriminator: nn.Module) -> bool:
    """Whether D may score the real and the fake batch in one pass (fewer, larger matmuls):
    not when BatchNorm in D must see each batch's statistics apart."""
    return not any(isinstance(m, nn.BatchNorm1d) for m in discriminator.modules())


def train_step(generator: nn.Module, discriminator: nn.Module, opt_g: Any, opt_d: Any, objective: Objective,
               real_images: np.ndarray, *, rng: np.random.Generator, latent_dim: int, g_step: bool,
               real_label: float = 1.0, device: str = "cpu", generator_average: Any = None,
               joint_d_batch: bool = True) -> dict[str, Any]:
    """One D step on ``real_images`` and, when ``g_step``, one G step on the same fakes.

    1. The D step. G makes a batch of fakes from noise drawn from ``rng``. D scores the real
       batch and the fakes *detached*, so D's loss trains D only. The objective adds its
       penalties to D's loss; after D's optimizer step it may act on D (WGAN's clipping).
    2. The G step (every ``n_critic``-th batch; the caller decides). G's loss scores the same
       fakes, not detached, through D; only G's optimizer steps, and ``generator_average``
       (a moving average of G's weights, if any) follows it. D's weights stop recording their
       gradients for this pass, since none are needed.

    Returns ``d_loss``, ``d_x``, ``d_g_z`` and ``g_loss`` (None when no G step was taken).
    """
    batch = real_images.shape[0]
    z = Tensor(rng.standard_normal((batch, latent_dim), dtype=np.float32), device=device)
    real = Tensor(real_images, device=device)
    losses = step_on_tensors(z, real, generator=generator, discriminator=discriminator, opt_g=opt_g, opt_d=opt_d,
                             objective=objective, rng=rng, g_step=g_step, real_label=real_label,
                             generator_average=generator_average, joint_d_batch=joint_d_batch)
    return row_of(objective, *(None if t is None else t.array for t in losses))


def row_of(objective: Objective, d_loss: Any, real_logits: Any, fake_logits: Any, g_loss: Any) -> dict[str, Any]:
    """The logged row of one step, from the arrays :func:`step_on_tensors` returned."""
    return {"d_loss": float(d_loss), "d_x": objective.d_output(real_logits), "d_g_z": objective.d_output(fake_logits),
            "g_loss": None if g_loss is None else float(g_loss)}


def step_on_tensors(z: Tensor, real: Tensor, *, generator: nn.Module, discriminator: nn.Module, opt_g: Any,
                    opt_d: Any, objective: Objective, rng: np.random.Generator, g_step: bool,
                    real_label: float = 1.0, generator_average: Any = None,
                    joint_d_batch: bool = True) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """The step of :func:`train_step` on the noise ``z`` and the ``real`` batch, already Tensors;
    returns D's loss, D's logits on the real and on the fake batch, and G's loss (None without a
    G step). A pure step in :mod:`minigan.replay.compile`'s sense: Python branches only on ``g_step``."""
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
    if obj.differentiates_real_batch:  # R1 differentiates D's logits with respect to the real batch
        real.requires_grad = True
    if joint_d_batch:  # one pass over real and fake together: fewer, larger matmuls
        logits = D(ops.cat([real, fake_detached]))
        real_logits, fake_logits = logits[:batch], logits[batch:]
    else:  # BatchNorm in D must see real and fake batches apart
        real_logits = D(real)
        fake_logits = D(fake_detached)
    d_loss = obj.d_loss(real_logits, fake_logits, real_label)
    for penalty in obj.d_penalties(D, real, fake_detached, real_logits, rng):
        d_loss = d_loss + penalty
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
