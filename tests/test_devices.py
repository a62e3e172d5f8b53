"""The device path, proven without a GPU.

Every registered op, layer and loss runs on the strict test device (array-api-strict arrays on
a second device, which refuse every NumPy-only call and every implicit move) and must give the
CPU's values, gradients and second derivatives. The CPU results are themselves checked against
finite differences in test_ops_grad.py. Then: moving tensors and modules, mixed-device errors,
optimizers and the weight average following their parameters, checkpoints across devices.
"""
from __future__ import annotations

import numpy as np
import pytest

import minigan
from minigan import nn, ops, optim
from minigan.backends import Device, to_numpy
from minigan.gradcheck.cases import all_cases

pytest.importorskip("array_api_strict")

DEVICE = "strict"
CASES = all_cases()


def _moved(module_or_fn, device):
    if isinstance(module_or_fn, nn.Module):
        module_or_fn.to(device)


def _forward_and_grads(case, inputs, params, upstream, v_seed):
    """The output, the first derivatives (with create_graph) and a second-derivative
    product, with respect to the inputs and the parameters; the first derivatives alone for a
    case without second ones (``gradgrad=False``: the CTC loss, as PyTorch's)."""
    wrt = list(inputs) + list(params)
    out = case.fn(*inputs)
    device = out.device
    up = minigan.tensor(upstream, dtype=np.float64, device=device)
    firsts = minigan.grad(out, wrt, grad_outputs=up, create_graph=case.gradgrad, allow_unused=True)
    used = [(w, g) for w, g in zip(wrt, firsts) if g is not None and g.requires_grad]
    seconds = []
    if used:
        v_rng = np.random.default_rng(v_seed)
        total = None
        for _, g in used:
            v = minigan.tensor(v_rng.standard_normal(g.shape), dtype=np.float64, device=g.device)
            term = (g * v).sum()
            total = term if total is None else total + term
        seconds = minigan.grad(total, [w for w, _ in used], allow_unused=True)
    as_host = lambda t: None if t is None else to_numpy(t.array)  # noqa: E731
    return as_host(out), [as_host(g) for g in firsts], [as_host(g) for g in seconds]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_on_strict_device_matches_cpu(case):
    rng = np.random.default_rng(11)
    for shapes in case.shapes:
        cpu_inputs = case.inputs(shapes, rng)
        upstream = rng.standard_normal(case.fn(*cpu_inputs).shape)
        params = list(case.params()) if case.params is not None else []
        expected = _forward_and_grads(case, cpu_inputs, params, upstream, v_seed=3)
        device_inputs = [minigan.tensor(t.array, dtype=np.float64, device=DEVICE, requires_grad=True)
                         for t in cpu_inputs]
        _moved(case.fn, DEVICE)
        try:
            assert all(p.device == DEVICE for p in params)
            got = _forward_and_grads(case, device_inputs, params, upstream, v_seed=3)
        finally:
            _moved(case.fn, "cpu")
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12)
        for part in (1, 2):
            assert len(got[part]) == len(expected[part])
            for g, e in zip(got[part], expected[part]):
                assert (g is None) == (e is None)
                if g is not None:
                    np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_a_numpy_only_call_fails_on_the_strict_device(monkeypatch):
    """The strict run is what catches NumPy-only code on the device path."""
    x_cpu = minigan.tensor([0.5, -1.0], requires_grad=True)
    x_dev = minigan.tensor([0.5, -1.0], device=DEVICE, requires_grad=True)
    np.testing.assert_allclose(to_numpy(x_dev.exp().array), x_cpu.exp().numpy())
    monkeypatch.setattr(ops.Exp, "forward", staticmethod(lambda ctx, a: np.exp(a)))
    assert x_cpu.exp().numpy().shape == (2,)  # fine on the CPU
    with pytest.raises(RuntimeError, match="NumPy"):
        x_dev.exp()


