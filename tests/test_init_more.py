"""nn.init's trunc_normal_, orthogonal_, eye_, dirac_ and sparse_, and PyTorch's deprecated spellings
without the underscore, against PyTorch 2.14.1's signatures, errors and warnings (as checked there),
exact values written out with plain NumPy loops, and the closed-form moments of the truncated normal."""
import inspect
import math
import re
import warnings

import numpy as np
import pytest

import minigan
from minigan import nn

init = nn.init


def _seeded(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------- signatures
@pytest.mark.parametrize("name, expected", [
    ("trunc_normal_", [("tensor", inspect.Parameter.empty), ("mean", 0.0), ("std", 1.0), ("a", -2.0), ("b", 2.0),
                       ("generator", None)]),
    ("orthogonal_", [("tensor", inspect.Parameter.empty), ("gain", 1), ("generator", None)]),
    ("eye_", [("tensor", inspect.Parameter.empty)]),
    ("dirac_", [("tensor", inspect.Parameter.empty), ("groups", 1)]),
    ("sparse_", [("tensor", inspect.Parameter.empty), ("sparsity", inspect.Parameter.empty), ("std", 0.01),
                 ("generator", None)]),
])
def test_signatures_are_pytorch_s(name, expected):
    parameters = inspect.signature(getattr(init, name)).parameters.values()
    assert [(p.name, p.default) for p in parameters] == expected
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters)


def test_every_public_function_of_torch_nn_init_is_here():
    names = ("calculate_gain constant constant_ dirac dirac_ eye eye_ kaiming_normal kaiming_normal_ kaiming_uniform "
             "kaiming_uniform_ normal normal_ ones_ orthogonal orthogonal_ sparse sparse_ trunc_normal_ uniform "
             "uniform_ xavier_normal xavier_normal_ xavier_uniform xavier_uniform_ zeros_").split()
    assert [name for name in names if not callable(getattr(init, name, None))] == []


# ---------------------------------------------------------------------------- trunc_normal_
def _truncated_normal_moments(mean, std, a, b):
    """The mean and standard deviation of N(mean, std^2) truncated to [a, b]:
    m = mean + std (phi(al) - phi(be)) / Z,
    v = std^2 (1 + (al phi(al) - be phi(be)) / Z - ((phi(al) - phi(be)) / Z)^2),
    with al = (a - mean) / std, be = (b - mean) / std, Z = Phi(be) - Phi(al)."""
    def phi(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def Phi(x):
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    al, be = (a - mean) / std, (b - mean) / std
    z = Phi(be) - Phi(al)
    m = mean + std * (phi(al) - phi(be)) / z
    v = std * std * (1 + (al * phi(al) - be * phi(be)) / z - ((phi(al) - phi(be)) / z) ** 2)
    return m, math.sqrt(v)


def _truncated_normal_cdf(x, mean, std, a, b):
    def Phi(t):
        return 0.5 * (1 + math.erf(t / math.sqrt(2)))

    return (Phi((x - mean) / std) - Phi((a - mean) / std)) / (Phi((b - mean) / std) - Phi((a - mean) / std))


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0),   # PyTorch's defaults: most of the mass inside, normal draws redrawn outside
    (0.5, 2.0, -1.0, 3.0),
    (0.0, 1.0, 1.0, 4.0),    # a tail: 0.16 of the mass, uniform draws kept by the density
    (-1.0, 0.5, 0.0, 5.0),   # the mean outside [a, b], 2 std away: 0.023 of the mass
    (0.0, 1.0, -0.1, 0.1),   # a narrow window: nearly uniform
])
def test_trunc_normal_stays_in_bounds_with_the_truncated_normal_s_moments_and_cdf(mean, std, a, b):
    n = 200_000
    x = minigan.zeros(n, dtype=minigan.float64)
    assert init.trunc_normal_(x, mean, std, a, b, generator=_seeded(11)) is x
    values = x.numpy()
    assert values.min() >= a and values.max() <= b
    expected_mean, expected_std = _truncated_normal_moments(mean, std, a, b)
    assert abs(values.mean() - expected_mean) < 4 * expected_std / math.sqrt(n)
    assert abs(values.std() - expected_std) < 4 * expected_std / math.sqrt(n)
    points = np.linspace(a, b, 11)[1:-1]
    empirical = np.array([(values <= p).mean() for p in points])
    exact = np.array([_truncated_normal_cdf(p, mean, std, a, b) for p in points])
    assert np.abs(empirical - exact).max() < 2 / math.sqrt(n)


