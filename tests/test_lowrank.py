"""torch.svd_lowrank and torch.pca_lowrank as minigan.svd_lowrank and minigan.pca_lowrank (also in
minigan.functional): on matrices of rank at most q they give the exact SVD, checked against NumPy's SVD and
covariance eigenvalues; shapes, dtypes and errors as PyTorch 2.14.1's, written out by hand; the random draw
follows minigan.manual_seed. Gradients: against the closed form of a singular value's, here, and finite
differences in minigan/gradcheck/linalg_cases.py (rows svd_lowrank, svd_lowrank_no_iteration, pca_lowrank)."""
import numpy as np
import pytest

import minigan
import minigan.functional

pytestmark = pytest.mark.filterwarnings("error")


def low_rank(shape, rank, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape[:-1] + (rank,)) @ rng.standard_normal(shape[:-2] + (rank, shape[-1]))


def f64(a, requires_grad=False):
    return minigan.tensor(a, dtype=minigan.float64, requires_grad=requires_grad)


def assert_exact_svd(U, S, V, a, k):
    s = np.linalg.svd(a, compute_uv=False)[..., :k]
    np.testing.assert_allclose(S.numpy(), s, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose((U.numpy() * S.numpy()[..., None, :]) @ np.swapaxes(V.numpy(), -1, -2), a, atol=1e-10)
    eye = np.eye(U.shape[-1])
    np.testing.assert_allclose(np.swapaxes(U.numpy(), -1, -2) @ U.numpy(), np.broadcast_to(eye, U.shape[:-2] + eye.shape),
                               atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(V.numpy(), -1, -2) @ V.numpy(), np.broadcast_to(eye, V.shape[:-2] + eye.shape),
                               atol=1e-12)


@pytest.mark.parametrize("shape, rank, q", [((20, 10), 3, 3), ((20, 10), 3, 6), ((10, 20), 4, 6), ((2, 3, 12, 9), 2, 4),
                                            ((8, 5), 5, 10)])
def test_rank_at_most_q_gives_the_exact_svd(shape, rank, q):
    a = low_rank(shape, rank)
    U, S, V = minigan.svd_lowrank(f64(a), q=q)
    k = min(q, *shape[-2:])
    assert U.shape == shape[:-1] + (k,) and S.shape == shape[:-2] + (k,) and V.shape == shape[:-2] + (shape[-1], k)
    assert_exact_svd(U, S, V, a, k)


def test_M_is_taken_off_and_broadcasts():
    a = low_rank((15, 7), 2)
    mean = np.linspace(-1.0, 2.0, 7)[None, :]
    U, S, V = minigan.svd_lowrank(f64(a + mean), q=2, M=f64(mean))
    assert_exact_svd(U, S, V, a, 2)
    U, S, V = minigan.svd_lowrank(f64(a + 3.0), q=2, niter=0, M=f64(np.full((15, 7), 3.0)))
    assert_exact_svd(U, S, V, a, 2)


def test_shapes_as_pytorchs():
    a = f64(np.random.default_rng(1).standard_normal((5, 8)))
    assert [t.shape for t in minigan.svd_lowrank(a)] == [(5, 5), (5,), (8, 5)]
    assert [t.shape for t in minigan.svd_lowrank(a, q=3, niter=-1)] == [(5, 3), (3,), (8, 3)]  # niter < 1: none
    assert [t.shape for t in minigan.svd_lowrank(a, q=0)] == [(5, 0), (0,), (8, 0)]
    assert [t.shape for t in minigan.svd_lowrank(a, q=None)] == [(5, 5), (5,), (8, 5)]
    wide = minigan.svd_lowrank(a.transpose(0, 1), q=10)
    assert isinstance(wide, tuple) and [t.shape for t in wide] == [(8, 5), (5,), (5, 5)]
    assert [t.shape for t in minigan.pca_lowrank(a)] == [(5, 5), (5,), (8, 5)]
    batch = minigan.pca_lowrank(minigan.randn(3, 20, 4), center=False)
    assert [t.shape for t in batch] == [(3, 20, 4), (3, 4), (3, 4, 4)] and batch[0].dtype == minigan.float32


def test_float32_and_the_seed():
    a = low_rank((30, 12), 3)
    U, S, V = minigan.svd_lowrank(minigan.tensor(a, dtype=minigan.float32), q=4)
    assert U.dtype == S.dtype == V.dtype == minigan.float32
    np.testing.assert_allclose(S.numpy()[:3], np.linalg.svd(a, compute_uv=False)[:3], rtol=1e-4)
    full = np.random.default_rng(2).standard_normal((30, 12))  # rank 12 > q: the draw shows
    minigan.manual_seed(5)
    first = minigan.svd_lowrank(f64(full), q=3, niter=0)
    minigan.manual_seed(5)
    again = minigan.svd_lowrank(f64(full), q=3, niter=0)
    other = minigan.svd_lowrank(f64(full), q=3, niter=0)
    np.testing.assert_array_equal(first[1].numpy(), again[1].numpy())
    assert not np.allclose(first[1].numpy(), other[1].numpy())
    assert np.all(first[1].numpy() <= np.linalg.svd(full, compute_uv=False)[:3] * (1 + 1e-12))  # a projection's


def test_pca_lowrank_gives_the_principal_directions():
    rng = np.random.default_rng(3)
    data = rng.standard_normal((50, 4)) @ rng.standard_normal((4, 4)) + np.array([5.0, -2.0, 0.5, 9.0])
    U, S, V = minigan.pca_lowrank(f64(data))  # q = min(6, 50, 4) = 4: exact
    values, vectors = np.linalg.eigh(np.cov(data.T))
    np.testing.assert_allclose(S.numpy() ** 2 / 49, values[::-1], rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.sum(V.numpy() * vectors[:, ::-1], axis=0)), np.ones(4), atol=1e-10)
    np.testing.assert_allclose(U.numpy().sum(0), np.zeros(4), atol=1e-10)  # centred: U's columns sum to 0
    assert minigan.pca_lowrank is minigan.functional.pca_lowrank
    assert minigan.svd_lowrank is minigan.functional.svd_lowrank


