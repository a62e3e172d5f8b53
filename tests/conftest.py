"""Shared test settings: one Hypothesis profile, derandomized so CI runs are repeatable, and
the one way tests switch kernel modes."""
import contextlib
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------------------- small runs for CLI tests
SMALL_TRAIN = 100  # training images left after the 10,000 the loader keeps for validation
# --eval-every 0: the per-epoch score is tested in test_epoch_score.py; elsewhere it would only add its set-up
SMALL_TINY_ARGS = ["--arch", "tiny", "--latent-dim", "8", "--batch-size", "50", "--log-every", "1", "--eval-every", "0"]


@pytest.fixture(scope="session")
def small_mnist_dir(tmp_path_factory):
    """A --data-dir with synthetic MNIST-shaped IDX files: 10,100 training images (so 100 remain
    after the validation split, two batches of 50) and 20 test images."""
    import numpy as np

    from minigan.data.idx import encode_idx

    rng = np.random.default_rng(0)
    directory = tmp_path_factory.mktemp("small-mnist")
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (10_000 + SMALL_TRAIN, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 10_000 + SMALL_TRAIN, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 20, dtype=np.uint8),
    }
    for name, array in arrays.items():
        (directory / name).write_bytes(encode_idx(array))
    return directory


@pytest.fixture(scope="session")
def small_train_args(small_mnist_dir):
    """Arguments of ``python -m minigan.train`` for a run of two steps per epoch on the synthetic data."""
    return SMALL_TINY_ARGS + ["--data-dir", str(small_mnist_dir)]


def _one_epoch_small_run(tmp_path_factory, small_train_args, name, *more_args):
    import contextlib
    import io

    from minigan import train

    out = tmp_path_factory.mktemp(name) / "run"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert train.main(small_train_args + ["--epochs", "1", *more_args, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def finished_small_run(tmp_path_factory, small_train_args):
    """A finished one-epoch run of the tiny net on the synthetic data (read it, do not change it)."""
    return _one_epoch_small_run(tmp_path_factory, small_train_args, "finished")


@pytest.fixture(scope="session")
def averaged_small_run(tmp_path_factory, small_train_args):
    """The same run keeping a weight average of G (decay 0.9), which differs from G's own weights
    after its two steps (read it, do not change it)."""
    return _one_epoch_small_run(tmp_path_factory, small_train_args, "averaged", "--ema", "0.9")


@pytest.fixture
def kernel_mode():
    """``kernel_mode("numpy")`` switches the kernels for the rest of one test (undone after it).

    Tests switch kernel modes only through this fixture, so one place follows the library
    if the way to switch changes.
    """

    from minigan.backends import use_cpu_kernels

    with contextlib.ExitStack() as stack:
        yield lambda mode: stack.enter_context(use_cpu_kernels(mode))


@pytest.fixture(scope="session")
def shared_kernel_cache():
    """Environment entries for a subprocess that keeps its own MINIGAN_CACHE but should load the
    Numba kernels this session has compiled (and add the ones it compiles): compiling them all
    again into a fresh cache costs seconds per subprocess. Empty when there is no on-disk cache."""
    from minigan.backends.numba import numba_cache_dir

    path = numba_cache_dir()
    return {"NUMBA_CACHE_DIR": path} if path else {}


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
    from minigan.data.mnist import DATASETS, splits as mnist_splits

    split = mnist_splits.split_train_val
    full_size = min(spec.n_train for spec in DATASETS.values())  # before any test shrinks a spec

    def refuse_unless_marked(arrays, spec, val_size, source):
        if arrays["train_images"].shape[0] >= full_size and not _RUNNING["may_load_mnist"]:
            raise RuntimeError(f"{_RUNNING['test']} loads the real {spec.title} but is not marked @pytest.mark.mnist")
        return split(arrays, spec, val_size, source)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mnist_splits, "split_train_val", refuse_unless_marked)
        yield
