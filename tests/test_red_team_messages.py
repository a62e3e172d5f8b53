"""The red-team cases of issue 27 that were not one line: each now names its problem in one line,
with no NumPy warning before it (pytest turns warnings into errors, and the programs' one error
path would then report a bug with exit 1). The old message of each case is in its docstring.
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import TrainConfig, build_models, generate

SAMPLE = "python -m minigan.sample"
TRAIN = "python -m minigan.train"


def one_line(capsys, prog):
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out and "Warning" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), captured.err
    return lines[0]


def _copy(run, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(run, out)
    return out


def _rewrite_checkpoint(run, change):
    state = minigan.load(run / "checkpoint.npz")
    change(state)
    minigan.save(state, run / "checkpoint.npz")


def _generator_only(run, tmp_path, arch="tiny", latent_dim=8, change=None):
    """A run directory with config.json and generator.npz only (``change`` edits the weights)."""
    out = tmp_path / "gen"
    out.mkdir()
    generator, _, _ = build_models(arch, latent_dim, np.random.default_rng(0))
    weights = {key: np.array(value) for key, value in generator.state_dict().items()}
    if change is not None:
        change(weights)
    minigan.save(weights, out / "generator.npz")
    config = TrainConfig(arch=arch, latent_dim=latent_dim).resolve().to_dict()
    (out / "config.json").write_text(json.dumps(config))
    return out


def _sample(run, tmp_path):
    return sample_cli.main(["--checkpoint", str(run), "-n", "4", "--npy", str(tmp_path / "s.npy")])


# ---------------------------------------------------------------- weights
def test_a_negative_batchnorm_running_var_is_named(tmp_path, capsys):
    """Printed "RuntimeWarning: invalid value encountered in sqrt" before the error line."""
    def negative(weights):
        weights["3.running_var"] = -np.ones_like(weights["3.running_var"])

    run = _generator_only(None, tmp_path, arch="default", latent_dim=100, change=negative)
    assert _sample(run, tmp_path) == 2
    assert "has a negative BatchNorm running variance (3.running_var, down to -1)" in one_line(capsys, SAMPLE)


def test_weights_that_overflow_give_one_line_and_no_warning(tmp_path, capsys):
    """Printed "RuntimeWarning: overflow encountered in matmul" lines before the error line."""
    def huge(weights):
        for key in weights:
            if key.endswith("weight"):
                signs = np.where(np.arange(weights[key].size) % 2 == 0, 1.0, -1.0).reshape(weights[key].shape)
                weights[key] = (3e37 * signs).astype(np.float32)

    run = _generator_only(None, tmp_path, change=huge)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):  # these weights do overflow
        generator, arch, latent_dim = sample_cli.load_generator(run)
        generate(generator, np.random.default_rng(0).standard_normal((4, latent_dim), np.float32), arch)
    code = _sample(run, tmp_path)  # the output layer saturates: finite samples, or one line if NaN
    if code == 2:
        assert "the generator produced NaN or infinite values" in one_line(capsys, SAMPLE)
    else:
        assert code == 0 and "Warning" not in capsys.readouterr().err
        samples = np.load(tmp_path / "s.npy")
        assert np.all((samples >= 0) & (samples <= 1))


# ---------------------------------------------------------------- checkpoints
def test_a_checkpoint_without_a_config(finished_small_run, tmp_path, capsys):
    """sample said "'NoneType' object is not subscriptable"."""
    run = _copy(finished_small_run, tmp_path)
    _rewrite_checkpoint(run, lambda state: state.pop("config"))
    assert _sample(run, tmp_path) == 2
    assert "has no configuration saying which network it holds" in one_line(capsys, SAMPLE)
    assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 2
    assert "has no config saying how the run was set up" in one_line(capsys, TRAIN)


def test_an_ema_entry_that_is_a_string(finished_small_run, tmp_path, capsys):
    """sample said "load_state_dict expects a mapping of names to arrays, got NoneType"."""
    run = _copy(finished_small_run, tmp_path)
    _rewrite_checkpoint(run, lambda state: state.__setitem__("generator_ema", "junk"))
    assert _sample(run, tmp_path) == 2
    assert "has a weight average (generator_ema) that is a str, not the state of a network" in one_line(capsys, SAMPLE)
    if TrainConfig.from_dict(minigan.load(run / "checkpoint.npz")["config"]).ema > 0:
        assert train_cli.main(["--resume", str(run), "--epochs", "2"]) == 2
        assert "bad EMA state: expected a dict with decay, num_updates and module, got str" in one_line(capsys, TRAIN)


@pytest.mark.parametrize("value", [100.7, 100.0, "100", True])
def test_latent_dim_in_config_json_must_be_an_integer(tmp_path, capsys, value):
    """latent_dim: 100.7 was truncated to 100 and accepted."""
    run = _generator_only(None, tmp_path, arch="seed", latent_dim=100)
    config = json.loads((run / "config.json").read_text())
    config["latent_dim"] = value
    (run / "config.json").write_text(json.dumps(config))
    assert _sample(run, tmp_path) == 2
    assert f"latent_dim must be a positive integer, got {value!r}" in one_line(capsys, SAMPLE)


@pytest.mark.parametrize("key, value", [("latent_dim", 8.7), ("batch_size", 50.0), ("epochs", "1"), ("seed", None)])
def test_integer_fields_of_a_checkpoint_config_must_be_integers(finished_small_run, tmp_path, capsys, key, value):
    run = _copy(finished_small_run, tmp_path)
    _rewrite_checkpoint(run, lambda state: state["config"].__setitem__(key, value))
    code = train_cli.main(["--resume", str(run), "--epochs", "2"])
    if value is None:  # None means "the default" for the optional fields, and seed must then be given
        assert code == 2 and "seed must be a non-negative integer, got None" in one_line(capsys, TRAIN)
        return
    assert code == 2
    assert f"the run's config has {key} {value!r}, which is not an integer" in one_line(capsys, TRAIN)


def test_train_config_from_dict_refuses_a_string_lr():
    with pytest.raises(ValueError, match=r"the run's config has lr '0.1', which is not a number"):
        TrainConfig.from_dict({"lr": "0.1"})


# ---------------------------------------------------------------- the library
def test_load_state_dict_names_each_problem_once():
    """The first line named the first problem, and the lines below repeated every problem."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    state = {key: np.asarray(value) for key, value in model.state_dict().items()}
    state["extra"] = np.zeros(1)
    del state["0.bias"]
    with pytest.raises(RuntimeError) as caught:
        model.load_state_dict(state)
    message = str(caught.value)
    assert message.count("'0.bias'") == 1 and message.count("'extra'") == 1
    assert message.splitlines()[0] == ("Error(s) in loading state_dict for Sequential: Missing key(s): '0.bias' "
                                       "(and 1 more)")
    assert message.splitlines()[1:] == ["\tUnexpected key(s): 'extra'"]


