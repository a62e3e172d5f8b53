"""Shared test settings: one Hypothesis profile, derandomized so CI runs are repeatable,
minigan's default Generator restored after each test, and the one way tests switch kernel modes."""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _restore_default_generator():
    """A Trainer installs its run's Generator as minigan's default; give other tests theirs back."""
    from minigan import random as mrandom

    previous = mrandom.default_generator()
    yield
    mrandom.set_default_generator(previous)


@pytest.fixture
def kernel_mode(monkeypatch):
    """``kernel_mode("numpy")`` switches the kernels for the rest of one test (undone after it).

    Tests switch kernel modes only through this fixture, so one place follows the library
    if the way to switch changes.
    """

    def switch(mode: str) -> None:
        monkeypatch.setenv("MINIGAN_KERNELS", mode)

    return switch
