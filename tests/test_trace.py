"""minigan.trace(): one record per backward call, in the engine's order, with the right facts."""
from __future__ import annotations

import doctest
import io
import threading

import numpy as np
import pytest

import minigan
from minigan import trace as trace_function
from minigan.autograd import topological_order
from minigan.autograd import tracing as trace_module
from minigan.autograd.tracing import TraceRecord, active_tracer


def _small_graph():
    """loss = sum(relu(x @ w) * 2): four ops, one constant."""
    rng = np.random.default_rng(0)
    x = minigan.tensor(rng.standard_normal((3, 4)), dtype=np.float64, requires_grad=True)
    w = minigan.tensor(rng.standard_normal((4, 2)), dtype=np.float64, requires_grad=True)
    return x, w, ((x @ w).relu() * 2.0).sum()


def _backward_order(root):
    """The ops in the order backward runs them: the reverse topological order."""
    return [node for node in reversed(topological_order([root])) if not node.is_leaf]


def test_records_follow_the_engine_order_with_shapes_and_norms():
    x, w, loss = _small_graph()
    expected_nodes = _backward_order(loss)
    with trace_function(file=False) as log:
        loss.backward()
    assert [r.op for r in log.ops] == [n._ctx.function.__name__ for n in expected_nodes] == [
        "Sum", "Mul", "ReLU", "MatMul"]
    assert [r.output_shape for r in log.ops] == [(), (3, 2), (3, 2), (3, 2)]
    assert [r.input_shapes for r in log.ops] == [((3, 2),), ((3, 2), ()), ((3, 2),), ((3, 4), (4, 2))]
    # the gradient arriving at each op's output, written out with NumPy
    z = x.array @ w.array
    arriving = [np.ones(()), np.ones((3, 2)), 2.0 * np.ones((3, 2)), 2.0 * (z > 0)]
    np.testing.assert_allclose([r.grad_norm for r in log.ops],
                               [np.sqrt(np.sum(g * g)) for g in arriving], rtol=1e-12)
    assert all(np.isfinite(r.seconds) and r.seconds >= 0 for r in log.records)
    # then the two leaves, each with the norm of the gradient it received
    assert [(r.name, r.output_shape) for r in log.leaves] == [("leaf#1", (4, 2)), ("leaf#2", (3, 4))]  # w, x
    assert log.records[-2:] == log.leaves
    np.testing.assert_allclose([r.grad_norm for r in log.leaves],
                               [np.linalg.norm(x.array.T @ (2.0 * (z > 0))), np.linalg.norm(2.0 * (z > 0) @ w.array.T)],
                               rtol=1e-12)
    # the traced backward computed what the untraced one does
    np.testing.assert_allclose(w.grad.array, x.array.T @ (2.0 * (z > 0)), rtol=1e-12)


def test_printed_lines_without_timing_are_exact():
    _, _, loss = _small_graph()
    out = io.StringIO()
    with trace_function(file=out, timing=False) as log:
        loss.backward()
    assert out.getvalue() == "\n".join(record.line(timing=False) for record in log.records) + "\n"
    first, second = out.getvalue().splitlines()[:2]
    assert first == "Sum#1                (3, 2) -> ()                         grad norm 1"
    assert second == "Mul#1                (3, 2), () -> (3, 2)                 grad norm 2.449"
    assert out.getvalue().splitlines()[-1].startswith("leaf#2               (3, 4) receives its gradient         grad norm ")


def test_timing_adds_milliseconds_and_stdout_is_the_default(capsys):
    _, _, loss = _small_graph()
    with trace_function() as log:
        loss.backward()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(log.records) == 6
    for line, record in zip(lines, log.records):
        if record.kind != "op":  # a leaf's line has no time
            assert not line.endswith(" ms")
            continue
        assert line.endswith(" ms")
        assert float(line.split()[-2]) == pytest.approx(record.seconds * 1e3, abs=1e-3)


def test_record_line_formats_shapes():
    record = TraceRecord("MatMul", ((64, 100), (100, 256)), (64, 256), 0.5, 0.00125)
    assert record.line() == "MatMul               (64, 100), (100, 256) -> (64, 256)   grad norm 0.5           1.250 ms"
    assert record.line(timing=False) == "MatMul               (64, 100), (100, 256) -> (64, 256)   grad norm 0.5"
    fused = TraceRecord("LinearAct", ((6, 4), (8, 4), (8,)), (6, 8), 0.25, 0.0, number=2, fused="Linear+relu",
                        value="[1, 2, 3, …] norm 9")
    assert fused.line(timing=False, values=True) == (
        "LinearAct#2          (6, 4), (8, 4), (8,) -> (6, 8)       grad norm 0.25       [fused Linear+relu] "
        "value [1, 2, 3, …] norm 9")