def test_a_numpy_gradient_is_named_not_called_a_device_mismatch():
    """step() said "the gradient is on cpu but its parameter is on cpu"; the assignment now
    refuses it, with PyTorch's message."""
    p = nn.Parameter(minigan.zeros(3))
    with pytest.raises(TypeError, match=r"^assigned grad expected to be a Tensor or None but got grad of type ndarray$"):
        p.grad = np.ones(3, dtype=np.float32)
    p.grad = minigan.ones(3)
    optim.SGD([p], lr=0.5).step()
    np.testing.assert_array_equal(p.array, np.full(3, -0.5, np.float32))


@pytest.fixture(scope="module")
def small_mnist(small_mnist_dir):
    from minigan.data import MNIST

    return MNIST(root=str(small_mnist_dir), verbose=False)


@pytest.mark.parametrize("index", [[1, 2], np.array([1, 2]), slice(0, 2), 1.0])
def test_mnist_indexing_with_several_indices_is_one_line(small_mnist, index):
    """MNIST[[1, 2]] said "only 0-dimensional arrays can be converted to Python scalars"."""
    with pytest.raises(TypeError, match=r"^MNIST\[index\] takes one int index \(one sample\), got .*; for several, "
                                        r"use a Subset or a DataLoader$"):
        small_mnist[index]
    image, label = small_mnist[np.int64(1)]
    assert label == int(small_mnist.targets[1]) and image.shape == (1, 28, 28)


def test_mnist_with_an_empty_root_and_download_goes_through_the_source_chain(small_mnist_dir, tmp_path, monkeypatch):
    """An existing empty root was taken for a data directory missing its files, and refused."""
    from minigan.data import MNIST, DataError

    monkeypatch.setenv("MINIGAN_DATA", str(small_mnist_dir))  # the chain's first source, offline
    empty = tmp_path / "root"
    empty.mkdir()
    data = MNIST(root=str(empty), download=True, verbose=False)
    assert len(data) == 10_100
    with pytest.raises(DataError):  # download=False keeps to the directory given, as before
        MNIST(root=str(empty), download=False, verbose=False)
