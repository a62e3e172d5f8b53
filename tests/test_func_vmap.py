"""minigan.vmap (minigan.func.vmap) against the loop written out: results per slice stacked at
out_dims, in_dims as ints, None and nested tuples/dicts, keyword arguments unmapped, randomness
modes, and PyTorch's messages for bad in_dims/out_dims (written out from PyTorch 2.14.1). The
classic use, per-sample gradients of a small MLP by vmap(grad(...)) over functional_call, is
checked against the gradients computed one sample at a time; an ensemble by stack_module_state.
functional_call against the layers' formulas written out in NumPy (Linear: xWᵀ+b, Sequential,
BatchNorm1d's batch statistics and running-statistics update), the module left as it was, tied
weights following one value, gradients reaching the tensors passed in, PyTorch's messages."""
from __future__ import annotations

import numpy as np
import pytest

import minigan as mg
from minigan import nn
from minigan.func import functional_call, grad, replace_all_batch_norm_modules_, stack_module_state, vmap

RNG = np.random.default_rng(5)


def t(values, requires_grad=False):
    return mg.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def close(tensor, expected):
    np.testing.assert_allclose(tensor.detach().numpy(), expected, rtol=1e-12, atol=1e-12)


def test_vmap_is_torch_vmap_and_maps_a_dimension():
    assert mg.vmap is vmap
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((3, 5))
    close(vmap(lambda x, y: (x * y).sum())(t(a), t(b.T)), np.sum(a * b.T, axis=1))
    close(vmap(lambda x, y: (x * y).sum(), in_dims=(0, 1))(t(a), t(b)), np.sum(a * b.T, axis=1))
    close(vmap(lambda x, y: x * y, in_dims=(1, None))(t(b), t(b[:, 0])), (b * b[:, :1]).T)
    close(vmap(lambda x: x.sum(), in_dims=-1)(t(b)), b.sum(axis=0))


def test_out_dims_place_the_mapped_dimension():
    a = RNG.standard_normal((4, 2, 3))
    assert tuple(vmap(lambda x: x, out_dims=1)(t(a)).shape) == (2, 4, 3)
    close(vmap(lambda x: x, out_dims=-1)(t(a)), np.moveaxis(a, 0, -1))
    first, second = vmap(lambda x: (x, x.sum()), out_dims=(2, 0))(t(a))
    close(first, np.moveaxis(a, 0, 2))
    close(second, a.sum(axis=(1, 2)))
    kept, constant = vmap(lambda x: (x, t([1.0, 2.0])), out_dims=(0, None))(t(a))
    close(constant, [1.0, 2.0])
    assert vmap(lambda x: (x, 3.0), out_dims=(0, None))(t(a))[1] == 3.0
    close(vmap(lambda x: x, out_dims=(0,))(t(a)), a)


def test_nested_in_dims_keyword_arguments_and_pytree_outputs():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    out = vmap(lambda d: {"p": [d["a"] * d["b"]]}, in_dims=({"a": 0, "b": None},))({"a": t(a), "b": t(b)})
    assert list(out) == ["p"] and isinstance(out["p"], list)
    close(out["p"][0], a * b)
    close(vmap(lambda x, y=None: x * y)(t(a), y=t(a)), a[:, None, :] * a[None, :, :])  # y is not mapped


def test_nested_vmap_is_an_outer_product():
    a, b = RNG.standard_normal(3), RNG.standard_normal(4)
    close(vmap(vmap(lambda x, y: x * y, in_dims=(None, 0)), in_dims=(0, None))(t(a), t(b)), np.outer(a, b))


def test_grad_through_vmap_and_vmap_of_grad():
    a = RNG.standard_normal((3, 4))
    close(grad(lambda x: vmap(lambda row: (row ** 3).sum())(x).sum())(t(a)), 3 * a ** 2)
    close(vmap(grad(lambda row: (row.sin()).sum()))(t(a)), np.cos(a))


def _mlp():
    mg.manual_seed(3)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()


