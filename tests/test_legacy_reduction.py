"""PyTorch's deprecated ``size_average`` and ``reduce`` on every loss PyTorch gives them, in
PyTorch's positional order (F.mse_loss(input, target, size_average, reduce, reduction, weight) ...),
read by one mechanism (minigan/nn/loss_base.py): values against PyTorch 2.14's, written out below
as literals (run outside this repository on the same float64 inputs), with the UserWarning PyTorch
gives, word for word; the ``weight`` of mse, l1 and huber against closed forms; signatures against
PyTorch's parameter lists written out; one clear line for a reduction passed where PyTorch now
reads ``size_average``."""
from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import minigan as lib
import minigan.nn as nn
import minigan.nn.functional as F

D = lib.float64
NAMES = dict(
    x=lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=D),
    t=lib.tensor([[-0.5, 2.0, 1.0], [0.5, -1.25, 0.5]], dtype=D),
    w=lib.tensor([[0.5, 1.0, 2.0], [1.5, 0.25, 0.75]], dtype=D),
    p=lib.tensor([[0.25, 0.5, 0.9], [0.1, 0.75, 0.6]], dtype=D),
    q=lib.tensor([[0.0, 1.0, 0.5], [1.0, 0.25, 0.0]], dtype=D),
    pw=lib.tensor([2.0, 0.5, 1.0], dtype=D),
    z=lib.tensor([[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -0.75, 1.0], [-2.0, 0.5, 0.5, 3.0]], dtype=D),
    y=lib.tensor([0, 3, 1], dtype=lib.int64),
    cw=lib.tensor([0.5, 2.0, 1.0, 1.5], dtype=D),
    signs=lib.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]], dtype=D),
    F=F, nn=nn,
)
NAMES["lp"] = F.log_softmax(NAMES["z"], 1)

