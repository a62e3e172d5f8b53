"""The process-wide random Generator that layers use when they are not handed one.

A run seeds it once with ``manual_seed(seed)`` (``--seed`` in the trainer) and everything
random (init, dropout, noise, shuffling) draws from that single ``np.random.Generator``,
so a seed fixes the whole run and the Generator's state can be checkpointed.
"""
from __future__ import annotations

import numpy as np

_generator = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default Generator (and return it)."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The Generator used when no ``rng`` is passed."""
    return _generator


def set_default_generator(generator: np.random.Generator) -> None:
    """Make ``generator`` the default (a trainer shares its own Generator this way)."""
    global _generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"expected a numpy.random.Generator, got {type(generator).__name__}")
    _generator = generator
