"""minigan.nn.utils.parametrize and parametrizations (spectral_norm, weight_norm) against PyTorch
2.14.1's behaviour: the class swap, the state_dict keys, right_inverse, chaining, removal, the
cache, the error messages, and the spectral and weight normalisations' values and gradients.
The expected numbers are written out by hand, by plain NumPy, or as PyTorch printed them."""
from __future__ import annotations

import copy
import pickle
import threading

import numpy as np
import pytest

import minigan
import minigan as torch
from minigan import nn
from minigan.gradcheck import gradcheck
from minigan.nn.utils import parametrizations as PS
from minigan.nn.utils import parametrize as P

W = np.array([[1.0, 2.0, 0.5], [-1.0, 0.25, 3.0]])


class Sym(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).T


class Double(nn.Module):
    def forward(self, X):
        return 2 * X

    def right_inverse(self, X):
        return X / 2


class Square(nn.Module):
    def forward(self, X):
        return X * X


class Split(nn.Module):
    """w = a + b, stored as two halves."""

    def forward(self, a, b):
        return a + b

    def right_inverse(self, X):
        return X / 2, X / 2


class ToFloat64(nn.Module):
    def forward(self, X):
        return X.double()


class FirstRow(nn.Module):
    def forward(self, X):
        return X[:1]


class Returns3(nn.Module):
    def forward(self, X):
        return 3


def linear(weight, bias=None):
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight, dtype=torch.float32))
        if bias is not None:
            layer.bias.copy_(torch.tensor(bias, dtype=torch.float32))
    return layer


# ---------------------------------------------------------------------- register_parametrization
def test_registration_swaps_the_class_and_moves_the_parameter():
    layer = linear(np.array([[1.0, 2.0], [3.0, 4.0]]))
    weight = layer.weight
    assert P.register_parametrization(layer, "weight", Sym()) is layer
    assert type(layer).__name__ == "ParametrizedLinear"
    assert type(layer).__bases__ == (nn.Linear,)
    assert isinstance(layer, nn.Linear)
    assert P.type_before_parametrizations(layer) is nn.Linear
    assert type(layer.parametrizations).__name__ == "ModuleDict"
    assert isinstance(layer.parametrizations.weight, P.ParametrizationList)
    assert isinstance(layer.parametrizations.weight, nn.ModuleList)
    assert layer.parametrizations.weight.original is weight  # the same Parameter, as PyTorch's
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert [n for n, _ in layer.named_parameters()] == ["bias", "parametrizations.weight.original"]
    assert [n for n, _ in layer.named_modules()] == ["", "parametrizations", "parametrizations.weight",
                                                     "parametrizations.weight.0"]
    assert (P.is_parametrized(layer), P.is_parametrized(layer, "weight"), P.is_parametrized(layer, "bias")) == (
        True, True, False)
    # Sym of [[1, 2], [3, 4]]: the upper triangle mirrored
    assert layer.weight.tolist() == [[1.0, 2.0], [2.0, 4.0]]
    assert type(layer.weight) is minigan.Tensor and layer.weight.requires_grad
    assert "(parametrizations): ModuleDict(" in repr(layer) and "(0): Sym()" in repr(layer)


def test_the_class_is_the_modules_own():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    P.register_parametrization(a, "weight", Square())
    assert type(b) is nn.Linear and not hasattr(type(b), "parametrizations")
    assert P.type_before_parametrizations(b) is nn.Linear
    assert not P.is_parametrized(b) and not P.is_parametrized(b, "weight")


def test_every_read_recomputes_and_the_gradient_reaches_the_original():
    layer = linear(np.array([[1.0, -2.0]]), bias=[0.0])
    P.register_parametrization(layer, "weight", Square())
    layer(torch.tensor([[1.0, 1.0]])).sum().backward()
    # d/dW sum(x W^2) with x = 1: 2 W
    assert layer.parametrizations.weight.original.grad.tolist() == [[2.0, -4.0]]
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    optimizer.step()
    np.testing.assert_allclose(layer.parametrizations.weight.original.tolist(), [[0.8, -1.6]], rtol=1e-6)
    np.testing.assert_allclose(layer.weight.tolist(), [[0.64, 2.56]], rtol=1e-6)


