"""cross_entropy and nll_loss with PyTorch's weight, ignore_index and label_smoothing, against the
formulas written out in NumPy, and their gradients against finite differences."""
import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.nn.functional as F

LOGITS = np.array([[1.0, -0.5, 0.3, 2.0], [0.2, 0.1, -1.0, 0.0], [-2.0, 1.5, 0.5, 0.3],
                   [0.7, 0.7, -0.3, 1.1], [0.0, -1.2, 2.2, 0.4]])
LABELS = np.array([3, 0, 1, -100, 2])
WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def expected(weight, ignore_index, reduction, smoothing, labels=LABELS):
    """PyTorch's definition, written out: per-row weights w[t_i] (0 where t_i is ignored), the mean
    divided by their total, and the smoothing term -sum_c w_c log p_ic mixed in with e / C."""
    logp = log_softmax(LOGITS)
    w = np.ones(4) if weight is None else weight
    kept = labels != ignore_index
    safe = np.where(kept, labels, 0)
    rows = w[safe] * kept
    nll = -logp[np.arange(5), safe] * rows
    smooth = -(logp * w).sum(axis=1) * kept
    if reduction == "mean":
        nll, smooth = nll.sum() / rows.sum(), smooth.sum() / rows.sum()
    elif reduction == "sum":
        nll, smooth = nll.sum(), smooth.sum()
    return (1 - smoothing) * nll + smoothing / 4 * smooth


@pytest.mark.parametrize("weight", [None, WEIGHT])
@pytest.mark.parametrize("ignore_index", [-100, 1])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_options_follow_the_formula(weight, ignore_index, reduction, smoothing):
    labels = LABELS if ignore_index == -100 else np.where(LABELS == -100, 3, LABELS)
    loss = F.cross_entropy(minigan.tensor(LOGITS), minigan.tensor(labels, dtype=minigan.int64),
                           None if weight is None else minigan.tensor(WEIGHT, dtype=minigan.float64),
                           ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing)
    np.testing.assert_allclose(loss.numpy(), expected(weight, ignore_index, reduction, smoothing, labels), rtol=1e-12)


@pytest.mark.parametrize("weight", [None, WEIGHT])
def test_nll_loss_options_and_the_module_forms(weight):
    logp = minigan.tensor(log_softmax(LOGITS))
    np.testing.assert_allclose(F.nll_loss(logp, LABELS, weight).item(), expected(weight, -100, "mean", 0.0),
                               rtol=1e-12)
    module = nn.NLLLoss(weight, reduction="sum")
    np.testing.assert_allclose(module(logp, LABELS).item(), expected(weight, -100, "sum", 0.0), rtol=1e-12)
    module = nn.CrossEntropyLoss(weight, ignore_index=-100, label_smoothing=0.3)
    np.testing.assert_allclose(module(minigan.tensor(LOGITS), LABELS).item(), expected(weight, -100, "mean", 0.3),
                               rtol=1e-12)


def test_the_gradient_matches_finite_differences():
    def loss_of(x):
        return F.cross_entropy(minigan.tensor(x), LABELS, WEIGHT, label_smoothing=0.2).item()

    x = minigan.tensor(LOGITS, requires_grad=True)
    F.cross_entropy(x, LABELS, WEIGHT, label_smoothing=0.2).backward()
    numeric = np.zeros_like(LOGITS)
    for index in np.ndindex(LOGITS.shape):
        step = np.zeros_like(LOGITS)
        step[index] = 1e-6
        numeric[index] = (loss_of(LOGITS + step) - loss_of(LOGITS - step)) / 2e-6
    np.testing.assert_allclose(x.grad.numpy(), numeric, atol=1e-8)
    assert not x.grad.numpy()[3].any()  # the ignored row gets no gradient


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.cross_entropy(x, LABELS, np.ones(3)), ValueError, "weight must be 4 numbers, one per class"),
    (lambda x: F.cross_entropy(x, LABELS, label_smoothing=1.5), ValueError, "label_smoothing must be between"),
    (lambda x: F.cross_entropy(x, np.full(5, -100)), ValueError, "every label is ignore_index \\(-100\\)"),
    (lambda x: F.cross_entropy(x, np.array([0, 1, 2, 3, 7])), ValueError, "labels must be in \\[0, 4\\) for 4 "
                                                                          "classes \\(or ignore_index -100\\)"),
    (lambda x: F.cross_entropy(x, LABELS, "sum"), ValueError, "weight must be 4 numbers"),
])
def test_bad_options_get_one_line(call, error, message):
    with pytest.raises(error, match=message):
        call(minigan.tensor(LOGITS))


def test_every_label_ignored_sums_to_zero():
    assert F.cross_entropy(minigan.tensor(LOGITS), np.full(5, -100), reduction="sum").item() == 0.0


