"""PyTorch's ``out=`` argument on the torch-level functions: ``minigan.exp(x, out=y)`` writes
``exp(x)`` into ``y`` and returns ``y`` (minigan/torch_api/out_argument.py).

Every public function of ``minigan`` whose signature has ``out`` has a case below, so a function
given the argument later is tested here too. Each case is checked against the same call without
``out=`` and, for a few, against NumPy written out."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigan as mg

A = np.array([[0.2, 0.7, 0.4], [0.9, 0.1, 0.6]], np.float32)
B = np.array([[0.5, 0.3, 0.8], [0.25, 0.75, 0.35]], np.float32)
SQUARE = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]], np.float32)
INTS = np.array([[3, 12, 5], [8, 6, 9]], np.int64)
SORTED = np.array([0.1, 0.4, 0.7], np.float32)


def a():
    return mg.tensor(A)


def b():
    return mg.tensor(B)


def square():
    return mg.tensor(SQUARE)


def ints():
    return mg.tensor(INTS)


def _lower():
    return mg.linalg.cholesky(square())


def _lu():
    return mg.linalg.lu_factor(square())


# name -> the positional and keyword arguments of one call (made fresh for each test).
CASES = {
    **{name: lambda: ((a(),), {}) for name in (
        "abs", "acos", "arccos", "asin", "arcsin", "atan", "arctan", "cos", "cosh", "sin", "sinh", "tan", "tanh",
        "exp", "expm1", "log", "log10", "log1p", "log2", "sqrt", "rsqrt", "reciprocal", "sigmoid", "softplus",
        "erf", "erfc", "erfinv", "lgamma", "digamma", "i0", "asinh", "arcsinh", "atanh", "arctanh", "ceil",
        "floor", "round", "trunc", "sign", "sgn", "signbit", "neg", "square", "deg2rad", "rad2deg", "angle",
        "conj_physical", "isneginf", "isposinf", "nan_to_num", "logical_not")},
    "acosh": lambda: ((a() + 1,), {}), "arccosh": lambda: ((a() + 1,), {}),
    "atan2": lambda: ((a(), b()), {}), "arctan2": lambda: ((a(), b()), {}),
    **{name: lambda: ((a(), b()), {}) for name in (
        "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "remainder",
        "fmod", "maximum", "minimum", "fmax", "fmin", "copysign", "hypot", "logaddexp", "logaddexp2", "xlogy",
        "nextafter", "heaviside", "float_power", "eq", "ne", "lt", "le", "gt", "ge", "less", "less_equal",
        "greater", "greater_equal", "not_equal", "logical_and", "logical_or", "logical_xor", "pow")},
    **{name: lambda: ((ints(), mg.tensor(np.array([[2, 3, 1], [4, 1, 2]]))), {}) for name in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm")},
    "bitwise_not": lambda: ((ints(),), {}),
    "ldexp": lambda: ((a(), mg.tensor(np.array([[1, 2, 3], [0, -1, 2]]))), {}),
    "clamp": lambda: ((a(),), {"min": 0.3, "max": 0.6}), "clip": lambda: ((a(),), {"min": 0.3, "max": 0.6}),
    "clamp_min": lambda: ((a(), 0.3), {}), "clamp_max": lambda: ((a(), 0.6), {}),
    "lerp": lambda: ((a(), b(), 0.25), {}),
    "addcmul": lambda: ((a(), a(), b()), {"value": 0.5}), "addcdiv": lambda: ((a(), a(), b()), {"value": 0.5}),
    "where": lambda: ((a() > 0.5, a(), b()), {}),
    "sum": lambda: ((a(), 1), {}), "mean": lambda: ((a(), 0), {}), "nanmean": lambda: ((a(), 1), {}),
    "prod": lambda: ((a(), 1), {}), "std": lambda: ((a(), 1), {}), "var": lambda: ((a(), 1), {}),
    "amax": lambda: ((a(), 1), {}), "amin": lambda: ((a(), 0), {}), "norm": lambda: ((a(),), {}),
    "logsumexp": lambda: ((a(), 1), {}), "cumsum": lambda: ((a(), 1), {}), "cumprod": lambda: ((a(), 1), {}),
    "logcumsumexp": lambda: ((a(), 0), {}),
    "max": lambda: ((a(), 1), {}), "min": lambda: ((a(), 1), {}), "median": lambda: ((a(), 1), {}),
    "nanmedian": lambda: ((a(), 1), {}), "mode": lambda: ((ints(), 1), {}), "kthvalue": lambda: ((a(), 2, 1), {}),
    "topk": lambda: ((a(), 2), {}), "sort": lambda: ((a(), 1), {}),
    "cummax": lambda: ((a(), 1), {}), "cummin": lambda: ((a(), 1), {}), "msort": lambda: ((a(),), {}),
    "quantile": lambda: ((a(), 0.5), {}), "nanquantile": lambda: ((a(), 0.25), {}),
    "all": lambda: ((a() > 0.5, 1), {}), "any": lambda: ((a() > 0.5, 1), {}),
    "isin": lambda: ((ints(), mg.tensor(np.array([5, 6]))), {}),
    "masked_select": lambda: ((a(), a() > 0.5), {}), "index_select": lambda: ((a(), 1, mg.tensor([2, 0])), {}),
    "gather": lambda: ((a(), 1, mg.tensor(np.array([[0, 0], [2, 1]]))), {}),
    "scatter": lambda: ((a(), 1, mg.tensor(np.array([[0], [2]])), b()), {}),
    "take_along_dim": lambda: ((a(), mg.tensor(np.array([[0], [2]])), 1), {}),
    "bucketize": lambda: ((a(), mg.tensor(SORTED)), {}), "searchsorted": lambda: ((mg.tensor(SORTED), a()), {}),
    "histc": lambda: ((a(),), {"bins": 4, "min": 0.0, "max": 1.0}),
    "histogram": lambda: ((a(), 3), {}),
    "diag": lambda: ((square(),), {}), "tril": lambda: ((square(),), {}), "triu": lambda: ((square(), 1), {}),
    "diff": lambda: ((a(),), {}), "outer": lambda: ((a()[0], b()[1]), {}),
    "cross": lambda: ((a(), b()), {"dim": 1}), "dot": lambda: ((a()[0], b()[0]), {}),
    "vdot": lambda: ((a()[1], b()[0]), {}), "inner": lambda: ((a(), b()), {}),
    "mv": lambda: ((square(), a()[0]), {}), "mm": lambda: ((a(), square()), {}),
    "matmul": lambda: ((a(), square()), {}), "bmm": lambda: ((a()[None], square()[None]), {}),
    "addmm": lambda: ((b(), a(), square()), {"beta": 0.5}), "addmv": lambda: ((a()[0], square(), b()[1]), {}),
    "addr": lambda: ((square(), a()[0], b()[1]), {}),
    "addbmm": lambda: ((b(), a()[None], square()[None]), {}),
    "baddbmm": lambda: ((b()[None], a()[None], square()[None]), {"alpha": 2.0}),
    "chain_matmul": lambda: ((square(), square(), square()), {}), "kron": lambda: ((a(), b()), {}),
    "tensordot": lambda: ((a(), square()), {"dims": 1}),
    "cholesky_solve": lambda: ((b().T, _lower()), {}), "cholesky_inverse": lambda: ((_lower(),), {}),
    "lu": lambda: ((square(),), {}), "lu_solve": lambda: ((b().T, *_lu()), {}),
    "lu_unpack": lambda: (_lu(), {}), "svd": lambda: ((a(),), {}), "nuclear_norm": lambda: ((square(),), {}),
    "renorm": lambda: ((a(), 2, 0, 0.5), {}),
    "frexp": lambda: ((a() * 10,), {}),
    "cat": lambda: (([a(), b()],), {}), "concat": lambda: (([a(), b()], 1), {}),
    "concatenate": lambda: (([a(), b()],), {}), "stack": lambda: (([a(), b()],), {}),
    "hstack": lambda: (([a(), b()],), {}), "vstack": lambda: (([a(), b()],), {}),
    "row_stack": lambda: (([a(), b()],), {}), "dstack": lambda: (([a(), b()],), {}),
    "column_stack": lambda: (([a()[0], b()[0]],), {}),
    "alias_copy": lambda: ((a(),), {}), "t_copy": lambda: ((a(),), {}),
    "permute_copy": lambda: ((a(), (1, 0)), {}), "transpose_copy": lambda: ((a(), 0, 1), {}),
    "view_copy": lambda: ((a(), (3, 2)), {}), "squeeze_copy": lambda: ((a()[None],), {}),
    "unsqueeze_copy": lambda: ((a(), 0), {}), "expand_copy": lambda: ((a()[0], (2, 3)), {}),
    "diagonal_copy": lambda: ((square(),), {}), "select_copy": lambda: ((a(), 0, 1), {}),
    "slice_copy": lambda: ((a(), 1, 0, 2), {}), "narrow_copy": lambda: ((a(), 1, 1, 2), {}),
    "unfold_copy": lambda: ((a(), 1, 2, 1), {}),
    "polygamma": lambda: ((1, a()), {}), "mvlgamma": lambda: ((a() + 2, 2), {}), "igamma": lambda: ((a() + 1, b()), {}),
    "igammac": lambda: ((a() + 1, b()), {}), "exp2": lambda: ((a(),), {}), "logit": lambda: ((a(),), {}),
    "sinc": lambda: ((a(),), {}),
    **{f"special.{name}": lambda: ((a(),), {}) for name in (
        "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "spherical_bessel_j0", "modified_bessel_i0",
        "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
        "scaled_modified_bessel_k1", "exp2", "expit", "logit", "sinc", "log_ndtr", "ndtr", "ndtri", "digamma",
        "gammaln", "entr", "erf", "erfc", "erfcx", "erfinv", "expm1", "i0", "i0e", "i1", "i1e", "log1p", "psi",
        "sigmoid")},
    **{f"special.{name}": lambda: ((a(), 3), {}) for name in (
        "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
        "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
        "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
        "legendre_polynomial_p")},
    "special.polygamma": lambda: ((2, a()), {}), "special.multigammaln": lambda: ((a() + 2, 3), {}),
    "special.gammainc": lambda: ((a() + 1, b()), {}), "special.gammaincc": lambda: ((a() + 1, b()), {}),
    "special.zeta": lambda: ((a() + 2, b()), {}), "special.xlog1py": lambda: ((a(), b()), {}),
    "special.xlogy": lambda: ((a(), b()), {}),
    **{f"linalg.{name}": lambda: ((square(),), {}) for name in (
        "cholesky", "cholesky_ex", "cond", "det", "eigh", "eigvalsh", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex",
        "lu", "lu_factor", "lu_factor_ex", "matrix_norm", "matrix_rank", "slogdet", "svdvals")},
    "det": lambda: ((square(),), {}), "inverse": lambda: ((square(),), {}), "slogdet": lambda: ((square(),), {}),
    "linalg.cross": lambda: ((a(), b()), {}), "linalg.vecdot": lambda: ((a(), b()), {}),
    "linalg.householder_product": lambda: ((a().T, mg.tensor([0.5, 0.3])), {}),
    "linalg.ldl_solve": lambda: ((*mg.linalg.ldl_factor(square()), b().T), {}),
    "linalg.lu_solve": lambda: ((*mg.linalg.lu_factor(square()), b().T), {}),
    "linalg.matrix_power": lambda: ((square(), 3), {}),
    "linalg.multi_dot": lambda: (([a(), square(), b().T],), {}),
    "linalg.norm": lambda: ((a(),), {}), "linalg.vector_norm": lambda: ((a(),), {"ord": 3}),
    "linalg.pinv": lambda: ((a(),), {}), "linalg.qr": lambda: ((a().T,), {}), "linalg.svd": lambda: ((a(),), {}),
    "linalg.solve": lambda: ((square(), b().T), {}), "linalg.solve_ex": lambda: ((square(), b().T), {}),
    "linalg.solve_triangular": lambda: ((_lower(), b().T), {"upper": False}),
    "linalg.tensorinv": lambda: ((square(),), {"ind": 1}),
    "linalg.tensorsolve": lambda: ((square(), a()[0]), {}),
    "arange": lambda: ((1, 7, 2), {}), "linspace": lambda: ((0.0, 1.0, 5), {}), "logspace": lambda: ((0.0, 2.0, 3), {}),
    "eye": lambda: ((3,), {}), "range": lambda: ((1, 4), {}), "full": lambda: (((2, 2), 1.5), {}), "zeros": lambda: ((2, 3), {}),
    "ones": lambda: ((2, 3), {}),
    # linear algebra (geqrf, orgqr, ormqr, triangular_solve...)
    "triangular_solve": lambda: ((b().T, _lower()), {"upper": False}), "geqrf": lambda: ((a(),), {}),
    "orgqr": lambda: ((a().T, mg.tensor([0.5, 0.3])), {}), "ormqr": lambda: ((a().T, mg.tensor([0.5, 0.3]), b().T), {}),
    # torch-level forms of nn.functional (convolution, embedding_bag, native_*...)
    # tensor plumbing (frombuffer, histogramdd...)
    "detach_copy": lambda: ((a(),), {}),
}

#: Functions whose values are random or not initialised: out= is checked on the shape and dtype.
RANDOM = {"empty": lambda: ((2, 3), {}), "rand": lambda: ((2, 3), {}), "randn": lambda: ((2, 3), {}),
          "randint": lambda: ((0, 5, (2, 3)), {}), "randperm": lambda: ((5,), {}),
          "normal": lambda: ((0.0, 1.0, (2, 3)), {}), "bernoulli": lambda: ((a(),), {}),
          "multinomial": lambda: ((a(), 2), {})}


def out_taking_names() -> list[str]:
    """minigan's public functions, and those of minigan.linalg and minigan.special, that take out=."""
    names = []
    for prefix, module in (("", mg), ("linalg.", mg.linalg), ("special.", mg.special)):
        for name in sorted(n for n in dir(module) if not n.startswith("_")):
            value = getattr(module, name)
            if callable(value) and not inspect.isclass(value):
                try:
                    parameters = inspect.signature(value).parameters
                except (TypeError, ValueError):
                    continue
                if "out" in parameters:
                    names.append(prefix + name)
    return names


