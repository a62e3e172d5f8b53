"""``nn.utils.clip_grad_norm_`` and ``clip_grad_value_`` against the formulas written out in NumPy."""
import numpy as np
import pytest

import minigan
import minigan.nn as nn


def _parameters_with_grads(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 3)]
    params = []
    for shape in shapes:
        p = nn.Parameter(minigan.tensor(rng.standard_normal(shape)))
        p.grad = minigan.tensor(scale * rng.standard_normal(shape))
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
def test_clip_grad_norm_scales_every_gradient_by_one_factor(norm_type):
    params = _parameters_with_grads(scale=5.0)
    before = [p.grad.numpy().astype(np.float64) for p in params]
    flat = np.concatenate([g.ravel() for g in before])
    p = float(norm_type)
    expected_total = np.abs(flat).max() if p == np.inf else (np.abs(flat) ** p).sum() ** (1 / p)
    total = nn.utils.clip_grad_norm_((q for q in params), max_norm=1.5, norm_type=norm_type)  # a generator, too
    assert total.shape == () and total.item() == pytest.approx(expected_total, rel=1e-5)
    factor = min(1.5 / (expected_total + 1e-6), 1.0)
    for param, grad in zip(params, before):
        np.testing.assert_allclose(param.grad.numpy(), grad * factor, rtol=1e-5)
    after = np.concatenate([q.grad.numpy().ravel().astype(np.float64) for q in params])
    after_norm = np.abs(after).max() if p == np.inf else (np.abs(after) ** p).sum() ** (1 / p)
    assert after_norm == pytest.approx(1.5, rel=1e-4)


def test_clip_grad_norm_leaves_small_gradients_alone_and_skips_parameters_without_one():
    params = _parameters_with_grads(scale=0.01)
    params[1].grad = None
    before = [None if p.grad is None else p.grad.numpy().copy() for p in params]
    total = nn.utils.clip_grad_norm_(params, 10.0)
    expected = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in before if g is not None))
    assert total.item() == pytest.approx(expected, rel=1e-5)
    assert params[1].grad is None
    for param, grad in zip(params, before):
        if grad is not None:
            np.testing.assert_allclose(param.grad.numpy(), grad, rtol=1e-6)  # factor min(10 / 0.1, 1) = 1
    assert nn.utils.clip_grad_norm_([nn.Parameter(minigan.zeros(2))], 1.0).item() == 0.0  # no gradients at all


def test_clip_grad_norm_takes_one_tensor_and_names_a_non_finite_norm():
    p = nn.Parameter(minigan.tensor([3.0, 4.0]))
    p.grad = minigan.tensor([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    p.grad = minigan.tensor([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="total norm of order 2.0 for gradients from `parameters` is non-finite"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert p.grad.tolist() == [np.inf, 1.0]  # nothing was scaled


def test_clip_grad_value_clamps_each_element():
    params = _parameters_with_grads(scale=3.0)
    before = [p.grad.numpy().copy() for p in params]
    assert nn.utils.clip_grad_value_(params, clip_value=0.5) is None
    for param, grad in zip(params, before):
        np.testing.assert_array_equal(param.grad.numpy(), np.clip(grad, -0.5, 0.5))


def test_clipping_inside_a_training_step():
    layer = nn.Linear(3, 1)
    optimizer = minigan.optim.SGD(layer.parameters(), lr=1.0)
    x = minigan.tensor(np.full((4, 3), 10.0, np.float32))
    (layer(x) ** 2).mean().backward()
    weight_before = layer.weight.numpy().copy()
    total = nn.utils.clip_grad_norm_(layer.parameters(), 0.1)
    assert total.item() > 0.1
    optimizer.step()
    step = weight_before - layer.weight.numpy()
    assert np.linalg.norm(step) <= 0.1 * (1 + 1e-5)  # the weight moved by its share of the clipped total


@pytest.mark.parametrize("call, message", [
    (lambda p: nn.utils.clip_grad_norm_([p, "w"], 1.0), "parameters must be Tensors, got str"),
    (lambda p: nn.utils.clip_grad_value_(p, "half"), "could not convert string to float: 'half'"),
])
def test_bad_arguments_get_one_line(call, message):
    p = nn.Parameter(minigan.tensor([3.0, 4.0]))
    p.grad = minigan.tensor([3.0, 4.0])
    with pytest.raises((TypeError, ValueError), match=message.replace("(", "\\(").replace(".", "\\.")):
        call(p)
    assert p.grad.tolist() == [3.0, 4.0]
