"""F.normalize, F.cosine_similarity (nn.CosineSimilarity), F.pairwise_distance (nn.PairwiseDistance)
and minigan.cdist: values and gradients against PyTorch 2.14's, written out below as literals (run
outside this repository on the same float64 inputs, upstream gradient linspace(0.5, 1.5)); against
NumPy written out plainly on random inputs; Hypothesis properties; and one clear line per bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigan as lib
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.torch_api.unsupported import UnsupportedFeatureError

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
Y = [[-0.5, 2.0, 1.0], [0.5, -1.25, 0.5]]
Z = [[1.0, 0.0, -2.0], [0.25, 0.5, 1.0]]
SIGNS = [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]
CASES = {
    "normalize": (lambda x: F.normalize(x), [X]),
    "normalize_p1_dim0": (lambda x: F.normalize(x, p=1.0, dim=0), [X]),
    "normalize_p3": (lambda x: F.normalize(x, p=3.0, dim=-1), [X]),
    "normalize_zero_row": (lambda x: F.normalize(x), [[[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]]),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b), [X, Y]),
    "cosine_similarity_broadcast": (lambda a, b: F.cosine_similarity(a, b, dim=-1), [X, Z[0]]),
    "cosine_similarity_below_eps": (lambda a, b: F.cosine_similarity(a, b), [[[1e-9, 0.0, 0.0]], [[3.0, 4.0, 0.0]]]),
    "pairwise_distance": (lambda a, b: F.pairwise_distance(a, b), [X, Y]),
    "pairwise_distance_p1_keepdim": (lambda a, b: F.pairwise_distance(a, b, p=1.0, keepdim=True), [X, Z[1]]),
    "pairwise_distance_p3": (lambda a, b: F.pairwise_distance(a, b, p=3.0, eps=1e-3), [X, Y]),
    "pairwise_distance_inf": (lambda a, b: nn.PairwiseDistance(p=math.inf)(a, b), [X, Y]),
    "pairwise_distance_equal": (lambda a, b: F.pairwise_distance(a, b), [X, X]),
    "cdist": (lambda a, b: lib.cdist(a, b), [X, Y + Z]),
    "cdist_batched": (lambda a, b: lib.cdist(a, b), [[X, Y], [Z]]),
    "cdist_p1": (lambda a, b: lib.cdist(a, b, p=1.0), [X, Y + Z]),
    "cdist_p3": (lambda a, b: lib.cdist(a, b, p=3.0), [X, Y + Z]),
    "cdist_inf": (lambda a, b: lib.cdist(a, b, p=math.inf), [X, Y + Z]),
    "cdist_equal_rows": (lambda a, b: lib.cdist(a, b), [X, X]),
}

EXPECTED = {
    'normalize': ([[0.2182178902359924, -0.4364357804719848, 0.8728715609439696], [0.8846517369293828, 0.14744195615489714, -0.4423258684646914]], [[[0.1621047184610229, 0.4177313898803283, 0.16833951532490835], [0.3871953979024255, 0.7231066371422781, 1.0154263415189437]]]),
    'normalize_p1_dim0': ([[0.25, -0.8, 0.7272727272727273], [0.75, 0.2, -0.2727272727272727]], [[[-0.22500000000000003, 0.32, 0.2380165289256198], [0.07500000000000001, 1.28, 0.6347107438016528]]]),
    'normalize_p3': ([[0.2392722755946373, -0.4785445511892746, 0.9570891023785492], [0.9601843908106041, 0.16003073180176736, -0.48009219540530207]], [[[0.22157268260544494, 0.40577955778926156, 0.14749660824326954], [0.3830243744763613, 0.8232400596622066, 1.040462102173458]]]),
    'normalize_zero_row': ([[0.0, 0.0, 0.0], [0.6, 0.8, 0.0]], [[[500000000000.0, 700000000000.0, 900000000000.0], [0.016000000000000014, -0.01200000000000001, 0.3]]]),
    'cosine_similarity': ([-0.047619047619047616, 0.025666350116967274], [[[-0.045351473922902494, 0.18594104308390025, 0.10430839002267575], [0.2879094926164155, -0.7733382883068833, 0.31803955579720317]], [[0.045351473922902494, -0.08616780045351474, 0.19501133786848074], [0.91465538598647, 0.17733114626268298, -0.4713275203297626]]]),
    'cosine_similarity_broadcast': ([-0.6831300510639732, 0.7912565680749444], [[[0.1301200097264711, -0.06506000486323556, -0.06506000486323552], [-0.22361598662987558, -0.10320737844455796, -0.4816344327412705]], [0.47317346438754904, 0.0013170637145147324, 0.2365867321937744]]),
    'cosine_similarity_below_eps': ([0.06], [[[27000000.0, 40000000.0, 0.0]], [[0.0064, -0.0048000000000000004, 0.0]]]),
    'pairwise_distance': ([3.316624488844494, 2.1937416666515226], [[[0.1507558367496102, -0.4522669072260867, 0.1507558367496102], [0.6837639649200664, 1.025645605498459, -0.8547034176827006]], [[-0.1507558367496102, 0.4522669072260867, -0.1507558367496102], [-0.6837639649200664, -1.025645605498459, 0.8547034176827006]]]),
    'pairwise_distance_p1_keepdim': ([[2.750001], [3.249999]], [[[0.5, -0.5, 0.5], [1.5, -1.5, -1.5]], [-2.0, 2.0, 1.0]]),
    'pairwise_distance_p3': ([3.0715755828927875, 1.8501532622966261], [[[0.053102595197385936, -0.4766510156256176, 0.053102595197385936], [0.43908035067155315, 0.9872729359984272, -0.6835979067166339]], [[-0.053102595197385936, 0.4766510156256176, -0.053102595197385936], [-0.43908035067155315, -0.9872729359984272, 0.6835979067166339]]]),
    'pairwise_distance_inf': ([2.999999, 1.500001], [[[0.0, -0.5, 0.0], [0.0, 1.5, -0.0]], [[-0.0, 0.5, -0.0], [-0.0, -1.5, 0.0]]]),
    'pairwise_distance_equal': ([1.7320508075688771e-06, 1.7320508075688771e-06], [[[0.2886751345948129, 0.2886751345948129, 0.2886751345948129], [0.8660254037844388, 0.8660254037844388, 0.8660254037844388]], [[-0.2886751345948129, -0.2886751345948129, -0.2886751345948129], [-0.8660254037844388, -0.8660254037844388, -0.8660254037844388]]]),
    'cdist': ([[3.3166247903554, 1.5206906325745548, 4.153311931459037, 1.8200274723201295], [3.181980515339464, 2.1937410968480306, 1.3693063937629153, 2.165063509461097]], [[[0.18371588281670298, -1.3010542933049631, 2.051773508815226], [2.588541737842161, 0.31560272037925985, -1.2546984551969296]], [[-0.8241907019903556, 1.041522667855435, 0.4384999786999078], [-0.5535227999468129, -0.9359692631879488, 0.057793120327138015], [-0.400969619842046, -0.05860148306993787, -1.9956073375627108], [-0.9935744988796499, 0.938499651328155, 0.7022391849173689]]]),
    'cdist_batched': ([[[4.153311931459037, 1.8200274723201295], [1.3693063937629153, 2.165063509461097]], [[3.905124837953327, 1.6770509831248424], [2.839454172900137, 1.8371173070873836]]], [[[[0.028110293138415475, -0.6502051711735697, 0.8347562910682771], [0.8230132562740251, 0.036228953163755864, -0.03329961988022445]], [[-0.9545921943199716, 1.6348196459265947, 0.8230942281400456], [-0.03485538648502354, -2.026317845915908, 0.7866493681209122]]], [[[0.42381728030334687, 0.025654050938201958, -3.216791029134187], [-0.28549324891079236, 0.9798203670609253, 0.8055907616851761]]]]),
    'cdist_p1': ([[5.0, 1.75, 5.5, 2.75], [5.5, 3.75, 2.0, 3.25]], [[[0.6428571428571429, -1.5714285714285716, 2.8571428571428568], [5.142857142857142, 0.0, -2.4285714285714284]], [[-1.5714285714285714, 1.5714285714285714, 0.5714285714285714], [-1.2142857142857142, -1.857142857142857, 0.5714285714285714], [-0.5714285714285715, -0.5714285714285715, -2.142857142857143], [-2.428571428571429, 2.428571428571429, 0.5714285714285714]]]),
    'cdist_p3': ([[3.072316825685847, 1.5023112517293415, 4.023301496486735, 1.6374779050298438], [2.6551696875644475, 1.8496590557478525, 1.279307486728012, 1.9423655029181262]], [[[0.06248033202723613, -1.2866729466534403, 1.8168006294343526], [1.7913683328837124, 0.3601304748526267, -0.9419302726271752]], [[-0.660880090190092, 0.9421692304570806, 0.4124594329250379], [-0.3549257588454433, -0.8163851973832402, -0.08630914111973764], [-0.19517283083446896, -0.0032869870532627396, -2.072313392992405], [-0.6428699850409442, 0.8040454257802361, 0.8712927443799274]]]),
    'cdist_inf': ([[3.0, 1.5, 4.0, 1.5], [2.0, 1.5, 1.25, 1.75]], [[[0.0, -1.4285714285714286, 1.4285714285714284], [1.0714285714285714, 1.2142857142857142, -0.1428571428571428]], [[-1.0714285714285714, 0.5, 0.0], [0.0, -1.2142857142857142, -0.6428571428571428], [0.0, 0.0, -2.142857142857143], [0.0, 0.9285714285714286, 1.5]]]),
    'cdist_equal_rows': ([[0.0, 3.181980515339464], [3.181980515339464, 0.0]], [[[-0.261891400439462, -0.3273642505493275, 0.7202013512085206], [0.36664796061524685, 0.4583099507690585, -1.0082818916919287]], [[-0.36664796061524685, -0.4583099507690585, 1.0082818916919287], [0.261891400439462, 0.3273642505493275, -0.7202013512085206]]]),
}


def run_case(cases: dict, name: str, dtype: type = np.float64) -> tuple[np.ndarray, list[np.ndarray]]:
    """The value of cases[name] and the gradients of sum(upstream * value) for each input, with
    the upstream gradient linspace(0.5, 1.5) as in the PyTorch run (tests/test_losses_more.py too)."""
    fn, inputs = cases[name]
    tensors = [lib.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for v in inputs]
    value = fn(*tensors)
    upstream = np.linspace(0.5, 1.5, value.numel()).reshape(value.shape).astype(dtype)
    (value * lib.tensor(upstream)).sum().backward()
    return value.detach().numpy(), [t.grad.numpy() for t in tensors]


def assert_matches_pytorch(cases: dict, expected: dict, name: str) -> None:
    """float64 values to 1e-13 and gradients to 1e-12 of PyTorch's, relative or absolute."""
    value, grads = run_case(cases, name)
    expected_value, expected_grads = expected[name]
    np.testing.assert_allclose(value, expected_value, rtol=1e-13, atol=1e-13)
    assert len(grads) == len(expected_grads)
    for grad, want in zip(grads, expected_grads):
        np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch_values_and_gradients(name: str) -> None:
    assert_matches_pytorch(CASES, EXPECTED, name)