def test_nested_traces_each_see_what_ran_inside_them():
    with trace_function(file=False) as outer:
        _, _, first = _small_graph()
        first.backward()
        with trace_function(file=False) as inner:
            _, _, second = _small_graph()
            second.backward()
        assert active_tracer() is not None  # the outer trace is still on
        _, _, third = _small_graph()
        third.backward()
    assert len(inner.records) == 6  # four ops, two leaves
    assert len(outer.records) == 18
    assert outer.records[6:12] == inner.records  # the same records, shared
    assert active_tracer() is None


def test_an_exception_inside_restores_the_engine():
    with pytest.raises(ZeroDivisionError):
        with trace_function(file=False):
            1 / 0
    assert active_tracer() is None
    _, _, loss = _small_graph()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):  # an error from the engine itself
        with trace_function(file=False) as log:
            loss.backward()
    assert active_tracer() is None and log.records == []


def test_grad_and_create_graph_are_traced():
    x = minigan.tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = (x * x * x).sum()  # dy/dx = 3x^2, d2y/dx2 = 6x
    with trace_function(file=False) as first:
        (g,) = minigan.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.array, 3 * x.array**2)
    assert [r.name for r in first.records] == ["Sum#1", "Mul#1", "Mul#2", "leaf#1"]  # x, reached by three paths
    assert first.records[0].grad_norm == 1.0
    assert first.records[1].grad_norm == pytest.approx(np.sqrt(3.0))
    expected = _backward_order(g.sum())
    with trace_function(file=False) as second:
        (h,) = minigan.grad(g.sum(), x)
    np.testing.assert_allclose(h.array, 6 * x.array)
    assert [r.op for r in second.ops] == [n._ctx.function.__name__ for n in expected]


def test_a_bad_file_is_one_clear_error():
    with pytest.raises(TypeError, match="file must be a writable text stream"):
        with trace_function(file="trace.txt"):
            pass
    assert active_tracer() is None


def test_exported_as_minigan_trace():
    assert minigan.trace is trace_function and "trace" in minigan.__all__


def test_the_module_docstring_example_runs():
    results = doctest.testmod(trace_module, verbose=False)
    assert results.attempted >= 3 and results.failed == 0


def test_a_trace_sees_only_its_own_threads_backward_calls():
    x, _, loss = _small_graph()
    other_loss = (x * 3.0).sum()
    inside = threading.Event()
    finish = threading.Event()
    seen_from_other_thread = []

    def other_thread() -> None:
        inside.wait()
        seen_from_other_thread.append(active_tracer())
        other_loss.backward()  # not traced: the trace is the main thread's
        finish.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    with trace_function(file=False) as log:
        inside.set()
        finish.wait()
        loss.backward()
    worker.join()
    assert seen_from_other_thread == [None]
    assert [r.op for r in log.records] == ["Sum", "Mul", "ReLU", "MatMul", "leaf", "leaf"]


def test_instances_are_numbered_per_op_and_per_pass():
    x = minigan.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    with trace_function(file=False) as log:
        (x * 2.0 * 3.0).sum().backward()
        (x * 5.0).sum().backward()  # a new pass numbers from 1 again
    assert [r.name for r in log.records] == ["Sum#1", "Mul#1", "Mul#2", "leaf#1", "Sum#1", "Mul#1", "leaf#1"]


def test_values_show_each_output_and_each_leaf():
    x = minigan.tensor([3.0, 4.0], dtype=np.float64, requires_grad=True)
    out = io.StringIO()
    with trace_function(file=out, timing=False, values=True) as log:
        (x * x).sum().backward()
    assert [r.value for r in log.records] == ["25", "[9, 16] norm 18.36", "[3, 4] norm 5"]  # √(81 + 256)
    assert out.getvalue().splitlines()[0].endswith("grad norm 1          value 25")


def test_parameters_and_fused_ops_are_marked():
    layer = minigan.nn.Sequential(minigan.nn.Linear(3, 2, dtype=np.float64), minigan.nn.ReLU())
    with trace_function(file=False) as log:
        layer(minigan.tensor(np.ones((4, 3)), dtype=np.float64)).sum().backward()
    assert [(r.name, r.fused) for r in log.records] == [
        ("Sum#1", ""), ("LinearAct#1", "Linear+relu"), ("Parameter#1", ""), ("Parameter#2", "")]
