"""minigan.linalg (inv, det, slogdet, solve, svd, svdvals, qr, the norms), torch.inverse/det/logdet/svd,
median, kthvalue and mode: against PyTorch 2.14's values written out by hand, identities that hold
by definition, and PyTorch's messages and error kinds."""
import math
import re

import numpy as np
import pytest

import minigan
import minigan.linalg as LA

pytestmark = pytest.mark.filterwarnings("error")

A_ROWS = [[4.0, 1.0, 2.0], [0.0, 3.0, -1.0], [1.0, -2.0, 5.0]]  # det 45
W_ROWS = [[1.0, -1.0, 2.0], [0.5, 3.0, -2.0], [1.0, 0.0, 1.0]]


def leaf(rows):
    return minigan.tensor(rows, dtype=minigan.float64, requires_grad=True)


def test_inv_det_slogdet_and_their_gradients_are_pytorchs():
    w = minigan.tensor(W_ROWS, dtype=minigan.float64)
    a = leaf(A_ROWS)
    inverse = LA.inv(a)
    np.testing.assert_allclose(inverse.detach().numpy(), [[0.2888888889, -0.2, -0.1555555556],
                                                         [-0.0222222222, 0.4, 0.0888888889],
                                                         [-0.0666666667, 0.2, 0.2666666667]], atol=1e-10)
    (inverse * w).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[-4.5679012346e-02, 9.7530864198e-02, -6.2962962963e-02],
                                                [6.6666666667e-02, -4.6666666667e-01, 0.0],
                                                [4.9382716049e-03, -1.4567901235e-01, -1.4814814815e-02]], atol=1e-10)
    a = leaf(A_ROWS)
    d = LA.det(a)
    assert d.item() == pytest.approx(45.0, rel=1e-13)
    d.backward()
    np.testing.assert_allclose(a.grad.numpy(), [[13, -1, -3], [-9, 18, 9], [-7, 4, 12]], rtol=1e-12)  # the cofactors
    a = leaf(A_ROWS)
    sign, logabsdet = LA.slogdet(a)
    assert (sign.item(), logabsdet.item()) == (1.0, pytest.approx(3.8066624898, abs=1e-10))
    logabsdet.backward()
    np.testing.assert_allclose(a.grad.numpy(), np.linalg.inv(np.array(A_ROWS)).T, rtol=1e-12)


def test_det_second_derivative_is_pytorchs():
    a = leaf(A_ROWS)
    (g,) = minigan.grad(LA.det(a), a, create_graph=True)
    (g * g).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[296, 122, 42], [14, 260, 4], [-34, -82, 240]], rtol=1e-10)


def test_solve_and_its_gradients_are_pytorchs():
    a, b = leaf(A_ROWS), leaf([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
    x = LA.solve(a, b)
    np.testing.assert_allclose(x.detach().numpy(), [[-0.1777777778, 0.6222222222], [0.2444444444, -0.3555555556],
                                                    [0.7333333333, -0.0666666667]], atol=1e-10)
    (x * minigan.tensor([[1.0, 0.0], [2.0, -1.0], [0.5, 1.0]], dtype=minigan.float64)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[0.0651851852, -0.0674074074, -0.1577777778],
                                                [0.2488888889, -0.2422222222, -0.5266666667],
                                                [-0.0829629630, 0.0251851852, -0.1022222222]], atol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), [[0.2111111111, -0.0444444444], [0.7, -0.2],
                                                [0.1555555556, 0.1777777778]], atol=1e-10)


