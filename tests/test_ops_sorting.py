"""sort, argsort and topk against NumPy written out plainly and PyTorch 2.14's values written out:
ties in their original order, NaN as the largest, values differentiable (through gather), indices int64."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigan

pytestmark = pytest.mark.filterwarnings("error")

T = [3.0, 1.0, 2.0, 1.0, 3.0, float("nan"), 1.0]


def test_sort_matches_pytorch_on_ties_and_nan_both_ways():
    t = minigan.tensor(T)
    up = minigan.sort(t)
    assert up.indices.tolist() == [1, 3, 6, 2, 0, 4, 5] and up.indices.dtype == np.int64
    assert up.values.tolist()[:6] == [1.0, 1.0, 1.0, 2.0, 3.0, 3.0] and np.isnan(up.values.tolist()[6])
    down = t.sort(descending=True)  # PyTorch: [5, 0, 4, 2, 1, 3, 6], NaN first, ties in order
    assert down.indices.tolist() == [5, 0, 4, 2, 1, 3, 6]
    assert t.sort(0, True, stable=True).indices.tolist() == [5, 0, 4, 2, 1, 3, 6]
    assert minigan.argsort(t, descending=True).tolist() == [5, 0, 4, 2, 1, 3, 6]
    assert t.argsort().tolist() == [1, 3, 6, 2, 0, 4, 5]
    values, indices = up  # a named tuple, as torch.return_types.sort
    assert type(up).__name__ == "sort" and indices is up.indices and values is up.values


def test_sort_of_ints_bools_and_a_scalar():
    assert minigan.sort(minigan.tensor([True, False, True])).indices.tolist() == [1, 0, 2]
    assert minigan.sort(minigan.tensor([2, 1])).values.tolist() == [1, 2]
    assert minigan.sort(minigan.tensor([0.0, -0.0, 0.0])).indices.tolist() == [0, 1, 2]  # -0 == 0: kept in order
    scalar = minigan.sort(minigan.tensor(3.0))
    assert scalar.values.item() == 3.0 and scalar.indices.item() == 0 and scalar.indices.ndim == 0


@given(st.integers(0, 3), st.booleans(), st.integers(0, 2**31 - 1))
def test_sort_along_each_dim_matches_a_plain_stable_sort(dim_pick, descending, seed):
    a = np.random.default_rng(seed).integers(0, 4, (3, 4, 5)).astype(np.float64)  # many ties
    dim = dim_pick - 1 if dim_pick < 3 else 2
    got = minigan.tensor(a).sort(dim, descending=descending)
    moved = np.moveaxis(a, dim, -1)
    want = np.empty(moved.shape, dtype=np.int64)
    for position in np.ndindex(moved.shape[:-1]):
        line = list(moved[position])
        # written out: order by value (largest first when descending), then by position
        want[position] = sorted(range(len(line)), key=lambda i: (-line[i] if descending else line[i], i))
    want = np.moveaxis(want, -1, dim)
    np.testing.assert_array_equal(got.indices.numpy(), want)
    np.testing.assert_array_equal(got.values.numpy(), np.take_along_axis(a, want, axis=dim))


def test_topk_values_indices_and_pytorch_errors():
    t = minigan.tensor(T)
    top = minigan.topk(t, 3)
    assert np.isnan(top.values.tolist()[0]) and top.values.tolist()[1:] == [3.0, 3.0]
    assert top.indices.tolist() == [5, 0, 4] and type(top).__name__ == "topk"
    low = t.topk(3, largest=False)
    assert low.values.tolist() == [1.0, 1.0, 1.0] and sorted(low.indices.tolist()) == [1, 3, 6]
    m = minigan.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 6.0]])
    assert m.topk(2, dim=0).values.tolist() == [[4.0, 5.0, 6.0], [1.0, 0.0, 2.0]]
    assert m.topk(1).indices.tolist() == [[1], [2]]
    for k in (8, -1):
        with pytest.raises(RuntimeError, match="selected index k out of range"):
            t.topk(k)


def test_sort_and_topk_gradients_go_where_the_values_came_from():
    x = minigan.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], requires_grad=True)
    values = x.sort(dim=1, descending=True).values  # [[3, 2, 1], [5, 4, 0]]
    (values * minigan.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [[1.0, 100.0, 10.0], [100.0, 1.0, 10.0]]
    y = minigan.tensor([1.0, 3.0, 2.0], requires_grad=True)
    (y.topk(2).values * minigan.tensor([2.0, 7.0])).sum().backward()
    assert y.grad.tolist() == [0.0, 2.0, 7.0]
    assert not x.sort().indices.requires_grad