# ------------------------------------------------------------------ other shapes and probability targets
# LOGITS' five rows as a (1, 4, 5) batch of five positions (the class dim second), and as (4,) alone
SPATIAL = LOGITS.T[None]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_logits_with_positions_are_rows_with_the_class_dim_second(reduction):
    labels = np.where(LABELS == -100, 2, LABELS)
    loss = F.cross_entropy(minigan.tensor(SPATIAL), minigan.tensor(labels[None]), minigan.tensor(WEIGHT),
                           reduction=reduction, label_smoothing=0.1)
    written = expected(WEIGHT, -100, reduction, 0.1, labels)
    assert loss.shape == ((1, 5) if reduction == "none" else ())
    np.testing.assert_allclose(loss.numpy(), written[None] if reduction == "none" else written, rtol=1e-12)
    logp = minigan.tensor(log_softmax(LOGITS).T[None])
    np.testing.assert_allclose(F.nll_loss(logp, labels[None], reduction=reduction).numpy(),
                               (expected(None, -100, reduction, 0.0, labels)[None] if reduction == "none"
                                else expected(None, -100, reduction, 0.0, labels)), rtol=1e-12)
    for label in (minigan.tensor(3), minigan.tensor([3])):  # PyTorch takes () and (1,) for one sample
        alone = F.cross_entropy(minigan.tensor(LOGITS[0]), label, reduction=reduction)
        assert alone.shape == () and alone.item() == pytest.approx(-log_softmax(LOGITS)[0, 3], rel=1e-12)


def test_a_target_of_the_logits_shape_holds_class_probabilities():
    probs = np.abs(LOGITS[::-1]) / np.abs(LOGITS[::-1]).sum(axis=1, keepdims=True)
    smoothed = probs * 0.8 + 0.2 / 4
    rows = -(log_softmax(LOGITS) * smoothed * WEIGHT).sum(axis=1)  # -sum_c w_c y_c log p_c
    x, y = minigan.tensor(LOGITS, requires_grad=True), minigan.tensor(probs, requires_grad=True)
    loss = F.cross_entropy(x, y, minigan.tensor(WEIGHT), label_smoothing=0.2)
    assert loss.item() == pytest.approx(rows.mean(), rel=1e-12)  # the mean over rows, not over weights
    loss.backward()
    p = np.exp(log_softmax(LOGITS))  # d/dx_c = (sum_k w_k y_k) p_c - w_c y_c, over 5 rows
    np.testing.assert_allclose(x.grad.numpy(), ((smoothed * WEIGHT).sum(axis=1, keepdims=True) * p
                                                - smoothed * WEIGHT) / 5, rtol=1e-10)
    np.testing.assert_allclose(y.grad.numpy(), -0.8 * log_softmax(LOGITS) * WEIGHT / 5, rtol=1e-10)
    spatial = F.cross_entropy(minigan.tensor(SPATIAL), minigan.tensor(probs.T[None]), reduction="none")
    np.testing.assert_allclose(spatial.numpy(), -(log_softmax(LOGITS) * probs).sum(axis=1)[None], rtol=1e-12)
    with pytest.raises(TypeError, match="expected floating point type for target with class probabilities, got Long"):
        F.cross_entropy(minigan.tensor(LOGITS), minigan.tensor(np.ones((5, 4), np.int64)))
    with pytest.raises(ValueError, match="ignore_index is not supported for floating point target"):
        F.cross_entropy(minigan.tensor(LOGITS), y, ignore_index=0)
    with pytest.raises(ValueError, match=r"labels must have shape \(1, 5\) to match logits of shape \(1, 4, 5\), "
                                         r"got \(5,\)"):
        F.cross_entropy(minigan.tensor(SPATIAL), LABELS)


def test_class_weights_that_require_grad_learn_with_probabilities_only():
    # -sum_c w_c y_c log p_c, mean over 5 rows: d/dw_c = -mean_i y_ic log p_ic (PyTorch's); beside
    # class-index labels PyTorch refuses such weights, and so does minigan
    probs = np.abs(LOGITS[::-1]) / np.abs(LOGITS[::-1]).sum(axis=1, keepdims=True)
    weight = minigan.tensor(WEIGHT, requires_grad=True)
    F.cross_entropy(minigan.tensor(LOGITS), minigan.tensor(probs), weight).backward()
    np.testing.assert_allclose(weight.grad.numpy(), -(probs * log_softmax(LOGITS)).mean(axis=0), rtol=1e-12)
    message = "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'"
    for loss in (F.cross_entropy, F.nll_loss):
        with pytest.raises(RuntimeError, match=message):
            loss(minigan.tensor(LOGITS), np.where(LABELS == -100, 0, LABELS), weight)
    with minigan.no_grad():
        F.cross_entropy(minigan.tensor(LOGITS), np.where(LABELS == -100, 0, LABELS), weight)  # nothing recorded: fine
