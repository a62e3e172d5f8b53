"""minigan.linalg's LU family (lu_factor, lu_factor_ex, lu, lu_solve, torch.lu_unpack), matrix_exp, inv_ex,
solve_ex, tensorinv, tensorsolve, vander and householder_product: against partial pivoting written out in
plain Python, closed forms (exp of a diagonal, a nilpotent or a symmetric matrix), PyTorch 2.14.1's values,
gradients and second derivatives (float64) written out by hand, and PyTorch's messages. The gradients are
checked against finite differences in minigan/gradcheck/linalg_cases.py (first and second order)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigan
import minigan.linalg as LA
from minigan.gradcheck import gradcheck

pytestmark = pytest.mark.filterwarnings("error")

TIES = [[1.0, 2.0, 3.0], [-1.0, 4.0, 1.0], [1.0, -2.0, 5.0]]  # |column 0| all equal: the first one is the pivot
G = [[2.0, -1.0, 0.5], [4.0, 1.0, -3.0], [-1.0, 3.0, 2.0]]
T = [[1.0, 2.0], [3.0, -1.0], [-4.0, 0.5], [2.0, 2.0]]
W = [[1.0, -2.0, 0.5], [0.3, 1.0, -1.0], [2.0, 0.25, -0.5]]
WT = [[1.0, -2.0], [0.5, 0.3], [1.0, -1.0], [2.0, 0.25]]
M = [[0.1, -0.4, 0.3], [0.5, 0.2, -0.1], [-0.3, 0.6, 0.05]]
B = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]


def constant(rows):
    return minigan.tensor(rows, dtype=minigan.float64)


def leaf(rows):
    return minigan.tensor(rows, dtype=minigan.float64, requires_grad=True)


def close(actual, expected, atol=1e-12):
    np.testing.assert_allclose(actual.detach().numpy() if hasattr(actual, "detach") else actual, expected,
                               atol=atol, rtol=1e-12)


def transpose(rows):
    return [list(column) for column in zip(*rows)]


# ---------------------------------------------------------------- partial pivoting written out
def lu_written_out(a):
    """(packed LU, 1-based pivots) by Doolittle's elimination with partial pivoting, element by element:
    each column's pivot is the first entry of largest magnitude on or below the diagonal."""
    a = [list(map(float, row)) for row in a]
    m, n = len(a), len(a[0])
    pivots = []
    for j in range(min(m, n)):
        p = j
        for i in range(j + 1, m):
            if abs(a[i][j]) > abs(a[p][j]):
                p = i
        pivots.append(p + 1)
        a[j], a[p] = a[p], a[j]
        if a[j][j] != 0:
            reciprocal = 1.0 / a[j][j]  # getrf scales by it: a near tie later on rounds as LAPACK's does
            for i in range(j + 1, m):
                a[i][j] = a[i][j] * reciprocal
                for c in range(j + 1, n):
                    a[i][c] -= a[i][j] * a[j][c]
    return np.array(a), np.array(pivots, dtype=np.int32)


@pytest.mark.parametrize("shape", [(3, 3), (5, 5), (4, 2), (2, 5), (1, 3), (3, 1), (6, 6)])
def test_lu_factor_pivots_as_the_written_out_elimination(shape):
    rng = np.random.default_rng(sum(shape))
    for a in (rng.standard_normal(shape), rng.integers(-2, 3, shape).astype(float)):  # small integers: many ties
        LU, pivots = LA.lu_factor_ex(constant(a))[:2]
        want_lu, want_pivots = lu_written_out(a)
        assert pivots.dtype == np.int32 and pivots.tolist() == want_pivots.tolist()
        close(LU, want_lu, atol=1e-12)
        P, L, U = LA.lu(constant(a))
        close(P @ L @ U, a, atol=1e-12)
        k = min(shape)
        assert L.shape == (shape[0], k) and U.shape == (k, shape[1]) and P.shape == (shape[0], shape[0])
        assert np.allclose(np.diag(L.numpy()), 1.0) and np.allclose(np.triu(L.numpy(), 1), 0.0)
        assert np.allclose(np.tril(U.numpy(), -1), 0.0)


