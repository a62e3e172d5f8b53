"""Gradcheck cases for einsum and the linear algebra (minigan/ops/einsum.py, matrix_products.py,
linalg.py, svd.py, qr.py, cholesky.py, eigh.py, triangular.py, pinv.py, linalg_compositions.py,
linalg_norms.py, order_statistics.py, lu.py, matrix_exp.py, linalg_extras.py); minigan/gradcheck/cases.py
adds them to its registry. LU's inputs have one clear pivot per column (a row-shuffled, diagonally
dominant matrix), so a perturbation never changes the pivots. Square
inputs are made well conditioned (3 I added), SVD inputs get singular values at least 0.5 apart (their
gradient divides by s_i^2 - s_j^2 and by s_i; QR's solves with R). Cholesky and eigh read one triangle
of a symmetric matrix, so their cases feed them a + a^T: a perturbation of a then stays symmetric."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..ops import linalg_norms, order_statistics
from ..ops.cholesky import cholesky, cholesky_ex
from ..ops.eigh import eigh, eigvalsh
from ..ops.einsum import einsum
from ..ops.linalg_compositions import cond, diagonal, matrix_power, multi_dot, vecdot
from ..ops.linalg_extras import householder_product, inv_ex, tensorinv, tensorsolve, vander
from ..ops.lowrank import pca_lowrank, svd_lowrank
from ..ops.lu import lu, lu_factor, lu_solve, lu_unpack
from ..ops.matrix_exp import matrix_exp
from ..ops.pinv import lstsq, pinv
from ..ops.triangular import cholesky_solve, solve_triangular
from ..ops.qr import qr
from ..ops.svd import svd, svd_uv
from ..torch_api.generators import default_generator, set_default_generator
from .opcase import DISTINCT_LAYOUTS, OpCase, distinct


def _well_conditioned(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input plus 3 I (its matrices far from singular, det away from 0); the rest as drawn."""
    first = arrays[0] + 3.0 * np.eye(arrays[0].shape[-1])
    return [first] + arrays[1:]