def test_singular_value_gradient_is_u_v_transposed():
    a = low_rank((7, 5), 2, seed=4)
    A = f64(a, requires_grad=True)
    U, S, V = minigan.svd_lowrank(A, q=2)
    (S * f64([1.0, 2.0])).sum().backward()
    u, s, vh = np.linalg.svd(a)
    np.testing.assert_allclose(A.grad.numpy(), np.outer(u[:, 0], vh[0]) + 2.0 * np.outer(u[:, 1], vh[1]), atol=1e-9)


def test_on_the_strict_test_device():
    a = low_rank((6, 5), 2, seed=5)
    U, S, V = minigan.svd_lowrank(f64(a).to("strict"), q=2)
    assert U.device == S.device == V.device == "strict"
    assert_exact_svd(U.to("cpu"), S.to("cpu"), V.to("cpu"), a, 2)
    assert minigan.pca_lowrank(f64(a).to("strict"), q=2)[1].device == "strict"


def test_pytorchs_errors():
    a = f64(np.ones((5, 8)))
    with pytest.raises(ValueError, match=r"^svd_lowrank: A must be a matrix or a batch of matrices, but it has 1 "):
        minigan.svd_lowrank(f64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as input. Got Long"):
        minigan.svd_lowrank(minigan.tensor([[1, 2], [3, 4]]))
    with pytest.raises(NotImplementedError, match="^\"geqrf_cpu\" not implemented for 'Half'$"):
        minigan.svd_lowrank(minigan.ones(3, 3, dtype=minigan.float16))
    with pytest.raises(RuntimeError, match=r"^Trying to create tensor with negative dimension -1: \[5, -1\]$"):
        minigan.svd_lowrank(a, q=-1)
    with pytest.raises(TypeError, match="argument 'q' must be int, not float"):
        minigan.svd_lowrank(a, q=2.5)
    with pytest.raises(RuntimeError, match="^expected m1 and m2 to have the same dtype, but got: float != double$"):
        minigan.svd_lowrank(a, M=minigan.zeros(8))
    with pytest.raises(RuntimeError, match=r"^svd_lowrank: M of shape \[3, 8\] does not broadcast to A's shape \[5, 8\]"):
        minigan.svd_lowrank(a, M=f64(np.zeros((3, 8))))
    with pytest.raises(ValueError, match=r"^q\(=7\) must be non-negative integer and not greater than min\(m, n\)=5$"):
        minigan.pca_lowrank(a, q=7)
    with pytest.raises(ValueError, match=r"^q\(=-1\) must be non-negative integer"):
        minigan.pca_lowrank(a, q=-1)
    with pytest.raises(ValueError, match=r"^niter\(=-1\) must be non-negative integer$"):
        minigan.pca_lowrank(a, q=2, niter=-1)
    with pytest.raises(RuntimeError, match=r"^mean\(\): could not infer output dtype. Input dtype must be either a "
                                           r"floating point or complex dtype. Got: Long$"):
        minigan.pca_lowrank(minigan.tensor([[1, 2], [3, 4]]))