def test_pytorchs_factors_pivots_and_permutations():
    LU, pivots = LA.lu_factor(constant(TIES))
    close(LU, [[1.0, 2.0, 3.0], [-1.0, 6.0, 4.0], [1.0, -0.6666666666666666, 4.666666666666666]])
    assert pivots.tolist() == [1, 2, 3]
    LU, pivots = LA.lu_factor(constant(G))
    close(LU, [[4.0, 1.0, -3.0], [-0.25, 3.25, 1.25], [0.5, -0.46153846153846156, 2.576923076923077]])
    assert pivots.tolist() == [2, 3, 3] and type(LA.lu_factor(constant(G))).__name__ == "linalg_lu_factor"
    # a near tie in column 4 after rounding: PyTorch (LAPACK) keeps row 5, as the reciprocal's rounding says
    near_tie = [[1, -1, 0, -1, 2], [1, -2, -1, 1, 1], [-1, -2, -2, -1, 1], [2, -1, 1, 0, -1], [0, -2, 0, -2, -1]]
    assert LA.lu_factor(constant(near_tie)).pivots.tolist() == [4, 3, 5, 5, 5]
    P, L, U = LA.lu(constant(T))
    close(P, [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    close(L, [[1.0, 0.0], [-0.5, 1.0], [-0.25, 0.9444444444444444], [-0.75, -0.2777777777777778]])
    close(U, [[-4.0, 0.5], [0.0, 2.25]])
    P, L, U = LA.lu(constant(transpose(T)))
    close(P, [[0.0, 1.0], [1.0, 0.0]])
    close(L, [[1.0, 0.0], [0.5, 1.0]])
    close(U, [[2.0, -1.0, 0.5, 2.0], [0.0, 3.5, -4.25, 1.0]])
    unpacked = minigan.lu_unpack(*LA.lu_factor(constant(G)))
    assert type(unpacked).__name__ == "lu_unpack" and type(LA.lu(constant(G))).__name__ == "linalg_lu"
    close(unpacked.P @ unpacked.L @ unpacked.U, G)


@pytest.mark.parametrize("name, rows, weight, grad, gradgrad", [
    ("square", G, W,
     [[0.05769230769230771, 0.2692307692307693, -0.5], [0.6888683431952664, -1.8535502958579881, 0.4423076923076923],
      [-1.1291420118343194, 1.1242603550295858, -1.2307692307692308]],
     [[0.5188803678967824, -0.7146330441861279, 0.0], [-0.23051408071337853, 0.7816599125387497, -0.5310912662809424],
      [2.243627085574937, -0.6086914175597172, 0.5178843090227934]]),
    ("tall", T, WT,
     [[-0.3055555555555556, -0.4444444444444444], [-0.4861111111111111, 0.1111111111111111],
      [0.5434413580246913, -1.6524691358024692], [-0.03117283950617286, 0.7506172839506171]],
     [[0.2819402768251791, -0.017994589239445326], [-0.2233279511507392, 0.004498647309861332],
      [-0.38246797349976286, 0.023362231473014108], [-0.6534412660724567, -0.19828010952768005]]),
    ("wide", transpose(T), transpose(WT), [[-0.85, 0.3, -1.0, 0.25], [1.425, 0.35, 1.5, 1.875]],
     [[2.1375, 0.0, 0.0, 0.0], [-2.396875, 0.46875, -1.5625, 0.390625]]),
])
def test_lu_factor_gradient_and_second_derivative_are_pytorchs(name, rows, weight, grad, gradgrad):
    a = leaf(rows)
    (g,) = minigan.grad((LA.lu_factor(a).LU * constant(weight)).sum(), a, create_graph=True)
    close(g, grad)
    (g * g).sum().backward()
    close(a.grad, gradgrad, atol=1e-11)


def test_lu_solve_every_side_and_its_gradients_are_pytorchs():
    a, b = leaf(G), leaf(B)
    LU, pivots = LA.lu_factor(a)
    x = LA.lu_solve(LU, pivots, b)
    close(x, [[0.5522388059701491, 0.6268656716417909], [0.5671641791044777, -0.19402985074626863],
              [0.9253731343283581, 1.1044776119402984]])
    adjoint = LA.lu_solve(LU, pivots, b, adjoint=True)
    close(adjoint, [[1.4925373134328357, 1.1940298507462686], [-0.3432835820895521, -0.07462686567164178],
                    [0.6119402985074627, 0.08955223880597007]])
    right = LA.lu_solve(LU, pivots, b.T, left=False)
    close(right, transpose(adjoint.detach().numpy().tolist()))
    close(constant(G).T @ adjoint, B)
    close(LA.lu_solve(LU, pivots, b.T, left=False, adjoint=True) @ constant(G).T, transpose(B))
    loss = (x * constant(B) ** 2).sum() + (right * constant(B).T).sum() + adjoint.sum()
    ga, gb = minigan.grad(loss, [a, b], create_graph=True)
    close(ga, [[-6.019157941635106, -3.082200935620406, -9.072844731566049],
               [0.8799287146357755, 1.054577856983738, 1.2760080196034749],
               [-2.1305413232345725, -1.3042993985297398, -3.3103141011361092]])
    close(gb, [[4.880597014925373, 2.6865671641791042], [-0.4477611940298505, 0.4328358208955224],
               [3.029850746268657, 2.2388059701492535]])
    (ga * ga).sum().backward()
    close(b.grad, [[60.30337796095806, 31.809642550406988], [-6.106559828607045, -4.546391637467709],
                   [46.52677119054566, 29.47048097224962]], atol=1e-10)


def test_lu_solve_broadcasts_a_batch():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 1, 3, 3)), rng.standard_normal((4, 3, 2))
    x = LA.lu_solve(*LA.lu_factor(constant(a)), constant(b))
    assert x.shape == (2, 4, 3, 2)
    close(a @ x.numpy(), np.broadcast_to(b, (2, 4, 3, 2)), atol=1e-12)


