"""minigan.autograd.functional against closed forms: the Jacobian of x ↦ Ax is A, the Hessian of
xᵀBx is B+Bᵀ and of Σx³ diag(6x); jvp, vjp, hvp and vhp are those matrices times v. Also
PyTorch's return structure (Tensor, tuple, tuple of tuples), zeros or PyTorch's strict errors for
inputs that do not matter, create_graph=True giving differentiable results, and the one-line
errors for what is not supported."""
from __future__ import annotations

import numpy as np
import pytest

import minigan as mg
import minigan.autograd.functional
from minigan.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal(4)
V = RNG.standard_normal(4)
M = RNG.standard_normal((2, 3))


@pytest.fixture(autouse=True)
def _raise_on_floating_point_errors():
    with np.errstate(all="raise"):
        yield


def t(values, requires_grad=False):
    return mg.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def close(tensor, expected):
    assert isinstance(tensor, mg.Tensor)
    assert tensor.shape == np.shape(expected)
    np.testing.assert_allclose(tensor.array, expected, rtol=1e-12, atol=1e-12)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


# ---------------------------------------------------------------------------------------------- jacobian
@pytest.mark.parametrize("n", [1, 3])
def test_jacobian_of_the_tutorials_exp_adder(n):
    x, y = t(X[:n]), t(Y[:n])
    jx, jy = jacobian(exp_adder, (x, y))  # a tuple of inputs and one output: a tuple
    close(jx, np.diag(2 * np.exp(X[:n])))
    close(jy, 3 * np.eye(n))


def test_import_as_pytorchs_module_path_and_attribute():
    assert minigan.autograd.functional.jacobian is jacobian
    assert mg.autograd.functional.hessian is hessian
    assert set(minigan.autograd.functional.__all__) == {"vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"}


def test_jacobian_of_a_linear_map_is_its_matrix():
    jac = jacobian(lambda x: t(A) @ x, t(X))
    close(jac, A)  # one input and one output: a Tensor shaped output.shape + input.shape
    assert not jac.requires_grad


def test_jacobian_shape_is_output_shape_plus_input_shape():
    jac = jacobian(lambda m: m.exp().sum(dim=1), t(M))  # (2,) from (2, 3)
    expected = np.zeros((2, 2, 3))
    for i in range(2):
        expected[i, i] = np.exp(M[i])
    close(jac, expected)


def test_jacobian_of_a_scalar_function_of_a_scalar():
    close(jacobian(lambda x: x * x, t(1.5)), 3.0)


def test_several_outputs_and_inputs_give_a_tuple_of_tuples():
    jac = jacobian(lambda x, y: (x * y, (x ** 2).sum()), (t(X), t(Y)))
    assert isinstance(jac, tuple) and [len(row) for row in jac] == [2, 2]
    close(jac[0][0], np.diag(Y))
    close(jac[0][1], np.diag(X))
    close(jac[1][0], 2 * X)
    close(jac[1][1], np.zeros(4))  # (x**2).sum() does not depend on y


def test_several_outputs_of_one_input_give_a_tuple():
    j_double, j_sum = jacobian(lambda x: (2 * x, x.sum()), t(X))
    close(j_double, 2 * np.eye(4))
    close(j_sum, np.ones(4))


def test_an_unused_input_gets_zeros_and_strict_raises_pytorchs_error():
    jx, jy = jacobian(lambda x, y: 2 * x, (t(X), t(Y)))
    close(jx, 2 * np.eye(4))
    close(jy, np.zeros((4, 4)))
    with pytest.raises(RuntimeError, match="^Output 0 of the user-provided function is independent of input 1. "
                                           "This is not allowed in strict mode.$"):
        jacobian(lambda x, y: 2 * x, (t(X), t(Y)), strict=True)


def test_an_output_that_does_not_require_grad_gives_zeros_or_raises_when_strict():
    close(jacobian(lambda x: t(Y), t(X)), np.zeros((4, 4)))
    with pytest.raises(RuntimeError, match="^Output 0 of the user-provided function does not require gradients"):
        jacobian(lambda x: t(Y), t(X), strict=True)


