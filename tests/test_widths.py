"""The hidden widths of the MLP networks as a training setting (--g-hidden, --d-hidden): the nets
built with them, the default widths giving each architecture's own nets, the parameter count of
the memory check, a run with custom widths read back by sample/evaluate/export, the one-line
refusals, and the sweep's syntax for lists of widths."""
import json

import numpy as np
import pytest

from minigan import nn
from minigan import sample as sample_cli
from minigan import train as train_cli
from minigan.gan import ARCHITECTURES, TrainConfig, Trainer, build_models, parameter_count
from minigan.gan.config import rerun_settings, settings_in_force
from minigan.gan.errors import ConfigError
from minigan.gan.sampling import load_generator
from minigan.sweep import cli as sweep_cli
from minigan.sweep.spec import SweepError, read_sweep_file, trial_settings
from minigan.torch_api.serialization import load

TRAIN = "python -m minigan.train"
# The hidden widths of each architecture's MLP nets as models.py's docstring writes them out
# (None: a convolutional net, whose widths are not a setting).
DOCUMENTED = {"seed": ((256, 256), (64, 64)), "dcgan-mlp": ((128, 256, 512, 1024), (512, 256)),
              "default": ((128, 256, 512, 1024), (512, 256)), "tiny": ((64,), (32,)),
              "cnn-d": ((128, 256, 512, 1024), None), "dcgan": (None, None)}


def _linear_shapes(net):
    return [(m.in_features, m.out_features) for m in net.modules() if isinstance(m, nn.Linear)]


def _chain(sizes):
    return list(zip(sizes, sizes[1:]))


def _one_line_error(capsys, prog=TRAIN):
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    errors = [line for line in captured.err.splitlines() if line.startswith(f"{prog}: error: ")]
    assert len(errors) == 1 and captured.err.splitlines()[-1] == errors[0], captured.err
    return errors[0]


def test_every_architecture_declares_the_widths_it_is_documented_with():
    assert {name: (a.g_hidden, a.d_hidden) for name, a in ARCHITECTURES.items()} == DOCUMENTED


@pytest.mark.parametrize("arch", [name for name, (g, _) in DOCUMENTED.items() if g is not None])
def test_given_widths_give_linear_layers_of_exactly_those_shapes(arch):
    d_hidden = [40, 30, 20] if DOCUMENTED[arch][1] is not None else None
    G, D, _ = build_models(arch, 7, np.random.default_rng(0), g_hidden=[24, 48, 96], d_hidden=d_hidden)
    assert _linear_shapes(G) == _chain([7, 24, 48, 96, 784])
    if d_hidden is not None:
        assert _linear_shapes(D) == _chain([784, 40, 30, 20, 1])
    # the layers between are the architecture's: BatchNorm from the second hidden layer where G has it
    batchnorms = [m.num_features for m in G.modules() if isinstance(m, nn.BatchNorm1d)]
    assert batchnorms == ([48, 96] if arch in ("dcgan-mlp", "default", "cnn-d") else [])
    dropouts = sum(isinstance(m, nn.Dropout) for m in D.modules())
    assert dropouts == (3 if arch == "default" else 0)
    out = G(nn.Parameter(np.zeros((2, 7), dtype=np.float32)))  # it runs: (2, 784)
    assert out.shape == (2, 784)


@pytest.mark.parametrize("arch", list(DOCUMENTED))
def test_the_default_widths_reproduce_the_architectures_nets(arch):
    g_hidden, d_hidden = DOCUMENTED[arch]
    G, D, _ = build_models(arch, 100, np.random.default_rng(3))
    if g_hidden is not None:
        assert _linear_shapes(G) == _chain([100, *g_hidden, 784])
    if d_hidden is not None:
        assert _linear_shapes(D) == _chain([784, *d_hidden, 1])
    # given explicitly, the same widths draw the same weights from the same Generator
    G2, D2, _ = build_models(arch, 100, np.random.default_rng(3), g_hidden=g_hidden, d_hidden=d_hidden)
    for net, again in ((G, G2), (D, D2)):
        assert repr(net) == repr(again)
        state, state2 = net.state_dict(), again.state_dict()
        assert list(state) == list(state2)
        for key in state:
            np.testing.assert_array_equal(np.asarray(state[key]), np.asarray(state2[key]), err_msg=key)
    config = TrainConfig(arch=arch).resolve()
    assert (config.g_hidden, config.d_hidden) == (g_hidden, d_hidden)


@pytest.mark.parametrize("arch", list(DOCUMENTED))
def test_the_parameter_count_follows_the_widths(arch):
    g_hidden = (9, 17, 5) if DOCUMENTED[arch][0] is not None else None
    d_hidden = (13, 6) if DOCUMENTED[arch][1] is not None else None
    G, D, _ = build_models(arch, 11, np.random.default_rng(0), g_hidden=g_hidden, d_hidden=d_hidden)
    built = sum(p.array.size for net in (G, D) for p in net.parameters())
    assert parameter_count(arch, 11, g_hidden, d_hidden) == built


