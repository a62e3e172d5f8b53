"""A Module's entries by dotted path, its extra state and nn.Buffer (minigan/nn/module_paths.py,
minigan/nn/buffer.py), against what PyTorch 2.14.1 gives for the same calls (written out below)."""
import numpy as np
import pytest

import minigan
from minigan import nn


class Counter(nn.Module):
    """A module with extra state: a count that is neither a parameter nor a buffer."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.count = 3

    def get_extra_state(self):
        return {"count": self.count}

    def set_extra_state(self, state):
        self.count = state["count"]


def test_buffer_assigned_as_an_attribute_is_a_buffer():
    module = nn.Module()
    module.hidden = nn.Buffer(minigan.zeros(2), persistent=False)
    source = minigan.ones(1)
    module.kept = nn.Buffer(source)
    assert list(module.state_dict()) == ["kept"] and list(dict(module.named_buffers())) == ["hidden", "kept"]
    source[0] = 5.0  # the buffer shares the tensor's memory, as PyTorch's
    assert module.kept.tolist() == [5.0] and isinstance(module.kept, minigan.Tensor)
    assert list(module.parameters()) == []
    empty = nn.Buffer()
    assert empty.shape == (0,) and not empty.requires_grad


def test_extra_state_is_saved_and_loaded_in_pytorchs_order():
    net = nn.Sequential(Counter(), nn.ReLU())
    state = net.state_dict()
    assert list(state) == ["0._extra_state", "0.lin.weight", "0.lin.bias"] and state["0._extra_state"] == {"count": 3}
    other = nn.Sequential(Counter(), nn.ReLU())
    other[0].count = 0
    keys = other.load_state_dict(state)
    assert (keys.missing_keys, keys.unexpected_keys, other[0].count) == ([], [], 3)
    np.testing.assert_array_equal(other[0].lin.weight.detach().numpy(), net[0].lin.weight.detach().numpy())
    without = {key: value for key, value in state.items() if "extra" not in key}
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): '0._extra_state'"):
        other.load_state_dict(without)
    assert other.load_state_dict(without, strict=False).missing_keys == ["0._extra_state"]
    plain = nn.Sequential(nn.Linear(2, 2), nn.ReLU())  # keeps no extra state: the key is unexpected
    keys = plain.load_state_dict({"0.weight": state["0.lin.weight"], "0.bias": state["0.lin.bias"],
                                  "0._extra_state": 1}, strict=False)
    assert (keys.missing_keys, keys.unexpected_keys) == ([], ["0._extra_state"])


def test_extra_state_with_state_dict_hooks():
    net = nn.Sequential(Counter(), nn.ReLU())
    net.register_state_dict_pre_hook(lambda *args: None)
    net.register_load_state_dict_post_hook(lambda module, keys: None)
    state = net.state_dict()
    assert list(state) == ["0._extra_state", "0.lin.weight", "0.lin.bias"]
    other = nn.Sequential(Counter(), nn.ReLU())
    other[0].count = 7
    other.register_load_state_dict_post_hook(lambda module, keys: None)
    other.load_state_dict(state)
    assert other[0].count == 3


def test_paths_and_pytorchs_errors():
    net = nn.Sequential(Counter(), nn.ReLU())
    norm = nn.BatchNorm1d(2)
    assert norm.get_buffer("running_var").tolist() == [1.0, 1.0]
    assert net.get_parameter("0.lin.bias") is net[0].lin.bias
    for call, error, message in [
        (lambda: net.get_buffer("0.lin.weight"), AttributeError, "`weight` is not a buffer"),
        (lambda: norm.get_buffer("nope"), AttributeError, "BatchNorm1d has no attribute `nope`"),
        (lambda: net.get_submodule("0.lin.weight"), AttributeError, "`weight` is not an nn.Module"),
        (lambda: net.get_submodule("3"), AttributeError, "Sequential has no attribute `3`"),
        (lambda: net.get_parameter("0.count"), AttributeError, "`count` is not an nn.Parameter"),
        (lambda: net.get_parameter("0.lin"), AttributeError, "`lin` is not an nn.Parameter"),
        (lambda: net.set_submodule("", nn.ReLU()), ValueError, "Cannot set the submodule without a target name!"),
        (lambda: net.set_submodule("0.zz", nn.ReLU(), strict=True), AttributeError, "Counter has no attribute `zz`"),
        (lambda: net.set_submodule("0.count", nn.ReLU()), AttributeError, "`count` is not an nn.Module"),
        (lambda: net.set_submodule("1", 5), ValueError, "`module` is not an nn.Module, found <class 'int'>"),
        (lambda: nn.ReLU().get_extra_state(), RuntimeError, "Module.get_extra_state\\(\\) that should never be called"),
        (lambda: nn.ReLU().set_extra_state(1), RuntimeError, "Module.set_extra_state\\(\\) that should never be called"),
    ]:
        with pytest.raises(error, match=message):
            call()


def test_set_submodule_replaces_or_adds():
    net = nn.Sequential(Counter(), nn.ReLU())
    net.set_submodule("1", nn.Tanh())
    net.set_submodule("0.extra", nn.Sigmoid())
    assert isinstance(net[1], nn.Tanh) and isinstance(net[0].extra, nn.Sigmoid)
    assert [name for name, _ in net.named_modules()] == ["", "0", "0.lin", "0.extra", "1"]
