"""Anomaly detection's forward stacks (minigan/autograd/anomaly_mode.py): while the mode is on, each
node keeps the stack of the forward call that made it (``grad_fn.metadata["traceback_"]``), and a
backward that returns a NaN or raises warns with it, in PyTorch's words, before the error."""
import inspect
import os
import sys
import threading
import warnings

import numpy as np
import pytest

import minigan
from minigan import autograd

HERE = os.path.abspath(__file__)
PACKAGE = os.path.dirname(os.path.abspath(minigan.__file__)) + os.sep
CAUSED = "Traceback of forward call that caused the error:\n"


def _line() -> int:
    """The caller's line number (where the forward call under test is)."""
    return inspect.currentframe().f_back.f_lineno


def _frame(line: int, function: str, source: str) -> str:
    """One entry of traceback.format_stack, as Python writes it, for a frame of this file."""
    return f'  File "{HERE}", line {line}, in {function}\n    {source}\n'


class NanBackward(autograd.Function):
    """Doubles; its backward returns a NaN gradient."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * float("nan")


class Boom(autograd.Function):
    """Doubles; its backward raises."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        raise ValueError("boom in backward")


def test_a_nan_from_a_backward_warns_with_the_forward_call_then_raises():
    x = minigan.tensor([0.0, 1.0], requires_grad=True)
    with autograd.set_detect_anomaly(True), np.errstate(divide="ignore", invalid="ignore"):
        loss = (minigan.sqrt(x) / x).sum(); line = _line()  # noqa: E702 (the forward call and its line)
        stack = loss.grad_fn.next_functions[0][0].metadata["traceback_"]
        with pytest.warns(UserWarning) as caught, \
                pytest.raises(RuntimeError, match=r"^Function 'DivBackward' returned nan values in its 1th output\.$"):
            loss.backward()
    source = "loss = (minigan.sqrt(x) / x).sum(); line = _line()  # noqa: E702 (the forward call and its line)"
    assert stack[-1] == _frame(line, "test_a_nan_from_a_backward_warns_with_the_forward_call_then_raises", source)
    assert not any(PACKAGE in entry for entry in stack)  # minigan's own frames are left out
    assert [str(w.message) for w in caught] == ["Error detected in DivBackward. " + CAUSED + "".join(stack)]
    assert caught[0].category is UserWarning


def test_a_custom_function_whose_backward_returns_nan():
    x = minigan.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="^Anomaly Detection has been enabled"), autograd.detect_anomaly():
        doubled = NanBackward.apply(x); line = _line()  # noqa: E702
        loss = (doubled * 3).sum()
        with pytest.warns(UserWarning, match=r"^Error detected in NanBackwardBackward\. Traceback of forward call") as caught, \
                pytest.raises(RuntimeError, match=r"^Function 'NanBackwardBackward' returned nan values in its 0th output\.$"):
            loss.backward()
    message = str(caught[-1].message)
    assert message.endswith(_frame(line, "test_a_custom_function_whose_backward_returns_nan",
                                   "doubled = NanBackward.apply(x); line = _line()  # noqa: E702"))
    assert message.startswith("Error detected in NanBackwardBackward. " + CAUSED + "  File ")
    assert x.grad is None  # the pass stopped before the leaf


@pytest.mark.parametrize("check_nan", [True, False])
def test_a_raising_backward_warns_with_the_forward_call_and_its_error_goes_on(check_nan):
    x = minigan.ones(2, requires_grad=True)
    with autograd.set_detect_anomaly(True, check_nan=check_nan):
        out = Boom.apply(x); line = _line()  # noqa: E702
        with pytest.warns(UserWarning, match=r"^Error detected in BoomBackward\. Traceback") as caught, \
                pytest.raises(ValueError, match=r"^boom in backward$"):
            out.sum().backward()
    assert len(caught) == 1
    assert str(caught[0].message).endswith(_frame(
        line, "test_a_raising_backward_warns_with_the_forward_call_and_its_error_goes_on",
        "out = Boom.apply(x); line = _line()  # noqa: E702"))


def test_without_anomaly_detection_nothing_is_kept_or_said():
    x = minigan.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = (minigan.sqrt(x) / x).sum()
    assert loss.grad_fn.metadata == {}
    assert loss.grad_fn.next_functions[0][0].metadata == {}
    with warnings.catch_warnings(record=True) as caught, np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("always")
        loss.backward()
    assert caught == []
    assert np.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(-0.5)  # d(x^-1/2) = -x^-3/2 / 2
    out = Boom.apply(minigan.ones(1, requires_grad=True))
    assert out.grad_fn.metadata == {}
    with warnings.catch_warnings(record=True) as caught, pytest.raises(ValueError, match="^boom in backward$"):
        warnings.simplefilter("always")
        out.sum().backward()
    assert caught == []


def test_metadata_is_a_dict_that_cannot_be_replaced():
    node = (minigan.ones(1, requires_grad=True) * 2).grad_fn
    node.metadata["mine"] = 1  # PyTorch's: a dict of the node's own
    assert node.metadata == {"mine": 1}
    with pytest.raises(AttributeError):
        node.metadata = {}


def test_a_graph_made_under_the_mode_and_run_after_it_is_not_checked():
    x = minigan.tensor([0.0], requires_grad=True)
    with autograd.set_detect_anomaly(True), np.errstate(divide="ignore", invalid="ignore"):
        loss = (minigan.sqrt(x) / x).sum()
    assert "traceback_" in loss.grad_fn.metadata
    with warnings.catch_warnings(record=True) as caught, np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("always")
        loss.backward()
    assert caught == [] and np.isnan(x.grad.numpy()[0])


