"""The likelihood losses (kl_div, poisson_nll_loss, gaussian_nll_loss) and the margin losses (hinge
embedding, margin ranking, soft margin, multi-label soft margin, multi margin, multi-label margin,
triplet margin, cosine embedding), functions and Modules: values and gradients against PyTorch
2.14's, written out below as literals (run outside this repository on the same float64 inputs,
upstream gradient linspace(0.5, 1.5)); closed forms and NumPy written out plainly; Hypothesis
properties; PyTorch's deprecated size_average/reduce; one clear line per bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan as lib
import minigan.nn as nn
import minigan.nn.functional as F
from test_distances import assert_matches_pytorch

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
Y = [[-0.5, 2.0, 1.0], [0.5, -1.25, 0.5]]
Z = [[1.0, 0.0, -2.0], [0.25, 0.5, 1.0]]
SIGNS = [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]
CASES = {
    "kl_div_batchmean": (lambda x, t: F.kl_div(x, t, reduction="batchmean"), [X, [[0.25, 0.0, 0.75], [0.5, 0.125, 0.375]]]),
    "kl_div_log_target_sum": (lambda x, t: nn.KLDivLoss(reduction="sum", log_target=True)(x, t), [X, Y]),
    "kl_div_none": (lambda x, t: F.kl_div(x, t, reduction="none"), [X, [[0.25, 0.0, 0.75], [0.5, 0.125, 0.375]]]),
    "poisson_nll_loss": (lambda x, t: F.poisson_nll_loss(x, t), [X, [[0.0, 2.0, 3.0], [1.0, 4.0, 0.5]]]),
    "poisson_nll_loss_rates_full": (lambda x, t: F.poisson_nll_loss(x, t, log_input=False, full=True, reduction="none"),
                                    [[[0.5, 1.0, 2.0], [1.5, 0.25, 0.75]], [[0.0, 2.0, 3.0], [1.0, 4.0, 0.5]]]),
    "gaussian_nll_loss": (lambda x, t, v: F.gaussian_nll_loss(x, t, v), [X, Y, [[0.5, 1.0, 2.0], [1.5, 0.25, 0.75]]]),
    "gaussian_nll_loss_full_one_var": (lambda x, t, v: nn.GaussianNLLLoss(full=True, reduction="sum")(x, t, v),
                                       [X, Y, [[0.5], [2.0]]]),
    "gaussian_nll_loss_clamped": (lambda x, t, v: F.gaussian_nll_loss(x, t, v, reduction="none"),
                                  [X[0], Y[0], [1e-8, 0.5, 0.0]]),
    "hinge_embedding_loss": (lambda x: F.hinge_embedding_loss(x, lib.tensor(SIGNS, dtype=lib.float64)), [X]),
    "hinge_embedding_loss_zero_target": (lambda x: F.hinge_embedding_loss(
        x, lib.tensor([1.0, 0.0, -1.0], dtype=lib.float64), margin=0.5, reduction="none"), [X[0]]),
    "margin_ranking_loss": (lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=0.5), [X[0], Y[0], [1.0, -1.0, 1.0]]),
    "soft_margin_loss": (lambda x: F.soft_margin_loss(x, lib.tensor(SIGNS, dtype=lib.float64)), [X]),
    "multilabel_soft_margin_loss": (lambda x: nn.MultiLabelSoftMarginLoss(
        weight=lib.tensor([0.5, 1.0, 2.0], dtype=lib.float64), reduction="none")(
        x, lib.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype=lib.float64)), [X]),
    "multi_margin_loss": (lambda x: F.multi_margin_loss(x, lib.tensor([2, 0])), [X]),
    "multi_margin_loss_p2_weight": (lambda x: nn.MultiMarginLoss(p=2, margin=2.0, weight=lib.tensor(
        [0.5, 1.0, 2.0], dtype=lib.float64), reduction="none")(x, lib.tensor([2, 1])), [X]),
    "multilabel_margin_loss": (lambda x: F.multilabel_margin_loss(x, lib.tensor([[2, 0, -1], [1, 1, -1]])), [X]),
    "triplet_margin_loss": (lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0), [X, Y, Z]),
    "triplet_margin_loss_swap_p1": (lambda a, p, n: nn.TripletMarginLoss(margin=2.0, p=1.0, swap=True, reduction="none")(
        a, p, n), [X, Y, Z]),
    "triplet_margin_with_distance_loss": (lambda a, p, n: nn.TripletMarginWithDistanceLoss(
        distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), margin=0.5, swap=True, reduction="none")(a, p, n),
        [X, Y, Z]),
    "triplet_margin_with_distance_loss_default": (lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, margin=3.0),
                                                  [X, Y, Z]),
    "cosine_embedding_loss": (lambda a, b: F.cosine_embedding_loss(a, b, lib.tensor([1.0, -1.0], dtype=lib.float64),
                                                                   margin=-0.5, reduction="none"), [X, Y]),
}

EXPECTED = {
    # PyTorch's target gradient at t = 0 is NaN (xlogy's); minigan's is the finite -x g / N = 0.25 there
    'kl_div_batchmean': (-1.8308249487440789, [[[-0.0625, -0.0, -0.1875], [-0.125, -0.03125, -0.09375]], [[-0.22157359027997264, 0.25, -0.3219205181129452], [-0.29828679513998635, -0.33236038541995894, 0.19229268674706845]]]),
    'kl_div_log_target_sum': (18.824778931005017, [[[-0.3032653298563167, -3.694528049465325, -1.3591409142295225], [-0.8243606353500641, -0.14325239843009505, -0.8243606353500641]], [[0.0, 14.7781121978613, 0.0], [0.0, -0.07162619921504751, 1.8548114295376443]]]),
    # t = 0 again: PyTorch's NaN, minigan's -x g = 0.7
    'kl_div_none': ([[-0.47157359027997264, 0.0, -1.7157615543388356], [-1.0965735902799727, -0.29118019270997947, -0.08656096987939732]], [[[-0.125, -0.0, -0.675], [-0.55, -0.1625, -0.5625]], [[-0.4431471805599453, 0.7, -1.1589138652066029], [-1.3124618986159398, -1.7282740041837865, 1.1537561204824107]]]),
    'poisson_nll_loss': (1.5864563084281738, [[[0.13739343922501068, -0.13601004656904647, 0.36575467491088753], [0.2901407558615054, -0.22633121527602154, -0.0023027872715821116]], [[-0.041666666666666664, 0.08333333333333333, -0.16666666666666666], [-0.125, -0.020833333333333332, 0.0625]]]),
    # t = 0: PyTorch's NaN (from its Stirling term, masked after the log); minigan's d/dt of x - t log(x + eps), times g
    'poisson_nll_loss_rates_full': ([[0.5, 1.6518064646045363, 1.6846399868632211], [1.094534885225169, 8.952440442723747, 0.8938410295592238]], [[[0.5, -0.6999999860000001, -0.4499999932500002], [0.36666667155555555, -19.499999168000034, 0.5000000133333332]], [[-0.5 * math.log(0.5 + 1e-8), 0.6602030193919617, 0.5149185927973481], [-0.4460116262523141, 3.7668652869117167, 0.4315230886776714]]]),
    'gaussian_nll_loss': (1.831790722878041, [[[0.16666666666666666, -0.25, 0.041666666666666664], [0.05555555555555555, 0.5, -0.1388888888888889]], [[-0.16666666666666666, 0.25, -0.041666666666666664], [-0.05555555555555555, -0.5, 0.1388888888888889]], [[-0.08333333333333333, -0.3333333333333333, 0.010416666666666666], [0.009259259259259259, -1.3333333333333333, -0.0601851851851852]]]),
    'gaussian_nll_loss_full_one_var': (17.716756199228033, [[[1.0, -3.0, 1.0], [0.25, 0.375, -0.3125]], [[-1.0, 3.0, -1.0], [-0.25, -0.375, 0.3125]], [[-9.5], [0.07421875]]]),
    'gaussian_nll_loss_clamped': ([499993.092244721, 8.653426409720028, 499993.092244721], [[500000.0, -6.0, 1500000.0], [-500000.0, 6.0, -1500000.0], [-249999750000.0, -17.0, -749999250000.0]]),
    'hinge_embedding_loss': (0.75, [[[0.08333333333333333, -0.08333333333333333, 0.08333333333333333], [0.0, -0.08333333333333333, 0.08333333333333333]]]),
    'hinge_embedding_loss_zero_target': ([0.5, 0.5, 0.0], [[0.5, 0.0, 0.0]]),
    'margin_ranking_loss': (0.0, [[-0.0, 0.0, -0.0], [0.0, -0.0, 0.0], [-0.0, 0.0, -0.0]]),
    'soft_margin_loss': (0.763081731119633, [[[-0.03146172239984545, 0.02241178511416626, -0.009933576835176462], [0.0681312063494703, 0.04684804174048317, -0.05659822493128274]]]),
    'multilabel_soft_margin_loss': ([0.26805206723140707, 1.3167960237000065], [[[-0.03146172239984545, 0.04482357022833251, -0.03973430734070585], [0.2043936190484109, 0.2810882504428991, -0.679178699175393]]]),
    'multi_margin_loss': (0.0, [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]),
    'multi_margin_loss_p2_weight': ([0.16666666666666666, 3.8541666666666665], [[[0.3333333333333333, 0.0, -0.3333333333333333], [3.25, -4.25, 1.0]]]),
    'multilabel_margin_loss': (0.75, [[[0.0, 0.0, 0.0], [0.16666666666666666, -0.16666666666666666, 0.0]]]),
    'triplet_margin_loss': (2.5959952295278983, [[[0.10547431709152165, -0.16594059598669245, -0.16539381309518764], [-0.03037704504143779, 0.1998083368579462, 0.05962194146407146]], [[-0.0753779183748051, 0.22613345361304335, -0.0753779183748051], [-0.11396066082001108, -0.1709409342497432, 0.14245056961378344]], [[-0.030096398716716544, -0.060192857626350904, 0.24077173146999273], [0.14433770586144887, -0.028867402608203, -0.2020725110778549]]]),
    'triplet_margin_loss_swap_p1': ([1.5000020000000003, 3.2500020000000003], [[[1.0, 0.0, 0.0], [1.5, 1.5, -1.5]], [[-0.5, 0.5, -0.5], [-3.0, 0.0, 3.0]], [[-0.5, -0.5, 0.5], [1.5, -1.5, -1.5]]]),
    'triplet_margin_with_distance_loss': ([0.05966901114478107, 0.47433364988303284], [[[0.045351473922902494, -0.18594104308390025, -0.10430839002267575], [-0.2879094926164155, 0.7733382883068833, -0.31803955579720317]], [[0.0290028173493667, 0.17911066454385127, -0.3437199204130192], [-0.686734233067194, 0.2785111595758689, 1.3830121320068662]], [[0.0, 0.19518001458970663, 0.0], [0.4558423058385519, -1.1396057645963795, 0.4558423058385518]]]),
    'triplet_margin_with_distance_loss_default': (2.5959952295278983, [[[0.10547431709152165, -0.16594059598669245, -0.16539381309518764], [-0.03037704504143779, 0.1998083368579462, 0.05962194146407146]], [[-0.0753779183748051, 0.22613345361304335, -0.0753779183748051], [-0.11396066082001108, -0.1709409342497432, 0.14245056961378344]], [[-0.030096398716716544, -0.060192857626350904, 0.24077173146999273], [0.14433770586144887, -0.028867402608203, -0.2020725110778549]]]),
    'cosine_embedding_loss': ([1.0476190476190386, 0.5256663501169566], [[[0.045351473922894285, -0.18594104308386566, -0.10430839002265414], [0.28790949261630255, -0.7733382883065602, 0.3180395557970672]], [[-0.045351473922894285, 0.08616780045350005, -0.1950113378684427], [0.9146553859860937, 0.1773311462625978, -0.4713275203295618]]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch_values_and_gradients(name: str) -> None:
    assert_matches_pytorch(CASES, EXPECTED, name)


def test_kl_div_mean_warns_as_pytorch_and_batchmean_is_the_divergence() -> None:
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    q = np.array([[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]])
    by_hand = float(np.sum(p * np.log(p / q))) / 2
    got = F.kl_div(lib.tensor(np.log(q)), lib.tensor(p), reduction="batchmean")
    assert float(got) == pytest.approx(by_hand, rel=1e-14)
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        mean = F.kl_div(lib.tensor(np.log(q)), lib.tensor(p))
    assert float(mean) == pytest.approx(by_hand * 2 / 6, rel=1e-14)
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"


def test_legacy_size_average_and_reduce_pick_pytorchs_reduction() -> None:
    x, t = lib.tensor([[0.5, -1.0], [2.0, 0.25]]), lib.tensor([[1.0, -1.0], [-1.0, 1.0]])
    plain = F.soft_margin_loss(x, t, reduction="none").numpy()
    for kwargs, reduced in ((dict(size_average=False), plain.sum()), (dict(reduce=False), plain),
                            (dict(size_average=True, reduce=True), plain.mean())):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            np.testing.assert_allclose(F.soft_margin_loss(x, t, **kwargs).numpy(), reduced, rtol=1e-6)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.HingeEmbeddingLoss(size_average=False).reduction == "sum"


def test_soft_margin_loss_is_finite_for_huge_margins() -> None:
    """softplus(-t x) stays exact where log(1 + exp(-t x)) overflows (PyTorch's gradient is NaN there)."""
    x = lib.tensor([-800.0, 800.0, 40.0, -40.0], dtype=lib.float64, requires_grad=True)
    loss = F.soft_margin_loss(x, lib.tensor([1.0, 1.0, -1.0, -1.0], dtype=lib.float64), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [800.0, 0.0, 40.0, math.log1p(math.exp(-40.0))], rtol=1e-15)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, 0.0, 1.0, 1 / (1 + math.exp(40.0))], rtol=1e-12, atol=1e-300)


