"""minigan.func's derivative transforms against closed forms written out in NumPy: the gradient
of Σx³ is 3x², of xᵀBx is (B+Bᵀ)x; the Jacobian of x ↦ Ax is A and of x ↦ sin(x)·y is diag(cos x·y);
the Hessian of Σx³ is diag(6x). Also PyTorch's result structure for pytrees and argnums, the
nesting (grad(grad(f)), jacrev(jacrev(f)), a closed-over variable in a nested grad), when results
stay differentiable, and PyTorch's messages for bad input (written out from PyTorch 2.14.1)."""
from __future__ import annotations

import threading
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigan as mg
from minigan.func import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from minigan.func.pytree import tree_flatten, tree_unflatten

RNG = np.random.default_rng(11)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 4))
X = RNG.standard_normal(4)
Y = RNG.standard_normal(4)
V = RNG.standard_normal(4)


def t(values, requires_grad=False):
    return mg.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def close(tensor, expected):
    np.testing.assert_allclose(tensor.detach().numpy(), expected, rtol=1e-12, atol=1e-12)


def cube_sum(x):
    return (x ** 3).sum()


def quadratic(x):
    return (x * (t(B) @ x)).sum()


# ---------------------------------------------------------------------------------------------- grad
def test_grad_of_polynomials_is_their_derivative():
    close(grad(cube_sum)(t(X)), 3 * X ** 2)
    close(grad(quadratic)(t(X)), (B + B.T) @ X)
    gradient, value = grad_and_value(cube_sum)(t(X))
    close(gradient, 3 * X ** 2)
    close(value, np.sum(X ** 3))
    assert not gradient.requires_grad and not value.requires_grad


def test_grad_argnums_pick_arguments_and_negative_ones_count_from_the_end():
    def f(x, y):
        return (x * x * y).sum()
    gx, gy = grad(f, argnums=(0, 1))(t(X), t(Y))
    close(gx, 2 * X * Y)
    close(gy, X * X)
    close(grad(f, argnums=-1)(t(X), t(Y)), X * X)
    close(grad(f, argnums=(1,))(t(X), t(Y))[0], X * X)


def test_grad_keeps_the_structure_of_a_pytree_argument():
    Pair = namedtuple("Pair", "u v")

    def f(params, scale):
        return scale * (params["a"] * params["b"][0] + params["b"][1].sin()).sum()
    params = {"a": t(X), "b": [t(Y), t(V)]}
    gradient = grad(f)(params, 2.0)
    assert isinstance(gradient, dict) and list(gradient) == ["a", "b"] and isinstance(gradient["b"], list)
    close(gradient["a"], 2 * Y)
    close(gradient["b"][0], 2 * X)
    close(gradient["b"][1], 2 * np.cos(V))
    named = grad(lambda p: (p.u * p.v).sum())(Pair(t(X), t(Y)))
    assert type(named) is Pair
    close(named.u, Y)


def test_grad_with_aux_returns_the_aux_cut_from_the_graph():
    gradient, aux = grad(lambda x: (cube_sum(x), {"double": x * 2}), has_aux=True)(t(X))
    close(gradient, 3 * X ** 2)
    close(aux["double"], 2 * X)
    assert not aux["double"].requires_grad
    gradient, (value, aux) = grad_and_value(lambda x: (cube_sum(x), 7), has_aux=True)(t(X))
    close(value, np.sum(X ** 3))
    assert aux == 7


def test_an_argument_the_value_does_not_depend_on_gets_zeros():
    close(grad(lambda x, y: x.sum(), argnums=1)(t(X), t(Y)), np.zeros(4))
    close(grad(lambda x: mg.tensor(1.0))(t(X)), np.zeros(4))