def test_per_sample_gradients_of_an_mlp_match_the_ones_computed_one_by_one():
    model = _mlp()
    params = {k: v.detach() for k, v in model.named_parameters()}
    xs, ys = t(RNG.standard_normal((6, 3))), t(RNG.standard_normal((6, 2)))

    def loss(p, x, y):
        out = functional_call(model, p, (x.unsqueeze(0),))
        return ((out - y.unsqueeze(0)) ** 2).mean()
    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    for i in range(6):
        model.zero_grad()
        ((model(xs[i:i + 1]) - ys[i:i + 1]) ** 2).mean().backward()
        for name, param in model.named_parameters():
            close(per_sample[name][i], param.grad.numpy())
    assert all(not v.requires_grad for v in per_sample.values())


def test_an_ensemble_by_stack_module_state():
    models = [_mlp() for _ in range(3)]
    for k, m in enumerate(models):
        m[0].bias.data.fill_(float(k))
    params, buffers = stack_module_state(models)
    assert tuple(params["0.weight"].shape) == (3, 5, 3) and buffers == {}
    assert all(p.requires_grad and p.is_leaf for p in params.values())
    x = t(RNG.standard_normal((4, 3)))
    out = vmap(lambda p, b: functional_call(models[0], (p, b), (x,)))(params, buffers)
    for k, m in enumerate(models):
        close(out[k], m(x).detach().numpy())
    bn_params, bn_buffers = stack_module_state([nn.BatchNorm1d(3), nn.BatchNorm1d(3)])
    assert tuple(bn_buffers["running_mean"].shape) == (2, 3) and not bn_buffers["running_var"].requires_grad


def test_randomness_modes():
    x = t(np.zeros(3))
    with pytest.raises(RuntimeError, match="^vmap: called random operation while in randomness error mode. Please either "
                                           "use the 'same' or 'different' randomness flags"):
        vmap(lambda v: v + mg.rand(()))(x)
    same = vmap(lambda v: v + mg.rand(()), randomness="same")(x).numpy()
    assert same[0] == same[1] == same[2]
    different = vmap(lambda v: v + mg.rand(()), randomness="different")(x).numpy()
    assert len(set(different.tolist())) == 3


def test_out_dims_none_refuses_an_output_that_differs_by_sample():
    with pytest.raises(ValueError, match="^vmap\\(<lambda>, ...\\): `<lambda>` can not return a BatchedTensor when "
                                         "out_dim is None$"):
        vmap(lambda v: v, out_dims=None)(t([1.0, 2.0]))


def test_a_mapped_dimension_of_size_zero_is_refused_by_name():
    with pytest.raises(mg.UnsupportedFeatureError, match="vmap over a dimension of size 0"):
        vmap(lambda v: v)(t(np.zeros((0, 3))))


# ------------------------------------------------------------------------------------- functional_call
def test_linear_called_with_other_weights_leaves_its_own():
    layer = nn.Linear(3, 2).double()
    before = layer.weight.detach().numpy().copy()
    w, b, x = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal((4, 3))
    close(functional_call(layer, {"weight": t(w), "bias": t(b)}, (t(x),)), x @ w.T + b)
    close(functional_call(layer, {"weight": t(w)}, t(x)), x @ w.T + layer.bias.detach().numpy())  # bias its own
    close(functional_call(layer, ({"weight": t(w)}, {"bias": t(b)}), (t(x),)), x @ w.T + b)  # several dicts
    np.testing.assert_array_equal(layer.weight.detach().numpy(), before)
    assert isinstance(layer.weight, nn.Parameter)


def test_sequential_names_and_gradients_reach_the_tensors_passed_in():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    params = {name: t(RNG.standard_normal(tuple(p.shape)), requires_grad=True) for name, p in model.named_parameters()}
    x = RNG.standard_normal((5, 3))
    hidden = np.maximum(x @ params["0.weight"].detach().numpy().T + params["0.bias"].detach().numpy(), 0)
    expected = hidden @ params["2.weight"].detach().numpy().T + params["2.bias"].detach().numpy()
    out = functional_call(model, params, (t(x),))
    close(out, expected)
    out.sum().backward()
    close(params["2.bias"].grad, [5.0])
    close(params["2.weight"].grad, hidden.sum(axis=0, keepdims=True))
    assert all(p.grad is None for p in model.parameters())
    g = grad(lambda p: functional_call(model, p, (t(x),)).sum())({k: v.detach() for k, v in params.items()})
    close(g["2.weight"], hidden.sum(axis=0, keepdims=True))


