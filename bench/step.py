"""Milliseconds per GAN training iteration: minigan (Numba kernels and plain NumPy) vs PyTorch.

One iteration is one D step and one G step, as in PyTorch's DCGAN example: z -> G(z);
D loss from D(x) and D(G(z).detach()), backward, Adam; G loss from D(G(z)), backward, Adam.
The loss is each architecture's own, as ``python -m minigan.train`` resolves it (hinge for the
default net: relu(1 - D(x)).mean() + relu(1 + D(G(z))).mean() and -D(G(z)).mean(); BCE on
logits for the seed net: BCE(D(x), 1) + BCE(D(G(z)), 0) and BCE(D(G(z)), 1)), or ``--loss``;
PyTorch computes the same loss with its own ops. Both libraries run the very same networks (PyTorch's copy is built by walking
minigan's Sequential and copying its weights) with the same threads. Candidates are timed
interleaved in one run (bench/_common.py), median of the repeats; ratios are paired. Each sample
starts with one untimed call of its candidate, so a step is timed after a step, as in training,
and not after the 64 MiB copy or the floor's products that ran before it in the rotation (those
are timed warm too: see FLOOR_INNER). A DCGAN step is one call per sample, and without that call
its eager rows came out 15-50% slower than the same steps back to back.

The floor counts what no implementation can avoid: the iteration's matrix products, each timed
in NumPy's BLAS at its own shape (gemm_floor), and the bytes Adam must move (value, gradient and
both moments read, three written back) at the bandwidth of a plain large copy (mem_floor). Both
are timed as two more candidates in the steps' rotation, so each repeat has a floor of its own
and a slowing from outside lands on both sides of a ratio. floor/numba, the fraction of the
floor minigan reaches, is the median over repeats of that repeat's floor over its step; the
rest goes to elementwise work and Python overhead. The replay rows time the same step captured
once and replayed (minigan/replay, docs/replay.md), floor/replay its fraction.

    python bench/step.py [--json] [--repeats 7] [--arch seed default dcgan cnn-d] [--batch 64 256] [--device cpu]
                         [--loss bce|minimax|lsgan|hinge]

The products are those of the Linear, Conv2d and ConvTranspose2d layers (a convolution's
forward, input gradient and weight gradient are each one im2col product).

With ``--device cuda`` it times minigan on the GPU (CuPy) against PyTorch CUDA when that is
importable; each timed step ends with a device synchronisation.
"""
from __future__ import annotations

import argparse
import os
import statistics
from typing import Any, Callable

import numpy as np
from _common import Timing, add_torch_report, machine_report, paired_ratio, print_results, time_interleaved

import minigan as mg
from minigan import backends, nn, optim
from minigan.replay import compile as compile_step
from minigan.gan.config import TrainConfig
from minigan.gan.models import ARCHITECTURES, build_models, get_architecture
from minigan.gan.objectives import get_objective
from minigan.nn import functional as F

try:
    import torch
except ImportError:  # torch is an optional comparison, never a dependency
    torch = None

#: The generator's input size, the default run's.
LATENT = TrainConfig().latent_dim


def _layer_products(layer: nn.Module, batch: int, in_shape: tuple[int, ...]) -> tuple[list[tuple[int, int, int]], tuple[int, ...]]:
    """The (M, K, N) products of one layer with weights: forward, weight gradient, input gradient
    (none for other layers), and the layer's output shape. A convolution is its im2col product
    over the output pixels; a transposed convolution, the adjoint, over the input pixels."""
    if isinstance(layer, nn.Linear):
        n_in, n_out = layer.in_features, layer.out_features
        return [(batch, n_in, n_out), (n_out, batch, n_in), (batch, n_out, n_in)], (n_out,)
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        out_shape = tuple(layer(mg.zeros((1,) + in_shape)).shape[1:])
        kh, kw = layer.kernel_size
        if isinstance(layer, nn.Conv2d):
            rows, k, n = batch * out_shape[1] * out_shape[2], layer.in_channels * kh * kw, layer.out_channels
        else:
            rows, k, n = batch * in_shape[1] * in_shape[2], layer.in_channels, layer.out_channels * kh * kw
        return [(rows, k, n), (n, rows, k), (rows, n, k)], out_shape
    if isinstance(layer, (nn.Unflatten, nn.Flatten)):
        return [], tuple(layer(mg.zeros((1,) + in_shape)).shape[1:])
    return [], in_shape