WARNING = "size_average and reduce args will be deprecated, please use reduction='{}' instead."
# (the call, evaluated with the names above; PyTorch 2.14's value; the reduction named by the
# UserWarning PyTorch gave, WARNING word for word, or None where it gave none)
PYTORCH = [
    ('F.mse_loss(x, t, False)', 15.8125, 'sum'),
    ('F.mse_loss(x, t, None, False)', [[1.0, 9.0, 1.0], [1.0, 2.25, 1.5625]], 'none'),
    ('F.mse_loss(x, t, True, True)', 2.6354166666666665, 'mean'),
    ("F.mse_loss(x, t, False, True, 'none')", 15.8125, 'sum'),
    ('F.mse_loss(x, t, size_average=True, reduce=False)', [[1.0, 9.0, 1.0], [1.0, 2.25, 1.5625]], 'none'),
    ('F.mse_loss(x, t, weight=w)', 2.4557291666666665, None),
    ("F.mse_loss(x, t, None, None, 'sum', w)", 14.734375, None),
    ("F.mse_loss(x, t, reduction='none', weight=w)", [[0.5, 9.0, 2.0], [1.5, 0.5625, 1.171875]], None),
    ('F.l1_loss(x, t, False)', 8.75, 'sum'),
    ('F.l1_loss(x, t, reduce=False)', [[1.0, 3.0, 1.0], [1.0, 1.5, 1.25]], 'none'),
    ('F.l1_loss(x, t, weight=w)', 1.3854166666666667, None),
    ("F.l1_loss(x, t, False, None, 'none', w)", 8.3125, 'sum'),
    ("F.smooth_l1_loss(x, t, False, None, 'mean', 0.5)", 7.25, 'sum'),
    ('F.smooth_l1_loss(x, t, None, False, beta=2.0)', [[0.25, 2.0, 0.25], [0.25, 0.5625, 0.390625]], 'none'),
    ("F.huber_loss(x, t, 'mean', 0.5, w)", 0.5677083333333334, None),
    ("F.huber_loss(x, t, 'sum', 2.0, w)", 6.8671875, None),
    ('F.binary_cross_entropy(p, q, w, False)', 7.6639398360726085, 'sum'),
    ('F.binary_cross_entropy(p, q, None, None, False)',
     [[0.2876820724517809, 0.6931471805599453, 1.2039728043259361], [2.3025850929940455, 1.111641288952863, 0.916290731874155]], 'none'),
    ("F.binary_cross_entropy_with_logits(x, q, w, False, None, 'mean', pw)", 4.464780194568038, 'sum'),
    ('F.binary_cross_entropy_with_logits(x, q, None, True, False)',
     [[0.9740769841801067, 1.3132616875182228, 1.1269280110429725], [0.2014132779827524, 0.7634394198788436, 0.3868710061148999]], 'none'),
    ('F.nll_loss(lp, y, cw, False, 1)', 2.7097211132291523, 'sum'),
    ('F.nll_loss(lp, y, None, None, -100, False)',
     [1.842349582389822, 1.1923642146894942, 2.6577794685850993], 'none'),
    ("F.cross_entropy(z, y, cw, False, 2, None, 'mean', 0.1)", 8.003063703567468, 'sum'),
    ("F.cross_entropy(z, y, None, None, -100, False, 'mean', 0.2)",
     [1.867349582389822, 1.2923642146894943, 2.6577794685850993], 'none'),
    ('F.cross_entropy(z, y, cw, True, 0)', 2.029744359772697, 'mean'),
    ('nn.MSELoss(False)(x, t)', 15.8125, 'sum'),
    ('nn.L1Loss(None, False)(x, t)', [[1.0, 3.0, 1.0], [1.0, 1.5, 1.25]], 'none'),
    ("nn.SmoothL1Loss(False, None, 'mean', 0.5)(x, t)", 7.25, 'sum'),
    ('nn.BCELoss(w, False)(p, q)', 7.6639398360726085, 'sum'),
    ("nn.BCEWithLogitsLoss(w, None, False, 'mean', pw)(x, q)",
     [[0.48703849209005334, 0.6566308437591114, 2.253856022085945], [0.6042398339482572, 0.17286174809849703, 0.2901532545861749]], 'none'),
    ("nn.CrossEntropyLoss(cw, False, 2, None, 'mean', 0.1)(z, y)", 8.003063703567468, 'sum'),
    ('nn.NLLLoss(cw, None, 1, False)(lp, y)', [0.921174791194911, 1.7885463220342412, 0.0], 'none'),
    ('nn.SoftMarginLoss(False)(x, signs)', 4.578490386717798, 'sum'),
    ('F.soft_margin_loss(x, signs, None, False)',
     [[0.4740769841801067, 0.31326168751822286, 0.1269280110429725], [1.7014132779827524, 0.8259394198788436, 1.1368710061148999]], 'none'),
    ('F.poisson_nll_loss(x, q, True, False, False)', 14.081237850569043, 'sum'),
]


@pytest.mark.parametrize("call, expected, reduction", PYTORCH, ids=[call for call, _, _ in PYTORCH])
def test_values_and_warnings_are_pytorchs(call, expected, reduction):
    if reduction is None:
        value = eval(call, NAMES)  # noqa: S307 - the calls written above
    else:
        with pytest.warns(UserWarning, match=f"^{re.escape(WARNING.format(reduction))}$") as caught:
            value = eval(call, NAMES)  # noqa: S307
        assert len(caught) == 1  # once per call, as PyTorch
    np.testing.assert_allclose(value.numpy(), expected, rtol=1e-13, atol=1e-15)


def test_modules_keep_the_reduction_the_pair_stands_for():
    for make, reduction in ((lambda: nn.MSELoss(False), "sum"), (lambda: nn.L1Loss(reduce=False), "none"),
                            (lambda: nn.BCEWithLogitsLoss(size_average=True), "mean"),
                            (lambda: nn.CrossEntropyLoss(None, None, -100, False, "sum"), "none"),
                            (lambda: nn.NLLLoss(size_average=False, reduction="none"), "sum"),
                            (lambda: nn.SmoothL1Loss(True, False), "none"), (lambda: nn.BCELoss(None, False), "sum")):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            assert make().reduction == reduction
    assert nn.MSELoss(reduction="sum").reduction == "sum"  # no warning: filterwarnings=error would fail it
    assert nn.CrossEntropyLoss(ignore_index=2).ignore_index == 2 and nn.NLLLoss(None, None, 3).ignore_index == 3