def test_grad_nests_to_second_and_third_derivatives():
    close(grad(lambda x: grad(cube_sum)(x).sum())(t(X)), 6 * X)
    third = grad(lambda x: grad(lambda y: grad(cube_sum)(y).sum())(x).sum())(t(X))
    close(third, np.full(4, 6.0))
    # d/dx of [d/dy (x·y²) at y=3] = d/dx (6x) = 6: the inner derivative treats x as a constant
    x0 = t(2.0)
    close(grad(lambda x: grad(lambda y: x * y * y)(t(3.0)))(x0), 6.0)


def test_results_stay_differentiable_only_when_they_depend_on_a_tensor_that_requires_grad():
    x = t(X, requires_grad=True)
    gradient = grad(cube_sum)(x)
    assert gradient.requires_grad
    close(mg.grad(gradient.sum(), x)[0], 6 * X)  # through the transform, by the ordinary engine
    w = t(Y, requires_grad=True)
    outer = grad(lambda z: ((z * w).sum()) ** 2)(t(X))  # 2(z·w)w, differentiable in w
    assert outer.requires_grad
    close(mg.grad(outer.sum(), w)[0], 2 * X * Y.sum() + 2 * (X @ Y))  # d/dw of 2(z·w)Σw
    jac = jacrev(lambda z: z * w)(t(X))
    close(mg.grad(jac.sum(), w)[0], np.ones(4))  # Σ diag(w)
    (vj,) = vjp(lambda z: z * w, t(X))[1](t(V))
    close(mg.grad(vj.sum(), w)[0], V)
    jv = jvp(lambda z: z * w, (t(X),), (t(V),))[1]
    close(mg.grad(jv.sum(), w)[0], V)
    with mg.no_grad():
        assert not grad(cube_sum)(x).requires_grad
    assert not grad(cube_sum)(t(X)).requires_grad


# ------------------------------------------------------------------------------------------ vjp, jvp
def test_vjp_and_jvp_are_the_jacobian_times_a_vector():
    out, vjp_fn = vjp(lambda x: t(A) @ x, t(X))
    close(out, A @ X)
    u = RNG.standard_normal(3)
    (vj,) = vjp_fn(t(u))
    close(vj, A.T @ u)
    close(vjp_fn(t(2 * u))[0], 2 * A.T @ u)  # the function may be called again
    out, jv = jvp(lambda x, y: x.sin() * y, (t(X), t(Y)), (t(V), t(np.zeros(4))))
    close(out, np.sin(X) * Y)
    close(jv, np.cos(X) * Y * V)
    assert not jv.requires_grad and not out.requires_grad


def test_vjp_and_jvp_take_pytrees_and_aux():
    out, vjp_fn, aux = vjp(lambda d: ({"s": d["x"] * d["y"]}, d["x"].sum()), {"x": t(X), "y": t(Y)}, has_aux=True)
    close(aux, X.sum())
    (gradient,) = vjp_fn({"s": t(V)})
    close(gradient["x"], V * Y)
    close(gradient["y"], V * X)
    out, jv, aux = jvp(lambda x: ((x * x, x.exp()), "aux"), (t(X),), (t(V),), has_aux=True)
    close(jv[0], 2 * X * V)
    close(jv[1], np.exp(X) * V)
    assert aux == "aux"


def test_linearize_gives_jvp_at_the_primals_without_calling_again():
    calls = []

    def f(x, y):
        calls.append(1)
        return {"a": x.sin() * y}
    out, jvp_fn = linearize(f, t(X), t(Y))
    close(out["a"], np.sin(X) * Y)
    close(jvp_fn(t(V), t(np.zeros(4)))["a"], np.cos(X) * Y * V)
    close(jvp_fn(t(np.zeros(4)), t(V))["a"], np.sin(X) * V)
    assert len(calls) == 1 and not out["a"].requires_grad
    with pytest.raises(RuntimeError) as raised:
        jvp_fn(t(V))
    assert str(raised.value) == ("Expected the tangents TreeSpec(tuple, None, [*]) to have the same argspec as the "
                                 "primals TreeSpec(tuple, None, [*,\n  *])")
    with pytest.raises(RuntimeError) as raised:
        jvp_fn(t(V), t(np.ones(2)))
    assert str(raised.value) == ("tangent:1 with shape torch.Size([2]) in flattened pytree doesn't match the shape "
                                 "torch.Size([4]) of the corresponding primal.")


