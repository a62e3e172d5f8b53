"""minigan.linalg's LDL family (ldl_factor, ldl_factor_ex, ldl_solve): against PyTorch 2.14.1's LD, pivots,
info and solutions (float64 and float32, its LAPACK's sytrf and sytrs) written out by hand, the factorisation
multiplied back out as LAPACK documents its storage, NumPy's solve, and PyTorch's messages and missing
derivatives."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigan
import minigan.linalg as LA

pytestmark = pytest.mark.filterwarnings("error")

INDEFINITE = [[1.0, 2.0, 3.0], [2.0, -1.0, 0.0], [3.0, 0.0, 4.0]]
TWO_BY_TWO = [[0.01, 2.0, -1.0, 0.5], [2.0, 0.02, 3.0, 1.0], [-1.0, 3.0, -0.03, 2.0], [0.5, 1.0, 2.0, 0.04]]
TIES = [[1.0, -2, 2, 0, 1], [-2, 1, 2, -2, 0], [2, 2, -1, 1, -2], [0, -2, 1, 0, 2], [1, 0, -2, 2, 1]]
SINGULAR = [[3.0, 1, 2], [1, 0, 0], [2, 0, 0]]
RANDOM6 = [[0.002, 0.359, -0.169, -2.792, -0.298, -2.522], [0.359, 2.68, -1.423, -1.91, 0.303, -0.121],
           [-0.169, -1.423, -0.059, -1.146, -3.861, -1.436], [-2.792, -1.91, -1.146, -0.47, -1.806, -0.538],
           [-0.298, 0.303, -3.861, -1.806, -0.097, 1.174], [-2.522, -0.121, -1.436, -0.538, 1.174, -1.615]]

# PyTorch 2.14.1: torch.linalg.ldl_factor_ex(torch.tensor(A, dtype=torch.float64))
EXPECTED = {
    "INDEFINITE": ([[4.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.75, 2.0, -1.25]], [3, -3, -3], 0),
    "TWO_BY_TWO": ([[0.01, 0.0, 0.0, 0.0], [2.0, 0.02, 0.0, 0.0],
                    [1.5050752537626881, -0.5075253762688134, 2.9976513825691287, 0.0],
                    [0.49752487624381225, 0.24751237561878095, 0.5854542524832764, -1.4837398546756357]],
                   [-2, -2, 3, 4], 0),
    "TIES": ([[1.0, 0.0, 0.0, 0.0, 0.0], [-2.0, 1.0, 0.0, 0.0, 0.0], [-2.0, -2.0, 7.0, 0.0, 0.0],
              [1.3333333333333333, 0.6666666666666666, -0.42857142857142855, 1.3333333333333333, 0.0],
              [-0.3333333333333333, -0.6666666666666666, 0.0, 0.5, -0.28571428571428575]], [-2, -2, 3, 5, 5], 0),
    "SINGULAR": ([[3.0, 0.0, 0.0], [0.3333333333333333, -1.3333333333333333, 0.0], [0.6666666666666666, 0.5, 0.0]],
                 [1, 3, 3], 3),
}
# float32 LD of TWO_BY_TWO and TIES (the same pivots)
EXPECTED_32 = {
    "TWO_BY_TWO": [[0.009999999776482582, 0.0, 0.0, 0.0], [2.0, 0.019999999552965164, 0.0, 0.0],
                   [1.5050753355026245, -0.5075253844261169, 2.9976515769958496, 0.0],
                   [0.4975249171257019, 0.24751240015029907, 0.5854542255401611, -1.4837398529052734]],
    "TIES": [[1.0, 0.0, 0.0, 0.0, 0.0], [-2.0, 1.0, 0.0, 0.0, 0.0], [-2.0, -2.0, 7.0, 0.0, 0.0],
             [1.3333333730697632, 0.6666666865348816, -0.4285714626312256, 1.3333333730697632, 0.0],
             [-0.3333333432674408, -0.6666666865348816, 0.0, 0.4999999701976776, -0.2857142984867096]],
}


def f64(rows, requires_grad=False):
    return minigan.tensor(rows, dtype=minigan.float64, requires_grad=requires_grad)


def multiplied_out(LD, pivots):
    """L D L^T with L = P(1) L(1) P(2) L(2) ..., as LAPACK's sytrf documents its lower storage: P(k) swaps
    row k (k+1 for a 2x2 block) with |pivots[k]|, L(k) holds the block's multipliers below it."""
    n = LD.shape[0]
    L, D = np.eye(n), np.zeros((n, n))
    k = 0
    while k < n:
        size = 1 if pivots[k] > 0 else 2
        swap = np.eye(n)
        swap[[k + size - 1, abs(pivots[k]) - 1]] = swap[[abs(pivots[k]) - 1, k + size - 1]]
        step = np.eye(n)
        step[k + size:, k:k + size] = LD[k + size:, k:k + size]
        block = np.tril(LD[k:k + size, k:k + size])
        D[k:k + size, k:k + size] = block + np.tril(block, -1).T
        L = L @ swap @ step
        k += size
    return L @ D @ L.T


