"""GAN architectures by name.

Every architecture builds a generator ``G: (B, latent_dim) -> (B, 784)`` and a discriminator
(critic) ``D: (B, 784) -> (B, 1)`` that returns LOGITS (no sigmoid), so that every objective
in :mod:`minigan.gan.objectives` can use its numerically stable form. Each one also declares
the pixel scale its generator's output lives in: ``"unit"`` ([0, 1], sigmoid output) or
``"symmetric"`` ([-1, 1], tanh output); the trainer loads the data in that scale and
:func:`to_unit` maps samples back to [0, 1] for pictures and metrics.

``seed``
    The seeds' network: G 100-256-256-784 with ReLU and a sigmoid output, D 784-64-64-1 with
    LeakyReLU(0.2). Adam 2e-4 with PyTorch's default betas (0.9, 0.999), as the seed used
    (with betas (0.5, 0.999) it collapses; see DESIGN.md).
``dcgan-mlp``
    The well-known MLP GAN: G 100-128-256-512-1024-784 with LeakyReLU(0.2), BatchNorm on the
    hidden layers but the first, and tanh; D 784-512-256-1 with LeakyReLU(0.2). Adam 2e-4,
    betas (0.5, 0.999), data in [-1, 1].
``default``
    What trains best within the default run's time; see ``DEFAULT_NOTES`` below for what was
    measured to choose it.
``tiny``
    G latent-64-784, D 784-32-1: for tests and smoke runs only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minigan import nn

__all__ = ["Architecture", "ARCHITECTURES", "get_architecture", "build_models", "to_unit", "DEFAULT_NOTES"]

IMAGE_DIM = 28 * 28


@dataclass(frozen=True)
class Architecture:
    """A named pair of networks plus the settings that go with them."""

    name: str
    scale: str  # "unit" or "symmetric": the range of G's output and of the data
    make_generator: Callable[[int, np.random.Generator | None], nn.Module]
    make_discriminator: Callable[[np.random.Generator | None], nn.Module]
    description: str
    # Adam betas for the GAN-family objectives (bce, minimax, lsgan, hinge) on this net, when the
    # user gives none; WGAN and WGAN-GP keep their own recommended settings.
    betas: tuple[float, float] | None = None
    # Defaults of the training run this net is meant for (the CLI's defaults for --arch default).
    defaults: dict = field(default_factory=dict)


def _seed_generator(latent_dim: int, rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(
        nn.Linear(latent_dim, 256, rng=rng), nn.ReLU(),
        nn.Linear(256, 256, rng=rng), nn.ReLU(),
        nn.Linear(256, IMAGE_DIM, rng=rng), nn.Sigmoid(),
    )


def _seed_discriminator(rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(
        nn.Linear(IMAGE_DIM, 64, rng=rng), nn.LeakyReLU(0.2),
        nn.Linear(64, 64, rng=rng), nn.LeakyReLU(0.2),
        nn.Linear(64, 1, rng=rng),
    )


def _mlp_generator(latent_dim: int, rng: np.random.Generator | None, widths=(128, 256, 512, 1024),
                   output: str = "tanh") -> nn.Module:
    layers: list[nn.Module] = []
    previous = latent_dim
    for i, width in enumerate(widths):
        layers.append(nn.Linear(previous, width, rng=rng))
        if i > 0:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.LeakyReLU(0.2))
        previous = width
    layers.append(nn.Linear(previous, IMAGE_DIM, rng=rng))
    layers.append(nn.Tanh() if output == "tanh" else nn.Sigmoid())
    return nn.Sequential(*layers)


def _mlp_discriminator(rng: np.random.Generator | None, widths=(512, 256), dropout: float = 0.0) -> nn.Module:
    layers: list[nn.Module] = []
    previous = IMAGE_DIM
    for width in widths:
        layers.append(nn.Linear(previous, width, rng=rng))
        layers.append(nn.LeakyReLU(0.2))
        if dropout:
            layers.append(nn.Dropout(dropout))
        previous = width
    layers.append(nn.Linear(previous, 1, rng=rng))
    return nn.Sequential(*layers)


def _tiny_generator(latent_dim: int, rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(nn.Linear(latent_dim, 64, rng=rng), nn.LeakyReLU(0.2),
                         nn.Linear(64, IMAGE_DIM, rng=rng), nn.Sigmoid())


def _tiny_discriminator(rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(nn.Linear(IMAGE_DIM, 32, rng=rng), nn.LeakyReLU(0.2), nn.Linear(32, 1, rng=rng))


DEFAULT_NOTES = """\
To be filled from the measurements.
"""

ARCHITECTURES: dict[str, Architecture] = {
    "seed": Architecture(
        "seed", "unit", _seed_generator, _seed_discriminator,
        "the seeds' net: G 100-256-256-784 ReLU/sigmoid, D 784-64-64-1 LeakyReLU",
        betas=(0.9, 0.999),
    ),
    "dcgan-mlp": Architecture(
        "dcgan-mlp", "symmetric", _mlp_generator, _mlp_discriminator,
        "G 100-128-256-512-1024-784 LeakyReLU(0.2)+BatchNorm+tanh, D 784-512-256-1 LeakyReLU(0.2)",
        betas=(0.5, 0.999),
    ),
    "tiny": Architecture(
        "tiny", "unit", _tiny_generator, _tiny_discriminator,
        "G latent-64-784, D 784-32-1: for tests and smoke runs",
        betas=(0.5, 0.999),
    ),
}
ARCHITECTURES["default"] = Architecture(
    "default", "symmetric", _mlp_generator, _mlp_discriminator,
    "the default: see minigan.gan.models.DEFAULT_NOTES", betas=(0.5, 0.999),
)


def get_architecture(name: str) -> Architecture:
    """The architecture called ``name``, or a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}") from None


def build_models(name: str, latent_dim: int = 100, rng: np.random.Generator | None = None
                 ) -> tuple[nn.Module, nn.Module, Architecture]:
    """``(G, D, architecture)`` with their weights drawn from ``rng`` (G first, then D)."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0:
        raise ValueError(f"latent_dim must be a positive int, got {latent_dim!r}")
    arch = get_architecture(name)
    generator = arch.make_generator(int(latent_dim), rng)
    discriminator = arch.make_discriminator(rng)
    return generator, discriminator, arch


def to_unit(images: np.ndarray, scale: str) -> np.ndarray:
    """Generator output in ``scale`` -> pixels in [0, 1] (clipped against rounding)."""
    images = np.asarray(images)
    if scale == "symmetric":
        images = (images + 1) / 2
    elif scale != "unit":
        raise ValueError(f"scale must be 'unit' or 'symmetric', got {scale!r}")
    return np.clip(images, 0.0, 1.0)
