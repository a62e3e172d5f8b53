"""torch's tensor builders (meshgrid, broadcast_tensors, broadcast_shapes, atleast_1d/2d/3d,
block_diag, cartesian_prod, chain_matmul, kron: minigan/ops/builders.py) against NumPy written out
and PyTorch 2.14's values written out by hand; the in-place fills bernoulli_, exponential_ and
random_ (minigan/autograd/inplace_random.py) against their distributions' closed forms at fixed
seeds; pow_ and resize_ (minigan/autograd/inplace_math.py) against PyTorch's values and rules."""
import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan
import minigan.functional as functional

pytestmark = pytest.mark.filterwarnings("error")

floats = st.floats(-10, 10, allow_nan=False, width=64)
MESHGRID_WARNING = "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."


def _vectors(max_count=3):
    return st.lists(hnp.arrays(np.float64, st.integers(0, 4).map(lambda n: (n,) if n else ()), elements=floats),
                    min_size=1, max_size=max_count)


# ====================================================================== the builders
def test_meshgrid_ij_and_xy_as_pytorch():
    a, b = minigan.tensor([1.0, 2.0, 3.0]), minigan.tensor([4.0, 5.0])
    with pytest.warns(UserWarning, match=MESHGRID_WARNING):
        x, y = minigan.meshgrid(a, b)  # 'ij', with PyTorch's warning
    assert x.tolist() == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]] and y.tolist() == [[4.0, 5.0]] * 3
    x, y = minigan.meshgrid(a, b, indexing="xy")
    assert x.tolist() == [[1.0, 2.0, 3.0]] * 2 and y.tolist() == [[4.0, 4.0, 4.0], [5.0, 5.0, 5.0]]
    assert [t.shape for t in minigan.meshgrid(a, b, minigan.ones(4), indexing="xy")] == [(2, 3, 4)] * 3
    assert [t.shape for t in minigan.meshgrid([a, b], indexing="ij")] == [(3, 2)] * 2
    assert [t.tolist() for t in minigan.meshgrid(minigan.tensor(1.0), b, indexing="ij")] == [[[1.0, 1.0]], [[4.0, 5.0]]]
    assert [t.tolist() for t in minigan.meshgrid(a, indexing="xy")] == [[1.0, 2.0, 3.0]]
    with pytest.raises(RuntimeError, match='indexing must be one of "xy" or "ij", but received: ji'):
        minigan.meshgrid(a, b, indexing="ji")
    with pytest.raises(RuntimeError, match="meshgrid expects a non-empty TensorList"):
        minigan.meshgrid(indexing="ij")
    with pytest.raises(RuntimeError, match="Expected 0D or 1D tensor in the tensor list"):
        minigan.meshgrid(a, minigan.ones(2, 2), indexing="ij")
    with pytest.raises(RuntimeError, match="meshgrid expects all tensors to have the same dtype"):
        minigan.meshgrid(a, minigan.tensor([1, 2]), indexing="ij")
    with pytest.raises(TypeError, match="expected a Tensor as element 1 in argument 0, but got list"):
        minigan.meshgrid(a, [1, 2], indexing="ij")


@given(_vectors(), st.sampled_from(["ij", "xy"]))
def test_meshgrid_is_numpys(arrays, indexing):
    got = minigan.meshgrid(*[minigan.tensor(v) for v in arrays], indexing=indexing)
    expected = np.meshgrid(*[v.reshape(-1) for v in arrays], indexing=indexing)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.numpy(), e)


def test_broadcast_tensors_and_shapes_as_pytorch():
    u, w = minigan.broadcast_tensors(minigan.ones(3, 1), minigan.ones(4))
    assert u.shape == w.shape == (3, 4) and minigan.broadcast_tensors() == ()
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(4\\) at "
                                           "non-singleton dimension 0"):
        minigan.broadcast_tensors(minigan.ones(3), minigan.ones(4))
    with pytest.raises(TypeError, match="expected a Tensor as element 0 in argument 0, but got list"):
        minigan.broadcast_tensors([minigan.ones(3)])  # PyTorch takes no list here
    assert minigan.broadcast_shapes(2, (3, 1)) == (3, 2) and minigan.broadcast_shapes((0, 1), (1, 4)) == (0, 4)
    assert minigan.broadcast_shapes() == () and minigan.broadcast_shapes([2, 1], [3]) == (2, 3)
    assert isinstance(minigan.broadcast_shapes((2, 1), (3,)), minigan.Size)  # as torch.Size
    with pytest.raises(RuntimeError, match=r"Attempting to broadcast a dimension of length 4 at -2! Mismatching "
                                           r"argument at index 1 had \(4, 5\); but expected shape should be "
                                           r"broadcastable to \[3, 5\]"):
        minigan.broadcast_shapes((3, 1), (4, 5))
    with pytest.raises(ValueError, match="Attempting to broadcast a dimension with negative length!"):
        minigan.broadcast_shapes((-1,), (4,))


