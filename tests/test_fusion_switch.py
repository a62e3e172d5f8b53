"""minigan.fusion(False): one switch that makes every layer its own op, so a trace or a graph
picture shows each one (issue 24); the values and gradients do not change."""
from __future__ import annotations

import threading

import numpy as np
import pytest

import minigan as mg
from minigan import nn
from minigan.autograd import topological_order


def _ops(tensor):
    return [node.grad_fn.name().removesuffix("Backward") for node in topological_order([tensor]) if not node.is_leaf]


def _model(*layers):
    mg.manual_seed(0)
    return nn.Sequential(*layers).to(mg.float64)


CASES = {
    "linear": lambda: (_model(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1), nn.Sigmoid()), (6, 4)),
    "batch norm": lambda: (_model(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.LeakyReLU(0.2)), (6, 4)),
    "conv": lambda: (_model(nn.Conv2d(2, 3, 3), nn.Tanh()), (2, 2, 5, 5)),
}
FUSED = {"LinearAct", "BatchNormAct", "ChannelBiasAct"}


@pytest.mark.parametrize("name", list(CASES))
def test_without_fusion_every_layer_is_its_own_op_with_the_same_numbers(name):
    model, shape = CASES[name]()
    x = mg.tensor(np.random.default_rng(1).standard_normal(shape), dtype=mg.float64)
    fused_out = model(x)
    fused_loss = (fused_out * fused_out).sum()
    assert FUSED & set(_ops(fused_loss))
    fused_grads = [g.array.copy() for g in mg.grad(fused_loss, list(model.parameters()))]
    with mg.fusion(False):
        plain_out = model(x)
    plain_loss = (plain_out * plain_out).sum()
    ops = _ops(plain_loss)
    assert not FUSED & set(ops), ops
    activation = {"linear": "Sigmoid", "batch norm": "LeakyReLU", "conv": "Tanh"}[name]
    assert activation in ops
    np.testing.assert_allclose(plain_out.array, fused_out.array, rtol=1e-12, atol=1e-12)
    for fused, plain in zip(fused_grads, mg.grad(plain_loss, list(model.parameters()))):
        np.testing.assert_allclose(plain.array, fused, rtol=1e-10, atol=1e-12)


def test_the_trace_shows_relu_and_sigmoid_only_without_fusion():
    model, _ = CASES["linear"]()
    x = mg.tensor(np.ones((3, 4)), dtype=mg.float64)
    with mg.trace(file=False) as fused:
        model(x).sum().backward()
    with mg.fusion(False), mg.trace(file=False) as plain:
        model(x).sum().backward()
    assert [r.op for r in fused.ops] == ["Sum", "LinearAct", "LinearAct"]
    assert [r.fused for r in fused.ops] == ["", "Linear+sigmoid", "Linear+relu"]
    assert [r.op for r in plain.ops] == ["Sum", "Sigmoid", "Add", "MatMul", "Transpose", "ReLU", "Add", "MatMul",
                                         "Transpose"]


def test_the_switch_is_restored_per_block_and_per_thread():
    assert mg.ops.is_fusion_enabled()
    seen = []
    with mg.fusion(False):
        worker = threading.Thread(target=lambda: seen.append(mg.ops.is_fusion_enabled()))
        worker.start()
        worker.join()
        assert not mg.ops.is_fusion_enabled()
        with mg.fusion(True):
            assert mg.ops.is_fusion_enabled()
        assert not mg.ops.is_fusion_enabled()
    assert seen == [True]  # another thread keeps its own setting, as grad mode
    with pytest.raises(ZeroDivisionError):
        with mg.fusion(False):
            1 / 0
    assert mg.ops.is_fusion_enabled()


def test_a_bad_switch_is_one_clear_error():
    with pytest.raises(TypeError, match="^fusion: expected True or False, got str$"):
        with mg.fusion("off"):
            pass