def test_the_config_resolves_checks_and_records_the_widths():
    config = TrainConfig(arch="tiny", g_hidden=[16, 8], d_hidden=(4,)).resolve()
    assert (config.g_hidden, config.d_hidden) == ((16, 8), (4,))
    assert config.to_dict()["g_hidden"] == [16, 8]
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert "G hidden widths 16,8, D hidden widths 4" in settings_in_force(config, 10)
    assert "hidden widths" not in settings_in_force(TrainConfig(arch="tiny").resolve(), 10)
    for bad, message in (([0], "positive integers"), ([], "positive integers"), ("16,8", "positive integers"),
                         ([16, 2.5], "positive integers"), ([True], "positive integers")):
        with pytest.raises(ConfigError, match=message):
            TrainConfig(arch="tiny", g_hidden=bad).resolve()
    with pytest.raises(ConfigError, match="the generator of --arch dcgan is convolutional"):
        TrainConfig(arch="dcgan", g_hidden=[8]).resolve()
    with pytest.raises(ConfigError, match="the discriminator of --arch cnn-d is convolutional"):
        TrainConfig(arch="cnn-d", d_hidden=[8]).resolve()
    assert TrainConfig(arch="cnn-d", g_hidden=[8]).resolve().g_hidden == (8,)  # its G is the MLP


def test_a_rerun_with_another_architecture_takes_that_ones_widths(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TrainConfig(arch="tiny", g_hidden=[16]).resolve().to_dict()))
    assert rerun_settings(path, {"epochs": 2})["g_hidden"] == (16,)
    assert "g_hidden" not in rerun_settings(path, {"arch": "default"})
    assert rerun_settings(path, {"arch": "seed", "g_hidden": (8, 8)})["g_hidden"] == (8, 8)


@pytest.mark.parametrize("args, message", [
    (["--g-hidden", "0"], "argument --g-hidden: expected positive integers separated by commas"),
    (["--g-hidden", "16,x"], "argument --g-hidden: expected positive integers separated by commas"),
    (["--d-hidden", ""], "argument --d-hidden: expected positive integers separated by commas"),
    (["--arch", "dcgan", "--g-hidden", "64"], "the generator of --arch dcgan is convolutional"),
    (["--arch", "cnn-d", "--d-hidden", "64"], "the discriminator of --arch cnn-d is convolutional"),
    (["--g-hidden", "100000000,100000000"], "--g-hidden 100000000,100000000 needs about"),
])
def test_bad_widths_are_refused_in_one_line(small_train_args, tmp_path, capsys, args, message):
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out)] + args) == 2
    assert message in _one_line_error(capsys)
    assert not out.exists()


def test_a_resumed_run_keeps_its_widths(small_train_args, tmp_path, capsys):
    out = tmp_path / "run"
    assert train_cli.main(small_train_args + ["--epochs", "1", "--out", str(out), "--g-hidden", "16,24"]) == 0
    capsys.readouterr()
    assert train_cli.main(["--resume", str(out), "--epochs", "2", "--g-hidden", "16"]) == 2
    assert "is from a run with g-hidden (16, 24), not (16,)" in _one_line_error(capsys)
    assert train_cli.main(["--resume", str(out), "--epochs", "2", "--g-hidden", "16,24",
                           "--data-dir", small_train_args[small_train_args.index("--data-dir") + 1]]) == 0
    assert json.loads((out / "config.json").read_text())["epochs"] == 2


def _run_with_widths(small_train_args, out, capsys):
    assert train_cli.main(small_train_args + ["--epochs", "2", "--out", str(out), "--g-hidden", "16,24",
                                              "--d-hidden", "12,10", "--eval-every", "1"]) == 0
    log = capsys.readouterr().out
    assert "G hidden widths 16,24, D hidden widths 12,10" in log  # the header line
    config = json.loads((out / "config.json").read_text())
    assert (config["g_hidden"], config["d_hidden"]) == ([16, 24], [12, 10])
    assert _linear_shapes(Trainer.resume(out, verbose=False).discriminator) == _chain([784, 12, 10, 1])