def test_tensor_device_and_to():
    x = minigan.tensor([[1.0, 2.0]], requires_grad=True)
    assert x.device == "cpu" and x.device == Device("cpu") and str(x.device) == "cpu"
    y = x.to(DEVICE)
    assert y.device == DEVICE and y.dtype == np.float32 and x.to("cpu") is x
    assert "device='strict'" in repr(y)
    (y * y).sum().backward()  # the move is differentiable: the gradient comes home
    np.testing.assert_allclose(x.grad.numpy(), [[2.0, 4.0]])
    assert x.grad.device == "cpu"
    z = minigan.tensor(np.ones(3, np.float64), device=DEVICE)
    assert z.device == DEVICE and z.dtype == np.float64 and z.item if z.size != 1 else True
    assert y.to(np.float64).dtype == np.float64 and y.to(np.float64).device == DEVICE
    assert y.cpu().device == "cpu"
    assert minigan.tensor([3.0], device=DEVICE).item() == 3.0


@pytest.mark.parametrize("name", ["sin", "exp", "relu", "sigmoid", "abs", "neg", "square", "floor"])
def test_in_place_math_methods_work_on_the_device(name):
    """x.<name>_() on the device writes what x.<name>() gives on the CPU, and refuses a float
    result in an integer tensor with PyTorch's message, before computing, as on the CPU."""
    values = np.array([-1.5, 0.25, 2.0], np.float32)
    x = minigan.tensor(values, device=DEVICE)
    assert getattr(x, name + "_")() is x and str(x.device) == DEVICE
    np.testing.assert_array_equal(x.to("cpu").numpy(), getattr(minigan.tensor(values), name)().numpy())
    counts = minigan.tensor([1, 2], device=DEVICE)
    if name in ("sin", "exp", "sigmoid"):
        with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
            getattr(counts, name + "_")()
        assert counts.to("cpu").tolist() == [1, 2]


def test_a_move_between_devices_is_a_copy():
    """As in PyTorch, ``.to(other device)`` gives memory of its own, both ways: a change made in
    place on one side does not show on the other (no version counter would see it), and the
    in-place arithmetic works on the device's tensors."""
    x = minigan.tensor([1.0, 2.0])
    y = x.to(DEVICE)
    x.add_(5.0)
    back = y.to("cpu")
    y.mul_(10.0)
    assert y.tolist() == [10.0, 20.0]
    np.testing.assert_array_equal(back.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(x.numpy(), [6.0, 7.0])

    a = minigan.tensor([1.0, 2.0], requires_grad=True)
    b = a.detach()
    loss = (b.to(DEVICE) * a.to(DEVICE)).sum()  # the product saves the moved copy of b, not b
    b.add_(1.0)
    loss.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 2.0])


def test_conversion_to_numpy_is_explicit():
    y = minigan.tensor([1.0, 2.0], device=DEVICE)
    with pytest.raises(TypeError, match=r"cpu\(\)"):
        y.numpy()
    np.testing.assert_array_equal(y.cpu().numpy(), [1.0, 2.0])
    assert y.tolist() == [1.0, 2.0]


def test_mixed_devices_raise_naming_both():
    a = minigan.tensor([1.0, 2.0])
    b = minigan.tensor([1.0, 2.0], device=DEVICE)
    with pytest.raises(RuntimeError, match="cpu and strict"):
        a + b
    with pytest.raises(RuntimeError, match="strict and cpu"):
        ops.matmul(b.reshape(1, 2), a.reshape(2, 1))
    with pytest.raises(RuntimeError, match="same device"):
        b * np.ones(2, np.float32)  # a NumPy array is data on the CPU
    assert (b * 2.0).device == DEVICE  # a number goes where it is used


def test_unknown_device_is_one_clear_error():
    with pytest.raises(RuntimeError, match="unknown device 'tpu'"):  # as PyTorch: a RuntimeError
        minigan.tensor([1.0]).to("tpu")


