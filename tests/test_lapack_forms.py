"""PyTorch's LAPACK-shaped linear-algebra names: the deprecated ``torch.triangular_solve`` (and its warning),
``torch.geqrf`` (LAPACK's compact QR), ``torch.orgqr`` (its Q) and ``torch.ormqr`` (C multiplied by that Q),
as functions and Tensor methods. Values against NumPy written out here (a solve multiplied back, Q built
from the reflectors by hand) and against geqrf worked by hand; PyTorch 2.14.1's result types, messages and
warning; gradients against finite differences (minigan.gradcheck, float64) and closed forms."""
import numpy as np
import pytest

import minigan
from minigan.gradcheck import gradcheck, gradgradcheck

pytestmark = pytest.mark.filterwarnings("error")

RNG = np.random.default_rng(7)
SOLVE_WARNING = r"^torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed"


def f64(array, requires_grad=False):
    return minigan.tensor(np.asarray(array, np.float64), requires_grad=requires_grad)


def triangular_solve(*args, **kwargs):
    """minigan.triangular_solve without its deprecation warning (checked on its own below)."""
    with pytest.warns(UserWarning, match=SOLVE_WARNING):
        return minigan.triangular_solve(*args, **kwargs)


def reflectors_q(a: np.ndarray, tau: np.ndarray, m: int) -> np.ndarray:
    """Q = H_1 ... H_k (m x m), H_i = I - tau_i v_i v_i^T, v_i = (0..0, 1, a[i+1:, i]): LAPACK's rule."""
    q = np.eye(m)
    for i in range(len(tau)):
        v = np.zeros(m)
        v[i] = 1.0
        v[i + 1:] = a[i + 1:, i]
        q = q @ (np.eye(m) - tau[i] * np.outer(v, v))
    return q


# ---------------------------------------------------------------- triangular_solve
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
def test_triangular_solve_solves_the_triangle_it_reads(upper, transpose, unitriangular):
    a = RNG.standard_normal((3, 3)) + 4 * np.eye(3)
    b = RNG.standard_normal((3, 2))
    solution, cloned = triangular_solve(f64(b), f64(a), upper, transpose, unitriangular)
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        np.fill_diagonal(t, 1.0)
    op = t.T if transpose else t
    np.testing.assert_allclose(op @ solution.numpy(), b, atol=1e-12)
    np.testing.assert_array_equal(cloned.numpy(), a)  # all of A, not only its triangle


def test_triangular_solve_worked_by_hand_and_as_a_method():
    with pytest.warns(UserWarning, match=SOLVE_WARNING):
        x, cloned = f64([[1.0], [2.0]]).triangular_solve(f64([[2.0, 1.0], [0.0, 4.0]]))
    np.testing.assert_allclose(x.numpy(), [[0.25], [0.5]], atol=1e-15)  # 4 x2 = 2, 2 x1 + x2 = 1
    with pytest.warns(UserWarning, match=SOLVE_WARNING):
        x, _ = f64([[1.0], [2.0]]).triangular_solve(f64([[2.0, 1.0], [7.0, 4.0]]), upper=False, transpose=True)
    np.testing.assert_allclose(x.numpy(), [[-1.25], [0.5]], atol=1e-15)  # [[2, 7], [0, 4]]: 4 x2 = 2, 2 x1 + 7 x2 = 1


def test_triangular_solve_result_type_and_dtypes():
    result = triangular_solve(minigan.ones(2, 1), minigan.eye(2) * 2)
    assert type(result).__name__ == "triangular_solve"
    assert result._fields == ("solution", "cloned_coefficient")
    assert result.solution is result[0] and result.cloned_coefficient is result[1]
    assert result.solution.dtype == np.float32 and result.cloned_coefficient.dtype == np.float32
    np.testing.assert_array_equal(result.solution.numpy(), [[0.5], [0.5]])


@pytest.mark.parametrize("b_shape, a_shape, batch", [
    ((4, 3, 2), (3, 3), (4,)), ((3, 2), (5, 3, 3), (5,)), ((4, 1, 3, 2), (5, 3, 3), (4, 5)),
    ((2, 1, 3, 1), (1, 6, 3, 3), (2, 6)), ((3, 0), (3, 3), ()),
])
def test_triangular_solve_broadcasts_the_batches_and_clones_a_to_them(b_shape, a_shape, batch):
    a = RNG.standard_normal(a_shape) + 4 * np.eye(3)
    b = RNG.standard_normal(b_shape)
    solution, cloned = triangular_solve(f64(b), f64(a), upper=False)
    assert solution.shape == batch + b_shape[-2:] and cloned.shape == batch + (3, 3)
    np.testing.assert_allclose(np.tril(a) @ solution.numpy(), np.broadcast_to(b, solution.shape), atol=1e-12)
    np.testing.assert_array_equal(cloned.numpy(), np.broadcast_to(a, cloned.shape))


