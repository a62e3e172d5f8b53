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
    loss, batch 64, Adam at learning rates of DEFAULT_LR_D for D and DEFAULT_LR_G for G (two
    time-scales), each decayed exponentially to DEFAULT_LR_FINAL of itself by the last epoch,
    with an exponential moving average of G's weights (decay DEFAULT_EMA) for sampling, 40
    epochs. With ``--loss bce`` it uses one-sided label smoothing 0.9.
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

Hidden widths: the MLP networks (every G and D above but the convolutional ones: D of cnn-d,
both of dcgan) are built with the hidden widths their architecture declares
(``Architecture.g_hidden``/``d_hidden``) unless given others (``build_models(...,
g_hidden=(256, 512), d_hidden=(256,))``, ``--g-hidden``/``--d-hidden`` of minigan.train): one
Linear per width, with the layers between them as the architecture has them (BatchNorm from
the second hidden layer of the dcgan-mlp and default generators, Dropout after each of the
default D's).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minigan import nn

__all__ = ["Architecture", "ARCHITECTURES", "get_architecture", "build_models", "build_generator", "parameter_count", "critic_has_batchnorm", "to_unit",
           "dcgan_init_", "hidden_widths"]

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
    # The hidden widths of an MLP G / D, which make_generator(latent_dim, rng, widths) and
    # make_discriminator(rng, widths) take in their place; None: a net whose widths are not a setting.
    g_hidden: tuple[int, ...] | None = None
    d_hidden: tuple[int, ...] | None = None
    g_batchnorm: bool = False  # G has BatchNorm1d after every hidden Linear but the first (parameter_count)


MLP_G_WIDTHS = (128, 256, 512, 1024)  # the dcgan-mlp and default generators'
MLP_D_WIDTHS = (512, 256)  # and discriminators'
SEED_G_WIDTHS, SEED_D_WIDTHS = (256, 256), (64, 64)  # the 3-layer tutorial GAN's
TINY_G_WIDTHS, TINY_D_WIDTHS = (64,), (32,)


def _seed_generator(latent_dim: int, rng: np.random.Generator | None, widths=SEED_G_WIDTHS) -> nn.Module:
    layers: list[nn.Module] = []
    for previous, width in zip((latent_dim, *widths), widths):
        layers += [nn.Linear(previous, width, rng=rng), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(widths[-1], IMAGE_DIM, rng=rng), nn.Sigmoid())


def _seed_discriminator(rng: np.random.Generator | None, widths=SEED_D_WIDTHS) -> nn.Module:
    return _mlp_discriminator(rng, widths)


def _mlp_generator(latent_dim: int, rng: np.random.Generator | None, widths=MLP_G_WIDTHS,
                   output: str = "tanh", batchnorm: bool = True) -> nn.Module:
    layers: list[nn.Module] = []
    previous = latent_dim
    for i, width in enumerate(widths):
        layers.append(nn.Linear(previous, width, rng=rng))
        if i > 0 and batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.LeakyReLU(0.2))
        previous = width
    layers.append(nn.Linear(previous, IMAGE_DIM, rng=rng))
    layers.append(nn.Tanh() if output == "tanh" else nn.Sigmoid())
    return nn.Sequential(*layers)


def _mlp_discriminator(rng: np.random.Generator | None, widths=MLP_D_WIDTHS, dropout: float = 0.0) -> nn.Module:
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


def _tiny_generator(latent_dim: int, rng: np.random.Generator | None, widths=TINY_G_WIDTHS) -> nn.Module:
    return _mlp_generator(latent_dim, rng, widths, output="sigmoid", batchnorm=False)


def _tiny_discriminator(rng: np.random.Generator | None, widths=TINY_D_WIDTHS) -> nn.Module:
    return _mlp_discriminator(rng, widths)


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
DEFAULT_EMA = 0.9998  # over the run's 31,240 G steps the warm-up (1 + t) / (10 + t) stays below it
DEFAULT_LR_FINAL = 0.3

