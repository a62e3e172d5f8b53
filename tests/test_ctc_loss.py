"""F.ctc_loss and nn.CTCLoss against references built apart from minigan/ops/ctc.py's recursions: every
path through the frames enumerated and collapsed by hand (tiny cases), finite differences through
log_softmax, and PyTorch 2.14.1's values written out as literals; both target layouts, every reduction,
zero_infinity, unbatched input, the test device, and one clear line for each bad argument."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck
from minigan.gradcheck.coverage import recorded_contexts
from minigan.ops.ctc import CtcLoss


# ------------------------------------------------------------------ the reference: every path, by hand
def collapse(path: tuple[int, ...], blank: int) -> list[int]:
    """CTC's many-to-one map: merge runs of one class, then drop the blanks."""
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return [k for k in merged if k != blank]


def by_enumeration(log_probs: np.ndarray, labels: list[int], blank: int) -> tuple[float, np.ndarray]:
    """(-ln p, occupancy) for one sequence's (T, C) log_probs: p sums exp(sum_t log_probs[t, path_t])
    over every path that collapses to ``labels``; occupancy[t, k] is the share of p whose path has k at t."""
    frames, classes = log_probs.shape
    total, share = 0.0, np.zeros((frames, classes))
    for path in itertools.product(range(classes), repeat=frames):
        if collapse(path, blank) == labels:
            weight = math.exp(sum(log_probs[t, k] for t, k in enumerate(path)))
            total += weight
            for t, k in enumerate(path):
                share[t, k] += weight
    if total == 0.0:
        return math.inf, share
    return -math.log(total), share / total