@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4, max_side=3), st.data())
def test_broadcast_tensors_and_shapes_are_numpys(shapes, data):
    arrays = [data.draw(hnp.arrays(np.float64, s, elements=floats)) for s in shapes.input_shapes]
    assert minigan.broadcast_shapes(*shapes.input_shapes) == np.broadcast_shapes(*shapes.input_shapes)
    for got, expected in zip(minigan.broadcast_tensors(*[minigan.tensor(a) for a in arrays]),
                             np.broadcast_arrays(*arrays)):
        np.testing.assert_array_equal(got.numpy(), expected)


@given(hnp.array_shapes(min_dims=0, max_dims=4, max_side=3), st.sampled_from([1, 2, 3]))
def test_atleast_nd_gives_numpys_shapes_and_keeps_a_tensor_already_there(shape, n):
    x = minigan.ones(shape)
    f = getattr(minigan, f"atleast_{n}d")
    expected = getattr(np, f"atleast_{n}d")(np.ones(shape)).shape
    assert f(x).shape == expected
    assert (f(x) is x) == (len(shape) >= n)  # as PyTorch: the same tensor when it already has the rank
    assert [t.shape for t in f(x, x)] == [t.shape for t in f([x, x])] == [expected] * 2


def test_atleast_nd_forms_as_pytorch():
    x0 = minigan.tensor(5.0)
    assert minigan.atleast_3d(minigan.arange(3.0)).shape == (1, 3, 1)
    assert minigan.atleast_3d(minigan.ones(2, 3)).shape == (2, 3, 1)
    assert minigan.atleast_1d() == () and [t.tolist() for t in minigan.atleast_2d([x0])] == [[[5.0]]]
    with pytest.raises(TypeError, match="expected a Tensor as element 0"):
        minigan.atleast_1d(3.0)


def _block_diag_by_hand(blocks):
    matrices = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]
    out = np.zeros((sum(m.shape[0] for m in matrices), sum(m.shape[1] for m in matrices)))
    row = column = 0
    for m in matrices:
        out[row:row + m.shape[0], column:column + m.shape[1]] = m
        row, column = row + m.shape[0], column + m.shape[1]
    return out


@given(st.lists(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
                           elements=floats), min_size=1, max_size=3))
def test_block_diag_places_the_blocks_on_the_diagonal(blocks):
    got = minigan.block_diag(*[minigan.tensor(b) for b in blocks])
    np.testing.assert_array_equal(got.numpy(), _block_diag_by_hand(blocks))


def test_block_diag_as_pytorch():
    got = minigan.block_diag(minigan.tensor([[1, 2], [3, 4]]), minigan.tensor(5), minigan.tensor([6, 7]))
    assert got.dtype == np.int64
    assert got.tolist() == [[1, 2, 0, 0, 0], [3, 4, 0, 0, 0], [0, 0, 5, 0, 0], [0, 0, 0, 6, 7]]
    mixed = minigan.block_diag(minigan.tensor([[1, 2]]), minigan.tensor([0.5]))
    assert mixed.dtype == np.float32 and mixed.tolist() == [[1.0, 2.0, 0.0], [0.0, 0.0, 0.5]]
    assert minigan.block_diag().shape == (1, 0) and minigan.block_diag().dtype == np.float32
    assert minigan.block_diag(minigan.ones(0, 2), minigan.ones(2, 0)).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions"):
        minigan.block_diag(minigan.ones(2), minigan.ones(1, 1, 1))


@given(st.lists(hnp.arrays(np.float64, st.integers(0, 3).map(lambda n: (n,)), elements=floats), min_size=2, max_size=3))
def test_cartesian_prod_lists_every_tuple_in_order(vectors):
    got = minigan.cartesian_prod(*[minigan.tensor(v) for v in vectors])
    expected = np.array(list(itertools.product(*vectors))).reshape(-1, len(vectors))
    np.testing.assert_array_equal(got.numpy(), expected)


