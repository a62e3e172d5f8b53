"""nn.LSTM(proj_size=P), an LSTM with projections, as PyTorch's: each step's h = W_hr (o * tanh(c)),
so h_0, h_n and the output are P wide while c stays hidden_size wide; weight_hr_l{k}[_reverse] of
shape (P, hidden_size) after each layer's other parameters; weight_hh (4 H, P); layer k > 0 reads
D * P inputs. Checked against the equations written out here in float64 NumPy (several layers, both
directions, batch_first, unbatched, a given state, no bias, fused and unfused), against PyTorch's
values written out by hand (PyTorch 2.14.1, float64), by finite differences (the registered
gradcheck case) and for one-line errors."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.rows import case_rows


def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def lstm_by_hand(module: nn.LSTM, x: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> tuple:
    """output (L, N, D * P), h_n (D * layers, N, P), c_n (D * layers, N, H) for x (L, N, in), one
    time step at a time, from the module's parameters as NumPy arrays."""
    params = {name: p.numpy() for name, p in module.named_parameters()}
    directions, hidden = 2 if module.bidirectional else 1, module.hidden_size
    layer_input, h_n, c_n = x, [], []
    for layer in range(module.num_layers):
        outputs = []
        for d in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if d else "")
            w_ih, w_hh, w_hr = (params[k + suffix] for k in ("weight_ih", "weight_hh", "weight_hr"))
            b = params["bias_ih" + suffix] + params["bias_hh" + suffix] if module.bias else 0.0
            h, c = h0[layer * directions + d], c0[layer * directions + d]
            steps = [None] * x.shape[0]
            for t in (range(x.shape[0] - 1, -1, -1) if d else range(x.shape[0])):
                gates = layer_input[t] @ w_ih.T + h @ w_hh.T + b
                i, f, g, o = (gates[:, k * hidden:(k + 1) * hidden] for k in range(4))
                c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
                h = (sigmoid(o) * np.tanh(c)) @ w_hr.T
                steps[t] = h
            outputs.append(np.stack(steps))
            h_n.append(h)
            c_n.append(c)
        layer_input = np.concatenate(outputs, axis=-1)
    return layer_input, np.stack(h_n), np.stack(c_n)


CONFIGS = [
    dict(num_layers=1), dict(num_layers=2), dict(num_layers=2, bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True), dict(bias=False, bidirectional=True),
]


@pytest.mark.parametrize("kwargs", CONFIGS, ids=str)
@pytest.mark.parametrize("given", [False, True])
@pytest.mark.parametrize("fused", [True, False])
def test_layer_matches_its_equations(kwargs, given, fused):
    rng = np.random.default_rng(3)
    module = nn.LSTM(3, 5, proj_size=2, rng=rng, dtype=np.float64, **kwargs)
    length, batch, count = 4, 2, module.num_layers * (2 if module.bidirectional else 1)
    x = rng.standard_normal((length, batch, 3))
    h0 = rng.standard_normal((count, batch, 2)) if given else np.zeros((count, batch, 2))
    c0 = rng.standard_normal((count, batch, 5)) if given else np.zeros((count, batch, 5))
    x_in = x.transpose(1, 0, 2) if module.batch_first else x
    state = (minigan.tensor(h0), minigan.tensor(c0)) if given else None
    with minigan.fusion(fused):
        output, (h_n, c_n) = module(minigan.tensor(x_in), state)
    want_out, want_h, want_c = lstm_by_hand(module, x, h0, c0)
    want_out = want_out.transpose(1, 0, 2) if module.batch_first else want_out
    assert output.shape == want_out.shape and h_n.shape == (count, batch, 2) and c_n.shape == (count, batch, 5)
    for got, want in ((output, want_out), (h_n, want_h), (c_n, want_c)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-14)


