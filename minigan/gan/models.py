"""GAN architectures by name.

Every architecture builds a generator ``G: (B, latent_dim) -> (B, 784)`` and a discriminator
(critic) ``D: (B, 784) -> (B, 1)`` that returns LOGITS (no sigmoid), so that every objective
in :mod:`minigan.gan.objectives` can use its numerically stable form. Each one also declares
the pixel scale its generator's output lives in: ``"unit"`` ([0, 1], sigmoid output) or
``"symmetric"`` ([-1, 1], tanh output); the trainer loads the data in that scale and
:func:`to_unit` maps samples back to [0, 1] for pictures and metrics.

``seed``
    The 3-layer tutorial GAN: G 100-256-256-784 with ReLU and a sigmoid output, D 784-64-64-1
    with LeakyReLU(0.2). Adam 2e-4 with PyTorch's default betas (0.9, 0.999), as the tutorial
    used (with betas (0.5, 0.999) it collapses: D wins and the samples are noise).
``dcgan-mlp``
    The well-known MLP GAN: G 100-128-256-512-1024-784 with LeakyReLU(0.2), BatchNorm on the
    hidden layers but the first, and tanh; D 784-512-256-1 with LeakyReLU(0.2). Adam 2e-4,
    betas (0.5, 0.999), data in [-1, 1].
``default``
    What trained best within the default run's time: the dcgan-mlp generator with a sigmoid
    output (data in [0, 1]) against the dcgan-mlp discriminator with Dropout(0.3), the hinge
    loss, batch 64, Adam at constant learning rates of DEFAULT_LR_D for D and DEFAULT_LR_G for G
    (two time-scales) with an exponential moving average of G's weights (decay 0.999) for
    sampling, 40 epochs. With ``--loss bce`` it uses one-sided label smoothing 0.9.
    docs/default-run-notes.md has what was measured to choose it.
``cnn-d``
    The default's generator (with its sigmoid output, data in [0, 1]) against the GAN guide's
    CNN discriminator: Conv 64 3x3 stride 2 -> LeakyReLU 0.2 -> Conv 128 3x3 stride 2 ->
    BatchNorm -> LeakyReLU -> Flatten -> Linear 1. Trained with the hinge loss (with BCE it
    collapsed onto a few classes) and the R1 penalty on D (gamma 1, which kept 9-10 classes at
    three seeds where hinge alone kept 7-9), Adam 2e-4, betas (0.5, 0.999), a weight average of
    G (decay 0.999), 5 epochs. docs/conv-notes.md has what was measured.
``dcgan``
    G: z -> Linear -> 128x7x7 -> ConvTranspose 4x4 stride 2 -> 64x14x14 -> ConvTranspose 4x4
    stride 2 -> 1x28x28, with BatchNorm and ReLU and a tanh output (data in [-1, 1]); D: Conv 64
    4x4 stride 2 -> LeakyReLU 0.2 -> Conv 128 4x4 stride 2 -> BatchNorm -> LeakyReLU -> Linear 1.
    Adam 2e-4, betas (0.5, 0.999) and the weights drawn from N(0, 0.02), as the DCGAN paper
    (:func:`dcgan_init_`); real label 0.9, the R1 penalty on D (gamma 1: 10 of 10 classes at three
    seeds, where the same minutes without it kept 9), a weight average of G (decay 0.999),
    3 epochs. docs/conv-notes.md has what was measured.
``tiny``
    G latent-64-784, D 784-32-1: for tests and smoke runs only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minigan import nn

__all__ = ["Architecture", "ARCHITECTURES", "get_architecture", "build_models", "parameter_count", "critic_has_batchnorm", "to_unit",
           "dcgan_init_"]

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
            layers.append(nn.Dropout(dropout, rng=rng))  # its masks come from the same Generator
        previous = width
    layers.append(nn.Linear(previous, 1, rng=rng))
    return nn.Sequential(*layers)


def _tiny_generator(latent_dim: int, rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(nn.Linear(latent_dim, 64, rng=rng), nn.LeakyReLU(0.2),
                         nn.Linear(64, IMAGE_DIM, rng=rng), nn.Sigmoid())


def _tiny_discriminator(rng: np.random.Generator | None) -> nn.Module:
    return nn.Sequential(nn.Linear(IMAGE_DIM, 32, rng=rng), nn.LeakyReLU(0.2), nn.Linear(32, 1, rng=rng))


def _cnn_discriminator(rng: np.random.Generator | None, kernel_size: int) -> nn.Module:
    """(B, 784) -> 1x28x28 -> Conv 64 stride 2 -> LeakyReLU(0.2) -> Conv 128 stride 2 -> BatchNorm
    -> LeakyReLU(0.2) -> Flatten -> Linear 1 (logits). Padding 1 keeps 28 -> 14 -> 7 for kernels 3 and 4."""
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 64, kernel_size, stride=2, padding=1, rng=rng), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, kernel_size, stride=2, padding=1, rng=rng), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1, rng=rng),
    )


def dcgan_init_(module: nn.Module, rng: np.random.Generator | None = None) -> nn.Module:
    """The DCGAN paper's initialisation, in place: every Conv2d, ConvTranspose2d and Linear
    weight from N(0, 0.02) and its bias 0; every BatchNorm weight from N(1, 0.02) and its bias 0.
    Returns ``module``."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(layer.weight, 0.0, 0.02, rng=rng)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)) and layer.weight is not None:
            nn.init.normal_(layer.weight, 1.0, 0.02, rng=rng)
            nn.init.zeros_(layer.bias)
    return module


