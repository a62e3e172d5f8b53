"""Lazy modules (nn.LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*) and
nn.UninitializedParameter / UninitializedBuffer, against PyTorch 2.14.1's behaviour written out here:
the sizes read off the first input, the class each becomes, weights equal to an ordinary module's made
from the same generator state, outputs against NumPy, state_dict round trips and PyTorch's messages."""
import copy

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.nn.modules.lazy import LazyModuleMixin

# PyTorch 2.14.1's messages, as it prints them.
SHAPE_MESSAGE = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
                 "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
                 "`forward` to initialize the parameters before accessing their attributes.")


def _x(*shape):
    return np.linspace(-1.5, 2.0, int(np.prod(shape)), dtype=np.float32).reshape(shape)


def test_lazy_linear_reads_in_features_and_becomes_a_linear_with_the_ordinary_weights():
    lazy = nn.LazyLinear(3)
    assert repr(lazy) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    assert isinstance(lazy, LazyModuleMixin) and lazy.has_uninitialized_params()
    assert type(lazy.weight) is nn.UninitializedParameter and repr(lazy.weight) == "<UninitializedParameter>"
    minigan.manual_seed(7)
    out = lazy(minigan.tensor(_x(2, 5)))
    assert type(lazy) is nn.Linear and type(lazy.weight) is nn.Parameter and not hasattr(lazy, "has_uninitialized_params")
    assert lazy.in_features == 5 and lazy.weight.shape == (3, 5) and lazy.bias.shape == (3,)
    assert repr(lazy) == "Linear(in_features=5, out_features=3, bias=True)"
    minigan.manual_seed(7)
    ordinary = nn.Linear(5, 3)
    assert np.array_equal(lazy.weight.numpy(), ordinary.weight.numpy())
    assert np.array_equal(lazy.bias.numpy(), ordinary.bias.numpy())
    expected = _x(2, 5) @ lazy.weight.numpy().T + lazy.bias.numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)
    assert lazy._hooks is None and "_state_hooks" not in vars(lazy)  # the ordinary call from now on


def test_a_lazy_module_draws_from_the_generator_given_at_its_first_call():
    lazy = nn.LazyLinear(4, rng=np.random.default_rng(3))
    np.random.default_rng(0).standard_normal(5)  # the module draws nothing before its first call
    lazy(minigan.tensor(_x(1, 6)))
    ordinary = nn.Linear(6, 4, rng=np.random.default_rng(3))
    assert np.array_equal(lazy.weight.numpy(), ordinary.weight.numpy())
    assert np.array_equal(lazy.bias.numpy(), ordinary.bias.numpy())


@pytest.mark.parametrize("lazy_class, ordinary_class, shape, in_channels, weight_shape", [
    (nn.LazyConv1d, nn.Conv1d, (2, 4, 9), 4, (6, 4, 3)),
    (nn.LazyConv2d, nn.Conv2d, (1, 2, 5, 5), 2, (6, 2, 3, 3)),
    (nn.LazyConv3d, nn.Conv3d, (1, 2, 4, 4, 4), 2, (6, 2, 3, 3, 3)),
    (nn.LazyConvTranspose1d, nn.ConvTranspose1d, (1, 4, 5), 4, (4, 6, 3)),
    (nn.LazyConvTranspose2d, nn.ConvTranspose2d, (1, 2, 4, 4), 2, (2, 6, 3, 3)),
    (nn.LazyConvTranspose3d, nn.ConvTranspose3d, (1, 2, 3, 3, 3), 2, (2, 6, 3, 3, 3)),
    (nn.LazyConv1d, nn.Conv1d, (4, 9), 4, (6, 4, 3)),  # unbatched: the channels are axis 0
])
def test_lazy_convolutions_read_in_channels_and_match_the_ordinary_layer(
        lazy_class, ordinary_class, shape, in_channels, weight_shape):
    lazy = lazy_class(6, 3)
    assert lazy.in_channels == 0 and repr(lazy).startswith(f"{lazy_class.__name__}(0, 6, kernel_size=")
    x = minigan.tensor(_x(*shape))
    minigan.manual_seed(11)
    out = lazy(x)
    minigan.manual_seed(11)
    ordinary = ordinary_class(in_channels, 6, 3)
    assert type(lazy) is ordinary_class and lazy.in_channels == in_channels and lazy.weight.shape == weight_shape
    assert np.array_equal(lazy.weight.numpy(), ordinary.weight.numpy())
    assert np.array_equal(lazy.bias.numpy(), ordinary.bias.numpy())
    assert repr(lazy) == repr(ordinary)
    np.testing.assert_allclose(out.numpy(), ordinary(x).numpy(), rtol=1e-6, atol=1e-6)