def test_unbatched_input_is_a_batch_of_one():
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=3, dtype=np.float64)
    x = minigan.randn(5, 3, dtype=minigan.float64)
    h0, c0 = minigan.randn(4, 3, dtype=minigan.float64), minigan.randn(4, 4, dtype=minigan.float64)
    output, (h_n, c_n) = module(x, (h0, c0))
    batched, (bh, bc) = module(x.unsqueeze(1), (h0.unsqueeze(1), c0.unsqueeze(1)))
    assert output.shape == (5, 6) and h_n.shape == (4, 3) and c_n.shape == (4, 4)
    np.testing.assert_array_equal(output.numpy(), batched.numpy()[:, 0])
    np.testing.assert_array_equal(h_n.numpy(), bh.numpy()[:, 0])
    np.testing.assert_array_equal(c_n.numpy(), bc.numpy()[:, 0])


def test_parameter_names_and_shapes_are_pytorchs():
    """As PyTorch 2.14.1 lists them for nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)."""
    module = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    shapes = [(name, tuple(p.shape)) for name, p in module.named_parameters()]
    layer0 = [("weight_ih_l0", (20, 3)), ("weight_hh_l0", (20, 2)), ("bias_ih_l0", (20,)), ("bias_hh_l0", (20,)),
              ("weight_hr_l0", (2, 5))]
    layer1 = [(n.replace("l0", "l1"), (20, 4) if n == "weight_ih_l0" else s) for n, s in layer0]
    reverse = lambda rows: [(n + "_reverse", s) for n, s in rows]  # noqa: E731
    assert shapes == layer0 + reverse(layer0) + layer1 + reverse(layer1)
    assert [len(group) for group in module.all_weights] == [5, 5, 5, 5]
    assert [n for n, _ in nn.LSTM(3, 5, bias=False, proj_size=2).named_parameters()] == \
        ["weight_ih_l0", "weight_hh_l0", "weight_hr_l0"]
    assert repr(module) == "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"


def test_weights_start_uniform_within_one_over_root_hidden_size():
    module = nn.LSTM(3, 16, proj_size=4, rng=np.random.default_rng(0))
    values = module.weight_hr_l0.numpy()
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.2 and values.std() > 0.1


# PyTorch 2.14.1, float64: nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=1), each parameter
# (in named_parameters order) filled with 0.5 sin(0.7 k + j) over its elements k (row-major), j its
# index in that order; x[t, n, i] = sin(1.3 t + 0.6 n - 0.9 i) of shape (3, 2, 2), no initial state;
# loss = output.sum() + (h_n ** 2).sum() + 0.5 c_n.sum(); GRAD_SUMS: each parameter's gradient summed.
PYTORCH_OUTPUT = [[[-0.24390644607340164, -0.2391372571186497], [-0.24529642756819947, -0.24009396415458842]],
    [[-0.37220765156309865, -0.19041246861731315], [-0.3684067316982291, -0.18898819727451618]],
    [[-0.43038723372362203, -0.11257606528400792], [-0.4330575740287128, -0.11506131271253439]]]
PYTORCH_H_N = [[[-0.24568281999159763], [-0.22524797737528554]], [[-0.15412979770867008], [-0.12159656703477492]],
    [[-0.43038723372362203], [-0.4330575740287128]], [[-0.2391372571186497], [-0.24009396415458842]]]
PYTORCH_C_N = [[[0.5476860075440186, 0.2965035578759099, 0.2447218849020703], [0.4592311677609411,
    0.34884530481965315, 0.26489492206798043]], [[-0.6107228720004274, -0.03992273958269904, 0.3565577639354293],
    [-0.3675680052670969, 0.10359592970532311, 0.24713496579648542]], [[-0.700374740124281, -0.9181834556478329,
    -0.5761805879473948], [-0.7026935862438349, -0.9255957038841365, -0.5749291786373494]], [[0.1826244519471082,
    -0.3208534305909452, -0.8576441968554405], [0.1839839006867652, -0.3165397018911824, -0.8581870325262206]]]
PYTORCH_GRAD_SUMS = [2.7541920605674837, -0.5287479585801056, 2.351108179355904, 2.351108179355904,
    0.15108431757718266, 0.9944231571592789, -0.01987096582815872, 2.2474471256224033, 2.247447125622404,
    -0.002399118809440476, -0.13978156026933097, -0.10203240123187786, 0.5167707095688043, 0.5167707095688043,
    -3.739694513697667, -0.3115479898220833, -0.10909670874284472, 1.1639684629323548, 1.1639684629323543,
    -1.9442491966042017]
