"""Round trip of a generator through a .safetensors file: minigan -> file -> NumPy and PyTorch.

For each generator it (a) writes the file as ``python -m minigan.export`` does (for a RUN_DIR, by
running the program itself), (b) reads it back with ``safetensors.numpy.load_file``, rebuilds the
network from the layout in the file's metadata, runs it with the plain NumPy forward written out
below (float64) and compares with the samples of ``python -m minigan.sample`` for the same
seed, and (c) where ``import torch`` works, builds the same network in PyTorch from that layout,
loads the file with ``safetensors.torch.load_file`` and ``load_state_dict``, and compares its
samples with minigan's (float32 both; the target is a max abs difference <= 1e-6).

    python bench/safetensors_roundtrip.py RUN_DIR [-n 64] [--seed 0]
    python bench/safetensors_roundtrip.py            # every built-in generator, random weights

Without a RUN_DIR, each built-in architecture's generator is built with random weights (BatchNorm's
affine weights and running statistics drawn too, so eval-mode BatchNorm is exercised) and written
with the same metadata the export writes. Exit status: 0 when every comparison is within its
tolerance, 1 when one is not. PyTorch is optional; without it (c) is reported as skipped.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import safetensors  # noqa: E402
import safetensors.numpy  # noqa: E402

import _common  # noqa: E402,F401 - makes the package importable from a source checkout
from minigan import export as export_cli  # noqa: E402
from minigan import sample as sample_cli  # noqa: E402
from minigan.gan.models import ARCHITECTURES, build_models  # noqa: E402
from minigan.gan.weights_export import generator_metadata  # noqa: E402
from minigan.torch_api.safetensors_format import save_file  # noqa: E402

NUMPY_TOLERANCE = 1e-5  # float64 NumPy against minigan's float32
TORCH_TOLERANCE = 1e-6  # float32 against float32
LAYER = re.compile(r"^\s*\((\d+)\): (\w+)\((.*)\)$")


def layout(module_text: str) -> list[tuple[str, str, list, dict]]:
    """(index, class name, positional args, keyword args) of each layer of an nn.Sequential as
    PyTorch prints it (the ``module`` metadata)."""
    layers = []
    for line in module_text.splitlines()[1:-1]:
        match = LAYER.match(line)
        if match is None:
            raise ValueError(f"cannot read the layer {line.strip()!r} of the module metadata")
        index, name, arguments = match.groups()
        call = ast.parse(f"f({arguments})", mode="eval").body
        layers.append((index, name, [ast.literal_eval(a) for a in call.args],
                       {k.arg: ast.literal_eval(k.value) for k in call.keywords}))
    return layers


def conv_transpose2d(x, weight, bias, stride, padding):
    """PyTorch's ConvTranspose2d (no output padding, dilation 1): each input pixel adds its value
    times the kernel at stride-spaced offsets, and ``padding`` is cropped off each side."""
    n, _, h, w = x.shape
    _, out_channels, kh, kw = weight.shape
    (sh, sw), (ph, pw) = stride, padding
    full = np.zeros((n, out_channels, (h - 1) * sh + kh, (w - 1) * sw + kw))
    for i in range(kh):
        for j in range(kw):
            full[:, :, i:i + (h - 1) * sh + 1:sh, j:j + (w - 1) * sw + 1:sw] += np.einsum(
                "ncyx,co->noyx", x, weight[:, :, i, j])
    out = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return out if bias is None else out + bias[None, :, None, None]


def numpy_forward(state: dict, module_text: str, z: np.ndarray) -> np.ndarray:
    """The generator in plain NumPy (float64), eval mode, layer by layer from the layout."""
    x = z.astype(np.float64)
    p = {k: v.astype(np.float64) for k, v in state.items()}
    for index, name, args, kwargs in layout(module_text):
        if name == "Linear":
            x = x @ p[f"{index}.weight"].T + p.get(f"{index}.bias", 0.0)
        elif name in ("BatchNorm1d", "BatchNorm2d"):
            shape = (1, -1) + (1,) * (x.ndim - 2)
            mean, var = p[f"{index}.running_mean"].reshape(shape), p[f"{index}.running_var"].reshape(shape)
            x = (x - mean) / np.sqrt(var + kwargs["eps"])
            x = x * p[f"{index}.weight"].reshape(shape) + p[f"{index}.bias"].reshape(shape)
        elif name == "ReLU":
            x = np.maximum(x, 0.0)
        elif name == "LeakyReLU":
            x = np.where(x > 0, x, kwargs["negative_slope"] * x)
        elif name == "Sigmoid":
            x = 1.0 / (1.0 + np.exp(-x))
        elif name == "Tanh":
            x = np.tanh(x)
        elif name == "Unflatten":
            x = x.reshape(x.shape[:kwargs["dim"]] + tuple(kwargs["unflattened_size"]))
        elif name == "Flatten":
            x = x.reshape(x.shape[0], -1)
        elif name == "ConvTranspose2d":
            x = conv_transpose2d(x, p[f"{index}.weight"], p.get(f"{index}.bias"), kwargs["stride"], kwargs["padding"])
        else:
            raise ValueError(f"no NumPy forward written for {name}")
    return x


def to_unit(images: np.ndarray, output_range: str) -> np.ndarray:
    """Generator output -> pixels in [0, 1], as minigan.sample writes them."""
    return np.clip((images + 1) / 2 if output_range == "[-1, 1]" else images, 0.0, 1.0)


def torch_samples(torch, path: Path, module_text: str, z: np.ndarray, output_range: str) -> np.ndarray:
    """The same network built in PyTorch from the layout, its weights from safetensors.torch."""
    import safetensors.torch

    net = torch.nn.Sequential(*[getattr(torch.nn, name)(*args, **kwargs) for _, name, args, kwargs in layout(module_text)])
    net.load_state_dict(safetensors.torch.load_file(str(path)))
    net.eval()
    with torch.no_grad():
        out = net(torch.from_numpy(z)).numpy()
    return to_unit(out, output_range).reshape(-1, 28, 28)


def minigan_samples(path: Path, n: int, seed: int, workdir: Path) -> np.ndarray:
    npy = workdir / f"{path.stem}.npy"
    with contextlib.redirect_stdout(io.StringIO()):
        status = sample_cli.main(["--checkpoint", str(path), "-n", str(n), "--seed", str(seed), "--npy", str(npy)])
    if status != 0:
        raise SystemExit(f"python -m minigan.sample could not read {path}")
    return np.load(npy)


def random_generator_file(arch: str, path: Path) -> None:
    """Arch's generator with random weights, BatchNorm statistics included, written as the export does."""
    generator, _, architecture = build_models(arch, 100, rng=np.random.default_rng(1))
    rng = np.random.default_rng(2)
    state = {name: tensor.numpy() for name, tensor in generator.state_dict().items()}
    for name, array in state.items():
        if name.endswith("running_var"):
            state[name] = rng.uniform(0.5, 2.0, array.shape).astype(np.float32)
        elif array.ndim == 1 and array.dtype.kind == "f":  # biases, BatchNorm's weight, bias and running mean
            state[name] = (array + rng.normal(0.0, 0.1, array.shape)).astype(np.float32)
    generator.load_state_dict(state)
    save_file(generator.state_dict(), path, generator_metadata(generator, architecture, 100, {"ema": 0.0}))


