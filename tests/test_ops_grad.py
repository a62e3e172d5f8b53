"""Every registered op and layer: backprop against float64 central differences, first and second
order, in every memory layout its shapes allow; the fused ops in both kernel modes. The
Hypothesis properties over drawn shapes are in test_ops_properties.py; the tests that the
checks themselves can fail are in test_gradcheck_catches.py.

Second order in the strided and transposed layouts: their inputs hold the very values of the
contiguous row with the same seed, and the upstream gradient and direction drawn after them are
the same too. That row checks these derivatives against finite differences, so here they must
equal the contiguous evaluation of the same values to rounding (within 1e-10; most are
bit-identical). That is as strong a check, for a tenth of the time. Broadcast inputs repeat
values, so their rows are checked against finite differences of their own."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from minigan import Function
from minigan.gradcheck import check_backward, gradcheck, gradgradcheck, second_order_values
from minigan.gradcheck.cases import LAYOUTS, OpCase, all_cases, can_take, describe_shapes, layout_of, with_layout
from minigan.gradcheck.coverage import reached
from minigan.nn.losses import BCEWithLogitsMean
from minigan.ops import MaxPool2d
from minigan.ops import BatchNormAct, ChannelBiasAct, LinearAct

CASES = all_cases()
FUSED_FUNCTIONS = (LinearAct, BatchNormAct, ChannelBiasAct, BCEWithLogitsMean, MaxPool2d)  # a kernel branch for the plain backward, Tensor ops when recorded


def _rows(cases, second_order=False):
    """One pytest param per (case, shapes, layout), named like the gradcheck table's rows."""
    return [
        pytest.param(case, shapes, layout, id=f"{case.name}[{describe_shapes(shapes)}]-{layout}")
        for case in cases if case.gradgrad or not second_order
        for shapes in case.shapes
        for layout in case.layouts_for(shapes)
    ]


def _inputs(case, shapes, layout, seed):
    rng = np.random.default_rng(seed)
    inputs = case.inputs(shapes, rng, layout=layout)
    assert any(layout_of(x.array) == layout for x in inputs), f"no input is {layout}"  # the row is what it says
    return inputs, rng


def _first_order(case, inputs, rng):
    if case.params is not None:  # a layer: one random direction through the input and every parameter
        return check_backward(case.fn, inputs, case.params(), rng=rng)
    return gradcheck(case.fn, inputs, rng=rng)


@pytest.mark.parametrize("case, shapes, layout", _rows(CASES))
def test_first_derivative_matches_finite_differences(case, shapes, layout):
    inputs, rng = _inputs(case, shapes, layout, seed=0)
    assert _first_order(case, inputs, rng).ok


SAME_VALUES_AS_CONTIGUOUS = ("strided", "transposed")  # with_layout keeps the drawn values; broadcast repeats a slice
LAYOUT_RTOL, LAYOUT_ATOL = 1e-10, 1e-12  # rounding only: finite differences allow 1e-4 and 1e-7


def _second_order_rows(by_finite_differences):
    return [row for row in _rows(CASES, second_order=True)
            if (row.values[2] in SAME_VALUES_AS_CONTIGUOUS) != by_finite_differences]


def _same_second_order_as_contiguous(case, shapes, inputs, rng, seed):
    """The layout row's second-order values equal those of the contiguous inputs drawn with the
    same seed, with the generator in the same state (the contiguous row checks those against
    finite differences)."""
    twins, _ = _inputs(case, shapes, "contiguous", seed)
    for x, twin in zip(inputs, twins):
        np.testing.assert_array_equal(x.array, twin.array)  # the contiguous row's very values
    got = second_order_values(case.fn, inputs, copy.deepcopy(rng))
    want = second_order_values(case.fn, twins, rng)
    np.testing.assert_array_equal(got.upstream.array, want.upstream.array)
    for field, what in (("recorded", "the first derivative recorded with create_graph"),
                        ("plain", "the first derivative from the plain backward"), ("second", "the second derivative")):
        for g, w in zip(getattr(got, field), getattr(want, field)):
            np.testing.assert_allclose(g, w, rtol=LAYOUT_RTOL, atol=LAYOUT_ATOL, err_msg=f"{what} depends on the layout")


@pytest.mark.parametrize("case, shapes, layout", _second_order_rows(by_finite_differences=True))
def test_second_derivative_matches_finite_differences(case, shapes, layout):
    inputs, rng = _inputs(case, shapes, layout, seed=1)
    assert gradgradcheck(case.fn, inputs, rng=rng).ok