ARCHITECTURES: dict[str, Architecture] = {
    "seed": Architecture(
        "seed", "unit", _seed_generator, _seed_discriminator,
        "the 3-layer tutorial GAN: G 100-256-256-784 ReLU/sigmoid, D 784-64-64-1 LeakyReLU",
        betas=(0.9, 0.999), g_hidden=SEED_G_WIDTHS, d_hidden=SEED_D_WIDTHS,
    ),
    "dcgan-mlp": Architecture(
        "dcgan-mlp", "symmetric", _mlp_generator, _mlp_discriminator,
        "G 100-128-256-512-1024-784 LeakyReLU(0.2)+BatchNorm+tanh, D 784-512-256-1 LeakyReLU(0.2)",
        betas=(0.5, 0.999), g_hidden=MLP_G_WIDTHS, d_hidden=MLP_D_WIDTHS, g_batchnorm=True,
    ),
    "tiny": Architecture(
        "tiny", "unit", _tiny_generator, _tiny_discriminator,
        "G latent-64-784, D 784-32-1: for tests and smoke runs",
        betas=(0.5, 0.999), g_hidden=TINY_G_WIDTHS, d_hidden=TINY_D_WIDTHS,
    ),
}
ARCHITECTURES["cnn-d"] = Architecture(
    "cnn-d", "unit",
    lambda latent_dim, rng, widths=MLP_G_WIDTHS: _mlp_generator(latent_dim, rng, widths, output="sigmoid"),
    lambda rng: _cnn_discriminator(rng, kernel_size=3),
    "the default MLP generator (G 100-128-256-512-1024-784, sigmoid) against a CNN discriminator: "
    "Conv 64 3x3 s2, LeakyReLU(0.2), Conv 128 3x3 s2, BatchNorm, LeakyReLU(0.2), Linear 1",
    betas=(0.5, 0.999),
    # measured in docs/conv-notes.md: with bce every run collapsed onto 5-6 classes; hinge kept 7-9,
    # hinge with R1 (gamma 1) 9-10; 5 epochs, what ten minutes hold, scored better than 4 at two seeds
    defaults={"loss": "hinge", "epochs": 5, "ema": 0.999, "r1_gamma": 1.0},
    g_hidden=MLP_G_WIDTHS, g_batchnorm=True,
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
    lambda latent_dim, rng, widths=MLP_G_WIDTHS: _mlp_generator(latent_dim, rng, widths, output="sigmoid"),
    lambda rng, widths=MLP_D_WIDTHS: _mlp_discriminator(rng, widths, dropout=0.3),
    "G 100-128-256-512-1024-784 LeakyReLU(0.2)+BatchNorm+sigmoid, D 784-512-256-1 LeakyReLU(0.2)+Dropout(0.3); "
    "see docs/default-run-notes.md",
    betas=(0.5, 0.999),
    # Round 7 of docs/default-run-notes.md: the hinge loss with D at 1.2e-3 and G at 1.6e-3 (found by
    # python -m minigan.sweep) scored FID 3.3x the floor at 40 epochs where BCE at 1e-3 scored 6.3x
    # Round 8: decaying both rates to a tenth over the run took the best-kept FID from 3.4-4.7x to
    # 2.3-2.9x the floor at seeds 0-2, but cost Parzen about 6. Round 9: a decay to 0.3 and a slower
    # average kept the FID under 3.5x and gave Parzen back.
    defaults={"loss": "hinge", "epochs": DEFAULT_EPOCHS, "batch_size": 64, "lr": DEFAULT_LR,
              "lr_d": DEFAULT_LR_D, "lr_g": DEFAULT_LR_G, "real_label": 0.9, "lr_schedule": "exponential",
              "lr_final": DEFAULT_LR_FINAL, "ema": DEFAULT_EMA},
    g_hidden=MLP_G_WIDTHS, d_hidden=MLP_D_WIDTHS, g_batchnorm=True,
)