@pytest.mark.parametrize("name", list(EXPECTED))
def test_ldl_factor_ex_is_pytorchs(name):
    A = globals()[name]
    LD, pivots, info = EXPECTED[name]
    result = LA.ldl_factor_ex(f64(A))
    assert type(result).__name__ == "linalg_ldl_factor_ex"
    np.testing.assert_allclose(result.LD.numpy(), LD, rtol=1e-15, atol=1e-15)
    assert result.pivots.dtype == minigan.int32 and result.pivots.tolist() == pivots
    assert result.info.dtype == minigan.int32 and result.info.shape == () and result.info.item() == info
    if info == 0:
        np.testing.assert_allclose(multiplied_out(result.LD.numpy(), pivots), A, atol=1e-13)


@pytest.mark.parametrize("name", list(EXPECTED_32))
def test_float32_keeps_pytorchs_rounding(name):
    result = LA.ldl_factor(minigan.tensor(globals()[name], dtype=minigan.float32))
    assert result.LD.dtype == minigan.float32 and result.pivots.tolist() == EXPECTED[name][1]
    np.testing.assert_allclose(result.LD.numpy(), EXPECTED_32[name], rtol=2e-7, atol=1e-7)


def test_only_the_lower_triangle_is_read_and_each_matrix_of_a_batch_gets_its_own_pivots():
    garbage = [[2.0, 9, 9], [1, 0, 9], [0, 3, 1]]
    result = LA.ldl_factor_ex(f64([INDEFINITE, garbage]))
    assert result.pivots.tolist() == [[3, -3, -3], [1, -3, -3]] and result.info.tolist() == [0, 0]
    np.testing.assert_array_equal(result.LD.numpy()[1], [[2.0, 0.0, 0.0], [0.5, -0.5, 0.0], [0.0, 3.0, 1.0]])
    upper_ignored = LA.ldl_factor(f64(np.tril(RANDOM6) + np.triu(np.full((6, 6), 7.0), 1)))
    assert upper_ignored.pivots.tolist() == [-4, -4, -5, -5, 5, 6]  # PyTorch's, from RANDOM6's lower triangle
    np.testing.assert_allclose(upper_ignored.LD.numpy()[5], [0.04062951662116592, 0.9033242331780954,
                               -0.7685840007310205, 0.09188534459218745, 0.22424934461900692, -1.6888852791407272],
                               rtol=1e-14)