@pytest.mark.parametrize("case, shapes, layout", _second_order_rows(by_finite_differences=False))
def test_second_derivative_is_the_contiguous_rows_in_strided_and_transposed_layouts(case, shapes, layout):
    inputs, rng = _inputs(case, shapes, layout, seed=1)
    _same_second_order_as_contiguous(case, shapes, inputs, rng, seed=1)


class _CubeWithLayoutBug(Function):
    """x**3 with the right first derivative, 3 x**2; off C order its backward takes one factor
    of x as a constant, so the second derivative there is 3 x, half the right 6 x."""

    @staticmethod
    def forward(ctx, a):
        return a**3

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        other = x if x.array.flags.c_contiguous else x.detach()
        return (grad * x * other * 3.0,)


def test_the_layout_comparison_catches_a_second_derivative_wrong_only_off_contiguous():
    case = OpCase("cube with a layout bug", _CubeWithLayoutBug.apply, [((3, 4),)])
    shapes = case.shapes[0]
    inputs, rng = _inputs(case, shapes, "contiguous", seed=1)
    assert gradgradcheck(case.fn, inputs, rng=rng).ok  # its contiguous row passes
    for layout in SAME_VALUES_AS_CONTIGUOUS:
        inputs, rng = _inputs(case, shapes, layout, seed=1)
        assert not gradgradcheck(case.fn, inputs, rng=rng, raise_exception=False).ok  # finite differences see it
        inputs, rng = _inputs(case, shapes, layout, seed=1)
        with pytest.raises(AssertionError, match="the second derivative depends on the layout"):
            _same_second_order_as_contiguous(case, shapes, inputs, rng, seed=1)  # and so does the comparison


def test_every_strided_or_transposed_second_order_row_has_its_contiguous_row():
    checked = {(case.name, shapes) for case, shapes, layout in
               (row.values for row in _second_order_rows(by_finite_differences=True)) if layout == "contiguous"}
    compared = [row.values for row in _second_order_rows(by_finite_differences=False)]
    assert compared and all((case.name, shapes) in checked for case, shapes, _ in compared)


_, _, CASES_REACHING = reached(CASES)
FUSED_CASES = sorted({name for f in FUSED_FUNCTIONS for name in CASES_REACHING[f]})
FUSED_ROWS = _rows([case for case in CASES if case.name in FUSED_CASES])


def test_every_fused_op_has_cases():
    for function in FUSED_FUNCTIONS:
        assert CASES_REACHING[function], f"no gradcheck case reaches {function.__name__}"


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("case, shapes, layout", FUSED_ROWS)
def test_fused_ops_in_both_kernel_modes(case, shapes, layout, mode, kernel_mode):
    """First order takes the kernel branch of the fused backward; second order the Tensor-ops
    branch, compared with the kernel branch and with finite differences (in the strided and
    transposed layouts, with the contiguous row's values in the same mode, as above)."""
    kernel_mode(mode)
    inputs, rng = _inputs(case, shapes, layout, seed=3)
    assert _first_order(case, inputs, rng).ok
    if not case.gradgrad:
        return
    if layout in SAME_VALUES_AS_CONTIGUOUS:  # the first order drew as much in every layout
        _same_second_order_as_contiguous(case, shapes, inputs, rng, seed=3)
    else:
        assert gradgradcheck(case.fn, inputs, rng=rng).ok


# ---------------------------------------------------------------- layouts
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (5,), (1, 4), (4, 1), (1, 1), ()], ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layouts_are_what_they_say(layout, shape):
    array = np.random.default_rng(0).standard_normal(shape)
    if not can_take(shape, layout):  # one element is always contiguous; F order needs two long axes
        assert np.prod(shape) < 2 or (layout == "transposed" and sum(n > 1 for n in shape) < 2)
        return
    view = with_layout(array, layout)
    assert view.shape == shape and layout_of(view) == layout
    assert view.flags.c_contiguous == (layout == "contiguous")
    if layout == "broadcast":
        assert 0 in view.strides and not view.flags.writeable
        axis = max(i for i, n in enumerate(shape) if n > 1)
        np.testing.assert_array_equal(view, np.broadcast_to(np.take(array, [0], axis=axis), shape))
    else:
        np.testing.assert_array_equal(view, array)


def test_every_layout_is_exercised_by_some_case():
    seen = {layout for case in CASES for shapes in case.shapes for layout in case.layouts_for(shapes)}
    assert seen == set(LAYOUTS)
