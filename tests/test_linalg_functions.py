"""PyTorch's further products (addmv, addr, ger, vdot, the in-place addmm_ family), transposes
(adjoint, mT, mH, H), old linear-algebra names (matrix_power, pinverse, cholesky_inverse, nuclear_norm,
frobenius_norm, renorm, vander; the ones PyTorch has removed), the trapezoid rule,
and the number functions (gcd, lcm, frexp, nextafter, isposinf, isneginf, isreal, float_power_).
Expected values are written out by hand or computed with plain NumPy from the definition; dtypes,
shapes and messages are PyTorch 2.14.1's, as checked against it. Gradients: closed forms and
minigan.gradcheck (float64)."""
import math
import re

import numpy as np
import pytest

import minigan
from minigan.gradcheck import gradcheck, gradgradcheck

pytestmark = pytest.mark.filterwarnings("error")

RNG = np.random.default_rng(27)


def f64(rows, requires_grad=False):
    return minigan.tensor(rows, dtype=minigan.float64, requires_grad=requires_grad)


def f32(rows):
    return minigan.tensor(rows, dtype=minigan.float32)


def i64(rows):
    return minigan.tensor(rows, dtype=minigan.int64)


def values(t):
    return t.detach().numpy()


def drawn(*shape, requires_grad=True):
    return f64(RNG.standard_normal(shape), requires_grad)


# ============================================================== addmv, addr, ger, vdot
MAT = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
VEC = [1.0, 0.0, -1.0]  # MAT @ VEC = [-2, -2]


def test_addmv_is_beta_input_plus_alpha_mat_vec():
    out = minigan.addmv(f32([1.0, 2.0]), f32(MAT), f32(VEC), beta=0.5, alpha=3)
    assert out.dtype == minigan.float32 and out.shape == (2,)
    np.testing.assert_allclose(values(out), [0.5 - 6, 1 - 6])
    np.testing.assert_allclose(values(minigan.addmv(f64(7.0), f64(MAT), f64(VEC))), [5.0, 5.0])  # 0-D input
    np.testing.assert_allclose(values(f64([1.0]).addmv(f64(MAT), f64(VEC))), [-1.0, -1.0])  # a size-1 input


