"""The graph machinery: topological order, accumulation, freeing, grad(), no_grad, dtypes,
numerics at extreme inputs, clear errors, and the gradient checker's own power."""
from __future__ import annotations

import threading

import numpy as np
import pytest

import minigan as mg
from minigan import Function
from minigan.gradcheck import GradcheckError, check_backward, gradcheck, gradgradcheck


def leaf(values, dtype=np.float64):
    return mg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# ---------------------------------------------------------------- graph shapes
def test_diamond_graph_sums_both_paths():
    x = leaf([1.5, -2.0])
    y = x * 3.0
    z = (y * y + y.exp()).sum()  # y feeds two branches that meet again
    z.backward()
    expected = 2 * 9.0 * x.array + 3.0 * np.exp(3.0 * x.array)
    np.testing.assert_allclose(x.grad.array, expected, rtol=1e-12)


def test_tensor_reused_many_times():
    x = leaf([0.5, 2.0, -1.0])
    total = x
    for _ in range(99):
        total = total + x
    total.sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.full(3, 100.0))


def test_self_multiplication_counts_both_operands():
    x = leaf([3.0])
    (x * x).sum().backward()
    assert x.grad.array[0] == 6.0


def test_ten_thousand_op_chain_has_no_recursion_limit():
    x = leaf(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.0
    y.backward()
    np.testing.assert_allclose(x.grad.array, 1.0001**10_000, rtol=1e-9)


def test_gradients_accumulate_over_two_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.array, 2 * x.array + 3.0)


def test_seed_gradient_is_not_aliased_into_leaf_grad():
    x = leaf([1.0, 2.0])
    seed = np.ones(2)
    (x + 0.0).backward(seed)
    (x + 0.0).backward(seed)  # accumulates in place into x.grad: must not write into seed
    np.testing.assert_array_equal(seed, np.ones(2))
    np.testing.assert_array_equal(x.grad.array, [2.0, 2.0])


def test_freed_graph_raises_a_clear_error():
    x = leaf([1.0, 2.0])
    y = (x.exp() * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp()).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.array, 2 * np.exp(x.array))


def test_inputs_that_need_no_gradient_are_skipped():
    calls = []

    class Spy(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad):
            calls.append(ctx.needs_input_grad)
            a, b = ctx.inputs
            return (grad * b if ctx.needs_input_grad[0] else None, None)

    x, constant = leaf([2.0]), mg.tensor(np.array([5.0]))
    Spy.apply(x, constant).sum().backward()
    assert calls == [(True, False)]
    assert constant.grad is None
    np.testing.assert_array_equal(x.grad.array, [5.0])


# ---------------------------------------------------------------- no_grad and detach
def test_no_grad_records_nothing_and_restores():
    x = leaf([1.0])
    with mg.no_grad():
        y = x * 2.0
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf


def test_no_grad_as_decorator():
    @mg.no_grad()
    def double(t):
        return t * 2.0

    assert not double(leaf([1.0])).requires_grad
    assert mg.is_grad_enabled()


def test_detach_stops_the_gradient():
    x = leaf([2.0])
    y = (x * x.detach()).sum()  # d/dx of x * c is c
    y.backward()
    np.testing.assert_array_equal(x.grad.array, [2.0])


# ---------------------------------------------------------------- functional grad
def test_grad_returns_gradients_without_touching_dot_grad():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (gx,) = mg.grad((x * w).sum(), x)
    np.testing.assert_array_equal(gx.array, w.array)
    assert x.grad is None and w.grad is None


def test_grad_of_unused_input():
    x, unused = leaf([1.0]), leaf([1.0])
    with pytest.raises(RuntimeError, match="input 1 .* not used.*allow_unused"):
        mg.grad((x * 2.0).sum(), [x, unused])
    gx, gu = mg.grad((x * 2.0).sum(), [x, unused], allow_unused=True)
    assert gu is None and gx.array[0] == 2.0


def test_grad_with_create_graph_gives_second_derivatives():
    x = leaf([0.5, -1.5])
    (first,) = mg.grad((x**3).sum(), x, create_graph=True)
    np.testing.assert_allclose(first.array, 3 * x.array**2)
    assert first.requires_grad
    (second,) = mg.grad(first.sum(), x)
    np.testing.assert_allclose(second.array, 6 * x.array)


def test_gradient_penalty_of_a_linear_critic_has_a_closed_form():
    # D(x) = x @ w: the gradient w.r.t. x is w for every row, so the penalty
    # mean((||w|| - 1)^2) has d/dw = 2 (||w|| - 1) w / ||w||.
    w = leaf([0.6, -1.2, 2.0])
    x = leaf(np.random.default_rng(0).standard_normal((5, 3)))
    (grad_x,) = mg.grad((x @ w).sum(), x, create_graph=True)
    penalty = (((grad_x * grad_x).sum(axis=1).sqrt() - 1.0) ** 2).mean()
    penalty.backward()
    norm = np.linalg.norm(w.array)
    np.testing.assert_allclose(penalty.item(), (norm - 1) ** 2)
    np.testing.assert_allclose(w.grad.array, 2 * (norm - 1) * w.array / norm, rtol=1e-12)


