"""``torch.autograd``'s anomaly detection: ``detect_anomaly()`` and ``set_detect_anomaly(mode)``,
with ``torch.is_anomaly_enabled()``, ``is_anomaly_check_nan_enabled()`` and
``set_anomaly_enabled(enabled, check_nan=True)``.

While it is on, every backward pass checks the gradients each op's backward returns and raises at
the first NaN, naming the op and the input: ``Function 'DivBackward' returned nan values in its
1th output.``, PyTorch's message. PyTorch also warns with the traceback of the forward call that
made the op; minigan keeps no forward tracebacks, so its error names the op only. A step
replayed by ``minigan.compile`` runs its recorded kernels without the check: look for a NaN in the
eager step. The mode belongs to the thread that sets it, as grad mode does
(minigan/autograd/grad_mode.py).
"""
from __future__ import annotations

import threading
import warnings
from typing import Any


class _ThreadAnomalyMode(threading.local):
    enabled = False
    check_nan = True


_mode = _ThreadAnomalyMode()


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
