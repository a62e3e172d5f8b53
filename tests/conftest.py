"""Shared test settings: one Hypothesis profile, derandomized so CI runs are repeatable, and
minigan's default Generator restored after each test."""
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