def test_cartesian_prod_as_pytorch():
    got = minigan.cartesian_prod(minigan.tensor([1, 2]), minigan.tensor([3]), minigan.tensor([4, 5]))
    assert got.tolist() == [[1, 3, 4], [1, 3, 5], [2, 3, 4], [2, 3, 5]] and got.dtype == np.int64
    t = minigan.tensor([1, 2])
    assert minigan.cartesian_prod(t) is t
    with pytest.raises(RuntimeError, match=r"Expect a 1D vector, but got shape \[\]"):
        minigan.cartesian_prod(minigan.tensor(1.0), minigan.ones(2))
    with pytest.raises(RuntimeError, match="meshgrid expects all tensors to have the same dtype"):
        minigan.cartesian_prod(t, minigan.tensor([0.5]))


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), elements=floats),
       hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), elements=floats))
def test_kron_is_numpys(a, b):
    got = minigan.kron(minigan.tensor(a), minigan.tensor(b))
    np.testing.assert_allclose(got.numpy(), np.kron(a, b), rtol=1e-15, atol=0)
    assert got.shape == np.kron(a, b).shape


def test_kron_as_pytorch():
    a, b = minigan.tensor([[1.0, 2.0], [3.0, 4.0]]), minigan.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    assert minigan.kron(a, b).tolist() == [[0, 1, 0, 2], [1, 0, 2, 0], [2, 2, 4, 4], [0, 3, 0, 4], [3, 0, 4, 0],
                                           [6, 6, 8, 8]]
    assert minigan.kron(minigan.ones(2, 3, 1), minigan.ones(4, 5)).shape == (2, 12, 5)
    assert minigan.kron(minigan.tensor([1, 2]), minigan.tensor([3, 4])).tolist() == [3, 4, 6, 8]
    assert minigan.kron(minigan.tensor([1, 2]), minigan.tensor([0.5])).dtype == np.float32
    assert minigan.tensor([1.0, 2.0]).kron(minigan.tensor([1.0, -1.0])).tolist() == [1.0, -1.0, 2.0, -2.0]
    out = minigan.empty(4)
    assert minigan.kron(minigan.tensor([1.0, 2.0]), minigan.tensor([1.0, -1.0]), out=out) is out
    assert out.tolist() == [1.0, -1.0, 2.0, -2.0]
    with pytest.raises(TypeError, match="expected a Tensor as argument 'other' \\(position 2\\), but got int"):
        minigan.kron(minigan.tensor([1.0, 2.0]), 2)


def test_chain_matmul_warns_as_pytorch_and_multiplies_in_order():
    a, b, c = minigan.arange(6.0).reshape(2, 3), minigan.arange(12.0).reshape(3, 4), minigan.arange(8.0).reshape(4, 2)
    with pytest.warns(UserWarning, match="torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                                         "release. Use torch.linalg.multi_dot instead"):
        assert minigan.chain_matmul(a, b, c).tolist() == [[324.0, 422.0], [1008.0, 1304.0]]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        one = minigan.chain_matmul(a)
        assert one is not a and one.tolist() == a.tolist()  # a copy, as PyTorch's
        with pytest.raises(RuntimeError, match="Tensor dimension is 1, expected 2 instead."):
            minigan.chain_matmul(minigan.ones(3), b)
        with pytest.raises(RuntimeError, match="chain_matmul\\(\\): Expected one or more matrices"):
            minigan.chain_matmul()


def test_builder_gradients_are_pytorchs():
    # PyTorch 2.14: each loss backward, the gradients written out
    a = minigan.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = minigan.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], requires_grad=True)
    (minigan.kron(a, b) * minigan.arange(24.0).reshape(6, 4)).sum().backward()
    assert a.grad.tolist() == [[39.0, 51.0], [111.0, 123.0]]
    assert b.grad.tolist() == [[96.0, 106.0], [136.0, 146.0], [176.0, 186.0]]
    x, y = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True), minigan.tensor([4.0, 5.0], requires_grad=True)
    gx, gy = minigan.meshgrid(x, y, indexing="xy")
    weights = minigan.arange(6.0).reshape(2, 3)
    (gx * weights + gy * gy * weights).sum().backward()
    assert x.grad.tolist() == [3.0, 5.0, 7.0] and y.grad.tolist() == [24.0, 120.0]
    p, q = minigan.tensor([1.0, 2.0], requires_grad=True), minigan.tensor([3.0, 4.0, 5.0], requires_grad=True)
    (minigan.cartesian_prod(p, q) * minigan.arange(12.0).reshape(6, 2)).sum().backward()
    assert p.grad.tolist() == [6.0, 24.0] and q.grad.tolist() == [8.0, 12.0, 16.0]
    m, s, v = (minigan.tensor(value, requires_grad=True) for value in ([[1.0, 2.0], [3.0, 4.0]], 5.0, [6.0, 7.0]))
    (minigan.block_diag(m, s, v) * minigan.arange(20.0).reshape(4, 5)).sum().backward()
    assert m.grad.tolist() == [[0.0, 1.0], [5.0, 6.0]] and s.grad.item() == 12.0 and v.grad.tolist() == [18.0, 19.0]
    u, w = minigan.tensor([[1.0], [2.0], [3.0]], requires_grad=True), minigan.tensor([10.0, 20.0, 30.0, 40.0],
                                                                                     requires_grad=True)
    bu, bw = minigan.broadcast_tensors(u, w)
    (bu * bw).sum().backward()
    assert u.grad.tolist() == [[100.0], [100.0], [100.0]] and w.grad.tolist() == [6.0] * 4
    # a second derivative: d/dB of sum(d/dA sum(kron(A, B)^2))
    a = minigan.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = minigan.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], requires_grad=True)
    (g,) = minigan.grad((minigan.kron(a, b) ** 2).sum(), a, create_graph=True)
    g.sum().backward()
    assert b.grad.tolist() == [[0.0, 40.0], [40.0, 0.0], [80.0, 80.0]]