def test_the_deprecation_warning_is_pytorchs_and_names_the_callers_line():
    with pytest.warns(UserWarning) as caught:
        minigan.triangular_solve(minigan.ones(2, 1), minigan.eye(2))
        minigan.ones(2, 1).triangular_solve(minigan.eye(2))
    assert [str(w.message) for w in caught] == [
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be removed in a future "
        "PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed and does not return a copy of one "
        "of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
        "torch.linalg.solve_triangular(A, B).",
    ] * 2
    assert [w.filename for w in caught] == [__file__] * 2


def test_triangular_solve_gradients():
    a = RNG.standard_normal((2, 3, 3)) + 4 * np.eye(3)
    b = RNG.standard_normal((4, 1, 3, 2))
    for upper, transpose, unitriangular in [(True, False, False), (False, True, False), (True, True, True)]:
        def solve(b_, a_, upper=upper, transpose=transpose, unitriangular=unitriangular):
            with pytest.warns(UserWarning, match=SOLVE_WARNING):
                return minigan.triangular_solve(b_, a_, upper, transpose, unitriangular).solution
        assert gradcheck(solve, [f64(b, True), f64(a, True)]).ok
        assert gradgradcheck(solve, [f64(b, True), f64(a, True)]).ok


def test_triangular_solve_gradient_reaches_the_read_triangle_and_through_the_clone_every_element():
    a = f64([[2.0, 1.0, 0.5], [0.3, 4.0, 1.0], [0.7, 0.2, 5.0]], True)
    solution, _ = triangular_solve(f64([[1.0], [2.0], [3.0]]), a)  # upper
    solution.sum().backward()
    assert (a.grad.numpy()[np.tril_indices(3, -1)] == 0).all() and (np.diag(a.grad.numpy()) != 0).all()
    a.grad = None
    triangular_solve(f64([[1.0], [2.0], [3.0]]), a).cloned_coefficient.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.ones((3, 3)))  # d sum(clone(A)) / dA


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.triangular_solve(minigan.ones(3), minigan.ones(3, 3)), RuntimeError,
     "torch.triangular_solve: Expected b to have at least 2 dimensions, but it has 1 dimensions instead"),
    (lambda: minigan.triangular_solve(minigan.ones(3, 2), minigan.ones(3)), RuntimeError,
     "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has 1 dimensions instead"),
    (lambda: minigan.triangular_solve(minigan.ones(3, 2), minigan.ones(3, 4, dtype=minigan.float64)), RuntimeError,
     "Expected b and A to have the same dtype, but found b of type Float and A of type Double instead."),
    (lambda: minigan.triangular_solve(minigan.ones(3, 2), minigan.ones(3, 4)), RuntimeError,
     "A must be batches of square matrices, but they are 3 by 4 matrices"),
    (lambda: minigan.triangular_solve(minigan.ones(4, 2), minigan.ones(3, 3)), RuntimeError,
     "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b matrix is 4 by 2"),
    (lambda: minigan.triangular_solve(minigan.ones(2, 4, 3, 2), minigan.ones(5, 3, 3)), RuntimeError,
     "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"),
    (lambda: minigan.triangular_solve(minigan.ones(2, 5, 3, 3), minigan.ones(4, 6, 3, 3)), RuntimeError,
     "The size of tensor a (5) must match the size of tensor b (6) at non-singleton dimension 1"),  # the rightmost
    (lambda: minigan.triangular_solve([[1.0]], minigan.ones(1, 1)), TypeError,
     "triangular_solve(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda: minigan.triangular_solve(minigan.ones(1, 1), [[1.0]]), TypeError,
     "triangular_solve(): argument 'A' (position 2) must be Tensor, not list"),
])
def test_triangular_solve_errors_are_pytorchs_and_come_before_the_warning(call, error, message):
    with pytest.raises(error) as caught:
        call()  # no warning: warnings are errors here, and PyTorch warns only once the arguments pass
    assert str(caught.value) == message


