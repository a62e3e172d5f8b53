"""``Module.type`` and ``Module.to_empty``, the Module names minigan refuses, ``clip_grad_norm_`` at
``norm_type <= 0`` and ``max_norm <= 0``, and the initialisers' version counter: each as PyTorch
2.14.1's (checked with it; the values here are written out by hand)."""
import math
import re
import warnings

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.nn import init


# ---------------------------------------------------------------------- Module.type
def test_type_casts_parameters_gradients_and_every_buffer_in_place():
    bn = nn.BatchNorm1d(3)
    weight, mean = bn.weight, bn.running_mean
    weight.grad = minigan.tensor([1.0, 2.0, 3.0])
    assert bn.type(minigan.float64) is bn
    assert bn.weight is weight and bn.running_mean is mean and weight.requires_grad
    assert weight.dtype == weight.grad.dtype == mean.dtype == bn.running_var.dtype == minigan.float64
    assert bn.num_batches_tracked.dtype == minigan.float64  # Tensor.type casts integer tensors too, as PyTorch's
    assert weight.tolist() == [1.0, 1.0, 1.0] and weight.grad.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("dst_type, dtype", [
    ("torch.DoubleTensor", minigan.float64), ("torch.HalfTensor", minigan.float16),
    (minigan.DoubleTensor, minigan.float64), (minigan.float16, minigan.float16),
])
def test_type_takes_a_type_name_a_legacy_type_or_a_dtype(dst_type, dtype):
    net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1)))
    before = net[1][0].weight.numpy().astype(np.float64)
    assert net.type(dst_type) is net
    assert {p.dtype for p in net.parameters()} == {dtype}
    np.testing.assert_array_equal(net[1][0].weight.numpy(), before.astype(dtype))


def test_type_errors_are_tensor_types_and_a_module_without_tensors_takes_anything():
    layer = nn.Linear(2, 2)
    for bad in ("torch.FooTensor", "float64", float, int):  # PyTorch's Tensor.type takes no Python type
        name = bad if isinstance(bad, str) else bad.__name__
        with pytest.raises(ValueError, match=rf"^invalid type: '{re.escape(name)}'$"):
            layer.type(bad)
    with pytest.raises(ValueError, match=r"^invalid type: 'float'$"):
        minigan.zeros(2).type(float)
    with pytest.raises(TypeError, match="dst_type must be a dtype, a type name or a tensor type, got None"):
        layer.type(None)
    assert layer.weight.dtype == minigan.float32
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'dst_type'"):
        layer.type()  # noqa
    relu = nn.ReLU()
    assert relu.type("torch.FooTensor") is relu  # nothing to cast, nothing checked, as PyTorch's


def test_type_keeps_parameters_that_require_grad_floating_point_and_changes_nothing_when_it_refuses():
    net = nn.Sequential(nn.BatchNorm1d(2), nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="^data set to a tensor that requires gradients must be floating point"):
        net.type(minigan.int64)
    assert net[0].num_batches_tracked.dtype == minigan.int64 and net[0].running_mean.dtype == minigan.float32
    net.requires_grad_(False)
    net.type("torch.LongTensor")  # frozen parameters may become integers, as in PyTorch
    assert {p.dtype for p in net.parameters()} == {minigan.int64} and net[0].running_var.tolist() == [1, 1]


# ---------------------------------------------------------------------- Module.to_empty
def test_to_empty_gives_new_uninitialised_memory_of_the_same_shapes_and_dtypes():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3, dtype=np.float64))
    weight = net[0].weight
    weight.grad = minigan.ones((3, 2))
    old = {name: t.array for name, t in net.state_dict(keep_vars=True).items()}
    old_grad = weight.grad.array
    assert net.to_empty(device="cpu") is net
    assert net[0].weight is weight and weight.requires_grad and weight.grad_fn is None
    for name, tensor in net.state_dict(keep_vars=True).items():
        assert tensor.shape == old[name].shape and tensor.dtype == old[name].dtype and tensor.device == "cpu", name
        assert not np.shares_memory(tensor.array, old[name]), name
    assert weight.grad.shape == (3, 2) and not np.shares_memory(weight.grad.array, old_grad)
    assert net[1].num_batches_tracked.dtype == minigan.int64 and net[1].weight.dtype == minigan.float64


def test_to_empty_without_recurse_leaves_the_children_alone_and_device_none_stays_put():
    net = nn.Sequential(nn.Linear(2, 2))
    net.register_buffer("count", minigan.zeros(2, dtype=minigan.int64))
    child, count = net[0].weight.array, net.count.array
    net.to_empty(device="cpu", recurse=False)
    assert net[0].weight.array is child and net.count.array is not count and net.count.dtype == minigan.int64
    net.to_empty(device=None)
    assert net[0].weight.array is not child and net[0].weight.device == "cpu"