def test_grad_with_explicit_grad_outputs():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = mg.grad(x * x, x, grad_outputs=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(g.array, [2.0, 0.0, -6.0])


class _ScaleRecordingNeeds(Function):
    """f = x * w; records which input gradients each backward was asked for."""

    asked: list[tuple[bool, ...]] = []

    @staticmethod
    def forward(ctx, x, w):
        return x * w

    @staticmethod
    def backward(ctx, grad):
        _ScaleRecordingNeeds.asked.append(ctx.needs_input_grad)
        x, w = ctx.inputs
        return (grad * w if ctx.needs_input_grad[0] else None,
                grad * x if ctx.needs_input_grad[1] else None)


def test_grad_asks_backward_only_for_gradients_that_lead_to_the_wanted_inputs():
    # torch.autograd.grad computes no weight gradient when only the input's is wanted; the R1
    # penalty relies on it to skip D's weight gradients in its first backward.
    x, w = leaf([1.0, -2.0]), leaf([3.0, 0.5])
    out = _ScaleRecordingNeeds.apply(x, w).sum()
    _ScaleRecordingNeeds.asked.clear()
    (gx,) = mg.grad(out, x, retain_graph=True)
    np.testing.assert_array_equal(gx.array, w.array)
    out.backward()  # the retained graph still gives both gradients
    assert _ScaleRecordingNeeds.asked == [(True, False), (True, True)]
    np.testing.assert_array_equal(x.grad.array, w.array)
    np.testing.assert_array_equal(w.grad.array, x.array)


# ---------------------------------------------------------------- dtypes and bad input
def test_float32_is_the_default_and_scalars_keep_it():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.5 + 1).sigmoid()
    assert x.dtype == np.float32 and y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_float64_is_kept_everywhere():
    x = leaf([[1.0, 2.0]])
    y = (x @ x.T).log_softmax().exp().sum()
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float64


def test_mixed_precision_gradient_comes_back_in_the_leaf_dtype():
    x32 = mg.tensor([1.0, 2.0], requires_grad=True)
    x64 = leaf([3.0, 4.0])
    (x32 * x64).sum().backward()
    assert x32.grad.dtype == np.float32 and x64.grad.dtype == np.float64


def test_integer_data_makes_an_integer_tensor_that_cannot_require_grad():
    ints = mg.tensor(np.arange(3))
    assert ints.dtype == np.int64 and ints.tolist() == [0, 1, 2]
    assert mg.tensor([1, 2], dtype=np.int32).dtype == np.int32
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        mg.tensor(np.arange(3), requires_grad=True)
    with pytest.raises(TypeError, match="complex128.*shape \\(3,\\)"):
        mg.tensor(np.zeros(3, dtype=complex))


def test_shape_errors_name_the_shapes():
    a, b = mg.tensor(np.ones((2, 3))), mg.tensor(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 2\)"):
        a @ b
    with pytest.raises(RuntimeError, match=r"add: the size of tensor a \(3\) must match the size of tensor b \(2\) "
                                           r"at non-singleton dimension 1 \(shapes \(2, 3\) and \(4, 2\)\)"):
        a + b
    with pytest.raises(RuntimeError, match=r"at non-singleton dimension 2 \(shapes \(2, 3\) and \(4, 1, 2\)\)"):
        a * mg.ones(4, 1, 2)  # PyTorch's: the first mismatch from the right, in the broadcast shape
    with pytest.raises(RuntimeError, match=r"reshape: .*\(2, 3\).* into \(4,\)"):
        a.reshape(4)  # RuntimeError as in PyTorch, and ValueError as in NumPy


def test_backward_on_a_non_scalar_needs_a_gradient():
    y = leaf([1.0, 2.0]) * 2.0
    with pytest.raises(RuntimeError, match=r"one element.*shape \(2,\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"shape \(3,\).*shape \(2,\)"):
        y.backward(np.ones(3))


# ---------------------------------------------------------------- numerics at the extremes
@pytest.mark.parametrize("value", [1e4, -1e4])
def test_sigmoid_softplus_are_finite_at_large_inputs(value):
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        for dtype in (np.float32, np.float64):
            x = mg.tensor(np.array([value, 0.0, -value]), dtype=dtype, requires_grad=True)
            s, p = x.sigmoid(), x.softplus()
            (s.sum() + p.sum()).backward()
            assert np.all(np.isfinite(s.array)) and np.all(np.isfinite(p.array))
            assert np.all(np.isfinite(x.grad.array))
            np.testing.assert_allclose(s.array, [1.0 if value > 0 else 0.0, 0.5, 0.0 if value > 0 else 1.0])
            np.testing.assert_allclose(p.array[[0, 2]], [max(value, 0.0), max(-value, 0.0)])


def test_log_softmax_is_stable_for_large_logits():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        x = leaf([[1e4, 0.0, -1e4]])
        out = x.log_softmax()
        out.sum().backward()
        np.testing.assert_allclose(out.array, [[0.0, -1e4, -2e4]])
        assert np.all(np.isfinite(x.grad.array))


# ---------------------------------------------------------------- the checker is not toothless
class _SquareOffBy(Function):
    """f = a^2 with a backward scaled by ``factor`` (a deliberately wrong derivative)."""

    factor = 1.001

    @staticmethod
    def forward(ctx, a):
        return a * a

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.inputs[0] * (2.0 * _SquareOffBy.factor),)


