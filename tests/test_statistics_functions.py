"""Reductions and statistics with PyTorch's names (minigan/ops/reductions_more.py, running_extremes.py,
quantiles.py, counting.py): values written out by hand or from plain NumPy, PyTorch's dtypes and
messages, dim/keepdim and negative dims, and gradients against finite differences (float64)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import minigan
import minigan.gradcheck as gc

nan = math.nan


def t(values, dtype=None, **kwargs):
    return minigan.tensor(values, dtype=dtype, **kwargs)


def values(x):
    return np.asarray(x.tolist(), dtype=float)


def rand(*shape, seed=0):
    return minigan.tensor(np.random.default_rng(seed).normal(size=shape), dtype=minigan.float64, requires_grad=True)


@pytest.fixture(params=["cpu", "strict"])
def device(request):
    if request.param == "strict":
        pytest.importorskip("array_api_strict")
    return request.param


# ----------------------------------------------------------------- all, any, count_nonzero, nansum, nanmean
def test_all_and_any_as_functions_take_dims_and_keep_uint8():
    x = t([[1, 0], [1, 1]])
    assert minigan.all(x, dim=1).tolist() == [False, True]
    assert minigan.all(x, 1, True).shape == (2, 1)
    assert minigan.any(x, dim=(0, 1)).item() is True
    assert minigan.all(t([1, 2], minigan.uint8)).dtype == np.uint8  # PyTorch keeps uint8 here


def test_count_nonzero_is_int64_over_dims():
    x = t([[0, 1.0], [2, 0]])
    assert minigan.count_nonzero(x).item() == 2 and minigan.count_nonzero(x).dtype == np.int64
    assert x.count_nonzero(dim=0).tolist() == [1, 1]
    assert minigan.count_nonzero(x, dim=(0, -1)).item() == 2
    assert minigan.count_nonzero(t([0, nan])).item() == 1
    with pytest.raises(RuntimeError, match=r"^dim 0 appears multiple times in the list of dims$"):
        minigan.count_nonzero(x, dim=(0, 0))
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        minigan.count_nonzero(x, dim=2)


def test_nansum_drops_nans_and_sums_integers_in_int64(device):
    x = t([[1.0, nan], [2, 3]], device=device)
    assert x.nansum().item() == 6.0 and x.nansum().dtype == np.float32
    assert minigan.nansum(x, dim=-1, keepdim=True).tolist() == [[1.0], [5.0]]
    assert minigan.nansum(t([1.0, nan]), dtype=minigan.float64).dtype == np.float64
    assert minigan.nansum(t([1.0, nan]), dtype=minigan.float64).item() == 1.0
    assert minigan.nansum(t([1, 2], minigan.int32)).dtype == np.int64
    assert minigan.nansum(t([True, True])).item() == 2
    assert minigan.nansum(minigan.zeros(0)).item() == 0.0


def test_nanmean_averages_what_is_not_nan():
    x = t([[1.0, nan], [2, 3]])
    assert x.nanmean(1).tolist() == [1.0, 2.5]
    assert minigan.nanmean(x, 1, keepdim=True).shape == (2, 1)
    assert math.isnan(minigan.nanmean(t([nan])).item()) and math.isnan(minigan.nanmean(minigan.zeros(0)).item())
    with pytest.raises(RuntimeError, match=r"^nanmean\(\): expected input to have floating point or complex dtype "
                                           r"but got Long$"):
        minigan.nanmean(t([1, 2]))


def test_nansum_and_nanmean_gradients_skip_the_nans():
    a = t([1.0, nan, 3.0], requires_grad=True)
    minigan.nanmean(a).backward()
    assert a.grad.tolist() == [0.5, 0.0, 0.5]
    b = rand(3, 4)
    gc.gradcheck(lambda x: minigan.nansum(x, 1) + minigan.nanmean(x, 1), [b])


# ----------------------------------------------------------------- std_mean, var_mean, aminmax
def test_var_mean_and_std_mean_take_vars_arguments():
    x = t([[1.0, 2, 4], [0, 0, 3]])
    var, mean = minigan.var_mean(x, 1, unbiased=False, keepdim=True)
    np.testing.assert_allclose(values(var), [[14 / 9], [2.0]], rtol=1e-6)
    np.testing.assert_allclose(values(mean), [[7 / 3], [1.0]], rtol=1e-6)
    var0, _ = minigan.var_mean(x, dim=-1, correction=0)
    np.testing.assert_allclose(values(var0), [14 / 9, 2.0], rtol=1e-6)
    std, mean = minigan.std_mean(t([1.0, 2, 4]))
    assert std.item() == pytest.approx(math.sqrt(7 / 3), rel=1e-6) and mean.item() == pytest.approx(7 / 3)
    assert minigan.var_mean(x, [0, 1])[0].item() == pytest.approx(np.var([1, 2, 4, 0, 0, 3], ddof=1), rel=1e-6)
    assert minigan.var_mean(t([1.0, 2, 4]), False)[0].item() == pytest.approx(14 / 9)  # the older (input, unbiased)
    with pytest.raises(RuntimeError, match=r"^std_mean only support floating point and complex dtypes$"):
        minigan.std_mean(t([1, 2]))
    gc.gradcheck(lambda a: minigan.std_mean(a, 0)[0] * minigan.std_mean(a, 0)[1], [rand(4, 3)])


def test_aminmax_is_a_named_pair():
    x = t([[1.0, 5], [3, 2]])
    found = minigan.aminmax(x)
    assert (found.min.item(), found.max.item()) == (1.0, 5.0) and type(found).__name__ == "aminmax"
    per_row = x.aminmax(dim=-1, keepdim=True)
    assert per_row.min.tolist() == [[1.0], [2.0]] and per_row.max.tolist() == [[5.0], [3.0]]
    assert minigan.aminmax(x, keepdim=True).min.shape == (1, 1)
    assert minigan.aminmax(t([True, False])).max.item() is True
    assert minigan.aminmax(minigan.zeros(2, 0), dim=0).min.shape == (0,)
    with pytest.raises(RuntimeError, match=r"^aminmax\(\): cannot compute aminmax over an empty dimension"):
        minigan.aminmax(minigan.zeros(0))
    with pytest.raises(IndexError, match=r"^aminmax: Expected reduction dim 1 to have non-zero size\.$"):
        minigan.aminmax(minigan.zeros(2, 0), dim=1)
    a = t([1.0, 4, 4, 0], requires_grad=True)
    pair = minigan.aminmax(a)
    (pair.min + pair.max).backward()
    assert a.grad.tolist() == [0.0, 0.5, 0.5, 1.0]  # ties share, as amax's


# ----------------------------------------------------------------- cummax, cummin, logcumsumexp, msort
def test_cummax_and_cummin_take_the_latest_tie_and_keep_nan(device):
    found = minigan.cummax(t([1.0, 3, 3, 2, nan, 5, nan], device=device), 0)
    assert found.indices.tolist() == [0, 1, 2, 2, 4, 4, 6] and found.indices.dtype == np.int64
    np.testing.assert_array_equal(values(found.values), [1, 3, 3, 3, nan, nan, nan])
    low = t([3.0, 1, 1, 2, nan, 0], device=device).cummin(0)
    assert low.indices.tolist() == [0, 1, 2, 2, 4, 4] and type(low).__name__ == "cummin"
    rows = minigan.cummax(t([[1, 5, 2], [3, 0, 4]], device=device), -1)
    assert rows.values.tolist() == [[1, 5, 5], [3, 3, 4]] and rows.indices.tolist() == [[0, 1, 1], [0, 0, 2]]
    assert minigan.cummax(t([True, False, True], device=device), 0).indices.tolist() == [0, 0, 2]
    assert minigan.cummax(t(2.0), 0).indices.item() == 0
    assert minigan.cummax(minigan.zeros(0, 3), 0).values.shape == (0, 3)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-1, 0\], but got 1"):
        minigan.cummax(t([1, 2]), 1)


def test_cummax_gradient_goes_to_the_chosen_element():
    a = t([1.0, 2, 3, 3], requires_grad=True)
    minigan.cummax(a, 0).values.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0, 1.0]
    b = t([2.0, 1, 0], requires_grad=True)
    minigan.cummax(b, 0).values.sum().backward()
    assert b.grad.tolist() == [3.0, 0.0, 0.0]
    gc.gradcheck(lambda x: minigan.cummin(x, 1).values, [rand(3, 5)])


def test_logcumsumexp_is_stable(device):
    x = t([1000.0, 1000, -1000], device=device)
    np.testing.assert_allclose(values(minigan.logcumsumexp(x, 0)), [1000, 1000 + math.log(2), 1000 + math.log(2)])
    assert minigan.logcumsumexp(t([-math.inf, -math.inf, 0.0], device=device), 0).tolist() == [-math.inf, -math.inf, 0]
    assert minigan.logcumsumexp(t([math.inf, 1.0]), 0).tolist() == [math.inf, math.inf]
    rows = np.random.default_rng(1).normal(size=(2, 5))
    expected = np.log(np.cumsum(np.exp(rows), axis=-1))
    np.testing.assert_allclose(values(t(rows, minigan.float64).logcumsumexp(-1)), expected, rtol=1e-12)
    with pytest.raises(NotImplementedError, match=r"not implemented for 'Long'"):
        minigan.logcumsumexp(t([1, 2]), 0)
    with pytest.raises(TypeError, match=r"^logcumsumexp\(\): argument 'dim' must be int, not NoneType$"):
        minigan.logcumsumexp(t([1.0]), None)


def test_logcumsumexp_gradient_stays_finite_where_exp_would_overflow():
    a = t([1000.0, 1000, -1000], requires_grad=True)
    minigan.logcumsumexp(a, 0).backward(t([1.0, -2, 3]))
    # sum_j g_j exp(a_i - f_j), f = [1000, 1000 + log 2, 1000 + log 2]: [1 - 2/2 + 3/2, -2/2 + 3/2, 0]
    np.testing.assert_allclose(values(a.grad), [1.5, 0.5, 0.0], atol=1e-4)  # float32 near 1000: 6e-5 apart
    gc.gradcheck(lambda x: minigan.logcumsumexp(x, 1), [rand(3, 4)])
    gc.gradgradcheck(lambda x: minigan.logcumsumexp(x, 0), [rand(5)])


def test_logcumsumexp_carries_nan_on_silently_with_a_nan_gradient(device):
    # A NaN makes every later value NaN, and the whole slice's gradient NaN (each a_i reaches a
    # NaN f_j, j >= i): PyTorch's values; NumPy's logaddexp would warn of an invalid value.
    a = t([[1.0, nan, 2.0], [0.0, 1.0, 2.0]], requires_grad=True, device=device)
    found = minigan.logcumsumexp(a, 1)
    assert np.isnan(values(found[0])).tolist() == [False, True, True] and values(found[0, 0]) == 1.0
    np.testing.assert_allclose(values(found[1]), np.log(np.cumsum(np.exp([0.0, 1.0, 2.0]))), rtol=1e-6)
    found.backward(minigan.ones_like(found))
    assert np.isnan(values(a.grad[0])).all()
    # row 2 without a NaN: sum_{j>=i} exp(a_i - f_j)
    f = np.log(np.cumsum(np.exp([0.0, 1.0, 2.0])))
    np.testing.assert_allclose(values(a.grad[1]), [sum(np.exp(x - f[j]) for j in range(i, 3))
                                                   for i, x in enumerate([0.0, 1.0, 2.0])], rtol=1e-6)
    empty = t(np.zeros((2, 0)), requires_grad=True)
    minigan.logcumsumexp(empty, 1).sum().backward()
    assert empty.grad.shape == (2, 0)


def test_msort_sorts_along_the_first_dimension():
    assert minigan.msort(t([[3, 1], [2, 4]])).tolist() == [[2, 1], [3, 4]]
    assert t([3.0, nan, 1]).msort().tolist()[:2] == [1.0, 3.0]


# ----------------------------------------------------------------- quantile, nanquantile
@pytest.mark.parametrize("interpolation, expected", [
    ("linear", [0.4, 1.5, 2.0, 2.5, 3.6]),
    ("lower", [0, 1, 2, 2, 3]),
    ("higher", [1, 2, 2, 3, 4]),
    ("midpoint", [0.5, 1.5, 2.0, 2.5, 3.5]),
    ("nearest", [0, 2, 2, 2, 4]),  # ranks 0.4, 1.5, 2, 2.5, 3.6: halves to even
])
def test_quantile_interpolations(interpolation, expected):
    q = t([0.1, 0.375, 0.5, 0.625, 0.9])
    found = minigan.quantile(t([0.0, 1, 2, 3, 4]), q, interpolation=interpolation)
    np.testing.assert_allclose(values(found), expected, rtol=1e-6)


def test_statistics_of_nothing_on_each_device(device):
    # the values of tests/test_empty_tensors.py, on the strict array-API device too
    x = minigan.zeros(0, 3, dtype=minigan.float64, device=device, requires_grad=True)
    for statistic in (minigan.mean, minigan.median, minigan.nanmedian, minigan.nanmean):
        y = statistic(x)
        assert y.device == x.device and math.isnan(y.item())
        y.backward()
        assert x.grad.shape == (0, 3)
    assert minigan.median(minigan.zeros(0, dtype=minigan.int32, device=device)).item() == -2**31
    assert minigan.mean(minigan.zeros(0, 3, device=device), 0).tolist() == pytest.approx([nan] * 3, nan_ok=True)


def test_quantile_shapes_dims_and_nans(device):
    x = t([[0.0, 1, 2, 3], [4, 5, nan, 7]], device=device)
    np.testing.assert_allclose(values(x.quantile(0.4, dim=1)), [1.2, nan], rtol=1e-6)
    np.testing.assert_allclose(values(minigan.nanquantile(x, 0.4, dim=-1)), [1.2, 4.8], rtol=1e-6)
    assert minigan.nanquantile(x, t([0.4, 1.0]), dim=1, keepdim=True).shape == (2, 2, 1)
    assert minigan.quantile(x, t([0.5, 0.2]), keepdim=True).shape == (2, 1, 1)
    assert minigan.quantile(x, 0.5).shape == ()
    assert minigan.quantile(t(3.0), 0.5).item() == 3.0
    assert minigan.quantile(t([1.0, 2]), t(0.25)).shape == ()
    assert math.isnan(minigan.nanquantile(t([nan, nan]), 0.5).item())
    assert minigan.quantile(t([0.0, 1, 2, 3, 4, 5]), t([0.1, 0.3, 0.5, 0.7]), interpolation="nearest").tolist() == \
        [1, 2, 2, 3]  # float32 q: 0.1f * 5 is just above 0.5, 0.7f * 5 just below 3.5, as PyTorch rounds them


@pytest.mark.parametrize("call, message", [
    (lambda: minigan.quantile(t([1, 2]), 0.5), r"^quantile\(\) input tensor must be either float or double dtype$"),
    (lambda: minigan.quantile(t([1.0, 2]), 1.5), r"^quantile\(\) q must be in the range \[0, 1\] but got 1\.5$"),
    (lambda: minigan.quantile(t([1.0, 2]), t([0.5], minigan.float64)),
     r"^quantile\(\) q tensor must be same dtype as the input tensor$"),
    (lambda: minigan.quantile(t([1.0, 2]), t([[0.5]])), r"^quantile\(\) q must be a scalar or 1D tensor$"),
    (lambda: minigan.quantile(t([1.0, 2]), t([0.5, nan])), r"^quantile\(\) q values must be in the range \[0, 1\]$"),
    (lambda: minigan.quantile(t([1.0]), 0.5, interpolation="foo"),
     r"^quantile\(\) interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo$"),
    (lambda: minigan.quantile(minigan.zeros(2, 0), 0.5, dim=1), r"^quantile\(\) input tensor must be non-empty$"),
])
def test_quantile_bad_input_messages(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_quantile_gradients_go_to_the_neighbouring_values():
    a = t([3.0, 1, 2, 5], requires_grad=True)
    minigan.quantile(a, 0.4).backward()  # rank 1.2 between 2 (0.8) and 3 (0.2)
    np.testing.assert_allclose(values(a.grad), [0.2, 0, 0.8, 0], rtol=1e-6)
    b = t([3.0, 1, nan, 5], requires_grad=True)
    minigan.nanquantile(b, 0.5).backward()
    assert b.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    q = t([0.2, 0.7], minigan.float64)
    gc.gradcheck(lambda x: minigan.quantile(x, q, dim=1), [rand(3, 4, 5)])
    gc.gradcheck(lambda x: minigan.nanquantile(x, 0.3, dim=-1, interpolation="midpoint"), [rand(3, 5)])


def test_a_linear_quantile_passes_a_gradient_to_q_as_pytorchs():
    # d/dq = (above - below) (n - 1): the rank q (n - 1) moves the blend. PyTorch 2.14.1's values
    x = t([1.0, 2.0, 4.0, 8.0], minigan.float64, requires_grad=True)
    q = t([0.25, 0.5, 0.9], minigan.float64, requires_grad=True)
    minigan.quantile(x, q).sum().backward()
    np.testing.assert_allclose(values(q.grad), [3.0, 6.0, 12.0], rtol=1e-15)
    np.testing.assert_allclose(values(x.grad), [0.25, 1.25, 0.8, 0.7], rtol=1e-14)
    # nanquantile ranks each row's numbers; a row of NaN (rank fixed at 0) and a row holding a NaN in
    # quantile (rank fixed at the last) give q nothing, where a product with NaN would give NaN
    x = t([[1.0, nan, 3.0], [nan, nan, nan]], minigan.float64, requires_grad=True)
    q = t([0.25, 0.5, 0.9], minigan.float64, requires_grad=True)
    minigan.nanquantile(x, q, 1).sum().backward()
    assert values(q.grad).tolist() == [2.0, 2.0, 2.0]
    np.testing.assert_allclose(values(x.grad), [[1.35, 0.0, 1.65], [3.0, 0.0, 0.0]], rtol=1e-14)
    q = t([0.25, 0.5, 0.9], minigan.float64, requires_grad=True)
    minigan.quantile(t([1.0, nan, 3.0], minigan.float64), q).sum().backward()
    assert values(q.grad).tolist() == [0.0, 0.0, 0.0]
    for interpolation in ("lower", "higher", "midpoint", "nearest"):  # no rank blend: no gradient to q
        q = t(0.3, minigan.float64, requires_grad=True)
        minigan.quantile(t([1.0, 2.0, 4.0], minigan.float64, requires_grad=True), q, interpolation=interpolation).backward()
        assert q.grad is None
    gc.gradcheck(lambda q: minigan.quantile(t([[3.0, 1, 2, 5, -1]], minigan.float64), q, dim=1),
                 [t([0.2, 0.7], minigan.float64, requires_grad=True)])


# ----------------------------------------------------------------- bincount, isin, argwhere
def test_bincount_counts_and_weighs(device):
    assert minigan.bincount(t([1, 1, 3], device=device)).tolist() == [0, 2, 0, 1]
    assert t([1, 1, 3]).bincount(minlength=6).tolist() == [0, 2, 0, 1, 0, 0]
    weighed = minigan.bincount(t([1, 1, 3]), weights=t([0.5, 1, 2]))
    assert weighed.tolist() == [0, 1.5, 0, 2] and weighed.dtype == np.float32
    assert minigan.bincount(t([1, 1, 3]), weights=t([1, 2, 3])).dtype == np.float64
    assert minigan.bincount(minigan.zeros(0, dtype=minigan.int64)).shape == (0,)
    with pytest.raises(RuntimeError, match=r"^bincount only supports 1-d non-negative integral inputs\.$"):
        minigan.bincount(t([-1, 1]))
    with pytest.raises(NotImplementedError, match=r"not implemented for 'Float'"):
        minigan.bincount(t([1.0]))
    with pytest.raises(RuntimeError, match=r"^weights should be 1-d and have the same length as input$"):
        minigan.bincount(t([1, 1]), weights=t([1.0]))
    with pytest.raises(RuntimeError, match=r"^minlength should be >= 0$"):
        minigan.bincount(t([1]), minlength=-1)


def test_isin_and_argwhere(device):
    found = minigan.isin(t([[1, 2], [3, 4]], device=device), t([2, 3], device=device))
    assert found.tolist() == [[False, True], [True, False]] and found.dtype == np.bool_
    assert minigan.isin(t([1.0, 2]), 2).tolist() == [False, True]
    assert minigan.isin(2, t([1, 2])).item() is True
    assert minigan.isin(t([1, 2]), t([2.5, 1.0]), invert=True).tolist() == [False, True]
    assert minigan.isin(t([nan, 1]), t([nan])).tolist() == [False, False]
    with pytest.raises(RuntimeError, match=r"^Unsupported input type encountered for isin\(\): Bool$"):
        minigan.isin(t([1, 2]), t([True]))
    assert minigan.argwhere(t([[0, 1], [2, 0]])).tolist() == [[0, 1], [1, 0]]
    assert t(1.0).argwhere().shape == (1, 0) and minigan.argwhere(t(0.0)).shape == (0, 0)


# ----------------------------------------------------------------- dist, inner, trace, cov, corrcoef
def test_dist_inner_and_trace():
    a, b = t([1.0, 2]), t([4.0, 6])
    assert [minigan.dist(a, b, p).item() for p in (2, 0, 1, math.inf, -math.inf)] == [5.0, 2.0, 7.0, 4.0, 3.0]
    assert a.dist(b, 0.5).item() == pytest.approx((math.sqrt(3) + 2) ** 2, rel=1e-6)
    with pytest.raises(RuntimeError, match=r"^norm\(\): input dtype should be either floating point or complex\. "
                                           r"Got Long instead\.$"):
        minigan.dist(t([1, 2]), t([4, 6]))
    assert minigan.inner(t([1.0, 2]), t([3.0, 4])).item() == 11.0
    assert minigan.inner(t([[1.0, 2], [3, 4]]), t([[1.0, 0], [0, 1], [1, 1]])).tolist() == [[1, 2, 3], [3, 4, 7]]
    assert minigan.inner(t(2.0), t([1.0, 2])).tolist() == [2.0, 4.0]
    assert minigan.inner(t([1, 2]), t([3, 4])).dtype == np.int64
    with pytest.raises(RuntimeError, match=r"^inner\(\) the last dimension must match on both input tensors but got "
                                           r"shapes \[2\] and \[3\]$"):
        minigan.inner(t([1.0, 2]), t([1.0, 2, 3]))
    assert t([[1, 2], [3, 4]], minigan.int32).trace().dtype == np.int64
    assert t([[1.0, 2, 3], [3, 4, 5]]).trace().item() == 5.0
    with pytest.raises(RuntimeError, match=r"^trace: expected a matrix, but got tensor with dim 1$"):
        t([1.0, 2]).trace()
    gc.gradcheck(lambda x, y: minigan.dist(x, y, 3) + minigan.inner(x, y).sum() + x.trace(), [rand(3, 3), rand(3, 3, seed=1)])


def test_dist_gradient_at_zero_distance_is_zero():
    a = t([1.0, 2], requires_grad=True)
    minigan.dist(a, t([1.0, 2])).backward()
    assert a.grad.tolist() == [0.0, 0.0]


def _weighted_cov(x, f, w, correction):
    """numpy.cov written out: the weighted mean and the weighted sum of products over its scale."""
    weights = f * w
    total = weights.sum()
    mean = (x * weights).sum(1) / total
    centred = x - mean[:, None]
    scale = total - correction * (weights * w).sum() / total
    return (centred * weights) @ centred.T / scale


def test_cov_with_and_without_weights():
    x = np.array([[0.0, 1, 2, 4], [2, 1, 0, -1], [1, 1, 1, 1]])
    np.testing.assert_allclose(values(minigan.cov(t(x, minigan.float64))), np.cov(x), rtol=1e-12)
    np.testing.assert_allclose(values(t(x).cov(correction=0)), np.cov(x, ddof=0), rtol=1e-6)
    f, w = np.array([1, 2, 1, 1]), np.array([0.5, 1, 2, 1])
    found = minigan.cov(t(x, minigan.float64), fweights=t(f), aweights=t(w, minigan.float64), correction=2)
    np.testing.assert_allclose(values(found), _weighted_cov(x, f, w, 2), rtol=1e-12)
    np.testing.assert_allclose(values(minigan.cov(t(x), fweights=t(f))), np.cov(x, fweights=f), rtol=1e-6)
    assert minigan.cov(t([1.0, 2, 4])).item() == pytest.approx(7 / 3) and minigan.cov(t([[1, 2], [3, 4]])).dtype == np.float32
    with pytest.warns(UserWarning, match=r"^cov\(\): degrees of freedom is <= 0"):
        assert math.isnan(minigan.cov(t([1.0])).item())
    gc.gradcheck(lambda a, weights: minigan.cov(a, aweights=weights), [rand(3, 4), t(w, minigan.float64, requires_grad=True)])


@pytest.mark.parametrize("kwargs, message", [
    ({"fweights": [1.0, 2, 1, 1]}, r"^cov\(\): expected fweights to have integral dtype but got fweights with Float dtype$"),
    ({"fweights": [1, -2, 1, 1]}, r"^cov\(\): fweights cannot be negative$"),
    ({"aweights": [1, 2, 1, 1]}, r"^cov\(\): expected aweights to have floating point dtype but got aweights with Long"),
    ({"fweights": [1, 2, 1]}, r"^cov\(\): expected fweights to have the same numel as there are observations in the "
                              r"input but got 3 != 4$"),
    ({"aweights": [[1.0, 2, 1, 1]]}, r"^cov\(\): expected aweights to have one or fewer dimensions but got aweights "
                                     r"with 2 dimensions$"),
])
def test_cov_bad_weights(kwargs, message):
    x = t([[0.0, 1, 2, 4], [2, 1, 0, -1]])
    with pytest.raises(RuntimeError, match=message):
        minigan.cov(x, **{k: t(v) for k, v in kwargs.items()})


def test_corrcoef_matches_the_closed_form():
    x = np.array([[1.0, 2, 4], [0, 1, 1], [3, 1, 2]])
    np.testing.assert_allclose(values(minigan.corrcoef(t(x, minigan.float64))), np.corrcoef(x), rtol=1e-12)
    assert minigan.corrcoef(t([1.0, 2, 4])).item() == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        constant = minigan.corrcoef(t([[1.0, 2, 4], [3, 3, 3]]))
    assert constant.tolist()[0][0] == 1.0 and math.isnan(constant.tolist()[1][1])
    gc.gradcheck(lambda a: a.corrcoef(), [rand(3, 5)])