def test_jacobian_with_create_graph_is_differentiable_in_the_callers_tensor():
    x = t(X, requires_grad=True)
    jac = jacobian(lambda u: u ** 3, x, create_graph=True)
    close(jac, np.diag(3 * X ** 2))
    assert jac.requires_grad
    (gx,) = mg.grad(jac.sum(), x)
    close(gx, 6 * X)


def test_without_create_graph_nothing_requires_grad_and_the_input_is_untouched():
    x = t(X, requires_grad=True)
    jac = jacobian(lambda u: u ** 3, x)
    assert not jac.requires_grad and x.grad is None
    with pytest.raises(RuntimeError, match="^The jacobian of the user-provided function is independent of input 0. "
                                           "This is not allowed in strict mode when create_graph=True.$"):
        jacobian(lambda u: u * 3, x, create_graph=True, strict=True)  # a constant Jacobian


def test_a_tensor_the_function_captures_is_a_constant_not_the_input():
    x = t(X, requires_grad=True)
    close(jacobian(lambda u: u * x, x), np.diag(X))  # d(u·x)/du, not d(x²)/dx


def test_jacobian_works_under_no_grad_and_keeps_the_input_dtype():
    with mg.no_grad():
        jac = jacobian(lambda x: x * 2, mg.tensor([1.0, 2.0]))
        assert not mg.is_grad_enabled()  # the mode it set for the call is undone
    assert jac.dtype == np.float32
    np.testing.assert_array_equal(jac.array, 2 * np.eye(2, dtype=np.float32))


def test_an_empty_output_gives_an_empty_jacobian():
    close(jacobian(lambda x: x[:0], t(X)), np.zeros((0, 4)))  # PyTorch fails in torch.stack here