def test_signatures_are_pytorchs():  # PyTorch 2.14's parameter lists, written out
    expected = {
        F.mse_loss: "input target size_average reduce reduction weight",
        F.l1_loss: "input target size_average reduce reduction weight",
        F.smooth_l1_loss: "input target size_average reduce reduction beta",
        F.huber_loss: "input target reduction delta weight",
        F.binary_cross_entropy: "input target weight size_average reduce reduction",
        F.binary_cross_entropy_with_logits: "input target weight size_average reduce reduction pos_weight",
        F.nll_loss: "input target weight size_average ignore_index reduce reduction",
        F.cross_entropy: "input target weight size_average ignore_index reduce reduction label_smoothing",
        nn.MSELoss: "size_average reduce reduction", nn.L1Loss: "size_average reduce reduction",
        nn.SmoothL1Loss: "size_average reduce reduction beta", nn.HuberLoss: "reduction delta",
        nn.BCELoss: "weight size_average reduce reduction",
        nn.BCEWithLogitsLoss: "weight size_average reduce reduction pos_weight",
        nn.NLLLoss: "weight size_average ignore_index reduce reduction",
        nn.CrossEntropyLoss: "weight size_average ignore_index reduce reduction label_smoothing",
    }
    for fn, names in expected.items():
        assert " ".join(inspect.signature(fn).parameters) == names, fn


def test_weight_gradients_are_the_closed_forms():
    rng = np.random.default_rng(0)
    a, b, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.uniform(0.5, 2.0, (3, 4))
    x, t, weight = (lib.tensor(v, requires_grad=True) for v in (a, b, w))
    loss = F.mse_loss(x, t, weight=weight)
    loss.backward()
    d, total = a - b, w.sum()
    np.testing.assert_allclose(loss.item(), (w * d * d).sum() / total, rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), 2 * w * d / total, rtol=1e-13)
    np.testing.assert_allclose(weight.grad.numpy(), (d * d - loss.item()) / total, rtol=1e-12, atol=1e-15)
    x.grad = None
    F.l1_loss(x, t, reduction="sum", weight=weight).backward()
    np.testing.assert_allclose(x.grad.numpy(), w * np.sign(d), rtol=1e-14)
    x.grad = None
    F.huber_loss(x, t, "mean", 0.5, weight).backward()
    inner = np.abs(d) < 0.5
    np.testing.assert_allclose(x.grad.numpy(), w * np.where(inner, d, 0.5 * np.sign(d)) / d.size, rtol=1e-14)


@pytest.mark.parametrize("call, kind, message", [
    (lambda n: F.mse_loss(n["x"], n["t"], "sum"), TypeError,
     "size_average is PyTorch's deprecated bool, got 'sum'; pass reduction='sum' by keyword"),
    (lambda n: F.cross_entropy(n["z"], n["y"], None, None, -100, "none"), TypeError,
     "reduce is PyTorch's deprecated bool, got 'none'; pass reduction='none' by keyword"),
    (lambda n: nn.L1Loss("mean"), TypeError, "size_average is PyTorch's deprecated bool, got 'mean'"),
    (lambda n: F.mse_loss(n["x"], n["t"], weight=n["w"][0]), ValueError,
     r"mse_loss: weight of shape \(3,\) must have the input's shape \(2, 3\)"),
    (lambda n: F.huber_loss(n["x"], n["t"], weight=n["pw"]), ValueError, r"huber_loss: weight of shape \(3,\)"),
    (lambda n: F.l1_loss(n["x"], n["t"], reduction="average"), ValueError, "l1_loss: reduction must be one of"),
])
def test_bad_arguments_are_one_line(call, kind, message):
    with pytest.raises(kind, match=message) as error:
        call(NAMES)
    assert "\n" not in str(error.value)