@pytest.mark.parametrize("name", ["normalize", "cosine_similarity", "pairwise_distance", "cdist_p3"])
def test_float32_keeps_its_dtype_and_pytorch_values(name: str) -> None:
    value, grads = run_case(CASES, name, np.float32)
    assert value.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    np.testing.assert_allclose(value, EXPECTED[name][0], rtol=2e-6, atol=2e-7)


def test_cdist_against_numpy_loops() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((3, 1, 5, 3))
    for p in (0.5, 1.0, 2.0, 3.0, math.inf):
        got = lib.cdist(lib.tensor(a), lib.tensor(b), p=p).numpy()
        assert got.shape == (3, 2, 4, 5)
        for k, i, r, c in np.ndindex(*got.shape):
            d = np.abs(a[i, r] - b[k, 0, c])
            want = d.max() if p == math.inf else (d ** p).sum() ** (1 / p)
            assert got[k, i, r, c] == pytest.approx(want, rel=1e-12)


def test_cdist_p0_counts_differences_with_zero_gradient() -> None:
    a = lib.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    d = lib.cdist(a, lib.tensor([[1.0, 0.0, 0.0], [1.0, 2.0, 3.0]]), p=0.0)
    assert d.tolist() == [[2.0, 0.0]]
    d.sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0, 0.0]]