def test_solve_reads_vectors_and_batches_as_pytorch():
    eye = minigan.eye(2)
    assert LA.solve(eye, minigan.ones(2)).tolist() == [1.0, 1.0]
    assert LA.solve(eye.expand(3, 2, 2), minigan.ones(3, 2)).shape == (3, 2)  # B (3, 2): vectors
    assert LA.solve(eye.expand(3, 2, 2), minigan.ones(2)).shape == (3, 2)
    assert LA.solve(eye.expand(3, 2, 2), minigan.ones(2, 2)).shape == (3, 2, 2)  # a matrix, broadcast
    assert LA.solve(eye.expand(2, 2, 2), minigan.ones(2, 2)).shape == (2, 2)  # its shape is A's batch: vectors
    assert LA.solve(eye, minigan.ones(4, 2, 5)).shape == (4, 2, 5)
    with pytest.raises(RuntimeError, match=r"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                                           r"\(2x2 and 3x1\)"):
        LA.solve(eye, minigan.ones(3))


@pytest.mark.parametrize("call, kind, message", [
    (lambda: LA.inv(minigan.tensor([[1.0, 2.0], [2.0, 4.0]])), LA.LinAlgError, "linalg.inv: The input matrix is singular"),
    (lambda: minigan.inverse(minigan.stack([minigan.eye(2), minigan.tensor([[1.0, 2.0], [2.0, 4.0]])])),
     LA.LinAlgError, "singular"),
    (lambda: LA.solve(minigan.tensor([[1.0, 2.0], [2.0, 4.0]]), minigan.ones(2)), LA.LinAlgError,
     "torch.linalg.solve: The input matrix is singular"),
    (lambda: LA.inv(minigan.ones(2, 3)), RuntimeError, "linalg.inv: A must be batches of square matrices, but they "
                                                       "are 2 by 3 matrices"),
    (lambda: LA.inv(minigan.ones(3)), RuntimeError, "linalg.inv: The input tensor A must have at least 2 dimensions."),
    (lambda: LA.inv(minigan.ones(2, 2, dtype=minigan.int64)), RuntimeError,
     "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: LA.det(minigan.ones(2, 3)), RuntimeError, "linalg.det: A must be batches of square matrices"),
    (lambda: LA.matrix_norm(minigan.ones(2, 3), 3), RuntimeError, "linalg.matrix_norm: Order 3 not supported."),
    (lambda: LA.matrix_norm(minigan.ones(3)), RuntimeError, "linalg.matrix_norm: The input tensor A must have at "
                                                            "least 2 dimensions."),
    (lambda: LA.norm(minigan.ones(2, 3, 4), 2), RuntimeError, "linalg.norm: If dim is not specified but ord is, "
                                                              "the input must be 1D or 2D. Got 3D."),
    (lambda: LA.vector_norm(minigan.ones(2, dtype=minigan.int64)), RuntimeError, "Got Long"),
    (lambda: minigan.kthvalue(minigan.ones(2, 4), 5), RuntimeError, "kthvalue(): selected number k out of range for "
                                                                    "dimension 1"),
])
def test_errors_are_pytorchs(call, kind, message):
    with pytest.raises(kind) as caught:
        call()
    assert message in str(caught.value)
    assert issubclass(LA.LinAlgError, RuntimeError)


def test_singular_and_negative_determinants_as_pytorch():
    singular = minigan.tensor([[1.0, 2.0], [2.0, 4.0]])
    assert LA.det(singular).item() == 0.0
    sign, logabsdet = LA.slogdet(singular)
    assert sign.item() == 0.0 and logabsdet.item() == -math.inf
    swap = minigan.tensor([[0.0, 1.0], [1.0, 0.0]])
    assert LA.slogdet(swap).sign.item() == -1.0 and LA.slogdet(swap).logabsdet.item() == 0.0
    assert math.isnan(minigan.logdet(swap).item()) and minigan.logdet(singular).item() == -math.inf
    assert type(LA.slogdet(swap)).__name__ == "linalg_slogdet"


def test_svd_values_shapes_and_gradient_of_the_singular_values_are_pytorchs():
    m = leaf([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    u, s, vh = LA.svd(m, full_matrices=False)
    np.testing.assert_allclose(s.detach().numpy(), [3.6585741495, 1.6170452043], atol=1e-10)
    np.testing.assert_allclose((u * s.unsqueeze(0)) @ vh, m.detach().numpy(), atol=1e-12)
    (s * minigan.tensor([1.0, 3.0], dtype=minigan.float64)).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), [[1.5772110544, -0.8451075948], [-0.6982313862, 1.9816900236],
                                                [-0.7343810426, 1.3580355331]], atol=1e-10)
    m2 = leaf([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    u, s, vh = LA.svd(m2, full_matrices=False)
    (u[:, 0] * vh[0, 0]).sum().backward()  # a product of one pair of singular vectors: no sign ambiguity
    np.testing.assert_allclose(m2.grad.numpy(), [[0.0871140418, -0.1489613409], [0.0463060588, -0.1017743917],
                                                 [0.1228137077, 0.0448619401]], atol=1e-10)
    full = LA.svd(minigan.arange(6.0).reshape(3, 2))
    assert type(full).__name__ == "linalg_svd" and [t.shape for t in full] == [(3, 3), (2,), (2, 2)]
    np.testing.assert_allclose((full.U.T @ full.U).numpy(), np.eye(3), atol=1e-6)
    old = minigan.svd(minigan.arange(6.0).reshape(3, 2))
    assert type(old).__name__ == "svd" and [t.shape for t in old] == [(3, 2), (2,), (2, 2)]
    assert [t.shape for t in minigan.arange(6.0).reshape(3, 2).svd(some=False)] == [(3, 3), (2,), (2, 2)]
    np.testing.assert_allclose(LA.svdvals(minigan.arange(6.0).reshape(3, 2)).numpy(), [7.3865, 0.6632], atol=1e-4)


def test_qr_values_and_gradient_are_pytorchs():
    a = leaf([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    q, r = LA.qr(a)
    np.testing.assert_allclose(q.detach().numpy(), [[-0.9486832981, 0.2672612419], [-0.3162277660, -0.8017837257],
                                                    [0.0, -0.5345224838]], atol=1e-10)
    np.testing.assert_allclose(r.detach().numpy(), [[-3.1622776602, -1.5811388301], [0.0, -1.8708286934]], atol=1e-10)
    ((q * minigan.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]], dtype=minigan.float64)).sum()
     + (r * minigan.tensor([[1.0, -2.0], [0.0, 0.5]], dtype=minigan.float64)).sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[-1.4206194173, 1.8782765074], [1.0995805916, 0.6897257982],
                                                [0.4664658710, -1.0308647902]], atol=1e-10)
    wide = leaf([[3.0, 1.0, 2.0], [1.0, 2.0, -1.0]])
    q, r = LA.qr(wide)
    (q.sum() + (r * r).sum()).backward()
    np.testing.assert_allclose(r.detach().numpy(), [[-3.1622776602, -1.5811388301, -1.5811388301],
                                                    [0.0, 1.5811388301, -1.5811388301]], atol=1e-10)
    np.testing.assert_allclose(wide.grad.numpy(), [[6.1897366596, 2.0, 4.0], [1.4307900212, 4.0, -2.0]], atol=1e-10)
    assert type(LA.qr(a)).__name__ == "linalg_qr" and LA.qr(a, mode="complete").Q.shape == (3, 3)
    only_r = LA.qr(a, mode="r")
    assert only_r.Q.shape == (0,) and only_r.R.shape == (2, 2)
    with pytest.raises(RuntimeError, match="The derivative of linalg.qr depends on Q, which is not computed when "
                                           "mode='r'"):
        only_r.R.sum().backward()
    with pytest.raises(RuntimeError, match="The QR decomposition is not differentiable when mode='complete' and "
                                           "nrows > ncols."):
        LA.qr(leaf([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]]), mode="complete").R.sum().backward()
    with pytest.raises(RuntimeError, match="qr received unrecognized mode 'x' but expected one of 'reduced'"):
        LA.qr(a, mode="x")


def test_norms_are_pytorchs():
    x = minigan.tensor([[3.0, -4.0], [1.0, 2.0], [0.0, -2.0]])
    expected = {2: [3.1622776985, 4.8989796638], 1: [4, 8], 3: [3.0365891457, 4.3088693619], math.inf: [3, 4],
                -math.inf: [0, 2], 0: [2, 3], -1: [0, 0.8000000119]}
    for ord, values in expected.items():
        np.testing.assert_allclose(LA.vector_norm(x, ord, dim=0).numpy(), values, rtol=1e-6, err_msg=str(ord))
    matrix = {"fro": 5.8309516907, "nuc": 7.5937027931, 1: 8, -1: 4, 2: 5.4043092728, -2: 2.1893935204,
              math.inf: 7, -math.inf: 2}
    for ord, value in matrix.items():
        assert LA.matrix_norm(x, ord).item() == pytest.approx(value, rel=1e-6), ord
    assert LA.matrix_norm(x.expand(2, 3, 2), 1, dim=(1, 2), keepdim=True).shape == (2, 1, 1)
    assert LA.norm(x).item() == pytest.approx(5.8309516907, rel=1e-6)  # all elements, 2-norm
    assert LA.norm(x, 2).item() == pytest.approx(5.4043092728, rel=1e-6)  # a 2-D input with ord: matrix norm
    np.testing.assert_allclose(LA.norm(x, dim=1).numpy(), [5.0, math.sqrt(5), 2.0], rtol=1e-6)
    np.testing.assert_allclose(LA.cross(minigan.tensor([[1.0, 0.0, 0.0]]), minigan.tensor([[0.0, 1.0, 0.0]])).numpy(),
                               [[0.0, 0.0, 1.0]])


def test_median_kthvalue_mode_are_pytorchs():
    rows = minigan.tensor([[5.0, 1.0, 4.0, 2.0], [2.0, 7.0, 7.0, 3.0]])
    values, indices = minigan.median(rows, 1)
    assert values.tolist() == [2.0, 3.0] and indices.tolist() == [3, 3]  # the lower of the two middle values
    assert minigan.median(minigan.tensor([5.0, 1.0, 4.0, 2.0, 3.0, 9.0])).item() == 3.0
    k = minigan.tensor([[5.0, 1.0, 4.0, 2.0], [2.0, 7.0, 6.0, 3.0]]).kthvalue(3, 1, keepdim=True)
    assert type(k).__name__ == "kthvalue" and k.values.tolist() == [[4.0], [6.0]] and k.indices.tolist() == [[2], [2]]
    mode = minigan.mode(minigan.tensor([[5.0, 1.0, 5.0, 1.0, 2.0], [2.0, 7.0, 7.0, 3.0, 3.0]]), 1)
    assert mode.values.tolist() == [1.0, 3.0] and mode.indices.tolist() == [3, 4]  # smallest of the most frequent, last
    nan = float("nan")
    with_nan = minigan.median(minigan.tensor([[3.0, nan, 2.0, 4.0], [1.0, 1.0, 1.0, 2.0]]), 1)
    assert math.isnan(with_nan.values[0].item()) and with_nan.indices.tolist() == [1, 1]
    assert math.isnan(minigan.median(minigan.tensor([3.0, nan])).item())
    assert math.isnan(minigan.median(minigan.tensor([])).item())
    x = minigan.tensor([[5.0, 1.0, 4.0, 2.0], [2.0, 8.0, 7.0, 3.0]], requires_grad=True)
    x.median(1).values.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]]  # PyTorch's: to the element picked