def test_batchnorm_uses_the_buffers_passed_in_and_updates_them_in_place():
    bn = nn.BatchNorm1d(3).double()
    x = RNG.standard_normal((8, 3))
    mean, var = t(np.full(3, 0.5)), t(np.full(3, 2.0))
    weight, bias = RNG.standard_normal(3), RNG.standard_normal(3)
    state = {"weight": t(weight), "bias": t(bias), "running_mean": mean, "running_var": var}
    out = functional_call(bn, state, (t(x),))
    close(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * weight + bias)
    close(mean, 0.9 * 0.5 + 0.1 * x.mean(0))
    close(var, 0.9 * 2.0 + 0.1 * x.var(0, ddof=1))
    close(bn.running_mean, np.zeros(3))
    bn.eval()
    close(functional_call(bn, state, (t(x),)), (x - mean.numpy()) / np.sqrt(var.numpy() + 1e-5) * weight + bias)


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3, bias=False)
        self.b = nn.Linear(3, 3, bias=False)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x))


def test_tied_weights_follow_one_value_unless_untied():
    model = Tied().double()
    w, x = RNG.standard_normal((3, 3)), RNG.standard_normal((2, 3))
    own = model.a.weight.detach().numpy()
    close(functional_call(model, {"a.weight": t(w)}, (t(x),)), x @ w.T @ w.T)
    close(functional_call(model, {"a.weight": t(w)}, (t(x),), tie_weights=False), x @ w.T @ own.T)
    close(functional_call(model, {"a.weight": t(w)}, (t(x),), strict=True), x @ w.T @ w.T)  # b.weight is tied: not missing
    with pytest.raises(ValueError) as raised:
        functional_call(model, {"a.weight": t(w), "b.weight": t(w)}, (t(x),))
    assert str(raised.value) == ("functional_call got multiple values for keys ['a.weight', 'b.weight'], which are "
                                 "tied. Consider using tie_weights=False")
    assert model.b.weight is model.a.weight


def test_names_the_module_lacks_are_ignored_unless_strict():
    layer = nn.Linear(3, 2).double()
    x = t(RNG.standard_normal(3))
    functional_call(layer, {"weight": t(np.ones((2, 3))), "foo": x}, (x,))
    with pytest.raises(RuntimeError) as raised:
        functional_call(layer, {"weight": t(np.ones((2, 3))), "foo": x}, (x,), strict=True)
    assert str(raised.value) == ("Error(s) in reparametrizing for Linear:\n\tUnexpected key(s): 'foo'.\n"
                                 "\tMissing key(s): 'bias'.")
    with pytest.raises(ValueError) as raised:
        functional_call(layer, ({"weight": x}, {"weight": x}), (x,))
    assert str(raised.value) == "['weight'] appeared in multiple dictionaries; behavior of functional call is ambiguous"
    with pytest.raises(ValueError) as raised:
        functional_call(layer, [1], (x,))
    assert str(raised.value) == "Expected all elements of parameter_and_buffer_dicts to be dictionaries"


class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.ones(2))

    def forward(self, x, scale=1.0):
        return self.w * x * scale


def test_keyword_arguments_reach_forward():
    out = functional_call(Scaled(), {"w": t([2.0, 3.0])}, (t([1.0, 1.0]),), {"scale": 10.0})
    close(out, [20.0, 30.0])


def test_nn_utils_stateless_spelling_warns_as_pytorch_s_and_gives_the_same():
    layer = nn.Linear(3, 2).double()
    w, x = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    with pytest.warns(FutureWarning, match="^`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch "
                                           "2.0 and will be removed in a future version of PyTorch. Please use "
                                           "`torch.func.functional_call` instead which is a drop-in replacement.$"):
        out = nn.utils.stateless.functional_call(layer, {"weight": t(w)}, (t(x),))
    close(out, w @ x + layer.bias.detach().numpy())


def test_replace_all_batch_norm_modules_drops_the_running_statistics():
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Sequential(nn.BatchNorm2d(3))).double()
    assert replace_all_batch_norm_modules_(model) is model
    for bn in (model[1], model[2][0]):
        assert bn.running_mean is None and bn.running_var is None and bn.num_batches_tracked is None
        assert not bn.track_running_stats and list(bn.state_dict()) == ["weight", "bias"]
    x = RNG.standard_normal((4, 3))
    model[1].eval()  # still the batch's statistics
    close(model[1](t(x)), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5))


