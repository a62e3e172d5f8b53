"""nn.Module's forward hooks (register_forward_pre_hook, register_forward_hook), get_submodule,
get_parameter and half(), against values written out in NumPy; a hooked step is not replayed."""
import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.replay import Compiled


def _net():
    minigan.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def _by_hand(net, x):
    """The net's forward in NumPy: the first layer's output before and after the ReLU, and the result."""
    w0, b0 = net[0].weight.numpy(), net[0].bias.numpy()
    w2, b2 = net[2].weight.numpy(), net[2].bias.numpy()
    hidden = x @ w0.T + b0
    return hidden, np.maximum(hidden, 0), np.maximum(hidden, 0) @ w2.T + b2


def test_a_forward_hook_sees_its_module_s_own_output_even_where_sequential_fuses():
    net = _net()
    x = np.linspace(-2, 2, 15, dtype=np.float32).reshape(5, 3)
    seen = {}
    net[0].register_forward_hook(lambda module, args, output: seen.update(linear=(module, args, output)))
    net[1].register_forward_hook(lambda module, args, output: seen.update(relu=output))
    out = net(minigan.tensor(x))
    hidden, activated, result = _by_hand(net, x)
    module, args, linear_out = seen["linear"]
    assert module is net[0] and len(args) == 1 and np.array_equal(args[0].numpy(), x)
    np.testing.assert_allclose(linear_out.numpy(), hidden, rtol=1e-6, atol=1e-6)  # before the ReLU
    assert (linear_out.numpy() < 0).any()
    np.testing.assert_allclose(seen["relu"].numpy(), activated, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), result, rtol=1e-5, atol=1e-6)


def test_hooks_may_replace_the_arguments_and_the_output_and_run_in_order():
    net = _net()
    x = np.ones((2, 3), np.float32)
    order = []
    net[0].register_forward_pre_hook(lambda m, args: (order.append("pre"), args[0] * 2)[1])
    net.register_forward_hook(lambda m, args, output: (order.append("last"), output + 1)[1])
    net.register_forward_hook(lambda m, args, output: order.append("first"), prepend=True)
    out = net(minigan.tensor(x))
    np.testing.assert_allclose(out.numpy(), _by_hand(net, 2 * x)[2] + 1, rtol=1e-5)
    assert order == ["pre", "first", "last"]


def test_removing_a_hook_and_the_with_block():
    net = _net()
    x = minigan.ones(2, 3)
    plain = net(x).numpy()
    handle = net.register_forward_hook(lambda m, args, output: output * 0)
    assert not net(x).numpy().any()
    handle.remove()
    handle.remove()  # a second remove does nothing
    np.testing.assert_array_equal(net(x).numpy(), plain)
    with net[2].register_forward_hook(lambda m, args, output: output * 0):
        assert not net(x).numpy().any()
    np.testing.assert_array_equal(net(x).numpy(), plain)
    with pytest.raises(TypeError, match="register_forward_hook: the hook must be callable, got int"):
        net.register_forward_hook(3)


def test_a_hooked_module_makes_the_captured_step_run_eagerly():
    said = []
    net = _net()
    calls = []
    net[2].register_forward_hook(lambda m, args, output: calls.append(1))
    optimizer = minigan.optim.SGD(net.parameters(), lr=0.1)

    def step(x):
        loss = net(x).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    compiled = Compiled(step, log=said.append)
    for _ in range(4):
        compiled(np.ones((2, 3), np.float32))
    assert compiled.replays == 0 and len(calls) == 4  # the hook ran in every step
    assert len(said) == 1 and "a forward hook on Linear" in said[0]


def test_get_submodule_get_parameter_and_half():
    net = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(4, 2)))
    assert net.get_submodule("1.1") is net[1][1] and net.get_submodule("") is net
    assert net.get_parameter("1.1.bias") is net[1][1].bias
    with pytest.raises(AttributeError, match="Sequential has no attribute `7`"):  # PyTorch's words
        net.get_submodule("1.7")
    with pytest.raises(AttributeError, match="Linear has no attribute `scale`"):
        net.get_parameter("0.scale")
    assert net.half().get_parameter("0.weight").dtype == np.float16
    with pytest.raises(minigan.UnsupportedFeatureError, match="Module.share_memory is not supported"):
        net.share_memory()
    with pytest.raises(AttributeError, match="'Sequential' object has no attribute 'no_such_thing'"):
        net.no_such_thing  # noqa: B018