def test_triangular_solve_broadcasts_an_empty_batch_against_one():
    with pytest.warns(UserWarning, match=SOLVE_WARNING):
        solution, coefficient = minigan.triangular_solve(minigan.ones(0, 3, 2), minigan.eye(3)[None])
    assert solution.shape == (0, 3, 2) and coefficient.shape == (0, 3, 3)


def test_triangular_solve_refuses_integers_and_float16_after_warning_and_a_zero_pivot():
    for dtype, name in ((minigan.int64, "Long"), (minigan.float16, "Half")):
        with pytest.warns(UserWarning, match=SOLVE_WARNING), pytest.raises(NotImplementedError) as caught:
            minigan.triangular_solve(minigan.ones(2, 1, dtype=dtype), minigan.ones(2, 2, dtype=dtype))
        assert str(caught.value) == f"\"triangular_solve_cpu\" not implemented for '{name}'"
    with pytest.warns(UserWarning, match=SOLVE_WARNING), pytest.raises(minigan.linalg.LinAlgError,
                                                                      match="zero on its diagonal"):
        minigan.triangular_solve(minigan.ones(2, 1), f64([[1.0, 1.0], [0.0, 0.0]]).float())


# ---------------------------------------------------------------- geqrf
def test_geqrf_worked_by_hand():
    # [3, 4]: beta = -5 (the sign opposite alpha's), tau = (beta - alpha) / beta = 1.6, v = 4 / (alpha - beta) = 0.5;
    # the second column then has nothing below its diagonal: tau 0, and R[1, 1] = (H_1 [1, 2])[1] = 0.4.
    a, tau = minigan.geqrf(f64([[3.0, 1.0], [4.0, 2.0]]))
    np.testing.assert_allclose(a.numpy(), [[-5.0, -2.2], [0.5, 0.4]], atol=1e-15)
    np.testing.assert_allclose(tau.numpy(), [1.6, 0.0], atol=1e-15)
    a, tau = f64([[-3.0], [4.0]]).geqrf()  # alpha < 0: beta = +5, v = 4 / (-3 - 5)
    np.testing.assert_allclose(a.numpy(), [[5.0], [-0.5]], atol=1e-15)
    np.testing.assert_allclose(tau.numpy(), [1.6], atol=1e-15)
    a, tau = minigan.geqrf(f64([[2.0, 1.0], [0.0, 3.0]]))  # already upper triangular: no reflection
    np.testing.assert_array_equal(a.numpy(), [[2.0, 1.0], [0.0, 3.0]])
    np.testing.assert_array_equal(tau.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("shape", [(5, 3), (3, 3), (3, 5), (2, 4, 3), (2, 1, 3, 2), (1, 1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_geqrf_reflectors_rebuild_a(shape, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    a, tau = minigan.geqrf(minigan.tensor(x))
    m, n = shape[-2:]
    k = min(m, n)
    assert a.shape == shape and tau.shape == shape[:-2] + (k,) and a.dtype == dtype and tau.dtype == dtype
    assert type(minigan.geqrf(minigan.tensor(x))).__name__ == "geqrf"
    assert minigan.geqrf(minigan.tensor(x))._fields == ("a", "tau")
    for index in np.ndindex(*shape[:-2]):
        h, t = a.numpy()[index].astype(np.float64), tau.numpy()[index].astype(np.float64)
        q = reflectors_q(h, t, m)
        r = np.zeros((m, n))
        r[:k] = np.triu(h[:k])
        np.testing.assert_allclose(q @ r, x[index], atol=1e-12 if dtype == np.float64 else 1e-5)
        np.testing.assert_allclose(q.T @ q, np.eye(m), atol=1e-12 if dtype == np.float64 else 1e-5)


def test_geqrf_of_empty_matrices():
    a, tau = minigan.geqrf(minigan.ones(0, 3))
    assert a.shape == (0, 3) and tau.shape == (0,)
    a, tau = minigan.geqrf(minigan.ones(2, 3, 0))
    assert a.shape == (2, 3, 0) and tau.shape == (2, 0)


def test_geqrf_has_no_derivative_as_in_pytorch():
    x = f64([[3.0, 1.0], [4.0, 2.0]], True)
    a, tau = minigan.geqrf(x)
    assert a.requires_grad and tau.requires_grad
    for part in (a, tau):
        with pytest.raises(NotImplementedError) as caught:
            part.sum().backward(retain_graph=True)
        assert str(caught.value) == "the derivative for 'geqrf' is not implemented."
    assert not minigan.geqrf(f64([[1.0]])).a.requires_grad


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.geqrf(minigan.ones(3)), RuntimeError, "torch.geqrf: input must have at least 2 dimensions."),
    (lambda: minigan.geqrf(minigan.ones(2, 2, dtype=minigan.int64)), NotImplementedError,
     "\"geqrf_cpu\" not implemented for 'Long'"),
    (lambda: minigan.geqrf(minigan.ones(2, 2, dtype=minigan.bool)), NotImplementedError,
     "\"geqrf_cpu\" not implemented for 'Bool'"),
    (lambda: minigan.geqrf(minigan.ones(2, 2, dtype=minigan.float16)), NotImplementedError,
     "\"geqrf_cpu\" not implemented for 'Half'"),
    (lambda: minigan.geqrf([[1.0]]), TypeError, "geqrf(): argument 'input' (position 1) must be Tensor, not list"),
])
def test_geqrf_errors_are_pytorchs(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


# ---------------------------------------------------------------- orgqr
@pytest.mark.parametrize("shape, k", [((4, 3), 3), ((4, 3), 2), ((3, 3), 3), ((2, 5, 2), 2)])
def test_orgqr_is_the_first_columns_of_the_reflectors_product(shape, k):
    x = RNG.standard_normal(shape)
    tau = RNG.uniform(0.2, 1.8, shape[:-2] + (k,))
    q = minigan.orgqr(f64(x), f64(tau))
    assert q.shape == shape and q.dtype == np.float64
    m, n = shape[-2:]
    for index in np.ndindex(*shape[:-2]):
        np.testing.assert_allclose(q.numpy()[index], reflectors_q(x[index], tau[index], m)[:, :n], atol=1e-12)
    np.testing.assert_allclose(f64(x).orgqr(f64(tau)).numpy(), q.numpy(), atol=0)


def test_orgqr_of_geqrf_is_qrs_q():
    x = RNG.standard_normal((5, 3))
    q = minigan.orgqr(*minigan.geqrf(f64(x)))
    r = np.triu(minigan.geqrf(f64(x)).a.numpy()[:3])
    np.testing.assert_allclose(q.numpy() @ r, x, atol=1e-12)
    np.testing.assert_allclose(q.numpy().T @ q.numpy(), np.eye(3), atol=1e-12)


def test_orgqr_gradients():
    x, tau = RNG.standard_normal((2, 4, 3)), RNG.uniform(0.2, 1.8, (2, 3))
    assert gradcheck(minigan.orgqr, [f64(x, True), f64(tau, True)]).ok
    assert gradgradcheck(minigan.orgqr, [f64(x, True), f64(tau, True)]).ok


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.orgqr(minigan.ones(3), minigan.ones(2)), RuntimeError,
     "torch.linalg.householder_product: input must have at least 2 dimensions."),
    (lambda: minigan.orgqr(minigan.ones(3, 2, dtype=minigan.float64), minigan.ones(2)), RuntimeError,
     "torch.linalg.householder_product: tau dtype Float does not match input dtype Double"),
    (lambda: minigan.orgqr(minigan.ones(2, 3), minigan.ones(2)), RuntimeError,
     "torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]"),
    (lambda: minigan.orgqr(minigan.ones(3, 2, dtype=minigan.int64), minigan.ones(2, dtype=minigan.int64)),
     NotImplementedError, "\"orgqr_cpu\" not implemented for 'Long'"),
    (lambda: minigan.orgqr(minigan.ones(3, 2, dtype=minigan.float16), minigan.ones(2, dtype=minigan.float16)),
     NotImplementedError, "\"orgqr_cpu\" not implemented for 'Half'"),
    (lambda: minigan.orgqr([[1.0]], minigan.ones(1)), TypeError,
     "orgqr(): argument 'input' (position 1) must be Tensor, not list"),
])
def test_orgqr_errors_are_pytorchs(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


# ---------------------------------------------------------------- ormqr
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (4, 4), (3, 5), (2, 4, 2)])
def test_ormqr_multiplies_by_the_reflectors_q(left, transpose, shape):
    m, n = shape[-2:]
    k = min(m, n)
    x = RNG.standard_normal(shape)
    tau = RNG.uniform(0.2, 1.8, shape[:-2] + (k,))
    c = RNG.standard_normal(shape[:-2] + ((m, 3) if left else (3, m)))
    result = minigan.ormqr(f64(x), f64(tau), f64(c), left, transpose)
    assert result.shape == c.shape and result.dtype == np.float64
    for index in np.ndindex(*shape[:-2]):
        q = reflectors_q(x[index], tau[index], m)
        q = q.T if transpose else q
        np.testing.assert_allclose(result.numpy()[index], q @ c[index] if left else c[index] @ q, atol=1e-12)
    method = f64(x).ormqr(f64(tau), f64(c), left=left, transpose=transpose)
    np.testing.assert_allclose(method.numpy(), result.numpy(), atol=0)