def _training_run(device: str, steps: int = 4) -> tuple[nn.Module, optim.Optimizer, optim.ExponentialMovingAverage]:
    """A small MLP with the fused Linear+activation, BatchNorm and Dropout, moved to ``device``
    after its optimizer and weight average were made (they must follow it)."""
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(6, 8, rng=rng), nn.LeakyReLU(0.2), nn.BatchNorm1d(8),
                          nn.Dropout(0.25), nn.Linear(8, 1, rng=rng))
    opt = optim.Adam(model.parameters(), lr=1e-2, betas=(0.5, 0.999), amsgrad=True)
    ema = optim.ExponentialMovingAverage(model, decay=0.9)
    data = np.random.default_rng(1).standard_normal((16, 6)).astype(np.float32)
    targets = (data[:, :1] > 0).astype(np.float32)
    minigan.manual_seed(5)
    for step in range(steps):
        if step == 1:
            model.to(device)
        logits = model(minigan.tensor(data, device=model[0].weight.device))
        loss = nn.functional.binary_cross_entropy_with_logits(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update(model)
    return model, opt, ema


def test_optimizer_and_weight_average_follow_their_model():
    cpu_model, cpu_opt, cpu_ema = _training_run("cpu")
    dev_model, dev_opt, dev_ema = _training_run(DEVICE)
    assert all(p.device == DEVICE for p in dev_model.parameters())
    assert all(p.device == DEVICE for p in dev_ema.module.parameters())
    for key, value in cpu_model.state_dict().items():
        np.testing.assert_allclose(dev_model.state_dict()[key], value, rtol=2e-5, atol=1e-6, err_msg=key)
    for key, value in cpu_ema.state_dict()["module"].items():
        np.testing.assert_allclose(dev_ema.state_dict()["module"][key], value, rtol=2e-5, atol=1e-6, err_msg=key)
    state = dev_opt.state_dict()["state"][0]
    assert isinstance(state["exp_avg"], np.ndarray)  # saved state is always NumPy


def test_checkpoints_cross_devices(tmp_path):
    model, opt, _ = _training_run(DEVICE, steps=2)
    minigan.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "ckpt.npz")
    restored = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.BatchNorm1d(8), nn.Dropout(0.25),
                             nn.Linear(8, 1))
    saved = minigan.load(tmp_path / "ckpt.npz")
    restored.load_state_dict(saved["model"])  # written on the device, loaded on the CPU
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(restored.state_dict()[key], value)
    back = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.BatchNorm1d(8), nn.Dropout(0.25),
                         nn.Linear(8, 1)).to(DEVICE)
    back.load_state_dict(restored.state_dict())  # and the reverse
    assert all(p.device == DEVICE for p in back.parameters())
    back_opt = optim.Adam(back.parameters(), lr=1e-2, amsgrad=True)
    back_opt.load_state_dict(saved["opt"])
    assert all(Device(minigan.backends.device_of(v)) == DEVICE
               for s in back_opt.state.values() for v in s.values() if hasattr(v, "shape"))


def test_module_to_dtype_keeps_integer_buffers():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).to(np.float64)
    assert model[0].weight.dtype == np.float64 and model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64


@pytest.mark.parametrize("loss", ["bce", "wgan-gp", "wgan"])
def test_the_trainer_runs_on_the_device_like_on_the_cpu(loss, tmp_path):
    """A few GAN steps with ``device="strict"`` (every formula, the gradient penalty's second
    derivatives, RMSprop and weight clipping on the device) give the CPU run's losses."""
    from minigan.gan.models import ARCHITECTURES
    from minigan.gan.trainer import TrainConfig, Trainer

    images = np.random.default_rng(0).integers(0, 256, (128, 784), dtype=np.uint8)
    rows = {}
    for device in ("cpu", DEVICE):
        config = TrainConfig(arch="tiny", loss=loss, batch_size=32, epochs=1, seed=1, device=device, ema=0.9)
        trainer = Trainer.create(config, tmp_path / device, images, verbose=False)
        assert next(trainer.generator.parameters()).device == device
        batches = trainer.loader.batches()
        rows[device] = []
        for _ in range(3):
            rows[device].append(trainer.train_step(next(batches)))
            trainer.global_step += 1
        sample = trainer.sample(np.zeros((2, config.latent_dim), np.float32))
        assert isinstance(sample, np.ndarray)
    assert "tiny" in ARCHITECTURES
    for cpu_row, dev_row in zip(rows["cpu"], rows[DEVICE]):
        for key in ("d_loss", "g_loss", "d_x", "d_g_z"):
            if cpu_row[key] is not None:
                assert dev_row[key] == pytest.approx(cpu_row[key], rel=1e-4, abs=1e-5), key


def test_cuda_without_cupy_is_one_line_and_exit_2(capsys):
    from minigan import train

    if minigan.backends.cuda_unavailable_reason() is None:
        pytest.skip("a GPU is usable here")
    assert train.main(["--device", "cuda", "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "device 'cuda' is not available" in err[0] and "CuPy" in err[0]