def test_a_node_made_by_a_backward_names_its_parent():
    """sqrt's backward makes grad / (2 sqrt(x)); at x = 0 with a zero incoming gradient, that
    division's backward gives -0 * 1 / 0^2 = NaN: both stacks are shown, as PyTorch shows them."""
    x = minigan.tensor([0.0], requires_grad=True)
    with autograd.set_detect_anomaly(True), np.errstate(divide="ignore", invalid="ignore"):
        y = minigan.sqrt(x).sum(); y_line = _line()  # noqa: E702
        (first,) = minigan.autograd.grad(y, x, create_graph=True); first_line = _line()  # noqa: E702
        node = first.grad_fn
        assert node.name() == "DivBackward" and node.metadata["parent_"] is y.grad_fn.next_functions[0][0]
        with pytest.warns(UserWarning) as caught, pytest.raises(RuntimeError, match=r"^Function 'DivBackward' returned nan"):
            first.backward(minigan.zeros(1))
    name = "test_a_node_made_by_a_backward_names_its_parent"
    texts = [str(w.message) for w in caught]
    assert len(texts) == 2
    assert texts[0].startswith("Error detected in DivBackward. " + CAUSED)
    assert texts[0].endswith(_frame(first_line, name, "(first,) = minigan.autograd.grad(y, x, create_graph=True); "
                                                      "first_line = _line()  # noqa: E702"))
    assert texts[1].startswith("\n\nPrevious calculation was induced by SqrtBackward. Traceback of forward call that "
                               "induced the previous calculation:\n")
    assert texts[1].endswith(_frame(y_line, name, "y = minigan.sqrt(x).sum(); y_line = _line()  # noqa: E702"))


def test_the_stack_ends_in_the_users_module_forward():
    class Root(minigan.nn.Module):
        def forward(self, x):
            return minigan.sqrt(x) / x

    x = minigan.tensor([0.0], requires_grad=True)
    with autograd.set_detect_anomaly(True), np.errstate(divide="ignore", invalid="ignore"):
        stack = Root()(x).grad_fn.metadata["traceback_"]
    line = Root.forward.__code__.co_firstlineno + 1
    assert stack[-1] == _frame(line, "forward", "return minigan.sqrt(x) / x")
    assert any(PACKAGE in entry for entry in stack[:-1])  # Module.__call__ between the caller and forward stays


def test_under_an_error_filter_the_backward_error_is_still_raised():
    x = minigan.tensor([0.0], requires_grad=True)
    with autograd.set_detect_anomaly(True), np.errstate(divide="ignore", invalid="ignore"):
        loss = (minigan.sqrt(x) / x).sum()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(RuntimeError) as info:
                loss.backward()
    assert str(info.value) == "Function 'DivBackward' returned nan values in its 1th output."
    if sys.version_info >= (3, 11):  # the warning goes with the error as a note
        assert [note.split(". ")[0] for note in info.value.__notes__] == ["UserWarning: Error detected in DivBackward"]


def test_the_stacks_belong_to_the_thread_that_set_the_mode():
    seen = {}

    def work(key, on):
        w = minigan.ones(1, requires_grad=True)
        with autograd.set_detect_anomaly(on):
            seen[key] = sorted((w * 2).grad_fn.metadata)

    with autograd.set_detect_anomaly(True):
        worker = threading.Thread(target=work, args=("worker, mode off", False))
        worker.start()
        worker.join()
        seen["main, mode on"] = sorted((minigan.ones(1, requires_grad=True) * 2).grad_fn.metadata)
    worker = threading.Thread(target=work, args=("worker, mode on", True))
    worker.start()
    worker.join()
    seen["main, after"] = sorted((minigan.ones(1, requires_grad=True) * 2).grad_fn.metadata)
    assert seen == {"worker, mode off": [], "main, mode on": ["traceback_"], "worker, mode on": ["traceback_"],
                    "main, after": []}


def test_nested_modes_keep_the_outer_setting():
    x = minigan.ones(1, requires_grad=True)
    with autograd.set_detect_anomaly(True):
        with autograd.set_detect_anomaly(False):
            assert (x * 2).grad_fn.metadata == {}
        with pytest.warns(UserWarning, match="^Anomaly Detection"), autograd.detect_anomaly(check_nan=False):
            inner = Boom.apply(x)  # kept with check_nan=False too
        assert "traceback_" in (x * 2).grad_fn.metadata
    assert not minigan.is_anomaly_enabled() and (x * 2).grad_fn.metadata == {}
    assert "traceback_" in inner.grad_fn.metadata


def test_a_result_without_a_derivative_shows_its_forward_call():
    a = minigan.tensor([1.0], requires_grad=True)
    with autograd.set_detect_anomaly(True):
        y = minigan.special.gammainc(a, minigan.tensor([2.0])); line = _line()  # noqa: E702
        with pytest.warns(UserWarning, match=r"^Error detected in DerivativeNotImplementedBackward\. Traceback") as caught, \
                pytest.raises(NotImplementedError, match=r"^the derivative for 'igamma: input' is not implemented\.$"):
            y.sum().backward()
    assert str(caught[0].message).endswith(_frame(
        line, "test_a_result_without_a_derivative_shows_its_forward_call",
        "y = minigan.special.gammainc(a, minigan.tensor([2.0])); line = _line()  # noqa: E702"))