def test_multilabel_soft_margin_loss_is_bce_with_logits_averaged_over_classes() -> None:
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((4, 5)), (rng.random((4, 5)) < 0.5).astype(float)
    by_hand = np.mean(-(t * np.log(1 / (1 + np.exp(-x))) + (1 - t) * np.log(1 / (1 + np.exp(x)))), axis=1)
    got = F.multilabel_soft_margin_loss(lib.tensor(x), lib.tensor(t), reduction="none")
    np.testing.assert_allclose(got.numpy(), by_hand, rtol=1e-13)


def test_multi_margin_and_multilabel_margin_against_loops() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 5))
    labels = np.array([4, 0, 2, 2])
    by_hand = [sum(max(0.0, 0.5 - x[i, labels[i]] + x[i, j]) ** 2 for j in range(5) if j != labels[i]) / 5
               for i in range(4)]
    got = F.multi_margin_loss(lib.tensor(x), lib.tensor(labels), p=2, margin=0.5, reduction="none")
    np.testing.assert_allclose(got.numpy(), by_hand, rtol=1e-13)
    target = np.array([[1, 3, -1, 0, 0], [4, 4, 4, 4, 4], [-1, 1, 2, 3, 4], [0, 1, 2, 3, -1]])
    by_hand = []
    for i in range(4):
        listed = []
        for c in target[i]:
            if c == -1:
                break
            listed.append(c)
        by_hand.append(sum(max(0.0, 1 - (x[i, j] - x[i, k])) for j in listed for k in range(5) if k not in listed) / 5)
    got = F.multilabel_margin_loss(lib.tensor(x), lib.tensor(target), reduction="none")
    np.testing.assert_allclose(got.numpy(), by_hand, rtol=1e-13)


