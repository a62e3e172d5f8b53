"""minigan.linalg's cholesky, cholesky_ex, eigh, eigvalsh, solve_triangular, lstsq, pinv, matrix_rank,
matrix_power, multi_dot, vecdot, diagonal, cond and solve(left=False), and torch.cholesky_solve: against
PyTorch 2.14.1's values, gradients and second derivatives (float64) written out by hand, identities that
hold by definition, and PyTorch's messages and error kinds."""
import math

import numpy as np
import pytest

import minigan
import minigan.linalg as LA

pytestmark = pytest.mark.filterwarnings("error")

A_ROWS = [[4.0, 1.0, 2.0], [0.5, 3.0, -1.0], [1.5, -2.0, 5.0]]  # not symmetric: cholesky and eigh read one triangle
S_ROWS = [[4.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.5, -1.0, 5.0]]  # symmetric positive-definite
W_ROWS = [[1.0, 2.0, -1.0], [0.5, -1.0, 3.0], [2.0, 1.0, 0.25]]  # an upstream weight
B_ROWS = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]
M_ROWS = [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]  # tall, full rank
R_ROWS = [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]  # rank 1
G_ROWS = [[1.0, -1.0, 2.0], [0.5, 3.0, -2.0]]


def constant(rows):
    return minigan.tensor(rows, dtype=minigan.float64)


def leaf(rows):
    return minigan.tensor(rows, dtype=minigan.float64, requires_grad=True)


def close(actual, expected, atol=1e-9):
    np.testing.assert_allclose(actual.detach().numpy() if hasattr(actual, "detach") else actual, expected, atol=atol,
                               rtol=0)


def test_cholesky_reads_the_lower_triangle_and_its_gradient_is_pytorchs():
    a = leaf(A_ROWS)
    L = LA.cholesky(a)
    close(L, [[2.0, 0.0, 0.0], [0.25, 1.7139136501, 0.0], [0.75, -1.2763186756, 1.6758611632]])
    (L * constant(W_ROWS)).sum().backward()
    close(a.grad, [[0.0894034872, -0.0010878314, 0.4286199779], [-0.0010878314, -0.0331212206, 0.3472746238],
                   [0.4286199779, 0.3472746238, 0.0745885177]])
    a = leaf(A_ROWS)
    U = LA.cholesky(a, upper=True)
    close(U, [[2.0, 0.5, 1.0], [0.0, 1.6583123952, -0.9045340337], [0.0, 0.0, 1.7837651700]])
    (U * constant(W_ROWS)).sum().backward()
    close(a.grad, [[0.5165035192, -0.0245588013, -0.5207276377], [-0.0245588013, 0.2127200589, 0.9427575731],
                   [-0.5207276377, 0.9427575731, 0.0700764888]])
    s = constant(S_ROWS)
    L = LA.cholesky(s)
    close(L @ L.T, S_ROWS, atol=1e-12)


def test_cholesky_second_derivative_is_pytorchs():
    a = leaf(A_ROWS)
    (g,) = minigan.grad((LA.cholesky(a) * constant(W_ROWS)).sum(), a, create_graph=True)
    (g * g).sum().backward()
    close(a.grad, [[-0.0757256165, -0.0562313011, -0.0200330110], [-0.0562313011, -0.0790198626, -0.0146431069],
                   [-0.0200330110, -0.0146431069, -0.0051130704]])