def _dcgan_generator(latent_dim: int, rng: np.random.Generator | None) -> nn.Module:
    """z -> Linear -> 128x7x7 -> ConvTranspose 4x4 stride 2 -> 64x14x14 -> ConvTranspose 4x4
    stride 2 -> 1x28x28, BatchNorm and ReLU between, tanh output, flattened to (B, 784)."""
    return nn.Sequential(
        nn.Linear(latent_dim, 128 * 7 * 7, rng=rng), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1, rng=rng), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1, rng=rng), nn.Tanh(),
        nn.Flatten(),
    )


DEFAULT_EPOCHS = 40
DEFAULT_LR = 1e-3  # --lr's default; D and G take their own below unless --lr is given
DEFAULT_LR_D = 1.2e-3
DEFAULT_LR_G = 1.6e-3
DEFAULT_EMA = 0.999

ARCHITECTURES: dict[str, Architecture] = {
    "seed": Architecture(
        "seed", "unit", _seed_generator, _seed_discriminator,
        "the 3-layer tutorial GAN: G 100-256-256-784 ReLU/sigmoid, D 784-64-64-1 LeakyReLU",
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
ARCHITECTURES["cnn-d"] = Architecture(
    "cnn-d", "unit",
    lambda latent_dim, rng: _mlp_generator(latent_dim, rng, output="sigmoid"),
    lambda rng: _cnn_discriminator(rng, kernel_size=3),
    "the default MLP generator (G 100-128-256-512-1024-784, sigmoid) against a CNN discriminator: "
    "Conv 64 3x3 s2, LeakyReLU(0.2), Conv 128 3x3 s2, BatchNorm, LeakyReLU(0.2), Linear 1",
    betas=(0.5, 0.999),
    # measured in docs/conv-notes.md: with bce every run collapsed onto 5-6 classes; hinge kept 7-9,
    # hinge with R1 (gamma 1) 9-10; 5 epochs, what ten minutes hold, scored better than 4 at two seeds
    defaults={"loss": "hinge", "epochs": 5, "ema": 0.999, "r1_gamma": 1.0},
)
ARCHITECTURES["dcgan"] = Architecture(
    "dcgan", "symmetric",
    lambda latent_dim, rng: dcgan_init_(_dcgan_generator(latent_dim, rng), rng),
    lambda rng: dcgan_init_(_cnn_discriminator(rng, kernel_size=4), rng),
    "DCGAN: G z-Linear-128x7x7, ConvTranspose 4x4 s2 to 64x14x14 and to 1x28x28, BatchNorm+ReLU, tanh; "
    "D Conv 64 4x4 s2, LeakyReLU(0.2), Conv 128 4x4 s2, BatchNorm, LeakyReLU(0.2), Linear 1",
    betas=(0.5, 0.999),
    # measured in docs/conv-notes.md: within the same minutes, 3 epochs with R1 (gamma 1) kept 10 of 10
    # classes at >= 5% at three seeds where 5 epochs without it kept 9 (the 4s at 2.9-3.6%)
    defaults={"epochs": 3, "real_label": 0.9, "ema": 0.999, "r1_gamma": 1.0},
)
ARCHITECTURES["default"] = Architecture(
    "default", "unit",
    lambda latent_dim, rng: _mlp_generator(latent_dim, rng, output="sigmoid"),
    lambda rng: _mlp_discriminator(rng, dropout=0.3),
    "G 100-128-256-512-1024-784 LeakyReLU(0.2)+BatchNorm+sigmoid, D 784-512-256-1 LeakyReLU(0.2)+Dropout(0.3); "
    "see docs/default-run-notes.md",
    betas=(0.5, 0.999),
    # Round 7 of docs/default-run-notes.md: the hinge loss with D at 1.2e-3 and G at 1.6e-3 (found by
    # python -m minigan.sweep) scored FID 3.3x the floor at 40 epochs where BCE at 1e-3 scored 6.3x
    defaults={"loss": "hinge", "epochs": DEFAULT_EPOCHS, "batch_size": 64, "lr": DEFAULT_LR,
              "lr_d": DEFAULT_LR_D, "lr_g": DEFAULT_LR_G, "real_label": 0.9, "lr_schedule": "none",
              "ema": DEFAULT_EMA},
)


def get_architecture(name: str) -> Architecture:
    """The architecture called ``name``, or a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}") from None


def build_models(name: str, latent_dim: int = 100, rng: np.random.Generator | None = None
                 ) -> tuple[nn.Module, nn.Module, Architecture]:
    """``(G, D, architecture)`` with their weights drawn from ``rng`` (G first, then D), and
    their dropout masks, if any, while they train (``None``: the process's default generator)."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0:
        raise ValueError(f"latent_dim must be a positive int, got {latent_dim!r}")
    arch = get_architecture(name)
    generator = arch.make_generator(int(latent_dim), rng)
    discriminator = arch.make_discriminator(rng)
    return generator, discriminator, arch


def critic_has_batchnorm(name: str) -> bool:
    """Whether architecture ``name``'s discriminator normalises over the batch (BatchNorm), which
    makes D's output for one image depend on the others in its batch."""
    discriminator = get_architecture(name).make_discriminator(np.random.default_rng(0))
    return any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for m in discriminator.modules())


def parameter_count(name: str, latent_dim: int) -> int:
    """The parameters of G and D of architecture ``name`` for ``latent_dim``, counted without
    allocating networks of that size (so a size that cannot fit in memory can be refused first).

    Every architecture's G starts with a Linear(latent_dim, width), the only layer that grows with
    the latent size: the networks are built for latent size 1, and each further latent unit adds
    ``width`` weights (tests/test_cli_errors.py checks this against real builds of every one).
    """
    generator, discriminator, _ = build_models(name, 1, np.random.default_rng(0))
    at_one = sum(p.array.size for net in (generator, discriminator) for p in net.parameters())
    width = next(generator.parameters()).shape[0]
    return at_one + (latent_dim - 1) * width


def to_unit(images: np.ndarray, scale: str) -> np.ndarray:
    """Generator output in ``scale`` -> pixels in [0, 1] (clipped against rounding)."""
    images = np.asarray(images)
    if scale == "symmetric":
        images = (images + 1) / 2
    elif scale != "unit":
        raise ValueError(f"scale must be 'unit' or 'symmetric', got {scale!r}")
    return np.clip(images, 0.0, 1.0)


def draw_dropout_from(rng: np.random.Generator, *models: nn.Module) -> None:
    """Hand ``rng`` to every Dropout of ``models`` built without a Generator of its own (an
    architecture from outside minigan), so that the run's Generator draws all its masks."""
    for model in models:
        for module in model.modules():
            if isinstance(module, nn.Dropout) and module.rng is None:
                module.rng = rng
