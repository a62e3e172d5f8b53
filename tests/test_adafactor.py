"""Adafactor (minigan/optim/adafactor.py) against PyTorch 2.14.1's values for the same steps
(written out below, float64) and against the algorithm written out plainly in NumPy here; its
argument checks, a resumed run, and Muon naming what minigan lacks."""
import math

import numpy as np
import pytest

import minigan
from minigan import nn, optim


def _reference(p, grads, lr=1e-2, beta2_decay=-0.8, eps1=None, eps2=1e-3, d=1.0, weight_decay=0.0):
    """Shazeer and Stern's Adafactor as PyTorch states it, one step after another, in NumPy."""
    p = p.astype(np.float64).copy()
    eps1 = np.finfo(np.float64).eps if eps1 is None else eps1
    if p.ndim > 1:
        rows, cols = np.zeros(p.shape[:-1] + (1,)), np.zeros(p.shape[:-2] + (1,) + p.shape[-1:])
    else:
        second = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        w = t ** beta2_decay
        alpha = max(eps2, np.sqrt(np.mean(p ** 2))) * min(lr, 1 / math.sqrt(t))
        p = p * (1 - lr * weight_decay)
        if p.ndim > 1:
            rows = rows + w * (np.mean(g ** 2, axis=-1, keepdims=True) - rows)
            cols = cols + w * (np.mean(g ** 2, axis=-2, keepdims=True) - cols)
            estimate = rows * cols / np.maximum(np.mean(rows, axis=-2, keepdims=True), eps1)
        else:
            second = second + w * (g ** 2 - second)
            estimate = second
        u = g / np.sqrt(np.maximum(estimate, eps1 ** 2))
        p = p - alpha * u / max(1.0, np.sqrt(np.mean(u ** 2)) / d)
    return p


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (6,), ()], ids=["matrix", "stack", "vector", "scalar"])
@pytest.mark.parametrize("options", [{}, dict(lr=0.05, weight_decay=0.1), dict(eps1=1e-30, d=2.0, beta2_decay=-0.5)])
def test_steps_against_the_algorithm_written_out(shape, options):
    rng = np.random.default_rng(3)
    start = rng.standard_normal(shape)
    grads = [rng.standard_normal(shape) * 10.0 ** k for k in (-2, 0, 1, -1, 0)]
    param = nn.Parameter(minigan.tensor(start, dtype=minigan.float64))
    eps1 = options.get("eps1")
    settings = {key: value for key, value in options.items() if key != "eps1"}
    optimizer = optim.Adafactor([param], eps=(eps1, 1e-3), **settings)
    for g in grads:
        param.grad = minigan.tensor(g, dtype=minigan.float64)
        optimizer.step()
    np.testing.assert_allclose(param.detach().numpy(), _reference(start, grads, eps1=eps1, **settings),
                               rtol=1e-12, atol=1e-15)
    kept = optimizer.state_dict()["state"][0]
    assert sorted(kept) == (["col_var", "row_var", "step"] if len(shape) > 1 else ["step", "variance"])


def test_pytorchs_values():
    matrix = nn.Parameter(minigan.tensor([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]], dtype=minigan.float64))
    vector = nn.Parameter(minigan.tensor([0.25, -0.75], dtype=minigan.float64))
    optimizer = optim.Adafactor([matrix, vector], lr=0.1, weight_decay=0.01)
    for t in range(3):
        matrix.grad = minigan.tensor([[0.5, -1.0, 2.0], [0.1, 0.0, -3.0]], dtype=minigan.float64) * (t + 1)
        vector.grad = minigan.tensor([1.0, -0.5], dtype=minigan.float64) / (t + 1)
        optimizer.step()
    np.testing.assert_allclose(matrix.detach().numpy(), [[0.0371732150879526, -1.0151678384209848, -0.04446021969122186],
                                                         [2.844473961450537, 3.988011996, -0.37530749508937794]],
                               rtol=1e-13)
    np.testing.assert_allclose(vector.detach().numpy(), [0.13379804522954494, -0.632299544729545], rtol=1e-13)
    state = optimizer.state[matrix]
    np.testing.assert_allclose(state["row_var"], [[9.326646287439198], [16.006301533300416]], rtol=1e-13)
    np.testing.assert_allclose(state["col_var"], [[0.6928365813526262, 2.664756082125485, 34.64182906763131]],
                               rtol=1e-13)


def test_maximize_climbs():
    param = nn.Parameter(minigan.tensor([1.0, 2.0], dtype=minigan.float64))
    optimizer = optim.Adafactor([param], lr=0.5, maximize=True)
    param.grad = minigan.tensor([1.0, -1.0], dtype=minigan.float64)
    optimizer.step()
    np.testing.assert_allclose(param.detach().numpy(),
                               _reference(np.array([1.0, 2.0]), [np.array([-1.0, 1.0])], lr=0.5), rtol=1e-13)


def test_a_resumed_run_takes_the_same_steps():
    rng = np.random.default_rng(5)
    grads = [rng.standard_normal((3, 4)) for _ in range(6)]

    def run(steps, optimizer_state=None, start=None):
        param = nn.Parameter(minigan.tensor(rng.standard_normal((3, 4)) if start is None else start))
        optimizer = optim.Adafactor([param], lr=0.2)
        if optimizer_state is not None:
            optimizer.load_state_dict(optimizer_state)
        for g in steps:
            param.grad = minigan.tensor(g.astype(np.float32))
            optimizer.step()
        return param.detach().numpy(), optimizer.state_dict()

    straight, _ = run(grads, start=np.ones((3, 4), dtype=np.float32))
    halfway, state = run(grads[:3], start=np.ones((3, 4), dtype=np.float32))
    resumed, _ = run(grads[3:], state, start=halfway)
    np.testing.assert_array_equal(resumed, straight)


@pytest.mark.parametrize("options, message", [
    (dict(lr=-1), "Learning rate should be >= 0 but is: -1"),
    (dict(beta2_decay=0.1), "beta2_decay should be <= 0 but is: 0.1"),
    (dict(eps=(-1, 1e-3)), "epsilon1 should be >= 0 but is: -1"),
    (dict(eps=(None, -1)), "epsilon2 should be >= 0 but is: -1"),
    (dict(d=0.5), "Clipping threshold d should be >= 1 but is: 0.5"),
    (dict(weight_decay=-1), "weight_decay should be >= 0 but is: -1"),
])
def test_pytorchs_argument_errors(options, message):
    with pytest.raises(ValueError, match=message):
        optim.Adafactor([nn.Parameter(minigan.zeros(2))], **options)


def test_muon_names_what_minigan_lacks():
    with pytest.raises(minigan.UnsupportedFeatureError, match="Muon optimizer .*bfloat16"):
        optim.Muon  # noqa: B018


def test_a_saved_state_of_the_wrong_shape_is_refused_before_anything_changes():
    param = nn.Parameter(minigan.ones(3, 4))
    optimizer = optim.Adafactor([param])
    param.grad = minigan.ones(3, 4)
    optimizer.step()
    state = optimizer.state_dict()
    state["state"][0]["row_var"] = np.zeros((4, 1), dtype=np.float32)
    kept = optimizer.state[param]["row_var"].copy()
    with pytest.raises(ValueError, match=r"state 'row_var' of parameter 0 \(group 0\) has shape \(4, 1\), "
                                         r"but the parameter's needs shape \(3, 1\)"):
        optimizer.load_state_dict(state)
    np.testing.assert_array_equal(optimizer.state[param]["row_var"], kept)