def test_addmv_with_beta_zero_ignores_nan_and_inf_in_input_but_gives_it_a_zero_gradient():
    x = f64([math.nan, math.inf], requires_grad=True)
    out = minigan.addmv(x, f64(MAT), f64(VEC), beta=0)
    np.testing.assert_array_equal(values(out), [-2.0, -2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_addmv_of_integer_tensors_truncates_a_float_beta_as_pytorch():
    out = minigan.addmv(i64([1, 2]), i64([[1, 2, 3], [4, 5, 6]]), i64([1, 0, 2]), beta=0.5)  # beta reads as 0
    assert out.dtype == minigan.int64
    np.testing.assert_array_equal(out.numpy(), [7, 16])


@pytest.mark.parametrize("args, message", [
    (([[1.0, 1.0], [1.0, 1.0]], MAT, VEC), "vector + matrix @ vector expected, got 2, 2, 1"),
    (([1.0, 1.0], VEC, VEC), "vector + matrix @ vector expected, got 1, 1, 1"),
    (([1.0, 1.0], MAT, MAT), "vector + matrix @ vector expected, got 1, 2, 2"),
    (([1.0, 1.0, 1.0], MAT, VEC), r"size mismatch, got input \(3\), mat \(2x3\), vec \(3\)"),
    (([1.0, 1.0], MAT, [1.0, 1.0]), r"size mismatch, got input \(2\), mat \(2x3\), vec \(2\)"),
])
def test_addmv_refuses_what_pytorch_refuses(args, message):
    with pytest.raises(RuntimeError, match=re.escape(message) if "vector +" in message else message):
        minigan.addmv(*(f32(a) for a in args))


def test_addmv_wants_one_dtype():
    with pytest.raises(RuntimeError, match="addmv input tensors must have the same dtype, but got Float, Float, and Double"):
        minigan.addmv(f32([1.0, 1.0]), f32(MAT), f64(VEC))


def test_addmv_gradients():
    assert gradcheck(lambda x, m, v: minigan.addmv(x, m, v, beta=0.7, alpha=-1.3),
                     [drawn(2), drawn(2, 3), drawn(3)]).ok
    assert gradgradcheck(lambda x, m, v: minigan.addmv(x, m, v, alpha=2.0), [drawn(1), drawn(2, 3), drawn(3)]).ok


def test_addr_adds_the_outer_product():
    out = minigan.addr(f64([[1.0, 1.0], [1.0, 1.0]]), f64([1.0, 2.0]), f64([3.0, -1.0]), beta=2, alpha=0.5)
    np.testing.assert_allclose(values(out), [[2 + 1.5, 2 - 0.5], [2 + 3.0, 2 - 1.0]])
    broadcast = f64([10.0, 20.0]).addr(f64([1.0, 2.0]), f64([3.0, -1.0]))  # input broadcast over the rows
    np.testing.assert_allclose(values(broadcast), [[13.0, 19.0], [16.0, 18.0]])


def test_addr_promotes_dtypes_reads_bools_logically_and_ignores_input_for_beta_zero():
    assert minigan.addr(f32([[1.0]]), f64([1.0]), i64([2])).dtype == minigan.float64
    out = minigan.addr(i64([[1, 2], [3, 4]]), i64([1, 2]), i64([3, 4]), alpha=2)
    assert out.dtype == minigan.int64
    np.testing.assert_array_equal(out.numpy(), [[7, 10], [15, 20]])
    b = minigan.tensor
    out = minigan.addr(b([[True, False], [False, False]]), b([True, False]), b([False, True]))
    np.testing.assert_array_equal(out.numpy(), [[True, True], [False, False]])
    out = minigan.addr(b([[True, False], [False, False]]), b([True, False]), b([True, True]), alpha=False)
    np.testing.assert_array_equal(out.numpy(), [[True, False], [False, False]])
    out = minigan.addr(f64([[math.nan]]), f64([2.0]), f64([3.0]), beta=0)
    np.testing.assert_array_equal(values(out), [[6.0]])
    assert minigan.addr(i64([[1]]), f32([2.0]), i64([3]), beta=0).dtype == minigan.float32  # input still promotes


def test_addr_refuses_what_pytorch_refuses():
    with pytest.raises(RuntimeError, match="addr: Expected 1-D argument vec1, but got 2-D"):
        minigan.addr(f32(MAT), f32(MAT), f32(VEC))
    with pytest.raises(RuntimeError, match="For integral input tensors, argument beta must not be a floating point"):
        minigan.addr(i64([[1]]), i64([1]), i64([1]), beta=0.5)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(3\) must match the existing size \(2\)"):
        minigan.addr(f32([[1.0, 1.0]] * 3), f32([1.0, 1.0]), f32(VEC))


def test_addr_gradients():
    assert gradcheck(lambda x, u, v: minigan.addr(x, u, v, beta=-0.5, alpha=2.0), [drawn(3, 4), drawn(3), drawn(4)]).ok
    assert gradcheck(lambda x, u, v: minigan.addr(x, u, v), [drawn(1, 4), drawn(3), drawn(4)]).ok


@pytest.mark.parametrize("call, message", [
    (lambda: minigan.addmv([1.0, 1.0], f32(MAT), f32(VEC)), r"addmv\(\): argument 'input' \(position 1\) must be Tensor, not list"),
    (lambda: minigan.addr(f32(MAT), f32([1.0, 1.0]), VEC), r"addr\(\): argument 'vec2' \(position 3\) must be Tensor"),
    (lambda: minigan.vdot(f32(VEC), VEC), r"vdot\(\): argument 'other' \(position 2\) must be Tensor, not list"),
    (lambda: minigan.pinverse(MAT), r"pinverse\(\): argument 'input' \(position 1\) must be Tensor, not list"),
    (lambda: minigan.vander([1.0, 2.0]), r"vander\(\): argument 'x' \(position 1\) must be Tensor, not list"),
    (lambda: minigan.cholesky_inverse(MAT), r"cholesky_inverse\(\): argument 'input' \(position 1\) must be Tensor"),
])
def test_the_functions_take_tensors_only(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_ger_is_outer_and_vdot_is_dot():
    np.testing.assert_allclose(values(minigan.ger(f64([1.0, 2.0]), f64([3.0, 4.0, 5.0]))),
                               [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]])
    assert minigan.ger(minigan.tensor([1, 2], dtype=minigan.int32), f32([1.5])).dtype == minigan.float32
    out = minigan.vdot(f64([1.0, 2.0, 3.0]), f64([4.0, -5.0, 6.0]))
    assert out.shape == () and out.item() == 12.0
    assert i64([1, 2]).vdot(i64([3, 4])).item() == 11
    with pytest.raises(RuntimeError, match="outer: Expected 1-D argument self, but got 2-D"):
        minigan.ger(f32(MAT), f32(VEC))
    with pytest.raises(RuntimeError, match="1D tensors expected, but got 0D and 0D tensors"):
        minigan.vdot(f32(1.0), f32(1.0))
    with pytest.raises(RuntimeError, match="dot : expected both vectors to have same dtype, but found Float and Double"):
        minigan.vdot(f32(VEC), f64(VEC))
    u, v = drawn(3), drawn(3)
    minigan.vdot(u, v).backward()
    np.testing.assert_array_equal(u.grad.numpy(), values(v))


# ============================================================== the in-place products
def test_the_in_place_products_overwrite_the_tensor():
    c = f64([[1.0, 1.0], [1.0, 1.0]])
    m1, m2 = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert c.addmm_(f64(m1), f64(m2), beta=0.5, alpha=2) is c
    np.testing.assert_allclose(values(c), 0.5 + 2 * (m1 @ m2))
    b1, b2 = RNG.standard_normal((4, 2, 3)), RNG.standard_normal((4, 3, 2))
    c = f64(np.full((2, 2), math.nan))
    c.addbmm_(f64(b1), f64(b2), beta=0)
    np.testing.assert_allclose(values(c), np.einsum("bij,bjk->ik", b1, b2))
    c = f64(np.ones((4, 2, 2)))
    c.baddbmm_(f64(b1), f64(b2), beta=3)
    np.testing.assert_allclose(values(c), 3 + b1 @ b2)
    v = f64([1.0, 2.0])
    v.addmv_(f64(MAT), f64(VEC), beta=2)
    np.testing.assert_allclose(values(v), [0.0, 2.0])
    minigan.addmv_(v, f64(MAT), f64(VEC))
    np.testing.assert_allclose(values(v), [-2.0, 0.0])
    a = i64([[1, 2], [3, 4]])
    a.addr_(i64([1, 2]), i64([3, 4]))
    np.testing.assert_array_equal(a.numpy(), [[4, 6], [9, 12]])


def test_the_in_place_products_do_not_broadcast_the_tensor_they_change():
    with pytest.raises(RuntimeError, match=r"Bad in-place call: input tensor size \[1\] and output tensor size \[2\]"):
        f32([1.0]).addmv_(f32(MAT), f32(VEC))
    with pytest.raises(RuntimeError, match=r"Bad in-place call: input tensor size \[1, 2\] and output tensor size \[2, 2\]"):
        f32([[1.0, 1.0]]).addmm_(f32(MAT), f32(np.ones((3, 2))))
    with pytest.raises(RuntimeError, match=r"size mismatch, input: \[1, 3\], v1: \[2\], v2: \[3\]"):
        f32([[1.0, 1.0, 1.0]]).addr_(f32([1.0, 1.0]), f32(VEC))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        f32([1.0, 1.0]).requires_grad_().addmv_(f32(MAT), f32(VEC))


def test_addmm_with_beta_zero_gives_input_a_zero_gradient_and_integer_tensors_truncate_the_scalars():
    x = f64([[math.nan, 1.0]], requires_grad=True)
    out = minigan.addmm(x, f64(np.ones((2, 3))), f64(np.ones((3, 2))), beta=0)
    np.testing.assert_array_equal(values(out), np.full((2, 2), 3.0))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.0]])
    out = minigan.addmm(i64([[5]]), i64([[2]]), i64([[3]]), beta=0.5, alpha=1.5)  # read as beta 0, alpha 1
    assert out.dtype == minigan.int64 and out.item() == 6
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(2\) must match the existing size \(3\)"):
        minigan.addmm(f32(np.ones((3, 3))), f32(MAT), f32(np.ones((3, 2))), beta=0)


