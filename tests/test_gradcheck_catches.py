"""The gradient checks prove themselves: coverage is found (every Function in minigan, every
input of each), the second-order check compares values, and deliberately wrong backwards,
injected one at a time into every op, are all caught (``python -m minigan.gradcheck --mutate``)."""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import types

import numpy as np
import pytest

from minigan import backends, ops
from minigan import Function, is_grad_enabled
from minigan.gradcheck import gradcheck, gradgradcheck
from minigan.gradcheck.__main__ import main as gradcheck_main
from minigan.gradcheck.cases import OpCase, all_cases, find_case
from minigan.gradcheck.coverage import function_classes, gaps
from minigan.gradcheck.mutate import FAULT_KINDS, run_mutants, trace_faults
from minigan.gradcheck.rows import planned_rows
from minigan.nn import functional as F
from minigan.nn import losses
from minigan.autograd import Tensor


# ---------------------------------------------------------------- coverage, found not listed
def test_every_function_and_every_input_has_a_case():
    problems = gaps(all_cases())
    assert not problems, "\n".join(problems)


def test_the_walk_finds_functions_from_every_module():
    names = {cls.__name__ for cls in function_classes()}
    assert {"Add", "ScatterAdd", "AsType", "LinearAct", "BCEWithLogitsMean", "BinaryCrossEntropy"} <= names


@contextlib.contextmanager
def _cube_in_minigan(slope: float, monkeypatch):
    """A Function x**3 whose backward multiplies by ``slope`` x**2 (3 is right), as if it were
    minigan's module minigan.probe while the block runs: the walk over minigan's Functions finds it."""

    class Cube(Function):
        @staticmethod
        def forward(ctx, a):
            return a**3

        @staticmethod
        def backward(ctx, grad):
            return (grad * ctx.inputs[0] ** 2 * slope,)

    own_module = Cube.__module__
    Cube.__module__, Cube.__qualname__ = "minigan.probe", "Cube"
    monkeypatch.setitem(sys.modules, "minigan.probe", types.ModuleType("minigan.probe"))
    try:
        yield Cube
    finally:  # no longer minigan's, whenever the class object goes away
        Cube.__module__ = own_module


def test_coverage_names_a_function_without_a_case(monkeypatch):
    with _cube_in_minigan(3.0, monkeypatch):
        assert gaps(all_cases()) == ["minigan.probe.Cube has no gradcheck case"]


def test_coverage_names_an_input_no_case_differentiates():
    """A loss checked only with respect to its input leaves the targets' gradient unchecked."""
    constant_targets = OpCase("bce, targets constant",
                              lambda p: F.binary_cross_entropy(p, np.full(p.shape, 0.3)), [((4, 3),)],
                              prepare=lambda arrays, rng: [np.full(arrays[0].shape, 0.4)])
    cases = [c for c in all_cases() if c.name != "F.binary_cross_entropy"] + [constant_targets]
    assert gaps(cases) == ["minigan.nn.losses.BinaryCrossEntropy: no case checks the gradient of input(s) [1]"]


# ---------------------------------------------------------------- seeded faults in the fused ops
def _linear_sigmoid_recorded_branch_off_by(monkeypatch, factor):
    """The fused linear op's sigmoid derivative, wrong by ``factor`` in its create_graph branch only."""
    forward, right = ops.TENSOR_FORMULAS.ACTIVATIONS["sigmoid"]

    def wrong(grad, out, slope):
        return right(grad, out, slope) * factor

    monkeypatch.setitem(ops.TENSOR_FORMULAS.ACTIVATIONS, "sigmoid", (forward, wrong))


def _bce_recorded_branch_off_by(monkeypatch, factor):
    right = losses.BCEWithLogitsMean.backward

    def wrong(ctx, grad):
        grad_logits, grad_targets = right(ctx, grad)
        return (grad_logits * factor if is_grad_enabled() else grad_logits), grad_targets

    monkeypatch.setattr(losses.BCEWithLogitsMean, "backward", staticmethod(wrong))