def test_ormqr_with_geqrf_gives_r_and_float32_stays_float32():
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    a, tau = minigan.geqrf(minigan.tensor(x))
    qt_x = minigan.ormqr(a, tau, minigan.tensor(x), transpose=True)  # Q^T A = R, zero below
    assert qt_x.dtype == np.float32
    np.testing.assert_allclose(qt_x.numpy(), np.vstack([np.triu(a.numpy()[:3]), np.zeros((2, 3))]), atol=1e-5)
    c = RNG.standard_normal((5, 0))
    assert minigan.ormqr(f64(x), f64([0.5, 0.5, 0.5]), f64(c)).shape == (5, 0)
    np.testing.assert_array_equal(minigan.ormqr(minigan.ones(4, 0), minigan.ones(0), minigan.ones(4, 2)).numpy(),
                                  np.ones((4, 2)))  # no reflectors: Q = I


@pytest.mark.parametrize("left, transpose", [(True, False), (True, True), (False, False), (False, True)])
def test_ormqr_gradients(left, transpose):
    x, tau = RNG.standard_normal((2, 4, 3)), RNG.uniform(0.2, 1.8, (2, 3))
    c = RNG.standard_normal((2, 4, 2) if left else (2, 3, 4))

    def multiply(x_, tau_, c_):
        return minigan.ormqr(x_, tau_, c_, left, transpose)
    assert gradcheck(multiply, [f64(x, True), f64(tau, True), f64(c, True)]).ok
    assert gradgradcheck(multiply, [f64(x, True), f64(tau, True), f64(c, True)]).ok