def log_softmax_np(x: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def draw_case(rng: np.random.Generator, frames: int, batch: int, classes: int, blank: int = 0):
    """Random normalised log_probs (T, N, C), padded targets (-1 past each length) and lengths."""
    longest = int(rng.integers(0, frames + 1))
    target_lengths = rng.integers(0, longest + 1, batch)
    input_lengths = rng.integers(1, frames + 1, batch)
    others = [k for k in range(classes) if k != blank]
    labels = rng.choice(others, (batch, longest))
    padded = np.where(np.arange(longest)[None] < target_lengths[:, None], labels, -1)
    return log_softmax_np(rng.standard_normal((frames, batch, classes))), padded, input_lengths, target_lengths


def expected(log_probs, padded, input_lengths, target_lengths, blank=0):
    """Per sequence: (-ln p, PyTorch's gradient exp(x) - occupancy over the first T_n frames, 0 after)."""
    losses, grads = [], np.zeros_like(log_probs)
    for n in range(log_probs.shape[1]):
        frames, count = int(input_lengths[n]), int(target_lengths[n])
        loss, share = by_enumeration(log_probs[:frames, n], list(padded[n, :count]), blank)
        losses.append(loss)
        grads[:frames, n] = np.exp(log_probs[:frames, n]) - share
    return np.array(losses), grads


# ------------------------------------------------------------------ values and gradients
@pytest.mark.parametrize("seed", range(12))
def test_losses_and_gradients_match_every_path_enumerated(seed):
    rng = np.random.default_rng(seed)
    blank = int(rng.integers(0, 3))
    log_probs, padded, input_lengths, target_lengths = draw_case(rng, int(rng.integers(1, 6)), 3, 3, blank)
    want, want_grad = expected(log_probs, padded, input_lengths, target_lengths, blank)
    x = minigan.tensor(log_probs, requires_grad=True)
    losses = F.ctc_loss(x, minigan.tensor(padded), minigan.tensor(input_lengths), tuple(target_lengths.tolist()),
                        blank=blank, reduction="none")
    np.testing.assert_allclose(losses.numpy(), want, rtol=1e-12)
    upstream = rng.standard_normal(3)
    kept = F.ctc_loss(x, padded, input_lengths, target_lengths, blank=blank, reduction="none", zero_infinity=True)
    (kept * minigan.tensor(upstream)).sum().backward()
    finite = np.isfinite(want)
    np.testing.assert_allclose(x.grad.numpy(), np.where(finite[:, None], want_grad * upstream[:, None], 0.0),
                               rtol=1e-10, atol=1e-12)


def test_repeated_labels_need_a_blank_between_them():
    """(1, 1) needs 3 frames (1, blank, 1): 2 frames cannot hold it, 3 frames give exactly that path."""
    log_probs = log_softmax_np(np.random.default_rng(1).standard_normal((3, 1, 2)))
    two = F.ctc_loss(minigan.tensor(log_probs[:2]), [[1, 1]], [2], [2], reduction="none")
    three = F.ctc_loss(minigan.tensor(log_probs), [[1, 1]], [3], [2], reduction="none")
    assert math.isinf(float(two.item())) and float(two.item()) > 0
    np.testing.assert_allclose(three.item(), -(log_probs[0, 0, 1] + log_probs[1, 0, 0] + log_probs[2, 0, 1]), rtol=1e-14)


def test_through_log_softmax_the_gradient_is_the_exact_one():
    x = minigan.tensor(np.random.default_rng(3).standard_normal((5, 3, 4)), requires_grad=True)
    padded, input_lengths, target_lengths = [[1, 3, 3], [2, 1, -1], [0, 0, 0]], (5, 4, 2), (3, 2, 0)
    assert gradcheck(lambda v: F.ctc_loss(F.log_softmax(v, 2), padded, input_lengths, target_lengths), [x]).ok


def test_reductions_divide_by_the_target_lengths_then_average():
    rng = np.random.default_rng(4)
    log_probs, padded, input_lengths, target_lengths = draw_case(rng, 5, 3, 3)
    target_lengths[:] = [0, 1, 2]
    input_lengths[:] = 5
    want, _ = expected(log_probs, padded, input_lengths, target_lengths)
    x = minigan.tensor(log_probs)
    got = {r: F.ctc_loss(x, padded, input_lengths, target_lengths, reduction=r).numpy() for r in ("none", "sum", "mean")}
    np.testing.assert_allclose(got["none"], want, rtol=1e-12)
    np.testing.assert_allclose(got["sum"], want.sum(), rtol=1e-12)
    np.testing.assert_allclose(got["mean"], np.mean(want / np.array([1, 1, 2])), rtol=1e-12)
    assert nn.CTCLoss(reduction="sum")(x, padded, input_lengths, target_lengths).item() == got["sum"]


def test_concatenated_targets_equal_padded_ones():
    rng = np.random.default_rng(5)
    log_probs, padded, input_lengths, target_lengths = draw_case(rng, 6, 4, 4)
    joined = np.concatenate([padded[n, :target_lengths[n]] for n in range(4)]).astype(np.int64)
    x = minigan.tensor(log_probs)
    np.testing.assert_array_equal(F.ctc_loss(x, joined, input_lengths, target_lengths, reduction="none").numpy(),
                                  F.ctc_loss(x, padded, input_lengths, target_lengths, reduction="none").numpy())


def test_unbatched_input_is_one_sequence():
    rng = np.random.default_rng(6)
    log_probs = log_softmax_np(rng.standard_normal((5, 3)))
    one = F.ctc_loss(minigan.tensor(log_probs), minigan.tensor([1, 2]), 5, 2, reduction="none")
    assert one.shape == () and one.dtype == np.float64
    np.testing.assert_allclose(one.item(), by_enumeration(log_probs, [1, 2], 0)[0], rtol=1e-12)
    mean = F.ctc_loss(minigan.tensor(log_probs), [1, 2], minigan.tensor(5), [2])
    np.testing.assert_allclose(mean.item(), one.item() / 2, rtol=1e-15)


def test_infeasible_sequences_cost_inf_or_nothing_with_zero_infinity():
    rng = np.random.default_rng(7)
    log_probs = log_softmax_np(rng.standard_normal((4, 2, 3)))
    feasible, _ = by_enumeration(log_probs[:, 1], [2], 0)
    x = minigan.tensor(log_probs, requires_grad=True)
    losses = F.ctc_loss(x, [[1, 2, 1], [2, 0, 0]], [2, 4], [3, 1], reduction="none")
    assert math.isinf(losses.numpy()[0]) and losses.numpy()[0] > 0
    zeroed = F.ctc_loss(x, [[1, 2, 1], [2, 0, 0]], [2, 4], [3, 1], reduction="none", zero_infinity=True)
    np.testing.assert_allclose(zeroed.numpy(), [0.0, feasible], rtol=1e-12)
    zeroed.sum().backward()
    assert not np.any(x.grad.numpy()[:, 0]) and np.any(x.grad.numpy()[:, 1])
    x.grad = None
    losses.sum().backward()  # PyTorch's gradient where no alignment fits: NaN over its frames, 0 after
    assert np.isnan(x.grad.numpy()[:2, 0]).all() and not np.any(x.grad.numpy()[2:, 0])


def test_a_class_with_probability_zero_gets_gradient_zero():
    """log_probs -inf (a masked class): the loss as enumerated, and gradient 0 there (PyTorch's is NaN)."""
    log_probs = log_softmax_np(np.random.default_rng(11).standard_normal((4, 1, 3)))
    log_probs[1, 0, 2] = -math.inf
    x = minigan.tensor(log_probs, requires_grad=True)
    loss = F.ctc_loss(x, [[1, 2]], [4], [2], reduction="sum")
    loss.backward()
    want, share = by_enumeration(log_probs[:, 0], [1, 2], 0)
    np.testing.assert_allclose(loss.item(), want, rtol=1e-13)
    np.testing.assert_allclose(x.grad.numpy()[:, 0], np.exp(log_probs[:, 0]) - share, rtol=1e-11, atol=1e-15)
    assert x.grad.numpy()[1, 0, 2] == 0.0


def test_float32_stays_float32():
    rng = np.random.default_rng(8)
    log_probs, padded, input_lengths, target_lengths = draw_case(rng, 5, 2, 3)
    x = minigan.tensor(log_probs.astype(np.float32), requires_grad=True)
    loss = F.ctc_loss(x, padded, input_lengths, target_lengths)
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), F.ctc_loss(minigan.tensor(log_probs), padded, input_lengths,
                                                       target_lengths).item(), rtol=1e-5)