def _spread_singular_values(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Each matrix rebuilt as Q1 diag(1, 1.7, 2.4...) Q2 with random orthogonal Q1, Q2."""
    out = []
    for a in arrays:
        m, n = a.shape[-2:]
        k = min(m, n)
        q1 = np.linalg.qr(rng.standard_normal(a.shape[:-2] + (m, m)))[0][..., :k]
        q2 = np.linalg.qr(rng.standard_normal(a.shape[:-2] + (n, n)))[0][..., :k, :]
        out.append((q1 * (1.0 + 0.7 * np.arange(k))) @ q2)
    return out


def _spread_first(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    return _spread_singular_values(arrays[:1], rng) + arrays[1:]


def _positive_definite_halves(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input x as x x^T / 2 + I, so that a + a^T = x x^T + 2 I is positive-definite."""
    x = arrays[0]
    return [x @ np.swapaxes(x, -1, -2) / 2.0 + np.eye(x.shape[-1])] + arrays[1:]


def _spread_eigenvalue_halves(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as Q diag(-1, -0.3, 0.4...) Q^T / 2 with a random orthogonal Q, so that a + a^T has
    eigenvalues 0.7 apart (the eigenvectors' gradient divides by their differences)."""
    a = arrays[0]
    q = np.linalg.qr(rng.standard_normal(a.shape))[0]
    values = -1.0 + 0.7 * np.arange(a.shape[-1])
    return [(q * values) @ np.swapaxes(q, -1, -2) / 2.0] + arrays[1:]


def _clear_pivots(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as 0.3 a + 3 I (m x n) with its rows shuffled: each column's pivot is clear."""
    a = arrays[0]
    dominant = 0.3 * a + 3.0 * np.eye(*a.shape[-2:])
    return [np.ascontiguousarray(dominant[..., rng.permutation(a.shape[-2]), :])] + arrays[1:]


_PIVOTS = np.array([3, 3, 3], dtype=np.int32)  # rows 0 and 2 swapped, then 1 and 2: a P that is no swap pair


def _lu_solve_all(lu_data, b):
    """lu_solve from a packed LU of fixed pivots, every left/adjoint combination."""
    pivots = Tensor._make(np.broadcast_to(_PIVOTS, lu_data.shape[:-1]).copy(), False, None)
    return (lu_solve(lu_data, pivots, b) + lu_solve(lu_data, pivots, b, adjoint=True)
            + lu_solve(lu_data, pivots, b.transpose(-1, -2), left=False).transpose(-1, -2)
            + lu_solve(lu_data, pivots, b.transpose(-1, -2), left=False, adjoint=True).transpose(-1, -2))


def _symmetric(a):
    return a + a.transpose(-1, -2)


def _sign_free(vectors):
    """Each eigenvector times its own first entry: LAPACK's choice of sign cancels."""
    return vectors * vectors[..., :1, :]


def _rank_two(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The first input as Q1 diag(1, 1.7) Q2: rank 2, its singular values apart, for q = 2 in svd_lowrank."""
    a = arrays[0]
    m, n = a.shape[-2:]
    q1 = np.linalg.qr(rng.standard_normal(a.shape[:-2] + (m, m)))[0][..., :2]
    q2 = np.linalg.qr(rng.standard_normal(a.shape[:-2] + (n, n)))[0][..., :2, :]
    return [(q1 * np.array([1.0, 1.7])) @ q2] + arrays[1:]


def _lowrank(fn, **options):
    """fn(a, **options) with Omega drawn from a Generator seeded alike at every call, so a perturbation of a
    meets the same Omega; U S V^T and S are free of the singular vectors' signs."""
    def f(a):
        saved = default_generator()
        set_default_generator(np.random.default_rng(0))
        try:
            U, S, V = fn(a, **options)
        finally:
            set_default_generator(saved)
        return (U * S.unsqueeze(-2)) @ V.transpose(-1, -2) + S.sum(-1).unsqueeze(-1).unsqueeze(-1)
    return f


def _svd_part(i: int, full: bool = False):
    def f(a):
        factor = svd(a, full_matrices=full)[i]
        k = min(a.shape[-2:])
        # The sign of each singular vector pair is LAPACK's choice; a product of a pair is not.
        return factor[..., :k] if i == 0 else factor[..., :k, :] if i == 2 else factor
    return f


LINALG_CASES: list[OpCase] = [
    OpCase("einsum_matmul", lambda a, b: einsum("ij,jk->ik", a, b), [((2, 3), (3, 4)), ((2, 1), (3, 2))]),
    OpCase("einsum_batched_ellipsis", lambda a, b: einsum("...ij,...jk", a, b), [((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 1))]),
    OpCase("einsum_trace_diagonal", lambda a: einsum("ii", a) * einsum("ii->i", a), [((3, 3),)]),
    OpCase("einsum_repeated_and_summed", lambda a, b: einsum("iij,jk->k", a, b), [((2, 2, 3), (3, 4))]),
    OpCase("einsum_three_operands", lambda a, b, c: einsum("ab,bc,cd->ad", a, b, c), [((2, 3), (3, 4), (4, 2))]),
    OpCase("einsum_outer_and_broadcast", lambda a, b, c: einsum("ij,ij,ij->i", a, b, c) + einsum("i,j->ij", a[0], c[0]).sum(),
           [((2, 3), (2, 3), (1, 3))]),
    OpCase("tensordot", lambda a, b: ops.tensordot(a, b, dims=([1, 2], [1, 0])), [((2, 3, 4), (4, 3, 5))]),
    OpCase("tensordot_dims0", lambda a, b: ops.tensordot(a, b, dims=0), [((2, 3), (4,))]),
    OpCase("dot_mv", lambda a, m: ops.dot(a, m[0]) * ops.mv(m, a), [((3,), (2, 3))]),
    OpCase("addmm", lambda c, a, b: ops.addmm(c, a, b, beta=0.5, alpha=2.0), [((3,), (2, 4), (4, 3)), ((2, 3), (2, 4), (4, 3))]),
    OpCase("baddbmm_addbmm", lambda c, a, b: ops.baddbmm(c, a, b, beta=1.5) + ops.addbmm(c, a, b, alpha=0.5),
           [((2, 3), (2, 2, 4), (2, 4, 3))]),
    OpCase("inv", ops.inv, [((3, 3),), ((2, 2, 2),)], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("det", ops.det, [((3, 3),), ((2, 2, 2),)], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("slogdet_logabsdet", lambda a: ops.slogdet(a).logabsdet, [((3, 3),), ((2, 2, 2),)],
           prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("solve", ops.solve, [((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((1, 3, 3), (2, 3, 1))],
           prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("svdvals", ops.svdvals, [((4, 3),), ((2, 2, 3),)], prepare=_spread_singular_values, layouts=DISTINCT_LAYOUTS),
    OpCase("svd_U", _svd_part(0), [((4, 3),), ((3, 3),), ((2, 3),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("svd_Vh", _svd_part(2), [((4, 3),), ((3, 3),), ((2, 3),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("svd_full_first_columns", _svd_part(0, full=True), [((4, 2),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("svd_old_V", lambda a: svd_uv(a).V * svd_uv(a).S, [((4, 3),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("qr_Q", lambda a: qr(a).Q, [((4, 3),), ((3, 3),), ((2, 3, 2),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("qr_R", lambda a: qr(a).R, [((4, 3),), ((2, 2, 2),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("qr_wide", lambda a: qr(a).Q * qr(a).R.sum(), [((2, 4),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("cholesky", lambda a: cholesky(_symmetric(a)), [((3, 3),), ((2, 2, 2),)], prepare=_positive_definite_halves,
           layouts=DISTINCT_LAYOUTS),
    OpCase("cholesky_upper_ex", lambda a: cholesky(_symmetric(a), upper=True) * cholesky_ex(_symmetric(a)).L.sum(),
           [((3, 3),)], prepare=_positive_definite_halves, layouts=DISTINCT_LAYOUTS),
    OpCase("eigvalsh", lambda a: eigvalsh(_symmetric(a)), [((3, 3),), ((2, 2, 2),)], prepare=_spread_eigenvalue_halves,
           layouts=DISTINCT_LAYOUTS),
    OpCase("eigh_vectors", lambda a: _sign_free(eigh(_symmetric(a)).eigenvectors), [((3, 3),), ((2, 2, 2),)],
           prepare=_spread_eigenvalue_halves, layouts=DISTINCT_LAYOUTS),
    OpCase("eigh_upper", lambda a: _sign_free(eigh(_symmetric(a), UPLO="U").eigenvectors) * eigh(_symmetric(a)).eigenvalues,
           [((3, 3),)], prepare=_spread_eigenvalue_halves, layouts=DISTINCT_LAYOUTS),
    OpCase("solve_triangular", lambda a, b: solve_triangular(a, b, upper=True), [((3, 3), (3, 2)), ((2, 3, 3), (1, 3, 1))],
           prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("solve_triangular_right_unit", lambda a, b: solve_triangular(a, b, upper=False, left=False, unitriangular=True),
           [((3, 3), (2, 3))], layouts=DISTINCT_LAYOUTS),
    OpCase("cholesky_solve", lambda l, b: cholesky_solve(b, l) + cholesky_solve(b, l.transpose(-1, -2), upper=True),
           [((3, 3), (3, 2))], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("pinv", pinv, [((4, 3),), ((2, 3),), ((2, 3, 3),)], prepare=_spread_singular_values, layouts=DISTINCT_LAYOUTS),
    OpCase("pinv_hermitian", lambda a: pinv(_symmetric(a), hermitian=True), [((3, 3),)], prepare=_spread_eigenvalue_halves,
           layouts=DISTINCT_LAYOUTS),
    OpCase("lstsq", lambda a, b: lstsq(a, b).solution, [((4, 3), (4, 2)), ((2, 3), (2,))], prepare=_spread_first,
           layouts=DISTINCT_LAYOUTS),
    OpCase("matrix_power", lambda a: matrix_power(a, 3) + matrix_power(a, -2),
           [((3, 3),), ((2, 2, 2),)], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("multi_dot_vecdot_diagonal", lambda a, b, c: multi_dot([a[0], b, c]) * vecdot(a, b[:, :2].transpose(0, 1))
           + diagonal(b, offset=1).sum() * multi_dot([a, b, c]).sum(), [((2, 3), (3, 4), (4, 2))]),
    OpCase("cond", lambda a: cond(a) + cond(a, "fro") * cond(a, -1), [((3, 3),)], prepare=_spread_singular_values,
           layouts=DISTINCT_LAYOUTS),
    OpCase("matrix_norm_nuc_2", lambda a: linalg_norms.matrix_norm(a, "nuc") + linalg_norms.matrix_norm(a, -2, dim=(0, 1)),
           [((3, 4),)], prepare=_spread_singular_values, layouts=DISTINCT_LAYOUTS),
    OpCase("matrix_norm_1_inf", lambda a: linalg_norms.matrix_norm(a, 1, keepdim=True) * linalg_norms.matrix_norm(a, float("inf")),
           [((3, 4),), ((2, 3, 3),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("vector_norm_p", lambda a: linalg_norms.vector_norm(a, 3, dim=1) + linalg_norms.vector_norm(a, -1.5, dim=0).sum(),
           [((3, 4),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("lu_factor", lambda a: lu_factor(a).LU, [((3, 3),), ((4, 2),), ((2, 4),), ((2, 3, 3),)], prepare=_clear_pivots,
           layouts=DISTINCT_LAYOUTS),
    OpCase("lu_P_L_U", lambda a: lu(a).P @ lu(a).L * 2.0 + lu(a).L @ lu(a).U, [((3, 3),), ((2, 4, 3),)],
           prepare=_clear_pivots, layouts=DISTINCT_LAYOUTS),
    OpCase("lu_unpack_wide", lambda a: lu_unpack(*lu_factor(a)).U.sum(-1, keepdim=True) * lu_unpack(*lu_factor(a)).L,
           [((2, 3),)], prepare=_clear_pivots, layouts=DISTINCT_LAYOUTS),
    OpCase("lu_solve", _lu_solve_all, [((3, 3), (3, 2)), ((2, 3, 3), (1, 3, 1))], prepare=_well_conditioned,
           layouts=DISTINCT_LAYOUTS),
    OpCase("lu_factor_then_solve", lambda a, b: lu_solve(*lu_factor(a), b), [((3, 3), (2, 3, 2))], prepare=_clear_pivots,
           layouts=DISTINCT_LAYOUTS),
    OpCase("matrix_exp", matrix_exp, [((3, 3),), ((2, 2, 2),), ((1, 1),)]),
    OpCase("matrix_exp_large", lambda a: matrix_exp(3.0 * a), [((3, 3),)]),
    OpCase("inv_ex_tensorinv", lambda a: inv_ex(a).inverse + tensorinv(a.reshape(3, 1, 3), ind=2).reshape(3, 3),
           [((3, 3),)], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("tensorsolve", lambda a, b: tensorsolve(a.reshape(2, 3, 6), b, dims=None) * tensorsolve(a.reshape(6, 2, 3), b, dims=(0,)).sum(),
           [((6, 6), (2, 3))], prepare=_well_conditioned, layouts=DISTINCT_LAYOUTS),
    OpCase("vander", lambda x: vander(x, N=4), [((3,),), ((2, 3),)]),
    OpCase("householder_product", householder_product, [((4, 3), (2,)), ((2, 3, 3), (2, 3))]),
    OpCase("svd_lowrank", _lowrank(svd_lowrank, q=2), [((6, 4),), ((4, 6),), ((2, 5, 3),)], prepare=_rank_two,
           layouts=DISTINCT_LAYOUTS),
    OpCase("svd_lowrank_no_iteration", _lowrank(svd_lowrank, q=2, niter=0), [((5, 4),)], prepare=_rank_two,
           layouts=DISTINCT_LAYOUTS),
    OpCase("pca_lowrank", _lowrank(pca_lowrank, q=2, niter=1), [((6, 4),)], prepare=_rank_two, layouts=DISTINCT_LAYOUTS),
    OpCase("median_kthvalue_mode", lambda a: order_statistics.median(a, 1).values * order_statistics.kthvalue(a, 3, 1).values
           + order_statistics.median(a) + order_statistics.mode(a, 0).values.sum(), [((3, 4),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
]