def test_ormqr_gradient_reaches_only_the_householder_vectors():
    x = f64(RNG.standard_normal((4, 3)), True)
    minigan.ormqr(x, f64([0.5, 1.2, 0.7]), f64(RNG.standard_normal((4, 2)))).sum().backward()
    assert (x.grad.numpy()[np.triu_indices(4, 0, 3)] == 0).all()  # R's place and the implicit 1s are not read
    assert (x.grad.numpy()[np.tril_indices(4, -1, 3)] != 0).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda: minigan.ormqr(minigan.ones(4), minigan.ones(3), minigan.ones(4)), RuntimeError,
     "torch.ormqr: input must have at least 2 dimensions."),
    (lambda: minigan.ormqr(minigan.ones(4, 3), minigan.ones(3), minigan.ones(4)), RuntimeError,
     "torch.ormqr: other must have at least 2 dimensions."),
    (lambda: minigan.ormqr(minigan.ones(3, 2), minigan.ones(5), minigan.ones(4, 2)), RuntimeError,
     "torch.ormqr: other.shape[-2] must be equal to input.shape[-2]"),
    (lambda: minigan.ormqr(minigan.ones(3, 2), minigan.ones(2), minigan.ones(4, 5), left=False), RuntimeError,
     "torch.ormqr: other.shape[-1] must be equal to input.shape[-2]"),
    (lambda: minigan.ormqr(minigan.ones(4, 3), minigan.ones(()), minigan.ones(4, 2)), IndexError,
     "Dimension specified as -1 but tensor has no dimensions"),
    (lambda: minigan.ormqr(minigan.ones(4, 3), minigan.ones(2), minigan.ones(4, 2)), RuntimeError,
     "torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], input.shape[-1])"),
    (lambda: minigan.ormqr(minigan.ones(5, 3), minigan.ones(2), minigan.ones(4, 5), left=False), RuntimeError,
     "torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-1], input.shape[-1])"),
    (lambda: minigan.ormqr(minigan.ones(2, 4, 3), minigan.ones(2, 2, 3), minigan.ones(4, 2)), RuntimeError,
     "torch.ormqr: Expected tau to have one dimension less than input, but got tau.ndim equal to 3 and input.ndim "
     "is equal to 3"),
    (lambda: minigan.ormqr(minigan.ones(2, 4, 3), minigan.ones(3, 3), minigan.ones(4, 2)), RuntimeError,
     "torch.ormqr: Expected other to have the same number of dimensions as input, but got other.ndim equal to 2 "
     "and input.ndim is equal to 3"),
    (lambda: minigan.ormqr(minigan.ones(2, 4, 3), minigan.ones(3, 3), minigan.ones(3, 4, 2)), RuntimeError,
     "torch.ormqr: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [3]"),
    (lambda: minigan.ormqr(minigan.ones(2, 4, 3), minigan.ones(2, 3), minigan.ones(3, 4, 2)), RuntimeError,
     "torch.ormqr: Expected batch dimensions of other to be equal to input.shape[:-2], but got [3]"),
    (lambda: minigan.ormqr(minigan.ones(4, 3, dtype=minigan.float64), minigan.ones(3), minigan.ones(4, 2)),
     RuntimeError, "torch.ormqr: Expected input and tau to have the same dtype, but input has dtypeDouble and tau "
                   "has dtype Float"),
    (lambda: minigan.ormqr(minigan.ones(4, 3), minigan.ones(3), minigan.ones(4, 2, dtype=minigan.float64)),
     RuntimeError, "torch.ormqr: Expected input and other to have the same dtype, but input has dtypeFloat and other "
                   "has dtype Double"),
    (lambda: minigan.ormqr(*(minigan.ones(*s, dtype=minigan.int64) for s in ((4, 3), (3,), (4, 2)))),
     NotImplementedError, "\"ormqr_cpu\" not implemented for 'Long'"),
    (lambda: minigan.ormqr(minigan.ones(1, 1), [1.0], minigan.ones(1, 1)), TypeError,
     "ormqr(): argument 'input2' (position 2) must be Tensor, not list"),
])
def test_ormqr_errors_are_pytorchs(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


# ---------------------------------------------------------------- out=
def test_out_takes_the_tuples_and_refuses_a_graph():
    a, tau = minigan.empty(0, dtype=minigan.float64), minigan.empty(0, dtype=minigan.float64)
    returned = minigan.geqrf(f64([[3.0], [4.0]]), out=(a, tau))
    assert returned.a is a and returned.tau is tau and type(returned).__name__ == "geqrf"
    np.testing.assert_allclose(a.numpy(), [[-5.0], [0.5]], atol=1e-15)
    solution, cloned = minigan.empty(0), minigan.empty(0)
    with pytest.warns(UserWarning, match=SOLVE_WARNING):
        minigan.triangular_solve(minigan.ones(2, 1), minigan.eye(2) * 2, out=(solution, cloned))
    np.testing.assert_array_equal(solution.numpy(), [[0.5], [0.5]])
    np.testing.assert_array_equal(cloned.numpy(), [[2.0, 0.0], [0.0, 2.0]])
    with pytest.raises(RuntimeError) as caught:
        minigan.orgqr(f64([[1.0], [0.5]], True), f64([1.0]), out=minigan.empty(0, dtype=minigan.float64))
    assert str(caught.value) == ("linalg_householder_product(): functions with out=... arguments don't support automatic "
                                 "differentiation, but one of the arguments requires grad.")


def test_on_the_strict_array_api_device():
    x = RNG.standard_normal((4, 3))
    a, tau = minigan.geqrf(f64(x).to("strict"))
    assert a.device == "strict" and tau.device == "strict"
    q = minigan.orgqr(a, tau)
    np.testing.assert_allclose(q.to("cpu").numpy(), minigan.orgqr(*minigan.geqrf(f64(x))).numpy(), atol=1e-12)
    c = f64(RNG.standard_normal((4, 2)), True)
    on_device = minigan.ormqr(a, tau, c.to("strict"), transpose=True)
    assert on_device.device == "strict"
    on_device.sum().backward()
    full_q = reflectors_q(a.to("cpu").numpy(), tau.to("cpu").numpy(), 4)
    np.testing.assert_allclose(c.grad.numpy(), full_q @ np.ones((4, 2)), atol=1e-12)  # d sum(Q^T C) / dC = Q 1
    solution, cloned = triangular_solve(f64(np.ones((3, 1))).to("strict"), f64(np.diag([2.0, 4.0, 8.0])).to("strict"))
    assert solution.device == "strict" and cloned.device == "strict"
    np.testing.assert_allclose(solution.to("cpu").numpy(), [[0.5], [0.25], [0.125]], atol=1e-15)