def function_named(name: str):
    module, _, attribute = name.rpartition(".")
    return getattr(getattr(mg, module) if module else mg, attribute)


def test_every_function_that_takes_out_has_a_case():
    names = out_taking_names()
    assert len(names) > 280
    assert sorted(set(names) - set(CASES) - set(RANDOM)) == []
    assert sorted((set(CASES) | set(RANDOM)) - set(names)) == []


def _empty_like(result):
    return mg.empty(0, dtype=result.dtype)


@pytest.mark.filterwarnings("ignore:torch.(lu|lu_solve|chain_matmul|range|triangular_solve) is deprecated")
@pytest.mark.parametrize("name", sorted(CASES))
def test_out_holds_the_result_and_is_returned(name):
    function = function_named(name)
    args, kwargs = CASES[name]()
    expected = function(*args, **kwargs)
    if isinstance(expected, tuple):
        outs = tuple(_empty_like(part) for part in expected)
        returned = function(*args, out=outs, **kwargs)
        assert type(returned) is type(expected)
        for got, part, want in zip(outs, returned, expected):
            assert part is got
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        return
    out = mg.zeros(expected.shape, dtype=expected.dtype)
    returned = function(*args, out=out, **kwargs)
    assert returned is out
    assert out.dtype == expected.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_out_of_the_random_factories(name):
    function = getattr(mg, name)
    args, kwargs = RANDOM[name]()
    expected = function(*args, **kwargs)
    out = mg.empty(expected.shape, dtype=expected.dtype)
    assert function(*args, out=out, **kwargs) is out
    assert out.shape == expected.shape and out.dtype == expected.dtype