def iteration_gemms(generator: nn.Module, discriminator: nn.Module, batch: int) -> dict[tuple[int, int, int], int]:
    """The matrix products of one iteration, (M, K, N) -> how many, for Linear, Conv2d and
    ConvTranspose2d layers.

    G: one forward, one backward (no input gradient for its first layer: z needs none).
    D: three forwards (real, fake detached, fake) and three backwards; its first layer's
    input gradient is needed only in the G step, where it flows into G.
    """
    counts: dict[tuple[int, int, int], int] = {}
    for model, passes, shape in ((generator, 1, (LATENT,)), (discriminator, 3, (784,))):
        first = True
        for layer in model.children():
            products, shape = _layer_products(layer, batch, shape)
            if not products:
                continue
            forward, weight_grad, input_grad = products
            input_grads = passes if not first else (0 if model is generator else 1)
            for product, n in ((forward, passes), (weight_grad, passes), (input_grad, input_grads)):
                if n:
                    counts[product] = counts.get(product, 0) + n
            first = False
    return counts


#: Back-to-back calls of each product per floor sample: the first brings its operands into the
#: caches, the rest time the product itself.
FLOOR_INNER = 20


def gemm_floor_call(gemms: dict[tuple[int, int, int], int]) -> Callable[[], None]:
    """The iteration's products in NumPy's BLAS, each at its own shape: one call runs each
    ``FLOOR_INNER`` times its count, back to back, so it lasts ``FLOOR_INNER`` times their floor."""
    work = [(np.ones((m, k), np.float32), np.ones((k, n), np.float32), count * FLOOR_INNER)
            for (m, k, n), count in gemms.items()]

    def products() -> None:
        for a, b, calls in work:
            for _ in range(calls):
                a @ b
    return products


#: The plain copy whose speed stands for memory bandwidth: 64 MiB, more than every cache.
COPY_FLOATS = 16 << 20
#: The bytes that copy moves: each float32 read once and written once.
COPY_BYTES_MOVED = 2 * 4 * COPY_FLOATS


def copy_call() -> Callable[[], None]:
    """One plain copy of ``COPY_FLOATS`` float32s (it moves twice their bytes: read plus write)."""
    source = np.ones(COPY_FLOATS, np.float32)
    target = np.empty_like(source)
    return lambda: np.copyto(target, source)


def adam_bytes(generator: nn.Module, discriminator: nn.Module) -> int:
    """Bytes Adam must move per iteration: for every parameter, read the value, its gradient and
    the two moments, and write the value and the moments back (7 accesses)."""
    return sum(7 * p.array.nbytes for model in (generator, discriminator) for p in model.parameters())


def floor_parts(products_s: float, copy_s: float, moved: int) -> tuple[float, float]:
    """One sample of the floor's two parts, in seconds (the products; Adam's bytes at the copy's
    speed), from one call of gemm_floor_call's products taking ``products_s`` and one call of
    copy_call's copy taking ``copy_s``, with Adam moving ``moved`` bytes (adam_bytes)."""
    return products_s / FLOOR_INNER, moved * copy_s / COPY_BYTES_MOVED


def floor_seconds(products_s: float, copy_s: float, moved: int) -> float:
    """One sample of the floor, in seconds: the sum of floor_parts."""
    return sum(floor_parts(products_s, copy_s, moved))