def test_lazy_conv1d_output_against_numpy_written_out():
    lazy = nn.LazyConv1d(2, 3, stride=2, bias=False)
    x = _x(1, 3, 7)
    out = lazy(minigan.tensor(x)).numpy()
    w = lazy.weight.numpy()
    expected = np.array([[[np.sum(w[o] * x[0, :, 2 * t:2 * t + 3]) for t in range(3)] for o in range(2)]])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_lazy_convolutions_refuse_with_pytorch_s_messages():
    with pytest.raises(RuntimeError) as info:
        nn.LazyConv2d(4, 3)(minigan.tensor(_x(2, 3)))
    assert str(info.value) == "Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of size: (2, 3)"
    grouped = nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ValueError, match="^in_channels must be divisible by groups$"):
        grouped(minigan.tensor(_x(1, 3, 5, 5)))
    assert type(grouped) is nn.LazyConv2d and grouped.has_uninitialized_params()


@pytest.mark.parametrize("lazy_class, ordinary_class, shape", [
    (nn.LazyBatchNorm1d, nn.BatchNorm1d, (4, 3)),
    (nn.LazyBatchNorm2d, nn.BatchNorm2d, (2, 3, 2, 2)),
    (nn.LazyBatchNorm3d, nn.BatchNorm3d, (2, 3, 2, 2, 2)),
    (nn.LazyInstanceNorm1d, nn.InstanceNorm1d, (2, 3, 4)),
    (nn.LazyInstanceNorm2d, nn.InstanceNorm2d, (2, 3, 2, 2)),
    (nn.LazyInstanceNorm3d, nn.InstanceNorm3d, (2, 3, 2, 2, 2)),
])
def test_lazy_norms_read_num_features_and_normalise_as_numpy_does(lazy_class, ordinary_class, shape):
    lazy = lazy_class()
    name = lazy_class.__name__
    assert repr(lazy).startswith(f"{name}(0, eps=1e-05, momentum=0.1, affine=True, ")
    assert repr(lazy).endswith("track_running_stats=True)")
    state = lazy.state_dict()
    assert {k: type(v).__name__ for k, v in state.items()} == {
        "weight": "UninitializedParameter", "bias": "UninitializedParameter", "running_mean": "UninitializedBuffer",
        "running_var": "UninitializedBuffer", "num_batches_tracked": "Tensor"}  # as PyTorch's
    x = _x(*shape) ** 2
    out = lazy(minigan.tensor(x)).numpy()
    assert type(lazy) is ordinary_class and lazy.num_features == 3
    assert type(lazy.running_mean) is minigan.Tensor and lazy.running_mean.shape == (3,)
    axes = (0,) + tuple(range(2, len(shape))) if "Batch" in name else tuple(range(2, len(shape)))
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    batch_mean = x.mean(axis=axes).reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(lazy.running_mean.numpy(), 0.1 * batch_mean, rtol=1e-5, atol=1e-6)
    assert np.array_equal(lazy.weight.numpy(), np.ones(3)) and np.array_equal(lazy.bias.numpy(), np.zeros(3))


def test_lazy_instance_norm_reads_axis_1_even_of_an_unbatched_input_as_pytorch_does():
    lazy = nn.LazyInstanceNorm1d()
    with pytest.raises(ValueError, match=r"expected input's size at dim=0 to match num_features \(5\), but got: 3\."):
        lazy(minigan.tensor(_x(3, 5)))
    assert lazy.num_features == 5


def test_the_uninitialised_parameter_refuses_as_pytorch_s():
    weight = nn.LazyLinear(3).weight
    assert weight.dtype == np.float32 and str(weight.device) == "cpu" and weight.requires_grad and weight.ndim == 1
    with pytest.raises(RuntimeError) as info:
        weight.shape
    assert str(info.value) == SHAPE_MESSAGE
    with pytest.raises(ValueError, match=r"^Attempted to use an uninitialized parameter in sum\. This error happens "
                                         r"when you are using a `LazyModule`"):
        weight.sum()
    with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter in numel"):
        weight.numel()
    buffer = nn.UninitializedBuffer()
    assert not buffer.requires_grad and repr(buffer) == "<UninitializedBuffer>"


def test_materialize_makes_the_same_object_a_parameter_or_a_tensor():
    param = nn.parameter.UninitializedParameter(requires_grad=False, dtype=np.float64)
    same = param
    param.materialize((2,))
    assert param is same and type(param) is nn.Parameter and param.shape == (2,) and param.dtype == np.float64
    assert not param.requires_grad and np.array_equal(param.numpy(), np.zeros(2))
    buffer = nn.UninitializedBuffer()
    buffer.materialize((2, 3))
    assert type(buffer) is minigan.Tensor and buffer.shape == (2, 3) and buffer.dtype == np.float32