def test_singular_matrices_lu_factor_ex_info_and_pytorchs_messages():
    singular = constant([[1.0, 2.0], [2.0, 4.0]])
    LU, pivots, info = LA.lu_factor_ex(singular)
    close(LU, [[2.0, 4.0], [0.5, 0.0]])
    assert pivots.tolist() == [2, 2] and info.item() == 2 and info.dtype == np.int32
    assert LA.lu_factor_ex(minigan.zeros(3, 3)).info.item() == 1
    assert LA.lu_factor_ex(minigan.zeros(3, 3)).pivots.tolist() == [1, 2, 3]
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.lu_factor: U\[2,2\] is zero and using it on lu_solve would "
                                             r"result in a division by zero. If you still want"):
        LA.lu_factor(singular)
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.lu_factor: \(Batch element 1\): U\[2,2\] is zero"):
        LA.lu_factor(minigan.stack([minigan.eye(2, dtype=minigan.float64), singular]))
    with pytest.raises(RuntimeError, match=r"^torch.linalg.lu_factor_ex: U\[2,2\] is zero"):
        LA.lu_factor_ex(singular, check_errors=True)
    P, L, U = LA.lu(singular)  # no error, as PyTorch's
    close(P @ L @ U, [[1.0, 2.0], [2.0, 4.0]])
    zeros = minigan.zeros(3, 3, dtype=minigan.float64, requires_grad=True)  # recorded: the op's own elimination
    assert LA.lu_factor_ex(zeros).LU.tolist() == [[0.0] * 3] * 3  # getrf leaves a column of zeros unscaled
    close(LA.lu_factor_ex(constant([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]]).requires_grad_()).LU,
          [[2.0, 4.0, 6.0], [0.5, 0.0, 0.0], [0.0, 0.0, 1.0]])  # PyTorch's
    with pytest.raises(LA.LinAlgError, match=r"^linalg.lu_factor: its gradient needs A of full rank"):
        LA.lu(zeros).U.sum().backward()  # PyTorch: NaN
    with pytest.raises(LA.LinAlgError, match=r"^linalg.lu_solve: U has a zero on its diagonal"):
        LA.lu_solve(LU, pivots, constant([[1.0], [1.0]]))  # PyTorch: inf or NaN