def test_trunc_normal_with_a_negative_std_draws_as_its_absolute_value():
    # PyTorch's formulas use std squared past its first test, so std = -1 draws as std = 1; that
    # first test (mean < a - 2 std) takes the sign as it is, and warns here, as PyTorch's does
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        x = init.trunc_normal_(minigan.zeros(200_000, dtype=minigan.float64), 0.0, -1.0, -1.0, 2.0, _seeded(3)).numpy()
    expected_mean, expected_std = _truncated_normal_moments(0.0, 1.0, -1.0, 2.0)
    assert x.min() >= -1.0 and x.max() <= 2.0
    assert abs(x.mean() - expected_mean) < 4 * expected_std / math.sqrt(x.size)
    assert abs(x.std() - expected_std) < 4 * expected_std / math.sqrt(x.size)


@pytest.mark.parametrize("dtype", [minigan.float16, minigan.float32, minigan.float64])
def test_trunc_normal_bounds_hold_in_the_tensor_s_dtype(dtype):
    x = minigan.zeros(50_000, dtype=dtype)
    init.trunc_normal_(x, 0.0, 1.0, -0.1, 0.1, generator=_seeded(5))
    values = x.numpy()
    lowest, highest = np.array(-0.1, dtype=values.dtype), np.array(0.1, dtype=values.dtype)  # the bounds rounded
    assert values.dtype == np.dtype(dtype) and values.min() >= lowest and values.max() <= highest
    assert values.min() < -0.09 and values.max() > 0.09