# ============================================================== adjoint, mT, mH, H
def test_the_matrix_transposes_swap_the_last_two_dimensions_as_views():
    x = f64(np.arange(24.0).reshape(2, 3, 4))
    for t in (minigan.adjoint(x), x.adjoint(), x.mT, x.mH):
        assert t.shape == (2, 4, 3)
        np.testing.assert_array_equal(values(t), np.arange(24.0).reshape(2, 3, 4).transpose(0, 2, 1))
    m = f64(np.zeros((2, 3)))
    assert m.H.shape == (3, 2)
    m.mT[2, 1] = 7.0  # a view: the write reaches m
    assert values(m)[1, 2] == 7.0
    assert i64([[1, 2]]).mT.dtype == minigan.int64


def test_the_matrix_transposes_refuse_vectors_and_warn_on_scalars():
    v = f32([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"tensor.adjoint\(\) is only supported on matrices or batches of matrices. Got 1-D"):
        minigan.adjoint(v)
    with pytest.raises(RuntimeError, match="tensor.mT is only supported on matrices or batches of matrices. Got 1-D"):
        v.mT
    with pytest.raises(RuntimeError, match="tensor.mH is only supported on matrices or batches of matrices. Got 1-D"):
        v.mH
    with pytest.raises(RuntimeError, match=r"tensor.H is only supported on matrices \(2-D tensors\). Got 1-D tensor.$"):
        v.H
    with pytest.raises(RuntimeError, match="Got 3-D tensor. For batches of matrices, consider using tensor.mH"):
        f32(np.ones((2, 2, 2))).H
    with pytest.warns(UserWarning, match="Tensor.mT is deprecated on 0-D tensors"):
        assert f32(2.0).mT.item() == 2.0
    with pytest.warns(UserWarning, match=r"adjoint\(\) is deprecated on 0-D tensors. Consider using x.conj\(\)"):
        minigan.adjoint(f32(2.0))


def test_the_matrix_transposes_pass_the_gradient_back_transposed():
    x = drawn(2, 3)
    (x.mT * f64([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])


# ============================================================== old linear-algebra names
SPD = np.array([[4.0, 1.0], [1.0, 3.0]])  # inverse [[3, -1], [-1, 4]] / 11


def test_matrix_power():
    np.testing.assert_allclose(values(minigan.matrix_power(f64(SPD), 3)), SPD @ SPD @ SPD)
    np.testing.assert_allclose(values(f64(SPD).matrix_power(-1)), np.array([[3.0, -1.0], [-1.0, 4.0]]) / 11)
    out = minigan.matrix_power(i64([[1, 2], [3, 4]]), 2)
    assert out.dtype == minigan.int64
    np.testing.assert_array_equal(out.numpy(), [[7, 10], [15, 22]])
    with pytest.raises(RuntimeError, match="linalg.inv: Expected a floating point or complex tensor as input. Got Long"):
        minigan.matrix_power(i64([[1, 2], [3, 4]]), -1)
    with pytest.raises(RuntimeError, match="linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3"):
        minigan.matrix_power(f32(MAT), 2)
    with pytest.raises(TypeError, match=r"matrix_power\(\): argument 'n' \(position 2\) must be int, not float"):
        minigan.matrix_power(f32(SPD), 2.0)
    assert gradcheck(lambda a: minigan.matrix_power(a, -2), [f64(SPD, True)]).ok


def test_pinverse_zeroes_the_singular_values_below_rcond():
    a = np.diag([2.0, 0.5, 1e-3])
    np.testing.assert_allclose(values(minigan.pinverse(f64(a))), np.diag([0.5, 2.0, 1e3]))
    np.testing.assert_allclose(values(f64(a).pinverse(1e-2)), np.diag([0.5, 2.0, 0.0]))
    w = RNG.standard_normal((2, 4, 3))
    np.testing.assert_allclose(values(minigan.pinverse(f64(w))), np.linalg.pinv(w), atol=1e-12)
    with pytest.raises(RuntimeError, match=r"linalg.pinv\(Long\{\[2, 2\]\}\): expected a tensor with 2 or more dimensions"):
        minigan.pinverse(i64([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match=r"linalg.pinv\(Float\{\[3\]\}\)"):
        minigan.pinverse(f32(VEC))
    assert gradcheck(minigan.pinverse, [drawn(3, 5)]).ok
    assert minigan.pinverse(f32(np.ones((0, 2)))).shape == (2, 0)  # an empty matrix has an empty pseudo-inverse


@pytest.mark.parametrize("name, replacement", [
    ("cholesky", "minigan.linalg.cholesky"), ("qr", "minigan.linalg.qr"), ("solve", "minigan.linalg.solve"),
    ("lstsq", "minigan.linalg.lstsq"), ("symeig", "minigan.linalg.eigh"), ("eig", "minigan.linalg.eigh"),
    ("matrix_rank", "minigan.linalg.matrix_rank")])
def test_the_names_pytorch_removed_say_what_replaces_them(name, replacement):
    with pytest.raises(minigan.UnsupportedFeatureError, match=rf"^torch\.{name} is not supported by minigan "
                       rf"\(removed from PyTorch after its deprecation in 1\.9; .*{re.escape(replacement)}"):
        getattr(minigan, name)(f64(SPD))
    if name != "matrix_rank":  # PyTorch never had Tensor.matrix_rank
        with pytest.raises(minigan.UnsupportedFeatureError, match=rf"^Tensor\.{name} is not supported by minigan"):
            getattr(f64(SPD), name)()


def test_cholesky_inverse_inverts_l_l_transposed_from_the_factor():
    lower = np.linalg.cholesky(SPD)
    inverse = np.array([[3.0, -1.0], [-1.0, 4.0]]) / 11
    np.testing.assert_allclose(values(minigan.cholesky_inverse(f64(lower))), inverse)
    np.testing.assert_allclose(values(f64(lower.T).cholesky_inverse(upper=True)), inverse)
    full = lower + np.triu(np.ones((2, 2)), 1)  # only the triangle is read
    np.testing.assert_allclose(values(minigan.cholesky_inverse(f64(full))), inverse)
    batch = minigan.cholesky_inverse(f64(np.stack([lower, 2 * lower])))
    np.testing.assert_allclose(values(batch), np.stack([inverse, inverse / 4]))
    assert minigan.cholesky_inverse(f32(np.ones((0, 0)))).shape == (0, 0)


def test_cholesky_inverse_gradient_is_that_of_the_inverse_of_l_l_transposed_for_every_element():
    lower = np.linalg.cholesky(SPD)
    L = f64(lower, True)
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    minigan.cholesky_inverse(L).backward(f64(g))
    inverse = np.linalg.inv(SPD)
    # d(A^-1) = -A^-1 (dL L^T + L dL^T) A^-1 with A = L L^T, so the gradient is -(C + C^T) L, C = A^-1 g A^-1
    common = inverse @ g @ inverse
    np.testing.assert_allclose(L.grad.numpy(), -(common + common.T) @ lower, atol=1e-12)
    assert L.grad.numpy()[0, 1] != 0.0  # the element above the diagonal too, as PyTorch's
    # finite differences see only the triangle, which is all the value reads
    assert gradcheck(lambda a: minigan.cholesky_inverse(minigan.triu(a), upper=True), [f64(lower.T, True)]).ok


def test_cholesky_inverse_refuses_what_pytorch_refuses():
    with pytest.raises(NotImplementedError, match="\"cholesky_inverse_out_cpu\" not implemented for 'Long'"):
        minigan.cholesky_inverse(i64([[1, 0], [1, 1]]))
    with pytest.raises(RuntimeError, match="cholesky_inverse: The input tensor A must have at least 2 dimensions."):
        minigan.cholesky_inverse(f32(VEC))
    with pytest.raises(RuntimeError, match="cholesky_inverse: A must be batches of square matrices, but they are 2 by 3"):
        minigan.cholesky_inverse(f32(MAT))
    with pytest.raises(minigan.linalg.LinAlgError, match=r"cholesky_inverse: \(Batch element 1\): The diagonal element 2 is zero"):
        minigan.cholesky_inverse(f64([np.eye(2), [[1.0, 0.0], [1.0, 0.0]]]))


def test_nuclear_norm_and_frobenius_norm():
    a = np.arange(6.0).reshape(2, 3)
    assert minigan.nuclear_norm(f64(a)).item() == pytest.approx(np.linalg.svd(a, compute_uv=False).sum())
    assert minigan.nuclear_norm(f64(a), True).shape == (1, 1)
    x = np.arange(24.0).reshape(2, 3, 4)
    want = [np.linalg.svd(x[:, j, :], compute_uv=False).sum() for j in range(3)]
    np.testing.assert_allclose(values(minigan.nuclear_norm(f64(x), (0, 2))), want)
    assert minigan.nuclear_norm(f64(x), (0, 2), True).shape == (1, 3, 1)
    np.testing.assert_allclose(values(minigan.frobenius_norm(f64(x), (0, 2))), np.sqrt((x**2).sum(axis=(0, 2))))
    np.testing.assert_allclose(values(minigan.frobenius_norm(f64(x), 1)), np.sqrt((x**2).sum(axis=1)))
    assert minigan.frobenius_norm(f64(x), (0, 2), keepdim=True).shape == (1, 3, 1)
    with pytest.raises(RuntimeError, match="linalg.matrix_norm: dim must be a 2-tuple. Got 0"):
        minigan.nuclear_norm(f64(a), (0,))
    with pytest.raises(RuntimeError, match="linalg.matrix_norm: Expected a floating point or complex tensor as input"):
        minigan.nuclear_norm(i64([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match="Expected at most 2 dimensions, but got 3 dimensions instead."):
        minigan.frobenius_norm(f64(x), (0, 1, 2))
    with pytest.raises(RuntimeError, match="norm\\(\\): input dtype should be either floating point or complex. Got Long"):
        minigan.frobenius_norm(i64([[1, 2]]), (0, 1))
    assert gradcheck(minigan.nuclear_norm, [drawn(3, 4)]).ok


def test_renorm_scales_the_slices_whose_norm_is_past_maxnorm():
    x = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])  # row norms 5, 0.5, 10
    out = minigan.renorm(f64(x), 2, 0, 1.0)
    np.testing.assert_allclose(values(out), [[3.0 / (5 + 1e-7), 4.0 / (5 + 1e-7)], [0.3, 0.4],
                                             [6.0 / (10 + 1e-7), 8.0 / (10 + 1e-7)]])
    out = f64(x).renorm(1, 1, 5.0)  # column 1-norms 9.3 and 12.4
    np.testing.assert_allclose(values(out), x * (5.0 / (np.array([9.3, 12.4]) + 1e-7)))
    out = f64(x).renorm(math.inf, -1, 4.0)  # column max-norms 6 and 8
    np.testing.assert_allclose(values(out), x * (4.0 / (np.array([6.0, 8.0]) + 1e-7)))
    y = f64(x)
    assert y.renorm_(2, 0, 1.0) is y
    np.testing.assert_allclose(values(y), values(minigan.renorm(f64(x), 2, 0, 1.0)))


def test_renorm_gradient_flows_through_the_norm():
    x = f64([[3.0, 4.0], [0.3, 0.4]], requires_grad=True)
    minigan.renorm(x, 2, 0, 1.0).backward(f64([[1.0, 2.0], [3.0, 4.0]]))
    v, g, n = np.array([3.0, 4.0]), np.array([1.0, 2.0]), 5.0  # row 0: v / (n + 1e-7)
    row0 = g / (n + 1e-7) - v * (g @ v) / (n + 1e-7) ** 2 / n
    np.testing.assert_allclose(x.grad.numpy(), [row0, [3.0, 4.0]], atol=1e-12)
    assert gradcheck(lambda a: minigan.renorm(a, 3, 1, 1.0), [f64(RNG.standard_normal((3, 4)) * 2, True)]).ok


@pytest.mark.parametrize("args, error, message", [
    (([1.0, 2.0], 2, 0, 1.0), RuntimeError, "renorm: input needs at least 2 dimensions, got 1 dimensions"),
    ((MAT, 0, 0, 1.0), RuntimeError, "renorm: non-positive-norm not supported"),
    ((MAT, 2, 0, -5), RuntimeError, "renorm: expected maxnorm to be >= 0 but got -5"),
    ((MAT, 2, 2, 1.0), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
])
def test_renorm_refuses_what_pytorch_refuses(args, error, message):
    with pytest.raises(error, match=message):
        minigan.renorm(f32(args[0]), *args[1:])
    with pytest.raises(RuntimeError, match="linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"):
        minigan.renorm(i64([[1, 2]]), 2, 0, 1.0)


def test_vander_follows_torch_vander_not_torch_linalg_vander():
    np.testing.assert_array_equal(values(minigan.vander(f64([1.0, 2.0, 3.0]))), [[1, 1, 1], [4, 2, 1], [9, 3, 1]])
    np.testing.assert_array_equal(values(minigan.vander(f64([2.0, 3.0]), N=3, increasing=True)), [[1, 2, 4], [1, 3, 9]])
    assert minigan.vander(f64([2.0, 3.0]), 0).shape == (2, 0)
    np.testing.assert_array_equal(values(minigan.vander(f64([2.0, 3.0]), 1)), [[1.0], [1.0]])
    assert minigan.vander(f64([])).shape == (0, 0)
    out = minigan.vander(minigan.tensor([2, 3], dtype=minigan.int32))
    assert out.dtype == minigan.int64
    np.testing.assert_array_equal(out.numpy(), [[2, 1], [3, 1]])
    assert minigan.vander(minigan.tensor([True, False])).dtype == minigan.int64
    with pytest.raises(RuntimeError, match="x must be a one-dimensional tensor."):
        minigan.vander(f32(MAT))
    with pytest.raises(RuntimeError, match="N must be non-negative."):
        minigan.vander(f32(VEC), N=-1)
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    minigan.vander(x).backward(f64(np.arange(9.0).reshape(3, 3)))  # d/dx of sum g_j x^(2-j): 2 x g_0 + g_1
    np.testing.assert_allclose(x.grad.numpy(), [2 * 1.0 * 0 + 1, 2 * 2.0 * 3 + 4, 2 * 3.0 * 6 + 7])


# ============================================================== the trapezoid rule
Y = [1.0, 4.0, 9.0, 16.0]
X = [0.0, 1.0, 3.0, 6.0]


def test_trapezoid_and_trapz():
    assert minigan.trapezoid(f64(Y)).item() == 2.5 + 6.5 + 12.5
    assert minigan.trapezoid(f64(Y), f64(X)).item() == 2.5 + 13.0 + 37.5
    assert minigan.trapezoid(f64(Y), dx=0.5).item() == 21.5 / 2
    assert minigan.trapz(f64(Y), f64(X)).item() == 53.0
    assert minigan.trapz(f64(Y), dx=2).item() == 43.0
    y = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(values(minigan.trapezoid(f64(y), dim=0)), [1.5, 2.5, 3.5])
    np.testing.assert_allclose(values(minigan.trapezoid(f64(y), f64([0.0, 1.0, 3.0]))), [0.5 + 3.0, 3.5 + 9.0])
    np.testing.assert_allclose(values(minigan.trapezoid(f64(y), f64([[0.0, 1.0, 3.0], [0.0, 2.0, 3.0]]))),
                               [3.5, 7.0 + 4.5])


def test_trapezoid_along_a_middle_dimension_keeps_the_others_in_order():
    y = RNG.standard_normal((2, 3, 4))
    x = RNG.standard_normal((2, 3, 4))
    want = ((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2).sum(axis=0)
    np.testing.assert_allclose(values(minigan.trapezoid(f64(y), f64(x), dim=0)), want)
    want = np.cumsum((y[:, 1:] + y[:, :-1]) / 2, axis=1)
    np.testing.assert_allclose(values(minigan.cumulative_trapezoid(f64(y), dim=1)), want)


def test_cumulative_trapezoid():
    np.testing.assert_allclose(values(minigan.cumulative_trapezoid(f64(Y))), [2.5, 9.0, 21.5])
    np.testing.assert_allclose(values(minigan.cumulative_trapezoid(f64(Y), f64(X))), [2.5, 15.5, 53.0])
    np.testing.assert_allclose(values(minigan.cumulative_trapezoid(f64(Y), dx=0.5)), [1.25, 4.5, 10.75])
    assert minigan.cumulative_trapezoid(f64(np.ones((2, 3))), dim=0).shape == (1, 3)
    assert minigan.cumulative_trapezoid(f64([])).shape == (0,)
    assert minigan.cumulative_trapezoid(f64([1.0])).shape == (0,)


def test_the_trapezoid_rule_reads_integers_as_float32_and_promotes_floats():
    assert minigan.trapezoid(i64([1, 4, 9, 16])).dtype == minigan.float32
    assert minigan.trapezoid(i64([1, 4, 9, 16]), i64([0, 1, 3, 6])).item() == 53.0
    assert minigan.cumulative_trapezoid(i64([1, 4]), dx=2).dtype == minigan.float32
    assert minigan.trapezoid(f64(Y), f32(X)).dtype == minigan.float64
    assert minigan.trapezoid(f32(Y), f64(X)).dtype == minigan.float64
    empty = minigan.trapezoid(f32([]))
    assert empty.shape == () and empty.item() == 0.0 and empty.dtype == minigan.float32
    np.testing.assert_array_equal(values(minigan.trapezoid(f32([[1.0], [2.0]]))), [0.0, 0.0])


def test_the_trapezoid_rule_refuses_what_pytorch_refuses():
    with pytest.raises(NotImplementedError, match="trapezoid: received a bool input for `y`, but bool is not supported"):
        minigan.trapezoid(minigan.tensor([True, False]))
    with pytest.raises(RuntimeError, match="trapezoid: There must be one `x` value for each sample point"):
        minigan.trapezoid(f64(Y), f64([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="cumulative_trapezoid: There must be one `x` value for each sample point"):
        minigan.cumulative_trapezoid(f64(Y), f64([1.0, 2.0, 3.0]))
    with pytest.raises(IndexError, match="Dimension specified as -1 but tensor has no dimensions"):
        minigan.trapezoid(f64(1.0))
    with pytest.raises(IndexError, match=r"slice\(\) cannot be applied to a 0-dim tensor."):
        minigan.cumulative_trapezoid(f64(1.0))
    with pytest.raises(IndexError, match="Dimension out of range"):
        minigan.trapezoid(f64(Y), dim=1)
    with pytest.raises(TypeError, match=r"trapezoid\(\): argument 'y' \(position 1\) must be Tensor, not list"):
        minigan.trapezoid([1.0, 2.0])
    with pytest.raises(TypeError, match=r"got \(Tensor, Tensor, dx=float\), but expected one of:"):
        minigan.trapezoid(f64(Y), f64(X), dx=0.5)
    with pytest.raises(TypeError, match=r"trapz\(\) received an invalid combination of arguments - got \(Tensor, float\)"):
        minigan.trapz(f64(Y), 0.5)


def test_the_trapezoid_rule_gradients():
    y = f64([1.0, 2.0, 4.0], requires_grad=True)
    x = f64([0.0, 1.0, 3.0], requires_grad=True)
    minigan.trapezoid(y, x).backward()
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 1.5, 1.0])  # half the spacing on each side
    np.testing.assert_allclose(x.grad.numpy(), [-1.5, -1.5, 3.0])  # -(y0 + y1)/2, (y0 - y2)/2, (y1 + y2)/2
    assert gradcheck(lambda a, b: minigan.trapezoid(a, b, dim=1), [drawn(2, 3, 4), drawn(3)]).ok
    assert gradcheck(lambda a, b: minigan.cumulative_trapezoid(a, b), [drawn(2, 3, 4), drawn(3, 4)]).ok


# ============================================================== gcd, lcm
A = [12, -18, 0, 7, 0, -5]
B = [8, 12, 0, -21, 9, 0]


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8"])
def test_gcd_and_lcm(dtype):
    a, b = (minigan.tensor(v, dtype=getattr(minigan, dtype)) for v in (A, B))
    for out, want in ((minigan.gcd(a, b), [4, 6, 0, 7, 9, 5]), (a.lcm(b), [24, 36, 0, 21, 0, 0])):
        assert out.dtype == getattr(minigan, dtype)
        np.testing.assert_array_equal(out.numpy(), want)
    c = minigan.tensor(A, dtype=getattr(minigan, dtype))
    assert c.gcd_(b) is c
    np.testing.assert_array_equal(c.numpy(), [4, 6, 0, 7, 9, 5])


def test_gcd_and_lcm_promote_broadcast_and_wrap_as_pytorch():
    assert minigan.gcd(minigan.tensor(A, dtype=minigan.int32), i64(B)).dtype == minigan.int64
    assert minigan.gcd(minigan.tensor([4], dtype=minigan.int8), minigan.tensor([6], dtype=minigan.uint8)).dtype == minigan.int16
    for first, second, dtype in ((minigan.int32, minigan.int64, minigan.int64), (minigan.uint8, minigan.int32, minigan.int32),
                                 (minigan.int8, minigan.uint8, minigan.int16)):  # lcm promotes as gcd does
        out = minigan.lcm(minigan.tensor([4, 6], dtype=first), minigan.tensor([6, 4], dtype=second))
        assert out.dtype == dtype and out.tolist() == [12, 12]
    np.testing.assert_array_equal(minigan.gcd(i64([[4], [9]]), i64([6, 3])).numpy(), [[2, 1], [3, 3]])
    # lcm's multiple is computed in (at least) 32 bits, then wrapped into the dtype
    out = minigan.lcm(minigan.tensor([100, 127], dtype=minigan.int8), minigan.tensor([3, 2], dtype=minigan.int8))
    np.testing.assert_array_equal(out.numpy(), [300 - 256, 254 - 256])
    out = minigan.lcm(minigan.tensor([2**30 + 1], dtype=minigan.int32), minigan.tensor([6], dtype=minigan.int32))
    np.testing.assert_array_equal(out.numpy(), [abs(6 * (2**30 + 1) - 2**33)])  # |the product wrapped into int32|
    x = i64(A)
    minigan.lcm_(x, i64(B))
    np.testing.assert_array_equal(x.numpy(), [24, 36, 0, 21, 0, 0])
    assert not minigan.gcd(i64(A), i64(B)).requires_grad


def test_gcd_and_lcm_refuse_what_pytorch_refuses():
    with pytest.raises(NotImplementedError, match="\"gcd_cpu\" not implemented for 'Float'"):
        minigan.gcd(f32([1.0]), f32([2.0]))
    with pytest.raises(NotImplementedError, match="\"lcm_cpu\" not implemented for 'Bool'"):
        minigan.lcm(minigan.tensor([True]), minigan.tensor([True]))
    with pytest.raises(TypeError, match=r"gcd\(\): argument 'other' \(position 2\) must be Tensor, not int"):
        minigan.gcd(i64([4]), 2)
    with pytest.raises(RuntimeError, match=r"output with shape \[1\] doesn't match the broadcast shape \[6\]"):
        i64([4]).gcd_(i64(B))


# ============================================================== frexp, nextafter
def test_frexp_splits_into_a_mantissa_in_half_to_one_and_an_int32_exponent():
    x = [0.0, 1.0, -3.5, 1e-40, math.inf, math.nan, 1024.0, -0.0, 0.1]
    mantissa, exponent = minigan.frexp(f32(x))
    assert mantissa.dtype == minigan.float32 and exponent.dtype == minigan.int32
    np.testing.assert_array_equal(exponent.numpy(), [0, 1, 2, -132, 0, 0, 11, 0, -3])
    want = [0.0, 0.5, -0.875, float(np.float32(1e-40)) * 2.0**132, math.inf, math.nan, 0.5, -0.0,
            float(np.float32(0.1)) * 8]
    np.testing.assert_array_equal(mantissa.numpy(), np.array(want, dtype=np.float32))
    result = f64([5e-324, 1.7e308]).frexp()  # subnormal and near the largest: 2^-exponent is out of range
    np.testing.assert_array_equal(result.exponent.numpy(), [-1073, 1024])
    np.testing.assert_array_equal(result.mantissa.numpy(), [0.5, 1.7e308 / 2.0**1023 / 2])
    assert minigan.frexp(minigan.tensor([1.0], dtype=minigan.float16)).exponent.dtype == minigan.int32
    with pytest.raises(RuntimeError, match=r"torch.frexp\(\) only supports floating-point dtypes"):
        minigan.frexp(i64([3]))


def test_frexp_mantissa_gradient_is_two_to_the_minus_exponent():
    x = f64([1.5, -3.0, 1000.0, 1e-300], requires_grad=True)
    mantissa, exponent = minigan.frexp(x)
    assert not exponent.requires_grad
    mantissa.backward(f64([1.0, 1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.25, 2.0**-10, 2.0**996])


def test_nextafter_steps_one_unit_in_the_last_place():
    x, y = [1.0, 0.0, -1.0, 0.0, 1.5, math.inf, math.nan], [2.0, 1.0, -2.0, -1.0, 1.5, 0.0, 1.0]
    for dtype, np_dtype in ((minigan.float32, np.float32), (minigan.float64, np.float64)):
        out = minigan.nextafter(minigan.tensor(x, dtype=dtype), minigan.tensor(y, dtype=dtype))
        assert out.dtype == dtype
        want = np.nextafter(np.array(x, np_dtype), np.array(y, np_dtype))
        np.testing.assert_array_equal(out.numpy(), want)
    assert minigan.nextafter(f32([1.0]), f64([2.0])).dtype == minigan.float64
    assert minigan.nextafter(f32([1.0]), f32([2.0])).item() == 1.0 + 2.0**-23
    z = f32([1.0])
    assert z.nextafter_(f32([0.0])) is z and z.item() == 1.0 - 2.0**-24
    assert minigan.nextafter(f64(np.ones((2, 1))), f64([0.0, 2.0, 1.0])).shape == (2, 3)
    with pytest.raises(NotImplementedError, match="\"nextafter_cpu\" not implemented for 'Long'"):
        minigan.nextafter(i64([1]), i64([2]))
    with pytest.raises(TypeError, match=r"nextafter\(\): argument 'other' \(position 2\) must be Tensor, not float"):
        minigan.nextafter(f32([1.0]), 2.0)


def test_nextafter_gradient_is_one_for_input_and_zero_for_other():
    x, y = drawn(3, 4), drawn(4)
    minigan.nextafter(x, y).backward(f64(np.full((3, 4), 2.0)))
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 4), 2.0))
    np.testing.assert_array_equal(y.grad.numpy(), np.zeros(4))


def test_nextafter_gradient_is_zero_where_input_equals_other():
    # there the result is other itself (a NaN is equal to nothing, so its slot keeps the gradient)
    x = minigan.tensor([1.0, 1.0, -0.0, math.nan, math.inf], dtype=minigan.float64, requires_grad=True)
    y = minigan.tensor([2.0, 1.0, 0.0, 1.0, math.inf], dtype=minigan.float64, requires_grad=True)
    minigan.nextafter(x, y).backward(f64([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert x.grad.tolist() == [1.0, 0.0, 0.0, 4.0, 0.0] and y.grad.tolist() == [0.0] * 5


# ============================================================== isposinf, isneginf, isreal, float_power_
def test_the_infinity_and_real_tests():
    x = f32([-math.inf, math.inf, 1.0, math.nan, -0.0])
    np.testing.assert_array_equal(minigan.isposinf(x).numpy(), [False, True, False, False, False])
    np.testing.assert_array_equal(x.isneginf().numpy(), [True, False, False, False, False])
    np.testing.assert_array_equal(minigan.isreal(x).numpy(), [True] * 5)
    for t in (i64([1, 0]), minigan.tensor([True, False])):
        assert minigan.isposinf(t).dtype == minigan.bool
        np.testing.assert_array_equal(t.isposinf().numpy(), [False, False])
        np.testing.assert_array_equal(t.isreal().numpy(), [True, True])
    assert minigan.isneginf(f64(-math.inf)).shape == ()
    assert not minigan.isposinf(f64([1.0], requires_grad=True)).requires_grad
    with pytest.raises(TypeError, match=r"isneginf\(\): argument 'input' \(position 1\) must be Tensor, not list"):
        minigan.isneginf([1.0])


def test_float_power_in_place_needs_a_float64_tensor():
    x = f64([2.0, -1.5])
    assert x.float_power_(2) is x
    np.testing.assert_array_equal(x.numpy(), [4.0, 2.25])
    x.float_power_(i64([1, 2]))
    np.testing.assert_array_equal(x.numpy(), [4.0, 2.25**2])
    for t, name in ((f32([2.0]), "Float"), (i64([2]), "Long")):
        with pytest.raises(RuntimeError, match=f"the base given to float_power_ has dtype {name} but the operation's "
                                               "result requires dtype Double"):
            t.float_power_(2)


# ============================================================== the test device
def test_the_new_functions_run_on_the_strict_test_device():
    def on(rows, dtype=minigan.float64):
        return minigan.tensor(rows, dtype=dtype).to("strict")

    m = on(MAT)
    results = [minigan.addmv(on([1.0, 2.0]), m, on(VEC), beta=0), minigan.addr(m, on([1.0, 2.0]), on(VEC)),
               m.mT, minigan.pinverse(m), minigan.renorm(m, 2, 0, 1.0), minigan.vander(on([1.0, 2.0])),
               minigan.cholesky_inverse(on(np.linalg.cholesky(SPD))), minigan.trapezoid(m, on([0.0, 1.0, 3.0])),
               minigan.cumulative_trapezoid(m, dim=0), minigan.gcd(on([4], minigan.int64), on([6], minigan.int64)),
               minigan.frexp(on([3.0])).mantissa, minigan.nextafter(on([1.0]), on([2.0])), minigan.isposinf(m),
               minigan.isreal(on([1], minigan.int64))]
    assert all(r.device == "strict" for r in results)
    np.testing.assert_allclose(values(results[0].to("cpu")), [-2.0, -2.0])