def test_a_matrix_that_is_not_positive_definite_as_pytorch():
    bad = minigan.tensor([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LA.LinAlgError, match=r"^linalg.cholesky: The factorization could not be completed because the "
                                             r"input is not positive-definite \(the leading minor of order 2 is not "
                                             r"positive-definite\).$"):
        LA.cholesky(bad)
    with pytest.raises(LA.LinAlgError, match=r"^linalg.cholesky: \(Batch element 1\): The factorization"):
        LA.cholesky(minigan.stack([minigan.eye(2), bad]))
    with pytest.raises(LA.LinAlgError, match=r"^linalg.cholesky_ex: The factorization could not be completed"):
        LA.cholesky_ex(bad, check_errors=True)
    L, info = LA.cholesky_ex(minigan.stack([minigan.eye(2), bad]))
    assert info.tolist() == [0, 2] and info.dtype == np.int32
    assert L[0].tolist() == [[1.0, 0.0], [0.0, 1.0]] and np.isnan(L[1].numpy()).all()  # PyTorch: LAPACK's partial work
    third = LA.cholesky_ex(minigan.tensor([[4.0, 2.0, 1.0], [2.0, 1.0, 0.0], [1.0, 0.0, 3.0]]))
    assert type(third).__name__ == "linalg_cholesky_ex" and third.info.item() == 2 and third.info.shape == ()
    assert LA.cholesky_ex(minigan.tensor([[-1.0, 0.0], [0.0, 1.0]])).info.item() == 1
    assert LA.cholesky_ex(minigan.tensor([[1.0, 2.0], [2.0, 1.0]]), upper=True).info.item() == 2
    good = LA.cholesky_ex(constant(S_ROWS), upper=True)
    assert good.info.item() == 0
    close(good.L, LA.cholesky(constant(S_ROWS), upper=True), atol=0)


def test_eigh_values_vectors_and_gradients_are_pytorchs():
    a = leaf(A_ROWS)
    w, V = LA.eigh(a)
    close(w, [1.1970084396, 4.1336516517, 6.6693399087])
    close(V, [[-0.4216238952, 0.8179642465, 0.3913665578], [0.7234022186, 0.5636564377, -0.3987237771],
              [0.5467380737, -0.1150039642, 0.8293681734]])
    (w * constant([1.0, -2.0, 0.5])).sum().backward()
    close(a.grad, [[-1.0837804168, -1.3051288638, 0.1199139091], [-1.3051288638, -0.0326160644, 0.3598125796],
                   [0.1199139091, 0.3598125796, 0.6163964812]])
    a = leaf(A_ROWS)
    V = LA.eigh(a).eigenvectors
    ((V * V[0:1, :]) * constant(W_ROWS)).sum().backward()  # each column times its first entry: free of sign
    close(a.grad, [[-0.2152512510, 0.0386780755, -0.5219380295], [0.0386780755, -0.0953446913, -0.2802988448],
                   [-0.5219380295, -0.2802988448, 0.3105959423]])
    a = leaf(A_ROWS)
    w, V = LA.eigh(a, UPLO="U")
    close(w, [1.2855212556, 4.1432773218, 6.5712014225])
    close(V * V[0:1, :], np.array([[0.5961550232, 0.5341269703, -0.5994226955], [-0.6345873024, 0.7708383500, 0.0557422079],
                                   [-0.4918314182, -0.3471550341, -0.7984893477]]) * [0.5961550232, 0.5341269703, -0.5994226955])
    ((V * V[0:1, :]) * constant(W_ROWS)).sum().backward()
    close(a.grad, [[-0.1317503749, 0.0966586635, -0.1397203902], [0.0966586635, -0.1707528720, 0.0538459425],
                   [-0.1397203902, 0.0538459425, 0.3025032469]])
    assert type(LA.eigh(constant(S_ROWS))).__name__ == "linalg_eigh"
    close(LA.eigvalsh(constant(A_ROWS)), [1.1970084396, 4.1336516517, 6.6693399087])
    w, V = LA.eigh(constant(S_ROWS))
    close((V * w) @ V.T, S_ROWS, atol=1e-12)


def test_eigh_second_derivative_is_pytorchs():
    a = leaf(A_ROWS)
    w, V = LA.eigh(a)
    (g,) = minigan.grad(((V * V[0:1, :]) * constant(W_ROWS)).sum() + (w * w).sum(), a, create_graph=True)
    (g * g).sum().backward()
    close(a.grad, [[32.2512036325, 4.0952542857, 11.5181940279], [4.0952542857, 24.0842801730, -16.0140523845],
                   [11.5181940279, -16.0140523845, 39.6645161945]], atol=1e-8)


def test_solve_triangular_and_its_gradients_are_pytorchs():
    a, b = leaf(A_ROWS), leaf(B_ROWS)
    X = LA.solve_triangular(a, b, upper=False)
    close(X, [[0.25, 0.5], [-0.0416666667, -0.4166666667], [0.5083333333, -0.1166666667]])
    (X * constant(B_ROWS)).sum().backward()
    close(a.grad, [[-0.21875, 0.0, 0.0], [0.0, -0.0666666667, 0.0], [-0.25, 0.1083333333, -0.2816666667]])
    close(b.grad, [[-0.025, 0.45], [0.4, -0.2], [0.6, 0.2]])
    a, b = leaf(A_ROWS), leaf(np.array(B_ROWS).T.tolist())
    X = LA.solve_triangular(a, b, upper=True, left=False, unitriangular=True)
    close(X, [[1.0, -1.0, 0.0], [2.0, -3.0, -6.0]])
    (X * constant(np.array(B_ROWS).T.tolist())).sum().backward()
    close(a.grad, [[0.0, -3.0, -5.0], [0.0, 0.0, 6.0], [0.0, 0.0, 0.0]])
    close(b.grad, [[-8.0, 3.0, 3.0], [0.0, 0.0, 1.0]])
    a, b = leaf(A_ROWS), leaf(B_ROWS)
    (g,) = minigan.grad((LA.solve_triangular(a, b, upper=True) * constant(B_ROWS)).sum(), a, create_graph=True)
    (g * g).sum().backward()
    close(a.grad, [[-0.0702453704, 0.0311620370, -0.0530416667], [0.0, -0.0352712963, 0.0504361111], [0.0, 0.0, -0.0750561111]])
    close(b.grad, [[0.0260416667, 0.0520833333], [-0.0290509259, -0.0840277778], [0.0659731481, 0.0315611111]])


def test_solve_triangular_shapes_dtypes_and_errors_as_pytorch():
    eye = minigan.eye(2)
    assert LA.solve_triangular(eye.expand(3, 2, 2), minigan.ones(4, 1, 2, 1), upper=False).shape == (4, 3, 2, 1)
    assert LA.solve_triangular(eye.to(minigan.float64), minigan.ones(2, 1), upper=True).dtype == np.float64  # promoted
    with pytest.raises(TypeError):
        LA.solve_triangular(eye, minigan.ones(2, 1))  # upper has no default
    for call, message in (
            (lambda: LA.solve_triangular(eye, minigan.ones(2), upper=True),
             "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."),
            (lambda: LA.solve_triangular(minigan.eye(3), minigan.ones(2, 2), upper=True),
             "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x2)"),
            (lambda: LA.solve_triangular(minigan.ones(2, 3), minigan.ones(2, 1), upper=False),
             "linalg.solve_triangular: A must be batches of square matrices, but they are 2 by 3 matrices")):
        with pytest.raises(RuntimeError) as caught:
            call()
        assert str(caught.value) == message
    with pytest.raises(LA.LinAlgError, match="linalg.solve_triangular: the triangular matrix has a zero on its diagonal"):
        LA.solve_triangular(minigan.tensor([[1.0, 0.0], [1.0, 0.0]]), minigan.ones(2, 1), upper=False)


def test_cholesky_solve_is_pytorchs():
    L = LA.cholesky(constant(S_ROWS))
    expected = [[0.1319796954, 0.6294416244], [0.1624365482, -0.5329949239], [0.6192893401, 0.0304568528]]
    close(minigan.cholesky_solve(constant(B_ROWS), L), expected)
    close(minigan.cholesky_solve(constant(B_ROWS), L.T, upper=True), expected)
    factor, b = leaf(L.tolist()), leaf(B_ROWS)
    (minigan.cholesky_solve(b, factor) * constant(B_ROWS)).sum().backward()
    close(b.grad, expected)
    # PyTorch's gradient below the diagonal; above it PyTorch gives values for entries it never reads, minigan 0
    close(factor.grad, [[-1.3908629442, 0.0, 0.0], [0.9035532995, -0.9152476348, 0.0],
                        [-0.6802030457, 0.2418212814, -1.6269460106]])
    with pytest.raises(RuntimeError, match="^b should have at least 2 dimensions, but has 1 dimensions instead$"):
        minigan.cholesky_solve(constant(B_ROWS)[:, 0], L)


def test_lstsq_is_pytorchs_gelsy():
    result = LA.lstsq(constant(M_ROWS), constant(B_ROWS))
    assert type(result).__name__ == "linalg_lstsq"
    close(result.solution, [[-1.6428571429, -4.7857142857], [1.5, 3.5]])
    assert result.rank.item() == 2 and result.rank.dtype == np.int64
    assert result.residuals.shape == (0,) and result.singular_values.shape == (0,)  # gelsy computes neither
    close(LA.lstsq(constant(M_ROWS), constant(B_ROWS)[:, 0]).solution, [-1.6428571429, 1.5])
    close(LA.lstsq(constant(M_ROWS).T, constant([[1.0], [2.0]])).solution, [[0.9285714286], [-0.2142857143], [0.1428571429]])
    rank_one = LA.lstsq(constant(R_ROWS), constant(B_ROWS))  # the least-norm solution
    close(rank_one.solution, [[0.1428571429, 0.0428571429], [0.2857142857, 0.0857142857]])
    assert rank_one.rank.item() == 1
    a, b = leaf(M_ROWS), leaf(B_ROWS)
    (LA.lstsq(a, b).solution * constant([[1.0, -1.0], [2.0, 0.5]])).sum().backward()
    close(a.grad, [[17.1989795918, -12.8214285714], [1.2040816327, -0.7142857143], [-4.7908163265, 3.3928571429]])
    close(b.grad, [[0.9285714286, 2.8214285714], [-0.2142857143, -1.0357142857], [0.1428571429, -0.1428571429]])
    with pytest.raises(RuntimeError, match=r"torch.linalg.lstsq: input.size\(-2\) should match other.size\(-2\)"):
        LA.lstsq(constant(M_ROWS), minigan.ones(2, 1, dtype=minigan.float64))
    with pytest.raises(RuntimeError, match=r"parameter `driver` should be one of \(gels, gelsy, gelsd, gelss\)"):
        LA.lstsq(constant(M_ROWS), constant(B_ROWS), driver="foo")
    with pytest.raises(RuntimeError, match="driver='gelsd' is not supported by minigan"):
        LA.lstsq(constant(M_ROWS), constant(B_ROWS), driver="gelsd")


def test_pinv_and_its_gradients_are_pytorchs():
    a = leaf(M_ROWS)
    P = LA.pinv(a)
    close(P, [[-2.0714285714, 0.7857142857, 0.1428571429], [1.5, -0.5, 0.0]])
    (P * constant(G_ROWS)).sum().backward()
    close(a.grad, [[-12.3673469388, 9.1785714286], [-13.9234693878, 9.7857142857], [11.3418367347, -8.1071428571]])
    r = leaf(R_ROWS)
    P = LA.pinv(r)
    close(P, [[0.0142857143, 0.0285714286, 0.0428571429], [0.0285714286, 0.0571428571, 0.0857142857]])
    (P * constant(G_ROWS)).sum().backward()  # where the rank stays 1
    close(r.grad, [[0.0071428571, 0.0045918367], [0.0171428571, 0.0148979592], [-0.0014285714, -0.0319387755]])
    a = leaf(M_ROWS)
    (g,) = minigan.grad((LA.pinv(a) * constant(G_ROWS)).sum(), a, create_graph=True)
    (g * g).sum().backward()
    close(a.grad, [[6019.6162536443, -4290.3010204081], [-2133.5543002916, 1569.8341836735],
                   [-238.4774052479, 141.4234693878]], atol=1e-7)


def test_pinv_tolerances_and_hermitian_as_pytorch():
    truncated = [[0.0123320432, 0.0279001426, 0.0480162356], [0.0173316071, 0.0392112077, 0.0674826151]]
    close(LA.pinv(constant(M_ROWS), atol=1.0), truncated)
    close(LA.pinv(constant(M_ROWS), rtol=0.2), truncated)
    a = leaf(A_ROWS)  # hermitian: read off the lower triangle, as eigh
    P = LA.pinv(a, hermitian=True)
    close(P, [[0.3333333333, -0.1666666667, -0.1666666667], [-0.1666666667, 0.5378787879, 0.2651515152],
              [-0.1666666667, 0.2651515152, 0.3560606061]])
    (P * constant(W_ROWS)).sum().backward()
    close(a.grad, [[0.0466167355, -0.2900694705, 0.0956041562], [0.1342544766, -0.3622706925, -0.7410005270],
                   [-0.0912247475, -0.0318310950, -0.3476070102]])
    with pytest.raises(RuntimeError, match="linalg.pinv: A must be batches of square matrices"):
        LA.pinv(constant(M_ROWS), hermitian=True)


def test_matrix_rank_as_pytorch():
    assert LA.matrix_rank(constant(R_ROWS)).item() == 1 and LA.matrix_rank(constant(R_ROWS)).dtype == np.int64
    assert LA.matrix_rank(constant(M_ROWS), atol=1.0).item() == 1 and LA.matrix_rank(constant(M_ROWS), rtol=0.2).item() == 1
    assert LA.matrix_rank(constant(S_ROWS), hermitian=True).item() == 3
    pair = minigan.stack([constant(R_ROWS), constant(M_ROWS)])
    assert LA.matrix_rank(pair).tolist() == [1, 2]
    assert LA.matrix_rank(pair, atol=constant([0.1, 5.0])).tolist() == [1, 1]  # one tolerance per matrix
    assert not LA.matrix_rank(leaf(M_ROWS)).requires_grad


def test_matrix_power_as_pytorch():
    a = leaf(A_ROWS)
    (LA.matrix_power(a, 3) * constant(W_ROWS)).sum().backward()
    close(a.grad, [[87.75, 114.25, -74.625], [43.5, -68.75, 179.875], [168.25, 124.25, -34.0]])
    a = leaf(A_ROWS)
    inverse_square = LA.matrix_power(a, -2)
    close(inverse_square, [[0.1778670562, -0.2457998539, -0.1581446311], [-0.1077428780, 0.2720964207, 0.1245434624],
                           [-0.1261869978, 0.2339298758, 0.1594229364]])
    (inverse_square * constant(W_ROWS)).sum().backward()
    close(a.grad, [[0.0764071230, -0.1882637751, 0.0186094604], [-0.0344180009, 0.1621325489, -0.2034738811],
                   [-0.0710841411, 0.1014500622, -0.0689384143]])
    a = leaf(A_ROWS)
    identity = LA.matrix_power(a, 0)
    assert identity.tolist() == np.eye(3).tolist() and identity.requires_grad  # as PyTorch's, with gradient 0
    identity.sum().backward()
    assert a.grad.tolist() == np.zeros((3, 3)).tolist()
    assert LA.matrix_power(minigan.tensor([[1, 2], [3, 4]]), 3).tolist() == [[37, 54], [81, 118]]
    close(LA.matrix_power(constant(A_ROWS).expand(2, 3, 3), 5)[1], np.linalg.matrix_power(np.array(A_ROWS), 5), atol=1e-9)
    for call, kind, message in (
            (lambda: LA.matrix_power(minigan.ones(2, 3), 2), RuntimeError,
             "linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices"),
            (lambda: LA.matrix_power(minigan.ones(3), 2), RuntimeError,
             "linalg.matrix_power: The input tensor A must have at least 2 dimensions."),
            (lambda: LA.matrix_power(minigan.eye(2), 2.0), TypeError,
             "linalg.matrix_power(): argument 'n' must be int, not float"),
            (lambda: LA.matrix_power(minigan.tensor([[1, 2], [3, 4]]), -1), RuntimeError,
             "Expected a floating point or complex tensor as input. Got Long")):
        with pytest.raises(kind) as caught:
            call()
        assert message in str(caught.value)


def test_multi_dot_vecdot_diagonal_as_pytorch():
    assert LA.multi_dot([minigan.tensor([1.0, 2.0]), minigan.tensor([[1.0, 2.0], [3.0, 4.0]]),
                         minigan.tensor([1.0, -1.0])]).item() == -3.0
    chain = [constant(M_ROWS), constant(G_ROWS), constant(W_ROWS)]
    close(LA.multi_dot(chain), np.array(M_ROWS) @ np.array(G_ROWS) @ np.array(W_ROWS), atol=1e-12)
    assert LA.multi_dot([minigan.ones(3), minigan.ones(3, 2)]).shape == (2,)
    for tensors, message in (([minigan.ones(2, 2)], "multi_dot(): expected at least 2 tensors but got 1"),
                             ([minigan.ones(2, 2, 2), minigan.ones(2, 2)], "multi_dot(): the first tensor must be 1D or 2D but got 3D"),
                             ([minigan.ones(2, 2), minigan.ones(2, 2, 2)], "multi_dot(): the last tensor must be 1D or 2D but got 3D"),
                             ([minigan.ones(2, 2), minigan.ones(2), minigan.ones(2, 2)], "multi_dot(): tensor 1 must be 2D but got 1D"),
                             ([minigan.ones(2, 3), minigan.ones(4, 5)],
                              "multi_dot(): tensors 0 and 1 with shapes [2, 3] and [4, 5] cannot be multiplied")):
        with pytest.raises(RuntimeError) as caught:
            LA.multi_dot(tensors)
        assert str(caught.value) == message
    assert LA.vecdot(minigan.tensor([[1.0, 2.0], [3.0, 4.0]]), minigan.tensor([1.0, -1.0])).tolist() == [-1.0, -1.0]
    assert LA.vecdot(minigan.tensor([[1.0, 2.0], [3.0, 4.0]]), minigan.tensor([[1.0], [-1.0]]), dim=0).tolist() == [-2.0, -2.0]
    with pytest.raises(RuntimeError, match="linalg.vecdot: Expected a floating point or complex tensor as input. Got Long"):
        LA.vecdot(minigan.tensor([1, 2]), minigan.tensor([3, 4]))
    t = minigan.arange(24.0).reshape(2, 3, 4)
    assert LA.diagonal(t).tolist() == [[0.0, 5.0, 10.0], [12.0, 17.0, 22.0]]
    assert LA.diagonal(t, offset=1).tolist() == [[1.0, 6.0, 11.0], [13.0, 18.0, 23.0]]
    assert LA.diagonal(t, offset=-2).tolist() == [[8.0], [20.0]]
    assert LA.diagonal(t, dim1=0, dim2=2).tolist() == [[0.0, 13.0], [4.0, 17.0], [8.0, 21.0]]
    assert LA.diagonal(t, offset=9).shape == (2, 0)
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical 1, 1"):
        LA.diagonal(t, dim1=1, dim2=1)


def test_cond_as_pytorch():
    assert LA.cond(constant(M_ROWS)).item() == pytest.approx(27.7591449946, rel=1e-10)
    assert LA.cond(constant(M_ROWS), -2).item() == pytest.approx(0.0360241643, rel=1e-9)
    expected = {"fro": 6.3446989313, "nuc": 13.8118015493, 1: 7.6756756757, -1: 3.6486486486, math.inf: 6.6621621622,
                -math.inf: 3.1621621622}
    for p, value in expected.items():
        assert LA.cond(constant(A_ROWS), p).item() == pytest.approx(value, rel=1e-9), p
    close(LA.cond(minigan.stack([constant(A_ROWS), constant(S_ROWS)])), [4.9042471301, 2.7488305887])
    singular = minigan.tensor([[1.0, 2.0], [2.0, 4.0]])
    assert LA.cond(singular, 1).item() == math.inf
    assert LA.cond(minigan.stack([minigan.eye(2), singular]), 1).tolist() == [1.0, math.inf]
    a = leaf(A_ROWS)
    LA.cond(a).backward()
    close(a.grad, [[-0.8051338334, 0.9362225213, 1.2517352528], [1.5083324440, -1.6223987535, -1.6282828141],
                   [1.3288873105, -1.2477345538, -0.4446421084]])
    with pytest.raises(ValueError, match="linalg.cond got an invalid norm type: 3"):
        LA.cond(constant(A_ROWS), 3)
    with pytest.raises(RuntimeError, match=r"linalg.cond\(ord=1\): A must be batches of square matrices, but they are 3 by 2"):
        LA.cond(constant(M_ROWS), 1)


def test_solve_from_the_right_is_pytorchs():
    close(LA.solve(constant(A_ROWS), constant(B_ROWS).T, left=False),
          [[-0.0945945946, 0.5270270270, 0.7432432432], [0.6621621622, -0.6891891892, -0.2027027027]])
    with pytest.raises(RuntimeError, match="with left=False, B must be a batch of matrices"):
        LA.solve(constant(A_ROWS), constant(B_ROWS)[:, 0], left=False)


@pytest.mark.parametrize("call, message", [
    (lambda: LA.cholesky(minigan.ones(2, 3)), "linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: LA.cholesky(minigan.ones(3)), "linalg.cholesky: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.cholesky(minigan.ones(2, 2, dtype=minigan.int64)),
     "linalg.cholesky: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: LA.eigh(minigan.ones(2, 3)), "linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: LA.eigh(minigan.eye(2), UPLO="X"), "Expected UPLO argument to be 'L' or 'U', but got X"),
    (lambda: LA.eigvalsh(minigan.eye(2), UPLO="x"), "Expected UPLO argument to be 'L' or 'U', but got x"),
])
def test_errors_are_pytorchs(call, message):
    with pytest.raises(RuntimeError) as caught:
        call()
    assert str(caught.value) == message


def test_what_is_still_missing_says_so():
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.linalg.eig is not supported by minigan .*"
                                                              "minigan.linalg has .*eigh.*cholesky.*pinv"):
        LA.eig  # noqa: B018
    for name in ("cholesky", "cholesky_ex", "eigh", "eigvalsh", "solve_triangular", "lstsq", "pinv", "matrix_rank",
                 "matrix_power", "multi_dot", "vecdot", "diagonal", "cond"):
        assert callable(getattr(LA, name)) and name in LA.__all__