def test_initialize_parameters_without_a_call_keeps_the_lazy_class():
    lazy = nn.LazyLinear(3)
    lazy.initialize_parameters(minigan.tensor(_x(2, 4)))
    assert type(lazy) is nn.LazyLinear and lazy.in_features == 4 and lazy.weight.shape == (3, 4)
    assert not lazy.has_uninitialized_params()
    lazy(minigan.tensor(_x(2, 4)))
    assert type(lazy) is nn.Linear


def test_state_dict_of_an_uninitialised_module_and_loads_both_ways():
    lazy = nn.LazyLinear(3)
    state = lazy.state_dict()
    assert state["weight"] is lazy.weight and state["bias"] is lazy.bias  # PyTorch saves them themselves
    assert lazy.state_dict(keep_vars=True)["weight"] is lazy.weight
    other = nn.LazyLinear(3)
    assert other.load_state_dict(state) == ([], [])  # both uninitialised: nothing to copy, as PyTorch
    assert type(other.weight) is nn.UninitializedParameter
    with pytest.raises(RuntimeError) as info:
        nn.Linear(2, 3).load_state_dict(state)
    assert str(info.value) == SHAPE_MESSAGE


def test_load_state_dict_materialises_a_lazy_module_from_the_loaded_shapes():
    source = nn.Linear(5, 3)
    lazy = nn.LazyLinear(3)
    weight = lazy.weight
    assert lazy.load_state_dict(source.state_dict()) == ([], [])
    assert type(lazy) is nn.LazyLinear and lazy.in_features == 0 and lazy.weight is weight  # as PyTorch's
    assert type(weight) is nn.Parameter and np.array_equal(weight.numpy(), source.weight.numpy())
    x = _x(2, 5)
    out = lazy(minigan.tensor(x))  # the loaded values stay
    assert type(lazy) is nn.Linear and lazy.in_features == 5
    assert np.array_equal(lazy.weight.numpy(), source.weight.numpy())
    np.testing.assert_allclose(out.numpy(), x @ source.weight.numpy().T + source.bias.numpy(), rtol=1e-6, atol=1e-6)


def test_a_round_trip_through_state_dict_after_the_first_call():
    lazy = nn.LazyConv2d(2, 3)
    lazy(minigan.tensor(_x(1, 3, 5, 5)))
    copy_ = nn.LazyConv2d(2, 3)
    copy_.load_state_dict(lazy.state_dict())
    x = minigan.tensor(_x(2, 3, 4, 4))
    assert np.array_equal(copy_(x).numpy(), lazy(x).numpy()) and type(copy_) is nn.Conv2d


def test_to_dtype_before_the_first_call_sets_the_dtype_the_weights_take():
    lazy = nn.LazyLinear(3).to(np.float64)
    assert lazy.weight.dtype == np.float64 and type(lazy.weight) is nn.UninitializedParameter
    out = lazy(minigan.tensor(_x(2, 4).astype(np.float64)))
    assert lazy.weight.dtype == np.float64 and lazy.weight.shape == (3, 4) and out.dtype == np.float64


def test_an_optimizer_built_before_the_first_call_trains_the_materialised_parameters():
    net = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1))
    optimizer = minigan.optim.SGD(net.parameters(), lr=0.1)  # no warning, no error: as PyTorch
    x = minigan.tensor(_x(3, 2))
    loss = net(x).sum()
    loss.backward()
    before = net[2].weight.numpy().copy()
    grad = net[2].weight.grad.numpy()
    optimizer.step()
    np.testing.assert_allclose(net[2].weight.numpy(), before - 0.1 * grad, rtol=1e-6, atol=1e-7)
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]


def test_deepcopy_of_a_lazy_module_stays_lazy_and_initialises_on_its_own():
    lazy = nn.LazyLinear(3)
    twin = copy.deepcopy(lazy)
    assert type(twin) is nn.LazyLinear and type(twin.weight) is nn.UninitializedParameter
    twin(minigan.tensor(_x(1, 2)))
    assert type(twin) is nn.Linear and type(lazy) is nn.LazyLinear and lazy.has_uninitialized_params()


def test_a_users_hooks_run_after_the_initialisation_and_stay():
    lazy = nn.LazyLinear(2)
    seen = []
    lazy.register_forward_pre_hook(lambda module, args: seen.append((type(module).__name__, module.in_features)))
    lazy(minigan.tensor(_x(1, 3)))
    lazy(minigan.tensor(_x(1, 3)))
    assert seen == [("Linear", 3), ("Linear", 3)]
