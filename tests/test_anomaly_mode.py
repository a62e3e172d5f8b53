"""Anomaly detection, as ``torch.autograd.detect_anomaly`` (minigan/autograd/anomaly_mode.py): while
it is on, a backward pass raises PyTorch's error at the first op whose backward returns a NaN,
naming the op and the input; the setting is per thread, as grad mode is."""
import math
import threading

import numpy as np
import pytest

import minigan
from minigan import autograd

WARNING = r"^Anomaly Detection has been enabled\. This mode will increase the runtime and should only be enabled"


def _nan_at_division():
    """sqrt(x) / x at x = 0: d/dx of the quotient's denominator input is -0/0 = NaN."""
    x = minigan.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):  # 0 / 0 in the forward too
        return x, (minigan.sqrt(x) / x).sum()


def test_detect_anomaly_names_the_op_whose_backward_returned_nan():
    x, loss = _nan_at_division()
    with pytest.warns(UserWarning, match=WARNING), np.errstate(divide="ignore", invalid="ignore"):
        with autograd.detect_anomaly():
            assert minigan.is_anomaly_enabled() and minigan.is_anomaly_check_nan_enabled()
            with pytest.raises(RuntimeError, match=r"^Function 'DivBackward' returned nan values in its 1th output\.$"), \
                    pytest.warns(UserWarning, match=r"^Error detected in DivBackward\. No forward pass information available\. "
                                 r"Enable detect anomaly during forward pass for more information\.$"):
                loss.backward()  # the graph was made before the mode was on: no forward stack to show
    assert not minigan.is_anomaly_enabled()


def test_without_anomaly_detection_the_nan_reaches_the_gradient():
    x, loss = _nan_at_division()
    with np.errstate(divide="ignore", invalid="ignore"):
        loss.backward()
    assert math.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(-0.5)  # d(x^-1/2) = -x^-3/2 / 2


def test_a_clean_backward_under_anomaly_detection_gives_the_same_gradients():
    w = minigan.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    x = minigan.tensor([[1.0, 2.0]])
    with pytest.warns(UserWarning, match=WARNING), autograd.detect_anomaly():
        (x @ w).tanh().sum().backward()
    checked = w.grad.numpy().copy()
    w.grad = None
    (x @ w).tanh().sum().backward()
    np.testing.assert_array_equal(checked, w.grad.numpy())


def test_check_nan_false_and_set_detect_anomaly():
    x, loss = _nan_at_division()
    with autograd.set_detect_anomaly(True, check_nan=False):
        assert minigan.is_anomaly_enabled() and not minigan.is_anomaly_check_nan_enabled()
        with np.errstate(divide="ignore", invalid="ignore"):
            loss.backward()  # on, but without the NaN check
    assert not minigan.is_anomaly_enabled() and minigan.is_anomaly_check_nan_enabled()
    autograd.set_detect_anomaly(True)  # as a plain call it stays on
    try:
        assert minigan.is_anomaly_enabled()
        x, loss = _nan_at_division()
        with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(RuntimeError, match=r"DivBackward"):
            loss.backward()
    finally:
        minigan.set_anomaly_enabled(False)
    assert not minigan.is_anomaly_enabled()


def test_second_order_gradients_are_checked_too():
    x = minigan.tensor([0.0], requires_grad=True)
    (first,) = minigan.grad((x * x).sum(), x, create_graph=True)
    with autograd.set_detect_anomaly(True):
        with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(RuntimeError, match=r"returned nan values"):
            (first / x).sum().backward()


def test_the_mode_belongs_to_the_thread_that_set_it():
    seen = []
    with autograd.set_detect_anomaly(True):
        worker = threading.Thread(target=lambda: seen.append(minigan.is_anomaly_enabled()))
        worker.start()
        worker.join()
        assert minigan.is_anomaly_enabled()
    assert seen == [False]
