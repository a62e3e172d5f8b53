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


_RUNNING = {"test": "", "may_load_mnist": True}  # the test being set up, run or torn down


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Note the test before its fixtures run (a module-scoped fixture may load MNIST for it)."""
    _RUNNING.update(test=item.nodeid, may_load_mnist=item.get_closest_marker("mnist") is not None)
    yield


@pytest.fixture(autouse=True, scope="session")
def _real_mnist_only_when_marked():
    """A test that loads the real MNIST must say so with ``@pytest.mark.mnist`` (it still runs in
    CI; ``-m "not mnist"`` runs everything that works offline on small synthetic data).

    An unmarked test fails with a clear message the moment it loads a full-size dataset in this
    process (the synthetic files in test_data.py are a dozen images, and pass).
    """
    from minigan.data import mnist as mnist_module

    split = mnist_module._split
    full_size = min(spec.n_train for spec in mnist_module.DATASETS.values())  # before any test shrinks a spec

    def refuse_unless_marked(arrays, spec, val_size, source):
        if arrays["train_images"].shape[0] >= full_size and not _RUNNING["may_load_mnist"]:
            raise RuntimeError(f"{_RUNNING['test']} loads the real {spec.title} but is not marked @pytest.mark.mnist")
        return split(arrays, spec, val_size, source)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mnist_module, "_split", refuse_unless_marked)
        yield