def test_to_empty_onto_the_test_device():
    pytest.importorskip("array_api_strict")
    layer = nn.Linear(2, 3, dtype=np.float64).to_empty(device="strict")
    assert layer.weight.device == "strict" and layer.weight.shape == (3, 2) and layer.weight.dtype == minigan.float64
    layer.to_empty(device=None)
    assert layer.bias.device == "strict"


def test_to_empty_errors():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'device'"):
        layer.to_empty()
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        layer.to_empty("cpu")  # noqa
    for device in ("meta", "xpu:0", "mps"):
        with pytest.raises(minigan.UnsupportedFeatureError,
                           match=rf"^Module\.to_empty\(device='{device}'\) is not supported by minigan \("):
            layer.to_empty(device=device)
    with pytest.raises(RuntimeError, match="unknown device 'tpu'"):
        layer.to_empty(device="tpu")


# ---------------------------------------------------------------------- the names minigan refuses
@pytest.mark.parametrize("name, feature", [
    ("bfloat16", "the bfloat16 dtype"), ("share_memory", "torch.multiprocessing"),
    ("compile", "minigan.replay.compile captures a whole training step"), ("ipu", "Graphcore's IPU"),
    ("xpu", "Intel's GPU"), ("mtia", "Meta's MTIA accelerator"),
])
def test_module_methods_minigan_cannot_have_say_so(name, feature):
    layer = nn.Linear(2, 2)
    with pytest.raises(minigan.UnsupportedFeatureError) as info:
        getattr(layer, name)()
    assert str(info.value).startswith(f"Module.{name} is not supported by minigan (") and feature in str(info.value)
    assert not hasattr(layer, name)  # feature detection with hasattr, as for the other names minigan refuses


#: dir(torch.nn.Module) in PyTorch 2.14.1, without the names that start with an underscore.
PYTORCH_MODULE_NAMES = [
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu",
    "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer", "get_extra_state",
    "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers",
    "named_children", "named_modules", "named_parameters", "parameters", "register_backward_hook", "register_buffer",
    "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
    "register_module", "register_parameter", "register_state_dict_post_hook", "register_state_dict_pre_hook",
    "requires_grad_", "set_extra_state", "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train",
    "type", "xpu", "zero_grad",
]


@pytest.mark.parametrize("name", PYTORCH_MODULE_NAMES)
def test_every_pytorch_module_name_is_there_or_refused_by_name(name):
    layer = nn.Linear(2, 2)
    try:
        getattr(layer, name)
    except minigan.UnsupportedFeatureError as error:
        assert str(error).startswith(f"Module.{name} is not supported by minigan")
    else:
        assert name in dir(nn.Module)


# ---------------------------------------------------------------------- clip_grad_norm_ at its edges
def _params(*grads, dtype=np.float32):
    params = []
    for values in grads:
        p = nn.Parameter(minigan.zeros(len(values), dtype=dtype))
        p.grad = minigan.tensor(np.asarray(values, dtype))
        params.append(p)
    return params


GRADS = ([3.0, -4.0, 0.5], [1.0, -2.0])
_RECIPROCALS = 1 / 3 + 1 / 4 + 2 + 1 + 1 / 2  # sum of 1/|g| over every element


@pytest.mark.parametrize("norm_type, total", [
    (0, 2.0),  # each gradient's count of nonzero elements (3 and 2), then the count of nonzero counts
    (-1, 1 / _RECIPROCALS),  # (sum_i n_i^-1)^-1 with n_i = (sum_j |g_ij|^-1)^-1: the harmonic sum of every element
    (-2, (1 / 9 + 1 / 16 + 4 + 1 + 1 / 4) ** -0.5),
    (-math.inf, 0.5),  # the smallest |g|
    (0.5, (math.sqrt(3) + 2 + math.sqrt(0.5) + 1 + math.sqrt(2)) ** 2),
    ("-inf", 0.5),
])
def test_clip_grad_norm_takes_any_norm_type_as_pytorch(norm_type, total):
    params = _params(*GRADS)
    got = nn.utils.clip_grad_norm_(params, 0.1, norm_type=norm_type)
    assert got.dtype == minigan.float32 and got.shape == ()
    np.testing.assert_allclose(got.item(), total, rtol=1e-6)
    factor = min(0.1 / (total + 1e-6), 1.0)
    for param, grad in zip(params, GRADS):
        np.testing.assert_allclose(param.grad.numpy(), np.array(grad) * factor, rtol=1e-6)