def test_vectorize_gives_the_same_values_and_refuses_strict_as_pytorch_does():
    close(jacobian(lambda x: x ** 2, t(X), vectorize=True), np.diag(2 * X))
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True` are not supported together"):
        jacobian(lambda x: x ** 2, t(X), vectorize=True, strict=True)


def test_forward_mode_and_an_unknown_strategy_raise_one_line():
    with pytest.raises(mg.UnsupportedFeatureError, match=r"^jacobian\(strategy='forward-mode'\) is not supported "
                                                         r"by minigan \(forward-mode AD\)"):
        jacobian(lambda x: x, t(X), strategy="forward-mode")
    with pytest.raises(mg.UnsupportedFeatureError, match="outer_jacobian_strategy='forward-mode'"):
        hessian(lambda x: x.sum(), t(X), outer_jacobian_strategy="forward-mode")
    with pytest.raises(ValueError, match="^jacobian: strategy must be 'reverse-mode' or 'forward-mode', "
                                         "got 'sideways'$"):
        jacobian(lambda x: x, t(X), strategy="sideways")


def test_inputs_and_outputs_must_be_tensors_or_tuples_of_tensors():
    with pytest.raises(TypeError, match="^The inputs given to jacobian must be either a Tensor or a tuple of Tensors "
                                        "but the given inputs has type list.$"):
        jacobian(lambda x: x, [t(X)])
    with pytest.raises(TypeError, match="outputs of the user-provided function given to jacobian .* has type list"):
        jacobian(lambda x: [x], t(X))


# ----------------------------------------------------------------------------------------------- hessian
def test_hessian_of_a_quadratic_form_is_b_plus_b_transposed():
    close(hessian(lambda x: x @ (t(B) @ x), t(X)), B + B.T)


def test_hessian_of_the_sum_of_cubes_is_diag_6x():
    close(hessian(lambda x: (x ** 3).sum(), t(X)), np.diag(6 * X))


def test_hessian_of_a_matrix_input_is_shaped_input_shape_twice():
    expected = np.zeros((2, 3, 2, 3))
    for a in range(2):
        for b in range(3):
            expected[a, b, a, b] = 6 * M[a, b]
    close(hessian(lambda m: (m ** 3).sum(), t(M)), expected)


def test_hessian_of_two_inputs_is_a_tuple_of_tuples():
    (hxx, hxy), (hyx, hyy) = hessian(lambda x, y: (x ** 2 * y).sum(), (t(X), t(Y)))
    close(hxx, np.diag(2 * Y))
    close(hxy, np.diag(2 * X))
    close(hyx, np.diag(2 * X))
    close(hyy, np.zeros((4, 4)))


def test_hessian_of_the_exp_adder_sum_and_its_strict_error():
    (hxx, hxy), (hyx, hyy) = hessian(lambda x, y: exp_adder(x, y).sum(), (t(X), t(Y)))
    close(hxx, np.diag(2 * np.exp(X)))
    for zero in (hxy, hyx, hyy):
        close(zero, np.zeros((4, 4)))
    with pytest.raises(RuntimeError, match="^While computing the hessian, found that the jacobian of the user-provided "
                                           "function with respect to input 1 is independent of the input."):
        hessian(lambda x, y: exp_adder(x, y).sum(), (t(X), t(Y)), strict=True)  # linear in y


def test_hessian_of_an_unused_input_is_zero_or_strict_raises():
    (hxx, hxy), (hyx, hyy) = hessian(lambda x, y: (x ** 3).sum(), (t(X), t(Y)))
    close(hxx, np.diag(6 * X))
    for zero in (hxy, hyx, hyy):
        close(zero, np.zeros((4, 4)))
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 1"):
        hessian(lambda x, y: (x ** 3).sum(), (t(X), t(Y)), strict=True)


def test_hessian_needs_one_tensor_with_one_element():
    with pytest.raises(RuntimeError, match="^The Tensor returned by the function given to hessian should contain a "
                                           "single element$"):
        hessian(lambda x: x ** 2, t(X))
    with pytest.raises(RuntimeError, match="^The function given to hessian should return a single Tensor$"):
        hessian(lambda x: (x.sum(),), t(X))


def test_hessian_with_create_graph_is_differentiable():
    x = t(X, requires_grad=True)
    hess = hessian(lambda u: (u ** 3).sum(), x, create_graph=True)
    close(hess, np.diag(6 * X))
    (gx,) = mg.grad(hess.sum(), x)
    close(gx, np.full(4, 6.0))


# ------------------------------------------------------------------------------------------ vjp and jvp
def test_vjp_of_a_linear_map_is_v_times_its_matrix():
    v = RNG.standard_normal(3)
    out, product = vjp(lambda x: t(A) @ x, t(X), t(v))
    close(out, A @ X)
    close(product, v @ A)


def test_vjp_of_a_one_element_output_needs_no_v_and_several_need_one():
    out, product = vjp(lambda x: (x ** 2).sum(), t(X))
    close(out, np.sum(X ** 2))
    close(product, 2 * X)
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the user-provided function returns a "
                                           "single Tensor with a single element.$"):
        vjp(lambda x: x ** 2, t(X))


def test_vjp_of_two_inputs_and_an_unused_one():
    out, (vx, vy) = vjp(lambda x, y: 2 * x + 3 * y, (t(X), t(Y)), t(V))
    close(out, 2 * X + 3 * Y)
    close(vx, 2 * V)
    close(vy, 3 * V)
    _, (vx, vy) = vjp(lambda x, y: 2 * x, (t(X), t(Y)), t(V))
    close(vy, np.zeros(4))
    with pytest.raises(RuntimeError, match="^The output of the user-provided function is independent of input 1. "
                                           "This is not allowed in strict mode.$"):
        vjp(lambda x, y: 2 * x, (t(X), t(Y)), t(V), strict=True)


def test_v_of_the_wrong_size_or_count_is_refused_with_pytorchs_words():
    with pytest.raises(RuntimeError, match=r"^v has invalid size: should be \(4,\) but got \(3,\).$"):
        vjp(lambda x: x ** 2, t(X), t(np.ones(3)))
    with pytest.raises(RuntimeError, match=r"^Entry 1 in v has invalid size: should be \(4,\) but got \(3,\).$"):
        vjp(lambda x: (x, x), t(X), (t(V), t(np.ones(3))))
    with pytest.raises(RuntimeError, match="^v is a tuple of invalid length: should be 2 but got 1.$"):
        vjp(lambda x: (x, x), t(X), (t(V),))
    with pytest.raises(TypeError, match="^The v given to jvp must be either a Tensor or a tuple of Tensors"):
        jvp(lambda x: x, t(X), 3.0)


def test_jvp_of_a_linear_map_is_its_matrix_times_v():
    out, product = jvp(lambda x: t(A) @ x, t(X), t(V))
    close(out, A @ X)
    close(product, A @ V)


def test_jvp_equals_j_at_v_for_a_matrix_input():
    w = RNG.standard_normal((2, 3))
    _, product = jvp(lambda m: m.exp().sum(dim=1), t(M), t(w))
    close(product, np.sum(np.exp(M) * w, axis=1))


def test_jvp_of_several_outputs_and_inputs():
    w = RNG.standard_normal(4)
    (prod, total), (jv_prod, jv_total) = jvp(lambda x, y: (x * y, (x ** 2).sum()), (t(X), t(Y)), (t(V), t(w)))
    close(prod, X * Y)
    close(total, np.sum(X ** 2))
    close(jv_prod, Y * V + X * w)
    close(jv_total, 2 * X @ V)


def test_jvp_of_the_identity_is_v_and_of_a_constant_output_zeros():
    close(jvp(lambda x: x, t(X), t(V))[1], V)
    _, (jv_double, jv_constant) = jvp(lambda x: (2 * x, t(Y)), t(X), t(V))
    close(jv_double, 2 * V)
    close(jv_constant, np.zeros(4))
    with pytest.raises(RuntimeError, match="^Output 1 of the user-provided function does not require gradients"):
        jvp(lambda x: (2 * x, t(Y)), t(X), t(V), strict=True)


def test_jvp_ignores_an_unused_input_or_raises_when_strict():
    _, product = jvp(lambda x, y: 2 * x, (t(X), t(Y)), (t(V), t(V)))
    close(product, 2 * V)
    with pytest.raises(RuntimeError, match="^The output of the user-provided function is independent of input 1."):
        jvp(lambda x, y: 2 * x, (t(X), t(Y)), (t(V), t(V)), strict=True)


def test_jvp_needs_v_unless_the_input_has_one_element():
    close(jvp(lambda x: x ** 2, t(1.5))[1], 3.0)
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the input to the user-provided function "
                                           "is a single Tensor with a single element.$"):
        jvp(lambda x: x ** 2, t(X))


def test_vjp_and_jvp_with_create_graph_are_differentiable_in_the_input_and_in_v():
    x = t(X, requires_grad=True)
    v = t(V, requires_grad=True)
    out, product = vjp(lambda u: u ** 2, x, v, create_graph=True)
    assert out.requires_grad and product.requires_grad
    gx, gv = mg.grad(product.sum(), (x, v))  # product = 2·x·v
    close(gx, 2 * V)
    close(gv, 2 * X)
    _, product = jvp(lambda u: u ** 3, x, v, create_graph=True)
    close(product, 3 * X ** 2 * V)
    gx, gv = mg.grad(product.sum(), (x, v))
    close(gx, 6 * X * V)
    close(gv, 3 * X ** 2)
    _, product = jvp(lambda u: t(A) @ u, x, v, create_graph=True)
    (gv,) = mg.grad(product.sum(), v, allow_unused=True)
    close(gv, A.sum(axis=0))  # d(1ᵀAv)/dv = Aᵀ1


def test_results_without_create_graph_do_not_require_grad():
    x = t(X, requires_grad=True)
    for function in (vjp, jvp):
        out, product = function(lambda u: u ** 2, x, t(V))
        assert not out.requires_grad and not product.requires_grad
    for function in (vhp, hvp):
        out, product = function(lambda u: (u ** 3).sum(), x, t(V))
        assert not out.requires_grad and not product.requires_grad
    assert x.grad is None


# ------------------------------------------------------------------------------------------ hvp and vhp
@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_of_the_sum_of_cubes(function):
    out, product = function(lambda x: (x ** 3).sum(), t(X), t(V))
    close(out, np.sum(X ** 3))
    close(product, 6 * X * V)


@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_of_a_quadratic_form(function):
    _, product = function(lambda x: x @ (t(B) @ x), t(X), t(V))
    close(product, (B + B.T) @ V)


@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_of_two_inputs(function):
    w = RNG.standard_normal(4)
    _, (px, py) = function(lambda x, y: (x ** 2 * y).sum(), (t(X), t(Y)), (t(V), t(w)))
    close(px, 2 * Y * V + 2 * X * w)  # the rows of H = [[diag 2y, diag 2x], [diag 2x, 0]] times (v, w)
    close(py, 2 * X * V)


@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_of_an_unused_input_and_a_linear_function(function):
    _, (px, py) = function(lambda x, y: (x ** 3).sum(), (t(X), t(Y)), (t(V), t(V)))
    close(px, 6 * X * V)
    close(py, np.zeros(4))
    _, product = function(lambda x: (x * 3).sum(), t(X), t(V))
    close(product, np.zeros(4))
    with pytest.raises(RuntimeError, match="^The output of the user-provided function is independent of input 1."):
        function(lambda x, y: (x ** 3).sum(), (t(X), t(Y)), (t(V), t(V)), strict=True)
    with pytest.raises(RuntimeError, match="^While computing the hessian, found that the jacobian of the "
                                           "user-provided function with respect to input 0 is independent"):
        function(lambda x: (x * 3).sum(), t(X), t(V), strict=True)


@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_need_a_one_element_output(function):
    name = function.__name__
    with pytest.raises(RuntimeError, match=f"^The Tensor returned by the function given to {name} should contain a "
                                           "single element$"):
        function(lambda x: x ** 3, t(X), t(V))
    with pytest.raises(RuntimeError, match=f"^The function given to {name} should return a single Tensor$"):
        function(lambda x: ((x ** 3).sum(),), t(X), t(V))
    close(function(lambda x: x ** 4, t(1.5))[1], 12 * 1.5 ** 2)  # one input element: v may be left out


@pytest.mark.parametrize("function", [hvp, vhp])
def test_hessian_vector_products_with_create_graph_are_differentiable(function):
    x = t(X, requires_grad=True)
    out, product = function(lambda u: (u ** 3).sum(), x, t(V), create_graph=True)
    assert out.requires_grad and product.requires_grad
    (gx,) = mg.grad(product.sum(), x)
    close(gx, 6 * V)


def test_products_agree_with_the_full_matrices():
    def f(x):
        return (x.exp() * (t(B) @ x)).sum()

    hess = hessian(f, t(X)).array
    grad_row = jacobian(f, t(X)).array
    close(vjp(f, t(X))[1], grad_row)
    close(jvp(f, t(X), t(V))[1], grad_row @ V)
    np.testing.assert_allclose(hvp(f, t(X), t(V))[1].array, hess @ V, rtol=1e-12)
    np.testing.assert_allclose(vhp(f, t(X), t(V))[1].array, V @ hess, rtol=1e-12)
    # the closed form: H = diag(eˣ ⊙ Bx) + diag(eˣ) B + Bᵀ diag(eˣ)
    e = np.exp(X)
    np.testing.assert_allclose(hess, np.diag(e * (B @ X)) + e[:, None] * B + B.T * e[None, :], rtol=1e-12)
