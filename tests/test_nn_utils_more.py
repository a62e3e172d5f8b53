"""``torch.nn.utils``' parameter vectors, total norm and split clipping, conv/linear-BatchNorm fusion,
skip_init, weight_norm and remove_spectral_norm, against values written out in NumPy (as checked
against PyTorch 2.14.1)."""
import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.func import functional_call
from minigan.gradcheck import gradcheck

U = nn.utils


def _arrays(seed, shapes, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


# ---------------------------------------------------------------- parameters_to_vector / vector_to_parameters
def test_parameters_to_vector_joins_in_order_and_passes_gradients_back():
    arrays = _arrays(0, [(3, 4), (4,), (2, 1, 3)], np.float64)
    params = [minigan.tensor(a, requires_grad=True) for a in arrays]
    vec = U.parameters_to_vector(params)
    expected = np.concatenate([a.ravel() for a in arrays])
    assert vec.shape == (22,) and vec.dtype == minigan.float64
    np.testing.assert_array_equal(vec.numpy(), expected)
    weights = np.arange(22.0)
    (vec ** 2 * minigan.tensor(weights)).sum().backward()  # d/dp sum(c p^2) = 2 c p, piece by piece
    start = 0
    for param, array in zip(params, arrays):
        piece = weights[start:start + array.size].reshape(array.shape)
        np.testing.assert_allclose(param.grad.numpy(), 2 * piece * array, rtol=1e-12)
        start += array.size


def test_parameters_to_vector_promotes_mixed_dtypes_and_takes_a_generator():
    layer = nn.Linear(2, 3)
    vec = U.parameters_to_vector(p for p in layer.parameters())
    np.testing.assert_array_equal(vec.numpy(), np.concatenate([layer.weight.numpy().ravel(), layer.bias.numpy()]))
    mixed = U.parameters_to_vector([minigan.ones(2), minigan.tensor([1.5], dtype=minigan.float64)])
    assert mixed.dtype == minigan.float64 and mixed.tolist() == [1.0, 1.0, 1.5]
    with pytest.raises(ValueError, match=r"torch.cat\(\): expected a non-empty list of Tensors"):
        U.parameters_to_vector([])


def test_vector_to_parameters_hands_out_slices_that_share_the_vector():
    layer = nn.Linear(3, 2)
    vec = minigan.tensor(np.arange(8.0, dtype=np.float32))
    assert U.vector_to_parameters(vec, layer.parameters()) is None
    assert layer.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and layer.bias.tolist() == [6.0, 7.0]
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad and layer.weight.grad_fn is None
    vec.add_(10.0)  # the parameters' data are views of the vector, as PyTorch's
    assert layer.bias.tolist() == [16.0, 17.0]
    params = [minigan.zeros(2)]
    U.vector_to_parameters(minigan.tensor([1.0, 2.0, 3.0], requires_grad=True), params)  # the rest is left over
    assert params[0].tolist() == [1.0, 2.0] and not params[0].requires_grad


@pytest.mark.parametrize("vec, params, error, message", [
    ([1.0], [minigan.zeros(1)], TypeError, "expected torch.Tensor, but got: list"),
    (np.zeros(1), [minigan.zeros(1)], TypeError, "expected torch.Tensor, but got: numpy.ndarray"),
    (minigan.zeros(3), [minigan.zeros(2), minigan.zeros((2, 2))], RuntimeError,
     r"shape '\[2, 2\]' is invalid for input of size 1"),
    (minigan.zeros(3), [minigan.zeros(2), "w"], TypeError, "vector_to_parameters: parameters must be Tensors, got str"),
])
def test_vector_to_parameters_errors(vec, params, error, message):
    with pytest.raises(error, match=message):
        U.vector_to_parameters(vec, params)


# ---------------------------------------------------------------- get_total_norm, clip_grads_with_norm_, clip_grad_norm
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, 0.5, float("inf"), "inf", -1.0, float("-inf"), 0])
def test_get_total_norm_is_the_norm_of_the_norms(norm_type):
    arrays = _arrays(1, [(3, 4), (5,), (2, 2)])
    p = float(norm_type)

    def vector_norm(x):
        x = np.abs(np.asarray(x, np.float64).ravel())
        if p == np.inf:
            return x.max()
        if p == -np.inf:
            return x.min()
        if p == 0:
            return float(np.count_nonzero(x))
        return (x ** p).sum() ** (1 / p)

    expected = vector_norm([vector_norm(a) for a in arrays])
    total = U.get_total_norm([minigan.tensor(a) for a in arrays], norm_type)
    assert total.shape == () and total.dtype == minigan.float32 and not total.requires_grad
    assert total.item() == pytest.approx(expected, rel=1e-5)