def test_torch_func_names_minigan_lacks_say_so():
    import minigan.func

    with pytest.raises(mg.UnsupportedFeatureError, match="^torch.func.functionalize is not supported by minigan"):
        minigan.func.functionalize  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        minigan.func.no_such_name  # noqa: B018


def test_the_module_is_restored_when_the_call_raises():
    layer = nn.Linear(3, 2)
    weight = layer.weight
    with pytest.raises(Exception):
        functional_call(layer, {"weight": mg.ones(5, 5)}, (mg.ones(1, 3),))
    assert layer.weight is weight


# ---------------------------------------------------------------------------------- PyTorch's errors
X, X2 = t(np.ones(3)), t(np.ones((2, 3)))


@pytest.mark.parametrize("call, error, message", [
    (lambda: vmap(lambda x, y: x + y, in_dims=(0,))(X, X), ValueError,
     "vmap(<lambda>, in_dims=(0,), ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. in_dims has "
     "structure TreeSpec(tuple, None, [*]) but inputs has structure TreeSpec(tuple, None, [*,\n  *])."),
    (lambda: vmap(lambda x: x, in_dims="a")(X), ValueError,
     "vmap(<lambda>, in_dims=a, ...)(<inputs>): expected `in_dims` to be int or a (potentially nested) tuple matching "
     "the structure of inputs, got: <class 'str'>."),
    (lambda: vmap(lambda x: x, in_dims=[0])(X), ValueError,
     "vmap(<lambda>, in_dims=[0], ...)(<inputs>): expected `in_dims` to be int or a (potentially nested) tuple matching "
     "the structure of inputs, got: <class 'list'>."),
    (lambda: vmap(lambda x: x, in_dims=(1.0,))(X), ValueError,
     "vmap(<lambda>, in_dims=(1.0,), ...)(<inputs>): Got in_dim=1.0 for an input but in_dim must be either an integer "
     "dimension or None."),
    (lambda: vmap(lambda x, y: x + y)(t(np.ones(2)), X), ValueError,
     "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [2, 3] for the mapped dimension"),
    (lambda: vmap(lambda x: x, in_dims=(None,))(X), ValueError, "vmap: Expected at least one Tensor to vmap over"),
    (lambda: vmap(lambda x: x, in_dims=-3)(X2), ValueError,
     "vmap(<lambda>, in_dims=-3, ...)(<inputs>): Got in_dim=-3 for some input, but that input is a Tensor of "
     "dimensionality 2 so expected in_dim to satisfy -2 <= in_dim < 2."),
    (lambda: vmap(lambda x: x)(1.0), ValueError,
     "vmap(<lambda>, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input but the input is of type <class 'float'>. "
     "We cannot vmap over non-Tensor arguments, please use None as the respective in_dim"),
    (lambda: vmap(lambda: X)(), ValueError,
     "vmap(<lambda>)(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a "
     "function with no inputs. The latter is unsupported."),
    (lambda: vmap(lambda x: 1.0)(X), ValueError,
     "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'float'>. Did you mean to set "
     "out_dims= to None for output?"),
    (lambda: vmap(lambda x: (x, x), out_dims=(0, 0, 0))(X), ValueError,
     "vmap(<lambda>, ..., out_dims=(0, 0, 0))(<inputs>): out_dims is not compatible with the structure of `outputs`. "
     "out_dims has structure TreeSpec(tuple, None, [*,\n  *,\n  *]) but outputs has structure TreeSpec(tuple, None, "
     "[*,\n  *])."),
    (lambda: vmap(lambda x: x, out_dims=2)(X), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 2)"),
    (lambda: vmap(lambda x: x, out_dims="a")(X), ValueError,
     "vmap(<lambda>, ..., out_dims=a): `out_dims` must be an int, None or a python collection of ints representing "
     "where in the outputs the vmapped dimension should appear."),
    (lambda: vmap(lambda x: x, randomness="x")(X), RuntimeError,
     "Only allowed values for randomness are 'error', 'different', or 'same'. Got x"),
    (lambda: vmap(lambda x: x, chunk_size=0)(X), ValueError, "vmap: chunk_size should be None or greater than 0. (got 0)"),
])
def test_bad_input_gets_pytorch_s_message(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message
