"""Options against mode collapse that change D or what D sees.

- :class:`MinibatchStdDev` (``--minibatch-std``): the minibatch standard-deviation feature of
  ProGAN (Karras et al. 2018), the simpler modern form of minibatch discrimination. D gets, as
  one more feature (or channel), the standard deviation of its features over the batch,
  averaged into one number: a batch of near-identical fakes is told apart from a varied real
  batch. :func:`add_minibatch_std` puts it before D's last Linear (before the Flatten in front
  of it, for a convolutional D).
- Spectral normalisation of every Linear and Conv2d of D (``--spectral-norm``), with
  :func:`minigan.nn.utils.spectral_norm`: :func:`spectral_normalize`.
- Instance noise (``--instance-noise SIGMA``, Sønderby et al. 2017): Gaussian noise of standard
  deviation :func:`instance_noise_sigma` on every input of D, real and fake, annealed linearly
  from SIGMA to 0 at the end of epoch ``--instance-noise-epochs``.
"""
from __future__ import annotations

import numpy as np

from minigan import nn, ops
from minigan.autograd import Tensor, no_grad
from minigan.gan.models import IMAGE_DIM
from minigan.nn.utils import spectral_norm

__all__ = ["MinibatchStdDev", "add_minibatch_std", "spectral_normalize", "instance_noise_sigma", "apply_d_options"]

STD_EPS = 1e-8  # ProGAN's: std = sqrt(var + 1e-8)


class MinibatchStdDev(nn.Module):
    """(B, F) -> (B, F + 1), or (B, C, H, W) -> (B, C + 1, H, W): the input with one more
    feature (channel), the same for every image, ``s = mean over features of sqrt(var_batch(x) + 1e-8)``
    where var_batch is the biased variance over the batch (the whole batch is the group).

    f(x) = [x, s·1]; ∂s/∂x_bi = (x_bi − mean_b x_·i) / (B · F · std_i), from the ops it is made of.
    """

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (2, 4):
            raise ValueError(f"MinibatchStdDev: expected (B, F) or (B, C, H, W) input, got shape {x.shape}")
        std = ops.sqrt(ops.var(x, axis=0) + STD_EPS)  # over the batch, per feature (and position)
        s = ops.mean(std)
        shape = (x.shape[0], 1) + tuple(x.shape[2:])
        return ops.cat([x, ops.broadcast_to(ops.reshape(s, (1,) * x.ndim), shape)], axis=1)


def add_minibatch_std(discriminator: nn.Sequential, rng: np.random.Generator | None) -> nn.Sequential:
    """A copy of the Sequential ``discriminator`` with :class:`MinibatchStdDev` before its last
    Linear (or before the Flatten just in front of that Linear), and that Linear redrawn from
    ``rng`` one input wider per position."""
    layers = list(discriminator)
    last = max(i for i, layer in enumerate(layers) if isinstance(layer, nn.Linear))
    at = last - 1 if last > 0 and isinstance(layers[last - 1], nn.Flatten) else last
    with no_grad():  # the shape that reaches the new layer (eval: no statistics or masks change)
        was_training = discriminator.training
        discriminator.eval()
        probe = nn.Sequential(*layers[:at])(Tensor(np.zeros((2, IMAGE_DIM), dtype=np.float32)))
        discriminator.train(was_training)
    positions = int(np.prod(probe.shape[2:])) if probe.ndim == 4 else 1
    old = layers[last]
    layers[last] = nn.Linear(old.in_features + positions, old.out_features, bias=old.bias is not None, rng=rng)
    layers.insert(at, MinibatchStdDev())
    return nn.Sequential(*layers)


def spectral_normalize(discriminator: nn.Module, rng: np.random.Generator | None) -> nn.Module:
    """Spectral normalisation (one power iteration a forward pass) of every Linear and Conv2d
    of ``discriminator``, in place; u and v drawn from ``rng``."""
    for module in list(discriminator.modules()):
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            spectral_norm(module, rng=rng)
    return discriminator


def instance_noise_sigma(sigma: float, anneal_epochs: float, epoch_progress: float) -> float:
    """The noise's standard deviation after ``epoch_progress`` epochs (fractional: global step /
    steps per epoch): ``sigma · max(0, 1 − epoch_progress / anneal_epochs)``, 0 from then on."""
    if sigma <= 0 or epoch_progress >= anneal_epochs:
        return 0.0
    return float(sigma) * (1.0 - float(epoch_progress) / float(anneal_epochs))


def apply_d_options(discriminator: nn.Module, minibatch_std: bool, spectral: bool,
                    rng: np.random.Generator | None) -> nn.Module:
    """``discriminator`` with the minibatch-std feature and/or spectral normalisation, as asked
    (the minibatch feature first, so its Linear is normalised too)."""
    if minibatch_std:
        if not isinstance(discriminator, nn.Sequential):
            raise ValueError("--minibatch-std needs a Sequential discriminator")
        discriminator = add_minibatch_std(discriminator, rng)
    if spectral:
        spectral_normalize(discriminator, rng)
    return discriminator