def test_without_pivoting_a_equals_l_u_and_p_is_empty():
    a = constant(G) + 6 * minigan.eye(3, dtype=minigan.float64)
    P, L, U = LA.lu(a, pivot=False)
    assert P.shape == (0,)
    close(L @ U, a.numpy())
    assert LA.lu_factor(a, pivot=False).pivots.tolist() == [1, 2, 3]


def test_lu_unpack_flags_and_float32():
    LU, pivots = LA.lu_factor(minigan.tensor(G))
    assert LU.dtype == np.float32
    P, L, U = minigan.lu_unpack(LU, pivots, unpack_data=False)
    assert P.shape == (3, 3) and L.shape == (0,) and U.shape == (0,)
    P, L, U = minigan.lu_unpack(LU, pivots, unpack_pivots=False)
    assert P.shape == (0,) and L.shape == (3, 3) and P.dtype == np.float32
    np.testing.assert_allclose(LA.lu_solve(LU, pivots, minigan.tensor(B)).numpy(),
                               np.linalg.solve(np.array(G), np.array(B)), rtol=1e-5)


@pytest.mark.parametrize("call, kind, message", [
    (lambda: LA.lu_factor(minigan.ones(3)), RuntimeError,
     r"^torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: \[3\] instead$"),
    (lambda: LA.lu(minigan.ones(3)), RuntimeError, r"^linalg.lu: Expected tensor with 2 or more dimensions"),
    (lambda: LA.lu_factor(minigan.tensor([[1, 2], [3, 4]])), RuntimeError, r"Expected a floating point"),
    (lambda: minigan.lu_unpack(constant(G), minigan.tensor([1, 2, 3])), RuntimeError,
     r"^torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.$"),
    (lambda: minigan.lu_unpack(constant(G), minigan.tensor([1, 2], dtype=minigan.int32)), ValueError,
     r"^Expected LU_pivots to have shape \[3\] but got \[2\] instead.$"),
    (lambda: minigan.lu_unpack(constant(G), minigan.tensor([0, 2, 3], dtype=minigan.int32)), RuntimeError,
     r"^pivots passed to lu_unpack must be between 1 and LU.size\(-2\) inclusive"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2, 3], dtype=minigan.int32), constant([1.0, 2.0, 3.0])),
     RuntimeError, r"^linalg.lu_solve: The input tensor B must have at least 2 dimensions.$"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2, 3], dtype=minigan.int32), minigan.tensor(B)),
     RuntimeError, r"^linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type Double and B "
                   r"of type Float instead$"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2, 3], dtype=minigan.int32), constant(T)),
     RuntimeError, r"^linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x2\)$"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2, 3], dtype=minigan.int32), constant(T), left=False),
     RuntimeError, r"^linalg.lu_solve: Incompatible shapes of A and B for the equation XA = B \(3x3 and 4x2\)$"),
    (lambda: LA.lu_solve(constant(T), minigan.tensor([1, 2], dtype=minigan.int32), constant(B)),
     RuntimeError, r"^torch.linalg.lu_solve: A must be batches of square matrices, but they are 4 by 2 matrices$"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2, 3]), constant(B)),
     RuntimeError, r"^linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32$"),
    (lambda: LA.lu_solve(constant(G), minigan.tensor([1, 2], dtype=minigan.int32), constant(B)),
     RuntimeError, r"^linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix$"),
    (lambda: LA.matrix_exp(minigan.ones(3)), RuntimeError,
     r"^linalg.matrix_exp: The input tensor A must have at least 2 dimensions.$"),
    (lambda: LA.matrix_exp(minigan.ones(3, 2)), RuntimeError,
     r"^linalg.matrix_exp: A must be batches of square matrices, but they are 3 by 2 matrices$"),
    (lambda: LA.matrix_exp(minigan.tensor([[1, 2], [3, 4]])), RuntimeError,
     r"^linalg.matrix_exp: Expected a floating point or complex tensor as input. Got Long$"),
])
def test_pytorchs_messages(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


# ---------------------------------------------------------------- matrix_exp
def test_matrix_exp_value_gradient_and_second_derivative_are_pytorchs():
    m = leaf(M)
    e = LA.matrix_exp(m)
    close(e, [[0.9607820048300243, -0.3416473360184122, 0.32729323070488825],
              [0.566441637840132, 1.0871886823102492, -0.025286063573689843],
              [-0.14144994028206562, 0.7092462527106066, 0.98640082695376]], atol=2e-15)
    (g,) = minigan.grad((e * constant(W)).sum(), m, create_graph=True)
    close(g, [[1.2863023578917285, -1.6295202480770163, -0.4438214459397295],
              [0.3747147684900899, 1.8042383862486084, -0.9395102012779134],
              [2.0953479846583924, 0.491479975717961, -0.599198945548423]])
    (g * g).sum().backward()
    close(m.grad, [[11.290391598526426, -1.8326653822707992, -1.499565321892915],
                   [-3.389080571111644, 9.872153400870229, 1.4993708122402694],
                   [1.0622638306958636, 1.307063676297965, 6.390113642242747]], atol=1e-11)
    close(LA.matrix_exp(constant(M) * 10),  # 1-norm 10: four squarings
          [[5.0270433741610825, 3.6163603829044133, 3.0324795077384312],
           [6.7480971960138465, 7.437232006271564, 5.765032229886416],
           [11.992250725120723, 10.483997319258979, 11.002886301751774]], atol=1e-13)


def test_matrix_exp_closed_forms():
    d = np.array([-30.0, -1.0, 0.0, 0.5, 20.0])
    close(LA.matrix_exp(constant(np.diag(d))), np.diag(np.exp(d)), atol=0)
    nilpotent = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])  # exp = I + N + N^2 / 2
    close(LA.matrix_exp(constant(nilpotent)), np.eye(3) + nilpotent + nilpotent @ nilpotent / 2)
    rotation = LA.matrix_exp(constant([[0.0, -1.0], [1.0, 0.0]]) * 2.5)
    close(rotation, [[math.cos(2.5), -math.sin(2.5)], [math.sin(2.5), math.cos(2.5)]], atol=1e-15)
    rng = np.random.default_rng(5)
    for scale in (1e-3, 0.2, 1.0, 4.0, 12.0):  # every degree, and scaling and squaring
        q = np.linalg.qr(rng.standard_normal((4, 4)))[0]
        w = rng.uniform(-1, 1, 4) * scale
        symmetric = (q * w) @ q.T
        want = (q * np.exp(w)) @ q.T
        np.testing.assert_allclose(LA.matrix_exp(constant(symmetric)).numpy(), want, rtol=0,
                                   atol=1e-14 * np.abs(want).max() * max(1.0, scale))
    batch = rng.standard_normal((2, 3, 3, 3))
    product = LA.matrix_exp(constant(batch)) @ LA.matrix_exp(constant(-batch))
    close(product, np.broadcast_to(np.eye(3), (2, 3, 3, 3)), atol=1e-13)
    assert LA.matrix_exp(minigan.tensor(M)).dtype == np.float32
    assert LA.matrix_exp(minigan.zeros(0, 0)).shape == (0, 0)
    assert constant(M).matrix_exp().tolist() == minigan.matrix_exp(constant(M)).tolist()