def get_architecture(name: str) -> Architecture:
    """The architecture called ``name``, or a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}") from None


def hidden_widths(arch: Architecture, g_hidden=None, d_hidden=None
                  ) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
    """``(g_hidden, d_hidden)`` of architecture ``arch``: those given (None: the architecture's), as
    tuples of ints. ValueError (one line) for widths that are not positive integers, and for widths
    of a network that has none (a convolutional one)."""
    out = []
    for what, given, own in (("g-hidden", g_hidden, arch.g_hidden), ("d-hidden", d_hidden, arch.d_hidden)):
        if given is None:
            out.append(own)
            continue
        net = "generator" if what == "g-hidden" else "discriminator"
        if own is None:
            mlps = [name for name, a in ARCHITECTURES.items() if getattr(a, what.replace("-", "_")) is not None]
            raise ValueError(f"--{what} sets the hidden widths of an MLP {net} ({', '.join(mlps)}); "
                             f"the {net} of --arch {arch.name} is convolutional")
        if (isinstance(given, (str, bytes)) or not hasattr(given, "__len__") or not len(given) or
                not all(isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w > 0 for w in given)):
            raise ValueError(f"--{what} must be one or more positive integers (the {net}'s hidden widths), got {given!r}")
        out.append(tuple(int(w) for w in given))
    return out[0], out[1]


def build_models(name: str, latent_dim: int = 100, rng: np.random.Generator | None = None,
                 g_hidden=None, d_hidden=None) -> tuple[nn.Module, nn.Module, Architecture]:
    """``(G, D, architecture)`` with their weights drawn from ``rng`` (G first, then D), and
    their dropout masks, if any, while they train (``None``: the process's default generator).
    ``g_hidden``/``d_hidden``: the MLP nets' hidden widths (None: the architecture's)."""
    generator, arch = build_generator(name, latent_dim, rng, g_hidden)
    _, d_hidden = hidden_widths(arch, None, d_hidden)
    discriminator = arch.make_discriminator(rng) if d_hidden is None else arch.make_discriminator(rng, d_hidden)
    return generator, discriminator, arch


def build_generator(name: str, latent_dim: int = 100, rng: np.random.Generator | None = None,
                    g_hidden=None) -> tuple[nn.Module, Architecture]:
    """``(G, architecture)``: G of :func:`build_models` alone (what a generator is loaded into)."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0:
        raise ValueError(f"latent_dim must be a positive int, got {latent_dim!r}")
    arch = get_architecture(name)
    g_hidden, _ = hidden_widths(arch, g_hidden)
    generator = (arch.make_generator(int(latent_dim), rng) if g_hidden is None
                 else arch.make_generator(int(latent_dim), rng, g_hidden))
    return generator, arch


def critic_has_batchnorm(name: str) -> bool:
    """Whether architecture ``name``'s discriminator normalises over the batch (BatchNorm), which
    makes D's output for one image depend on the others in its batch."""
    discriminator = get_architecture(name).make_discriminator(np.random.default_rng(0))
    return any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for m in discriminator.modules())


def _linear_chain(sizes: tuple[int, ...]) -> int:
    """The weights and biases of Linear layers from sizes[0] through each size in turn."""
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def parameter_count(name: str, latent_dim: int, g_hidden=None, d_hidden=None) -> int:
    """The parameters of G and D of architecture ``name`` for ``latent_dim`` and the hidden widths
    (None: the architecture's), counted without allocating networks of that size (so a size that
    cannot fit in memory can be refused first).

    An MLP net with its hidden widths is a chain of Linear layers (plus two parameters per
    BatchNorm1d unit of the G of ``g_batchnorm``); the convolutional nets are built at latent
    size 1: every G starts with a Linear(latent_dim, width), the only layer that grows with the
    latent size, so each further latent unit adds ``width`` weights (tests/test_cli_errors.py
    checks this against real builds of every architecture).
    """
    arch = get_architecture(name)
    g_hidden, d_hidden = hidden_widths(arch, g_hidden, d_hidden)
    if g_hidden is not None:
        g_count = _linear_chain((latent_dim, *g_hidden, IMAGE_DIM)) + (2 * sum(g_hidden[1:]) if arch.g_batchnorm else 0)
    else:
        generator = arch.make_generator(1, np.random.default_rng(0))
        g_count = (sum(p.array.size for p in generator.parameters())
                   + (latent_dim - 1) * next(generator.parameters()).shape[0])
    if d_hidden is not None:
        return g_count + _linear_chain((IMAGE_DIM, *d_hidden, 1))
    return g_count + sum(p.array.size for p in arch.make_discriminator(np.random.default_rng(0)).parameters())


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