def test_parametrizations_chain_in_order():
    layer = linear(np.array([[1.0, 2.0], [3.0, 4.0]]))
    P.register_parametrization(layer, "weight", Sym())
    P.register_parametrization(layer, "weight", Double())
    assert len(layer.parametrizations.weight) == 2
    assert layer.weight.tolist() == [[2.0, 4.0], [4.0, 8.0]]
    assert [n for n, _ in layer.named_modules()][-2:] == ["parametrizations.weight.0", "parametrizations.weight.1"]
    with pytest.raises(RuntimeError, match=r"^parametrization Sym does not implement right_inverse\.$"):
        layer.weight = torch.ones(2, 2)


def test_right_inverse_at_registration_and_on_assignment():
    layer = linear(np.array([[1.0, 2.0], [3.0, 4.0]]))
    P.register_parametrization(layer, "weight", Double())
    assert layer.parametrizations.weight.original.tolist() == [[0.5, 1.0], [1.5, 2.0]]
    assert layer.weight.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    original = layer.parametrizations.weight.original
    layer.weight = torch.tensor([[2.0, 2.0], [2.0, 2.0]])
    assert layer.parametrizations.weight.original is original
    assert original.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(ValueError, match=r"^The tensor returned by `right_inverse` has dtype torch\.float64 while "
                                         r"`original` has dtype torch\.float32$"):
        layer.weight = torch.ones(2, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^`right_inverse` should return a tensor\. Got float$"):
        layer.weight = 3
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        layer.weight = nn.Parameter(torch.ones(2, 2))
    assert original.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_a_right_inverse_raising_not_implemented_is_skipped_at_registration():
    class NoInverse(nn.Module):
        def forward(self, X):
            return X * 2

        def right_inverse(self, X):
            raise NotImplementedError

    layer = linear(np.array([[1.0, 2.0], [3.0, 4.0]]))
    P.register_parametrization(layer, "weight", NoInverse())
    P.register_parametrization(layer, "weight", NoInverse())
    assert layer.parametrizations.weight.original.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert layer.weight.tolist() == [[4.0, 8.0], [12.0, 16.0]]


def test_a_sequence_from_right_inverse_makes_original0_original1():
    layer = linear(np.array([[2.0, 4.0], [6.0, 8.0]]))
    P.register_parametrization(layer, "weight", Split())
    plist = layer.parametrizations.weight
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert (plist.is_tensor, plist.ntensors) == (False, 2)
    assert type(plist.original0) is nn.Parameter and plist.original1.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert layer.weight.tolist() == [[2.0, 4.0], [6.0, 8.0]]
    layer.weight = torch.ones(2, 2)
    assert plist.original0.tolist() == [[0.5, 0.5], [0.5, 0.5]]
    with pytest.raises(ValueError, match=r"^Cannot leave unparametrized \(`leave_parametrized=False`\) a tensor that "
                                         r"is parametrized in terms of a sequence of tensors\.$"):
        P.remove_parametrizations(layer, "weight", leave_parametrized=False)
    P.remove_parametrizations(layer, "weight")
    assert type(layer.weight) is nn.Parameter and layer.weight.requires_grad
    assert layer.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("returned, message", [
    (lambda X: (X / 2,), r"^'right_inverse' must return a sequence of tensors of length 2\. Got a sequence of length 1\.$"),
    (lambda X: X, r"^'right_inverse' must return a sequence of tensors\. Got Tensor\.$"),
    (lambda X: (X, 3), r"^'right_inverse' must return a sequence of tensors or reference-type opaques\. "
                       r"Got element 1 of type int\.$"),
    (lambda X: (X.double(), X), r"^Tensor 0 returned by `right_inverse` has dtype torch\.float64 while `original0` "
                                r"has dtype torch\.float32$"),
])
def test_assigning_through_a_sequence_right_inverse_checks_what_it_returns(returned, message):
    split = Split()
    layer = nn.Linear(2, 2)
    P.register_parametrization(layer, "weight", split)
    split.right_inverse = returned
    with pytest.raises(ValueError, match=message):
        layer.weight = torch.ones(2, 2)


def test_a_buffer_can_be_parametrized():
    norm = nn.BatchNorm1d(2)
    P.register_parametrization(norm, "running_mean", Double())
    assert list(norm.state_dict()) == ["weight", "bias", "running_var", "num_batches_tracked",
                                       "parametrizations.running_mean.original"]
    original = norm.parametrizations.running_mean.original
    assert type(original) is minigan.Tensor and not original.requires_grad
    P.remove_parametrizations(norm, "running_mean")
    assert list(norm.state_dict())[-1] == "running_mean" and type(norm.running_mean) is minigan.Tensor


# ---------------------------------------------------------------------- registration errors
@pytest.mark.parametrize("parametrization, message", [
    (ToFloat64(), "^Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag is "
                  "enabled.\nunparametrized dtype: torch.float32\nparametrized dtype: torch.float64$"),
    (FirstRow(), r"^Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is "
                 r"enabled.\nunparametrized shape: torch.Size\(\[3, 3\]\)\nparametrized shape: torch.Size\(\[1, 3\]\)$"),
    (Returns3(), r"^A parametrization must return a tensor\. Got int\.$"),
])
def test_a_first_parametrization_keeps_dtype_and_shape_unless_unsafe(parametrization, message):
    with pytest.raises(ValueError, match=message):
        P.register_parametrization(nn.Linear(3, 3), "weight", parametrization)


def test_unsafe_lets_the_dtype_change():
    layer = P.register_parametrization(nn.Linear(3, 3), "weight", ToFloat64(), unsafe=True)
    assert layer.weight.dtype == torch.float64


def test_right_inverse_at_registration_is_checked():
    class Widen(nn.Module):
        def forward(self, X):
            return X.float()

        def right_inverse(self, X):
            return X.double()

    class Gives3(nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return 3

    class GivesPair3(nn.Module):
        def forward(self, a, b):
            return a

        def right_inverse(self, X):
            return X, 3

    for unsafe in (False, True):
        with pytest.raises(ValueError, match="^When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                             "original.dtype: torch.float32\nright_inverse\\(original\\).dtype: "
                                             "torch.float64$"):
            P.register_parametrization(nn.Linear(3, 3), "weight", Widen(), unsafe=unsafe)
    with pytest.raises(ValueError, match=r"^'right_inverse' must return a Tensor or a Sequence of tensors \(list, "
                                         r"tuple\.\.\.\)\. Got int$"):
        P.register_parametrization(nn.Linear(3, 3), "weight", Gives3())
    with pytest.raises(ValueError, match=r"^'right_inverse' must return a Tensor or a Sequence of tensors \(list, "
                                         r"tuple\.\.\.\)\. Got element 1 of the sequence with type int\.$"):
        P.register_parametrization(nn.Linear(3, 3), "weight", GivesPair3())


def test_a_chained_parametrization_is_checked_and_not_added_on_failure():
    class Widen(nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return X.double()

    class Narrow(nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return X[:1]

    layer = P.register_parametrization(nn.Linear(3, 3), "weight", Double())
    cases = [
        (FirstRow(), r"^Registering a parametrization may not change the shape of the tensor, unless the `unsafe` flag "
                     r"is enabled\.\nmodule\.weight\.shape: torch\.Size\(\[3, 3\]\)\nparametrization\(module\.weight\)"
                     r"\.shape: torch\.Size\(\[1, 3\]\)$"),
        (ToFloat64(), r"^Registering a parametrization may not change the dtype of the tensor, unless the `unsafe` flag "
                      r"is enabled\.\nmodule\.weight\.dtype: torch\.float32\nparametrization\(module\.weight\)\.dtype: "
                      r"torch\.float64$"),
        (Narrow(), r"^The tensor returned by parametrization\.right_inverse must have the same shape as module\.weight, "
                   r"unless the `unsafe` flag is enabled\.\nmodule\.weight\.shape: torch\.Size\(\[3, 3\]\)\nreturned "
                   r"shape: torch\.Size\(\[1, 3\]\)$"),
        (Widen(), r"^The tensor returned by parametrization\.right_inverse must have the same dtype as module\.weight, "
                  r"unless the `unsafe` flag is enabled\.\nmodule\.weight\.dtype: torch\.float32\nreturned dtype: "
                  r"torch\.float64$"),
        (Returns3(), r"^A parametrization must return a tensor\. Got int\.$"),
    ]
    for parametrization, message in cases:
        with pytest.raises(ValueError, match=message):
            P.register_parametrization(layer, "weight", parametrization)
    assert len(layer.parametrizations.weight) == 1


def test_registering_on_a_name_that_is_neither_parameter_nor_buffer():
    layer = nn.Linear(3, 3)
    layer.plain = torch.zeros(3)
    for name in ("foo", "plain"):
        with pytest.raises(ValueError, match=r"^Module 'Linear\(in_features=3, out_features=3, bias=True\)' does not "
                                             rf"have a parameter, a buffer, or a parametrized element with name '{name}'$"):
            P.register_parametrization(layer, name, Sym())
    assert type(layer) is nn.Linear


def test_the_parametrization_takes_the_modules_training_mode():
    layer = nn.Linear(2, 2).eval()
    double = Double()
    P.register_parametrization(layer, "weight", double)
    assert double.training is False
    layer.train()
    assert double.training is True


# ---------------------------------------------------------------------- remove_parametrizations
def test_remove_leaves_the_parametrized_value_in_the_same_parameter():
    layer = linear(np.array([[1.0, -2.0]]))
    P.register_parametrization(layer, "weight", Square())
    original = layer.parametrizations.weight.original
    assert P.remove_parametrizations(layer, "weight") is layer
    assert type(layer) is nn.Linear and layer.weight is original and type(original) is nn.Parameter
    assert layer.weight.tolist() == [[1.0, 4.0]]
    assert list(layer.state_dict()) == ["bias", "weight"]  # re-registered last, as in PyTorch
    with pytest.raises(AttributeError):
        layer.parametrizations  # noqa: B018 - the attribute is gone


def test_remove_without_leaving_parametrized_keeps_the_original_and_the_other_names():
    layer = linear(np.array([[1.0, -2.0]]), bias=[3.0])
    P.register_parametrization(layer, "weight", Square())
    P.register_parametrization(layer, "bias", Square())
    cls = type(layer)
    P.remove_parametrizations(layer, "weight", leave_parametrized=False)
    assert type(layer) is cls and "weight" not in cls.__dict__ and "bias" in cls.__dict__
    assert layer.weight.tolist() == [[1.0, -2.0]] and layer.bias.tolist() == [9.0]
    assert list(layer.state_dict()) == ["weight", "parametrizations.bias.original"]


def test_remove_when_not_parametrized():
    with pytest.raises(ValueError, match=r"^Module Linear\(in_features=3, out_features=3, bias=True\) does not have "
                                         r"a parametrization on weight$"):
        P.remove_parametrizations(nn.Linear(3, 3), "weight")


# ---------------------------------------------------------------------- cached
def test_cached_computes_each_tensor_once_and_is_per_thread():
    calls = []

    class Count(nn.Module):
        def forward(self, X):
            calls.append(threading.get_ident())
            return X * 1.0

    layer = nn.Linear(2, 2)
    P.register_parametrization(layer, "weight", Count())
    calls.clear()
    with P.cached():
        first = layer.weight
        assert layer.weight is first and len(calls) == 1
        with P.cached():
            assert layer.weight is first
        assert layer.weight is first and len(calls) == 1  # the outer context still caches
        other = threading.Thread(target=lambda: (layer.weight, layer.weight))
        other.start()
        other.join()
        assert len(calls) == 3  # the cache is this thread's: the other one, outside any cached(), computed twice
    assert layer.weight is not first
    assert len(calls) == 4


# ---------------------------------------------------------------------- copies and state
def test_deepcopy_state_dict_and_load():
    layer = linear(np.array([[1.0, 2.0], [3.0, 4.0]]), bias=[1.0, -1.0])
    P.register_parametrization(layer, "weight", Double())
    twin = copy.deepcopy(layer)
    assert type(twin) is type(layer)
    assert twin.parametrizations.weight.original is not layer.parametrizations.weight.original
    assert twin.weight.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with torch.no_grad():
        twin.parametrizations.weight.original.fill_(0.0)
    assert layer.weight.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    other = P.register_parametrization(nn.Linear(2, 2), "weight", Double())
    other.load_state_dict(layer.state_dict())
    assert other.weight.tolist() == [[1.0, 2.0], [3.0, 4.0]] and other.bias.tolist() == [1.0, -1.0]
    with pytest.raises(RuntimeError, match="parametrizations.weight.original"):
        other.load_state_dict(nn.Linear(2, 2).state_dict())
    with pytest.raises(RuntimeError, match="^Serialization of parametrized modules is only supported through "
                                           "state_dict\\(\\): save module.state_dict\\(\\)"):
        pickle.dumps(layer)


# ---------------------------------------------------------------------- spectral_norm
def sigma_max(matrix):
    return np.linalg.svd(matrix, compute_uv=False)[0]


def spectral_linear(seed=None):
    layer = nn.Linear(3, 2).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
    if seed is not None:
        torch.manual_seed(seed)
    return PS.spectral_norm(layer)


def set_uv(layer, u, v):
    norm = layer.parametrizations.weight[0]
    with torch.no_grad():
        norm._u.copy_(torch.tensor(u, dtype=torch.float64))
        norm._v.copy_(torch.tensor(v, dtype=torch.float64))
    return norm


def test_spectral_norm_keys_and_buffers():
    layer = spectral_linear(seed=0)
    norm = layer.parametrizations.weight[0]
    assert type(norm).__name__ == "_SpectralNorm" and (norm.dim, norm.eps, norm.n_power_iterations) == (0, 1e-12, 1)
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original", "parametrizations.weight.0._u",
                                        "parametrizations.weight.0._v"]
    assert [n for n, _ in layer.named_parameters()] == ["bias", "parametrizations.weight.original"]
    assert norm._u.shape == (2,) and norm._v.shape == (3,)
    np.testing.assert_allclose([float((norm._u * norm._u).sum()), float((norm._v * norm._v).sum())], [1.0, 1.0])
    # u and v start as normalised N(0, 1) draws from the default Generator (seeded 0 above: NumPy's PCG64),
    # then registration runs 16 steps, u first: 15 at creation and one as its check computes the weight
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal(2), rng.standard_normal(3)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    for _ in range(16):
        u = W @ v / np.linalg.norm(W @ v)
        v = W.T @ u / np.linalg.norm(W.T @ u)
    np.testing.assert_allclose(norm._u.numpy(), u, rtol=1e-14)
    np.testing.assert_allclose(norm._v.numpy(), v, rtol=1e-14)


def test_spectral_norm_one_training_step_matches_pytorch():
    layer = spectral_linear()
    norm = set_uv(layer, [0.6, 0.8], [1.0, 0.0, 0.0])
    weight = layer.weight
    # u = normalize(W v) = (1, -1) / sqrt(2); v = normalize(W^T u) = (2, 1.75, -2.5) / sqrt(13.3125)
    np.testing.assert_allclose(norm._u.tolist(), [2 ** -0.5, -(2 ** -0.5)], rtol=1e-15)
    np.testing.assert_allclose(norm._v.tolist(), np.array([2.0, 1.75, -2.5]) / 13.3125 ** 0.5, rtol=1e-15)
    np.testing.assert_allclose(weight.tolist(), [[0.38760126648920745, 0.7752025329784149, 0.19380063324460373],
                                                 [-0.38760126648920745, 0.09690031662230186, 1.1628037994676224]],
                               rtol=1e-14)


def test_spectral_norm_three_steps_match_pytorch():
    layer = nn.Linear(3, 2).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
    PS.spectral_norm(layer, n_power_iterations=3)
    norm = set_uv(layer, [0.6, 0.8], [1.0, 0.0, 0.0])
    weight = layer.weight
    np.testing.assert_allclose(norm._u.tolist(), [0.15066188221102486, -0.988585351524405], rtol=1e-14)
    np.testing.assert_allclose(norm._v.tolist(), [0.36663453401173807, 0.017435474009155, -0.9302016570164083],
                               rtol=1e-14)
    np.testing.assert_allclose(weight.tolist(), [[0.3218217461100129, 0.6436434922200258, 0.16091087305500645],
                                                 [-0.3218217461100129, 0.08045543652750323, 0.9654652383300388]],
                               rtol=1e-14)


def test_spectral_norm_in_eval_mode_uses_the_stored_vectors():
    layer = spectral_linear().eval()
    norm = set_uv(layer, [0.6, 0.8], [1.0, 0.0, 0.0])
    # sigma = u^T W v = 0.6 * 1 + 0.8 * (-1) = -0.2
    np.testing.assert_allclose(layer.weight.tolist(), (W / -0.2).tolist(), rtol=1e-14)
    assert norm._u.tolist() == [0.6, 0.8] and norm._v.tolist() == [1.0, 0.0, 0.0]


def test_spectral_norm_converges_to_the_largest_singular_value():
    layer = spectral_linear()
    set_uv(layer, [0.6, 0.8], [1.0, 0.0, 0.0])
    for _ in range(100):
        weight = layer.weight
    np.testing.assert_allclose(W / weight.numpy(), np.full(W.shape, sigma_max(W)), rtol=1e-12)
    assert sigma_max(W) == pytest.approx(3.203438830312532, rel=1e-15)


def test_spectral_norm_of_a_conv_weight_along_dim():
    rng = np.random.default_rng(3)
    kernel = rng.standard_normal((3, 2, 2, 2))
    for layer, dim, shapes in [(nn.ConvTranspose2d(2, 3, 2), None, ((3,), (8,))), (nn.Conv2d(2, 3, 2), -1, ((2,), (12,)))]:
        layer = layer.double()
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(kernel if dim == -1 else kernel.transpose(1, 0, 2, 3)))
        PS.spectral_norm(layer, dim=dim)
        norm = layer.parametrizations.weight[0]
        assert (norm._u.shape, norm._v.shape) == shapes and norm.dim == (1 if dim is None else 3)
        for _ in range(200):
            weight = layer.weight
        along = 1 if dim is None else 3
        matrix = np.moveaxis(layer.parametrizations.weight.original.numpy(), along, 0).reshape(shapes[0][0], -1)
        np.testing.assert_allclose(layer.parametrizations.weight.original.numpy() / weight.numpy(),
                                   np.full(kernel.shape if dim == -1 else (2, 3, 2, 2), sigma_max(matrix)), rtol=1e-9)


def test_spectral_norm_gradient_in_eval_mode():
    layer = spectral_linear().eval()
    set_uv(layer, [0.6, 0.8], [0.48, 0.6, 0.64])
    norm = layer.parametrizations.weight[0]
    weight = torch.tensor(W, requires_grad=True)
    assert gradcheck(lambda w: norm(w), [weight]).ok
    # closed form: sigma = u^T W v, d(sum(W / sigma))/dW = 1/sigma - sum(W) u v^T / sigma^2
    u, v = np.array([0.6, 0.8]), np.array([0.48, 0.6, 0.64])
    s = u @ W @ v
    norm(weight).sum().backward()
    np.testing.assert_allclose(weight.grad.numpy(), 1 / s - W.sum() * np.outer(u, v) / s ** 2, rtol=1e-12)


def test_spectral_norm_state_dict_loads_and_a_1d_weight_is_normalized():
    source = spectral_linear()
    target = spectral_linear()
    set_uv(source, [0.6, 0.8], [0.48, 0.6, 0.64])
    target.load_state_dict(source.state_dict())
    source.eval(), target.eval()
    assert target.weight.tolist() == source.weight.tolist()
    twin = copy.deepcopy(source)
    assert twin.weight.tolist() == source.weight.tolist()
    layer = nn.Linear(2, 3)
    PS.spectral_norm(layer, name="bias")
    assert list(layer.state_dict()) == ["weight", "parametrizations.bias.original"]
    with torch.no_grad():
        layer.parametrizations.bias.original.copy_(torch.tensor([3.0, 4.0, 0.0]))
    np.testing.assert_allclose(layer.bias.tolist(), [0.6, 0.8, 0.0], rtol=1e-7)


def test_spectral_norm_errors():
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)$"):
        PS.spectral_norm(nn.Linear(2, 2), dim=2)
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\] but got -3\)$"):
        PS.spectral_norm(nn.Linear(2, 2), dim=-3)
    with pytest.raises(ValueError, match="^Expected n_power_iterations to be positive, but got n_power_iterations=0$"):
        PS.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(ValueError, match=r"^Module 'Linear\(in_features=2, out_features=2, bias=True\)' has no "
                                         r"parameter or buffer with name 'foo'$"):
        PS.spectral_norm(nn.Linear(2, 2), name="foo")
    assert len(PS.spectral_norm(PS.spectral_norm(nn.Linear(2, 2))).parametrizations.weight) == 2