def test_values_against_numpy():
    out = mg.empty(2, 3)
    mg.exp(a(), out=out)
    np.testing.assert_allclose(out.numpy(), np.exp(A), rtol=1e-6)
    total = mg.empty(2)
    mg.sum(a(), 1, out=total)
    np.testing.assert_allclose(total.numpy(), A.sum(1), rtol=1e-6)
    joined = mg.empty(4, 3)
    mg.cat([a(), b()], out=joined)
    np.testing.assert_array_equal(joined.numpy(), np.concatenate([A, B]))
    values, indices = mg.empty(2), mg.empty(2, dtype=mg.int64)
    mg.max(a(), 1, out=(values, indices))
    np.testing.assert_array_equal(values.numpy(), A.max(1))
    np.testing.assert_array_equal(indices.numpy(), A.argmax(1))


def test_out_keeps_its_memory_and_dtype():
    big = mg.zeros(4, 3)
    window = big[1:3]
    mg.sqrt(a(), out=window)
    np.testing.assert_allclose(big.numpy()[1:3], np.sqrt(A), rtol=1e-6)
    assert (big.numpy()[[0, 3]] == 0).all()
    as_float = mg.empty(2, 3)
    mg.eq(a(), 0.7, out=as_float)  # bool into float, as PyTorch casts it
    np.testing.assert_array_equal(as_float.numpy(), (A == np.float32(0.7)).astype(np.float32))
    doubles = mg.empty(2, 3, dtype=mg.float64)
    mg.mul(a(), 2, out=doubles)
    np.testing.assert_array_equal(doubles.numpy(), (A * 2).astype(np.float64))


