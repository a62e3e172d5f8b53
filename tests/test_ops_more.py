"""logsumexp, cumsum, cumprod, flip, roll, tril, triu, diag, outer, index_select, nonzero, lerp and
masked_fill(_), against NumPy written out plainly and PyTorch 2.14's values written out by hand."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan

pytestmark = pytest.mark.filterwarnings("error")

INF = float("inf")
floats = st.floats(-50, 50, allow_nan=False, width=64)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=floats), st.data())
def test_logsumexp_is_log_of_sum_of_exp_and_its_gradient_is_softmax(a, data):
    dim = data.draw(st.integers(0, a.ndim - 1))
    x = minigan.tensor(a, requires_grad=True)
    got = minigan.logsumexp(x, dim)
    np.testing.assert_allclose(got.numpy(), np.log(np.sum(np.exp(a), axis=dim)), rtol=1e-12, atol=1e-12)
    got.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(a) / np.sum(np.exp(a), axis=dim, keepdims=True), rtol=1e-10)


def test_logsumexp_is_stable_and_gives_pytorchs_values_at_infinities():
    with np.errstate(all="raise"):
        big = minigan.tensor([1000.0, 1000.0], dtype=minigan.float64)
        assert minigan.logsumexp(big, 0).item() == pytest.approx(1000.0 + math.log(2.0))
        rows = minigan.tensor([[1.0, -INF], [-INF, -INF]])
        assert minigan.logsumexp(rows, 1).tolist() == [1.0, -INF]  # PyTorch: tensor([1., -inf])
        assert minigan.logsumexp(minigan.tensor([INF, 1.0]), 0).item() == INF
        assert math.isnan(minigan.logsumexp(minigan.tensor([float("nan"), 1.0]), 0).item())
        assert minigan.logsumexp(minigan.zeros(2, 0), 1).tolist() == [-INF, -INF]
    assert minigan.logsumexp(minigan.tensor([1, 2, 3]), 0).dtype == np.float32  # PyTorch: 3.4076
    assert minigan.logsumexp(minigan.tensor([1, 2, 3]), 0).item() == pytest.approx(3.4076, abs=1e-4)
    assert minigan.zeros(2, 3).logsumexp((0, 1), keepdim=True).shape == (1, 1)
    assert minigan.zeros(2, 3).logsumexp((0, 1)).item() == pytest.approx(math.log(6.0))


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=st.floats(-2, 2)),
       st.data())
def test_cumsum_and_cumprod_match_running_totals_written_out(a, data):
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    moved = np.moveaxis(a, dim, -1)
    sums, prods = np.empty_like(moved), np.empty_like(moved)
    for position in np.ndindex(moved.shape[:-1]):
        total, product = 0.0, 1.0
        for j, value in enumerate(moved[position]):
            total, product = total + value, product * value
            sums[position + (j,)], prods[position + (j,)] = total, product
    np.testing.assert_allclose(minigan.cumsum(minigan.tensor(a), dim).numpy(), np.moveaxis(sums, -1, dim), atol=1e-12)
    np.testing.assert_allclose(minigan.tensor(a).cumprod(dim).numpy(), np.moveaxis(prods, -1, dim), atol=1e-12)


def test_cumsum_and_cumprod_dtypes_and_gradients_as_pytorchs():
    assert minigan.cumsum(minigan.tensor([1, 2, 3]), 0).tolist() == [1, 3, 6]
    assert minigan.tensor([True, True]).cumsum(0).dtype == np.int64
    assert minigan.tensor([1, 2, 3], dtype=minigan.int32).cumprod(0).dtype == np.int64
    assert minigan.tensor([1.0, 2.0]).cumsum(0, dtype=minigan.float64).dtype == np.float64
    with pytest.raises(IndexError, match="Dimension out of range"):
        minigan.tensor([1.0]).cumsum(1)
    x = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.cumsum(0) * minigan.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [111.0, 110.0, 100.0]  # the gradient summed from the end
    # PyTorch 2.14: cumprod([2, 0, 3, 0, 5]) with upstream [1, 2, 3, 4, 5] gives [1, 22, 0, 0, 0]
    z = minigan.tensor([2.0, 0.0, 3.0, 0.0, 5.0], requires_grad=True)
    z.cumprod(0).backward(minigan.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert z.grad.tolist() == [1.0, 22.0, 0.0, 0.0, 0.0]
    w = minigan.tensor([2.0, 0.0, 3.0], requires_grad=True)  # one zero: d/dw1 = 2 * (1 + 3) = 8
    w.cumprod(0).sum().backward()
    assert w.grad.tolist() == [1.0, 8.0, 0.0]


def test_flip_roll_and_triangles_as_pytorchs():
    a = minigan.arange(6).reshape(2, 3)
    assert minigan.flip(a, [0, 1]).tolist() == [[5, 4, 3], [2, 1, 0]] and a.flip(1).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert a.flip(0, 1).tolist() == [[5, 4, 3], [2, 1, 0]] and minigan.flip(a, ()).tolist() == a.tolist()
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        minigan.flip(a, (0, 0))
    assert minigan.roll(a, 1).tolist() == [[5, 0, 1], [2, 3, 4]]
    assert minigan.roll(a, 1, 1).tolist() == [[2, 0, 1], [5, 3, 4]]
    assert minigan.roll(a, (1, -1), (0, 1)).tolist() == [[4, 5, 3], [1, 2, 0]]
    assert a.roll(-4, 1).tolist() == [[1, 2, 0], [4, 5, 3]]
    with pytest.raises(RuntimeError, match="shifts and dimensions must align. shifts: 2, dims:1"):
        minigan.roll(a, (1, 2), 1)
    assert minigan.tril(a).tolist() == [[0, 0, 0], [3, 4, 0]] and minigan.triu(a, 1).tolist() == [[0, 1, 2], [0, 0, 5]]
    assert a.tril(-1).tolist() == [[0, 0, 0], [3, 0, 0]]
    batch = minigan.arange(24).reshape(2, 3, 4).triu(-1)
    assert batch[1].tolist() == [[12, 13, 14, 15], [16, 17, 18, 19], [0, 21, 22, 23]]
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dimensions"):
        minigan.tril(minigan.arange(3))


def test_diag_outer_index_select_and_nonzero_as_pytorchs():
    assert minigan.diag(minigan.tensor([1, 2]), 1).tolist() == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert minigan.tensor([1, 2]).diag(-1).tolist() == [[0, 0, 0], [1, 0, 0], [0, 2, 0]]
    a = minigan.arange(6).reshape(2, 3)
    assert a.diag().tolist() == [0, 4] and a.diag(1).tolist() == [1, 5] and a.diag(-1).tolist() == [3]
    assert a.diag(5).tolist() == []
    with pytest.raises(RuntimeError, match=r"diag\(\): Supports 1D or 2D tensors. Got 3D"):
        minigan.diag(minigan.zeros(2, 2, 2))
    assert minigan.outer(minigan.tensor([1, 2]), minigan.tensor([1.0, 2.0, 3.0])).tolist() == [[1, 2, 3], [2, 4, 6]]
    with pytest.raises(RuntimeError, match="outer: Expected 1-D argument self, but got 2-D"):
        minigan.outer(a, a)
    assert minigan.index_select(a, 1, minigan.tensor([2, 0, 2])).tolist() == [[2, 0, 2], [5, 3, 5]]
    assert a.index_select(0, minigan.tensor(1)).tolist() == [[3, 4, 5]]
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        a.index_select(1, minigan.tensor([[2]]))
    with pytest.raises(RuntimeError, match=r"Expected dtype int32 or int64 for index"):
        a.index_select(1, minigan.tensor([1.0]))
    with pytest.raises(RuntimeError, match="out of DATA bounds, id=3 axis_dim=3"):
        a.index_select(1, minigan.tensor([3]))
    x = minigan.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x.index_select(1, minigan.tensor([1, 1, 0])).sum().backward()
    assert x.grad.tolist() == [[1.0, 2.0], [1.0, 2.0]]  # column 1 read twice
    m = minigan.tensor([[0, 1], [2, 0]])
    assert minigan.nonzero(m).tolist() == [[0, 1], [1, 0]] and m.nonzero().dtype == np.int64
    rows, cols = minigan.nonzero(m, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert minigan.nonzero(minigan.tensor(3)).shape == (1, 0) and minigan.nonzero(minigan.tensor(0)).shape == (0, 0)
    assert [t.tolist() for t in minigan.tensor(3).nonzero(as_tuple=True)] == [[0]]
    assert minigan.tensor([0.0, float("nan")]).nonzero().tolist() == [[1]]


def test_lerp_as_pytorchs():
    start, end = minigan.tensor([0.0, 1.0]), minigan.tensor([10.0, 10.0])
    assert minigan.lerp(start, end, 0.5).tolist() == [5.0, 5.5]
    assert start.lerp(end, minigan.tensor([0.5, 2.0])).tolist() == [5.0, 19.0]
    assert minigan.lerp(minigan.tensor([0.1]), minigan.tensor([0.7]), 1.0).tolist() == [np.float32(0.7)]  # end exactly
    with pytest.raises(RuntimeError, match="expected dtype float32 for `end` but got dtype float64"):
        minigan.lerp(start, end.double(), 0.5)
    a, b = minigan.tensor([1.0], requires_grad=True), minigan.tensor([3.0], requires_grad=True)
    minigan.lerp(a, b, 0.25).sum().backward()
    assert a.grad.tolist() == [0.75] and b.grad.tolist() == [0.25]


def test_masked_fill_as_pytorchs():
    x = minigan.zeros(2, 3)
    mask = minigan.tensor([True, False, True])
    assert x.masked_fill(mask, 5).tolist() == [[5, 0, 5], [5, 0, 5]]
    assert minigan.masked_fill(minigan.zeros(3), minigan.ones(2, 3, dtype=minigan.bool), 1).shape == (2, 3)
    assert minigan.zeros(3, dtype=minigan.int64).masked_fill(mask, 2.7).tolist() == [2, 0, 2]
    assert x.masked_fill(mask, minigan.tensor(5.0, dtype=minigan.float64)).dtype == np.float32
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks, but got mask with dtype int64"):
        x.masked_fill(minigan.tensor([1, 0, 1]), 5)
    with pytest.raises(RuntimeError, match="only supports a 0-dimensional value tensor, but got tensor with 1 dim"):
        x.masked_fill(mask, minigan.tensor([5.0, 6.0]))
    v, w = minigan.tensor(2.0, requires_grad=True), minigan.ones(3, requires_grad=True)
    w.masked_fill(mask, v).sum().backward()  # PyTorch: v.grad 2, w.grad [0, 1, 0]
    assert v.grad.item() == 2.0 and w.grad.tolist() == [0.0, 1.0, 0.0]


def test_masked_fill_in_place_follows_the_in_place_rules():
    z = minigan.zeros(3)
    assert z.masked_fill_(minigan.tensor([True, False, True]), 2.0) is z and z.tolist() == [2.0, 0.0, 2.0]
    assert z._version == 1
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
        minigan.zeros(3).masked_fill_(minigan.ones(2, 3, dtype=minigan.bool), 1)
    leaf = minigan.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        leaf.masked_fill_(minigan.tensor([True, False, True]), 1.0)
    with minigan.no_grad():
        leaf.masked_fill_(minigan.tensor([True, False, True]), 1.0)
    assert leaf.tolist() == [1.0, 0.0, 1.0]


def test_the_new_names_are_no_longer_listed_as_unsupported():
    x = minigan.ones(2, 2)
    for name in ("logsumexp", "cumsum", "cumprod", "sort", "argsort", "topk", "flip", "roll", "tril", "triu", "diag",
                 "outer", "index_select", "nonzero", "lerp", "masked_fill", "randperm", "bernoulli", "multinomial"):
        assert callable(getattr(minigan, name))
    for name in ("logsumexp", "cumsum", "cumprod", "sort", "argsort", "topk", "flip", "roll", "tril", "triu", "diag",
                 "outer", "index_select", "nonzero", "lerp", "masked_fill", "masked_fill_", "bernoulli", "multinomial"):
        assert callable(getattr(x, name))