# ---------------------------------------------------------------------- weight_norm
def weight_normed(dim=0):
    layer = nn.Linear(3, 2).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W))
    return PS.weight_norm(layer, dim=dim)


def test_weight_norm_splits_the_weight_into_g_and_v():
    layer = weight_normed()
    plist = layer.parametrizations.weight
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert type(plist[0]).__name__ == "_WeightNorm" and plist[0].dim == 0
    assert type(plist.original0) is nn.Parameter and type(plist.original1) is nn.Parameter
    # row norms: sqrt(1 + 4 + 0.25), sqrt(1 + 0.0625 + 9)
    np.testing.assert_allclose(plist.original0.tolist(), [[5.25 ** 0.5], [10.0625 ** 0.5]], rtol=1e-15)
    assert plist.original1.tolist() == W.tolist()
    np.testing.assert_allclose(layer.weight.tolist(), W.tolist(), rtol=1e-15)
    layer.weight = torch.tensor(2 * W)
    np.testing.assert_allclose(plist.original0.tolist(), [[2 * 5.25 ** 0.5], [2 * 10.0625 ** 0.5]], rtol=1e-15)
    with torch.no_grad():
        plist.original0.copy_(torch.tensor([[1.0], [2.0]]))
    expected = W * np.array([[1.0], [2.0]]) / np.sqrt((W ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(layer.weight.tolist(), expected, rtol=1e-15)


@pytest.mark.parametrize("dim, g_shape, g_values", [
    (None, (), [15.3125 ** 0.5]), (-1, (), [15.3125 ** 0.5]),
    (0, (2, 1), [5.25 ** 0.5, 10.0625 ** 0.5]), (-2, (2, 1), [5.25 ** 0.5, 10.0625 ** 0.5]),
    (1, (1, 3), [2 ** 0.5, 4.0625 ** 0.5, 9.25 ** 0.5]),
])
def test_weight_norm_dims(dim, g_shape, g_values):
    layer = weight_normed(dim)
    g = layer.parametrizations.weight.original0
    assert g.shape == g_shape and layer.parametrizations.weight[0].dim == (-1 if dim is None else dim)
    np.testing.assert_allclose(np.ravel(g.numpy()), g_values, rtol=1e-15)


@pytest.mark.parametrize("dim, g_shape", [(None, ()), (0, (3, 1, 1, 1)), (1, (1, 2, 1, 1)), (2, (1, 1, 2, 1)),
                                          (3, (1, 1, 1, 2)), (-2, (1, 1, 2, 1)), (-3, (1, 2, 1, 1)), (-4, (3, 1, 1, 1))])
def test_weight_norm_of_a_conv_weight(dim, g_shape):
    layer = PS.weight_norm(nn.Conv2d(2, 3, 2).double(), dim=dim)
    plist = layer.parametrizations.weight
    assert plist.original0.shape == g_shape
    with torch.no_grad():
        plist.original0.mul_(2.0)
    np.testing.assert_allclose(layer.weight.numpy(), 2 * plist.original1.numpy(), rtol=1e-14)


def test_weight_norm_gradient_and_errors():
    norm = weight_normed(1).parametrizations.weight[0]
    g = torch.tensor([[0.5, -1.5, 2.0]], dtype=torch.float64, requires_grad=True)
    v = torch.tensor(W, requires_grad=True)
    assert gradcheck(lambda g, v: norm(g, v), [g, v]).ok
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-4, 3\], but got 4\)$"):
        PS.weight_norm(nn.Conv2d(2, 3, 2), dim=4)
    with pytest.raises(ValueError, match=r"^Module 'Linear\(in_features=2, out_features=2, bias=True\)' does not have "
                                         r"a parameter, a buffer, or a parametrized element with name 'foo'$"):
        PS.weight_norm(nn.Linear(2, 2), name="foo")