def test_out_may_be_the_input():
    x = a()
    assert mg.exp(x, out=x) is x
    np.testing.assert_allclose(x.numpy(), np.exp(A), rtol=1e-6)


def test_a_float_result_into_an_integer_out_is_refused():
    out = mg.zeros(2, 3, dtype=mg.int64)
    with pytest.raises(RuntimeError, match=r"^result type Float can't be cast to the desired output type Long$"):
        mg.exp(a(), out=out)
    assert (out.numpy() == 0).all()


def test_an_out_of_another_shape_is_resized_with_pytorchs_warning():
    out = mg.zeros(4)
    with pytest.warns(UserWarning, match=r"^An output with one or more elements was resized since it had shape "
                                          r"\[4\], which does not match the required output shape \[2, 3\]\.$") as caught:
        mg.exp(a(), out=out)
    with pytest.warns(UserWarning, match=r"^An output with one or more elements was resized") as caught_too:
        mg.add(a(), 1, out=mg.zeros(4))
    assert [w.filename for w in caught.list + caught_too.list] == [__file__, __file__]
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), np.exp(A), rtol=1e-6)


def test_an_empty_out_is_resized_silently(recwarn):
    out = mg.empty(0)
    mg.tanh(a(), out=out)
    assert out.shape == (2, 3) and not recwarn.list