def floor_candidates(models: tuple[nn.Module, nn.Module], batch: int) -> dict[str, Callable[[], None]]:
    """The floor's two parts of one iteration of ``models`` at ``batch``, as candidates for
    time_interleaved: "products" (gemm_floor_call) and "copy" (copy_call)."""
    return {"products": gemm_floor_call(iteration_gemms(*models, batch)), "copy": copy_call()}


def floor_part_samples(timings: dict[str, Timing], models: tuple[nn.Module, nn.Module]) -> list[tuple[float, float]]:
    """Each repeat's floor_parts, from the samples of floor_candidates timed in the same rotation
    as the steps."""
    moved = adam_bytes(*models)
    return [floor_parts(p, c, moved) for p, c in zip(timings["products"].samples, timings["copy"].samples)]


def floor_timing(part_samples: list[tuple[float, float]]) -> Timing:
    """The floor of each repeat, the sum of its floor_part_samples, so that paired_ratio pairs
    each step with its own repeat's floor."""
    return Timing("floor", 1, [sum(parts) for parts in part_samples])


#: The losses the bench times: those whose step is the plain one (Adam on D, then on G, no weight
#: clipping, no gradient penalty), written with PyTorch's ops in torch_losses.
LOSSES = ("bce", "minimax", "lsgan", "hinge")


def default_loss(arch: str) -> str:
    """The loss ``python -m minigan.train --arch ARCH`` trains with when given none."""
    return TrainConfig(arch=arch).resolve().loss


def minigan_losses(loss: str, batch: int, device: str = "cpu") -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(D's loss from its logits on real and on fake data, G's loss from D's logits on fake data).

    bce is written as BCE-with-logits against Tensors of ones and zeros, as this bench always
    has (the same kernel as the trainer's bce, which passes the targets as numbers); the others
    are the trainer's own objectives (minigan/gan/objectives.py)."""
    if loss != "bce":
        objective = get_objective(loss)
        return objective.d_loss, objective.g_loss
    ones = mg.tensor(np.ones((batch, 1), np.float32), device=device)
    zeros = mg.tensor(np.zeros((batch, 1), np.float32), device=device)

    def d_loss(real_logits: Any, fake_logits: Any) -> Any:
        return F.bce_with_logits(real_logits, ones) + F.bce_with_logits(fake_logits, zeros)
    return d_loss, lambda fake_logits: F.bce_with_logits(fake_logits, ones)


def minigan_step(arch: str, batch: int, mode: str, seed: int = 0, device: str = "cpu",
                 replayed: bool = False, loss: str | None = None) -> Callable[[], None]:
    """One iteration of ``arch`` at ``batch`` with ``loss`` (None: the architecture's own)."""
    d_loss_of, g_loss_of = minigan_losses(loss or default_loss(arch), batch, device)
    rng = np.random.default_rng(seed)
    generator, discriminator, spec = build_models(arch, LATENT, rng)
    generator.to(device)
    discriminator.to(device)
    opt_g = optim.Adam(generator.parameters(), lr=2e-4, betas=spec.betas)
    opt_d = optim.Adam(discriminator.parameters(), lr=2e-4, betas=spec.betas)
    real = mg.tensor(rng.random((batch, 784), dtype=np.float32), device=device)
    synchronize = _synchronizer(device)

    def step() -> None:
        with backends.use_cpu_kernels(mode):  # the CPU kernels this candidate times
            _step()
        synchronize()

    def _step() -> None:
        z = rng.standard_normal((batch, LATENT), dtype=np.float32)
        if replayed:
            compiled(z)
        else:
            _on_tensors(mg.tensor(z, device=device))

    def _on_tensors(z: Any) -> tuple[Any, Any]:
        fake = generator(z)
        d_loss = d_loss_of(discriminator(real), discriminator(fake.detach()))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = g_loss_of(discriminator(fake))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        return d_loss, g_loss

    compiled = compile_step(_on_tensors, device=device, log=lambda text: None)  # used when replayed
    step.models = (generator, discriminator)  # type: ignore[attr-defined]
    step.compiled = compiled  # type: ignore[attr-defined]
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
                layer.weight.copy_(torch.from_numpy(backends.to_numpy(module.weight.array)))
                if module.bias is not None:
                    layer.bias.copy_(torch.from_numpy(backends.to_numpy(module.bias.array)))
        elif isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            if isinstance(module, nn.Conv2d):
                layer = torch.nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size, module.stride,
                                        module.padding, module.dilation, bias=module.bias is not None)
            else:
                layer = torch.nn.ConvTranspose2d(module.in_channels, module.out_channels, module.kernel_size,
                                                 module.stride, module.padding, module.output_padding,
                                                 bias=module.bias is not None, dilation=module.dilation)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(backends.to_numpy(module.weight.array)))
                if module.bias is not None:
                    layer.bias.copy_(torch.from_numpy(backends.to_numpy(module.bias.array)))
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


