"""torch.autograd.profiler / torch.profiler: which events a known graph makes, how ranges nest,
the table, the Chrome trace, shapes, threads, and that profiling changes no result."""
from __future__ import annotations

import doctest
import json
import threading
import time

import numpy as np
import pytest

import minigan
import minigan as torch
import minigan.replay
from minigan.autograd import profiler as autograd_profiler
from minigan.autograd import profiler_events
from minigan.autograd.profiler import active_profiler, profile, record_function
from minigan import profiler as torch_profiler


def _linear_relu_mse(seed: int = 0):
    torch.manual_seed(seed)
    layer = torch.nn.Linear(3, 2)
    x = torch.randn(4, 3)
    y = torch.randn(4, 2)
    return layer, x, y


def _step(layer, x, y):
    loss = torch.nn.functional.mse_loss(torch.relu(layer(x)), y)
    loss.backward()
    return loss


# The events of Linear + ReLU + MSE, forward then backward, each with the range it ran inside:
# nn.Linear is minigan's fused LinearAct, mse_loss is (a - b) ** 2 averaged, and each backward is
# written in Tensor ops, which appear inside it; then the weight's and the bias's gradients are added
# into their .grad, PyTorch's two torch::autograd::AccumulateGrad events.
LINEAR_RELU_MSE = [
    ("LinearAct", None), ("ReLU", None), ("Sub", None), ("PowScalar", None), ("Mean", None),
    ("MeanBackward", None), ("Reshape", "MeanBackward"), ("BroadcastTo", "MeanBackward"), ("Div", "MeanBackward"),
    ("PowScalarBackward", None), ("Mul", "PowScalarBackward"), ("Mul", "PowScalarBackward"),
    ("SubBackward", None), ("ReLUBackward", None), ("Where", "ReLUBackward"), ("LinearActBackward", None),
    ("torch::autograd::AccumulateGrad", None), ("torch::autograd::AccumulateGrad", None),
]


def test_linear_relu_mse_makes_exactly_these_events():
    layer, x, y = _linear_relu_mse()
    with profile() as prof:
        _step(layer, x, y)
    events = prof.events()
    assert [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in events] == LINEAR_RELU_MSE
    counts = {e.key: e.count for e in prof.key_averages()}
    assert counts == {"LinearAct": 1, "ReLU": 1, "Sub": 1, "PowScalar": 1, "Mean": 1, "MeanBackward": 1,
                      "Reshape": 1, "BroadcastTo": 1, "Div": 1, "PowScalarBackward": 1, "Mul": 2,
                      "SubBackward": 1, "ReLUBackward": 1, "Where": 1, "LinearActBackward": 1,
                      "torch::autograd::AccumulateGrad": 2}
    # each backward event is named as its grad_fn is
    assert "MeanBackward" == torch.nn.functional.mse_loss(torch.relu(layer(x)), y).grad_fn.name()


def test_accumulate_grad_events_count_as_pytorch_s():
    """One torch::autograd::AccumulateGrad per leaf gradient that backward() adds into .grad, with
    the leaf's shape; none for autograd.grad(). PyTorch 2.14.1's counts, written out."""
    def counted(run, **options):
        with profile(**options) as prof:
            run()
        events = [e for e in prof.events() if e.name == "torch::autograd::AccumulateGrad"]
        return len(events), [e.input_shapes for e in events]

    x, w = torch.ones(3, 4, requires_grad=True), torch.ones(4, 2, requires_grad=True)
    twice = lambda: ((x * 2).sum().backward(), (x * 2).sum().backward())  # noqa: E731
    assert counted(twice, record_shapes=True) == (2, [[[3, 4]], [[3, 4]]])
    assert counted(lambda: ((x @ w).sum() + x.sum()).backward())[0] == 2  # x once, its two paths summed
    assert counted(lambda: torch.autograd.grad((x @ w).sum(), [x, w]))[0] == 0
    assert counted(lambda: (x @ w).sum().backward(inputs=[w]))[0] == 1
    h = torch.ones(2, requires_grad=True) * 1
    h.retain_grad()  # a retained non-leaf gradient is no AccumulateGrad
    assert counted(lambda: (h * 3).sum().backward())[0] == 1
    p = torch.ones(2, requires_grad=True)
    assert counted(lambda: (p * 3).sum().backward(create_graph=True))[0] == 1