def test_torch_functional_has_the_builders():
    for name in ("meshgrid", "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d",
                 "block_diag", "cartesian_prod", "chain_matmul"):
        assert getattr(functional, name) is getattr(minigan, name)


# ====================================================================== in-place random fills
def _seeded(seed):
    return minigan.Generator().manual_seed(seed)


def test_bernoulli_fill_has_mean_p_and_keeps_the_dtype():
    draws = minigan.empty(200_000, dtype=minigan.float64).bernoulli_(0.3, generator=_seeded(0)).numpy()
    assert set(np.unique(draws)) == {0.0, 1.0}
    assert abs(draws.mean() - 0.3) < 0.006  # the mean's standard deviation is 0.001
    columns = minigan.zeros(100_000, 3).bernoulli_(minigan.tensor([0.1, 0.5, 0.9]), generator=_seeded(1)).numpy()
    np.testing.assert_allclose(columns.mean(axis=0), [0.1, 0.5, 0.9], atol=0.01)
    assert minigan.zeros(8, dtype=minigan.int64).bernoulli_(generator=_seeded(2)).dtype == np.int64
    assert minigan.zeros(8, dtype=minigan.bool).bernoulli_(1.0).tolist() == [True] * 8
    assert minigan.ones(8).bernoulli_(0).tolist() == [0.0] * 8
    assert minigan.zeros(2, 3).bernoulli_(minigan.tensor([0.0, 1.0, 1.0])).tolist() == [[0.0, 1.0, 1.0]] * 2


def test_bernoulli_fill_messages_are_pytorchs():
    for p, shown in ((1.5, "1.5"), (-0.25, "-0.25"), (float("nan"), "nan")):
        with pytest.raises(RuntimeError, match=f"bernoulli_ expects p to be in \\[0, 1\\], but got p={shown}"):
            minigan.zeros(3).bernoulli_(p)
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1 to be true, but got false."):
        minigan.zeros(3).bernoulli_(minigan.tensor([0.5, 1.5, 0.0]))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        minigan.zeros(3).bernoulli_(minigan.tensor([0, 1, 1]))


def test_exponential_fill_follows_its_distribution():
    n, rate = 200_000, 2.0
    draws = minigan.empty(n, dtype=minigan.float64).exponential_(rate, generator=_seeded(0)).numpy()
    assert draws.min() >= 0.0
    assert abs(draws.mean() - 1 / rate) < 0.006  # mean 1/rate, its standard deviation 0.0011
    assert abs(draws.var() - 1 / rate ** 2) < 0.01  # variance 1/rate^2, its standard deviation 0.0016
    ordered = np.sort(draws)  # Kolmogorov-Smirnov against the CDF 1 - exp(-rate x)
    cdf = 1.0 - np.exp(-rate * ordered)
    distance = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert distance < 1.95 / np.sqrt(n)  # the 0.1% critical value
    small = minigan.empty(50_000).exponential_(generator=_seeded(1))
    assert small.dtype == np.float32 and abs(small.numpy().mean() - 1.0) < 0.03
    assert minigan.empty(4, dtype=minigan.float16).exponential_().dtype == np.float16


