"""Argument types for argparse that say what they expected, in one line."""
from __future__ import annotations

import argparse
import math
from typing import Callable

from minigan.gan.sampling import WEIGHTS, WHICH

__all__ = ["int_at_least", "positive_int", "non_negative_int", "positive_float", "non_negative_float"]


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {value}")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def _finite_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
    return value


def positive_float(text: str) -> float:
    value = _finite_float(text, "a positive number")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = _finite_float(text, "a non-negative number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative number, got {text}")
    return value


def add_generator_choice(parser: argparse.ArgumentParser, verb: str, weights: bool = True) -> None:
    """``--which best|last`` and (with ``weights``) ``--weights average|raw``: which of a run's
    generators ``verb`` uses (sample, evaluate, export). One wording for every program."""
    parser.add_argument("--which", choices=WHICH, default=None,
                        help="the run's generator: best (best.npz, at its best per-epoch FID) or last (default: best "
                             "when the run has best.npz, else last)")
    if weights:
        parser.add_argument("--weights", choices=WEIGHTS, default="average",
                            help=f"the run's weights to {verb}: average (what the run samples with and generator.npz "
                                 "holds: its weight average when it keeps one) or raw (G's own, from checkpoint.npz; "
                                 "default: average)")