def _linear_sigmoid_kernel_branch_off_by(monkeypatch, factor):
    backend = backends.backend_for("cpu")  # the kernels of the mode the test switched to
    right = backend.linear_act_backward

    def wrong(grad, out, activation, slope):
        grad_z, grad_bias = right(grad, out, activation, slope)
        return grad_z * factor, grad_bias * factor

    monkeypatch.setattr(backend, "linear_act_backward", wrong)


def _bce_kernel_branch_off_by(monkeypatch, factor):
    backend = backends.backend_for("cpu")
    right = backend.bce_with_logits

    def wrong(logits, targets):
        loss, grad = right(logits, targets)
        return loss, grad * factor

    monkeypatch.setattr(backend, "bce_with_logits", wrong)


def _batch_norm_recorded_branch_off_by(monkeypatch, factor):
    """The fused batch norm's composite, rebuilt only when the backward is recorded, off by ``factor``."""
    right = ops.TENSOR_FORMULAS.batch_norm_affine
    monkeypatch.setattr(ops.TENSOR_FORMULAS, "batch_norm_affine", lambda *args: right(*args) * factor)


def _batch_norm_kernel_branch_off_by(monkeypatch, factor):
    backend = backends.backend_for("cpu")
    right = backend.batch_norm_act_backward

    def wrong(*args):
        grad_x, grad_weight, grad_bias = right(*args)
        return grad_x * factor, grad_weight, grad_bias

    monkeypatch.setattr(backend, "batch_norm_act_backward", wrong)


def _max_pool_kernel_branch_off_by(monkeypatch, factor):
    backend = backends.backend_for("cpu")
    right = backend.max_pool2d_backward
    monkeypatch.setattr(backend, "max_pool2d_backward", lambda *args, **kwargs: right(*args, **kwargs) * factor)


def _max_pool_recorded_branch_off_by(monkeypatch, factor):
    """max_pool2d's recorded backward (the winners' one-hot, folded back by FoldPatches) off by ``factor``."""
    from minigan.ops import convolution as conv

    right = conv.FoldPatches.forward
    monkeypatch.setattr(conv.FoldPatches, "forward", staticmethod(lambda ctx, *args, **kw: right(ctx, *args, **kw) * factor))


def _channel_bias_act_kernel_branch_off_by(monkeypatch, factor):
    backend = backends.backend_for("cpu")
    right = backend.channel_bias_act_backward

    def wrong(*args):
        grad_x, grad_bias = right(*args)
        return grad_x, grad_bias * factor

    monkeypatch.setattr(backend, "channel_bias_act_backward", wrong)


RECORDED_FAULTS = [("linear_fused_sigmoid", _linear_sigmoid_recorded_branch_off_by, 1.5),
                   ("max_pool2d_overlap_pad", _max_pool_recorded_branch_off_by, 1.5),
                   ("batch_norm_act_tanh", _batch_norm_recorded_branch_off_by, 1.5),
                   ("F.bce_with_logits", _bce_recorded_branch_off_by, 2.0)]
KERNEL_FAULTS = [("linear_fused_sigmoid", _linear_sigmoid_kernel_branch_off_by, 1.001),
                 ("max_pool2d_overlap_pad", _max_pool_kernel_branch_off_by, 1.001),
                 ("channel_bias_act_tanh", _channel_bias_act_kernel_branch_off_by, 1.001),
                 ("batch_norm_act_tanh", _batch_norm_kernel_branch_off_by, 1.001),
                 ("F.bce_with_logits", _bce_kernel_branch_off_by, 1.001)]


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("name, inject, factor", RECORDED_FAULTS, ids=[f[0] for f in RECORDED_FAULTS])
def test_a_wrong_create_graph_branch_of_a_fused_op_fails(name, inject, factor, mode, kernel_mode, monkeypatch):
    kernel_mode(mode)
    case = find_case(name)
    inputs = case.inputs(case.shapes[0], np.random.default_rng(0))
    inject(monkeypatch, factor)
    assert gradcheck(case.fn, inputs).ok  # the plain backward is untouched
    result = gradgradcheck(case.fn, inputs, raise_exception=False)
    assert not result.ok
    assert "recorded with create_graph differs from the plain backward" in result.message
    assert "recorded with create_graph differs from finite differences" in result.message


