"""Milliseconds per GAN training iteration: minigan (Numba kernels and plain NumPy) vs PyTorch.

One iteration is one D step and one G step, as in PyTorch's DCGAN example: z -> G(z);
D loss = BCE(D(x), 1) + BCE(D(G(z).detach()), 0), backward, Adam; G loss = BCE(D(G(z)), 1),
backward, Adam. Both libraries run the very same networks (PyTorch's copy is built by walking
minigan's Sequential and copying its weights) with the same threads. Candidates are timed
interleaved in one run (bench/_common.py), median of the repeats; ratios are paired.

The floor is the iteration's matmul FLOPs divided by the float32 GEMM rate measured in the
same run: no implementation can beat it, and minigan's fraction of it says how much time
goes elsewhere (elementwise work, Python overhead).

    python bench/step.py [--json] [--repeats 7] [--arch seed default dcgan cnn-d] [--batch 64 256] [--device cpu]

The floor counts the matrix products of Linear, Conv2d and ConvTranspose2d layers (a convolution's
forward, input gradient and weight gradient are each one product of its FLOPs).

With ``--device cuda`` it times minigan on the GPU (CuPy) against PyTorch CUDA when that is
importable; each timed step ends with a device synchronisation.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any, Callable

import numpy as np
from _common import format_report, format_table, machine_report, paired_ratio, time_interleaved

import minigan as mg
from minigan import backends, nn, optim
from minigan.gan.models import build_models, get_architecture
from minigan.nn import functional as F

try:
    import torch
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _layer_flops(layer: nn.Module, batch: int, in_shape: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """(FLOPs of one forward product of ``layer`` on ``batch`` inputs of ``in_shape``, its output shape)."""
    if isinstance(layer, nn.Linear):
        return 2 * batch * layer.in_features * layer.out_features, (layer.out_features,)
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        out_shape = tuple(layer(mg.zeros((1,) + in_shape)).shape[1:])
        kh, kw = layer.kernel_size
        pixels = (out_shape if isinstance(layer, nn.Conv2d) else in_shape)[1] * \
            (out_shape if isinstance(layer, nn.Conv2d) else in_shape)[2]
        return 2 * batch * pixels * layer.in_channels * layer.out_channels * kh * kw, out_shape
    if isinstance(layer, (nn.Unflatten, nn.Flatten)):
        return 0, tuple(layer(mg.zeros((1,) + in_shape)).shape[1:])
    return 0, in_shape


def product_costs(model: nn.Module, batch: int, in_shape: tuple[int, ...]) -> list[int]:
    """Forward FLOPs of each layer with a matrix product (Linear, Conv2d, ConvTranspose2d), in order."""
    costs, shape = [], in_shape
    for layer in model.children():
        flops, shape = _layer_flops(layer, batch, shape)
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            costs.append(flops)
    return costs


def iteration_flops(generator: nn.Module, discriminator: nn.Module, batch: int) -> float:
    """Matmul FLOPs of one iteration (2 per multiply-add): forward, weight and input gradients.

    G: one forward, one backward (no input gradient for its first layer: z needs none).
    D: three forwards (real, fake detached, fake) and three backwards; its first layer's
    input gradient is needed only in the G step, where it flows into G.
    """
    g_costs = product_costs(generator, batch, (100,))
    d_costs = product_costs(discriminator, batch, (784,))
    g = sum(g_costs) * 3 - g_costs[0]
    d = sum(d_costs) * 9 - 2 * d_costs[0]
    return float(g + d)


def gemm_rate(repeats: int = 7) -> float:
    """float32 GEMM FLOP/s of NumPy's BLAS at a 512^3 product (median)."""
    a, b = np.ones((512, 512), np.float32), np.ones((512, 512), np.float32)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(10):
            a @ b
        samples.append((time.perf_counter() - start) / 10)
    return 2 * 512**3 / float(np.median(samples))