def test_nothing_is_recorded_outside_the_block_or_when_disabled():
    layer, x, y = _linear_relu_mse()
    with profile() as prof:
        pass
    _step(layer, x, y)
    assert list(prof.events()) == [] and active_profiler() is None
    with profile(enabled=False) as off:
        _step(layer, x, y)
    assert list(off.events()) == []
    with record_function("no profile running"):  # a range with no profile is nothing
        _step(layer, x, y)


def test_ranges_nest_and_times_add_up():
    layer, x, y = _linear_relu_mse()
    before = time.perf_counter_ns()
    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                _step(layer, x, y)
            time.sleep(0.02)  # in outer itself, outside every op
    wall_us = (time.perf_counter_ns() - before) / 1e3
    events = prof.events()
    outer, inner = events[0], events[1]
    assert (outer.name, inner.name, inner.cpu_parent) == ("outer", "inner", outer)
    assert [e.cpu_parent.name if e.cpu_parent else None for e in events[2:]] == [
        parent or "inner" for _, parent in LINEAR_RELU_MSE]
    for event in events:
        assert 0 <= event.self_cpu_time_total <= event.cpu_time_total
        children = sum(child.cpu_time_total for child in event.cpu_children)
        assert event.self_cpu_time_total == pytest.approx(event.cpu_time_total - children, abs=1e-6)
        for child in event.cpu_children:  # a child lies inside its parent's time
            assert event.start_ns <= child.start_ns <= child.end_ns <= event.end_ns
    assert 20_000 <= outer.self_cpu_time_total <= outer.cpu_time_total <= wall_us
    # every microsecond of the outer range is some range's self time, counted once
    assert prof.self_cpu_time_total == pytest.approx(outer.cpu_time_total, rel=1e-9)
    averages = prof.key_averages()
    assert sum(a.self_cpu_time_total for a in averages) == pytest.approx(outer.cpu_time_total, rel=1e-9)
    mul = next(a for a in averages if a.key == "Mul")
    muls = [e for e in events if e.name == "Mul"]
    assert mul.count == 2 and mul.cpu_time_total == pytest.approx(sum(e.cpu_time_total for e in muls))
    assert mul.cpu_time == pytest.approx(mul.cpu_time_total / 2)


def test_record_function_as_a_decorator_makes_one_range_per_call():
    @record_function("helper")
    def helper(t):
        return t * 2.0

    with profile() as prof:
        helper(torch.ones(2))
        helper(torch.ones(2))
    assert [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in prof.events()] == [
        ("helper", None), ("Mul", "helper"), ("helper", None), ("Mul", "helper")]


def _table_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("---")]
    assert len(rules) == 3 and lines[-1].startswith("Self CPU time total: ")
    header = lines[rules[0] + 1].split("  ")
    return [[c.strip() for c in header if c.strip()]] + [line.split() for line in lines[rules[1] + 1:rules[2]]]


def test_the_table_has_pytorchs_columns_and_sorts_largest_first():
    layer, x, y = _linear_relu_mse()
    with profile() as prof:
        with record_function("sleeps"):
            time.sleep(0.01)
        _step(layer, x, y)
    averages = prof.key_averages()
    rows = _table_rows(averages.table(sort_by="self_cpu_time_total", row_limit=5))
    assert rows[0] == ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
    expected = sorted(averages, key=lambda a: a.self_cpu_time_total, reverse=True)[:5]
    assert [row[0] for row in rows[1:]] == [a.key for a in expected] and rows[1][0] == "sleeps"
    assert [int(row[-1]) for row in rows[1:]] == [a.count for a in expected]
    assert float(rows[1][1].rstrip("%")) == pytest.approx(100 * expected[0].self_cpu_time_total / averages.self_cpu_time_total, abs=0.006)
    by_count = _table_rows(averages.table(sort_by="count", row_limit=-1))
    assert len(by_count) - 1 == len(averages) and by_count[1][0] == "Mul"
    assert profiler_events.format_time(12.5) == "12.500us" and profiler_events.format_time(1234.5) == "1.234ms"
    assert profiler_events.format_time(2.5e6) == "2.500s"
    with pytest.raises(ValueError, match="sort_by must be one of"):
        averages.table(sort_by="cuda_time_total")