def test_second_derivatives_are_refused_in_one_line():
    x = minigan.tensor(log_softmax_np(np.random.default_rng(9).standard_normal((3, 1, 3))), requires_grad=True)
    loss = F.ctc_loss(x, [[1]], [3], [1])
    with pytest.raises(RuntimeError, match=r"ctc_loss: its second derivative \(backward with create_graph=True\) is "
                                           "not supported"):
        minigan.autograd.grad(loss, x, create_graph=True)


def test_on_the_test_device():
    pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(10)
    log_probs, padded, input_lengths, target_lengths = draw_case(rng, 4, 2, 3)
    want, want_grad = expected(log_probs, padded, input_lengths, target_lengths)
    x = minigan.tensor(log_probs).to("strict").requires_grad_()
    losses = F.ctc_loss(x, minigan.tensor(padded).to("strict"), input_lengths, target_lengths, reduction="none")
    losses.sum().backward()
    finite = np.isfinite(want)
    np.testing.assert_allclose(losses.cpu().numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(x.grad.cpu().numpy()[:, finite], want_grad[:, finite], rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ PyTorch's values, written out
def _sine_case(dtype=np.float64):
    """log_softmax(2 sin(0.7 k)) over k = 0 ... 71 as (6, 3, 4), with the targets and lengths PyTorch saw."""
    x = (np.sin(np.arange(72) * 0.7) * 2).reshape(6, 3, 4)
    return minigan.tensor(log_softmax_np(x).astype(dtype), requires_grad=True), [[1, 2, 2], [3, 1, 0], [2, 0, 0]], \
        [6, 5, 4], [3, 2, 1]


def test_pytorchs_values_written_out():
    """torch.nn.functional.ctc_loss 2.14.1 on _sine_case, copied from its output."""
    x, targets, input_lengths, target_lengths = _sine_case()
    none = F.ctc_loss(x, targets, input_lengths, target_lengths, reduction="none")
    np.testing.assert_allclose(none.numpy(), [5.595790927350488, 4.135275964130205, 5.155391024715206], rtol=1e-13)
    np.testing.assert_allclose(F.ctc_loss(x, targets, input_lengths, target_lengths, reduction="sum").item(),
                               14.8864579161959, rtol=1e-13)
    np.testing.assert_allclose(F.ctc_loss(x, [1, 2, 2, 0, 1, 2], input_lengths, target_lengths, blank=3,
                                          reduction="none").numpy(),
                               [7.016654366182508, 3.0019938243550017, 3.321620009118201], rtol=1e-13)
    mean = nn.CTCLoss()(x, targets, input_lengths, target_lengths)
    np.testing.assert_allclose(mean.item(), 3.0294308830768237, rtol=1e-13)
    mean.backward()
    np.testing.assert_allclose(x.grad.numpy()[0], [
        [-0.006313747634727042, -0.07529199165872597, 0.04576593132420355, 0.035839807969249474],
        [-0.03705953659965281, 0.029884484060728786, 0.010546081071800844, -0.0033710285328768714],
        [-0.11771803179632351, 0.02813156099611697, -0.10670502540964029, 0.1962914962098467]], rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(x.grad.numpy()[4], [
        [-0.03252900137545012, 0.025045145845574355, 0.005043894614767738, 0.002439960915108026],
        [-0.052868294097711016, -0.10053055501997815, 0.03457490004471621, 0.1188239490729729],
        [0.0, 0.0, 0.0, 0.0]], rtol=1e-11, atol=1e-15)
    x32, *rest = _sine_case(np.float32)
    total = F.ctc_loss(x32, *rest, reduction="sum")
    total.backward()
    np.testing.assert_allclose(total.item(), 14.886457443237305, rtol=1e-6)
    np.testing.assert_allclose(x32.grad.numpy()[2, 1], [-0.16931059956550598, -0.029241234064102173,
                                                        0.29124870896339417, -0.09269676357507706], rtol=1e-5, atol=1e-6)


def test_a_last_label_equal_to_the_blank_gets_pytorchs_gradient():
    """Labels equal to the blank (0): PyTorch 2.14.1's loss and gradient, copied from its output. Where
    a sequence's last label is the blank, PyTorch's gradient at its last frame leaves out the final
    blank's share (frame 3 of sequence 0, frame 2 of sequence 1)."""
    x = minigan.tensor(log_softmax_np((np.sin(np.arange(24) * 0.9) * 1.5).reshape(4, 2, 3)), requires_grad=True)
    loss = F.ctc_loss(x, [[2, 0], [0, 0]], [4, 3], [2, 1], reduction="sum")
    loss.backward()
    np.testing.assert_allclose(loss.item(), 1.4309458898453289, rtol=1e-13)
    np.testing.assert_allclose(x.grad.numpy(), [
        [[-0.06880765899655705, 0.37884197250965684, -0.3100343135130995],
         [-0.28200684212961435, 0.19472913745859285, 0.08727770467102143]],
        [[0.0005032347803604204, 0.22159371852321005, -0.2220969533035706],
         [-0.355120423971768, 0.27933355549093014, 0.07578686848083789]],
        [[-0.2827947767913015, 0.19926816042329945, 0.08352661636800196],
         [-0.145122019106511, 0.4524078244854214, 0.1927141946210894]],
        [[-0.3772707932754365, 0.21868340002825218, 0.3102075716370509], [0.0, 0.0, 0.0]]], rtol=1e-11, atol=1e-15)


# ------------------------------------------------------------------ bad input: one line each
def _call(**changes):
    args = dict(log_probs=minigan.tensor(log_softmax_np(np.zeros((4, 2, 3)))), targets=[[1, 2], [1, 1]],
                input_lengths=[4, 3], target_lengths=[2, 2])
    args.update(changes)
    return F.ctc_loss(**args)


@pytest.mark.parametrize("changes, error, message", [
    (dict(targets=[[1.0, 2.0], [1.0, 1.0]]), TypeError, "ctc_loss: targets must be integers, got dtype float64"),
    (dict(input_lengths=[4.0, 3.0]), TypeError, "ctc_loss: input_lengths must be integers"),
    (dict(log_probs=minigan.zeros((4, 2, 3), dtype=minigan.int64)), TypeError, "log_probs must be floating point"),
    (dict(log_probs=np.zeros((4, 2, 3))), TypeError, "log_probs must be a Tensor, got ndarray"),
    (dict(log_probs=minigan.zeros((1, 4, 2, 3))), RuntimeError, r"must be \(T, N, C\) or unbatched \(T, C\)"),
    (dict(blank=3), RuntimeError, "blank must be in label range: blank 3 with 3 classes"),
    (dict(blank=-1), RuntimeError, "blank must be in label range"),
    (dict(input_lengths=[5, 3]), RuntimeError, "input_lengths must be at most the 4 frames of log_probs, got 5"),
    (dict(input_lengths=[-1, 3]), RuntimeError, "input_lengths must not be negative, got -1"),
    (dict(target_lengths=[-1, 2]), RuntimeError, "target_lengths must not be negative"),
    (dict(input_lengths=[4, 3, 3]), RuntimeError, "input_lengths must be 2 lengths, one per sequence, got shape"),
    (dict(target_lengths=[2]), RuntimeError, "target_lengths must be 2 lengths"),
    (dict(target_lengths=[3, 2]), RuntimeError, r"padded targets of shape \(2, 2\) must be \(2, S\) with S at least"),
    (dict(targets=[[1, 2]]), RuntimeError, r"padded targets of shape \(1, 2\)"),
    (dict(targets=[1, 2, 1]), RuntimeError, "concatenated targets hold 3 labels, not the target lengths' sum, 4"),
    (dict(targets=[1, 2, 1, 1, 2]), RuntimeError, "concatenated targets hold 5 labels, not"),
    (dict(input_lengths=4), TypeError, "input_lengths of a batch must be a Tensor, tuple or list of 2 ints, got one int"),
    (dict(targets=[[[1, 2], [1, 1]]]), RuntimeError, "targets must be padded"),
    (dict(targets=[[3, 2], [1, 1]]), RuntimeError, r"target label 3 is outside the 3 classes \[0, 3\)"),
    (dict(targets=[[1, 2], [-1, 1]]), RuntimeError, "target label -1 is outside"),
    (dict(reduction="bad"), ValueError, "reduction must be one of"),
])
def test_bad_input_raises_one_clear_line(changes, error, message):
    with pytest.raises(error, match=message):
        _call(**changes)


def test_the_names_are_no_longer_unsupported():
    assert F.ctc_loss is not None and nn.CTCLoss is not None
    assert repr(nn.CTCLoss(blank=1, zero_infinity=True)) == "CTCLoss(reduction='mean')"


# ------------------------------------------------------------------ the Hypothesis property (also registered
# for CtcLoss in test_ops_properties.py)
def draw_property(data):
    """(fn, arrays, expected) for a drawn tiny case: fn takes raw scores, log_softmax then ctc_loss 'none'
    with a random upstream weighting; expected from every path enumerated."""
    frames, batch, classes = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3)), data.draw(st.integers(2, 3))
    blank = data.draw(st.integers(0, classes - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    scores = rng.uniform(-2, 2, (frames, batch, classes))
    _, padded, input_lengths, target_lengths = draw_case(rng, frames, batch, classes, blank)
    input_lengths[0] = frames
    target_lengths[0] = min(int(target_lengths[0]), (frames + 1) // 2)  # sequence 0 always feasible
    want, _ = expected(log_softmax_np(scores, 2), padded, input_lengths, target_lengths, blank)
    fine = np.isfinite(want)

    def fn(x):
        losses = F.ctc_loss(F.log_softmax(x, 2), padded, input_lengths, target_lengths, blank, "none", True)
        return losses * minigan.tensor(np.where(fine, 1.0, 0.0) * np.linspace(1.0, 2.0, batch))
    return fn, [scores], np.where(fine, want, 0.0) * np.linspace(1.0, 2.0, batch)


@settings(deadline=None, max_examples=25)
@given(data=st.data())
def test_drawn_cases_match_enumeration_and_finite_differences(data):
    fn, arrays, want = draw_property(data)
    x = minigan.tensor(arrays[0], requires_grad=True)
    np.testing.assert_allclose(fn(x).numpy(), want, rtol=1e-10, atol=1e-12)
    assert gradcheck(fn, [x]).ok
    assert CtcLoss in {ctx.function for ctx in recorded_contexts(fn(x))}