def test_zero_vectors_give_finite_gradients() -> None:
    """The root's slope is infinite at 0; PyTorch (and minigan) give 0 there, not NaN."""
    x = lib.zeros(2, 3, dtype=lib.float64, requires_grad=True)
    lib.cdist(x, lib.zeros(4, 3, dtype=lib.float64)).sum().backward()
    assert x.grad.tolist() == [[0.0] * 3] * 2
    y = lib.zeros(2, 3, dtype=lib.float64, requires_grad=True)
    F.cosine_similarity(y, lib.ones(2, 3, dtype=lib.float64)).sum().backward()
    assert np.isfinite(y.grad.numpy()).all()


def test_second_derivative_of_cosine_similarity_matches_finite_differences() -> None:
    rng = np.random.default_rng(5)
    a0, b = rng.standard_normal(4), lib.tensor(rng.standard_normal(4))

    def first(a: np.ndarray) -> np.ndarray:
        t = lib.tensor(a, requires_grad=True)
        (g,) = lib.grad(F.cosine_similarity(t, b, dim=0), [t])
        return g.numpy()

    t = lib.tensor(a0, requires_grad=True)
    (g,) = lib.grad(F.cosine_similarity(t, b, dim=0), [t], create_graph=True)
    (h,) = lib.grad(g[1], [t])
    step = 1e-6
    column = [(first(a0 + step * e)[1] - first(a0 - step * e)[1]) / (2 * step) for e in np.eye(4)]
    np.testing.assert_allclose(h.numpy(), column, atol=1e-7)


finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
rows = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5), elements=finite)


@given(rows)
def test_normalize_gives_unit_rows_or_a_scaled_small_row(x: np.ndarray) -> None:
    y = F.normalize(lib.tensor(x)).numpy()
    norms = np.sqrt((x * x).sum(axis=1))
    for row, n, out in zip(x, norms, y):
        if n > 1e-12:
            assert np.sqrt((out * out).sum()) == pytest.approx(1.0, rel=1e-12)
        else:
            np.testing.assert_array_equal(out, row / 1e-12)


@given(rows, st.data())
def test_cosine_similarity_is_in_range_and_symmetric(x: np.ndarray, data: st.DataObject) -> None:
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=finite))
    forward = F.cosine_similarity(lib.tensor(x), lib.tensor(y)).numpy()
    assert np.all(np.abs(forward) <= 1 + 1e-12)
    np.testing.assert_allclose(forward, F.cosine_similarity(lib.tensor(y), lib.tensor(x)).numpy(), atol=1e-15)


@given(rows, st.data(), st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_cdist_is_a_metric(x: np.ndarray, data: st.DataObject, p: float) -> None:
    """Zero on the diagonal, symmetric, and the triangle inequality through any row of z."""
    z = data.draw(hnp.arrays(np.float64, (3, x.shape[1]), elements=finite))
    xx = lib.cdist(lib.tensor(x), lib.tensor(x), p=p).numpy()
    np.testing.assert_array_equal(np.diag(xx), 0.0)
    np.testing.assert_allclose(xx, xx.T, rtol=1e-13, atol=1e-13)
    xz = lib.cdist(lib.tensor(x), lib.tensor(z), p=p).numpy()
    assert np.all(xx[:, :, None] <= xz[:, None, :] + xz[None, :, :] + 1e-9)


def test_modules_match_the_functions_and_print_their_settings() -> None:
    a, b = lib.tensor(X), lib.tensor(Y)
    assert repr(nn.CosineSimilarity(dim=0, eps=1e-3)) == "CosineSimilarity(dim=0, eps=0.001)"
    assert repr(nn.PairwiseDistance()) == "PairwiseDistance(p=2.0, eps=1e-06, keepdim=False)"
    np.testing.assert_array_equal(nn.CosineSimilarity(0)(a, b).numpy(), F.cosine_similarity(a, b, 0).numpy())
    np.testing.assert_array_equal(nn.PairwiseDistance(1.0, keepdim=True)(a, b).numpy(),
                                  F.pairwise_distance(a, b, 1.0, keepdim=True).numpy())


def test_pairwise_distance_shapes_as_pytorch() -> None:
    assert F.pairwise_distance(lib.ones(3), lib.zeros(3)).shape == ()
    assert F.pairwise_distance(lib.ones(2, 3), lib.zeros(3)).shape == (2,)
    assert F.pairwise_distance(lib.ones(2, 3), lib.zeros(2, 3), keepdim=True).shape == (2, 1)
    assert lib.cdist(lib.ones(5, 2, 3), lib.zeros(1, 4, 3)).shape == (5, 2, 4)


@pytest.mark.parametrize("call, error, words", [
    (lambda: F.normalize(lib.tensor([[1, 2]])), TypeError, "floating-point input"),
    (lambda: F.normalize([[1.0, 2.0]]), TypeError, "must be a Tensor"),
    (lambda: F.normalize(lib.ones(2, 3), p=-1.0), ValueError, "non-negative"),
    (lambda: F.normalize(lib.ones(2, 3), dim=2), IndexError, "Dimension out of range"),
    (lambda: F.cosine_similarity(lib.ones(2, 3), lib.ones(4, 3)), RuntimeError, "must match the size"),
    (lambda: F.pairwise_distance(lib.ones(2, 3), lib.ones(2, 4)), RuntimeError, "must match the size"),
    (lambda: lib.cdist(lib.ones(2, 3), lib.ones(4, 2)), RuntimeError, "same number of columns"),
    (lambda: lib.cdist(lib.ones(3), lib.ones(4, 3)), RuntimeError, "at least 2D"),
    (lambda: lib.cdist(lib.ones(2, 2, 3), lib.ones(3, 4, 3)), RuntimeError, "do not broadcast"),
    (lambda: lib.cdist(lib.ones(2, 3), lib.ones(4, 3), p=-2.0), ValueError, "non-negative"),
    (lambda: lib.cdist(lib.ones(2, 3), lib.ones(4, 3), compute_mode="fast"), ValueError, "compute_mode"),
])
def test_bad_input_is_one_clear_error(call, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_names_left_the_unsupported_list() -> None:
    import minigan.functional
    for module, name in ((F, "normalize"), (F, "cosine_similarity"), (F, "pairwise_distance"), (lib, "cdist"),
                         (minigan.functional, "cdist"), (nn, "CosineSimilarity"), (nn, "PairwiseDistance")):
        assert callable(getattr(module, name))
    with pytest.raises(UnsupportedFeatureError):
        F.max_pool2d_with_indices  # noqa: B018 - still listed as missing, so the lookup itself says so