@pytest.mark.parametrize("mode", ["numba", "numpy"])
@pytest.mark.parametrize("name, inject, factor", KERNEL_FAULTS, ids=[f[0] for f in KERNEL_FAULTS])
def test_a_wrong_kernel_branch_of_a_fused_op_fails(name, inject, factor, mode, kernel_mode, monkeypatch):
    kernel_mode(mode)
    case = find_case(name)
    inputs = case.inputs(case.shapes[0], np.random.default_rng(0))
    inject(monkeypatch, factor)
    assert not gradcheck(case.fn, inputs, raise_exception=False).ok
    assert not gradgradcheck(case.fn, inputs, raise_exception=False).ok


def test_gradgradcheck_checks_the_derivative_with_respect_to_grad_outputs():
    """A recorded backward that treats the upstream gradient as a constant has the right first
    derivative and the right derivative in x, but none in grad_outputs."""

    class SquareDetachingGrad(Function):
        @staticmethod
        def forward(ctx, a):
            return a * a

        @staticmethod
        def backward(ctx, grad):
            return (grad.detach() * ctx.inputs[0] * 2.0,)

    x = Tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    result = gradgradcheck(SquareDetachingGrad.apply, [x], raise_exception=False)
    assert not result.ok
    assert result.message.startswith("the second derivative with respect to grad_outputs differs")


# ---------------------------------------------------------------- mutation testing of the checker
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_injected_fault_is_caught():
    """``python -m minigan.gradcheck --mutate``: every fault kind applies somewhere, and all are caught."""
    run = subprocess.run([sys.executable, "-m", "minigan.gradcheck", "--mutate"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = re.findall(r"^(\w+)\s+(\d+)\s+(\d+)$", run.stdout, flags=re.M)
    table = {kind: (int(caught), int(total)) for kind, caught, total in rows}
    for kind in FAULT_KINDS:
        caught, total = table[kind]
        assert total > 0 and caught == total, f"{kind}: {caught}/{total}"
    assert "every fault was caught" in run.stdout


def test_the_mutation_run_reports_survivors(capsys):
    """Without the second-order checks, the faults in the recorded backward paths survive: the
    mutation run says so and exits 1."""
    assert gradcheck_main(["--mutate", "--no-gradgrad", "--op", "linear_fused_sigmoid", "--op", "F.bce_with_logits"]) == 1
    out = capsys.readouterr().out
    assert "SURVIVED  LinearAct: scaled_when_recorded (input 0)" in out
    assert "SURVIVED  BCEWithLogitsMean: scaled_when_recorded (input 1)" in out
    assert re.search(r"^scaled_when_recorded\s+0\s+[1-9]", out, flags=re.M)


def test_the_traced_rows_run_alone_as_in_the_table():
    """The first pass leaves the finite differences out, yet each row starts from the generator
    state it has in the table, and run alone from it gives the table's result."""
    case = find_case("F.bce_with_logits")
    trace, failing = trace_faults([case])
    assert not failing
    rng = np.random.default_rng(0)
    for check, row in zip(trace.checks, planned_rows(case), strict=True):
        assert check.rng_state == rng.bit_generator.state
        in_table = row.run(rng)
        alone = np.random.default_rng(7)
        alone.bit_generator.state = check.rng_state
        result = row.run(alone)
        assert in_table.ok and (result.max_abs_err, result.max_rel_err) == (in_table.max_abs_err, in_table.max_rel_err)


def test_a_check_that_fails_without_the_fault_catches_nothing(monkeypatch):
    """A backward off by a factor 2 fails its check with or without a fault injected: the run
    says it means nothing and exits 1, rather than counting the faults caught."""
    out = io.StringIO()
    with _cube_in_minigan(6.0, monkeypatch) as wrong_cube:
        status = run_mutants([OpCase("wrong cube", wrong_cube.apply, [((3,),)], gradgrad=False)], out=out)
    assert status == 1
    assert "the checks fail without any fault injected" in out.getvalue()
    assert "wrong cube: grad contiguous ((3,),): backprop and finite differences differ" in out.getvalue()