def test_a_batch_whose_blocks_fall_on_different_columns_is_pytorchs():
    """One pass over the columns serves the batch: a 2x2 block at 0, none, one at 3, a zero column then a 2x2
    block at 2. PyTorch 2.14.1's ldl_factor_ex of the same batch."""
    dominant = [[9.0, 1, -2, 0, 1], [1, 8, 0.5, 1, 0], [-2, 0.5, 7, 1, -1], [0, 1, 1, 6, 0.25], [1, 0, -1, 0.25, 5]]
    late_block = [[4.0, 1, 0, 0, 0], [1, 3, 0, 0, 1], [0, 0, 2, 0, 0], [0, 0, 0, 0.001, 3], [0, 1, 0, 3, 0.002]]
    zero_middle = [[2.0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0, 3, 1], [0, 0, 3, 1, 0], [0, 0, 1, 0, -1]]
    result = LA.ldl_factor_ex(f64([TIES, dominant, late_block, zero_middle]))
    assert result.pivots.tolist() == [[-2, -2, 3, 5, 5], [1, 2, 3, 4, 5], [1, 2, 3, -5, -5], [1, 2, -4, -4, 5]]
    assert result.info.tolist() == [0, 0, 0, 2]
    np.testing.assert_allclose(result.LD.numpy()[0], EXPECTED["TIES"][0], rtol=1e-15)
    np.testing.assert_allclose(result.LD.numpy()[1:], [
        [[9.0, 0.0, 0.0, 0.0, 0.0], [0.1111111111111111, 7.888888888888889, 0.0, 0.0, 0.0],
         [-0.2222222222222222, 0.09154929577464789, 6.48943661971831, 0.0, 0.0],
         [0.0, 0.1267605633802817, 0.13998914812805208, 5.746066196418882, 0.0],
         [0.1111111111111111, -0.01408450704225352, -0.11828540423223005, 0.0646600566572238, 4.772503541076488]],
        [[4.0, 0.0, 0.0, 0.0, 0.0], [0.25, 2.75, 0.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0, 0.0],
         [0.0, 0.0, 0.0, 0.001, 0.0], [0.0, 0.36363636363636365, 0.0, 3.0, -0.36163636363636364]],
        [[2.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.5, 0.0, -0.5, 0.0, 0.0], [0.0, 0.0, 3.0, 1.0, 0.0],
         [0.0, 0.0, -0.10526315789473684, 0.3157894736842105, -0.8947368421052632]]], rtol=1e-15)


def test_a_zero_block_gives_info_and_ldl_factor_raises():
    zero = LA.ldl_factor_ex(f64([[0.0, 0.0], [0.0, 0.0]]))
    assert zero.pivots.tolist() == [1, 2] and zero.info.item() == 1
    assert LA.ldl_factor_ex(f64([[0.0, 1.0], [1.0, 0.0]])).pivots.tolist() == [-2, -2]  # a 2x2 block: no zero pivot
    assert LA.ldl_factor_ex(f64([[1.0, 1.0], [1.0, 1.0]])).info.item() == 2
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.ldl_factor: The factorization is complete, but D\[3,3\] "
                                             r"is exactly zero"):
        LA.ldl_factor(f64(SINGULAR))
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.ldl_factor_ex: \(Batch element 1\): .*D\[1,1\]"):
        LA.ldl_factor_ex(f64([INDEFINITE, np.zeros((3, 3))]), check_errors=True)


def test_nan_follows_pytorchs_lapack():
    nan = float("nan")
    assert LA.ldl_factor_ex(f64([[nan, 0.0], [0.0, 1.0]])).info.item() == 1
    assert LA.ldl_factor_ex(f64([[1.0, 0.0], [0.0, nan]])).info.item() == 2
    two = LA.ldl_factor_ex(f64([[nan, 5.0], [7.0, 2.0]]))
    assert two.pivots.tolist() == [-2, -2] and two.info.item() == 0
    assert LA.ldl_factor_ex(f64([[0.0, nan], [nan, 1.0]])).pivots.tolist() == [-2, -2]
    tiny = LA.ldl_factor_ex(f64([[1e-320, 0.0], [0.0, 1.0]]))  # 1 / 1e-320 overflows: PyTorch's NaN, then 1 kept
    np.testing.assert_array_equal(tiny.LD.numpy(), [[1e-320, 0.0], [nan, 1.0]])
    assert tiny.info.item() == 0