# ------------------------------------------------------------------ minigan
def minigan_step(arch: str, batch: int, mode: str, seed: int = 0, device: str = "cpu") -> Callable[[], None]:
    rng = np.random.default_rng(seed)
    generator, discriminator, spec = build_models(arch, 100, rng)
    generator.to(device)
    discriminator.to(device)
    opt_g = optim.Adam(generator.parameters(), lr=2e-4, betas=spec.betas)
    opt_d = optim.Adam(discriminator.parameters(), lr=2e-4, betas=spec.betas)
    real = mg.tensor(rng.random((batch, 784), dtype=np.float32), device=device)
    ones = mg.tensor(np.ones((batch, 1), np.float32), device=device)
    zeros = mg.tensor(np.zeros((batch, 1), np.float32), device=device)
    synchronize = _synchronizer(device)

    def step() -> None:
        with backends.use_cpu_kernels(mode):  # the CPU kernels this candidate times
            _step()
        synchronize()

    def _step() -> None:
        z = mg.tensor(rng.standard_normal((batch, 100), dtype=np.float32), device=device)
        fake = generator(z)
        d_loss = F.bce_with_logits(discriminator(real), ones) + F.bce_with_logits(discriminator(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.bce_with_logits(discriminator(fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    step.models = (generator, discriminator)  # type: ignore[attr-defined]
    return step


def _synchronizer(device: str) -> Callable[[], None]:
    """Waits for the device's queued work (GPU kernels run asynchronously); nothing on the CPU."""
    if device != "cuda":
        return lambda: None
    import cupy  # noqa: PLC0415

    return cupy.cuda.get_current_stream().synchronize


# ------------------------------------------------------------------ PyTorch twin
def to_torch(model: nn.Module) -> Any:
    """The same network in PyTorch, layer by layer, with minigan's weights copied over."""
    layers = []
    for module in model.children():
        if isinstance(module, nn.Linear):
            layer = torch.nn.Linear(module.in_features, module.out_features, bias=module.bias is not None)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(backends.to_numpy(module.weight.data)))
                if module.bias is not None:
                    layer.bias.copy_(torch.from_numpy(backends.to_numpy(module.bias.data)))
        elif isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            if isinstance(module, nn.Conv2d):
                layer = torch.nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size, module.stride,
                                        module.padding, module.dilation, bias=module.bias is not None)
            else:
                layer = torch.nn.ConvTranspose2d(module.in_channels, module.out_channels, module.kernel_size,
                                                 module.stride, module.padding, module.output_padding,
                                                 bias=module.bias is not None, dilation=module.dilation)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(backends.to_numpy(module.weight.data)))
                if module.bias is not None:
                    layer.bias.copy_(torch.from_numpy(backends.to_numpy(module.bias.data)))
        elif isinstance(module, nn.BatchNorm2d):
            layer = torch.nn.BatchNorm2d(module.num_features, eps=module.eps, momentum=module.momentum)
        elif isinstance(module, nn.BatchNorm1d):
            layer = torch.nn.BatchNorm1d(module.num_features, eps=module.eps, momentum=module.momentum)
        elif isinstance(module, nn.Unflatten):
            layer = torch.nn.Unflatten(module.dim, module.unflattened_size)
        elif isinstance(module, nn.Flatten):
            layer = torch.nn.Flatten(module.start_dim, module.end_dim)
        elif isinstance(module, nn.LeakyReLU):
            layer = torch.nn.LeakyReLU(module.negative_slope)
        elif isinstance(module, nn.Dropout):
            layer = torch.nn.Dropout(module.p)
        else:
            layer = {nn.ReLU: torch.nn.ReLU, nn.Sigmoid: torch.nn.Sigmoid, nn.Tanh: torch.nn.Tanh}[type(module)]()
        layers.append(layer)
    return torch.nn.Sequential(*layers)


def torch_step(models: tuple[nn.Module, nn.Module], betas: tuple[float, float], batch: int,
               device: str = "cpu") -> Callable[[], None]:
    generator, discriminator = (to_torch(m).to(device) for m in models)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=betas)
    loss = torch.nn.BCEWithLogitsLoss()
    real = torch.rand(batch, 784, device=device)
    ones, zeros = torch.ones(batch, 1, device=device), torch.zeros(batch, 1, device=device)
    synchronize = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def step() -> None:
        _step()
        synchronize()

    def _step() -> None:
        fake = generator(torch.randn(batch, 100, device=device))
        d_loss = loss(discriminator(real), ones) + loss(discriminator(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = loss(discriminator(fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="+", default=["seed", "default", "cnn-d", "dcgan"])
    parser.add_argument("--batch", nargs="+", type=int, default=[64, 256])
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per candidate (>= 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="cpu: Numba and NumPy kernels vs PyTorch CPU; cuda: CuPy vs PyTorch CUDA")
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    try:
        backends.check_device(args.device)
    except ValueError as error:
        parser.error(str(error))
    if args.device == "cuda":
        gpu_main(args)
        return

    backends.warmup()
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS") or len(os.sched_getaffinity(0))))
    rate = gemm_rate()
    rows = []
    for arch in args.arch:
        betas = get_architecture(arch).betas
        for batch in args.batch:
            numba_step = minigan_step(arch, batch, "numba")
            candidates = {"numba": numba_step, "numpy": minigan_step(arch, batch, "numpy")}
            if torch is not None:
                candidates["torch"] = torch_step(numba_step.models, betas, batch)
            timings = time_interleaved(candidates, repeats=args.repeats, target_s=0.2)
            flops = iteration_flops(*numba_step.models, batch)
            row: dict[str, Any] = {
                "arch": arch, "batch": batch,
                "numba_ms": timings["numba"].median * 1e3, "numpy_ms": timings["numpy"].median * 1e3,
                "numpy/numba": paired_ratio(timings, "numpy", "numba"),
                "floor_ms": flops / rate * 1e3,
            }
            row["floor/numba"] = row["floor_ms"] / row["numba_ms"]
            if torch is not None:
                row["torch_ms"] = timings["torch"].median * 1e3
                row["numba/torch"] = paired_ratio(timings, "numba", "torch")
                row["floor/torch"] = row["floor_ms"] / row["torch_ms"]
            rows.append(row)
    report = machine_report()
    report["gemm_gflops_512"] = round(rate / 1e9, 1)
    report["torch"] = torch.__version__ if torch is not None else "not installed (pip install torch for the comparison)"
    if torch is not None:
        report["torch_threads"] = torch.get_num_threads()
    if args.json:
        print(json.dumps({"machine": report, "rows": rows}, indent=2, default=str))
        return
    print(format_report(report))
    columns = ["arch", "batch", "numba_ms", "numpy_ms", "numpy/numba", "floor_ms", "floor/numba"]
    if torch is not None:
        columns[4:4] = ["torch_ms", "numba/torch"]
        columns.append("floor/torch")
    print(format_table(rows, columns))


def gpu_main(args: argparse.Namespace) -> None:
    """minigan on CuPy against PyTorch CUDA (when importable), each step synchronised."""
    torch_cuda = torch is not None and torch.cuda.is_available()
    rows = []
    for arch in args.arch:
        betas = get_architecture(arch).betas
        for batch in args.batch:
            gpu_step = minigan_step(arch, batch, "numba", device="cuda")
            candidates = {"cupy": gpu_step}
            if torch_cuda:
                candidates["torch_cuda"] = torch_step(gpu_step.models, betas, batch, device="cuda")
            timings = time_interleaved(candidates, repeats=args.repeats, target_s=0.2)
            row: dict[str, Any] = {"arch": arch, "batch": batch, "cupy_ms": timings["cupy"].median * 1e3}
            if torch_cuda:
                row["torch_cuda_ms"] = timings["torch_cuda"].median * 1e3
                row["cupy/torch"] = paired_ratio(timings, "cupy", "torch_cuda")
            rows.append(row)
    report = {"device": "cuda", "torch": torch.__version__ if torch_cuda else "PyTorch CUDA not importable"}
    if args.json:
        print(json.dumps({"machine": report, "rows": rows}, indent=2, default=str))
        return
    print(format_report(report))
    print(format_table(rows, ["arch", "batch", "cupy_ms"] + (["torch_cuda_ms", "cupy/torch"] if torch_cuda else [])))


if __name__ == "__main__":
    main()
