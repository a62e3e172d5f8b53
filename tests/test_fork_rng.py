"""minigan.random.fork_rng, as torch.random.fork_rng: the default Generator, its state and
initial_seed() are put back when the block ends (PyTorch 2.14's behaviour, checked by hand:
the draws after the block are those a fresh seed gives)."""
from __future__ import annotations

import numpy as np
import pytest

import minigan


def draws(n: int = 4) -> np.ndarray:
    return minigan.rand(n).numpy()


def test_the_block_leaves_no_trace():
    minigan.manual_seed(3)
    expected = draws()
    minigan.manual_seed(3)
    with minigan.random.fork_rng():
        inside = draws()
        minigan.manual_seed(5)
        draws()
        assert minigan.initial_seed() == 5
    assert minigan.initial_seed() == 3
    assert np.array_equal(inside, expected) and np.array_equal(draws(), expected)


def test_the_state_is_put_back_after_an_error():
    minigan.manual_seed(11)
    expected = draws()
    minigan.manual_seed(11)
    with pytest.raises(KeyError), minigan.random.fork_rng():
        draws(100)
        raise KeyError("inside")
    assert np.array_equal(draws(), expected)


def test_disabled_forks_nothing():
    minigan.manual_seed(1)
    with minigan.random.fork_rng(enabled=False):
        minigan.manual_seed(9)
    assert minigan.initial_seed() == 9


def test_devices_and_device_type():
    with minigan.random.fork_rng(devices=[], device_type="cuda"):
        pass
    with pytest.raises(RuntimeError, match="device_type must be 'cuda'"):
        with minigan.random.fork_rng(device_type="cpu"):
            pass
    if not minigan.cuda.is_available():
        with pytest.raises(RuntimeError, match="^fork_rng: devices= names GPUs, but "):
            with minigan.random.fork_rng(devices=[0]):
                pass


def test_thread_safe_generator_is_none_outside_thread_workers():
    assert minigan.random.thread_safe_generator() is None