PYTORCH_INPUT_GRAD = [[[0.18598962984684772, 0.05352019444945625], [0.1780366100589875, 0.03524288216595882]],
    [[0.04791770388261699, 0.010423664994690982], [0.01791477698484604, -0.011302822314460545]],
    [[0.00266554435388245, -0.056509466577647834], [0.07678028668751995, -0.011127627024403522]]]


def _pytorch_case() -> tuple[nn.LSTM, minigan.Tensor]:
    module = nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=1, dtype=np.float64)
    for j, (_, p) in enumerate(module.named_parameters()):
        p.array[...] = (0.5 * np.sin(0.7 * np.arange(p.numel()) + j)).reshape(p.shape)
    t, n, i = np.meshgrid(np.arange(3), np.arange(2), np.arange(2), indexing="ij")
    return module, minigan.tensor(np.sin(1.3 * t + 0.6 * n - 0.9 * i), requires_grad=True)


def test_values_and_gradients_are_pytorchs():
    module, x = _pytorch_case()
    output, (h_n, c_n) = module(x)
    (output.sum() + (h_n ** 2).sum() + 0.5 * c_n.sum()).backward()
    np.testing.assert_allclose(output.numpy(), PYTORCH_OUTPUT, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h_n.numpy(), PYTORCH_H_N, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c_n.numpy(), PYTORCH_C_N, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([p.grad.numpy().sum() for p in module.parameters()], PYTORCH_GRAD_SUMS,
                               rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), PYTORCH_INPUT_GRAD, rtol=1e-11, atol=1e-14)


def test_gradients_match_finite_differences():
    """First order through the input and every weight; second order through the input."""
    rows = list(case_rows(find_case("nn.LSTM(proj_size=2, 2 layers, bidir)")))
    assert rows and all(result.ok for _, _, _, result in rows), [r.message for *_, r in rows if not r.ok]
    assert {label for label, *_ in rows} == {"direction", "gradgrad"}


def test_backward_reaches_every_weight():
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, proj_size=2)
    output, (h_n, c_n) = module(minigan.randn(2, 5, 3))
    (output.sum() + h_n.sum() + c_n.sum()).backward()
    assert all(p.grad is not None and np.abs(p.grad.numpy()).sum() > 0 for p in module.parameters())


@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, r"^proj_size has to be smaller than hidden_size$"),
    (lambda: nn.LSTM(3, 4, proj_size=-1), ValueError,
     r"^proj_size should be a positive integer or zero to disable projections$"),
    (lambda: nn.LSTM(3, 4, proj_size=1.5), TypeError, r"^LSTM: proj_size should be of type int, got: float$"),
])
def test_bad_arguments_raise_one_line(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("state, message", [
    ((minigan.zeros(2, 4, 5), minigan.zeros(2, 4, 5)), r"^Expected hidden\[0\] size \(2, 4, 2\), got \[2, 4, 5\]$"),
    ((minigan.zeros(2, 4, 2), minigan.zeros(2, 4, 2)), r"^Expected hidden\[1\] size \(2, 4, 5\), got \[2, 4, 2\]$"),
])
def test_a_state_of_the_wrong_size_raises_pytorchs_line(state, message):
    module = nn.LSTM(3, 5, num_layers=2, proj_size=2)
    with pytest.raises(RuntimeError, match=message) as info:
        module(minigan.zeros(6, 4, 3), state)
    assert "\n" not in str(info.value)


def test_without_projections_nothing_changes():
    """proj_size=0 is the plain LSTM: the same parameters and the same values, bit for bit."""
    plain = nn.LSTM(3, 4, num_layers=2, rng=np.random.default_rng(5))
    zero = nn.LSTM(3, 4, num_layers=2, proj_size=0, rng=np.random.default_rng(5))
    x = minigan.randn(3, 2, 3)
    assert [n for n, _ in plain.named_parameters()] == [n for n, _ in zero.named_parameters()]
    np.testing.assert_array_equal(plain(x)[0].numpy(), zero(x)[0].numpy())
