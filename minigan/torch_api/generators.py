"""The process-wide random Generator that layers use when they are not handed one.

A run seeds it once with ``manual_seed(seed)`` (``--seed`` in the trainer) and everything
random (init, dropout, noise, shuffling) draws from that single ``np.random.Generator``,
so a seed fixes the whole run and the Generator's state can be checkpointed.
``get_rng_state()`` and ``set_rng_state(state)`` save and restore that state as a uint8 tensor,
as PyTorch's do (minigan's holds NumPy's PCG64 state, 37 bytes, not PyTorch's 5056), and
``initial_seed()`` gives the seed it started from, and ``with fork_rng():`` puts all three back
when its block ends.
"""
from __future__ import annotations

import contextlib
import random
from typing import Any, Iterable, Iterator

import numpy as np

from ..autograd import Tensor
from ..backends import cuda_unavailable_reason

_UINT64 = 2 ** 64
_generator = np.random.default_rng(0)
_initial_seed = 0


def _seed_value(seed: object) -> int:
    """PyTorch's reading of a seed: ``int(seed)``, in [-2^63, 2^64), negative ones wrapped to 64 bits."""
    value = int(seed)  # type: ignore[call-overload] - PyTorch takes anything int() takes
    if not -(2 ** 63) <= value < _UINT64:
        raise ValueError("Overflow when unpacking long long")
    return value % _UINT64


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default Generator (and return it)."""
    global _generator, _initial_seed
    _initial_seed = _seed_value(seed)
    _generator = np.random.default_rng(_initial_seed)
    return _generator


def seed() -> int:
    """Reseed the default Generator from the operating system's randomness and return the new
    seed (a 64-bit number), as ``torch.seed``."""
    new_seed = random.SystemRandom().getrandbits(64)
    manual_seed(new_seed)
    return new_seed


def initial_seed() -> int:
    """The seed the default Generator was last seeded with (0 until ``manual_seed``)."""
    return _initial_seed


def default_generator() -> np.random.Generator:
    """The Generator used when no ``rng`` is passed."""
    return _generator


def set_default_generator(generator: np.random.Generator) -> None:
    """Make ``generator`` the default (a trainer shares its own Generator this way)."""
    global _generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"expected a numpy.random.Generator, got {type(generator).__name__}")
    _generator = generator


# ------------------------------------------------------------------ the state as bytes
_STATE_BYTES = 37  # PCG64: the 128-bit state and increment, the has_uint32 flag, the 32-bit uinteger


def state_bytes(generator: np.random.Generator) -> np.ndarray:
    """A NumPy Generator's PCG64 state as 37 little-endian bytes."""
    state = generator.bit_generator.state
    if state["bit_generator"] != "PCG64":
        raise RuntimeError(f"the random state of a {state['bit_generator']} generator cannot be saved; "
                           "minigan saves PCG64's, the bit generator of numpy.random.default_rng")
    raw = (state["state"]["state"].to_bytes(16, "little") + state["state"]["inc"].to_bytes(16, "little")
           + int(state["has_uint32"]).to_bytes(1, "little") + int(state["uinteger"]).to_bytes(4, "little"))
    return np.frombuffer(raw, dtype=np.uint8).copy()


def restore_state(generator: np.random.Generator, raw: np.ndarray) -> None:
    """Put the 37 bytes of :func:`state_bytes` back into ``generator`` (in place, so every holder
    of this Generator sees it)."""
    if raw.dtype != np.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    if raw.size != _STATE_BYTES:
        raise RuntimeError(f"Expected an RNG state of {_STATE_BYTES} bytes (NumPy's PCG64 state) but found the "
                           f"input RNG state size to be {raw.size}")
    data = raw.reshape(-1).tobytes()
    generator.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": int.from_bytes(data[:16], "little"), "inc": int.from_bytes(data[16:32], "little")},
        "has_uint32": data[32], "uinteger": int.from_bytes(data[33:37], "little"),
    }


def get_rng_state() -> Tensor:
    """The default Generator's state, a uint8 tensor that :func:`set_rng_state` takes back."""
    return Tensor(state_bytes(_generator))


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default Generator to a state from :func:`get_rng_state`: what it draws next is
    what it drew after that call."""
    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
    restore_state(_generator, np.asarray(new_state.detach().cpu().numpy()))


@contextlib.contextmanager
def fork_rng(devices: Iterable[Any] | None = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str | None = None) -> Iterator[None]:
    """``with fork_rng(): ...``: the default Generator, its state and ``initial_seed()`` are put
    back as they were when the block ends, whatever it drew or seeded, as ``torch.random.fork_rng``.
    minigan draws GPU tensors' random numbers from this same Generator, so there is no device
    state to fork: ``devices`` may name GPUs only where CuPy has one. ``enabled=False`` forks
    nothing."""
    if device_type not in (None, "cuda"):
        raise RuntimeError(f"{_caller}: device_type must be 'cuda', minigan's one accelerator, got {device_type!r}")
    missing = cuda_unavailable_reason() if devices is not None and list(devices) else None
    if missing:
        raise RuntimeError(f"{_caller}: {_devices_kw}= names GPUs, but {missing}")
    if not enabled:
        yield
        return
    global _generator, _initial_seed
    generator, state, seeded = _generator, state_bytes(_generator), _initial_seed
    try:
        yield
    finally:
        _generator, _initial_seed = generator, seeded
        restore_state(generator, state)


def thread_safe_generator() -> None:
    """None: the Generator a transform in a DataLoader thread worker should use. minigan's
    workers are processes, each with its own default Generator, where PyTorch's answer is None
    too, so draws may use the default one."""
    return None
