"""PyTorch's in-place methods and the version counter, against values written out by hand."""
import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.nn import functional as F

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


@pytest.mark.parametrize("product", [lambda x, w: x @ w.t(), lambda x, w: F.linear(x, w),
                                     lambda x, w: F.relu(F.linear(x, w))], ids=["matmul", "linear", "linear+relu"])
def test_a_product_checks_an_operand_only_for_the_gradients_that_read_it(product):
    """As PyTorch's mm and addmm save them: W is read only for x's gradient, x only for W's. So W
    may change in place before backward when x needs no gradient (PyTorch 2.14.1: no error), but
    not when it does, and x may not change while W needs one (PyTorch raises in both)."""
    x_values = np.arange(12, dtype=np.float32).reshape(3, 4) / 4 + 0.5  # > 0: the relu passes every element
    for x_requires_grad, change, raises in [(False, "w", False), (True, "w", True), (False, "x", True)]:
        x = minigan.tensor(x_values, requires_grad=x_requires_grad)
        w = nn.Parameter(minigan.ones(5, 4))
        y = product(x, w).sum()
        with minigan.no_grad():
            (w if change == "w" else x).add_(1.0)
        if raises:
            with pytest.raises(RuntimeError, match=MODIFIED):
                y.backward()
        else:
            y.backward()
            # d/dW sum(x W^T) = each row of W gets the column sums of x
            assert w.grad.tolist() == [list(x_values.sum(axis=0))] * 5


@pytest.mark.parametrize("op, raises, grad_b", [
    # which (operand changed, a requires grad) make PyTorch 2.14.1 raise (b always requires grad),
    # and b's gradient where it does not: a for a * b, 1 / a for b / a (a is [2, 3], float32)
    (lambda a, b: a * b, {("a", False), ("a", True), ("b", True)}, [2.0, 3.0]),
    (lambda a, b: a / b, {("a", False), ("a", True), ("b", False), ("b", True)}, None),
    (lambda a, b: b / a, {("a", False), ("a", True), ("b", True)}, [0.5, float(np.float32(1) / np.float32(3))]),
], ids=["a*b", "a/b", "b/a"])
def test_mul_and_div_check_an_operand_only_for_the_gradients_that_read_it(op, raises, grad_b):
    for change in ("a", "b"):
        for a_requires_grad in (False, True):
            a = minigan.tensor([2.0, 3.0], requires_grad=a_requires_grad)
            b = minigan.tensor([5.0, 7.0], requires_grad=True)
            y = op(a, b).sum()
            with minigan.no_grad():
                (a if change == "a" else b).add_(1.0)
            if (change, a_requires_grad) in raises:
                with pytest.raises(RuntimeError, match=MODIFIED):
                    y.backward()
            else:
                y.backward()
                assert b.grad.tolist() == grad_b


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
    assert layer.weight._version == 2  # its initialisation, then the load, as PyTorch counts them
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


def test_augmented_assignment_changes_the_tensor_itself_as_in_pytorch():
    t = minigan.tensor([1.0, 2.0])
    alias = t
    t += 1
    t *= minigan.tensor([2.0, 3.0])
    t -= 0.5
    t /= 2
    assert t is alias and alias.tolist() == [1.75, 4.25]  # ((1+1)*2-0.5)/2, ((2+1)*3-0.5)/2
    w = minigan.tensor([1.0, -1.0], requires_grad=True)
    with minigan.no_grad():
        w -= 0.1 * minigan.tensor([10.0, 20.0])  # the tutorials' manual SGD step
    assert w.requires_grad and w.is_leaf and np.allclose(w.tolist(), [0.0, -3.0])


def test_a_manual_sgd_loop_written_with_minus_equals_trains_the_model():
    model = nn.Linear(1, 1)
    x = minigan.tensor([[1.0], [2.0], [3.0]])
    y = 2 * x + 1
    first = ((model(x) - y) ** 2).mean().item()
    for _ in range(200):
        loss = ((model(x) - y) ** 2).mean()
        model.zero_grad()
        loss.backward()
        with minigan.no_grad():
            for param in model.parameters():
                param -= 0.1 * param.grad
    assert loss.item() < 1e-3 < first
    assert np.allclose([model.weight.item(), model.bias.item()], [2.0, 1.0], atol=0.05)


def test_augmented_assignment_keeps_pytorchs_rules_where_it_would_be_recorded():
    w = minigan.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1
    h = w * 3
    before = h
    h += w  # recorded: h is bound to the sum, and its gradient is PyTorch's
    h.sum().backward()
    assert h is not before and w.grad.tolist() == [4.0, 4.0] and before.tolist() == [3.0, 6.0]
    total = minigan.zeros(2)
    total += w  # an operand that requires grad: recorded as well
    assert total.requires_grad and total.grad_fn is not None


def test_in_place_arithmetic_refuses_to_write_floats_into_an_integer_tensor():
    counts = minigan.tensor([1, 2])
    counts += 2
    assert counts.tolist() == [3, 4] and counts.dtype == np.int64
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        counts += 0.5
    with pytest.raises(RuntimeError, match="output type Long"):
        counts /= 2
    assert counts.tolist() == [3, 4]


@pytest.mark.parametrize("value, error, message", [
    (0.0, TypeError, "expected to be a Tensor or None but got grad of type float"),
    (minigan.zeros(2), RuntimeError, r"gradient of size \[2\] to a tensor of size \[3\]"),
    (minigan.zeros(3, dtype=minigan.float64), RuntimeError, "float64 gradient on cpu to a float32 tensor"),
])
def test_assigning_a_wrong_grad_raises_at_the_assignment(value, error, message):
    w = minigan.zeros(3, requires_grad=True)
    with pytest.raises(error, match=message):
        w.grad = value
    assert w.grad is None
    w.grad = minigan.ones(3)
    assert w.grad.tolist() == [1.0, 1.0, 1.0]
    w.grad = None
    assert w.grad is None
