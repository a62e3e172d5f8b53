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
    output (data in [0, 1]) against the dcgan-mlp discriminator with Dropout(0.3), BCE with
    one-sided label smoothing 0.9, batch 64, Adam at a constant lr of DEFAULT_LR with an
    exponential moving average of G's weights (decay 0.999) for sampling, 40 epochs. See
    ``DEFAULT_NOTES`` below for what was measured to choose it.
``cnn-d``
    The default's generator (with its sigmoid output, data in [0, 1]) against the GAN guide's
    CNN discriminator: Conv 64 3x3 stride 2 -> LeakyReLU 0.2 -> Conv 128 3x3 stride 2 ->
    BatchNorm -> LeakyReLU -> Flatten -> Linear 1.
``dcgan``
    G: z -> Linear -> 128x7x7 -> ConvTranspose 4x4 stride 2 -> 64x14x14 -> ConvTranspose 4x4
    stride 2 -> 1x28x28, with BatchNorm and ReLU and a tanh output (data in [-1, 1]); D: Conv 64
    4x4 stride 2 -> LeakyReLU 0.2 -> Conv 128 4x4 stride 2 -> BatchNorm -> LeakyReLU -> Linear 1.
    Adam 2e-4, betas (0.5, 0.999), as the DCGAN paper. ``CONV_NOTES`` below has what they measured.
``tiny``
    G latent-64-784, D 784-32-1: for tests and smoke runs only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minigan import nn

__all__ = ["Architecture", "ARCHITECTURES", "get_architecture", "build_models", "to_unit", "DEFAULT_NOTES",
           "CONV_NOTES"]

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


def _cnn_discriminator(rng: np.random.Generator | None, kernel_size: int) -> nn.Module:
    """(B, 784) -> 1x28x28 -> Conv 64 stride 2 -> LeakyReLU(0.2) -> Conv 128 stride 2 -> BatchNorm
    -> LeakyReLU(0.2) -> Flatten -> Linear 1 (logits). Padding 1 keeps 28 -> 14 -> 7 for kernels 3 and 4."""
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 64, kernel_size, stride=2, padding=1, rng=rng), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, kernel_size, stride=2, padding=1, rng=rng), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1, rng=rng),
    )


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
DEFAULT_LR = 1e-3
DEFAULT_EMA = 0.999

DEFAULT_NOTES = """\
How the default was chosen (measured on the project's shared 2-core machine with minigan itself).

Default: G 100-128-256-512-1024-784 (LeakyReLU 0.2, BatchNorm on all hidden layers but the
first) with a SIGMOID output and data in [0, 1]; D 784-512-256-1 with LeakyReLU 0.2 and
Dropout(0.3) after each hidden layer, returning logits; non-saturating BCE with one-sided label
smoothing (real target 0.9); Adam at a constant lr of 1e-3, betas (0.5, 0.999), batch 64; the
samples and generator.npz come from an exponential moving average of G's weights (decay 0.999);
40 epochs (31,240 steps).

Round 2: the weight average and the learning rate. Scored with ``python -m minigan.evaluate``'s
metrics (10,000 samples; FID ratio = FID / the real-vs-real floor 0.385; Parzen as Goodfellow et
al.), each run evaluated at the epochs shown, with and without the average of G's weights:

  run                          epochs  FID ratio raw -> average   Parzen raw -> average
  lr 2e-4 cosine (old default)   20          29.3 -> 10.6           118 -> 164
                                 30          16.9 -> 13.2           141 -> 147
  lr 2e-4 constant               30          16.6 ->  9.8           126 -> 192
                                 40          11.8 ->  7.4           146 -> 206
  lr 4e-4 constant               30          12.2 ->  5.7           145 -> 203
  lr 6e-4 constant               30           8.4 ->  4.3           155 -> 216
                                 40          12.9 ->  4.8           170 -> 225
  lr 1e-3 constant               20          13.4 ->  6.0           143 -> 203
                                 30           8.5 ->  5.7           168 -> 222
  lsgan, lr 2e-4 cosine          30          13.7 -> 13.1           127 -> 133

(The lr 2e-4 constant run's epoch 40 resumed its epoch-30 checkpoint with a fresh average.)

So the average is what moved the numbers most (G's raw weights keep wandering around a good
solution; their average sits in the middle of it), and with the average a constant, higher lr
learns faster than a decaying one. The Parzen estimate rewards samples close to every test
image, which the average's smoother strokes are; the raw G at any lr stays below 170.

Round 1 (the choice of the networks):
Scoring of the short runs below: 2,000 samples classified by a throwaway 98%-accurate MNIST MLP
(classes with at least 1% of the confident predictions; "confident" = p > 0.9), the grid looked
at by eye, and a small Parzen estimate (2,000 samples, 1,000 points; only for comparing runs).

- dcgan-mlp as is (tanh, data in [-1, 1]), batch 128, 8 epochs: 10/10 classes but speckled
  backgrounds (what the Parzen window punishes); adding cosine decay did not remove the speckles.
- the same net with Dropout(0.3) in D and label smoothing 0.9, batch 64: still speckled at
  epoch 4 (stopped there).
- sigmoid output + Dropout(0.3) in D + label smoothing 0.9, batch 128, 8 epochs: clean black
  backgrounds, thin broken strokes, 9/10 classes (few 0s). Without dropout and smoothing this
  output collapsed to mostly 1s (4 of 10 classes after 30 epochs, measured with PyTorch); with them it did not.
- the same at batch 64 with cosine decay, 10 epochs: 10/10 classes, clean backgrounds, 65% of
  the samples classified confidently (the best of the short runs): chosen, and lengthened to
  the epochs that fit the time.

The round-1 default (lr 2e-4 with cosine decay, no average), 30 epochs: 10/10 classes in
proportions between 4% and 11%, 79% of 2,000 samples classified confidently (the dcgan-mlp
run above: 59%), clean black backgrounds, small-Parzen estimate 97 (dcgan-mlp at 8 epochs: -7);
final D loss 1.31, G loss 0.97. Wall time 5 min 42 s with the machine quiet (about 11 s an
epoch, OpenBLAS on its default two threads). The same configuration stopped at 18 epochs scored
71% confident and Parzen 39, with rougher strokes, so the extra epochs are worth their time.
While other developers' jobs shared the two cores, epochs took 15 to 48 s (that 18-epoch run
took 10 min 18 s), so on a busy machine the default can exceed ten minutes.

Step times: on the quiet machine about 14.5 ms a step at batch 64 (11 s an epoch); the short
runs above shared the machine and took 20-48 s an epoch on one BLAS thread. With OpenBLAS on
two threads while other processes were busy, a step took 355-418 ms against 20-60 ms with
OPENBLAS_NUM_THREADS=1 (the 18-epoch run above used one thread). On a busy machine, run with
OPENBLAS_NUM_THREADS=1.
"""