# ---------------------------------------------------------------- the rest
def test_householder_product_is_pytorchs_and_orthonormal():
    A, tau = leaf(T), leaf([1.2, 0.4])
    q = LA.householder_product(A, tau)
    close(q, [[-0.19999999999999996, -1.1999999999999995], [-3.5999999999999996, -2.9999999999999987],
              [4.8, 4.599999999999998], [-2.4, -3.1999999999999993]])
    gA, gtau = minigan.grad((q * constant(WT)).sum(), [A, tau])
    close(gA, [[0.0, 0.0], [-3.4080000000000052, 0.0], [0.8160000000000022, -6.1279999999999974],
               [0.5639999999999854, 3.1639999999999926]], atol=1e-11)
    close(gtau, [-5.9000000000000234, 20.09999999999998], atol=1e-11)
    rng = np.random.default_rng(2)
    a = rng.standard_normal((5, 3))
    v = np.tril(a, -1) + np.eye(5, 3)
    tau_ = 2.0 / (v * v).sum(0)  # reflections: H_i orthogonal, so Q has orthonormal columns
    q = LA.householder_product(constant(a), constant(tau_)).numpy()
    close(q.T @ q, np.eye(3))


def test_vander_tensorinv_tensorsolve_are_pytorchs():
    x = leaf([0.5, -2.0, 3.0])
    v = LA.vander(x, N=4)
    close(v, [[1.0, 0.5, 0.25, 0.125], [1.0, -2.0, 4.0, -8.0], [1.0, 3.0, 9.0, 27.0]], atol=0)
    (v * constant([[1.0, 2.0, 3.0, 4.0]] * 3)).sum().backward()
    close(x.grad, [8.0, 38.0, 128.0])
    integer = LA.vander(minigan.tensor([1, 2, 3]))
    assert integer.dtype == np.int64 and integer.tolist() == [[1, 1, 1], [1, 2, 4], [1, 3, 9]]
    close(LA.tensorinv(constant(G).reshape(3, 1, 3), ind=2),
          [[[0.32835820895522383], [0.10447761194029853], [0.07462686567164178]],
           [[-0.14925373134328357], [0.13432835820895522], [0.23880597014925375]],
           [[0.38805970149253727], [-0.14925373134328354], [0.1791044776119403]]])
    close(LA.tensorsolve(constant(G), constant([1.0, 2.0, 3.0])), [0.7611940298507461, 0.8358208955223881,
                                                                   0.626865671641791])
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 3, 6)) + 3 * np.eye(6).reshape(2, 3, 6), rng.standard_normal((2, 3))
    x = LA.tensorsolve(constant(a), constant(b))
    close(np.tensordot(a, x.numpy(), 1), b)
    moved = LA.tensorsolve(constant(np.moveaxis(a, 2, 0)), constant(b), dims=(0,))
    close(moved, x.numpy())
    close(np.tensordot(a.reshape(6, 2, 3), LA.tensorinv(constant(a.reshape(6, 2, 3)), ind=1).numpy(), 2), np.eye(6))