def test_get_total_norm_of_one_tensor_of_none_and_of_mixed_dtypes():
    assert U.get_total_norm(minigan.tensor([3.0, 4.0], requires_grad=True)).item() == pytest.approx(5.0)
    empty = U.get_total_norm([])
    assert empty.item() == 0.0 and empty.dtype == minigan.float32
    mixed = U.get_total_norm([minigan.tensor([3.0, 4.0]), minigan.tensor([12.0], dtype=minigan.float64)])
    assert mixed.dtype == minigan.float64 and mixed.item() == 13.0
    assert np.isnan(U.get_total_norm(minigan.tensor([np.nan, 1.0])).item())  # no error unless asked for


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_get_total_norm_names_a_non_finite_total_when_asked(bad):
    with pytest.raises(RuntimeError, match=r"^The total norm of order 1.0 for gradients from `parameters` is "
                                           r"non-finite, so it cannot be clipped. To disable this error"):
        U.get_total_norm([minigan.tensor([1.0, bad])], 1, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="could not convert string to float: 'fro'"):
        U.get_total_norm([minigan.tensor([1.0])], "fro")


def _with_grad(values, dtype=np.float32):
    p = nn.Parameter(minigan.zeros(len(values), dtype=dtype))
    p.grad = minigan.tensor(np.asarray(values, dtype))
    return p


@pytest.mark.parametrize("max_norm, total, factor", [
    (0.5, 2.0, 0.5 / (2.0 + 1e-6)),  # min(max_norm / (total + 1e-6), 1)
    (10.0, 2.0, 1.0),
    (-1.0, 5.0, -1.0 / (5.0 + 1e-6)),  # PyTorch does not check max_norm here: a negative one flips the gradients
])
def test_clip_grads_with_norm_scales_by_the_given_total(max_norm, total, factor):
    params = [_with_grad([3.0, -4.0]), _with_grad([1.0]), nn.Parameter(minigan.zeros(2))]
    assert U.clip_grads_with_norm_(params, max_norm, minigan.tensor(total, dtype=minigan.float64)) is None
    np.testing.assert_allclose(params[0].grad.numpy(), np.array([3.0, -4.0]) * factor, rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.numpy(), [factor], rtol=1e-6)
    assert params[0].grad.dtype == minigan.float32 and params[2].grad is None


def test_clip_grads_with_norm_wants_a_tensor_total_and_leaves_no_gradients_alone():
    p = _with_grad([3.0, 4.0])
    with pytest.raises(TypeError, match="clip_grads_with_norm_: total_norm must be a Tensor .*got float"):
        U.clip_grads_with_norm_([p], 1.0, 5.0)
    assert p.grad.tolist() == [3.0, 4.0]
    U.clip_grads_with_norm_([nn.Parameter(minigan.zeros(2))], 1.0, minigan.tensor(0.0))  # nothing to scale


def test_clip_grad_norm_is_get_total_norm_then_clip_grads_with_norm():
    a, b = [_with_grad([3.0, 4.0]), _with_grad([12.0])], [_with_grad([3.0, 4.0]), _with_grad([12.0])]
    total = U.clip_grad_norm_(a, 1.3)
    by_hand = U.get_total_norm([p.grad for p in b])
    U.clip_grads_with_norm_(b, 1.3, by_hand)
    assert total.item() == by_hand.item() == 13.0
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    np.testing.assert_allclose(a[0].grad.numpy(), [0.3, 0.4], rtol=1e-5)