def test_exponential_fill_messages_are_pytorchs():
    for rate, shown in ((0, "0"), (-1.0, "-1"), (-2.5, "-2.5"), (float("nan"), "nan")):
        with pytest.raises(RuntimeError, match=f"exponential_ expects lambda > 0.0, but found lambda={shown}"):
            minigan.zeros(3).exponential_(rate)
    with pytest.raises(RuntimeError, match="Exponential distribution is a continuous probability distribution. dtype "
                                           "must be a floating point but you specified Long"):
        minigan.zeros(3, dtype=minigan.int64).exponential_()


@pytest.mark.parametrize("dtype, top", [
    (minigan.float16, 2 ** 11), (minigan.int8, 127), (minigan.uint8, 255), (minigan.bool, 1),
    (minigan.int16, 2 ** 15 - 1),
])
def test_random_fill_covers_each_small_dtypes_whole_range(dtype, top):
    # PyTorch's ranges with no `to`: [0, 2^mantissa] for floats, [0, max] for integers; 200,000 draws
    # miss an end of a range of at most 2^15 values with probability below e^-6
    draws = minigan.zeros(200_000, dtype=dtype).random_(generator=_seeded(0)).numpy()
    assert draws.dtype == np.dtype(dtype) and int(draws.min()) == 0 and int(draws.max()) == top
    if dtype != minigan.bool:
        assert np.all(draws == np.round(draws)) and len(np.unique(draws)) > min(top, 1000)


@pytest.mark.parametrize("dtype, top", [
    (minigan.float32, 2 ** 24), (minigan.float64, 2 ** 53), (minigan.int32, 2 ** 31 - 1), (minigan.int64, 2 ** 63 - 1),
])
def test_random_fill_stops_at_each_wide_dtypes_top(dtype, top):
    draws = minigan.zeros(100_000, dtype=dtype).random_(generator=_seeded(1)).numpy()
    assert draws.min() >= 0 and int(draws.max()) <= top
    assert int(draws.max()) > 0.999 * top  # each draw misses the top 0.1% with probability 0.999
    assert abs(draws.astype(np.float64).mean() / top - 0.5) < 0.01  # uniform: mean top / 2, sd 0.0009 top


def test_random_fill_from_and_to_are_pytorchs():
    g = _seeded(2)
    draws = minigan.zeros(30_000).random_(3, generator=g).numpy()
    counts = np.array([(draws == k).sum() for k in range(3)])
    assert counts.sum() == 30_000 and ((counts - 10_000) ** 2 / 10_000).sum() < 20  # chi^2, 2 degrees of freedom
    assert set(minigan.zeros(1000).random_(-5, 0, generator=g).tolist()) == {-5.0, -4.0, -3.0, -2.0, -1.0}
    assert set(minigan.zeros(1000).random_(**{"from": 2, "to": 5}, generator=g).tolist()) == {2.0, 3.0, 4.0}
    assert set(minigan.zeros(1000).random_(to=2, generator=g).tolist()) == {0.0, 1.0}
    assert set(minigan.zeros(1000).random_(7, to=9, generator=g).tolist()) == {7.0, 8.0}
    assert minigan.zeros(1000).random_(5, None, generator=g).numpy().min() >= 5
    assert set(minigan.zeros(20_000, dtype=minigan.uint8).random_(0, 256, generator=g).tolist()) == set(range(256))


def test_random_fill_messages_are_pytorchs():
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=3 >= to=3"):
        minigan.zeros(3).random_(3, 3)
    with pytest.raises(RuntimeError, match="from is out of bounds for unsigned char"):
        minigan.zeros(3, dtype=minigan.uint8).random_(-1, 3)
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for unsigned char"):
        minigan.zeros(3, dtype=minigan.uint8).random_(0, 300)
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for bool"):
        minigan.zeros(3, dtype=minigan.bool).random_(0, 3)
    with pytest.raises(RuntimeError, match="from=33554432 > to_inc=16777216"):
        minigan.zeros(3).random_(2 ** 25, None)
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]. Due to precision "
                                         "limitations float can support discrete uniform distribution only"):
        assert minigan.zeros(3).random_(0, 2 ** 25).numpy().max() < 2 ** 25
    with pytest.raises(TypeError, match="random_\\(\\) takes"):
        minigan.zeros(3).random_(**{"from": 5})  # from without to: PyTorch has no such form
    with pytest.raises(TypeError, match="argument 'to' must be int, not float"):
        minigan.zeros(3).random_(2.5)


