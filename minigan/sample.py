"""``python -m minigan.sample --checkpoint RUN_DIR -n 64 --out grid.png [--npy samples.npy]``.

Draws ``n`` images from a trained generator (in eval mode) as a PNG grid and, with ``--npy``,
as a float32 array of shape (n, 28, 28) with values in [0, 1]. RUN_DIR is a directory written
by ``python -m minigan.train`` (its ``checkpoint.npz``, or ``generator.npz`` plus
``config.json``), or a checkpoint file. Bad input: one line on stderr, exit status 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from minigan.backends import check_device
from minigan.cli import OneLineParser, UsageError, positive_int

__all__ = ["main", "load_generator"]


PROG = "python -m minigan.sample"


def load_generator(checkpoint: str | Path):
    """``(G, architecture, latent_dim)`` from a run directory or checkpoint file."""
    import minigan
    from minigan.gan.models import build_models
    from minigan.gan.trainer import CHECKPOINT_NAME, GENERATOR_NAME, CheckpointError, load_checkpoint

    path = Path(checkpoint)
    if path.is_dir() and not (path / CHECKPOINT_NAME).exists() and (path / GENERATOR_NAME).exists():
        config_path = path / "config.json"
        if not config_path.exists():
            raise CheckpointError(f"{path} has {GENERATOR_NAME} but no config.json saying which architecture it is")
        config = json.loads(config_path.read_text())
        weights = minigan.load(path / GENERATOR_NAME)
    else:
        state = load_checkpoint(path)
        config, weights = state["config"], state["generator"]
        if state.get("generator_ema") is not None:  # the run samples from its weight average
            weights = state["generator_ema"]["module"]
    generator, _, arch = build_models(str(config["arch"]), int(config["latent_dim"]))
    try:
        generator.load_state_dict(weights)
    except (KeyError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"the weights in {path} do not fit architecture {config['arch']!r}: {error}") from None
    return generator, arch, int(config["latent_dim"])


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except UsageError as error:
        print(f"{PROG}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2


def _main(argv: Sequence[str] | None) -> int:
    parser = OneLineParser(prog=PROG, description="Draw samples from a generator trained by python -m minigan.train.")
    parser.add_argument("--checkpoint", required=True, metavar="RUN_DIR",
                        help="run directory (or its checkpoint.npz) written by minigan.train")
    parser.add_argument("-n", type=positive_int, default=64, help="number of samples (default: 64)")
    parser.add_argument("--out", default="samples.png", help="PNG grid to write (default: samples.png)")
    parser.add_argument("--npy", default=None, help="also write the samples as float32 (n, 28, 28) in [0, 1]")
    parser.add_argument("--nrow", type=positive_int, default=8, help="images per row of the grid (default: 8)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise (default: 0)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where to run the generator: cpu, or cuda for an NVIDIA GPU through CuPy (default: cpu)")
    args = parser.parse_args(argv)
    device = check_device(args.device, UsageError)

    from minigan.data import DataError
    from minigan.gan.trainer import CheckpointError, generate
    from minigan.viz import save_sample_grid

    for target in (args.out, args.npy):
        if target is not None and not Path(target).resolve().parent.is_dir():
            raise UsageError(f"the directory of {target} does not exist")
    try:
        generator, arch, latent_dim = load_generator(args.checkpoint)
    except (CheckpointError, DataError, ValueError, OSError) as error:
        raise UsageError(str(error)) from None
    noise = np.random.default_rng(args.seed).standard_normal((args.n, latent_dim), dtype=np.float32)
    images = generate(generator.to(device), noise, arch)
    try:
        save_sample_grid(images, args.out, nrow=args.nrow)
        if args.npy is not None:
            from minigan.paths import atomic_path

            with atomic_path(args.npy) as tmp:
                with open(tmp, "wb") as handle:
                    np.save(handle, images.reshape(-1, 28, 28).astype(np.float32))
    except OSError as error:
        raise UsageError(f"cannot write the samples: {error}") from None
    print(f"wrote {args.n} samples to {args.out}" + (f" and {args.npy}" if args.npy else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