def test_weight_norm_loads_the_older_weight_g_weight_v_keys():
    layer = weight_normed()
    layer.load_state_dict({"weight_g": torch.ones(2, 1, dtype=torch.float64), "weight_v": torch.tensor(W),
                           "bias": torch.zeros(2, dtype=torch.float64)})
    assert layer.parametrizations.weight.original0.tolist() == [[1.0], [1.0]]
    np.testing.assert_allclose(layer.weight.tolist(), W / np.sqrt((W ** 2).sum(axis=1, keepdims=True)), rtol=1e-15)
    model, source = nn.Sequential(weight_normed()), nn.Sequential(weight_normed())
    with torch.no_grad():
        source[0].parametrizations.weight.original0.fill_(3.0)
    model.load_state_dict(source.state_dict())  # the new keys, under a prefix
    assert model[0].parametrizations.weight.original0.tolist() == [[3.0], [3.0]]
    model.load_state_dict({"0.weight_g": torch.full((2, 1), 5.0, dtype=torch.float64), "0.weight_v": torch.tensor(W),
                           "0.bias": torch.zeros(2, dtype=torch.float64)})
    assert model[0].parametrizations.weight.original0.tolist() == [[5.0], [5.0]]


# ---------------------------------------------------------------------- names
def test_names_and_what_is_left_out():
    assert nn.utils.parametrize is P and nn.utils.parametrizations is PS
    assert {"parametrize", "parametrizations"} <= set(nn.utils.__all__)
    assert PS.__all__ == ["spectral_norm", "weight_norm"]
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.nn.utils.parametrizations.orthogonal"):
        PS.orthogonal  # noqa: B018
    with pytest.raises(minigan.UnsupportedFeatureError, match="transfer_parametrizations_and_params"):
        P.transfer_parametrizations_and_params  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        PS.nothing  # noqa: B018


# ---------------------------------------------------------------------- the test device
@pytest.mark.parametrize("normalise", [PS.spectral_norm, PS.weight_norm,
                                       lambda m: nn.utils.spectral_norm(m, rng=np.random.default_rng(1))])
def test_normalisations_run_on_the_strict_device(normalise):
    layers = []
    for device in ("cpu", "strict"):
        layer = nn.Linear(3, 2).double()
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(W))
            layer.bias.zero_()
        torch.manual_seed(1)
        layer = normalise(layer.to(device))
        layer(torch.ones(4, 3, dtype=torch.float64).to(device)).sum().backward()
        layers.append(layer)
    cpu, strict = layers
    cpu_weight, strict_weight = cpu.weight, strict.weight  # one read each: in training a read takes a step
    assert strict_weight.device == "strict"
    for (name, a), (_, b) in zip(cpu.named_parameters(), strict.named_parameters()):
        assert b.grad.device == "strict"
        np.testing.assert_allclose(b.grad.cpu().numpy(), a.grad.numpy(), rtol=1e-12, err_msg=name)
    np.testing.assert_allclose(strict_weight.detach().cpu().numpy(), cpu_weight.detach().numpy(), rtol=1e-12)
