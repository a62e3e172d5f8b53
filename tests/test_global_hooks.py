"""The hooks on every module's call, as torch.nn.modules.module's register_module_forward_pre_hook,
register_module_forward_hook, register_module_full_backward_pre_hook and
register_module_full_backward_hook: PyTorch 2.14.1's call order written out, values against closed forms."""
import threading

import numpy as np
import pytest

import minigan
import minigan.nn.modules.module as module_hooks
from minigan import nn
from minigan.torch_api.unsupported import UnsupportedFeatureError


@pytest.fixture
def handles():
    made = []
    yield made
    for handle in made:
        handle.remove()
    assert nn.Module._hooks is None  # every hook gone: the plain call again


def _recorder(log, names):
    def make(tag):
        return lambda module, *rest: log.append((tag, names[id(module)]))
    return make


def test_the_order_of_every_module_s_hooks_and_each_module_s_own_is_pytorch_s(handles):
    log = []
    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    make = _recorder(log, {id(net): "seq", id(net[0]): "lin", id(net[1]): "tanh"})
    handles += [module_hooks.register_module_forward_pre_hook(make("gpre")),
                module_hooks.register_module_forward_hook(make("gpost")),
                module_hooks.register_module_full_backward_pre_hook(make("gbpre")),
                module_hooks.register_module_full_backward_hook(make("gbwd"))]
    for module in (net, net[0]):
        module.register_forward_pre_hook(make("pre"))
        module.register_forward_hook(make("post"))
        module.register_full_backward_pre_hook(make("bpre"))
        module.register_full_backward_hook(make("bwd"))
    handles.append(module_hooks.register_module_forward_pre_hook(make("gpre2")))
    net(minigan.randn(4, 2, requires_grad=True)).sum().backward()
    # torch 2.14.1, the same net and hooks:
    assert log == [
        ("gpre", "seq"), ("gpre2", "seq"), ("pre", "seq"), ("gpre", "lin"), ("gpre2", "lin"), ("pre", "lin"),
        ("gpost", "lin"), ("post", "lin"), ("gpre", "tanh"), ("gpre2", "tanh"), ("gpost", "tanh"), ("gpost", "seq"),
        ("post", "seq"), ("gbpre", "seq"), ("bpre", "seq"), ("gbpre", "tanh"), ("gbwd", "tanh"), ("gbpre", "lin"),
        ("bpre", "lin"), ("gbwd", "lin"), ("bwd", "lin"), ("gbwd", "seq"), ("bwd", "seq")]
    for handle in handles:
        handle.remove()
    log.clear()
    net(minigan.randn(4, 2, requires_grad=True)).sum().backward()
    assert log == [("pre", "seq"), ("pre", "lin"), ("post", "lin"), ("post", "seq"), ("bpre", "seq"), ("bpre", "lin"),
                   ("bwd", "lin"), ("bwd", "seq")]


def test_every_module_s_hooks_may_replace_the_arguments_and_the_output(handles):
    handles.append(module_hooks.register_module_forward_pre_hook(lambda module, args: (args[0] * 2,)))
    handles.append(module_hooks.register_module_forward_hook(lambda module, args, output: output + 1))
    linear = nn.Linear(2, 1)
    linear.weight.data = minigan.ones(1, 2)
    linear.bias.data = minigan.zeros(1)
    assert linear(minigan.ones(1, 2)).numpy().tolist() == [[5.0]]  # (1 + 1) * 2 + 1, as PyTorch gives


def test_a_hook_on_every_module_sees_a_fused_layer_and_its_activation_apart(handles):
    seen = []
    handles.append(module_hooks.register_module_forward_hook(lambda module, args, output: seen.append(
        (type(module).__name__, output.numpy().copy()))))
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    out = net(minigan.tensor(x))
    hidden = x @ net[0].weight.numpy().T + net[0].bias.numpy()
    assert [name for name, _ in seen] == ["Linear", "ReLU", "Sequential"]
    np.testing.assert_allclose(seen[0][1], hidden, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), np.maximum(hidden, 0), rtol=1e-6, atol=1e-6)


def test_every_module_s_backward_hooks_get_the_gradients(handles):
    got = {}
    handles.append(module_hooks.register_module_full_backward_hook(
        lambda module, grad_input, grad_output: got.update(grad_input=grad_input, grad_output=grad_output)))
    linear = nn.Linear(3, 2)
    x = minigan.tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    linear(x).sum().backward()
    np.testing.assert_allclose(got["grad_output"][0].numpy(), np.ones((2, 2)))
    np.testing.assert_allclose(got["grad_input"][0].numpy(), np.ones((2, 2)) @ linear.weight.numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), np.ones((2, 2)) @ linear.weight.numpy(), rtol=1e-6)


def test_a_hook_registered_on_one_thread_sees_modules_called_on_another_as_in_pytorch(handles):
    seen = []
    handles.append(module_hooks.register_module_forward_pre_hook(
        lambda module, args: seen.append((type(module).__name__, threading.current_thread().name))))
    linear = nn.Linear(2, 2)
    worker = threading.Thread(target=lambda: linear(minigan.ones(1, 2)), name="worker")
    worker.start()
    worker.join()
    assert seen == [("Linear", "worker")]


def test_removing_the_handle_ends_the_hook_and_a_handle_works_as_a_context_manager():
    seen = []
    linear = nn.Linear(2, 2)
    with module_hooks.register_module_forward_pre_hook(lambda module, args: seen.append(1)):
        linear(minigan.ones(1, 2))
        assert nn.Module._hooks is not None
    linear(minigan.ones(1, 2))
    assert seen == [1] and nn.Module._hooks is None and "_hooks" not in vars(linear)


def test_a_module_s_own_registration_stays_its_own_while_every_module_has_hooks(handles):
    handles.append(module_hooks.register_module_forward_pre_hook(lambda module, args: None))
    first, second = nn.Linear(2, 2), nn.Linear(2, 2)
    seen = []
    first.register_forward_hook(lambda module, args, output: seen.append(module))
    first(minigan.ones(1, 2))
    second(minigan.ones(1, 2))
    assert seen == [first]


def test_the_paths_users_reach_them_by_and_what_minigan_lacks():
    assert nn.modules.module.register_module_forward_hook is module_hooks.register_module_forward_hook
    assert nn.modules.module.Module is nn.Module and nn.modules.Module is nn.Module
    with pytest.raises(UnsupportedFeatureError, match="with_kwargs"):
        module_hooks.register_module_forward_hook(lambda *a: None, with_kwargs=True)
    with pytest.raises(TypeError, match="register_module_forward_pre_hook: the hook must be callable, got int"):
        module_hooks.register_module_forward_pre_hook(3)
    assert nn.Module._hooks is None