@pytest.mark.parametrize("call, message", [
    (lambda: LA.vander(minigan.tensor([1.0, 2.0]), N=1), r"^N must be greater than 1.$"),
    (lambda: LA.vander(minigan.tensor(1.0)), r"^N must be greater than 1.$"),
    (lambda: LA.vander(minigan.tensor([True, False])),
     r"^linalg.vander supports floating point, complex, and integer tensors, but got Bool$"),
    (lambda: LA.tensorinv(minigan.ones(2, 2, 2, 2), ind=0), r"^Expected a strictly positive integer for 'ind', but got 0$"),
    (lambda: LA.tensorinv(minigan.ones(2, 3, 4), ind=1),
     r"^Expected self to satisfy the requirement prod\(self.shape\[ind:\]\) == prod\(self.shape\[:ind\]\), but got 12 != 2$"),
    (lambda: LA.tensorsolve(minigan.ones(2, 3, 4), minigan.ones(2)),
     r"^Expected self to satisfy the requirement prod\(self.shape\[other.ndim:\]\) == prod\(self.shape\[:other.ndim\]\), "
     r"but got 12 != 2$"),
    (lambda: LA.householder_product(minigan.ones(3, 2), minigan.ones(3)),
     r"^torch.linalg.householder_product: input.shape\[-1\] must be greater than or equal to tau.shape\[-1\]$"),
    (lambda: LA.householder_product(minigan.ones(2, 3), minigan.ones(2)),
     r"^torch.linalg.householder_product: input.shape\[-2\] must be greater than or equal to input.shape\[-1\]$"),
    (lambda: LA.householder_product(minigan.ones(2, 3, 2), minigan.ones(3, 2)),
     r"^torch.linalg.householder_product: Expected batch dimensions of tau to be equal to input.shape\[:-2\], but got \[3\]$"),
    (lambda: LA.householder_product(minigan.ones(3, 2), constant([1.0, 2.0])),
     r"^torch.linalg.householder_product: tau dtype Double does not match input dtype Float$"),
])
def test_pytorchs_messages_for_the_rest(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_inv_ex_and_solve_ex_give_info_and_nan_for_a_singular_matrix():
    a = constant([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [1.0, 3.0]]])
    inverse, info = LA.inv_ex(a)
    assert info.tolist() == [2, 0] and info.dtype == np.int32 and type(LA.inv_ex(a)).__name__ == "linalg_inv_ex"
    assert np.isnan(inverse[0].numpy()).all()  # PyTorch: LAPACK's inf and -inf
    close(inverse[1], [[0.6, -0.2], [-0.2, 0.4]])
    result, info = LA.solve_ex(a, constant([1.0, 1.0]))
    assert info.tolist() == [2, 0] and np.isnan(result[0].numpy()).all()
    close(result[1], [0.4, 0.2])
    right = LA.solve_ex(a[1], constant([[1.0, 1.0]]), left=False)
    close(right.result @ a[1], [[1.0, 1.0]])
    assert type(right).__name__ == "linalg_solve_ex" and right.info.item() == 0
    with pytest.raises(LA.LinAlgError, match=r"^linalg.inv_ex: \(Batch element 0\): The diagonal element 2 is zero, the "
                                             r"inversion could not be completed because the input matrix is singular.$"):
        LA.inv_ex(a, check_errors=True)
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.solve_ex: The solver failed because the input matrix is "
                                             r"singular.$"):
        LA.solve_ex(a[0], constant([1.0, 1.0]), check_errors=True)


