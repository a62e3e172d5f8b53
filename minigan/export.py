"""``python -m minigan.export RUN_DIR --format safetensors [--out PATH]``.

Writes the generator of a run (by default the one at its best per-epoch score when it kept
best.npz, else the last; its weight average when the run kept one: the weights ``minigan.sample``
draws from) as a ``.safetensors`` file with PyTorch's parameter names, and the
network's architecture in its metadata (minigan/gan/weights_export.py lists the keys). PyTorch
loads it with ``safetensors.torch.load_file`` into the same ``nn.Sequential`` (docs/interop-weights.md);
``minigan.sample`` and ``minigan.evaluate`` read it as they read a run. The default PATH is
``RUN_DIR/generator.safetensors``. Bad input: one line on stderr, exit status 2.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from minigan.cli import OneLineParser, add_generator_choice, UsageError, run_program
from minigan.gan import CheckpointError
from minigan.gan.sampling import load_run_generator, resolve_which
from minigan.gan.weights_export import FORMATS, generator_metadata
from minigan.torch_api.safetensors_format import is_safetensors_path, save_file

__all__ = ["main"]

PROG = "python -m minigan.export"
DEFAULT_NAME = "generator.safetensors"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Write the generator of a run in a format PyTorch reads, "
                           "with its architecture in the file's metadata.")
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (or checkpoint file) written by minigan.train")
    parser.add_argument("--format", choices=FORMATS, default="safetensors",
                        help="the file format (default: safetensors, which needs pip install safetensors)")
    add_generator_choice(parser, "export", weights=False)
    parser.add_argument("--out", metavar="PATH", default=None,
                        help=f"the file to write (default: RUN_DIR/{DEFAULT_NAME})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_program(PROG, build_parser(), _run, argv, expected=(CheckpointError,))


def _run(args: argparse.Namespace) -> int:
    source = Path(args.run_dir)
    if not source.exists():
        raise UsageError(f"{source} does not exist")
    if args.out is not None:
        out = Path(args.out)
    elif source.is_dir():
        out = source / DEFAULT_NAME
    else:
        out = source.with_name(DEFAULT_NAME)
    if out.suffix.lower() != f".{args.format}":
        raise UsageError(f"--out {out} should end in .{args.format}, the format written")
    if out.is_dir():
        raise UsageError(f"{out} is a directory; give a file name")
    if not out.resolve().parent.is_dir():
        raise UsageError(f"the directory of {out} does not exist")
    try:
        which = args.which if is_safetensors_path(source) else resolve_which(source, "average", args.which)
        generator, arch, latent_dim, config = load_run_generator(source, which=which)
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from None
    metadata = generator_metadata(generator, arch, latent_dim, config, which or "last")
    try:
        save_file(generator.state_dict(), out, metadata)
    except ImportError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"wrote the generator of {source} ({metadata['arch']}, latent size {metadata['latent_dim']}; "
          f"{metadata['weights']}) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