def test_a_run_with_custom_widths_is_sampled_and_exported_from_its_directory(small_train_args, tmp_path, capsys):
    out = tmp_path / "run"
    _run_with_widths(small_train_args, out, capsys)
    for which, weights in (("best", "best.npz"), ("last", "generator.npz")):
        generator, _, latent_dim = load_generator(out, which=which)
        assert _linear_shapes(generator) == _chain([8, 16, 24, 784])
        for key, value in load(out / weights).items():
            np.testing.assert_array_equal(generator.state_dict()[key], value)
        assert sample_cli.main(["--checkpoint", str(out), "--which", which, "-n", "4",
                                "--npy", str(tmp_path / f"{which}.npy")]) == 0
        assert np.load(tmp_path / f"{which}.npy").reshape(4, 784).shape == (4, 784)
    raw, _, _ = load_generator(out / "checkpoint.npz", weights="raw")
    assert _linear_shapes(raw) == _chain([8, 16, 24, 784])
    pytest.importorskip("safetensors", reason="the safetensors extra: pip install -e '.[safetensors]'")
    from minigan import export as export_cli

    exported = tmp_path / "g.safetensors"
    assert export_cli.main([str(out), "--out", str(exported)]) == 0
    generator, _, _ = load_generator(exported)
    assert _linear_shapes(generator) == _chain([8, 16, 24, 784])
    for key, value in load(out / "best.npz").items():
        np.testing.assert_array_equal(generator.state_dict()[key], value)


@pytest.mark.mnist  # minigan.evaluate scores against the real test set
def test_a_run_with_custom_widths_is_evaluated_from_its_directory(small_train_args, tmp_path, capsys):
    from minigan import evaluate as evaluate_cli

    out = tmp_path / "run"
    _run_with_widths(small_train_args, out, capsys)
    for which in ("best", "last"):
        assert evaluate_cli.main([str(out), "--which", which, "--n", "2000", "--no-parzen"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert any("weights=best" in key for key in metrics["evaluations"])


def test_a_sweep_searches_widths_from_its_file_and_its_flags(tmp_path):
    path = tmp_path / "widths.toml"
    path.write_text('[budget]\nepochs = 2\n[fixed]\narch = "default"\n'
                    '[grid]\ng_hidden = [[128, 256, 512, 1024], [256, 512, 1024]]\n'
                    '[choice]\nd_hidden = [[512, 256], [1024, 512]]\n')
    spec = read_sweep_file(path).check()
    assert spec.grid["g_hidden"] == [[128, 256, 512, 1024], [256, 512, 1024]]
    settings = trial_settings({"g_hidden": [256, 512, 1024], "d_hidden": [1024, 512], "seed": 0}, spec)
    config = TrainConfig(**settings).resolve()
    assert (config.g_hidden, config.d_hidden) == ((256, 512, 1024), (1024, 512))
    args = sweep_cli.build_parser().parse_args(["--epochs", "1", "--set", "arch=tiny", "--set", "d_hidden=[16,8]",
                                                "--grid", "g_hidden=[32],[64,32]"])
    spec = sweep_cli.spec_from_args(args)
    assert spec.fixed["d_hidden"] == [16, 8] and spec.grid["g_hidden"] == [[32], [64, 32]]
    for text, message in (('[grid]\ng_hidden = [[64], [0]]\n', "g_hidden = [0]: --g-hidden must be one or more"),
                          ('[fixed]\narch = "dcgan"\n[grid]\ng_hidden = [[64]]\n', "is convolutional")):
        path.write_text('[budget]\nepochs = 2\n' + text)
        with pytest.raises(SweepError, match=message.replace("[", r"\[").replace("]", r"\]")) as error:
            read_sweep_file(path).check()
        assert "\n" not in str(error.value)


@pytest.mark.slow
def test_a_sweep_on_local_ray_trains_each_trial_with_its_widths(small_mnist_dir, tmp_path):
    """Two tiny trials, one per G width list given to --grid, on a local Ray: each run directory
    records and was built with its widths."""
    import csv
    import os
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("ray.tune", reason="the sweep extra: pip install -e '.[sweep]'")
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo), "RAY_DEDUP_LOGS": "0"}
    command = [sys.executable, "-m", "minigan.sweep", "--out", str(tmp_path), "--name", "w", "--epochs", "1",
               "--set", "arch=tiny", "--set", "latent_dim=8", "--set", "batch_size=50", "--set", "d_hidden=[12]",
               "--grid", "g_hidden=[16],[24,12]", "--data-dir", str(small_mnist_dir), "--max-concurrent", "1",
               "--no-asha"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    with open(tmp_path / "w" / "results.csv") as handle:
        rows = list(csv.DictReader(handle))
    widths = {}
    for row in rows:
        config = json.loads((Path(row["run_dir"]) / "config.json").read_text())
        generator, _, _ = load_generator(row["run_dir"], which="last")
        assert _linear_shapes(generator) == _chain([8, *config["g_hidden"], 784])
        widths[tuple(config["g_hidden"])] = config["d_hidden"]
    assert widths == {(16,): [12], (24, 12): [12]}