def test_factories_make_their_values_in_outs_dtype():
    floats = mg.empty(2)
    assert mg.arange(4, out=floats) is floats  # resized silently, as PyTorch's factories
    assert floats.dtype == mg.float32 and floats.tolist() == [0.0, 1.0, 2.0, 3.0]
    longs = mg.empty(2, dtype=mg.int64)
    mg.full((2,), 1.5, out=longs)
    assert longs.dtype == mg.int64 and longs.tolist() == [1, 1]
    identity = mg.empty(5)
    mg.eye(2, out=identity)
    assert identity.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_a_tuple_result_takes_a_tuple_of_outs():
    with pytest.raises(RuntimeError, match=r"^Expected out tensor to have dtype long int, but got float instead$"):
        mg.max(a(), 1, out=(mg.empty(2), mg.empty(2)))
    with pytest.raises(TypeError, match=r"^max\(\): argument 'out' must be a tuple of 2 Tensors, one for each result, "
                                        r"but got 1 elements$"):
        mg.max(a(), 1, out=(mg.empty(2),))
    with pytest.raises(TypeError, match=r"^sort\(\): argument 'out' must be a tuple of 2 Tensors, one for each "
                                        r"result, but got a Tensor$"):
        mg.sort(a(), out=mg.empty(0))
    values, indices = mg.empty(0), mg.empty(0, dtype=mg.int64)
    result = mg.sort(a(), 1, out=[values, indices])
    assert result.values is values and result.indices is indices
    mantissa, exponent = mg.empty(0), mg.empty(0, dtype=mg.int32)
    mg.frexp(a() * 10, out=(mantissa, exponent))
    m, e = np.frexp(A * 10)
    np.testing.assert_array_equal(mantissa.numpy(), m)
    np.testing.assert_array_equal(exponent.numpy(), e)


def test_a_single_result_refuses_a_tuple_and_a_non_tensor():
    with pytest.raises(TypeError, match=r"^exp\(\): argument 'out' must be a Tensor, not int$"):
        mg.exp(a(), out=3)
    with pytest.raises(TypeError, match=r"^exp\(\): argument 'out' must be a Tensor, not tuple$"):
        mg.exp(a(), out=(mg.empty(0),))


def test_no_graph_goes_through_out():
    x = a().requires_grad_()
    with pytest.raises(RuntimeError, match=r"^exp\(\): functions with out=\.\.\. arguments don't support automatic "
                                           r"differentiation, but one of the arguments requires grad\.$"):
        mg.exp(x, out=mg.empty(2, 3))
    with pytest.raises(RuntimeError, match=r"^cat\(\): functions with out"):
        mg.cat([b(), x], out=mg.empty(0))
    with mg.no_grad():
        out = mg.exp(x, out=mg.empty(2, 3))
    assert not out.requires_grad


def test_writing_into_out_bumps_its_version_for_the_in_place_check():
    x = a().requires_grad_()
    saved = mg.empty(2, 3)
    mg.exp(a(), out=saved)
    y = (x * saved).sum()  # saves `saved` for x's gradient
    with mg.no_grad():
        mg.exp(b(), out=saved)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_without_out_nothing_changes():
    x = a().requires_grad_()
    y = mg.exp(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(A), rtol=1e-6)


@pytest.mark.parametrize("call", [lambda: mg.lu(square()), lambda: mg.lu_solve(b().T, *mg.linalg.lu_factor(square())),
                                  lambda: mg.range(1, 3), lambda: mg.cross(a()[:, :3].T, b()[:, :3].T)])
def test_a_functions_own_warning_still_names_the_callers_line(call):
    import warnings  # noqa: PLC0415

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    assert [w.filename for w in caught] == [__file__]