# ------------------------------------------------------------------------------------------ jacobians
@pytest.mark.parametrize("transform", [jacrev, jacfwd])
def test_jacobian_of_known_maps(transform):
    close(transform(lambda x: t(A) @ x)(t(X)), A)
    close(transform(lambda x, y: x.sin() * y)(t(X), t(Y)), np.diag(np.cos(X) * Y))
    jx, jy = transform(lambda x, y: x.sin() * y, argnums=(0, 1))(t(X), t(Y))
    close(jy, np.diag(np.sin(X)))
    matrix = t(RNG.standard_normal((2, 3)))
    jm = transform(lambda m: m * m)(matrix)
    assert tuple(jm.shape) == (2, 3, 2, 3)
    expected = np.einsum("ij,ik,jl->ijkl", 2 * matrix.numpy(), np.eye(2), np.eye(3))
    close(jm, expected)


def test_jacobian_structure_follows_outputs_then_arguments():
    jac = jacrev(lambda x, y: {"a": x * y, "b": (x * y).sum()}, argnums=(0, 1))(t(X), t(Y))
    assert list(jac) == ["a", "b"] and isinstance(jac["a"], tuple) and len(jac["b"]) == 2
    close(jac["a"][1], np.diag(X))
    close(jac["b"][0], Y)
    jac, aux = jacrev(lambda x: (x * 2, "aux"), has_aux=True)(t(X))
    close(jac, 2 * np.eye(4))
    assert aux == "aux"


def test_hessians_of_polynomials():
    close(hessian(cube_sum)(t(X)), np.diag(6 * X))
    close(hessian(quadratic)(t(X)), B + B.T)
    close(jacrev(jacrev(cube_sum))(t(X)), np.diag(6 * X))
    h = hessian(lambda x, y: (x * x * y).sum(), argnums=(0, 1))(t(X), t(Y))
    close(h[0][0], np.diag(2 * Y))
    close(h[0][1], np.diag(2 * X))
    close(h[1][1], np.zeros((4, 4)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4), st.lists(st.floats(-2, 2), min_size=1, max_size=5))
def test_polynomial_derivatives_match_their_closed_forms(coefficients, points):
    """p(x) = Σ c_k x^k summed over the points: grad is p'(x), the Hessian diag(p''(x))."""
    c = np.array(coefficients)
    xs = np.array(points)

    def p(x):  # Horner's form, products only
        return (float(c[0]) + x * (float(c[1]) + x * (float(c[2]) + x * float(c[3])))).sum()
    d1 = c[1] + 2 * c[2] * xs + 3 * c[3] * xs ** 2
    d2 = 2 * c[2] + 6 * c[3] * xs
    np.testing.assert_allclose(grad(p)(t(xs)).numpy(), d1, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hessian(p)(t(xs)).numpy(), np.diag(d2), rtol=1e-10, atol=1e-10)


