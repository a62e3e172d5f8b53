"""Every registered op and layer: backprop against float64 central differences, first and second
order, in every memory layout its shapes allow; the fused ops in both kernel modes. The
Hypothesis properties over drawn shapes are in test_ops_properties.py; the tests that the
checks themselves can fail are in test_gradcheck_catches.py."""
from __future__ import annotations

import numpy as np
import pytest

from minigan.gradcheck import check_backward, gradcheck, gradgradcheck
from minigan.gradcheck.cases import LAYOUTS, all_cases, can_take, describe_shapes, layout_of, with_layout
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


@pytest.mark.parametrize("case, shapes, layout", _rows(CASES, second_order=True))
def test_second_derivative_matches_finite_differences(case, shapes, layout):
    inputs, rng = _inputs(case, shapes, layout, seed=1)
    assert gradgradcheck(case.fn, inputs, rng=rng).ok


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
    branch, compared with the kernel branch and with finite differences."""
    kernel_mode(mode)
    inputs, rng = _inputs(case, shapes, layout, seed=3)
    assert _first_order(case, inputs, rng).ok
    if case.gradgrad:
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
