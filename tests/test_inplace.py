"""PyTorch's in-place methods and the version counter, against values written out by hand."""
import numpy as np
import pytest

import minigan
from minigan import nn, optim

MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation"


def test_each_method_returns_self_and_gives_the_hand_computed_values():
    t = minigan.tensor([1.0, -2.0, 3.0])
    assert t.fill_(5.0) is t and t.tolist() == [5.0, 5.0, 5.0]
    assert t.zero_() is t and t.tolist() == [0.0, 0.0, 0.0]
    t.copy_(minigan.tensor([1.0, -2.0, 3.0]))
    assert t.tolist() == [1.0, -2.0, 3.0]
    assert t.add_(minigan.tensor([1.0, 1.0, 1.0]), alpha=2).tolist() == [3.0, 0.0, 5.0]
    assert t.sub_(1).tolist() == [2.0, -1.0, 4.0]
    assert t.mul_(2).tolist() == [4.0, -2.0, 8.0]
    assert t.div_(4).tolist() == [1.0, -0.5, 2.0]
    assert t.clamp_(-0.25, 1.5).tolist() == [1.0, -0.25, 1.5]
    assert t.clamp_(min=1.2).tolist() == [1.2000000476837158, 1.2000000476837158, 1.5]
    assert t.dtype == np.float32


def test_in_place_broadcasts_into_self_and_refuses_a_larger_value():
    t = minigan.zeros(2, 3)
    t.add_(minigan.tensor([1.0, 2.0, 3.0]))
    assert t.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        minigan.zeros(3).add_(minigan.zeros(2, 3))
    with pytest.raises(TypeError):
        minigan.zeros(3).add_("3")
    with pytest.raises(TypeError):
        minigan.zeros(3).mul_(None)


def test_fill_takes_a_zero_dim_tensor_and_clamp_keeps_nan():
    t = minigan.zeros(2)
    t.fill_(minigan.tensor(7.0))
    assert t.tolist() == [7.0, 7.0]
    with pytest.raises(RuntimeError, match="0-dimension"):
        t.fill_(minigan.tensor([1.0, 2.0]))
    n = minigan.tensor([float("nan"), 5.0])
    n.clamp_(0, 1)
    assert np.isnan(n.tolist()[0]) and n.tolist()[1] == 1.0


def test_normal_and_uniform_draw_from_the_given_generator():
    g1, g2 = minigan.Generator().manual_seed(3), minigan.Generator().manual_seed(3)
    a = minigan.empty(1000).normal_(2.0, 0.5, generator=g1)
    b = minigan.empty(1000).normal_(2.0, 0.5, generator=g2)
    assert a.tolist() == b.tolist()
    assert abs(float(np.mean(a.numpy())) - 2.0) < 0.1 and abs(float(np.std(a.numpy())) - 0.5) < 0.05
    u = minigan.empty(1000).uniform_(-3.0, -1.0, generator=g1)
    assert u.numpy().min() >= -3.0 and u.numpy().max() < -1.0 and u.dtype == np.float32
    with pytest.raises(RuntimeError, match="std >= 0"):
        minigan.empty(2).normal_(0, -1)


def test_leaf_that_requires_grad_refuses_in_place_but_data_and_no_grad_allow_it():
    w = nn.Parameter(minigan.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        w.fill_(0.0)
    w.data.normal_(0.0, 0.02)  # the DCGAN weights_init way
    assert w.requires_grad and max(abs(v) for v in w.tolist()) < 0.2
    w.data.fill_(3.0)
    assert w.tolist() == [3.0, 3.0]
    with minigan.no_grad():
        w.mul_(2.0)
    assert w.tolist() == [6.0, 6.0]
    assert w.requires_grad_(False) is w and not w.requires_grad
    w.add_(1.0)  # no longer requires grad: allowed
    assert w.tolist() == [7.0, 7.0]


def test_version_counter_detach_shares_it_data_does_not():
    t = minigan.zeros(2)
    assert t._version == 0
    t.add_(1.0)
    assert t._version == 1
    d = t.detach()
    d.mul_(2.0)
    assert t._version == 2 and d._version == 2 and t.tolist() == [2.0, 2.0]
    raw = t.data
    raw.zero_()
    assert raw._version == 1 and t._version == 2 and t.tolist() == [0.0, 0.0]


def test_optimizer_step_between_forward_and_backward_raises():
    # d/dx (w x)^2 = 2 w^2 x = 24 at w = 2, x = 3; after w -> 1.5 the stale graph would say 2*(2*3)*1.5 = 18.
    w = nn.Parameter(minigan.tensor(2.0))
    x = minigan.tensor(3.0, requires_grad=True)
    loss = (w * x) ** 2
    loss.backward(retain_graph=True)
    assert x.grad.item() == 24.0 and w.grad.item() == 36.0  # d/dw = 2 w x^2
    w.grad = minigan.tensor(1.0)
    optim.SGD([w], lr=0.5).step()
    assert w.item() == 1.5 and w._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        loss.backward()
    assert "is at version 1; expected version 0 instead" in str(info.value)
    assert "Mul" in str(info.value)
    x.grad = None
    ((w * x) ** 2).backward()  # a fresh forward is fine: 2 * 1.5^2 * 3
    assert x.grad.item() == 13.5


def test_only_values_backward_reads_are_checked():
    # The bias of an add is not read by its backward (PyTorch's AddBackward saves nothing).
    b = nn.Parameter(minigan.tensor([1.0]))
    x = minigan.tensor([2.0], requires_grad=True)
    y = (x + b).sum()
    with minigan.no_grad():
        b.add_(5.0)
    y.backward()
    assert x.grad.tolist() == [1.0] and b.grad.tolist() == [1.0]


def test_changing_a_saved_output_in_place_raises_naming_the_op():
    x = minigan.tensor([0.0, 1.0], requires_grad=True)
    s = x.sigmoid()
    with minigan.no_grad():
        s.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        s.sum().backward()
    assert "Sigmoid" in str(info.value)


def test_in_place_on_recorded_history_or_with_a_grad_operand_names_the_limit():
    x = minigan.tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="not supported by minigan"):
        y.add_(1.0)
    with pytest.raises(RuntimeError, match="not supported by minigan"):
        minigan.zeros(1).add_(x)


def test_load_state_dict_counts_as_an_in_place_change():
    layer = nn.Linear(1, 1)
    x = minigan.tensor([[2.0]], requires_grad=True)
    out = layer(x).sum()
    layer.load_state_dict({"weight": np.array([[5.0]], np.float32), "bias": np.array([0.0], np.float32)})
    assert layer.weight._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()