def test_eig_still_says_it_is_not_supported():
    for name in ("eig", "eigvals"):
        with pytest.raises(minigan.UnsupportedFeatureError, match=f"torch.linalg.{name} is not supported by minigan.*"
                                                                   "complex.*matrix_exp, lu, lu_factor"):
            getattr(LA, name)


# ---------------------------------------------------------------- the Hypothesis properties (also registered
# for LuFactor and MatrixExp in test_ops_properties.py)
def draw_lu_factor(data):
    """(fn, arrays, expected): a drawn m x n matrix (a batch of two, sometimes), 0.3 a + 3 I with its rows
    shuffled, so every pivot is clear; expected from the elimination written out."""
    m, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    batch = data.draw(st.sampled_from([(), (2,)]))
    drawn = data.draw(hnp.arrays(np.float64, batch + (m, n), elements=st.floats(-3.0, 3.0, allow_nan=False, width=64)))
    order = data.draw(st.permutations(range(m)))
    a = np.ascontiguousarray((0.3 * drawn + 3.0 * np.eye(m, n))[..., order, :])
    flat = a.reshape(-1, m, n)
    expected = np.stack([lu_written_out(matrix)[0] for matrix in flat]).reshape(a.shape)
    return (lambda x: LA.lu_factor(x).LU), [a], expected