def test_shapes_and_grouping_by_shape():
    a = torch.ones(3, 4, requires_grad=True)
    b = torch.ones(4, 2)
    with profile(record_shapes=True) as prof:
        (a @ b).sum()
        a * 2.0
        a * a
    with profile(record_shapes=True) as backward:
        (a @ b).sum().backward()
    # a backward event has its forward's input shapes, those of the gradients it returns
    assert [(e.name, e.input_shapes) for e in backward.events() if e.name.endswith("Backward")] == [
        ("SumBackward", [[3, 2]]), ("MatMulBackward", [[3, 4], [4, 2]])]
    events = prof.events()
    assert [(e.name, e.input_shapes) for e in events] == [
        ("MatMul", [[3, 4], [4, 2]]), ("Sum", [[3, 2]]), ("Mul", [[3, 4], []]), ("Mul", [[3, 4], [3, 4]])]
    grouped = prof.key_averages(group_by_input_shape=True)
    assert [(g.key, g.input_shapes, g.count) for g in grouped] == [
        ("MatMul", [[3, 4], [4, 2]], 1), ("Sum", [[3, 2]], 1), ("Mul", [[3, 4], []], 1), ("Mul", [[3, 4], [3, 4]], 1)]
    assert _table_rows(grouped.table())[0][-1] == "Input Shapes"
    assert [(g.key, g.count) for g in prof.key_averages()] == [("MatMul", 1), ("Sum", 1), ("Mul", 2)]
    with profile() as plain:
        a * 2.0
    assert plain.events()[0].input_shapes == []


def test_profile_memory_counts_each_ops_output_bytes():
    a = torch.ones(8, 16, dtype=torch.float32)
    with profile(profile_memory=True) as prof:
        with record_function("range"):
            a * 2.0
            a.sum()
    events = prof.events()
    assert [(e.name, e.cpu_memory_usage, e.self_cpu_memory_usage) for e in events] == [
        ("range", 8 * 16 * 4 + 4, 0), ("Mul", 8 * 16 * 4, 8 * 16 * 4), ("Sum", 4, 4)]
    assert _table_rows(prof.key_averages().table())[0][6:9] == ["CPU Mem", "Self CPU Mem", "# of Calls"]


def test_chrome_trace_parses_back_with_every_event(tmp_path):
    layer, x, y = _linear_relu_mse()
    with profile(record_shapes=True) as prof:
        with record_function("step"):
            _step(layer, x, y)
    path = tmp_path / "trace.json"
    path.write_text("old")
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trace.json"]  # no temporary file left
    records = trace["traceEvents"]
    events = prof.events()
    assert [r["name"] for r in records] == [e.name for e in events]
    assert {r["ph"] for r in records} == {"X"} and len({r["tid"] for r in records}) == 1
    assert [r["cat"] for r in records[:2]] == ["user_annotation", "cpu_op"]
    step = records[0]
    assert step["ts"] == 0
    for record, event in zip(records, events):
        assert record["dur"] == pytest.approx(event.cpu_time_total)
        assert step["ts"] <= record["ts"] and record["ts"] + record["dur"] <= step["ts"] + step["dur"] + 1e-3
    assert records[1]["args"]["Input Dims"] == [[4, 3], [2, 3], [2]]
    with pytest.raises(TypeError, match="needs the events themselves"):
        prof.key_averages().export_chrome_trace(tmp_path / "averages.json")


