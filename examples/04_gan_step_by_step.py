"""A GAN step by step: a train_gan(real, fake) loop written with minigan, on MNIST.

    python examples/04_gan_step_by_step.py                  # 1,500 steps of 64 images: digits take shape
    python examples/04_gan_step_by_step.py --steps 200      # a quick look
    python examples/04_gan_step_by_step.py --out DIR        # also write DIR/samples.png

The program prints how long its training took: on this project's 2-core machine, otherwise
idle, the 1,500 steps took about 20 s (17 s of training). On a machine whose cores are busy
with other work, OPENBLAS_NUM_THREADS=1 keeps BLAS threads from stalling each other.

G is 100-256-512-784 (BatchNorm, LeakyReLU 0.2, sigmoid output on [0, 1] images) and D is
784-512-256-1 (LeakyReLU 0.2, Dropout 0.3), trained with Adam 2e-4, β=(0.5, 0.999), and the
real label 0.9. (The 3-layer tutorial GAN, G 100-256-256-784 and D 784-64-64-1, needs many
epochs; examples/tutorial_gan.py runs it.) D outputs a logit, and every loss is binary
cross-entropy computed from logits, which never overflows.

One round of the game, train_gan(real, fake):

1. The D step: D learns to say "real" (0.9) on the real batch and 0 on the fakes. The fakes are
   detached: this step must not send gradients into G.
2. The G step: G learns to make D say 1 on its fakes, through D, into G's weights. This is
   the non-saturating loss -log D(G(z)). The paper's original G loss, log(1 - D(G(z))), has
   the gradient -σ(f) in D's logit f, which vanishes exactly when D confidently rejects the
   fakes, early in training; -log σ(f) has the gradient σ(f) - 1, near -1 there.

The library's own loop is Trainer.train_step in minigan/gan/trainer.py, and every loss of the
family is in minigan/gan/objectives.py.
"""
import argparse
import os
import sys
import time

import numpy as np

import minigan as mg
import minigan.nn.functional as F
from minigan import nn, optim
from minigan.cli import positive_int
from minigan.data import BatchLoader, DataError, load_mnist
from minigan.viz import save_sample_grid

LATENT = 100
REAL_LABEL = 0.9  # one-sided label smoothing: D never gets all the way to certain


def build_generator():
    return nn.Sequential(nn.Linear(LATENT, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
                         nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
                         nn.Linear(512, 784), nn.Sigmoid())


def build_discriminator():
    return nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                         nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                         nn.Linear(256, 1))  # a logit: σ(D(x)) is the probability that x is real


def make_train_gan(G, D, lr=2e-4):
    """train_gan(real, fake): one D step and one G step; ``fake`` = G(z), still attached to G."""
    opt_d = optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_g = optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))

    def train_gan(real, fake):
        # 1. D step: real -> 1, fake -> 0. detach() cuts fake from G's graph, so this backward
        #    stops at the fake images and G's weights get no gradient from D's loss.
        d_real, d_fake = D(real), D(fake.detach())
        d_loss = F.binary_cross_entropy_with_logits(d_real, REAL_LABEL) + F.binary_cross_entropy_with_logits(d_fake, 0.0)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        # 2. G step: the non-saturating loss -log σ(D(G(z))), i.e. BCE against the label 1.
        #    This backward runs through D (with its new weights) into G; D's gradients that it
        #    leaves behind are cleared by opt_d.zero_grad() before D's next step.
        g_loss = F.binary_cross_entropy_with_logits(D(fake), 1.0)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        return d_loss.item(), g_loss.item(), mean_probability(d_real), mean_probability(d_fake)

    return train_gan


def sample(G, noise):
    """G's images for ``noise`` in evaluation mode (BatchNorm uses its running statistics)."""
    G.eval()
    with mg.no_grad():
        images = G(noise).numpy()
    G.train()
    return images


def mean_sample(G, noise):
    return float(sample(G, noise).mean())


def mean_probability(logits):
    return float(mg.sigmoid(logits.detach()).numpy().mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description="A GAN step by step on MNIST, with a train_gan(real, fake) loop.")
    parser.add_argument("--steps", type=positive_int, default=1500, help="training steps (default: 1500)")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="images per step (default: 64)")
    parser.add_argument("--log-every", type=positive_int, default=None, help="steps between log lines (default: steps/10)")
    parser.add_argument("--out", default=None, help="write a grid of 64 samples to OUT/samples.png")
    parser.add_argument("--data-dir", default=None, help="a directory with the four MNIST IDX files (default: fetch and cache)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    log_every = args.log_every or max(1, args.steps // 10)

    try:
        data = load_mnist(data_dir=args.data_dir)
        if args.out is not None:
            os.makedirs(args.out, exist_ok=True)
    except (DataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    mg.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    G, D = build_generator(), build_discriminator()
    train_gan = make_train_gan(G, D)
    loader = BatchLoader(data.images("train"), args.batch_size, rng)  # images in [0, 1], (B, 784)
    fixed_noise = mg.randn(64, LATENT)
    real_mean = float(data.flat("train")[:10_000].mean())
    print(f"mean pixel before training: samples {mean_sample(G, fixed_noise):.3f}, real images {real_mean:.3f}")

    step, started = 0, time.perf_counter()
    while step < args.steps:
        for real in loader:
            fake = G(mg.randn(args.batch_size, LATENT))
            d_loss, g_loss, d_x, d_g_z = train_gan(mg.tensor(real), fake)
            step += 1
            if step % log_every == 0 or step == args.steps:
                print(f"step {step}/{args.steps}: d_loss {d_loss:.4f}, g_loss {g_loss:.4f}, "
                      f"D(x) {d_x:.3f}, D(G(z)) {d_g_z:.3f}")
            if step == args.steps:
                break

    print(f"mean pixel after training: samples {mean_sample(G, fixed_noise):.3f}, real images {real_mean:.3f} "
          f"({time.perf_counter() - started:.1f} s of training)")
    if args.out is not None:
        path = os.path.join(args.out, "samples.png")
        save_sample_grid(sample(G, fixed_noise), path, title=f"after {args.steps} steps of examples/04_gan_step_by_step.py")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