trees = st.recursive(st.integers(), lambda inner: st.one_of(
    st.tuples(inner, inner), st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abc"), inner, max_size=3)),
    max_leaves=8)


@settings(max_examples=50, deadline=None)
@given(trees)
def test_a_pytree_flattens_to_its_leaves_in_order_and_back(tree):
    leaves, spec = tree_flatten(tree)
    assert tree_unflatten(leaves, spec) == tree and spec.num_leaves == len(leaves)
    assert tree_flatten(tree_unflatten(list(range(len(leaves))), spec))[1] == spec


def test_nested_transforms_in_threads_keep_their_own_levels():
    results = {}

    def work(k):
        results[k] = [grad(lambda x: grad(cube_sum)(x).sum())(t(X * k)).numpy() for _ in range(20)]
    threads = [threading.Thread(target=work, args=(k,)) for k in (1.0, 2.0, 3.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k, values in results.items():
        for value in values:
            np.testing.assert_allclose(value, 6 * X * k, rtol=1e-12)
    assert len(results) == 3


# ---------------------------------------------------------------------------------- PyTorch's errors
@pytest.mark.parametrize("call, error, message", [
    (lambda: grad(lambda x: x * 2)(t(X)), RuntimeError,
     "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you "
     "wanted to use the vjp or jacrev APIs instead?"),
    (lambda: grad(cube_sum, argnums=1)(t(X)), RuntimeError, "Got argnum=1, but only 1 positional inputs"),
    (lambda: grad(cube_sum, argnums=1.0)(t(X)), RuntimeError, "argnums must be int or Tuple[int, ...], got: <class 'float'>"),
    (lambda: grad(cube_sum, argnums=(0, 1.0))(t(X)), RuntimeError, "argnum must be int, got: <class 'float'>"),
    (lambda: grad(cube_sum, argnums=())(t(X)), RuntimeError, "argnums must be non-empty"),
    (lambda: grad(lambda x, y: x.sum(), argnums=(0, 0))(t(X), t(X)), RuntimeError,
     "argnums elements must be unique, got (0, 0)"),
    (lambda: grad(lambda x: x)(1.0), ValueError, "Thing passed to transform API must be Tensor, got <class 'float'>"),
    (lambda: grad(lambda x: 1.0)(t(X)), RuntimeError,
     "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got <class 'float'>"),
    (lambda: grad(cube_sum, has_aux=True)(t(X)), RuntimeError,
     "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True"),
    (lambda: grad(cube_sum)(mg.arange(3)), RuntimeError, "only Tensors of floating point dtype can require gradients"),
    (lambda: vjp(lambda x: x * 2, t(X))[1](t(np.ones(2))), RuntimeError,
     "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([4])."),
    (lambda: vjp(lambda x: {"a": x, "b": [x, x]}, t(X))[1]((t(X),)), RuntimeError,
     "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. "
     "cotangents: (*,), primal output: {'a': *, 'b': [*, *]}"),
    (lambda: vjp(lambda x: 2.0, t(X)), RuntimeError,
     "vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type <class 'float'>"),
    (lambda: jvp(lambda x: x, t(X), t(X)), RuntimeError,
     "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."),
    (lambda: jvp(lambda x: x, (t(X),), (t(X), t(X))), RuntimeError,
     "jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For example, if "
     "primals is a tuple of 3 tensors, tangents also must be. Got primals with structure TreeSpec(tuple, None, [*]) "
     "and tangents with structure TreeSpec(tuple, None, [*,\n  *])"),
    (lambda: jvp(lambda x: x, (t(X),), (t(np.ones(2)),)), RuntimeError,
     "Trying to set a forward gradient that has a different size than that of the original Tensor, this is not "
     "supported. Tensor is of size [4] while the given forward gradient is of size [2]."),
    (lambda: jvp(lambda: t(X), (), ()), RuntimeError,
     "jvp(f, primals, tangents): Expected primals to contain at least one Tensor."),
    (lambda: jvp(lambda x: x, (1.0,), (1.0,)), RuntimeError,
     "jvp(f, primals, tangents): Expected primals to only contain Tensors, got <class 'float'>"),
    (lambda: jacrev(lambda x: x, chunk_size=0)(t(X)), ValueError, "jacrev: `chunk_size` should be greater than 0."),
    (lambda: jacfwd(lambda x: x, randomness="bad")(t(X)), RuntimeError,
     "Only allowed values for randomness are 'error', 'different', or 'same'. Got bad"),
])
def test_bad_input_gets_pytorch_s_message(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message