finite = st.floats(-20, 20, allow_nan=False, allow_infinity=False)
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5), elements=finite)


@given(matrices, st.data())
def test_margin_losses_are_non_negative_and_zero_past_the_margin(x: np.ndarray, data: st.DataObject) -> None:
    signs = data.draw(hnp.arrays(np.float64, x.shape, elements=st.sampled_from([-1.0, 1.0])))
    for loss in (F.hinge_embedding_loss(lib.tensor(np.abs(x)), lib.tensor(signs), reduction="none"),
                 F.soft_margin_loss(lib.tensor(x), lib.tensor(signs), reduction="none"),
                 F.margin_ranking_loss(lib.tensor(x), lib.tensor(x[::-1].copy()), lib.tensor(signs), reduction="none")):
        assert np.all(loss.numpy() >= 0)
    # scores that rank each pair right by more than the margin cost nothing
    ranked = F.margin_ranking_loss(lib.tensor(x + 1.0), lib.tensor(x), lib.ones(*x.shape, dtype=lib.float64),
                                   margin=0.5, reduction="sum")
    assert float(ranked) == 0.0


@given(matrices)
def test_kl_div_of_a_distribution_with_itself_is_zero(x: np.ndarray) -> None:
    log_p = x - np.log(np.exp(x - x.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) - x.max(axis=1, keepdims=True)
    loss = F.kl_div(lib.tensor(log_p), lib.tensor(np.exp(log_p)), reduction="batchmean")
    assert abs(float(loss)) < 1e-12
    same = F.kl_div(lib.tensor(log_p), lib.tensor(log_p), reduction="sum", log_target=True)
    assert float(same) == 0.0


@given(matrices, st.data())
def test_triplet_margin_loss_is_zero_when_the_positive_is_the_anchor_far_from_the_negative(
        x: np.ndarray, data: st.DataObject) -> None:
    far = x + 100.0
    loss = F.triplet_margin_loss(lib.tensor(x), lib.tensor(x), lib.tensor(far), reduction="none")
    np.testing.assert_array_equal(loss.numpy(), 0.0)


def test_gaussian_nll_loss_var_shapes_and_clamp() -> None:
    x, t = lib.zeros(2, 3, dtype=lib.float64), lib.ones(2, 3, dtype=lib.float64)
    per = 0.5 * (math.log(2.0) + 1 / 2.0)
    for var in (2.0, lib.full((2, 3), 2.0, dtype=lib.float64), lib.full((2, 1), 2.0, dtype=lib.float64),
                lib.full((2,), 2.0, dtype=lib.float64)):
        np.testing.assert_allclose(F.gaussian_nll_loss(x, t, var, reduction="none").numpy(), per, rtol=1e-15)
    v = lib.tensor([0.0], dtype=lib.float64, requires_grad=True)
    loss = F.gaussian_nll_loss(lib.tensor([0.0], dtype=lib.float64), lib.tensor([0.001], dtype=lib.float64), v,
                               eps=1e-4, reduction="sum")
    assert float(loss) == pytest.approx(0.5 * (math.log(1e-4) + 1e-6 / 1e-4), rel=1e-13)
    loss.backward()  # the clamp is in value only: d/dv at v = eps, as PyTorch's
    assert float(v.grad) == pytest.approx(0.5 * (1 / 1e-4 - 1e-6 / 1e-8), rel=1e-12)


def test_modules_keep_pytorchs_settings() -> None:
    assert repr(nn.MultiMarginLoss()) == "MultiMarginLoss(reduction='mean')"
    assert nn.TripletMarginLoss(margin=2.0, p=1.0, swap=True).swap is True
    assert nn.PoissonNLLLoss().log_input is True and nn.PoissonNLLLoss().eps == 1e-8
    assert nn.GaussianNLLLoss().eps == 1e-6
    assert nn.MarginRankingLoss().margin == 0.0 and nn.HingeEmbeddingLoss().margin == 1.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: F.kl_div(lib.ones(2), lib.ones(2), reduction="average"), ValueError, "reduction"),
    (lambda: F.kl_div(lib.ones(2), lib.ones(3)), ValueError, "target shape"),
    (lambda: F.gaussian_nll_loss(lib.ones(2), lib.ones(2), lib.tensor([-1.0, 1.0])), ValueError, "negative"),
    (lambda: F.gaussian_nll_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3, 3)), ValueError, "incorrect size"),
    (lambda: F.gaussian_nll_loss(lib.ones(2), lib.ones(2), -1.0), ValueError, "negative"),
    (lambda: F.multi_margin_loss(lib.ones(2, 3), lib.tensor([0, 1]), p=3), ValueError, "only p == 1 and p == 2"),
    (lambda: nn.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2"),
    (lambda: F.multi_margin_loss(lib.ones(2, 3), lib.tensor([0, 3])), ValueError, "target out of range"),
    (lambda: F.multi_margin_loss(lib.ones(2, 3), lib.tensor([0.0, 1.0])), TypeError, "integer class indices"),
    (lambda: F.multi_margin_loss(lib.ones(2, 3), lib.tensor([0, 1, 2])), RuntimeError, "does not fit"),
    (lambda: F.multilabel_margin_loss(lib.ones(2, 3), lib.tensor([[0, 5, -1], [0, 1, 2]])), ValueError, "out of range"),
    (lambda: F.margin_ranking_loss(lib.ones(2, 1), lib.ones(2), lib.ones(2)), RuntimeError, "same number of dim"),
    (lambda: F.triplet_margin_loss(lib.ones(2, 3), lib.ones(3), lib.ones(2, 3)), RuntimeError, "anchor 2D, positive 1D"),
    (lambda: F.cosine_embedding_loss(lib.ones(2, 3, 4), lib.ones(2, 3, 4), lib.ones(2)), RuntimeError,
     "1D target tensor expects 2D input"),
    (lambda: F.soft_margin_loss(lib.ones(2, 3), lib.ones(3)), ValueError, "target shape"),
    (lambda: nn.TripletMarginWithDistanceLoss(margin=0.0), ValueError, "expected margin to be greater than 0"),
    (lambda: F.triplet_margin_with_distance_loss(lib.ones(2), lib.ones(2), lib.ones(2), margin=-1.0), ValueError,
     "greater than 0"),
    (lambda: F.hinge_embedding_loss(lib.tensor([1, 2]), lib.ones(2)), TypeError, "floating-point input"),
])
def test_bad_input_is_one_clear_error(call, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        call()
