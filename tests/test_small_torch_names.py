"""Small PyTorch names: segment_reduce, binomial, the sym_* helpers, cond, while_loop and a few
Tensor methods. Expected values are written out by hand (or by plain NumPy) from PyTorch's rules."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan as torch
from minigan.gradcheck import gradcheck, gradgradcheck

INF, NAN = math.inf, math.nan


def f64(values, requires_grad=False):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def values_of(t):
    return np.asarray(t.detach().numpy())


# ---- segment_reduce -------------------------------------------------------------------------------

DATA = [1.0, 5.0, 2.0, 3.0, 3.0, 4.0]
LENGTHS = [2, 0, 3, 1]  # segments [1, 5], [], [2, 3, 3], [4]


@pytest.mark.parametrize("reduce, expected", [
    ("sum", [6.0, 0.0, 8.0, 4.0]),
    ("mean", [3.0, NAN, 8.0 / 3.0, 4.0]),
    ("max", [5.0, -INF, 3.0, 4.0]),
    ("min", [1.0, INF, 2.0, 4.0]),
    ("prod", [5.0, 1.0, 18.0, 4.0]),
])
def test_segment_reduce_values_and_empty_segments(reduce, expected):
    out = torch.segment_reduce(f64(DATA), reduce, lengths=torch.tensor(LENGTHS))
    assert out.dtype == torch.float64 and tuple(out.shape) == (4,)
    np.testing.assert_allclose(values_of(out), expected, rtol=1e-15)


@pytest.mark.parametrize("reduce, expected", [
    ("sum", [13.0, 7.0, 15.0, 11.0]),  # initial + sum
    ("mean", [6.5, 7.0, 5.0, 11.0]),  # (initial + sum) / length; an empty segment gives initial
    ("max", [7.0, 7.0, 7.0, 7.0]),
    ("min", [1.0, 7.0, 2.0, 4.0]),
    ("prod", [35.0, 7.0, 126.0, 28.0]),
])
def test_segment_reduce_initial(reduce, expected):
    out = torch.segment_reduce(f64(DATA), reduce, lengths=torch.tensor(LENGTHS), initial=7.0)
    np.testing.assert_allclose(values_of(out), expected, rtol=1e-15)


@pytest.mark.parametrize("reduce, expected", [
    ("sum", [1.0, 1.0, 3.0, 3.0, 3.0, 4.0]),
    ("mean", [0.5, 0.5, 1.0, 1.0, 1.0, 4.0]),
    ("max", [0.0, 1.0, 0.0, 1.5, 1.5, 4.0]),  # the tie 3, 3 shares the weight 3
    ("min", [1.0, 0.0, 3.0, 0.0, 0.0, 4.0]),
    ("prod", [5.0, 1.0, 27.0, 18.0, 18.0, 4.0]),  # weight times the product of the others
])
def test_segment_reduce_gradients(reduce, expected):
    x = f64(DATA, requires_grad=True)
    out = torch.segment_reduce(x, reduce, lengths=torch.tensor(LENGTHS))
    weights = f64([1.0, 2.0, 3.0, 4.0])
    (g,) = torch.grad((torch.where(torch.isinf(out) | torch.isnan(out), 0.0, out) * weights).sum(), x)
    np.testing.assert_allclose(values_of(g), expected, rtol=1e-15)


def test_segment_reduce_ties_leave_initial_out():
    x = f64([7.0, 1.0, 7.0, 2.0, 3.0], requires_grad=True)
    out = torch.segment_reduce(x, "max", lengths=torch.tensor([3, 2]), initial=7.0)
    np.testing.assert_array_equal(values_of(out), [7.0, 7.0])
    (g,) = torch.grad(out.sum(), x)
    np.testing.assert_array_equal(values_of(g), [0.5, 0.0, 0.5, 0.0, 0.0])  # initial takes no share
    x = f64([-INF, -INF, 1.0, -INF, -INF], requires_grad=True)
    (g,) = torch.grad(torch.segment_reduce(x, "max", lengths=torch.tensor([3, 2]))[1], x)
    np.testing.assert_array_equal(values_of(g), [0.0, 0.0, 0.0, 0.5, 0.5])


def test_segment_reduce_nan_is_the_maximum_and_takes_the_gradient():
    x = f64([NAN, NAN, 1.0, NAN, 2.0], requires_grad=True)
    out = torch.segment_reduce(x, "min", lengths=torch.tensor([3, 2]))
    assert np.isnan(values_of(out)).all()
    (g,) = torch.grad(out.sum(), x)
    np.testing.assert_array_equal(values_of(g), [0.5, 0.5, 0.0, 1.0, 0.0])


def test_segment_reduce_prod_gradient_at_zeros():
    x = f64([0.0, 2.0, 3.0, 0.0, 0.0, 4.0, 5.0], requires_grad=True)
    out = torch.segment_reduce(x, "prod", lengths=torch.tensor([3, 3, 1]))
    np.testing.assert_array_equal(values_of(out), [0.0, 0.0, 5.0])
    (g,) = torch.grad(out.sum(), x)
    np.testing.assert_array_equal(values_of(g), [6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])


def test_segment_reduce_offsets_axis_and_unsafe():
    m = np.arange(12.0).reshape(3, 4)
    out = torch.segment_reduce(f64(m), "sum", lengths=torch.tensor([1, 2]))
    np.testing.assert_array_equal(values_of(out), [m[0], m[1] + m[2]])
    rows = torch.tensor([[1, 3], [2, 2], [4, 0]])
    out = torch.segment_reduce(f64(m), "sum", lengths=rows, axis=1)
    np.testing.assert_array_equal(values_of(out), [[0.0, 6.0], [9.0, 13.0], [38.0, 0.0]])
    offsets = torch.tensor([[0, 1, 4], [0, 2, 4], [0, 4, 4]], dtype=torch.int32)
    np.testing.assert_array_equal(values_of(torch.segment_reduce(f64(m), "sum", offsets=offsets, axis=-1)),
                                  [[0.0, 6.0], [9.0, 13.0], [38.0, 0.0]])
    # offsets need not start at 0 nor reach the end: their differences are the lengths
    x = f64([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
    out = torch.segment_reduce(x, "max", offsets=torch.tensor([1, 3, 3, 4]))
    np.testing.assert_array_equal(values_of(out), [2.0, -INF, 3.0])  # lengths 2, 0, 1 from the start
    (g,) = torch.grad(torch.segment_reduce(x, "prod", lengths=torch.tensor([1, 2]), unsafe=True).sum(), x)
    np.testing.assert_array_equal(values_of(g), [1.0, 3.0, 2.0, 0.0, 0.0])  # past the segments: 0
    cube = np.arange(24.0).reshape(2, 3, 4) % 5
    out = torch.segment_reduce(f64(cube), "max", lengths=torch.tensor([[1, 2], [3, 0]]), axis=1)
    expected = [[cube[0, 0], cube[0, 1:].max(0)], [cube[1].max(0), [-INF] * 4]]
    np.testing.assert_array_equal(values_of(out), expected)


def test_segment_reduce_dtypes():
    out = torch.segment_reduce(torch.tensor([1.0, 2.0, 3.0]), "mean", lengths=torch.tensor([2, 1]), initial=2)
    assert out.dtype == torch.float32
    np.testing.assert_array_equal(values_of(out), [2.5, 5.0])
    half = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16)
    assert torch.segment_reduce(half, "sum", lengths=torch.tensor([3])).dtype == torch.float16


@pytest.mark.parametrize("call, error, message", [
    (lambda x: torch.segment_reduce(x, "sum"), RuntimeError, "Either lengths or offsets must be defined."),
    (lambda x: torch.segment_reduce(x, "sum", indices=torch.tensor([0])), RuntimeError,
     "indices based reduction is not supported yet."),
    (lambda x: torch.segment_reduce(x, "foo", lengths=torch.tensor([3])), RuntimeError,
     "reduce argument must be either sum, prod, mean, amax or amin, got foo"),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor([2, 2])), RuntimeError,
     "Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe."),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor([4, -1])), RuntimeError,
     "lengths contains negative value!"),
    (lambda x: torch.segment_reduce(x, "sum", offsets=torch.tensor([0, 2, 1, 3])), RuntimeError,
     "Expected segment_length >= 0 to be true, but got false."),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor(3)), RuntimeError,
     "Expected axis to be the last dimension of lengths but got 0."),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor([3]), axis=1), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor([3.0])), NotImplementedError,
     "\"_segment_reduce_lengths_cpu_kernel1\" not implemented for 'Float'"),
    (lambda x: torch.segment_reduce(x.long(), "sum", lengths=torch.tensor([3])), NotImplementedError,
     "\"_segment_reduce_cpu\" not implemented for 'Long'"),
    (lambda x: torch.segment_reduce(x, "sum", lengths=[3]), TypeError,
     "segment_reduce(): argument 'lengths' must be Tensor, not list"),
    (lambda x: torch.segment_reduce(x, 3, lengths=torch.tensor([3])), TypeError,
     "segment_reduce(): argument 'reduce' (position 2) must be str, not int"),
    (lambda x: torch.segment_reduce(x, "sum", lengths=torch.tensor([2, 2]), unsafe=True), RuntimeError,
     "the segments cover 4 elements along axis 0, more than data's 3"),
])
def test_segment_reduce_errors(call, error, message):
    with pytest.raises(error) as caught:
        call(torch.tensor([1.0, 2.0, 3.0]))
    assert message in str(caught.value)


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("initial", [None, 0.5])
def test_segment_reduce_gradcheck(reduce, initial):
    rng = np.random.default_rng(3)
    x = f64(rng.uniform(0.5, 2.0, (3, 7)), requires_grad=True)
    lengths = torch.tensor([[2, 0, 5], [1, 3, 3], [7, 0, 0]])

    def fn(t):
        out = torch.segment_reduce(t, reduce, lengths=lengths, axis=1, initial=initial)
        # without initial, the empty segments' NaN (mean) and infinities (max, min) are left out
        return out if initial is not None or reduce in ("sum", "prod") else out[lengths > 0]

    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


# ---- binomial ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, p", [(20.0, 0.3), (5.0, 0.9), (1000.0, 0.01)])
def test_binomial_mean_and_variance(n, p):
    draws = torch.binomial(torch.full((40000,), n), torch.full((40000,), p), generator=torch.Generator().manual_seed(7))
    assert draws.dtype == torch.float32 and tuple(draws.shape) == (40000,)
    x = values_of(draws).astype(np.float64)
    assert np.all((x >= 0) & (x <= n) & (x == np.floor(x)))
    mean, var = n * p, n * p * (1 - p)
    # the sample mean's standard error is sqrt(var / N); the sample variance's about var * sqrt(2 / N)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / x.size)
    assert abs(x.var() - var) < 5 * var * math.sqrt(2 / x.size) + 0.05 * var


def test_binomial_edges_and_broadcasting():
    count = torch.tensor([10.0, 10.0, 10.0, 10.0, 10.0, 0.0, -3.0])
    prob = torch.tensor([0.0, 1.0, 1.5, -0.5, NAN, NAN, 0.5])
    np.testing.assert_array_equal(values_of(torch.binomial(count, prob)), [0.0, 10.0, 10.0, 0.0, NAN, 0.0, 0.0])
    out = torch.binomial(torch.tensor([[10.0], [0.0]], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64))
    assert out.dtype == torch.float64
    np.testing.assert_array_equal(values_of(out), [[10.0, 0.0], [0.0, 0.0]])
    a = torch.binomial(torch.full((50,), 9.0), torch.full((50,), 0.5), generator=torch.Generator().manual_seed(3))
    b = torch.binomial(torch.full((50,), 9.0), torch.full((50,), 0.5), generator=torch.Generator().manual_seed(3))
    np.testing.assert_array_equal(values_of(a), values_of(b))


def test_binomial_has_no_derivative():
    y = torch.binomial(torch.tensor([10.0], requires_grad=True), torch.tensor([0.5]))
    assert y.requires_grad
    with pytest.raises(RuntimeError, match=r"^derivative for aten::binomial is not implemented$"):
        y.sum().backward()
    assert not torch.binomial(torch.tensor([10.0]), torch.tensor([0.5])).requires_grad


@pytest.mark.parametrize("count, prob, error, message", [
    (torch.tensor([10]), torch.tensor([0.5]), ValueError, "binomial only supports floating-point dtypes for count, got: Long"),
    (torch.tensor([10.0]), torch.tensor([1]), ValueError, "binomial only supports floating-point dtypes for prob, got: Long"),
    (torch.tensor([10.0], dtype=torch.float64), torch.tensor([0.5]), RuntimeError, "Found dtype Float but expected Double"),
    (torch.tensor([1.0], dtype=torch.float16), torch.tensor([0.5], dtype=torch.float16), NotImplementedError,
     "\"binomial_cpu\" not implemented for 'Half'"),
    (torch.ones(2), torch.ones(3), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    (torch.tensor([2.5]), torch.tensor([0.5]), ValueError, "count holds 2.5, not a whole number"),
    (torch.tensor([NAN]), torch.tensor([0.5]), ValueError, "count holds NaN or inf"),
    (torch.tensor([INF]), torch.tensor([0.5]), ValueError, "count holds NaN or inf"),
    (10.0, torch.tensor([0.5]), TypeError, "binomial(): argument 'count' (position 1) must be Tensor, not float"),
    (torch.tensor([10.0]), 0.5, TypeError, "binomial(): argument 'prob' (position 2) must be Tensor, not float"),
])
def test_binomial_errors(count, prob, error, message):
    with pytest.raises(error) as caught:
        torch.binomial(count, prob)
    assert message in str(caught.value)


# ---- sym_* helpers, is_storage --------------------------------------------------------------------

@pytest.mark.parametrize("call, expected", [
    (lambda: torch.sym_int(2.7), 2), (lambda: torch.sym_int(-2.7), -2), (lambda: torch.sym_int(True), 1),
    (lambda: torch.sym_float(3), 3.0), (lambda: torch.sym_float(True), 1.0),
    (lambda: torch.sym_max(2, 3.5), 3.5), (lambda: torch.sym_max(3, 2.5), 3.0), (lambda: torch.sym_max(True, 0), True),
    (lambda: torch.sym_max(1, True), 1), (lambda: torch.sym_min(3, 3.0), 3.0), (lambda: torch.sym_min(2, 3.5), 2.0),
    (lambda: torch.sym_max(1, NAN), 1.0), (lambda: torch.sym_not(0), True), (lambda: torch.sym_not(2.0), False),
    (lambda: torch.sym_sqrt(4), 2.0), (lambda: torch.sym_sum([1, 2, 3]), 6), (lambda: torch.sym_sum(1, 2, 3), 6),
    (lambda: torch.sym_sum([]), 0), (lambda: torch.sym_sum([1, 2.5]), 3.5), (lambda: torch.sym_sum([True, True]), 2),
    (lambda: torch.sym_ite(True, 1, 2), 1), (lambda: torch.sym_ite(False, "a", "b"), "b"),
])
def test_sym_helpers(call, expected):
    result = call()
    assert result == expected and type(result) is type(expected)


def test_sym_helpers_on_tensors_and_errors():
    assert torch.sym_int(torch.tensor(2.5)) == 2 and torch.sym_float(torch.tensor(2)) == 2.0
    assert torch.sym_not(torch.tensor(True)) is False and torch.sym_sqrt(torch.tensor(4.0)) == 2.0
    assert torch.sym_sum([torch.tensor(1), torch.tensor(2.0)]).item() == 3.0
    assert math.isnan(torch.sym_max(NAN, 1))
    with pytest.raises(AssertionError, match=r"got <class 'str'>$"):
        torch.sym_max(1, "a")
    with pytest.raises(AssertionError, match=r"^expected SymBool or bool, got <class 'int'>$"):
        torch.sym_ite(1, 1, 2)
    with pytest.raises(AssertionError, match=r"^type mismatch: <class 'int'> vs <class 'float'>$"):
        torch.sym_ite(False, 1, 2.0)
    with pytest.raises(OverflowError):
        torch.sym_int(INF)
    with pytest.raises(ValueError, match="math domain error"):
        torch.sym_sqrt(-1)
    assert torch.is_storage(torch.ones(2)) is False and torch.is_storage(None) is False


# ---- cond and while_loop --------------------------------------------------------------------------

def test_cond_picks_a_branch():
    x = torch.tensor([1.0, 2.0])
    for pred, expected in [(True, [2.0, 3.0]), (0.0, [0.0, 1.0]), (torch.tensor(True), [2.0, 3.0]),
                           (torch.tensor([False]), [0.0, 1.0])]:
        assert values_of(torch.cond(pred, lambda a: a + 1, lambda a: a - 1, (x,))).tolist() == expected
    assert torch.cond(False, lambda a, k: a * k, lambda a, k: a, [x, 2]).tolist() == [1.0, 2.0]
    assert torch.cond(True, lambda: 1, lambda: 2) == 1
    y = f64([1.0, 2.0], requires_grad=True)
    (g,) = torch.grad(torch.cond(True, lambda a: a * a, lambda a: a, (y,)).sum(), y)
    assert values_of(g).tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match=r"^Expected pred to be bool or single-element tensor, but got"):
        torch.cond(torch.tensor([True, False]), lambda a: a, lambda a: a, (x,))
    with pytest.raises(RuntimeError, match=r"^Expected pred to be bool or tensor, but got a\.$"):
        torch.cond("a", lambda a: a, lambda a: a, (x,))


def test_while_loop_runs_until_cond_fails():
    i, a = torch.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2), (torch.tensor(0), torch.tensor([1.0, 2.0])))
    assert i.item() == 3 and values_of(a).tolist() == [8.0, 16.0]
    assert torch.while_loop(lambda i: i < 3, lambda i: (i + 1,), (0,)) == (3,)
    result = torch.while_loop(lambda i: i < 0, lambda i: (i + 1,), [torch.tensor(5)])
    assert isinstance(result, list) and result[0].item() == 5
    y = f64([1.0, 2.0], requires_grad=True)
    _, out = torch.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * a), (torch.tensor(0), y))
    (g,) = torch.grad(out.sum(), y)
    assert values_of(g).tolist() == [4.0, 32.0]  # d(y^4)/dy = 4 y^3


@pytest.mark.parametrize("cond_fn, body_fn, carried, message", [
    (1, lambda i: (i + 1,), (torch.tensor(0),), "Expect cond_fn and body_fn to be callable."),
    (lambda i: torch.tensor([True, True]), lambda i: (i + 1,), (torch.tensor(0),),
     "Expected cond_fn to return a scalar tensor or a bool but got torch.Size([2])"),
    (lambda i: i.sum() < 3, lambda i: (torch.cat([i, i]),), (torch.tensor([1]),),
     "Expected body_fn_output and carried_inputs to have same metadata"),
    (lambda i: i < 3, lambda i: (i + 1.5,), (torch.tensor(0),),
     "Expected body_fn_output and carried_inputs to have same metadata"),
    (lambda i: i < 3, lambda i: (i + 1, i), (torch.tensor(0),), "body_fn returned 2 values for 1 carried inputs"),
    (lambda i: i < 3, lambda i: (i + 1,), torch.tensor(0), "carried_inputs must be a tuple or list"),
])
def test_while_loop_errors(cond_fn, body_fn, carried, message):
    with pytest.raises(RuntimeError) as caught:
        torch.while_loop(cond_fn, body_fn, carried)
    assert message in str(caught.value)


# ---- to_dense, as_subclass, empty_permuted --------------------------------------------------------

def test_to_dense_and_as_subclass():
    x = torch.tensor([1.0, 2.0])
    assert x.to_dense() is x and x.to_dense(dtype=torch.float32) is x and x.to_dense(masked_grad=True) is x
    copy = x.to_dense(torch.float64)
    assert copy.dtype == torch.float64 and values_of(copy).tolist() == [1.0, 2.0]

    class Marked(torch.Tensor):
        pass

    y = x.as_subclass(Marked)
    assert type(y) is Marked and y is not x
    y[0] = 5.0  # the same memory
    assert values_of(x).tolist() == [5.0, 2.0]
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (w * 1).as_subclass(Marked)
    assert z.requires_grad
    (z * z).sum().backward()
    assert values_of(w.grad).tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="does not inherit from Tensor"):
        x.as_subclass(int)


def test_empty_permuted():
    t = torch.empty_permuted((2, 3, 4), (0, 2, 1))
    assert tuple(t.shape) == (2, 3, 4) and t.dtype == torch.float32 and not t.requires_grad
    t = torch.empty_permuted([2, 3], [1, 0], dtype=torch.int64, requires_grad=False)
    assert tuple(t.shape) == (2, 3) and t.dtype == torch.int64
    assert torch.empty_permuted((2, 3), (1, 0), requires_grad=True).requires_grad
    assert tuple(torch.empty_permuted((), ()).shape) == ()


@pytest.mark.parametrize("size, layout, error, message", [
    ((2, 3, 4), (0, 1), RuntimeError, "len(size) = 3 is not equal to len(physical_layout) = 2"),
    ((2, 3, 4), (0, 1, 1), RuntimeError, "Duplicate dim not allowed"),
    ((2, 3, 4), (0, 1, 3), RuntimeError, "Dimension out of range (expected to be between 0 and 2, but got 3 at index 2)"),
    ((2, 3, 4), (0, 1, -1), RuntimeError, "but got -1 at index 2"),
    ((2, -3), (0, 1), RuntimeError, "Trying to create tensor with negative dimension -3: [2, -3]"),
    (3, (0,), TypeError, "empty_permuted(): argument 'size' (position 1) must be tuple of ints, not int"),
])
def test_empty_permuted_errors(size, layout, error, message):
    with pytest.raises(error) as caught:
        torch.empty_permuted(size, layout)
    assert message in str(caught.value)
    with pytest.raises(torch.UnsupportedFeatureError, match="pin_memory"):
        torch.empty_permuted((2,), (0,), pin_memory=True)


def test_segment_reduce_and_binomial_on_the_strict_test_device():
    x = torch.tensor(DATA, dtype=torch.float64, device="strict", requires_grad=True)
    out = torch.segment_reduce(x, "max", lengths=torch.tensor(LENGTHS, device="strict"), initial=4.0)
    assert out.device == "strict"
    np.testing.assert_array_equal(values_of(out.to("cpu")), [5.0, 4.0, 4.0, 4.0])
    (g,) = torch.grad(out.sum(), x)
    np.testing.assert_array_equal(values_of(g.to("cpu")), [0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    draws = torch.binomial(torch.full((3,), 4.0, device="strict"), torch.tensor([0.0, 1.0, 2.0], device="strict"))
    assert draws.device == "strict" and values_of(draws.to("cpu")).tolist() == [0.0, 4.0, 4.0]