def test_clip_grad_norm_is_the_deprecated_spelling():
    p = _with_grad([3.0, 4.0])
    with pytest.warns(FutureWarning, match=r"^`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                                           r"`torch.nn.utils.clip_grad_norm_`.$"):
        total = U.clip_grad_norm(p, 1.0, norm_type="inf")
    assert total.item() == 4.0
    np.testing.assert_allclose(p.grad.numpy(), np.array([3.0, 4.0]) / (4.0 + 1e-6), rtol=1e-6)


# ---------------------------------------------------------------- BatchNorm fusion
def _bn(cls, n, rng, **kwargs):
    bn = cls(n, **kwargs)
    bn.running_mean.array[...] = rng.standard_normal(n)
    bn.running_var.array[...] = rng.uniform(0.5, 2.0, n)
    if bn.weight is not None:
        bn.weight.array[...] = rng.standard_normal(n)
        bn.bias.array[...] = rng.standard_normal(n)
    return bn.eval()


def _bn_numpy(y, bn, axis):
    """Eval-mode BatchNorm written out: (y - mean) / sqrt(var + eps) * gamma + beta along ``axis``."""
    shape = [1] * y.ndim
    shape[axis] = -1
    gamma = np.ones(bn.num_features) if bn.weight is None else bn.weight.numpy().astype(np.float64)
    beta = np.zeros(bn.num_features) if bn.bias is None else bn.bias.numpy().astype(np.float64)
    mean, var = (bn.running_mean.numpy().astype(np.float64), bn.running_var.numpy().astype(np.float64))
    return (y - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + bn.eps) * gamma.reshape(shape) + beta.reshape(shape)


@pytest.mark.parametrize("make_conv, make_bn, x_shape, transpose", [
    (lambda: nn.Conv2d(2, 3, 3), lambda rng: _bn(nn.BatchNorm2d, 3, rng), (2, 2, 5, 5), False),
    (lambda: nn.Conv2d(2, 3, 3, bias=False), lambda rng: _bn(nn.BatchNorm2d, 3, rng), (2, 2, 5, 5), False),
    (lambda: nn.Conv2d(2, 3, 3), lambda rng: _bn(nn.BatchNorm2d, 3, rng, affine=False), (2, 2, 5, 5), False),
    (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), lambda rng: _bn(nn.BatchNorm2d, 3, rng), (2, 2, 4, 4), True),
    (lambda: nn.Conv1d(2, 3, 3), lambda rng: _bn(nn.BatchNorm1d, 3, rng), (2, 2, 7), False),
])
def test_fuse_conv_bn_eval_gives_conv_then_batchnorm(make_conv, make_bn, x_shape, transpose):
    rng = np.random.default_rng(2)
    conv, bn = make_conv().eval(), make_bn(rng)
    weight_before = conv.weight.numpy().copy()
    fused = U.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    x = minigan.tensor(rng.standard_normal(x_shape).astype(np.float32))
    conv_out = conv(x)
    np.testing.assert_allclose(fused(x).numpy(), bn(conv_out).numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(fused(x).numpy(), _bn_numpy(conv_out.numpy().astype(np.float64), bn, 1),
                               rtol=1e-4, atol=1e-5)
    # the fused weights, written out: each output channel scaled by gamma / sqrt(var + eps)
    gamma = np.ones(3) if bn.weight is None else bn.weight.numpy().astype(np.float64)
    beta = np.zeros(3) if bn.bias is None else bn.bias.numpy().astype(np.float64)
    scale = gamma / np.sqrt(bn.running_var.numpy().astype(np.float64) + bn.eps)
    shape = [1] * conv.weight.ndim
    shape[1 if transpose else 0] = -1
    np.testing.assert_allclose(fused.weight.numpy(), weight_before * scale.reshape(shape), rtol=1e-6)
    bias = np.zeros(3) if conv.bias is None else conv.bias.numpy().astype(np.float64)
    np.testing.assert_allclose(fused.bias.numpy(), (bias - bn.running_mean.numpy()) * scale + beta, rtol=1e-5)
    assert fused is not conv and not fused.training
    np.testing.assert_array_equal(conv.weight.numpy(), weight_before)
    assert isinstance(fused.weight, nn.Parameter) and fused.weight.requires_grad
    assert fused.bias.requires_grad == (conv.bias is not None)  # PyTorch's: zeros stand in for a missing bias


def test_fuse_weights_keep_the_layer_dtypes():
    w = minigan.ones((3, 2, 1, 1), dtype=minigan.float64)
    stats = minigan.zeros(3), minigan.ones(3)
    weight, bias = U.fuse_conv_bn_weights(w, None, stats[0], stats[1], 0.25, None, None)
    assert weight.dtype == bias.dtype == minigan.float64 and not bias.requires_grad
    np.testing.assert_allclose(weight.numpy(), np.full((3, 2, 1, 1), 1 / np.sqrt(1.25)), rtol=1e-7)  # float32 statistics
    weight, bias = U.fuse_conv_bn_weights(w.to(minigan.float32), minigan.ones(3, dtype=minigan.float64), *stats, 0.25,
                                          None, None)
    assert weight.dtype == minigan.float32 and bias.dtype == minigan.float64
    np.testing.assert_allclose(bias.numpy(), np.full(3, 1 / np.sqrt(1.25)), rtol=1e-7)
    weight, bias = U.fuse_linear_bn_weights(minigan.ones((3, 2), dtype=minigan.float64), None, *stats, 0.25,
                                            minigan.full((3,), 2.0), minigan.ones(3))
    assert weight.dtype == bias.dtype == minigan.float64 and isinstance(weight, nn.Parameter)
    np.testing.assert_allclose(weight.numpy(), np.full((3, 2), 2 / np.sqrt(1.25)), rtol=1e-7)
    assert bias.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("bias, features", [(True, 4), (False, 4), (True, 1)])
def test_fuse_linear_bn_eval_gives_linear_then_batchnorm(bias, features):
    rng = np.random.default_rng(3)
    linear, bn = nn.Linear(3, 4, bias=bias).eval(), _bn(nn.BatchNorm1d, features, rng)
    fused = U.fuse_linear_bn_eval(linear, bn)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    w = linear.weight.numpy().astype(np.float64)
    b = linear.bias.numpy().astype(np.float64) if bias else 0.0
    expected = _bn_numpy(x.astype(np.float64) @ w.T + b, bn, 1)  # one BatchNorm feature broadcasts over all four
    np.testing.assert_allclose(fused(minigan.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)
    if features == 4:  # BatchNorm1d(1) takes no 4-feature input itself
        np.testing.assert_allclose(fused(minigan.tensor(x)).numpy(), bn(linear(minigan.tensor(x))).numpy(),
                                   rtol=1e-5, atol=1e-6)
    assert fused.weight.requires_grad and fused.bias.requires_grad == bias


@pytest.mark.parametrize("call, error, message", [
    (lambda: U.fuse_conv_bn_eval(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3).eval()), AssertionError, "Fusion only for eval!"),
    (lambda: U.fuse_conv_bn_eval(nn.Conv2d(2, 3, 3).eval(), nn.BatchNorm2d(3)), AssertionError, "Fusion only for eval!"),
    (lambda: U.fuse_linear_bn_eval(nn.Linear(3, 4), nn.BatchNorm1d(4).eval()), AssertionError, "Fusion only for eval!"),
    (lambda: U.fuse_conv_bn_eval(nn.Conv2d(2, 3, 3).eval(), nn.BatchNorm2d(3, track_running_stats=False).eval()),
     AssertionError, "bn.running_mean and bn.running_var must not be None"),
    (lambda: U.fuse_linear_bn_eval(nn.Linear(3, 4).eval(), nn.BatchNorm1d(4, track_running_stats=False).eval()),
     AssertionError, "bn.running_mean and bn.running_var must not be None"),
    (lambda: U.fuse_linear_bn_eval(nn.Linear(3, 4).eval(), nn.BatchNorm1d(5).eval()), AssertionError,
     "To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got linear.out_features=4 and "
     "bn.num_features=5"),
    (lambda: U.fuse_linear_bn_eval(nn.Linear(3, 4).eval(), nn.BatchNorm1d(4, affine=False).eval()), TypeError,
     "unsupported operand type(s) for *: 'NoneType' and 'Tensor'"),
])
def test_fusion_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


# ---------------------------------------------------------------- skip_init
class _Counting(nn.Linear):
    calls = 0

    def reset_parameters(self, rng=None):
        type(self).calls += 1
        super().reset_parameters(rng)


def test_skip_init_builds_without_initialising_and_draws_nothing():
    _Counting.calls = 0
    layer = U.skip_init(_Counting, 3, 4, bias=False)
    assert _Counting.calls == 0 and layer.weight.shape == (4, 3) and layer.bias is None
    assert "reset_parameters" not in vars(layer)  # the class's method is back
    layer.reset_parameters()
    assert _Counting.calls == 1
    state = minigan.get_rng_state()  # the default generator's, not reseeded: other tests draw from it
    U.skip_init(nn.Conv2d, 2, 3, 3)
    after_skip = nn.Linear(3, 4).weight.numpy()
    minigan.set_rng_state(state)
    np.testing.assert_array_equal(nn.Linear(3, 4).weight.numpy(), after_skip)  # skip_init drew no random number
    bn = U.skip_init(nn.BatchNorm1d, 3, device="cpu")  # a device it does not take moves the module, as PyTorch's
    assert isinstance(bn, nn.BatchNorm1d) and bn.weight.shape == (3,) and bn.weight.device.type == "cpu"


def test_skip_init_passes_device_to_a_module_that_takes_it():
    class Scale(nn.Module):
        def __init__(self, n, device=None):
            super().__init__()
            self.device_given = device
            self.weight = nn.Parameter(minigan.ones(n))

    module = U.skip_init(Scale, 2, device="cpu")
    assert module.device_given == "cpu" and module.weight.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("module_cls, error, message", [
    (int, RuntimeError, "Expected a Module; got <class 'int'>"),
    (3, TypeError, "issubclass() arg 1 must be a class"),
    (nn.ReLU, RuntimeError, "Module must support a 'device' arg to skip initialization"),
])
def test_skip_init_errors(module_cls, error, message):
    with pytest.raises(error) as info:
        U.skip_init(module_cls)
    assert str(info.value) == message


# ---------------------------------------------------------------- weight_norm
def _row_norms(v):
    return np.sqrt((v.astype(np.float64) ** 2).reshape(v.shape[0], -1).sum(axis=1))


def test_weight_norm_splits_the_weight_into_magnitude_and_direction():
    layer = nn.Linear(3, 4)
    weight = layer.weight.numpy().copy()
    assert U.weight_norm(layer) is layer
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight_g", "weight_v"]
    assert list(layer.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert layer.weight_g.shape == (4, 1) and layer.weight_v.shape == (4, 3)
    np.testing.assert_allclose(layer.weight_g.numpy()[:, 0], _row_norms(weight), rtol=1e-6)
    np.testing.assert_allclose(layer.weight.numpy(), weight, rtol=1e-6)  # unchanged at the start
    assert not isinstance(layer.weight, nn.Parameter)
    with minigan.no_grad():
        layer.weight_g.mul_(2.0)
        layer.weight_v.mul_(-3.0)  # the direction flips; its length does not matter
    x = np.random.default_rng(4).standard_normal((2, 3)).astype(np.float32)
    expected = x @ (-2 * weight).T + layer.bias.numpy()
    np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)  # recomputed
    np.testing.assert_allclose(layer.weight.numpy(), -2 * weight, rtol=1e-6)


@pytest.mark.parametrize("dim, g_shape", [(1, (1, 3)), (None, ()), (-1, ()), (-2, (4, 1))])
def test_weight_norm_dims(dim, g_shape):
    layer = nn.Linear(3, 4)
    weight = layer.weight.numpy().astype(np.float64)
    U.weight_norm(layer, dim=dim)
    assert layer.weight_g.shape == g_shape
    if g_shape == ():
        expected = np.sqrt((weight ** 2).sum())  # the whole tensor (-1 means that too, as in PyTorch)
    else:
        expected = np.sqrt((weight ** 2).sum(axis=1 - (dim % 2), keepdims=True))
    np.testing.assert_allclose(layer.weight_g.numpy(), expected, rtol=1e-6)


def test_weight_norm_on_a_convolution_and_on_a_bias():
    conv = nn.Conv2d(2, 3, 2)
    weight = conv.weight.numpy().copy()
    U.weight_norm(conv)
    assert conv.weight_g.shape == (3, 1, 1, 1)
    np.testing.assert_allclose(conv.weight_g.numpy().ravel(), _row_norms(weight), rtol=1e-6)
    bias = conv.bias.numpy().copy()
    U.weight_norm(conv, "bias")  # a 1-d tensor: the norm over no other dim is |b|
    np.testing.assert_allclose(conv.bias_g.numpy(), np.abs(bias), rtol=1e-6)
    x = minigan.tensor(np.random.default_rng(5).standard_normal((1, 2, 3, 3)).astype(np.float32))
    plain = nn.Conv2d(2, 3, 2)
    plain.load_state_dict({"weight": minigan.tensor(weight), "bias": minigan.tensor(bias)})
    np.testing.assert_allclose(conv(x).numpy(), plain(x).numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dim", [0, None])
def test_weight_norm_gradients_closed_form_and_finite_differences(dim):
    rng = np.random.default_rng(6)
    layer = U.weight_norm(nn.Linear(3, 4, dtype=np.float64), dim=dim)
    g, v = layer.weight_g.numpy().copy(), layer.weight_v.numpy().copy()
    x, upstream = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    (layer(minigan.tensor(x)) * minigan.tensor(upstream)).sum().backward()
    grad_w = upstream.T @ x  # dL/dw of L = sum(upstream * (x w^T + b))
    if dim == 0:
        norm = np.sqrt((v ** 2).sum(axis=1, keepdims=True))
        along = (grad_w * v).sum(axis=1, keepdims=True)
    else:
        norm, along = np.sqrt((v ** 2).sum()), (grad_w * v).sum()
    np.testing.assert_allclose(layer.weight_g.grad.numpy(), along / norm, rtol=1e-10)
    np.testing.assert_allclose(layer.weight_v.grad.numpy(), g / norm * (grad_w - along * v / norm ** 2), rtol=1e-10)
    inputs = [minigan.tensor(g, requires_grad=True), minigan.tensor(v, requires_grad=True)]
    assert gradcheck(lambda g, v: functional_call(layer, {"weight_g": g, "weight_v": v}, (minigan.tensor(x),)),
                     inputs).ok


def test_remove_weight_norm_makes_the_weight_a_parameter_again():
    layer = U.weight_norm(nn.Linear(3, 4))
    with minigan.no_grad():
        layer.weight_g.fill_(2.0)
    v = layer.weight_v.numpy().astype(np.float64)
    assert U.remove_weight_norm(layer) is layer
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight"]
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad
    np.testing.assert_allclose(layer.weight.numpy(), 2 * v / _row_norms(v)[:, None], rtol=1e-6)
    x = minigan.ones((1, 3))
    np.testing.assert_allclose(layer(x).numpy(), layer.weight.numpy().sum(axis=1)[None] + layer.bias.numpy(),
                               rtol=1e-6)
    U.weight_norm(layer)  # and it can be applied again


def test_weight_norm_errors():
    layer = U.weight_norm(nn.Linear(3, 4))
    with pytest.raises(RuntimeError, match="^Cannot register two weight_norm hooks on the same parameter weight$"):
        U.weight_norm(layer)
    with pytest.raises(ValueError) as info:
        U.remove_weight_norm(layer, "bias")
    assert str(info.value) == "weight_norm of 'bias' not found in Linear(in_features=3, out_features=4, bias=True)"
    with pytest.raises(ValueError, match="^weight_norm of 'weight' not found in Linear"):
        U.remove_weight_norm(nn.Linear(3, 4))
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)$"):
        U.weight_norm(nn.Linear(3, 4), dim=2)


# ---------------------------------------------------------------- remove_spectral_norm
@pytest.mark.parametrize("training", [True, False])
def test_remove_spectral_norm_keeps_the_current_normalised_weight(training):
    layer = U.spectral_norm(nn.Linear(3, 4), rng=np.random.default_rng(7)).train(training)
    u, v = layer.weight_u.numpy().astype(np.float64), layer.weight_v.numpy().astype(np.float64)
    w = layer.weight_orig.numpy().astype(np.float64)
    assert U.remove_spectral_norm(layer) is layer
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight"]
    assert list(layer.state_dict()) == ["bias", "weight"]
    # sigma = u^T W v from the buffers as they were: no power iteration, even in training mode
    np.testing.assert_allclose(layer.weight.numpy(), w / (u @ w @ v), rtol=1e-5)
    assert isinstance(layer.weight, nn.Parameter)
    x = minigan.ones((1, 3))
    np.testing.assert_allclose(layer(x).numpy(), (w / (u @ w @ v)).sum(axis=1)[None] + layer.bias.numpy(), rtol=1e-5)


def test_remove_spectral_norm_errors():
    with pytest.raises(ValueError) as info:
        U.remove_spectral_norm(nn.Linear(3, 4))
    assert str(info.value) == "spectral_norm of 'weight' not found in Linear(in_features=3, out_features=4, bias=True)"
    with pytest.raises(ValueError, match="^spectral_norm of 'bias' not found in Linear"):
        U.remove_spectral_norm(U.spectral_norm(nn.Linear(3, 4)), "bias")