def test_a_zero_gradient_makes_a_negative_order_total_zero_and_leaves_the_gradients():
    params = _params([3.0, -4.0, 0.0], [1.0, -2.0])  # |0|^-1 = inf: that gradient's norm is 0, and so is the total
    assert nn.utils.clip_grad_norm_(params, 0.5, norm_type=-1).item() == 0.0
    assert params[0].grad.tolist() == [3.0, -4.0, 0.0] and params[1].grad.tolist() == [1.0, -2.0]  # factor 1
    params = _params([3.0, -4.0, 0.0], [0.0, 0.0])
    assert nn.utils.clip_grad_norm_(params, 0.5, norm_type=0).item() == 1.0  # one gradient has a nonzero element
    np.testing.assert_allclose(params[0].grad.numpy(), np.array([3.0, -4.0, 0.0]) * 0.5 / (1 + 1e-6), rtol=1e-7)


def test_a_negative_max_norm_flips_the_gradients_and_zero_zeroes_them():
    params = _params([3.0, -4.0, 0.0], [0.0, 0.0], dtype=np.float64)
    assert nn.utils.clip_grad_norm_(params, -1, norm_type=2).item() == 5.0
    factor = -1 / (5 + 1e-6)
    np.testing.assert_allclose(params[0].grad.numpy(), [3 * factor, -4 * factor, 0.0], rtol=1e-15)
    assert np.signbit(params[0].grad.numpy()).tolist() == [True, False, True]  # 0 times a negative factor is -0
    assert np.signbit(params[1].grad.numpy()).tolist() == [True, True]
    params = _params([3.0, -4.0, 0.0], [1.0, -2.0])
    assert nn.utils.clip_grad_norm_(params, 0.0).item() == pytest.approx(math.sqrt(30), rel=1e-7)
    assert params[0].grad.tolist() == [0.0, 0.0, 0.0] and params[1].grad.tolist() == [0.0, 0.0]
    assert np.signbit(params[0].grad.numpy()).tolist() == [False, True, False]  # -4 * 0 = -0
    assert np.signbit(params[1].grad.numpy()).tolist() == [False, True]
    zeros = _params([0.0, 0.0])
    nn.utils.clip_grad_norm_(zeros, -1.0)  # factor -1 / 1e-6
    assert np.signbit(zeros[0].grad.numpy()).tolist() == [True, True]


def test_max_norm_nan_and_infinite_as_pytorch():
    params = _params(*GRADS)
    nn.utils.clip_grad_norm_(params, math.nan)
    assert all(np.isnan(p.grad.numpy()).all() for p in params)
    params = _params(*GRADS)
    nn.utils.clip_grad_norm_(params, math.inf)  # factor min(inf, 1) = 1
    assert [p.grad.tolist() for p in params] == [list(g) for g in GRADS]
    params = _params(*GRADS)
    nn.utils.clip_grad_norm_(params, -math.inf)  # factor -inf
    assert params[0].grad.tolist() == [-math.inf, math.inf, -math.inf]


def test_an_empty_generator_of_parameters_warns_as_pytorch():
    with pytest.warns(UserWarning, match=r"^`parameters` is an empty generator, no gradient clipping will occur\.$"):
        total = nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert total.item() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0  # an empty list does not warn


@pytest.mark.parametrize("max_norm, norm_type, error, message", [
    ("one", 2.0, ValueError, "could not convert string to float: 'one'"),
    (None, 2.0, TypeError, "float() argument must be a string or a real number, not 'NoneType'"),
    (1.0, "fro", ValueError, "could not convert string to float: 'fro'"),
    (1.0, None, TypeError, "float() argument must be a string or a real number, not 'NoneType'"),
])
def test_clip_grad_norm_argument_errors(max_norm, norm_type, error, message):
    params = _params(*GRADS)
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    assert [p.grad.tolist() for p in params] == [list(g) for g in GRADS]


@pytest.mark.parametrize("max_norm", ["0.1", True])
def test_max_norm_is_whatever_float_takes_as_pytorch(max_norm):
    params = _params([3.0, -4.0])
    nn.utils.clip_grad_norm_(params, max_norm)
    np.testing.assert_allclose(params[0].grad.numpy(), np.array([3.0, -4.0]) * float(max_norm) / (5 + 1e-6), rtol=1e-7)


@pytest.mark.parametrize("clip_value, expected", [
    (-0.5, [[-0.5, -0.5, -0.5], [-0.5, -0.5]]),  # clamp to [0.5, -0.5]: the upper bound wins, as PyTorch's clamp
    (math.nan, [[math.nan] * 3, [math.nan] * 2]),
    ("2.5", [[2.5, -2.5, 0.5], [1.0, -2.0]]),
])
def test_clip_grad_value_takes_what_float_takes_as_pytorch(clip_value, expected):
    params = _params(*GRADS)
    assert nn.utils.clip_grad_value_(params, clip_value) is None
    for param, values in zip(params, expected):
        np.testing.assert_array_equal(param.grad.numpy(), np.array(values, np.float32))