def test_a_profile_sees_only_its_own_threads_ops():
    inside, finish = threading.Event(), threading.Event()
    seen = []

    def other_thread() -> None:
        inside.wait()
        seen.append(active_profiler())
        (torch.ones(2, requires_grad=True) * 3.0).sum().backward()
        finish.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    with profile() as prof:
        inside.set()
        finish.wait(timeout=30)
        torch.ones(2) + 1.0
    worker.join()
    assert seen == [None]
    assert [e.name for e in prof.events()] == ["Add"]
    assert {e.thread for e in prof.events()} == {threading.get_ident()}


def test_misuse_says_what_is_wrong():
    with profile() as prof:
        with pytest.raises(RuntimeError, match="already enabled on this thread"):
            with profile():
                pass
        with pytest.raises(RuntimeError, match="leave the with block first"):
            prof.key_averages()
    with pytest.raises(NotImplementedError, match="use_cuda=True"):
        profile(use_cuda=True)
    with pytest.raises(NotImplementedError, match="CUDA is not supported"):
        torch_profiler.profile(activities=[torch_profiler.ProfilerActivity.CUDA])
    with pytest.raises(NotImplementedError, match="schedule"):
        torch_profiler.profile(schedule=lambda step: None)
    with pytest.raises(TypeError, match="name must be a str"):
        record_function(3)


def test_an_exception_inside_closes_the_open_ranges():
    with pytest.raises(ValueError):
        with profile() as prof:
            with record_function("fails"):
                torch.ones(2) * 2.0
                raise ValueError("inside")
    assert active_profiler() is None
    (fails, mul) = prof.events()
    assert fails.end_ns >= mul.end_ns > 0 and fails.self_cpu_time_total >= 0


def test_trace_and_profile_together_both_see_the_backward_calls():
    layer, x, y = _linear_relu_mse()
    with profile() as prof, torch.trace(file=False) as log:
        _step(layer, x, y)
    assert [r.op for r in log.ops] == ["Mean", "PowScalar", "Sub", "ReLU", "LinearAct"]
    assert [e.name for e in prof.events() if e.name.endswith("Backward")] == [
        "MeanBackward", "PowScalarBackward", "SubBackward", "ReLUBackward", "LinearActBackward"]


def test_torch_profiler_is_the_same_profiler_under_the_newer_name():
    assert torch.profiler.record_function is torch.autograd.profiler.record_function
    layer, x, y = _linear_relu_mse()
    prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True)
    prof.start()
    _step(layer, x, y)
    prof.step()
    prof.stop()
    assert [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in prof.events()] == LINEAR_RELU_MSE
    assert prof.step_num == 1 and prof.events()[0].input_shapes == [[4, 3], [2, 3], [2]]


def _sgd_run(profiled: bool):
    layer, x, y = _linear_relu_mse(seed=3)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        if profiled:
            with profile(record_shapes=True, profile_memory=True):
                _step(layer, x, y)
        else:
            _step(layer, x, y)
        optimizer.step()
    return [p.array.copy() for p in layer.parameters()]


def test_profiling_changes_no_result_bit_for_bit():
    for plain, profiled in zip(_sgd_run(False), _sgd_run(True)):
        assert plain.dtype == profiled.dtype and np.array_equal(plain, profiled)


def test_a_replayed_step_runs_no_ops_the_profiler_could_see():
    layer, x, y = _linear_relu_mse()
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)

    def step(inputs, targets):
        optimizer.zero_grad()
        loss = _step(layer, inputs, targets)
        optimizer.step()
        return loss

    compiled = minigan.replay.compile(step, log=lambda text: None)
    seen = []
    for _ in range(3):
        with profile() as prof:
            with record_function("step"):
                compiled(x.array, y.array)
        seen.append([e.name for e in prof.events()])
    assert compiled.replays == 1
    assert seen[0] == seen[1] == ["step"] + [name for name, _ in LINEAR_RELU_MSE]  # the captures: eager
    # the replay runs its kernels unseen: no op of the forward, no backward range; only the ops of
    # a backward it calls as written in Tensor ops (PowScalar's two Muls) show, inside the one range
    assert seen[2] == ["step", "Mul", "Mul"]


def test_the_module_examples_run():
    for module in (autograd_profiler, torch_profiler):
        assert doctest.testmod(module).failed == 0
