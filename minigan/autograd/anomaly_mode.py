"""``torch.autograd``'s anomaly detection: ``detect_anomaly()`` and ``set_detect_anomaly(mode)``,
with ``torch.is_anomaly_enabled()``, ``is_anomaly_check_nan_enabled()`` and
``set_anomaly_enabled(enabled, check_nan=True)``.

While it is on, every op recorded for backward keeps the stack of the forward call that made it, as
PyTorch's: ``grad_fn.metadata["traceback_"]``, the lines of ``traceback.format_stack``, ending at
the user's code (minigan's own frames at its end are left out). A node made by a backward
(``create_graph=True``) also keeps ``metadata["parent_"]``, the node whose backward made it. Every
backward pass checks the gradients each op's backward returns and stops at the first NaN: it warns
with PyTorch's text, ``Error detected in DivBackward. Traceback of forward call that caused the
error:`` and the stack (then, for a node made by a backward, ``Previous calculation was induced
by ...`` and its parent's stack), and raises ``Function 'DivBackward' returned nan values in its
1th output.``. A backward that raises gets the same warning before its error goes on, with
``check_nan=False`` too. A node made while the mode was off has no stack: its warning says "No
forward pass information available.", as PyTorch's. With the mode off nothing is kept and the
engine calls each backward as it always does.

A step replayed by ``minigan.compile`` runs its recorded kernels without the check or the stacks:
look for a NaN in the eager step. The mode belongs to the thread that sets it, as grad mode does
(minigan/autograd/grad_mode.py).
"""
from __future__ import annotations

import os
import sys
import threading
import traceback
import warnings
from typing import Any

#: minigan's own files: the frames left out at the end of a forward call's stack.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _ThreadAnomalyMode(threading.local):
    enabled = False
    check_nan = True
    running = None  # the node whose backward runs under anomaly detection (the parent of nodes it makes)


_mode = _ThreadAnomalyMode()
#: This thread's switches, for Function.apply to read ``enabled`` without a call per op.
thread_mode = _mode


def is_anomaly_enabled() -> bool:
    return _mode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _mode.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off for this thread (``check_nan=False``: on, without the NaN check)."""
    _mode.enabled, _mode.check_nan = bool(enabled), bool(check_nan)


def nan_check_wanted() -> bool:
    """Whether a backward pass starting now checks its gradients for NaN (read once per pass)."""
    return _mode.enabled and _mode.check_nan


def forward_metadata() -> dict[str, Any]:
    """What a node made now keeps (``grad_fn.metadata``): the caller's stack, from the user's
    innermost frame outward, and the node whose backward is making it, if any."""
    frame = caller = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    # a call from minigan's own code alone (a thread it started) keeps the whole stack
    metadata: dict[str, Any] = {"traceback_": traceback.format_stack(caller if frame is None else frame)}
    if _mode.running is not None:
        metadata["parent_"] = _mode.running
    return metadata


def running_backward(node: Any) -> Any:
    """Mark ``node`` as the one whose backward runs (nodes made meanwhile name it as parent);
    returns the mark before, for ``finished_backward``."""
    before, _mode.running = _mode.running, node
    return before


def finished_backward(before: Any) -> None:
    _mode.running = before


def warn_forward_trace(node: Any, error: BaseException) -> None:
    """PyTorch's warning for a node whose backward failed with ``error``: the stack of the forward
    call that made it, then, for a node made by a backward, that of each node whose backward made
    it. Where the warning filters make a warning an error, ``error`` is still the one raised: the
    warning's text goes with it as a note (on standard error before Python 3.11), where PyTorch
    writes it to standard error."""
    metadata = node.metadata
    stack = metadata.get("traceback_")
    if stack is None:
        _warn(f"Error detected in {node.name()}. No forward pass information available. Enable detect "
              "anomaly during forward pass for more information.", error)
        return
    _warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n" + "".join(stack),
          error)
    parent = metadata.get("parent_")
    while parent is not None:
        stack = parent.metadata.get("traceback_")
        if stack is None:
            break
        _warn(f"\n\nPrevious calculation was induced by {parent.name()}. Traceback of forward call that "
              "induced the previous calculation:\n" + "".join(stack), error)
        parent = parent.metadata.get("parent_")


def _warn(text: str, error: BaseException) -> None:
    try:
        warnings.warn(text, UserWarning, stacklevel=4)
    except UserWarning:  # the filters made it an error
        if hasattr(error, "add_note"):
            error.add_note(f"UserWarning: {text}")
        else:
            sys.stderr.write(f"UserWarning: {text}\n")


class detect_anomaly:
    """``with detect_anomaly():`` anomaly detection on inside the block, with PyTorch's warning
    that it slows every backward."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._before = (_mode.enabled, _mode.check_nan)
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self._before = (_mode.enabled, _mode.check_nan)
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc: Any) -> None:
        set_anomaly_enabled(*self._before)


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` switches anomaly detection on (or off) from the call on; used
    as ``with set_detect_anomaly(mode):`` it also puts the old setting back at the end."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._before = (_mode.enabled, _mode.check_nan)
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        set_anomaly_enabled(*self._before)