def test_clip_grad_value_zero_keeps_the_signs_of_zero():
    params = _params([3.0, -4.0, 0.0])
    nn.utils.clip_grad_value_(params, 0.0)
    assert params[0].grad.tolist() == [0.0, 0.0, 0.0] and np.signbit(params[0].grad.numpy()).tolist() == [False, True, False]
    with pytest.raises(TypeError, match=r"^float\(\) argument must be a string or a real number, not 'NoneType'$"):
        nn.utils.clip_grad_value_(params, None)


# ---------------------------------------------------------------------- the initialisers' version counter
VERSIONS = [  # (function, arguments, in-place changes PyTorch 2.14.1 counts on a (3, 4) tensor)
    ("uniform_", {}, 1), ("normal_", {}, 1), ("constant_", {"val": 2.0}, 1), ("zeros_", {}, 1), ("ones_", {}, 1),
    ("xavier_uniform_", {}, 1), ("xavier_normal_", {}, 1), ("kaiming_uniform_", {}, 1), ("kaiming_normal_", {}, 1),
    ("trunc_normal_", {"a": -50.0, "b": 50.0}, 1), ("orthogonal_", {}, 2), ("orthogonal_", {"gain": 3.0}, 2),
    ("eye_", {}, 1), ("sparse_", {"sparsity": 0.5}, 5), ("sparse_", {"sparsity": 0.0}, 5),
]


@pytest.mark.parametrize("name, kwargs, count", VERSIONS)
def test_each_initialiser_counts_its_in_place_changes_as_pytorch(name, kwargs, count):
    x = minigan.zeros((3, 4))
    before = x.array
    assert getattr(init, name)(x, **kwargs) is x
    assert x._version == count and x.array is before


@pytest.mark.parametrize("shape, kwargs, count", [
    ((2, 2, 3), {}, 3), ((4, 2, 3), {"groups": 2}, 5), ((2, 3, 3, 3), {}, 3), ((0, 2, 3), {}, 1),
])
def test_dirac_counts_its_zeroing_and_each_one_it_writes(shape, kwargs, count):
    x = init.dirac_(minigan.zeros(shape), **kwargs)
    assert x._version == count


def test_trunc_normal_counts_a_second_change_when_a_first_draw_was_rejected():
    g = minigan.Generator().manual_seed(0)
    assert init.trunc_normal_(minigan.zeros(200), a=-0.1, b=50.0, generator=g)._version == 2  # by normal draws
    assert init.trunc_normal_(minigan.zeros(200), a=-50.0, b=50.0, generator=g)._version == 1
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):  # by uniform draws on [a, b]
        assert init.trunc_normal_(minigan.zeros(200), a=5.0, b=6.0, generator=g)._version == 2
    assert init.trunc_normal_(minigan.zeros(0))._version == 1


@pytest.mark.parametrize("name", ["uniform_", "normal_", "zeros_", "xavier_uniform_", "xavier_normal_",
                                  "trunc_normal_", "eye_"])
@pytest.mark.parametrize("shape", [(0, 4), (3, 0)])
def test_a_tensor_with_no_element_still_counts_one_change(name, shape):
    x = minigan.zeros(shape)
    assert getattr(init, name)(x)._version == 1


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_on_a_tensor_with_no_element_warns_and_counts_nothing(name):
    for shape in ((0, 4), (3, 0), (0,)):
        x = minigan.zeros(shape)
        with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
            assert getattr(init, name)(x) is x
        assert x._version == 0


def test_orthogonal_of_no_element_counts_nothing_and_xavier_of_a_0_by_0_tensor_divides_by_zero():
    assert init.orthogonal_(minigan.zeros((0, 3)))._version == 0
    assert init.sparse_(minigan.zeros((0, 3)), 0.5)._version == 4 and init.sparse_(minigan.zeros((3, 0)), 0.5)._version == 1
    for name in ("xavier_uniform_", "xavier_normal_"):
        x = minigan.zeros((0, 0))
        with pytest.raises(ZeroDivisionError, match="^float division by zero$"):
            getattr(init, name)(x)
        assert x._version == 0


def test_a_layer_s_parameters_count_their_initialisation():
    layer = nn.Linear(2, 3)
    assert layer.weight._version == 1 and layer.bias._version == 1  # kaiming_uniform_ and uniform_, as PyTorch's
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        empty = nn.Linear(0, 3)  # as PyTorch's: the weight has no element, the bias is U(0, 0)
    assert empty.weight._version == 0 and empty.bias._version == 1 and empty.bias.tolist() == [0.0, 0.0, 0.0]
    layer.load_state_dict({"weight": np.zeros((3, 2), np.float32), "bias": np.zeros(3, np.float32)})
    assert layer.weight._version == 2


def test_an_array_has_no_version_counter_to_move():
    array = np.zeros((2, 3))
    assert init.uniform_(array) is array and init.zeros_(array) is array and (array == 0).all()
