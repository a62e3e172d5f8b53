"""Every registered op: backprop against float64 central differences, first and second order,
on contiguous and strided inputs; plus Hypothesis property tests over shapes and values."""
from __future__ import annotations

import numpy as np
import pytest

from minigan.backends import use_cpu_kernels
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigan as mg
from minigan.gradcheck import check_backward, gradcheck, gradgradcheck
from minigan.gradcheck.cases import OP_CASES, describe_shapes, non_contiguous, off_zero, positive
from minigan.gradcheck.layer_cases import LAYER_CASES


def _case_params(cases):
    """One pytest param per (case, shapes), named like the gradcheck table's rows."""
    return [pytest.param(case, shapes, id=f"{case.name}[{describe_shapes(shapes)}]")
            for case in cases for shapes in case.shapes]


CASE_PARAMS = _case_params(OP_CASES)


@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "strided"])
@pytest.mark.parametrize("case, shapes", CASE_PARAMS)
def test_op_gradient_matches_finite_differences(case, shapes, contiguous):
    rng = np.random.default_rng(0)
    inputs = case.inputs(shapes, rng, contiguous=contiguous)
    assert gradcheck(case.fn, inputs, rng=rng).ok


@pytest.mark.parametrize("case, shapes", [p for p in CASE_PARAMS if p.values[0].gradgrad])
def test_op_second_derivative_matches_finite_differences(case, shapes):
    rng = np.random.default_rng(1)
    inputs = case.inputs(shapes, rng)
    assert gradgradcheck(case.fn, inputs, rng=rng).ok


def test_every_documented_op_is_registered():
    documented = {
        "add", "sub", "mul", "div", "neg", "pow_scalar", "pow_tensor", "matmul", "exp", "log", "sqrt", "abs",
        "clamp", "maximum", "minimum", "where", "sum", "mean", "max", "var", "reshape", "transpose",
        "broadcast_to", "getitem_slice", "getitem_int_array", "getitem_mask", "concatenate", "stack",
        "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "log_softmax", "softmax", "dropout",
    }
    assert documented <= {case.name for case in OP_CASES}


# ---------------------------------------------------------------- Hypothesis properties
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3)
VALUES = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)

UNARY = {
    "exp": (lambda x: x.exp(), None),
    "log": (lambda x: x.log(), positive),
    "sqrt": (lambda x: x.sqrt(), positive),
    "abs": (lambda x: x.abs(), off_zero),
    "relu": (lambda x: x.relu(), off_zero),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), off_zero),
    "sigmoid": (lambda x: x.sigmoid(), None),
    "tanh": (lambda x: x.tanh(), None),
    "softplus": (lambda x: x.softplus(), None),
    "square": (lambda x: x**2, None),
}


@st.composite
def arrays_of(draw, shape):
    return draw(hnp.arrays(np.float64, shape, elements=VALUES))


def _tensor(array, contiguous=True):
    array = np.array(array, dtype=np.float64)
    if not contiguous and array.ndim:
        array = non_contiguous(array)
    return mg.Tensor(array, requires_grad=True)


@given(name=st.sampled_from(sorted(UNARY)), shape=SHAPES, data=st.data(), contiguous=st.booleans())
def test_unary_ops_on_drawn_shapes(name, shape, data, contiguous):
    fn, prepare = UNARY[name]
    array = data.draw(arrays_of(shape))
    if prepare is not None:
        (array,) = prepare([array], np.random.default_rng(0))
    assert gradcheck(fn, [_tensor(array, contiguous)]).ok


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
       op=st.sampled_from(["add", "sub", "mul", "div"]), data=st.data())
def test_binary_ops_broadcast_on_drawn_shapes(shapes, op, data):
    a = data.draw(arrays_of(shapes.input_shapes[0]))
    b = data.draw(arrays_of(shapes.input_shapes[1]))
    if op == "div":
        (b,) = off_zero([b], np.random.default_rng(0))
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y, "div": lambda x, y: x / y}[op]
    result = fn(_tensor(a), _tensor(b))
    assert result.shape == shapes.result_shape
    assert gradcheck(fn, [_tensor(a), _tensor(b)]).ok


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3), data=st.data(),
       reduction=st.sampled_from(["sum", "mean", "max", "var"]), keepdims=st.booleans())
def test_reductions_on_drawn_axes(shape, data, reduction, keepdims):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    array = data.draw(arrays_of(shape))
    if reduction == "max":  # ties have no unique derivative: make every value distinct
        array = np.random.default_rng(0).permutation(array.size).reshape(shape) * 0.1
    if reduction == "var" and shape[axis] < 2:
        return
    fn = lambda x: getattr(x, reduction)(axis=axis, keepdims=keepdims)  # noqa: E731
    expected = getattr(np, reduction)(array, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(fn(_tensor(array)).data, expected, rtol=1e-12)
    assert gradcheck(fn, [_tensor(array)]).ok


@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), batch=st.sampled_from([(), (2,), (1, 2)]),
       data=st.data(), transposed=st.booleans())
def test_matmul_on_drawn_shapes(n, k, m, batch, data, transposed):
    a = data.draw(arrays_of(batch + (n, k)))
    b = data.draw(arrays_of((k, m)))
    ta, tb = _tensor(a, contiguous=not transposed), _tensor(b, contiguous=not transposed)
    np.testing.assert_allclose((ta @ tb).data, a @ b, rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda x, y: x @ y, [ta, tb]).ok


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3), data=st.data())
def test_transpose_and_getitem_on_drawn_shapes(shape, data):
    array = data.draw(arrays_of(shape))
    perm = data.draw(st.permutations(range(len(shape))))
    picks = data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5))
    index = np.array(picks)
    assert gradcheck(lambda x: x.transpose(*perm) * 1.5, [_tensor(array)]).ok
    assert gradcheck(lambda x: x[index], [_tensor(array)]).ok


# ---------------------------------------------------------------- nn layers and losses
LAYER_PARAMS = _case_params(LAYER_CASES)


@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "strided"])
@pytest.mark.parametrize("case, shapes", LAYER_PARAMS)
def test_layer_and_loss_gradients(case, shapes, contiguous):
    rng = np.random.default_rng(2)
    inputs = case.inputs(shapes, rng, contiguous=contiguous)
    if case.params is not None:  # a layer: one random direction through input and parameters
        assert check_backward(case.fn, inputs, case.params(), rng=rng).ok
    else:
        assert gradcheck(case.fn, inputs, rng=rng).ok
    assert gradgradcheck(case.fn, case.inputs(shapes, rng), rng=rng).ok


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("case", [c for c in OP_CASES if c.name.startswith("linear_fused")] +
                         [c for c in LAYER_CASES if c.name in ("nn.Sequential(MLP)", "F.bce_with_logits")],
                         ids=lambda c: c.name)
def test_kernel_backed_ops_pass_with_kernels_on_and_off(case, mode):
    with use_cpu_kernels(mode):
        rng = np.random.default_rng(3)
        inputs = case.inputs(case.shapes[0], rng)
        if case.params is not None:
            assert check_backward(case.fn, inputs, case.params(), rng=rng).ok
        else:
            assert gradcheck(case.fn, inputs, rng=rng).ok