def torch_losses(loss: str, batch: int, device: str = "cpu") -> tuple[Callable[..., Any], Callable[..., Any]]:
    """minigan_losses' pair written with PyTorch's ops (minigan/gan/objectives.py's table)."""
    if loss == "hinge":
        relu = torch.nn.functional.relu
        return (lambda r, f: relu(1.0 - r).mean() + relu(1.0 + f).mean()), (lambda f: -f.mean())
    if loss == "lsgan":
        return (lambda r, f: ((r - 1.0) * (r - 1.0)).mean() * 0.5 + (f * f).mean() * 0.5,
                lambda f: ((f - 1.0) * (f - 1.0)).mean() * 0.5)
    bce = torch.nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch, 1, device=device), torch.zeros(batch, 1, device=device)
    d_loss = lambda r, f: bce(r, ones) + bce(f, zeros)  # noqa: E731
    if loss == "minimax":  # G minimises -E softplus(f) = E log(1 - sigmoid(f))
        return d_loss, lambda f: -bce(f, zeros)
    return d_loss, lambda f: bce(f, ones)


def torch_step(models: tuple[nn.Module, nn.Module], betas: tuple[float, float], batch: int,
               device: str = "cpu", loss: str = "bce") -> Callable[[], None]:
    generator, discriminator = (to_torch(m).to(device) for m in models)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=betas)
    d_loss_of, g_loss_of = torch_losses(loss, batch, device)
    real = torch.rand(batch, 784, device=device)
    synchronize = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def step() -> None:
        _step()
        synchronize()

    def _step() -> None:
        fake = generator(torch.randn(batch, LATENT, device=device))
        d_loss = d_loss_of(discriminator(real), discriminator(fake.detach()))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = g_loss_of(discriminator(fake))
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
    parser.add_argument("--loss", choices=LOSSES, default=None,
                        help="the GAN loss of every net (default: each architecture's own, as minigan.train "
                             f"resolves it: {', '.join(f'{arch} {default_loss(arch)}' for arch in ARCHITECTURES)})")
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
    rows = []
    losses = {arch: args.loss or default_loss(arch) for arch in args.arch}
    for arch in args.arch:
        betas, loss = get_architecture(arch).betas, losses[arch]
        for batch in args.batch:
            numba_step = minigan_step(arch, batch, "numba", loss=loss)
            candidates = {"numba": numba_step, "replay": minigan_step(arch, batch, "numba", replayed=True, loss=loss),
                          "numpy": minigan_step(arch, batch, "numpy", loss=loss)}
            if torch is not None:
                candidates["torch"] = torch_step(numba_step.models, betas, batch, loss=loss)
            # The floor's two parts are sampled in the same rotation as the steps, so a slowing
            # from outside lands on both sides of each floor / step ratio.
            candidates.update(floor_candidates(numba_step.models, batch))
            timings = time_interleaved(candidates, repeats=args.repeats, target_s=0.2, warm_each_sample=True)
            part_samples = floor_part_samples(timings, numba_step.models)
            timings["floor"] = floor_timing(part_samples)
            products, adam = zip(*part_samples)
            row: dict[str, Any] = {
                "arch": arch, "loss": loss, "batch": batch,
                "numba_ms": timings["numba"].median * 1e3, "numpy_ms": timings["numpy"].median * 1e3,
                "numpy/numba": paired_ratio(timings, "numpy", "numba"),
                "gemm_floor_ms": statistics.median(products) * 1e3,
                "mem_floor_ms": statistics.median(adam) * 1e3,
                "floor_ms": timings["floor"].median * 1e3,
                "copy_gb_s": COPY_BYTES_MOVED / statistics.median(timings["copy"].samples) / 1e9,
            }
            row["floor/numba"] = paired_ratio(timings, "floor", "numba")
            row["replay_ms"] = timings["replay"].median * 1e3
            row["replay/numba"] = paired_ratio(timings, "replay", "numba")
            row["floor/replay"] = paired_ratio(timings, "floor", "replay")
            if torch is not None:
                row["torch_ms"] = timings["torch"].median * 1e3
                row["numba/torch"] = paired_ratio(timings, "numba", "torch")
                row["floor/torch"] = paired_ratio(timings, "floor", "torch")
            rows.append(row)
    report = machine_report()
    report["loss"] = _losses_line(losses)
    copy_speeds = sorted(row["copy_gb_s"] for row in rows)
    report["copy_bandwidth_gb_s"] = f"{copy_speeds[0]:.1f}-{copy_speeds[-1]:.1f} (the rows' medians)"
    add_torch_report(report, torch)
    columns = ["arch", "batch", "numba_ms", "numpy_ms", "numpy/numba", "gemm_floor_ms", "mem_floor_ms", "floor_ms",
               "floor/numba", "replay_ms", "replay/numba", "floor/replay"]
    if torch is not None:
        columns[4:4] = ["torch_ms", "numba/torch"]
        columns.append("floor/torch")
    print_results(report, rows, columns, args.json)