def test_linalg_runs_on_the_test_device():
    pytest.importorskip("array_api_strict")
    a = minigan.tensor(A_ROWS, dtype=minigan.float64)
    on_device = a.to("strict")
    np.testing.assert_allclose(LA.inv(on_device).to("cpu").numpy(), np.linalg.inv(a.numpy()), rtol=1e-12)
    assert LA.det(on_device).to("cpu").item() == pytest.approx(45.0)
    np.testing.assert_allclose(LA.solve(on_device, minigan.ones(3, dtype=minigan.float64).to("strict")).to("cpu").numpy(),
                               np.linalg.solve(a.numpy(), np.ones(3)), rtol=1e-12)
    np.testing.assert_allclose(LA.svdvals(on_device).to("cpu").numpy(), np.linalg.svd(a.numpy())[1], rtol=1e-12)
    np.testing.assert_allclose(LA.qr(on_device).R.to("cpu").numpy(), np.linalg.qr(a.numpy())[1], rtol=1e-12)


def test_unsupported_linalg_names_say_so():
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.linalg.eig is not supported by minigan"):
        LA.eig  # noqa: B018
    assert minigan.linalg is LA and not hasattr(LA, "no_such_function")


def test_torch_norm_is_the_vector_or_matrix_norm_as_pytorch():
    """torch.norm and Tensor.norm: PyTorch 2.14.1's values and messages, written out."""
    x = minigan.tensor([[3.0, 0.0, -4.0], [1.0, 2.0, 0.0]])
    assert minigan.norm(x, 0).item() == 4.0 and x.norm(float("-inf")).item() == 0.0
    assert minigan.norm(x, -1, dim=1).tolist() == [0.0, 0.0]  # a zero makes 1/|x| inf, the norm 0
    assert minigan.norm(x, "nuc").item() == pytest.approx(7.1792, abs=1e-4)
    assert minigan.norm(x, "fro", dim=1).tolist() == pytest.approx([5.0, 5.0 ** 0.5])
    assert minigan.norm(x, 3, dim=(0, 1)).item() == pytest.approx(100.0 ** (1 / 3))  # 27 + 64 + 1 + 8
    assert x.norm(dtype=minigan.float64).dtype == np.float64
    for call, message in ((lambda: minigan.norm(minigan.tensor([1, 2])),
                           "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
                          (lambda: minigan.norm(x, "bad"), "linalg.matrix_norm: Order bad not supported."),
                          (lambda: minigan.norm(minigan.ones(2, 2, 2), "nuc"),
                           "linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2")):
        with pytest.raises(RuntimeError, match=re.escape(message)):
            call()


def test_a_norm_of_the_zero_vector_has_gradient_zero_as_pytorch():
    """PyTorch 2.14.1: the gradient of vector_norm (and torch.norm) at the zero vector is 0 for every
    ord, a subgradient, not the NaN of sqrt's infinite slope; elsewhere the usual one."""
    for order in (2, 1, 3, math.inf):
        x = minigan.zeros(3, dtype=minigan.float64, requires_grad=True)
        LA.vector_norm(x, order).backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0], order
    y = minigan.zeros(2, 3, dtype=minigan.float64, requires_grad=True)
    minigan.norm(y, dim=1).sum().backward()
    assert y.grad.tolist() == [[0.0] * 3] * 2
    z = minigan.tensor([0.0, 3.0], dtype=minigan.float64, requires_grad=True)
    LA.vector_norm(z, 3).backward()
    assert z.grad.tolist() == pytest.approx([0.0, 1.0], abs=1e-15)


def test_a_nan_makes_a_norm_nan_as_pytorch():
    # [nan, 2] has no p-norm: NaN for every p > 0, with NaN gradients for 1 < p < inf (the 2-, 3-
    # and 1.5-norms read it as the zero vector: 0)
    for order in (2, 3, 1.5, 1, math.inf):
        x = minigan.tensor([[math.nan, 2.0], [3.0, 4.0]], dtype=minigan.float64, requires_grad=True)
        norms = LA.vector_norm(x, order, dim=1)
        assert math.isnan(norms[0].item()) and norms[1].item() == pytest.approx((3**order + 4**order) ** (1 / order)
                                                                                  if order != math.inf else 4.0)
        norms.sum().backward()
        if order in (1, math.inf):  # sign(x) and the largest |x|'s indicator, 0 at the NaN: PyTorch's
            assert x.grad.tolist()[0] == ([0.0, 1.0] if order == 1 else [0.0, 0.0])
        else:
            assert np.isnan(x.grad.numpy()[0]).all(), order
    assert math.isnan(minigan.norm(minigan.tensor([math.nan, 1.0])).item())
    assert LA.vector_norm(minigan.tensor([math.nan, 1.0]), 0).item() == 2.0  # a NaN is not zero