CONV_NOTES = """\
What the convolutional architectures did, measured with minigan on the shared 2-core machine
(other jobs running; one BLAS thread, two for the resumed epochs), each scored by ``python -m minigan.evaluate``
(10,000 samples; FID ratio = FID / the real-vs-real floor 0.381):

  run (Adam 2e-4, betas (0.5, 0.999), batch 64)     wall time   FID ratio  classes  Parzen
  dcgan, 1 epoch                                     10.5 min      92.9      9/10     16.2
  dcgan, 1 epoch, weight average 0.999                9.7 min      92.9      9/10     15.7
  dcgan, 3 epochs (the first run, resumed)           24.0 min      79.5      8/10     46.8
  cnn-d, 2 epochs                                     7.7 min     191.7      6/10   -132.9
  cnn-d, 2 epochs, weight average 0.999, real 0.9    10.2 min     252.8      8/10    -97.5
  cnn-d, the same with lr 1e-3 (the default's recipe) 14.2 min    213.4      7/10    -60.6
  default (MLP, README), 40 epochs                    8.4 min       6.3     10/10    231.7

A dcgan step costs about 360 ms here (PyTorch: about 230 ms), against 38 ms for the default MLP,
so in ten minutes the dcgan sees one epoch and the MLP forty. The dcgan's samples after one epoch
are digit-shaped strokes, rough; after three they are mostly recognisable, with few 1s (1.0% of
the samples) and 8s (3.8%). The cnn-d runs hop between a few classes; with
the default's recipe their strokes are smooth, but no 5s or 7s came out. These settings are the
DCGAN paper's; longer runs to choose better ones were not made.
"""

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
)
ARCHITECTURES["dcgan"] = Architecture(
    "dcgan", "symmetric", _dcgan_generator, lambda rng: _cnn_discriminator(rng, kernel_size=4),
    "DCGAN: G z-Linear-128x7x7, ConvTranspose 4x4 s2 to 64x14x14 and to 1x28x28, BatchNorm+ReLU, tanh; "
    "D Conv 64 4x4 s2, LeakyReLU(0.2), Conv 128 4x4 s2, BatchNorm, LeakyReLU(0.2), Linear 1",
    betas=(0.5, 0.999),
)
ARCHITECTURES["default"] = Architecture(
    "default", "unit",
    lambda latent_dim, rng: _mlp_generator(latent_dim, rng, output="sigmoid"),
    lambda rng: _mlp_discriminator(rng, dropout=0.3),
    "G 100-128-256-512-1024-784 LeakyReLU(0.2)+BatchNorm+sigmoid, D 784-512-256-1 LeakyReLU(0.2)+Dropout(0.3); "
    "see minigan.gan.models.DEFAULT_NOTES",
    betas=(0.5, 0.999),
    defaults={"epochs": DEFAULT_EPOCHS, "batch_size": 64, "lr": DEFAULT_LR, "real_label": 0.9,
              "lr_schedule": "none", "ema": DEFAULT_EMA},
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
