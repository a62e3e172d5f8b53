"""The CuPy backend.

Without a GPU: the backend's wiring (which formula each fused kernel runs, argument order, the
in-place updates) is checked with a stand-in module that gives NumPy's functions under CuPy's
names, against the NumPy reference backend.

With CuPy and a CUDA device (marked ``gpu``; skipped, with the reason, where there is none):
every registered op, layer and loss on the GPU against the CPU, gradcheck in float64 through the
GPU, and a one-epoch ``--device cuda`` training run.
"""
from __future__ import annotations

import types

import numpy as np
import pytest

import minigan
from minigan import backends, formulas
from minigan.backends.cupy import CupyBackend
from minigan.backends.numpy import backend as reference
from minigan.gradcheck import gradcheck
from minigan.gradcheck.cases import all_cases

GPU_MISSING = backends.cuda_unavailable_reason()
needs_gpu = pytest.mark.skipif(GPU_MISSING is not None, reason=f"no GPU: {GPU_MISSING}")


def _numpy_as_cupy() -> CupyBackend:
    """The CuPy backend over NumPy: ``cupy.fuse`` becomes a plain call (and cannot fail)."""
    stand_in = types.SimpleNamespace(**vars(np))
    stand_in.fuse = lambda kernel_name: (lambda function: function)
    stand_in.asnumpy = np.asarray
    return CupyBackend(stand_in, np, np.add.at)


@pytest.mark.parametrize("activation", formulas.ACTIVATIONS)
@pytest.mark.parametrize("with_bias", [True, False])
def test_cupy_backend_wiring_matches_the_reference(activation, with_bias):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((5, 4)), rng.standard_normal((3, 4))
    b = rng.standard_normal(3) if with_bias else None
    gpu = _numpy_as_cupy()
    y = gpu.linear_act_forward(x, w, b, activation, 0.2)
    np.testing.assert_allclose(y, reference.linear_act_forward(x, w, b, activation, 0.2), rtol=1e-14)
    g = rng.standard_normal(y.shape)
    for got, expected in zip(gpu.linear_act_backward(g, y, activation, 0.2),
                             reference.linear_act_backward(g, y, activation, 0.2)):
        np.testing.assert_allclose(got, expected, rtol=1e-14)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_cupy_backend_adam_bce_and_dropout_wiring(amsgrad):
    rng = np.random.default_rng(1)
    gpu = _numpy_as_cupy()
    scalars = formulas.adam_scalars(3, 1e-2, 0.8, 0.95, 1e-8, 0.01, True)
    runs = []
    for backend in (gpu, reference):
        arrays = [rng.standard_normal((4, 3)) for _ in range(2)] if not runs else [a.copy() for a in runs[0][0]]
        state = [[np.full((4, 3), 0.1)], [np.full((4, 3), 0.2)], [np.full((4, 3), 0.3)] if amsgrad else None]
        params = [arrays[0].copy()]
        backend.adam(params, [arrays[1]], state[0], state[1], state[2], scalars)
        runs.append((arrays, params, state))
    for got, expected in zip(runs[0][1] + runs[0][2][0] + runs[0][2][1], runs[1][1] + runs[1][2][0] + runs[1][2][1]):
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    x, t = rng.standard_normal((6, 1)) * 5, rng.random((6, 1))
    for got, expected in zip(gpu.bce_with_logits(x, t), reference.bce_with_logits(x, t)):
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    bits = rng.integers(0, 2**32, (5, 3), dtype=np.uint32)
    np.testing.assert_array_equal(gpu.dropout(x[:5, :1] * np.ones(3), bits, 2**31, 2.0),
                                  reference.dropout(x[:5, :1] * np.ones(3), bits, 2**31, 2.0))


def test_bound_formulas_give_their_callees_builtins():
    """CuPy's compiled ufuncs look up ``__builtins__`` in the calling formula's globals (a
    KeyError there stopped every CuPy op on the first real GPU); the stand-in sqrt does the same."""
    import sys

    def sqrt_reading_callers_builtins(x):
        sys._getframe(1).f_globals["__builtins__"]
        return np.sqrt(x)

    bound = formulas.bind({**vars(np), "sqrt": sqrt_reading_callers_builtins})
    np.testing.assert_allclose(bound.batch_norm_invstd(np.array([3.0]), 1.0), [0.5])


# ------------------------------------------------------------------------------ on a real GPU
@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_case_on_the_gpu_matches_the_cpu(case, monkeypatch):
    import test_devices  # the same comparison as on the strict test device

    monkeypatch.setattr(test_devices, "DEVICE", "cuda")
    test_devices.test_case_on_strict_device_matches_cpu(case)


@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("case", [c for c in all_cases() if c.params is None], ids=lambda c: c.name)
def test_gradcheck_through_the_gpu(case):
    rng = np.random.default_rng(2)
    on_gpu = lambda *xs: case.fn(*[x.to("cuda") for x in xs]).to("cpu")  # noqa: E731
    for shapes in case.shapes:
        assert gradcheck(on_gpu, case.inputs(shapes, rng), rng=rng).ok


@pytest.mark.gpu
@needs_gpu
def test_one_epoch_on_the_gpu_trains(tmp_path):
    from minigan.gan.trainer import TrainConfig, Trainer

    images = np.random.default_rng(0).integers(0, 256, (512, 784), dtype=np.uint8)
    config = TrainConfig(arch="tiny", batch_size=64, epochs=1, seed=1, device="cuda")
    trainer = Trainer.create(config, tmp_path, images, verbose=False)
    history = trainer.fit()
    assert len(history["d_loss"]) == 8 and all(np.isfinite(history["d_loss"]))
    assert next(trainer.generator.parameters()).device == minigan.backends.Device("cuda")


def test_a_formula_fusion_cannot_take_falls_back_to_the_plain_formula():
    def refusing_fuse(kernel_name):
        def wrap(function):
            def fused(*args):
                raise TypeError(f"{kernel_name}: not supported in fusion")
            return fused
        return wrap

    stand_in = types.SimpleNamespace(**vars(np))
    stand_in.fuse = refusing_fuse
    stand_in.asnumpy = np.asarray
    gpu = CupyBackend(stand_in, np, np.add.at)
    x, w = np.random.default_rng(3).standard_normal((4, 3)), np.random.default_rng(4).standard_normal((2, 3))
    for _ in range(2):  # the second call goes straight to the plain formula
        y = gpu.linear_act_forward(x, w, None, "sigmoid", 0.01)
    np.testing.assert_allclose(y, reference.linear_act_forward(x, w, None, "sigmoid", 0.01), rtol=1e-14)
    assert gpu.unfused == {"act_sigmoid"}