def _losses_line(losses: dict[str, str]) -> str:
    """The header's loss line: "hinge" when every net trains with it, else "seed bce, default hinge"."""
    if len(set(losses.values())) == 1:
        return next(iter(losses.values()))
    return ", ".join(f"{arch} {loss}" for arch, loss in losses.items())


def gpu_main(args: argparse.Namespace) -> None:
    """minigan on CuPy against PyTorch CUDA (when importable), each step synchronised."""
    torch_cuda = torch is not None and torch.cuda.is_available()
    rows = []
    losses = {arch: args.loss or default_loss(arch) for arch in args.arch}
    for arch in args.arch:
        betas, loss = get_architecture(arch).betas, losses[arch]
        for batch in args.batch:
            gpu_step = minigan_step(arch, batch, "numba", device="cuda", loss=loss)
            candidates = {"cupy": gpu_step}
            if torch_cuda:
                candidates["torch_cuda"] = torch_step(gpu_step.models, betas, batch, device="cuda", loss=loss)
            timings = time_interleaved(candidates, repeats=args.repeats, target_s=0.2, warm_each_sample=True)
            row: dict[str, Any] = {"arch": arch, "loss": loss, "batch": batch, "cupy_ms": timings["cupy"].median * 1e3}
            if torch_cuda:
                row["torch_cuda_ms"] = timings["torch_cuda"].median * 1e3
                row["cupy/torch"] = paired_ratio(timings, "cupy", "torch_cuda")
            rows.append(row)
    report = {"device": "cuda", "loss": _losses_line(losses),
              "torch": torch.__version__ if torch_cuda else "PyTorch CUDA not importable"}
    print_results(report, rows, ["arch", "batch", "cupy_ms"] + (["torch_cuda_ms", "cupy/torch"] if torch_cuda else []),
                  args.json)


if __name__ == "__main__":
    main()