def test_empty_matrices():
    result = LA.ldl_factor(f64(np.zeros((2, 0, 0))))
    assert result.LD.shape == (2, 0, 0) and result.pivots.shape == (2, 0)
    assert LA.ldl_factor(f64(np.zeros((0, 3, 3)))).pivots.shape == (0, 3)
    assert LA.ldl_solve(result.LD, result.pivots, f64(np.zeros((2, 0, 3)))).shape == (2, 0, 3)  # PyTorch's


def test_ldl_solve_is_pytorchs_and_numpys():
    LD, pivots = LA.ldl_factor(f64(TWO_BY_TWO))
    B = [[1.0, 2], [0, -1], [3, 0.5], [-2, 1]]
    X = LA.ldl_solve(LD, pivots, f64(B))
    np.testing.assert_allclose(X.numpy(), [[0.1164570098425621, 0.4830369850522557],
                                           [-0.48492275830486453, 1.2328246573718407],
                                           [-0.8321154915083269, -0.20995421881270804],
                                           [2.2731309100059534, -1.3608678068138238]], rtol=1e-13)
    both = f64([INDEFINITE, [[2.0, 1, 0], [1, 0, 3], [0, 3, 1]]])
    LD, pivots = LA.ldl_factor(both)
    rhs = np.arange(12.0).reshape(2, 3, 2) - 5
    np.testing.assert_allclose(LA.ldl_solve(LD, pivots, f64(rhs)).numpy(), np.linalg.solve(both.numpy(), rhs),
                               rtol=1e-13, atol=1e-13)
    broadcast = LA.ldl_solve(LD, pivots, f64(rhs[:1]))  # B's batch of 1 against LD's 2
    np.testing.assert_allclose(broadcast.numpy(), np.linalg.solve(both.numpy(), rhs[:1]), rtol=1e-13, atol=1e-13)
    LD, pivots = LA.ldl_factor(f64(RANDOM6))
    np.testing.assert_allclose(LA.ldl_solve(LD, pivots.long(), f64(np.eye(6))).numpy(), np.linalg.inv(RANDOM6),
                               rtol=1e-12, atol=1e-12)


def test_on_the_strict_test_device():
    LD, pivots, info = LA.ldl_factor_ex(f64(INDEFINITE).to("strict"))
    assert LD.device == pivots.device == info.device == "strict" and pivots.to("cpu").tolist() == [3, -3, -3]
    X = LA.ldl_solve(LD, pivots, f64(np.ones((3, 2))).to("strict"))
    assert X.device == "strict"
    np.testing.assert_allclose(X.to("cpu").numpy(), np.linalg.solve(INDEFINITE, np.ones((3, 2))), rtol=1e-14)