def test_checker_rejects_a_backward_wrong_by_a_factor_of_1_001():
    x = leaf(np.random.default_rng(0).uniform(0.5, 2.0, (3, 4)))
    with pytest.raises(GradcheckError):
        gradcheck(_SquareOffBy.apply, [x])
    with pytest.raises(GradcheckError):
        check_backward(_SquareOffBy.apply, [x])


def test_checker_accepts_the_same_backward_when_it_is_right(monkeypatch):
    monkeypatch.setattr(_SquareOffBy, "factor", 1.0)
    x = leaf(np.random.default_rng(0).uniform(0.5, 2.0, (3, 4)))
    assert gradcheck(_SquareOffBy.apply, [x]).ok
    assert check_backward(_SquareOffBy.apply, [x]).ok


def test_gradgradcheck_rejects_a_wrong_second_derivative():
    class CubeWithWrongCurvature(Function):
        @staticmethod
        def forward(ctx, a):
            return a**3

        @staticmethod
        def backward(ctx, grad):
            a = ctx.inputs[0]
            # Right value 3a^2, but built from a detached copy of a: the graph of the
            # gradient misses the dependence on a, so the second derivative is wrong.
            return (grad * a.detach() * a.detach() * 3.0,)

    x = leaf([0.5, 1.5, -2.0])
    assert gradcheck(CubeWithWrongCurvature.apply, [x]).ok
    with pytest.raises(GradcheckError):
        gradgradcheck(CubeWithWrongCurvature.apply, [x])


def test_gradcheck_cli_prints_a_table_and_exits_zero(capsys):
    from minigan.gradcheck.__main__ import main

    assert main(["--op", "sigmoid", "--op", "matmul"]) == 0
    out = capsys.readouterr().out
    assert "sigmoid" in out and "matmul" in out and "FAIL" not in out
    assert main(["--list"]) == 0


def test_grad_mode_is_per_thread_no_grad_in_one_thread_leaves_another_recording():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    inside_no_grad = threading.Event()
    recorded = threading.Event()
    seen_in_worker = []

    def worker() -> None:
        with mg.no_grad():
            inside_no_grad.set()
            recorded.wait()
            seen_in_worker.append((mg.is_grad_enabled(), (x * 2.0).requires_grad))

    thread = threading.Thread(target=worker)
    thread.start()
    inside_no_grad.wait()
    y = x * 3.0  # the worker is inside no_grad() right now
    recorded.set()
    thread.join()
    assert mg.is_grad_enabled() and y.requires_grad and y.grad_fn.name() == "MulBackward"
    assert seen_in_worker == [(False, False)]


def test_a_new_thread_starts_with_recording_on_whatever_its_parent_has():
    seen = []
    with mg.no_grad():
        thread = threading.Thread(target=lambda: seen.append(mg.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_autograd_backward_sums_several_outputs_each_times_its_gradient_as_torch_autograd_backward():
    x = mg.tensor([1.0, 2.0, 3.0], dtype=np.float64, requires_grad=True)
    y1, y2 = x * x, x.sum()  # dy1/dx = 2x (diagonal), dy2/dx = 1
    g1 = np.array([1.0, 10.0, 100.0])
    mg.autograd.backward([y1, y2], [mg.tensor(g1, dtype=np.float64), None])
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * g1 + 1.0)
    mg.autograd.backward((x * 3.0).sum())  # one tensor, no gradient: adds 3 to each
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * g1 + 4.0)
    with pytest.raises(ValueError, match="2 grad_tensors for 1 tensors"):
        mg.autograd.backward([(x * 2.0).sum()], [None, None])
    with pytest.raises(TypeError, match="every tensor must be a Tensor, got list at 0"):
        mg.autograd.backward([[1.0]])


def test_data_is_a_tensor_sharing_memory_that_records_nothing():
    Tensor = mg.Tensor
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    view = w.data
    assert isinstance(view, Tensor) and not view.requires_grad and view.is_leaf
    view.array[0] = 5.0  # written through the view, seen by w: the memory is shared
    assert w.array.tolist() == [5.0, 2.0]
    w.data = Tensor(np.array([7.0, 8.0, 9.0]))  # assigning replaces the array, w stays w
    assert w.shape == (3,) and w.requires_grad
    with pytest.raises(TypeError, match="assigned data must be a Tensor"):
        w.data = [1.0]


def test_a_zero_dim_parameter_used_twice_gets_an_array_gradient_and_steps():
    e = mg.nn.Parameter(mg.tensor(1.0))
    x = mg.ones(5)
    (e * x + e * x).sum().backward()  # two contributions summed: 10
    assert isinstance(e.grad.numpy(), np.ndarray) and e.grad.item() == 10.0
    mg.optim.SGD([e], lr=0.1).step()
    assert e.item() == 0.0