def check(path: Path, n: int, seed: int, torch, workdir: Path) -> bool:
    with safetensors.safe_open(str(path), framework="numpy") as handle:
        metadata = handle.metadata()
    state = safetensors.numpy.load_file(str(path))
    z = np.random.default_rng(seed).standard_normal((n, int(metadata["latent_dim"])), dtype=np.float32)
    ours = minigan_samples(path, n, seed, workdir)
    reference = to_unit(numpy_forward(state, metadata["module"], z), metadata["output_range"]).reshape(-1, 28, 28)
    numpy_diff = float(np.max(np.abs(ours - reference)))
    ok = numpy_diff <= NUMPY_TOLERANCE
    line = f"{metadata['arch']:>10} {len(state):>8} {numpy_diff:>14.2e}"
    if torch is None:
        line += f" {'skipped (no torch)':>18}"
    else:
        torch_diff = float(np.max(np.abs(ours - torch_samples(torch, path, metadata["module"], z, metadata["output_range"]))))
        ok = ok and torch_diff <= TORCH_TOLERANCE
        line += f" {torch_diff:>18.2e}"
    print(line + ("  ok" if ok else "  FAILED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", nargs="?", help="a run directory written by python -m minigan.train")
    parser.add_argument("-n", type=int, default=64, help="samples to compare (default: 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise (default: 0)")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        torch = None
    print(f"samples: {args.n}, seed {args.seed}; tolerances: NumPy (float64) {NUMPY_TOLERANCE:g}, "
          f"PyTorch {TORCH_TOLERANCE:g}" + ("" if torch is None else f"; torch {torch.__version__}"))
    print(f"{'arch':>10} {'tensors':>8} {'|numpy - ours|':>14} {'|torch - ours|':>18}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        paths = []
        if args.run_dir is not None:
            path = workdir / "generator.safetensors"
            if export_cli.main([args.run_dir, "--format", "safetensors", "--out", str(path)]) != 0:
                return 1
            paths.append(path)
        else:
            for arch in ARCHITECTURES:
                paths.append(workdir / f"{arch}.safetensors")
                random_generator_file(arch, paths[-1])
        results = [check(path, args.n, args.seed, torch, workdir) for path in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