def test_fills_follow_the_seed_and_the_generator_streams_of_uniform_():
    for fill in (lambda t, **g: t.bernoulli_(0.4, **g), lambda t, **g: t.exponential_(3.0, **g),
                 lambda t, **g: t.random_(10, **g)):
        minigan.manual_seed(11)
        first = fill(minigan.empty(50, dtype=minigan.float64)).tolist()
        minigan.manual_seed(11)
        assert fill(minigan.empty(50, dtype=minigan.float64)).tolist() == first
        again = [fill(minigan.empty(50, dtype=minigan.float64), generator=_seeded(s)).tolist() for s in (3, 3, 4)]
        assert again[0] == again[1] != again[2]
    # bernoulli_ compares the draws uniform_ would make with p
    minigan.manual_seed(5)
    uniform = minigan.empty(1000, dtype=minigan.float64).uniform_().numpy()
    minigan.manual_seed(5)
    assert minigan.empty(1000, dtype=minigan.float64).bernoulli_(0.25).tolist() == (uniform < 0.25).tolist()


def test_fills_follow_the_in_place_rules():
    x = minigan.zeros(3)
    assert x.bernoulli_() is x and x.exponential_() is x and x.random_() is x and x._version == 3
    for fill in ("bernoulli_", "exponential_", "random_"):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            getattr(minigan.zeros(3, requires_grad=True), fill)()
    leaf = minigan.zeros(3, requires_grad=True)
    with minigan.no_grad():
        leaf.random_(4)  # allowed, as PyTorch's
    assert leaf.requires_grad and set(leaf.tolist()) <= {0.0, 1.0, 2.0, 3.0}


# ====================================================================== pow_ and resize_
def test_pow_in_place_as_pytorch():
    x = minigan.tensor([1.0, 2.0, 3.0])
    assert x.pow_(2) is x and x.tolist() == [1.0, 4.0, 9.0] and x._version == 1
    y = minigan.tensor([1.0, 2.0, 3.0]).pow_(minigan.tensor([2.0, 0.5, -1.0]))
    np.testing.assert_allclose(y.numpy(), [1.0, 2.0 ** 0.5, 1.0 / 3.0], rtol=1e-7)
    assert minigan.tensor([1, 2, 3]).pow_(2).tolist() == [1, 4, 9]  # stays int64, as PyTorch's
    assert minigan.tensor([1, 2], dtype=minigan.int32).pow_(3).dtype == np.int32
    assert minigan.tensor([1.0, 2.0]).pow_(minigan.tensor([2, 3])).tolist() == [1.0, 8.0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        minigan.tensor([1, 2, 3]).pow_(0.5)
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        minigan.tensor([1, 2, 3]).pow_(-1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        minigan.tensor([1.0, 2.0], requires_grad=True).pow_(2)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        minigan.tensor([1.0, 2.0, 3.0]).pow_(minigan.ones(2, 3))


def test_resize_in_place_as_pytorch():
    x = minigan.arange(6.0).reshape(2, 3)
    assert x.resize_(2, 3) is x and x._version == 0  # the same shape: left as it is
    x.resize_(3, 2)
    assert x.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]] and x._version == 1
    x.resize_((3, 3))  # growing: PyTorch's new elements are uninitialised, minigan's 0
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [0.0, 0.0, 0.0]] and x._version == 2
    y = minigan.arange(6.0)
    view = y[:4]
    y.resize_([2])  # shrinking keeps the same memory, as PyTorch's
    y[0] = 100.0
    assert y.tolist() == [100.0, 1.0] and view.tolist() == [100.0, 1.0, 2.0, 3.0]
    assert minigan.ones(3).resize_(0).shape == (0,)
    detached = minigan.ones(3, requires_grad=True).detach()
    assert detached.resize_(2).tolist() == [1.0, 1.0]
    for same in (False, True):
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"), minigan.no_grad():
            minigan.ones(3, requires_grad=True).resize_(3 if same else 2)
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        minigan.ones(3).resize_(-1, 3)
    with pytest.raises(TypeError, match="sizes must be ints"):
        minigan.ones(3).resize_(2.0)