def test_pytorchs_messages():
    with pytest.raises(RuntimeError, match=r"^torch.linalg.ldl_factor_ex: A must be batches of square matrices, but "
                                           r"they are 2 by 3 matrices$"):
        LA.ldl_factor(f64(np.zeros((2, 3))))
    with pytest.raises(RuntimeError, match=r"^torch.linalg.ldl_factor_ex: The input tensor A must have at least 2 "
                                           r"dimensions.$"):
        LA.ldl_factor(f64([1.0]))
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as input. Got Long"):
        LA.ldl_factor(minigan.tensor([[1, 2], [2, 1]]))
    with pytest.raises(NotImplementedError, match="\"ldl_factor_kernel_cpu\" not implemented for 'Half'"):
        LA.ldl_factor(minigan.tensor([[1.0]], dtype=minigan.float16))
    with pytest.raises(TypeError):
        LA.ldl_factor(f64(INDEFINITE), False)
    LD, pivots = LA.ldl_factor(f64(INDEFINITE))
    B = f64(np.ones((3, 2)))
    with pytest.raises(RuntimeError, match=r"^torch.linalg.ldl_solve: Expected LD.shape\[:-1\] and pivots.shape to "
                                           r"be the same, but got pivots with shape \[2\] instead$"):
        LA.ldl_solve(LD, pivots[:2], B)
    with pytest.raises(RuntimeError, match=r"^torch.linalg.ldl_solve: Expected pivots to be integers. Got Float$"):
        LA.ldl_solve(LD, pivots.float(), B)
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-1, 0\], but got "
                                         r"-2\)$"):
        LA.ldl_solve(LD, pivots, B[:, 0])
    with pytest.raises(RuntimeError, match=r"^Expected b and A to have the same dtype, but found b of type Float and "
                                           r"A of type Double instead.$"):
        LA.ldl_solve(LD, pivots, B.float())
    with pytest.raises(RuntimeError, match=r"^Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is "
                                           r"3 by 3 but each b matrix is 4 by 2$"):
        LA.ldl_solve(LD, pivots, f64(np.ones((4, 2))))
    with pytest.raises(RuntimeError, match=r"^Pivots given to ldl_solve must all satisfy \|pivot\| <= LD.size\(-2\)."):
        LA.ldl_solve(LD, minigan.tensor([5, 2, 3], dtype=minigan.int32), B)
    with pytest.raises(RuntimeError, match=r"^Pivots given to ldl_solve must all satisfy \|pivot\| >= 1."):
        LA.ldl_solve(LD, minigan.tensor([0, 2, 3], dtype=minigan.int32), B)
    with pytest.raises(RuntimeError, match=r"^torch.linalg.ldl_solve: the pivots \[1, 2, -3\] are not ldl_factor's"):
        LA.ldl_solve(LD, minigan.tensor([1, 2, -3], dtype=minigan.int32), B)
    with pytest.raises(RuntimeError, match=r"batch dimensions of LD \[2\] and B \[5, 3\] do not broadcast"):
        LA.ldl_solve(LD.expand(2, 3, 3), pivots.expand(2, 3), f64(np.ones((5, 3, 3, 2))))


def test_no_derivative_as_in_pytorch():
    A = f64(INDEFINITE, requires_grad=True)
    LD, pivots = LA.ldl_factor(A)
    assert LD.requires_grad and not pivots.requires_grad
    with pytest.raises(RuntimeError, match=r"^derivative for aten::linalg_ldl_factor_ex is not implemented$"):
        LD.sum().backward()
    B = f64(np.ones((3, 2)), requires_grad=True)
    X = LA.ldl_solve(LD.detach(), pivots, B)
    assert X.requires_grad
    with pytest.raises(RuntimeError, match=r"^derivative for aten::linalg_ldl_solve is not implemented$"):
        X.sum().backward()
    with minigan.no_grad():
        assert not LA.ldl_factor(A).LD.requires_grad


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_factors_multiply_back_and_solve(data):
    n = data.draw(st.integers(1, 7))
    drawn = data.draw(hnp.arrays(np.float64, (n, n), elements=st.floats(-4.0, 4.0, allow_nan=False, width=64)))
    drawn = np.round(drawn * 4) / 4  # ties and zeros, often
    A = np.tril(drawn) + np.tril(drawn, -1).T
    LD, pivots, info = LA.ldl_factor_ex(f64(drawn))
    LD, pivots = LD.numpy(), pivots.numpy()
    assert np.all(np.triu(LD, 1) == 0)
    k = 0
    while k < n:  # negative pivots come in equal pairs
        assert pivots[k] > 0 or (k + 1 < n and pivots[k + 1] == pivots[k])
        k += 1 if pivots[k] > 0 else 2
    if info.item() == 0 and np.all(np.isfinite(LD)):
        np.testing.assert_allclose(multiplied_out(LD, pivots), A, atol=1e-9 * max(1.0, np.abs(LD).max() ** 2))
        if abs(np.linalg.det(A)) > 1e-3:
            rhs = np.arange(n, dtype=np.float64)[:, None] + 1
            X = LA.ldl_solve(f64(LD), minigan.tensor(pivots), f64(rhs)).numpy()
            np.testing.assert_allclose(A @ X, rhs, atol=1e-6 * max(1.0, np.abs(X).max()))
