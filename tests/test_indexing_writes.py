"""index_add, index_copy, index_reduce, index_put, put, masked_scatter, select_scatter, slice_scatter,
diagonal_scatter and fill_diagonal_ (minigan/ops/indexed_writes.py, scatter_writes.py), against values
and messages written out by hand: each PyTorch value and message below was printed by torch 2.14.1
for the same call. Gradients are checked against their closed forms and by gradcheck."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minigan
from minigan import UnsupportedFeatureError
from minigan.gradcheck import gradcheck

pytestmark = pytest.mark.filterwarnings("error")


def T(values, dtype=None, requires_grad=False):
    return minigan.tensor(values, dtype=dtype, requires_grad=requires_grad)


def L(values):
    return minigan.tensor(values, dtype=minigan.int64)


def same(tensor, expected, dtype=np.float32):
    assert tensor.dtype == dtype and tensor.tolist() == expected


Z34 = [[0.0] * 4] * 3
MASK = [[True, False, True, False], [False, False, False, True], [True, True, False, False]]


# ------------------------------------------------------------------ index_add
def test_index_add_as_pytorch():
    same(minigan.index_add(minigan.zeros(3, 4), 0, L([0, 2]), minigan.ones(2, 4)),
         [[1.] * 4, [0.] * 4, [1.] * 4])
    # a repeated index adds once per time: row 1 gets rows 0 and 1 of source
    same(minigan.index_add(minigan.zeros(3, 4), 0, L([1, 1]), minigan.arange(8.).reshape(2, 4)),
         [[0.] * 4, [4., 6., 8., 10.], [0.] * 4])
    same(minigan.ones(3, 4).index_add(1, T([3, 0], dtype=minigan.int32), T([[1., 2.]] * 3), alpha=2.5),
         [[6., 1., 1., 3.5]] * 3)
    # an integer tensor takes alpha cast to its dtype, toward zero (-1.5 -> -1)
    same(minigan.index_add(L([1, 0]), 0, L([1]), L([3]), alpha=-1.5), [1, -3], np.int64)
    same(minigan.index_add(T([1, 250], dtype=minigan.uint8), 0, L([1, 1]), T([3, 4], dtype=minigan.uint8)),
         [1, 1], np.uint8)  # 250 + 3 + 4 wraps to 1
    bools = T([True, False])
    same(minigan.index_add(bools, 0, L([1]), T([True])), [True, True], np.bool_)
    same(minigan.index_add(bools, 0, L([1]), T([True]), alpha=0), [True, False], np.bool_)
    same(minigan.index_add(T(1.), 0, L([0]), T(5.)), 6.0)
    same(minigan.index_add(T(1.), -1, L(0), T(5.)), 6.0)
    same(minigan.index_add(minigan.zeros(3), 0, L(2), T([5.])), [0., 0., 5.])
    same(minigan.index_add(minigan.zeros(3, 4), 0, L([]), minigan.ones(0, 4)), Z34)


# ------------------------------------------------------------------ index_copy
def test_index_copy_as_pytorch():
    same(minigan.index_copy(minigan.zeros(3, 4), 0, L([0, 2]), T([[1.] * 4, [2.] * 4])),
         [[1.] * 4, [0.] * 4, [2.] * 4])
    same(minigan.zeros(3, 4).index_copy(1, L([3, 0]), T([[1., 2.], [3., 4.], [5., 6.]])),
         [[2., 0., 0., 1.], [4., 0., 0., 3.], [6., 0., 0., 5.]])
    same(minigan.index_copy(minigan.zeros(3, 4, dtype=minigan.int64), -1, L([3]), L([[7]] * 3)),
         [[0, 0, 0, 7]] * 3, np.int64)
    same(minigan.index_copy(T(1.), 0, L([0]), T(5.)), 5.0)
    same(minigan.index_copy(T(1.), 0, L([0]), T([5.])), 5.0)  # a scalar self takes a 1-element source
    same(minigan.index_copy(minigan.zeros(3), 0, L(1), T(5.)), [0., 5., 0.])
    same(minigan.index_copy(minigan.zeros(2, 3, 4), 2, L([3, 0]), minigan.arange(12.).reshape(2, 3, 2))[1],
         [[7., 0., 0., 6.], [9., 0., 0., 8.], [11., 0., 0., 10.]])


# ------------------------------------------------------------------ index_reduce
X = [[1., 2., 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.]]
S = [[2., -1., 5., 0.5], [3., 7., -2., 1.], [4., 0., 1., 2.]]
# PyTorch 2.14: torch.index_reduce(X, 0, [0, 2, 0], S, reduce, include_self=...); row 1 is never named
REDUCED = {
    ("prod", True): [[8., -0., 15., 4.], [5., 6., 7., 8.], [27., 70., -22., 12.]],
    ("prod", False): [[8., -0., 5., 1.], [5., 6., 7., 8.], [3., 7., -2., 1.]],
    ("mean", True): [[7 / 3, 1 / 3, 3., 6.5 / 3], [5., 6., 7., 8.], [6., 8.5, 4.5, 6.5]],
    ("mean", False): [[3., -0.5, 3., 1.25], [5., 6., 7., 8.], [3., 7., -2., 1.]],
    ("amax", True): [[4., 2., 5., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.]],
    ("amax", False): [[4., 0., 5., 2.], [5., 6., 7., 8.], [3., 7., -2., 1.]],
    ("amin", True): [[1., -1., 1., 0.5], [5., 6., 7., 8.], [3., 7., -2., 1.]],
    ("amin", False): [[2., -1., 1., 0.5], [5., 6., 7., 8.], [3., 7., -2., 1.]],
}


@pytest.mark.parametrize("reduce, include_self", list(REDUCED))
def test_index_reduce_as_pytorch(reduce, include_self):
    got = minigan.index_reduce(T(X), 0, L([0, 2, 0]), T(S), reduce, include_self=include_self)
    np.testing.assert_allclose(got.numpy(), np.array(REDUCED[reduce, include_self], np.float32), rtol=1e-6)
    assert got.dtype == np.float32


def test_index_reduce_integer_mean_rounds_down_as_pytorch():
    ints = minigan.arange(1, 13).reshape(3, 4)
    source = L([[2, -1, 5, 0], [3, 7, -2, 1], [4, 0, 1, 2]])
    same(minigan.index_reduce(ints, 0, L([0, 2, 0]), source, "mean"),
         [[2, 0, 3, 2], [5, 6, 7, 8], [6, 8, 4, 6]], np.int64)
    same(ints.index_reduce(0, L([0, 2, 0]), source, "mean", include_self=False),
         [[3, -1, 3, 1], [5, 6, 7, 8], [3, 7, -2, 1]], np.int64)
    same(minigan.index_reduce(L([[1]]), 0, L([0]), L([[-2]]), "mean"), [[-1]], np.int64)  # -1/2 -> -1


# ------------------------------------------------------------------ index_put and put
def test_index_put_as_pytorch():
    z = minigan.zeros(3, 4)
    same(minigan.index_put(z, (L([0, 2]), L([1, 3])), T([5., 6.])), [[0., 5., 0., 0.], [0.] * 4, [0., 0., 0., 6.]])
    same(minigan.index_put(z, (L([0, 2]),), T([5., 6., 7., 8.])), [[5., 6., 7., 8.], [0.] * 4, [5., 6., 7., 8.]])
    same(minigan.index_put(z, [L([-1]), L([-1])], T(9.)), [[0.] * 4, [0.] * 4, [0., 0., 0., 9.]])
    same(minigan.index_put(z, (T([True, False, True]),), T(9.)), [[9.] * 4, [0.] * 4, [9.] * 4])
    same(minigan.index_put(z, (T(MASK),), T([1., 2., 3., 4., 5.])),
         [[1., 0., 2., 0.], [0., 0., 0., 3.], [4., 5., 0., 0.]])
    same(minigan.index_put(z, (L([[0, 1], [2, 2]]), L([[0], [3]])), T(9.)),
         [[9., 0., 0., 0.], [9., 0., 0., 0.], [0., 0., 0., 9.]])
    same(minigan.index_put(z, (T([0], dtype=minigan.int32),), T(9.)), [[9.] * 4, [0.] * 4, [0.] * 4])
    # accumulate adds once per time an index repeats
    same(minigan.index_put(z, (L([0, 0, 2]), L([1, 1, 1])), T([1., 2., 3.]), accumulate=True),
         [[0., 3., 0., 0.], [0.] * 4, [0., 3., 0., 0.]])
    same(z.index_put((L([0, 0]),), T([1., 2., 3., 4.]), True), [[2., 4., 6., 8.], [0.] * 4, [0.] * 4])
    assert z.tolist() == Z34  # out of place
    assert minigan.index_put_(z, (L([1]),), T(2.)) is z and z.tolist() == [[0.] * 4, [2.] * 4, [0.] * 4]


def test_put_as_pytorch():
    same(minigan.zeros(2, 3).put(L([0, -1]), T([5., 6.])), [[5., 0., 0.], [0., 0., 6.]])
    same(minigan.put(minigan.zeros(2, 3), L([[0, 1]]), T([5., 6.])), [[5., 6., 0.], [0., 0., 0.]])
    same(minigan.zeros(2, 3).put(L(4), T(5.)), [[0., 0., 0.], [0., 5., 0.]])
    same(minigan.zeros(2, 3).put(L([0, 0, 5]), T([5., 6., 1.]), accumulate=True), [[11., 0., 0.], [0., 0., 1.]])
    x = minigan.zeros(2, 3, dtype=minigan.int64)
    assert x.put_(L([0, -1, 0]), L([5, 6, 7]), accumulate=True) is x
    same(x, [[12, 0, 0], [0, 0, 6]], np.int64)
    same(minigan.zeros(0).put(L([]), T([])), [])


# ------------------------------------------------------------------ masked_scatter
def test_masked_scatter_as_pytorch():
    expected = [[1., 0., 2., 0.], [0., 0., 0., 3.], [4., 5., 0., 0.]]
    same(minigan.masked_scatter(minigan.zeros(3, 4), T(MASK), minigan.arange(1., 13.).reshape(3, 4)), expected)
    same(minigan.masked_scatter(minigan.zeros(3, 4), T(MASK), minigan.arange(1., 7.)), expected)  # just enough
    same(minigan.masked_scatter(minigan.zeros(4), T(MASK), minigan.arange(1., 13.)), expected)  # self broadcast
    same(minigan.zeros(3, 4).masked_scatter(T([True, False, False, True]), minigan.arange(1., 13.)),
         [[1., 0., 0., 2.], [3., 0., 0., 4.], [5., 0., 0., 6.]])
    x = minigan.zeros(3, 4, dtype=minigan.int64)
    assert x.masked_scatter_(T(MASK), minigan.arange(1, 13).reshape(2, 6)) is x
    same(x, [[1, 0, 2, 0], [0, 0, 0, 3], [4, 5, 0, 0]], np.int64)


# ------------------------------------------------------------------ select, slice and diagonal scatters
def test_select_slice_and_diagonal_scatter_as_pytorch():
    z = minigan.zeros(3, 4)
    same(minigan.select_scatter(z, T([1., 2., 3., 4.]), 0, 1), [[0.] * 4, [1., 2., 3., 4.], [0.] * 4])
    same(z.select_scatter(T([1., 2., 3.]), 1, -1), [[0., 0., 0., 1.], [0., 0., 0., 2.], [0., 0., 0., 3.]])
    same(minigan.select_scatter(z, T([1., 2., 3., 4.]), 0, L(1)), [[0.] * 4, [1., 2., 3., 4.], [0.] * 4])
    # src is cast to self's dtype, as copy_ casts (toward zero for an integer self)
    same(minigan.select_scatter(z, L([1, 2, 3, 4]), 0, 2), [[0.] * 4, [0.] * 4, [1., 2., 3., 4.]])
    same(minigan.select_scatter(minigan.zeros(2, 2, dtype=minigan.int64), T([1.5, -4.5]), 0, 0), [[1, -4], [0, 0]],
         np.int64)
    same(minigan.slice_scatter(z, minigan.ones(2, 4), 0, 1), [[0.] * 4, [1.] * 4, [1.] * 4])
    same(z.slice_scatter(minigan.ones(3, 2), dim=1, start=1, step=2), [[0., 1., 0., 1.]] * 3)
    same(minigan.slice_scatter(z, minigan.ones(3, 2), 1, -2), [[0., 0., 1., 1.]] * 3)
    same(minigan.slice_scatter(z, minigan.ones(3, 2), 1, 0, -2), [[1., 1., 0., 0.]] * 3)
    same(minigan.slice_scatter(z, minigan.ones(3, 2), 1, 2, 100), [[0., 0., 1., 1.]] * 3)
    same(minigan.slice_scatter(z, minigan.ones(3, 0), 1, 3, 2), Z34)
    same(minigan.diagonal_scatter(z, T([1., 2., 3.]), 1), [[0., 1., 0., 0.], [0., 0., 2., 0.], [0., 0., 0., 3.]])
    same(z.diagonal_scatter(T([1., 2.]), -1), [[0.] * 4, [1., 0., 0., 0.], [0., 2., 0., 0.]])
    same(minigan.diagonal_scatter(z, minigan.ones(0), 5), Z34)
    # over dims (0, 2) of a (2, 3, 3) tensor the diagonal comes last: src is (3, 2), src[j, i] goes to [i, j, i]
    got = minigan.diagonal_scatter(minigan.zeros(2, 3, 3), minigan.arange(6.).reshape(3, 2), 0, 0, 2)
    same(got, [[[0., 0., 0.], [2., 0., 0.], [4., 0., 0.]], [[0., 1., 0.], [0., 3., 0.], [0., 5., 0.]]])
    assert z.tolist() == Z34


# ------------------------------------------------------------------ fill_diagonal_
@pytest.mark.parametrize("shape, wrap, ones", [
    ((3, 4), False, [(0, 0), (1, 1), (2, 2)]),
    ((7, 3), False, [(0, 0), (1, 1), (2, 2)]),
    ((7, 3), True, [(0, 0), (1, 1), (2, 2), (4, 0), (5, 1), (6, 2)]),  # starts again after a row gap
    ((8, 3), True, [(0, 0), (1, 1), (2, 2), (4, 0), (5, 1), (6, 2)]),
    ((3, 7), True, [(0, 0), (1, 1), (2, 2)]),
    ((2, 2, 2), False, [(0, 0, 0), (1, 1, 1)]),
    ((0, 3), False, []),
])
def test_fill_diagonal_places_as_pytorch(shape, wrap, ones):
    x = minigan.zeros(*shape)
    assert x.fill_diagonal_(5, wrap=wrap) is x
    expected = np.zeros(shape, np.float32)
    for place in ones:
        expected[place] = 5
    np.testing.assert_array_equal(x.numpy(), expected)


def test_fill_diagonal_values_as_pytorch():
    same(minigan.zeros(2, 2, dtype=minigan.int64).fill_diagonal_(2.7), [[2, 0], [0, 2]], np.int64)
    same(minigan.zeros(2, 2, dtype=minigan.uint8).fill_diagonal_(-1), [[255, 0], [0, 255]], np.uint8)
    same(minigan.zeros(2, 2).fill_diagonal_(T(2.)), [[2., 0.], [0., 2.]])
    same(minigan.zeros(2, 2, dtype=minigan.bool).fill_diagonal_(True), [[True, False], [False, True]], np.bool_)


# ------------------------------------------------------------------ in-place forms
INPLACE = [
    ("index_add_", lambda x, s: x.index_add_(0, L([1, 1]), s, alpha=3), [[0., 0., 0.], [6., 6., 6.]]),
    ("index_copy_", lambda x, s: x.index_copy_(-1, L([2, 0]), s), [[1., 0., 1.], [1., 0., 1.]]),
    ("index_reduce_", lambda x, s: x.index_reduce_(0, L([1, 1]), s + 1, "amax"), [[0., 0., 0.], [2., 2., 2.]]),
    ("index_put_", lambda x, s: x.index_put_((L([1]),), s[0]), [[0., 0., 0.], [1., 1., 1.]]),
    ("put_", lambda x, s: x.put_(L([0, -1]), s[0, :2]), [[1., 0., 0.], [0., 0., 1.]]),
    ("masked_scatter_", lambda x, s: x.masked_scatter_(T([True, False, True]), s), [[1., 0., 1.], [1., 0., 1.]]),
]


@pytest.mark.parametrize("name, write, expected", INPLACE, ids=[row[0] for row in INPLACE])
def test_in_place_forms_write_bump_the_version_and_follow_the_in_place_rules(name, write, expected):
    x, source = minigan.zeros(2, 3), minigan.ones(2, 3) if name != "index_copy_" else minigan.ones(2, 2)
    before = x._version
    assert write(x, source) is x and x.tolist() == expected and x._version == before + 1
    leaf = minigan.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^a leaf Variable that requires grad is being used in an in-place "):
        write(leaf, source)
    with minigan.no_grad():
        write(leaf, source)  # allowed where nothing is recorded
    assert leaf.tolist() == expected
    with pytest.raises(RuntimeError, match=rf"^{name}: in-place operations on a tensor with recorded history"):
        write(minigan.zeros(2, 3, requires_grad=True) * 1, source)
    with pytest.raises(RuntimeError, match=rf"^{name}: an in-place operation whose operand requires grad"):
        write(minigan.zeros(2, 3), source.clone().requires_grad_())


def test_fill_diagonal_in_place_rules():
    with pytest.raises(RuntimeError, match=r"^a leaf Variable that requires grad"):
        minigan.zeros(2, 2, requires_grad=True).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match=r"^fill_diagonal_: an in-place operation whose operand requires grad"):
        minigan.zeros(2, 2).fill_diagonal_(T(1., requires_grad=True))


def test_a_backward_notices_an_input_changed_by_an_in_place_write():
    a = T([1., 2.], requires_grad=True)
    x = minigan.ones(2)
    y = (a * x).sum()
    x.index_add_(0, L([0]), T([1.]))
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation"):
        y.backward()


# ------------------------------------------------------------------ gradients
W = np.array([[1., 2., 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.]])


def _grads(fn, *arrays):
    xs = [T(np.asarray(a, np.float64), requires_grad=True) for a in arrays]
    fn(*xs).backward(T(W))
    return [x.grad.numpy() for x in xs]


def test_index_add_gradients_are_the_upstream_and_its_picked_rows_times_alpha():
    grad_a, grad_s = _grads(lambda a, s: a.index_add(0, L([2, 0, 2]), s, alpha=1.5), np.zeros((3, 4)), np.ones((3, 4)))
    np.testing.assert_array_equal(grad_a, W)
    np.testing.assert_array_equal(grad_s, 1.5 * W[[2, 0, 2]])


def test_copies_give_no_gradient_to_the_places_they_overwrite():
    grad_a, grad_s = _grads(lambda a, s: a.index_copy(1, L([3, 0]), s), np.zeros((3, 4)), np.ones((3, 2)))
    np.testing.assert_array_equal(grad_a, W * [0., 1., 1., 0.])
    np.testing.assert_array_equal(grad_s, W[:, [3, 0]])
    grad_a, grad_v = _grads(lambda a, v: minigan.index_put(a, (L([0, 2]),), v), np.zeros((3, 4)), np.ones(4))
    np.testing.assert_array_equal(grad_a, W * [[0.], [1.], [0.]])
    np.testing.assert_array_equal(grad_v, W[0] + W[2])  # values broadcast over two rows: their gradients add
    grad_a, grad_s = _grads(lambda a, s: a.masked_scatter(T(MASK), s), np.zeros((3, 4)), np.ones(8))
    np.testing.assert_array_equal(grad_a, np.where(MASK, 0., W))
    np.testing.assert_array_equal(grad_s, [1., 3., 8., 9., 10., 0., 0., 0.])  # the last three are not read
    grad_a, grad_s = _grads(lambda a, s: a.diagonal_scatter(s, 1), np.zeros((3, 4)), np.ones(3))
    np.testing.assert_array_equal(grad_a, W * (1 - np.eye(3, 4, 1)))
    np.testing.assert_array_equal(grad_s, [2., 7., 12.])


def test_accumulated_writes_pass_the_whole_gradient_on():
    grad_a, grad_v = _grads(lambda a, v: a.index_put((L([0, 0, 2]), L([1, 1, 3])), v, accumulate=True),
                            np.zeros((3, 4)), np.ones(3))
    np.testing.assert_array_equal(grad_a, W)
    np.testing.assert_array_equal(grad_v, [2., 2., 12.])
    grad_a, grad_s = _grads(lambda a, s: a.put(L([-1, 5, 5]), s, accumulate=True), np.zeros((3, 4)), np.ones(3))
    np.testing.assert_array_equal(grad_a, W)
    np.testing.assert_array_equal(grad_s, [12., 6., 6.])


def test_a_source_of_another_float_dtype_gets_its_gradient_in_its_dtype():
    a = minigan.zeros(3, 4, requires_grad=True)
    s = T([1., 2., 3., 4.], dtype=minigan.float64, requires_grad=True)
    minigan.select_scatter(a, s, 0, 1).backward(T(W, dtype=minigan.float32))
    assert s.grad.dtype == np.float64 and s.grad.tolist() == [5., 6., 7., 8.]


@pytest.mark.parametrize("name, fn, shapes", [
    ("index_add", lambda a, s: a.index_add(1, L([0, 0, 3]), s, alpha=-2), ((2, 4), (2, 3))),
    ("index_copy", lambda a, s: a.index_copy(0, L([1]), s), ((3, 2), (1, 2))),
    ("index_reduce_mean", lambda a, s: a.index_reduce(0, L([1, 1, 0]), s, "mean"), ((2, 3), (3, 3))),
    ("index_put", lambda a, v: a.index_put((T([True, False]), L([2])), v), ((2, 3), ())),
    ("put_accumulate", lambda a, s: a.put(L([[0, 0], [5, 2]]), s, accumulate=True), ((2, 3), (2, 2))),
    ("masked_scatter", lambda a, s: a.masked_scatter(T([[True, False, True]]), s), ((2, 3), (2, 3))),
    ("slice_scatter", lambda a, s: a.slice_scatter(s, 1, None, None, 2), ((2, 3), (2, 2))),
])
def test_gradcheck(name, fn, shapes):
    rng = np.random.default_rng(3)
    inputs = [T(rng.standard_normal(shape), dtype=minigan.float64, requires_grad=True) for shape in shapes]
    assert gradcheck(fn, inputs)


# ------------------------------------------------------------------ against a NumPy loop
@settings(deadline=None, derandomize=True, max_examples=40)
@given(st.data())
def test_index_add_and_index_copy_are_numpy_loops(data):
    rows, columns = data.draw(st.integers(1, 5)), data.draw(st.integers(0, 3))
    count = data.draw(st.integers(0, rows))
    index = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=count, max_size=count)), np.int64)
    unique = np.array(data.draw(st.permutations(range(rows)))[:count], np.int64)
    values = hnp.arrays(np.float64, (count, columns), elements=st.floats(-10, 10))
    x, s = data.draw(hnp.arrays(np.float64, (rows, columns), elements=st.floats(-10, 10))), data.draw(values)
    added, copied = x.copy(), x.copy()
    for i in range(count):
        added[index[i]] += 2 * s[i]
        copied[unique[i]] = s[i]
    np.testing.assert_allclose(minigan.index_add(T(x), 0, L(index), T(s), alpha=2).numpy(), added, atol=1e-12)
    np.testing.assert_array_equal(minigan.index_copy(T(x), 0, L(unique), T(s)).numpy(), copied)


# ------------------------------------------------------------------ on the strict array-API device
def test_the_writes_and_their_gradients_on_the_strict_device():
    a = minigan.arange(12.).reshape(3, 4).to("strict").requires_grad_()
    s = minigan.ones(2, 4).to("strict").requires_grad_()
    index = L([0, 2]).to("strict")
    outs = [minigan.index_add(a, 0, index, s), minigan.index_copy(a, 0, index, s),
            minigan.index_put(a, (index,), s[0], accumulate=True), a.put(L([0, -1]).to("strict"), s[0, :2]),
            minigan.masked_scatter(a, T(MASK).to("strict"), s.reshape(-1)), minigan.diagonal_scatter(a, s[0, :3])]
    for out in outs:
        assert out.device == "strict"
        (out * T(W, dtype=minigan.float32).to("strict")).sum().backward()
    assert a.grad.device == "strict"
    x = minigan.zeros(2, 2).to("strict")
    x.fill_diagonal_(2.)
    assert x.tolist() == [[2., 0.], [0., 2.]]


# ------------------------------------------------------------------ errors, as PyTorch's
Z = minigan.zeros
ERRORS = [
    # index_add (and index_reduce, with the same checks)
    (lambda: minigan.index_add(Z(3, 4), 0, L([-1, 0]), Z(2, 4)), RuntimeError,
     "index -1 is out of bounds for dimension 0 with size 3"),
    (lambda: minigan.index_add(Z(3, 4), 0, L([0, 5, -7]), Z(3, 4)), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: minigan.index_add(Z(3), 0, L([3]), Z(1)), IndexError, "index out of range in self"),
    (lambda: minigan.index_add(Z(3, 4), 0, T([0., 1.]), Z(2, 4)), RuntimeError,
     "index_add_(): Expected dtype int32/int64 for index but got: Float"),
    (lambda: minigan.index_add(Z(3, 4), 0, L([[0, 1]]), Z(2, 4)), IndexError,
     "index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Long and size: [1, 2]"),
    (lambda: minigan.index_add(Z(3, 4), 0, L([0, 1]), Z(2, 3)), RuntimeError,
     "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = [3, 4] "
     "source.shape = [2, 3]"),
    (lambda: minigan.index_add(Z(3, 4), 0, L([0, 1]), Z(3, 4)), RuntimeError,
     "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0"),
    (lambda: minigan.index_add(Z(3, 4), 0, L([0, 1]), Z(2, 4, dtype=minigan.float64)), RuntimeError,
     "index_add_(): self (Float) and source (Double) must have the same scalar type"),
    (lambda: minigan.index_add(Z(3, 4), 2, L([0, 1]), Z(2, 4)), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda: minigan.index_add(Z(3, 4), 0, [0, 1], Z(2, 4)), TypeError,
     "index_add(): argument 'index' (position 3) must be Tensor, not list"),
    (lambda: minigan.index_reduce(Z(3, 4), 0, L([0, 3]), Z(2, 4), "prod"), IndexError, "index out of range in self"),
    (lambda: minigan.index_reduce(Z(3, 4), 0, L([0, 1]), Z(2, 4), "sum"), RuntimeError,
     "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got sum."),
    (lambda: minigan.index_reduce(Z(3, 4), 0, T([0., 1.]), Z(2, 4), "prod"), RuntimeError,
     "index_reduce_(): Expected dtype int32/int64 for index but got: Float"),
    # index_copy
    (lambda: minigan.index_copy(Z(3, 4), 0, L([0, 3]), Z(2, 4)), IndexError,
     "index_copy_(): index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: minigan.index_copy(Z(3, 4), 0, T([0, 1], dtype=minigan.int32), Z(2, 4)), RuntimeError,
     "index_copy_(): Expected a long tensor for index, but got Int"),
    (lambda: minigan.index_copy(Z(3, 4), 0, L([[0, 1]]), Z(2, 4)), IndexError,
     "index_copy_(): Index should have dimension 1 or 0 (got 2)"),
    (lambda: minigan.index_copy(Z(2, 3, 4), 1, L([0, 1]), Z(2, 2, 5)), RuntimeError,
     "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: 2 4 at "
     "dimension 1 and source slice shape: 2 5 at dimension 0."),
    (lambda: minigan.index_copy(Z(3, 4), 0, L([0, 1]), Z(3, 4)), IndexError,
     "index_copy_(): Number of indices (2) should be equal to source.size(dim) (3)"),
    (lambda: minigan.index_copy(Z(3, 4), 0, L([0, 1]), Z(2, 4, 1)), IndexError,
     "index_copy_(): When source and destination are not scalars, their dimensionality must match. Source "
     "dimensionality (3), destination dimensionality (2)"),
    (lambda: minigan.index_copy(Z(3, 4), 0, L([0, 1]), Z(2, 4, dtype=minigan.float64)), RuntimeError,
     "index_copy_(): self and source expected to have the same dtype, but got (self) Float and (source) Double"),
    # index_put
    (lambda: minigan.index_put(Z(3, 4), (L([3]),), T(9.)), IndexError,
     "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: minigan.index_put(Z(3, 4), (L([0]), L([-5])), T(9.)), IndexError,
     "index -5 is out of bounds for dimension 1 with size 4"),
    (lambda: minigan.index_put(Z(3, 4), (T([0.]),), T(9.)), IndexError,
     "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda: minigan.index_put(Z(3, 4), (T([True, False]),), T(9.)), IndexError,
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0"),
    (lambda: minigan.index_put(Z(3, 4), (L([0, 2]),), T([1., 2., 3.])), RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]"),
    (lambda: minigan.index_put(Z(3, 4), (L([0, 2]),), L([1, 2, 3, 4])), RuntimeError,
     "Index put requires the source and destination dtypes match, got Float for the destination and Long for the "
     "source."),
    (lambda: minigan.index_put(Z(3, 4), (L([0]), L([0]), L([0])), T(9.)), IndexError,
     "too many indices for tensor of dimension 2 (got 3)"),
    (lambda: minigan.index_put(Z(3, 4), (L([0, 1]), L([0, 1, 2])), T(9.)), IndexError,
     "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"),
    (lambda: minigan.index_put(Z(3, 4), L([0]), T(9.)), TypeError,
     "index_put(): argument 'indices' (position 2) must be tuple of Tensors, not Tensor"),
    (lambda: minigan.index_put(Z(3, 4), (None, L([0])), T(9.)), TypeError,
     "expected Tensor as element 0 in argument 1, but got NoneType"),
    (lambda: minigan.index_put(Z(3, 4), (T([1, 0, 1], dtype=minigan.uint8),), T(9.)), UnsupportedFeatureError,
     "index_put: a uint8 index mask (deprecated in PyTorch) is not supported by minigan; use a bool mask"),
    # put
    (lambda: Z(2, 3).put(L([6]), T([5.])), IndexError, "out of range: tried to access index 6 on a tensor of 6 elements."),
    (lambda: Z(2, 3).put(L([-7]), T([5.])), IndexError,
     "out of range: tried to access index -7 on a tensor of 6 elements."),
    (lambda: Z(2, 3).put(T([0.]), T([5.])), RuntimeError, "put_(): Expected a long tensor for index, but got Float"),
    (lambda: Z(2, 3).put(L([0, 1]), T([5.])), IndexError,
     "put_(): Expected source and index to have the same number of elements, but got source.numel() = 1, "
     "index.numel() = 2"),
    (lambda: Z(2, 3).put(L([0]), T([5.], dtype=minigan.float64)), RuntimeError,
     "put_(): self and source expected to have the same dtype, but got self.dtype = Float and source.dtype = Double"),
    (lambda: Z(0).put(L([0]), T([5.])), IndexError, "put_(): Tried to put elements into an empty tensor"),
    # masked_scatter
    (lambda: minigan.masked_scatter(Z(3, 4), T(MASK), minigan.arange(1., 4.)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    (lambda: minigan.masked_scatter(Z(3, 4), T([1., 0., 0., 1.]), Z(12)), RuntimeError,
     "masked_scatter_ only supports boolean masks, but got mask with dtype Float"),
    (lambda: minigan.masked_scatter(Z(3, 4), T(MASK), Z(12, dtype=minigan.float64)), RuntimeError,
     "masked_scatter: expected self and source to have same dtypes but gotFloat and Double"),
    (lambda: minigan.masked_scatter(Z(2, 1, 4), T([[True, False]] * 3), Z(12)), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 2"),
    (lambda: Z(3, 4).masked_scatter_(T([True, False]), Z(12)), RuntimeError,
     "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 1.  Target "
     "sizes: [3, 4].  Tensor sizes: [2]"),
    # select_scatter, slice_scatter, diagonal_scatter
    (lambda: minigan.select_scatter(Z(3, 4), Z(3), -1, -5), IndexError,
     "select(): index -5 out of range for tensor of size [3, 4] at dimension 1"),
    (lambda: minigan.select_scatter(Z(3, 4), Z(3), 0, 1), RuntimeError,
     "expected src to have a size equal to the slice of self. src size = [3], slice size = [4]"),
    (lambda: minigan.select_scatter(T(1.), T(2.), 0, 0), IndexError, "select() cannot be applied to a 0-dim tensor."),
    (lambda: minigan.select_scatter(Z(3, 4), Z(4), 0, 1.0), TypeError,
     "select_scatter(): argument 'index' (position 4) must be int, not float"),
    (lambda: minigan.slice_scatter(Z(3, 4), Z(1, 2), 1, 2), RuntimeError,
     "expected src to have a size equal to the slice of self. src size = [1, 2], slice size = [3, 2]"),
    (lambda: minigan.slice_scatter(Z(3, 4), Z(3, 2), 1, 0, None, -1), RuntimeError, "slice step must be positive"),
    (lambda: minigan.slice_scatter(T(1.), T(2.)), IndexError, "slice() cannot be applied to a 0-dim tensor."),
    (lambda: minigan.diagonal_scatter(Z(3, 4), T([1.])), RuntimeError,
     "expected src to have a size equal to the slice of self. src size = [1], slice size = [3]"),
    (lambda: minigan.diagonal_scatter(Z(3, 4), Z(3), 0, 1, -1), RuntimeError,
     "diagonal dimensions cannot be identical 1, -1"),
    (lambda: minigan.diagonal_scatter(Z(3), Z(3)), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    # fill_diagonal_
    (lambda: Z(2, 3, 2).fill_diagonal_(5), RuntimeError, "all dimensions of input must be of equal length"),
    (lambda: Z(3).fill_diagonal_(5), RuntimeError, "dimensions must larger than 1"),
    (lambda: Z(3, 3).fill_diagonal_(T([2.])), TypeError,
     "fill_diagonal_(): argument 'fill_value' (position 1) must be Number, not Tensor"),
    (lambda: Z(3, 3, dtype=minigan.int64).fill_diagonal_(float("nan")), RuntimeError,
     "value cannot be converted to type int64_t without overflow"),
]


@pytest.mark.parametrize("call, kind, message", ERRORS, ids=[row[2][:50] for row in ERRORS])
def test_errors_as_pytorch(call, kind, message):
    with pytest.raises(kind) as caught:
        call()
    assert str(caught.value) == message