def draw_matrix_exp(data):
    """(fn, arrays, expected): a drawn n x n matrix of entries in [-1, 1]; expected from the Taylor series
    of A / 2^s (its 1-norm at most 1/16, 20 terms), squared s times."""
    n = data.draw(st.integers(1, 3))
    a = data.draw(hnp.arrays(np.float64, data.draw(st.sampled_from([(), (2,)])) + (n, n),
                             elements=st.floats(-1.0, 1.0, allow_nan=False, width=64)))
    s = 6
    scaled, term = a / 2.0 ** s, np.broadcast_to(np.eye(n), a.shape)
    total = term
    for k in range(1, 21):
        term = term @ scaled / k
        total = total + term
    for _ in range(s):
        total = total @ total
    return LA.matrix_exp, [a], total


@pytest.mark.parametrize("draw", [draw_lu_factor, draw_matrix_exp], ids=["lu_factor", "matrix_exp"])
@settings(deadline=None, max_examples=30)
@given(data=st.data())
def test_drawn_cases_match_the_written_out_references(draw, data):
    fn, arrays, want = draw(data)
    x = minigan.tensor(arrays[0], requires_grad=True)
    np.testing.assert_allclose(fn(x).numpy(), want, rtol=1e-10, atol=1e-12)
    assert gradcheck(fn, [x]).ok


def test_a_captured_step_through_lu_runs_eagerly_and_says_why():
    """minigan.replay.compile cannot replay a pivot search (the row order follows the values): it falls back."""
    from minigan import nn, optim
    from minigan.replay import compile

    def trained(capture):
        w = nn.Parameter(constant(G) + 3 * minigan.eye(3, dtype=minigan.float64))
        opt, said = optim.SGD([w], lr=0.01), []

        def step(b):
            opt.zero_grad()
            loss = (LA.lu_solve(*LA.lu_factor(w), b) ** 2).sum()
            loss.backward()
            opt.step()
            return loss

        run = compile(step, log=said.append) if capture else step
        for _ in range(3):
            run(constant(B))
        return w.detach().numpy(), said

    (captured, said), (eager, _) = trained(True), trained(False)
    np.testing.assert_array_equal(captured, eager)
    assert said == ["compile: step (3x2) runs eagerly: the LU factorisation's pivot search (the row order depends on "
                    "the values)"]


def test_the_deprecated_torch_lu_and_lu_solve_warn_and_work_as_pytorchs():
    a, b = constant([[1.0, 2.0], [3.0, 4.0]]), constant([[1.0], [1.0]])
    with pytest.warns(UserWarning, match=r"^torch.lu is deprecated in favor of torch.linalg.lu_factor"):
        factors = minigan.lu(a)
    assert type(factors) is tuple and factors[1].tolist() == [2, 2]
    close(factors[0], [[3.0, 4.0], [1 / 3, 2 / 3]])
    with pytest.warns(UserWarning, match=r"^torch.lu is deprecated"):
        with_info = constant([[1.0, 2.0], [2.0, 4.0]]).lu(get_infos=True)  # singular: info, no error
    assert type(with_info).__name__ == "_lu_with_info" and with_info.info.item() == 2
    with pytest.warns(UserWarning, match=r"^torch.lu_solve is deprecated in favor of torch.linalg.lu_solve"):
        close(minigan.lu_solve(b, *factors), [[-1.0], [1.0]])
    with pytest.warns(UserWarning, match=r"^torch.lu_solve is deprecated"):
        close(b.lu_solve(*factors), [[-1.0], [1.0]])