def test_trunc_normal_same_generator_same_values_and_equal_bounds_give_the_bound():
    first = init.trunc_normal_(minigan.zeros(4, 5), generator=minigan.Generator().manual_seed(2)).numpy()
    again = init.trunc_normal_(minigan.zeros(4, 5), generator=minigan.Generator().manual_seed(2)).numpy()
    other = init.trunc_normal_(minigan.zeros(4, 5), generator=minigan.Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert init.trunc_normal_(minigan.zeros(2, 3, dtype=minigan.float64), a=1.0, b=1.0).tolist() == [[1.0] * 3] * 2
    assert init.trunc_normal_(minigan.zeros(())).shape == ()


def test_trunc_normal_warns_as_pytorch_when_the_mean_is_more_than_2_std_outside():
    message = ("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
               "The distribution of values may be incorrect.")
    for mean, a, b in ((5.0, -2.0, 2.0), (-5.0, -1.0, 1.0)):
        with pytest.warns(UserWarning, match=re.escape(message)) as caught:
            x = init.trunc_normal_(minigan.zeros(100), mean=mean, a=a, b=b, generator=_seeded(0))
        assert caught[0].filename == __file__
        assert a <= x.numpy().min() and x.numpy().max() <= b
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.trunc_normal_(minigan.zeros(10), mean=4.0, a=-2.0, b=2.0)  # exactly 2 std: no warning


@pytest.mark.parametrize("kwargs, dtype, error, message", [
    ({"a": 2, "b": -2}, minigan.float32, RuntimeError,
     "uniform_ expects to return a [from, to) range, but found from=2 > to=-2"),
    ({"a": 2.5, "b": 1e-7}, minigan.float32, RuntimeError,
     "uniform_ expects to return a [from, to) range, but found from=2.5 > to=1e-07"),
    ({"a": -math.inf, "b": -3.0}, minigan.float32, RuntimeError, "from is out of bounds for float"),
    ({"a": 3.0, "b": math.inf}, minigan.float64, RuntimeError, "to is out of bounds for double"),
    ({"a": -1e5, "b": -3.0}, minigan.float16, RuntimeError, "from is out of bounds for c10::Half"),
    ({"std": 0.0}, minigan.float32, ZeroDivisionError, "float division by zero"),
    ({}, minigan.int64, NotImplementedError, "\"trunc_normal_\" not implemented for 'Long'"),
    ({}, minigan.bool, NotImplementedError, "\"trunc_normal_\" not implemented for 'Bool'"),
])
def test_trunc_normal_errors_are_pytorch_s(kwargs, dtype, error, message):
    x = minigan.full((3,), 7, dtype=dtype)
    before = x.numpy().copy()
    with pytest.raises(error, match=f"^{re.escape(message)}$"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # bounds far from the mean warn first, as PyTorch's do
        init.trunc_normal_(x, **kwargs)
    assert x._version == 0 and np.array_equal(x.numpy(), before)


def test_trunc_normal_of_an_empty_tensor_still_checks_its_arguments():
    assert init.trunc_normal_(minigan.zeros(0, dtype=minigan.int64)).shape == (0,)  # as PyTorch: no draw, no error
    with pytest.raises(RuntimeError, match=re.escape("found from=2 > to=-2")):
        init.trunc_normal_(minigan.zeros(0), a=2, b=-2)
    with pytest.raises(ZeroDivisionError):
        init.trunc_normal_(minigan.zeros(0), std=0)


def test_trunc_normal_infinite_bounds_where_the_normal_draws_are_used():
    x = init.trunc_normal_(minigan.zeros(1000), a=-math.inf, b=math.inf, generator=_seeded(1)).numpy()
    assert np.isfinite(x).all() and 0.9 < x.std() < 1.1


# ---------------------------------------------------------------------------- orthogonal_
def _gram_schmidt(m):
    """Q of m = Q R with R's diagonal positive, column by column."""
    q = np.zeros_like(m)
    for j in range(m.shape[1]):
        v = m[:, j].copy()
        for i in range(j):
            v -= (q[:, i] @ m[:, j]) * q[:, i]
        q[:, j] = v / np.sqrt(v @ v)
    return q


@pytest.mark.parametrize("shape, gain", [((3, 7), 1.0), ((7, 3), 2.0), ((4, 4), 0.5), ((3, 2, 5), 1.0),
                                         ((10, 2, 2), 3.0), ((1, 6), -2.0), ((6, 1), 1.0)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape, gain):
    x = minigan.zeros(shape, dtype=minigan.float64)
    assert init.orthogonal_(x, gain, generator=_seeded(4)) is x
    w = x.numpy().reshape(shape[0], -1)
    rows, cols = w.shape
    if rows < cols:   # PyTorch's rule: rows = shape[0], cols = the rest flattened; the smaller side is orthonormal
        np.testing.assert_allclose(w @ w.T, gain**2 * np.eye(rows), atol=1e-12)
    else:
        np.testing.assert_allclose(w.T @ w, gain**2 * np.eye(cols), atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 2)])
def test_orthogonal_is_the_q_with_r_s_diagonal_positive_of_a_standard_normal_draw(shape):
    rows = shape[0]
    cols = int(np.prod(shape[1:]))
    drawn = _seeded(9).standard_normal((rows, cols))
    expected = _gram_schmidt(drawn) if rows >= cols else _gram_schmidt(drawn.T).T
    x = init.orthogonal_(minigan.zeros(shape, dtype=minigan.float64), 1.5, generator=_seeded(9))
    np.testing.assert_allclose(x.numpy(), 1.5 * expected.reshape(shape), atol=1e-12)


def test_orthogonal_in_float32_and_on_empty_tensors():
    x = init.orthogonal_(minigan.zeros(6, 4), generator=_seeded(0))
    assert x.dtype == minigan.float32
    np.testing.assert_allclose(x.numpy().T @ x.numpy(), np.eye(4), atol=1e-6)
    for shape in ((0, 3), (3, 0)):
        empty = minigan.zeros(shape, dtype=minigan.int64)  # nothing to fill: no draw, no dtype check, as PyTorch
        assert init.orthogonal_(empty) is empty and empty.shape == shape and empty._version == 0


@pytest.mark.parametrize("shape, dtype, error, message", [
    ((3,), minigan.float32, ValueError, "Only tensors with 2 or more dimensions are supported"),
    ((), minigan.float32, ValueError, "Only tensors with 2 or more dimensions are supported"),
    ((3, 3), minigan.int64, NotImplementedError, "\"orthogonal_\" not implemented for 'Long'"),
    ((3, 3), minigan.float16, NotImplementedError, "\"orthogonal_\" not implemented for 'Half'"),
])
def test_orthogonal_errors_are_pytorch_s(shape, dtype, error, message):
    with pytest.raises(error, match=re.escape(message)):
        init.orthogonal_(minigan.zeros(shape, dtype=dtype))


# ---------------------------------------------------------------------------- eye_
@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2), (1, 1), (0, 4)])
@pytest.mark.parametrize("dtype", [minigan.float32, minigan.float64, minigan.int64, minigan.bool])
def test_eye_is_one_on_the_diagonal_zero_elsewhere(shape, dtype):
    expected = np.zeros(shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            expected[i, j] = 1.0 if i == j else 0.0
    x = minigan.full(shape, 3, dtype=dtype)
    assert init.eye_(x) is x
    assert x.dtype == dtype and x.tolist() == expected.astype(np.dtype(dtype)).tolist()


@pytest.mark.parametrize("shape", [(3,), (2, 3, 3), ()])
def test_eye_takes_only_2_d_tensors(shape):
    with pytest.raises(ValueError, match="^Only tensors with 2 dimensions are supported$"):
        init.eye_(minigan.zeros(shape))


# ---------------------------------------------------------------------------- dirac_
def _dirac_reference(shape, groups):
    """1 where the output channel o, within its group of out // groups, equals the input channel
    and every kernel index is the kernel's centre (size // 2); 0 elsewhere."""
    per_group = shape[0] // groups
    expected = np.zeros(shape)
    for index in np.ndindex(*shape):
        o, i, *k = index
        if o % per_group == i and all(kk == size // 2 for kk, size in zip(k, shape[2:])):
            expected[index] = 1.0
    return expected


@pytest.mark.parametrize("shape, groups", [
    ((4, 3, 5), 1), ((3, 4, 4), 1), ((6, 2, 3, 3), 2), ((6, 6, 2, 4), 3), ((6, 1, 3, 3), 6),
    ((2, 2, 3, 3, 3), 1), ((4, 4, 1, 2, 5), 2), ((8, 3, 3, 3), 2), ((0, 2, 4), 1), ((2, 0, 3), 1),
])
def test_dirac_values_against_plain_loops(shape, groups):
    x = minigan.full(shape, 7.0, dtype=minigan.float64)
    assert init.dirac_(x, groups) is x
    np.testing.assert_array_equal(x.numpy(), _dirac_reference(shape, groups))


def test_dirac_passes_the_input_through_a_convolution():
    x = minigan.tensor(np.arange(2 * 3 * 5 * 5, dtype=np.float32).reshape(2, 3, 5, 5))
    conv = nn.Conv2d(3, 3, 3, padding=1, bias=False)
    with minigan.no_grad():
        init.dirac_(conv.weight)
    np.testing.assert_array_equal(conv(x).detach().numpy(), x.numpy())


def test_dirac_takes_integer_and_bool_tensors():
    assert init.dirac_(minigan.full((2, 2, 3), 5, dtype=minigan.int32)).tolist() == \
        [[[0, 1, 0], [0, 0, 0]], [[0, 0, 0], [0, 1, 0]]]
    assert init.dirac_(minigan.zeros((1, 1, 2), dtype=minigan.bool)).tolist() == [[[False, True]]]


@pytest.mark.parametrize("shape, groups, error, message", [
    ((3, 3), 1, ValueError, "Only tensors with 3, 4, or 5 dimensions are supported"),
    ((1, 1, 1, 1, 1, 1), 1, ValueError, "Only tensors with 3, 4, or 5 dimensions are supported"),
    ((5, 3, 3), 2, ValueError, "dim 0 must be divisible by groups"),
    ((4, 3, 3), 0, ZeroDivisionError, "integer modulo by zero"),
    ((2, 2, 0), 1, IndexError, "index 0 is out of bounds for dimension 2 with size 0"),
    ((2, 2, 3, 0), 1, IndexError, "index 0 is out of bounds for dimension 3 with size 0"),
])
def test_dirac_errors_are_pytorch_s(shape, groups, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        init.dirac_(minigan.zeros(shape), groups)


# ---------------------------------------------------------------------------- sparse_
@pytest.mark.parametrize("rows, sparsity, zeros", [
    (10, 0.25, 3),   # ceil(2.5)
    (10, 0.5, 5),
    (7, 0.5, 4),     # ceil(3.5)
    (3, 0.0, 0),
    (5, 1.0, 5),
    (6, 1.5, 6),     # ceil(9) zeros asked, all 6 rows zeroed
    (4, -0.5, 2),    # ceil(-2) = -2: as PyTorch, all rows but the last 2 of the drawn order
])
def test_sparse_zeros_ceil_of_sparsity_times_rows_in_each_column(rows, sparsity, zeros):
    x = minigan.zeros(rows, 6, dtype=minigan.float64)
    assert init.sparse_(x, sparsity, std=0.5, generator=_seeded(2)) is x
    values = x.numpy()
    assert (values == 0).sum(axis=0).tolist() == [zeros] * 6


def test_sparse_draws_the_rest_from_normal_and_zeros_different_rows_per_column():
    values = init.sparse_(minigan.zeros(1000, 300, dtype=minigan.float64), 0.3, std=0.5, generator=_seeded(6)).numpy()
    kept = values[values != 0]
    assert kept.size == 700 * 300
    assert abs(kept.mean()) < 4 * 0.5 / math.sqrt(kept.size) and abs(kept.std() - 0.5) < 4 * 0.5 / math.sqrt(kept.size)
    patterns = {tuple(np.flatnonzero(values[:, col] == 0)) for col in range(300)}
    assert len(patterns) == 300
    small = init.sparse_(minigan.zeros(4, 3), 0.5).numpy()
    assert small.dtype == np.float32 and (small == 0).sum(axis=0).tolist() == [2, 2, 2]


@pytest.mark.parametrize("shape, kwargs, error, message", [
    ((3,), {}, ValueError, "Only tensors with 2 dimensions are supported"),
    ((3, 3, 3), {}, ValueError, "Only tensors with 2 dimensions are supported"),
    ((4, 2), {"std": -1.5}, RuntimeError, "normal expects std >= 0.0, but found std -1.5"),
    ((0, 2), {"std": -1}, RuntimeError, "normal expects std >= 0.0, but found std -1"),
    ((4, 2), {"std": math.nan}, RuntimeError, "normal expects std >= 0.0, but found std nan"),
    ((3, 2), {"sparsity": math.nan}, ValueError, "cannot convert float NaN to integer"),
])
def test_sparse_errors_are_pytorch_s(shape, kwargs, error, message):
    kwargs = {"sparsity": 0.5, **kwargs}
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        init.sparse_(minigan.zeros(shape), **kwargs)


def test_sparse_of_an_integer_tensor_says_so():
    with pytest.raises(NotImplementedError, match=re.escape("\"sparse_\" not implemented for 'Long'")):
        init.sparse_(minigan.zeros(4, 2, dtype=minigan.int64), 0.5)


# ---------------------------------------------------------------------------- in place, as PyTorch's no_grad fills
FILLS = [
    ("trunc_normal_", (3, 3), {"a": -50.0, "b": 50.0}),  # no draw rejected
    ("orthogonal_", (3, 3), {}),
    ("eye_", (3, 3), {}),
    ("dirac_", (2, 2, 3), {}),
    ("sparse_", (3, 3), {"sparsity": 0.5}),
]
#: PyTorch 2.14.1's in-place steps for each: one fill; orthogonal_ copies then multiplies by gain;
#: dirac_ zeroes then writes each of its two 1s; sparse_ draws then zeroes each of the 3 columns.
CHANGES = {"trunc_normal_": 1, "orthogonal_": 2, "eye_": 1, "dirac_": 3, "sparse_": 4}


@pytest.mark.parametrize("name, shape, kwargs", FILLS)
def test_each_fills_a_parameter_in_place_records_nothing_and_counts_pytorchs_changes(name, shape, kwargs):
    weight = nn.Parameter(minigan.zeros(shape))
    memory = weight.array
    assert minigan.is_grad_enabled()
    assert getattr(init, name)(weight, **kwargs) is weight
    assert weight.array is memory and weight.requires_grad and weight.grad_fn is None
    assert weight._version == CHANGES[name]
    assert (weight.numpy() != 0).any()


@pytest.mark.parametrize("name, shape, kwargs", FILLS)
def test_a_fill_after_the_forward_pass_is_caught_at_backward(name, shape, kwargs):
    weight = nn.Parameter(minigan.ones(shape))
    loss = (weight * weight).sum()
    getattr(init, name)(weight, **kwargs)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_the_fills_on_the_strict_test_device():
    x = minigan.zeros(2, 3).to("strict")
    assert init.eye_(x) is x and x.device == minigan.zeros(1).to("strict").device
    assert x.to("cpu").tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    w = init.dirac_(minigan.zeros(2, 2, 3).to("strict"))
    assert w.to("cpu").tolist() == [[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]
    o = init.orthogonal_(minigan.zeros(3, 5, dtype=minigan.float64).to("strict"), generator=_seeded(1)).to("cpu").numpy()
    np.testing.assert_allclose(o @ o.T, np.eye(3), atol=1e-12)
    t = init.trunc_normal_(minigan.zeros(500).to("strict"), a=-0.5, b=0.5).to("cpu").numpy()
    assert t.min() >= -0.5 and t.max() <= 0.5
    s = init.sparse_(minigan.zeros(4, 3).to("strict"), 0.5).to("cpu").numpy()
    assert (s == 0).sum(axis=0).tolist() == [2, 2, 2]


# ---------------------------------------------------------------------------- deprecated spellings
@pytest.mark.parametrize("old, shape, args, kwargs", [
    ("uniform", (3, 4), (-1.0, 2.0), {"generator": _seeded(0)}),
    ("normal", (3, 4), (0.5, 2.0), {"generator": _seeded(0)}),
    ("constant", (3, 4), (0.25,), {}),
    ("eye", (3, 4), (), {}),
    ("dirac", (2, 2, 3), (), {}),
    ("xavier_uniform", (3, 4), (), {"gain": 2.0, "generator": _seeded(0)}),
    ("xavier_normal", (3, 4), (), {"generator": _seeded(0)}),
    ("kaiming_uniform", (3, 4), (), {"a": 0.1, "generator": _seeded(0)}),
    ("kaiming_normal", (3, 4), (), {"mode": "fan_out", "generator": _seeded(0)}),
    ("orthogonal", (3, 4), (2.0,), {"generator": _seeded(0)}),
    ("sparse", (3, 4), (0.5,), {"generator": _seeded(0)}),
])
def test_deprecated_spelling_warns_then_does_what_the_underscore_form_does(old, shape, args, kwargs):
    message = f"`nn.init.{old}` is now deprecated in favor of `nn.init.{old}_`."
    x = minigan.zeros(shape, dtype=minigan.float64)
    with pytest.warns(FutureWarning, match=f"^{re.escape(message)}$") as caught:
        assert getattr(init, old)(x, *args, **kwargs) is x
    assert len(caught) == 1 and caught[0].filename == __file__
    again = {key: (_seeded(0) if key == "generator" else value) for key, value in kwargs.items()}
    expected = getattr(init, old + "_")(minigan.zeros(shape, dtype=minigan.float64), *args, **again)
    np.testing.assert_array_equal(x.numpy(), expected.numpy())
    assert getattr(init, old).__name__ == old


def test_deprecated_spelling_passes_the_error_on():
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye(minigan.zeros(3))
