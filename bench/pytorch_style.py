"""Milliseconds per GAN iteration written exactly as PyTorch code is written, against minigan's own fused style.

Three ways to write the same networks (same layers, same starting weights), one GAN iteration
each at batch 64 (one D step, one G step, Adam, as bench/step.py):

* ``fused``: minigan's own nets (minigan/gan/models.py): D ends in a Linear (logits) and the
  loss is ``F.bce_with_logits``;
* ``pytorch_style``: the PyTorch collections' way: ``nn.Sequential`` of separate modules
  (``nn.LeakyReLU(0.2, inplace=True)``, ``nn.ReLU(inplace=True)``), ``nn.Sigmoid()`` ending D,
  ``nn.BCELoss()`` against label tensors, ``minigan.randn`` noise;
* ``forward_style``: the same, but the layers called one by one in ``forward`` as
  examples/tutorial_gan.py does (``x = self.relu(self.fc1(z))``), so nothing folds them.

Nets: ``seed`` (the 3-layer tutorial GAN, G 100-256-256-784) and ``default`` (the wide MLP).
Each thread count runs in its own process (OPENBLAS/OMP/MKL/NUMBA_NUM_THREADS set before NumPy
loads). Candidates are timed interleaved in one run (bench/_common.py), median of the repeats;
ratios are paired. floor_ms is bench/step.py's floor (the iteration's BLAS products plus the
bytes Adam must move), its two parts timed in the same rotation; floor/style is the fraction of it
the PyTorch-style script reaches, paired like the other ratios.
With PyTorch importable, ``torch_ms`` is the same PyTorch-style script run on PyTorch.

    python bench/pytorch_style.py [--threads 1 2] [--arch seed default] [--repeats 7] [--json]
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
from typing import Any, Callable

import numpy as np
from _common import add_torch_report, machine_report, paired_ratio, print_results, time_interleaved
from step import LATENT, floor_candidates, floor_part_samples, floor_timing, to_torch

import minigan as mg
from minigan import backends, nn
from minigan.gan.models import build_models, get_architecture
from minigan.nn import functional as F

try:
    import torch
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None

BATCH = 64
NO_TORCH = "PyTorch not installed"


def pytorch_style(model: nn.Sequential, sigmoid_head: bool) -> nn.Sequential:
    """``model``'s layers (weights copied) with its activations as a PyTorch script writes
    them, and ``nn.Sigmoid()`` appended when ``sigmoid_head`` (a D that outputs probabilities)."""
    layers = []
    for module in model:
        if isinstance(module, nn.LeakyReLU):
            layers.append(nn.LeakyReLU(module.negative_slope, inplace=True))
        elif isinstance(module, nn.ReLU):
            layers.append(nn.ReLU(inplace=True))
        else:
            layers.append(copy.deepcopy(module))
    if sigmoid_head:
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


class ForwardStyle(nn.Module):
    """The layers of a Sequential called one by one in ``forward``, as a script written without
    ``nn.Sequential`` does (``x = self.relu(self.fc1(z))``)."""

    def __init__(self, layers: nn.Sequential) -> None:
        super().__init__()
        self.layers = layers

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x


def _step(lib: Any, generator: Any, discriminator: Any, betas: tuple[float, float], loss: Callable,
          real: Any) -> Callable[[], None]:
    """One GAN iteration as a closure, written as the PyTorch tutorials write it; ``lib`` is
    minigan or torch, which run the very same lines."""
    opt_g = lib.optim.Adam(generator.parameters(), lr=2e-4, betas=betas)
    opt_d = lib.optim.Adam(discriminator.parameters(), lr=2e-4, betas=betas)
    real_labels, fake_labels = lib.ones(BATCH, 1), lib.zeros(BATCH, 1)

    def step() -> None:
        fake = generator(lib.randn(BATCH, LATENT))
        d_loss = loss(discriminator(real), real_labels) + loss(discriminator(fake.detach()), fake_labels)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = loss(discriminator(fake), real_labels)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    return step


def candidates(arch: str, seed: int = 0) -> tuple[dict[str, Callable[[], None]], tuple[nn.Module, nn.Module]]:
    """The three styles of ``arch`` (and PyTorch's, when importable), all from the same weights."""
    rng = np.random.default_rng(seed)
    generator, discriminator, spec = build_models(arch, LATENT, rng)
    styled = {
        "fused": (copy.deepcopy(generator), copy.deepcopy(discriminator), F.bce_with_logits),
        "pytorch_style": (pytorch_style(generator, False), pytorch_style(discriminator, True), nn.BCELoss()),
    }
    g_style, d_style, _ = styled["pytorch_style"]
    styled["forward_style"] = (ForwardStyle(copy.deepcopy(g_style)), ForwardStyle(copy.deepcopy(d_style)), nn.BCELoss())
    steps = {name: _step(mg, g, d, spec.betas, loss, mg.tensor(np.random.default_rng(seed + 1).random(
        (BATCH, 784), dtype=np.float32))) for name, (g, d, loss) in styled.items()}
    if torch is not None:  # the PyTorch-style script on PyTorch itself (Sigmoid-ended D, nn.BCELoss), same weights
        steps["torch"] = _step(torch, to_torch(g_style), to_torch(d_style), spec.betas, torch.nn.BCELoss(),
                               torch.rand(BATCH, 784))
    return steps, (generator, discriminator)


def measure(archs: list[str], threads: int, repeats: int) -> list[dict[str, Any]]:
    """The rows of this process (its thread count is set by the environment)."""
    backends.warmup()
    if torch is not None:
        torch.set_num_threads(threads)
    rows = []
    for arch in archs:
        steps, models = candidates(arch)
        # the floor's two parts in the same rotation as the steps, as in bench/step.py
        steps.update(floor_candidates(models, BATCH))
        timings = time_interleaved(steps, repeats=repeats, target_s=0.2)
        timings["floor"] = floor_timing(floor_part_samples(timings, models))
        row: dict[str, Any] = {
            "arch": arch, "threads": threads, "batch": BATCH,
            "fused_ms": timings["fused"].median * 1e3,
            "pytorch_style_ms": timings["pytorch_style"].median * 1e3,
            "forward_style_ms": timings["forward_style"].median * 1e3,
            "style/fused": paired_ratio(timings, "pytorch_style", "fused"),
            "forward/fused": paired_ratio(timings, "forward_style", "fused"),
            "floor_ms": timings["floor"].median * 1e3,
            "floor/style": paired_ratio(timings, "floor", "pytorch_style"),
        }
        if torch is not None:
            row["torch_ms"] = timings["torch"].median * 1e3
            row["style/torch"] = paired_ratio(timings, "pytorch_style", "torch")
        else:
            row["torch_ms"] = row["style/torch"] = NO_TORCH
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="+", default=["seed", "default"], choices=["seed", "default"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per candidate (>= 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # one thread count, rows as JSON
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    if any(n < 1 for n in args.threads):
        parser.error("--threads must be at least 1")
    for arch in args.arch:
        get_architecture(arch)
    if args.child:
        rows = measure(args.arch, args.threads[0], args.repeats)
        print(json.dumps({"rows": rows, "machine": machine_report()}, default=str))
        return
    rows, report = [], {}
    for threads in args.threads:
        env = dict(os.environ, **{name: str(threads) for name in (
            "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")})
        command = [sys.executable, __file__, "--child", "--threads", str(threads), "--repeats", str(args.repeats),
                   "--arch", *args.arch]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"pytorch_style: the {threads}-thread run failed:\n{done.stderr.strip()}")
        child = json.loads(done.stdout.strip().splitlines()[-1])
        rows += child["rows"]
        machine = child["machine"]
        report[f"threads={threads}"] = (f"numba_threads={machine.get('numba_threads')}, "
                                        f"blas_threads={machine.get('blas_threads')}, "
                                        f"loadavg_1_5_15 after={machine.get('loadavg_1_5_15')}")
        report.update({k: v for k, v in machine.items()
                       if k not in ("numba_threads", "blas_threads", "env", "loadavg_1_5_15")})
    add_torch_report(report, torch)
    columns = ["arch", "threads", "batch", "fused_ms", "pytorch_style_ms", "forward_style_ms", "style/fused",
               "forward/fused", "floor_ms", "floor/style", "torch_ms", "style/torch"]
    print_results(report, rows, columns, args.json)


if __name__ == "__main__":
    main()
