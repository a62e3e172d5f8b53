"""minigan.testing, torch.testing's counterpart: assert_close's verdicts and messages against
PyTorch 2.14's, written out as literals, its tolerances at their edges worked out by hand, and
make_tensor's shapes, dtypes, ranges and errors."""
from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import minigan
from minigan.testing import assert_allclose, assert_close, make_tensor

NAN, INF = math.nan, math.inf


def message(actual, expected, **options) -> str:
    with pytest.raises(AssertionError) as caught:
        assert_close(actual, expected, **options)
    return str(caught.value)


# ---------------------------------------------------------------------- verdicts
@pytest.mark.parametrize("actual, expected, options", [
    ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0 + 1e-6], {}),
    ([1.0, NAN], [1.0, NAN], {"equal_nan": True}),
    ([1.0, INF], [1.0, INF], {}),
    ([0.0], [1e-6], {}),  # within atol 1e-5
    ([-0.0], [0.0], {"rtol": 0, "atol": 0}),
    ([1.0, 2.0], [1.0, 2.1], {"rtol": 0.1, "atol": 0}),
])
def test_close_float32_tensors_pass(actual, expected, options):
    assert_close(minigan.tensor(actual), minigan.tensor(expected), **options)


def test_float32_tolerance_edge():
    # float32: rtol 1.3e-6, atol 1e-5, so 1.0 may be off by 1.13e-5
    assert_close(minigan.tensor([1.0 + 1.09e-5]), minigan.tensor([1.0]))
    with pytest.raises(AssertionError):
        assert_close(minigan.tensor([1.0 + 1.2e-5]), minigan.tensor([1.0]))
    # float64: rtol 1e-7, atol 1e-7: 2.0 may be off by 3e-7
    double = minigan.float64
    assert_close(minigan.tensor([2.0 + 2.9e-7], dtype=double), minigan.tensor([2.0], dtype=double))
    with pytest.raises(AssertionError):
        assert_close(minigan.tensor([2.0 + 3.1e-7], dtype=double), minigan.tensor([2.0], dtype=double))
    # float16: rtol 1e-3, atol 1e-5: 2.0 may be off by 2.01e-3; float16's step at 2 is 1.95e-3
    half = minigan.float16
    assert_close(minigan.tensor([2.0 + 1.95e-3], dtype=half), minigan.tensor([2.0], dtype=half))
    with pytest.raises(AssertionError):
        assert_close(minigan.tensor([2.0 + 3.9e-3], dtype=half), minigan.tensor([2.0], dtype=half))


def test_mixed_dtypes_take_the_larger_tolerances():
    # float16 against float64 with check_dtype=False: rtol 1e-3 (float16's), atol 1e-5
    assert_close(minigan.tensor([1000.0], dtype=minigan.float16), minigan.tensor([1000.5], dtype=minigan.float64),
                 check_dtype=False)
    assert_close(minigan.tensor([1, 2]), minigan.tensor([1.0, 2.0]), check_dtype=False)


# ---------------------------------------------------------------------- PyTorch's messages
def test_tensor_mismatch_message():
    assert message(minigan.tensor([1.0, 2.0, 3.0]), minigan.tensor([1.0, 2.5, 3.0])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)")
    assert message(minigan.tensor([[1.0, 2.0], [3.0, 4.0]]), minigan.tensor([[1.0, 2.0], [3.0, 5.0]])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 4 (25.0%)\n"
        "Greatest absolute difference: 1.0 at index (1, 1) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.20000000298023224 at index (1, 1) (up to 1.3e-06 allowed)")


def test_the_greatest_differences_leave_out_close_elements():
    # the first elements are equal zeros: 0 / 0 takes no part
    assert message(minigan.tensor([0.0, 1.0]), minigan.tensor([0.0, 2.0])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.5 at index (1,) (up to 1.3e-06 allowed)")
    assert message(minigan.tensor([NAN, 1.0]), minigan.tensor([NAN, 2.0]), equal_nan=True) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.5 at index (1,) (up to 1.3e-06 allowed)")


def test_nan_inf_and_zero_in_messages():
    assert message(minigan.tensor([NAN, 1.0]), minigan.tensor([NAN, 2.0])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 2 / 2 (100.0%)\n"
        "Greatest absolute difference: nan at index (0,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: nan at index (0,) (up to 1.3e-06 allowed)")
    assert message(minigan.tensor([1.0, INF]), minigan.tensor([1.0, -INF])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: inf at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: nan at index (1,) (up to 1.3e-06 allowed)")
    assert message(minigan.tensor([1e-4, 1.0]), minigan.tensor([0.0, 1.0])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 9.999999747378752e-05 at index (0,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: inf at index (0,) (up to 1.3e-06 allowed)")
    assert message(minigan.tensor([3e38]), minigan.tensor([-3e38])) == (  # the difference overflows float32
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\n"
        "Greatest absolute difference: inf at index (0,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: inf at index (0,) (up to 1.3e-06 allowed)")


def test_integers_and_booleans_must_be_equal():
    assert message(minigan.tensor([1, 2]), minigan.tensor([1, 3])) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1 at index (1,)\nGreatest relative difference: 0.3333333432674408 at index (1,)")
    assert message(minigan.tensor([True, False]), minigan.tensor([True, True])) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1 at index (1,)\nGreatest relative difference: 1.0 at index (1,)")
    # uint8 and int8 differences are not wrapped
    assert message(minigan.tensor([1, 2], dtype=minigan.uint8), minigan.tensor([2, 1], dtype=minigan.uint8)) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 2 / 2 (100.0%)\n"
        "Greatest absolute difference: 1 at index (0,)\nGreatest relative difference: 1.0 at index (1,)")
    assert message(minigan.tensor([5], dtype=minigan.int8), minigan.tensor([-100], dtype=minigan.int8)) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 1 (100.0%)\n"
        "Greatest absolute difference: 105 at index (0,)\nGreatest relative difference: 1.0499999523162842 at index (0,)")
    # given tolerances apply to integers too
    assert_close(minigan.tensor([1, 5]), minigan.tensor([1, 3]), rtol=0.1, atol=2)
    assert message(minigan.tensor([1, 5]), minigan.tensor([1, 3]), rtol=0.1, atol=0.5) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 2 at index (1,) (up to 0.5 allowed)\n"
        "Greatest relative difference: 0.6666666865348816 at index (1,) (up to 0.1 allowed)")


def test_zero_tolerances_say_equal():
    assert message(minigan.tensor([1.0, 2.0]), minigan.tensor([1.0, 2.00001]), rtol=0, atol=0) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1.0013580322265625e-05 at index (1,)\n"
        "Greatest relative difference: 5.006765150028514e-06 at index (1,)")


def test_attributes_checked_first():
    assert message(minigan.tensor([1.0, 2.0]), minigan.tensor([1.0, 2.0, 3.0])) == (
        "The values for attribute 'shape' do not match: torch.Size([2]) != torch.Size([3]).")
    assert message(minigan.tensor([1.0]), minigan.tensor([1.0, 2.0], dtype=minigan.float64)) == (
        "The values for attribute 'shape' do not match: torch.Size([1]) != torch.Size([2]).")
    assert message(minigan.tensor([1.0, 2.0]), minigan.tensor([1.0, 2.0], dtype=minigan.float64)) == (
        "The values for attribute 'dtype' do not match: torch.float32 != torch.float64.")
    assert message(minigan.tensor([1, 2]), minigan.tensor([1, 2], dtype=minigan.int32)) == (
        "The values for attribute 'dtype' do not match: torch.int64 != torch.int32.")


def test_scalars():
    assert message(1.0, 1.5) == ("Scalars are not close!\n\nExpected 1.5 but got 1.0.\n"
                                 "Absolute difference: 0.5 (up to 1e-07 allowed)\n"
                                 "Relative difference: 0.3333333333333333 (up to 1e-07 allowed)")
    assert message(1, 2) == ("Scalars are not equal!\n\nExpected 2 but got 1.\nAbsolute difference: 1\n"
                             "Relative difference: 0.5")
    assert message(1.0, 0.0) == ("Scalars are not close!\n\nExpected 0.0 but got 1.0.\n"
                                 "Absolute difference: 1.0 (up to 1e-07 allowed)\n"
                                 "Relative difference: inf (up to 1e-07 allowed)")
    assert message(NAN, NAN) == ("Scalars are not close!\n\nExpected nan but got nan.\n"
                                 "Absolute difference: nan (up to 1e-07 allowed)\n"
                                 "Relative difference: nan (up to 1e-07 allowed)")
    assert message(INF, -INF) == ("Scalars are not close!\n\nExpected -inf but got inf.\n"
                                  "Absolute difference: inf (up to 1e-07 allowed)\n"
                                  "Relative difference: nan (up to 1e-07 allowed)")
    assert message(1.0, 1) == "The (d)types do not match: <class 'float'> != <class 'int'>."
    assert message(True, False) == "Booleans mismatch: True is not False"
    assert message(None, 1) == "None mismatch: None is not 1"
    assert message(np.float32(1.0), np.float32(1.5)).startswith("Scalars are not close!\n\nExpected 1.5 but got 1.0.")
    assert_close(NAN, NAN, equal_nan=True)
    assert_close(1.0, 1, check_dtype=False)
    assert_close(None, None)
    assert_close(INF, INF)


def test_zero_dimensional_tensors_are_scalars():
    assert message(minigan.tensor(1.0), minigan.tensor(2.0)) == (
        "Scalars are not close!\n\nExpected 2.0 but got 1.0.\nAbsolute difference: 1.0 (up to 1e-05 allowed)\n"
        "Relative difference: 0.5 (up to 1.3e-06 allowed)")
    assert message(minigan.tensor(1), minigan.tensor(2)) == (
        "Scalars are not equal!\n\nExpected 2 but got 1.\nAbsolute difference: 1\nRelative difference: 0.5")


def test_nests_name_the_failing_item():
    assert message([minigan.tensor([1.0]), minigan.tensor([2.0])], [minigan.tensor([1.0]), minigan.tensor([2.5])]) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\n"
        "Greatest absolute difference: 0.5 at index (0,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.20000000298023224 at index (0,) (up to 1.3e-06 allowed)\n\n"
        "The failure occurred for item [1]")
    assert message({"a": {"c": [1.0, 2.0]}}, {"a": {"c": [1.0, 3.0]}}) == (
        "Scalars are not close!\n\nExpected 3.0 but got 2.0.\nAbsolute difference: 1.0 (up to 1e-07 allowed)\n"
        "Relative difference: 0.3333333333333333 (up to 1e-07 allowed)\n\nThe failure occurred for item ['a']['c'][1]")
    assert message({"a": 1.0}, {"b": 1.0}) == ("The keys of the mappings do not match:\n"
                                                "Missing keys in the actual mapping: ['b']\n"
                                                "Additional keys in the actual mapping: ['a']")
    assert message({"a": 1.0, "c": 2.0}, {"a": 1.0}) == ("The keys of the mappings do not match:\n"
                                                          "Missing keys in the actual mapping: []\n"
                                                          "Additional keys in the actual mapping: ['c']")
    assert message([1, 2], [1, 2, 3]) == "The length of the sequences mismatch: 2 != 3"
    assert_close((1.0, 2.0), [1.0, 2.0])


def test_msg_replaces_or_rewrites_the_message():
    a, b = [minigan.tensor([1.0])], [minigan.tensor([1.5])]
    assert message(a, b, msg="custom") == "custom"
    assert message(a, b, msg=lambda text: "X" + text[:10]) == "XTensor-lik"


def test_numpy_arrays_compare_with_each_other_only():
    assert message(np.array([1.0, 2.0]), np.array([1.0, 2.5])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 0.5 at index (1,) (up to 1e-07 allowed)\n"
        "Greatest relative difference: 0.2 at index (1,) (up to 1e-07 allowed)")
    assert message(np.array([1, 2]), np.array([1, 2.0])) == (
        "The values for attribute 'dtype' do not match: torch.int64 != torch.float64.")
    with pytest.raises(TypeError, match=r"^No comparison pair was able to handle inputs of type <class "
                                        r"'numpy.ndarray'> and <class 'minigan.autograd.tensor.Tensor'>.$"):
        assert_close(np.array([1.0]), minigan.tensor([1.0]))


def test_what_no_pair_handles():
    for actual, expected in [(minigan.tensor(1.0), 1.0), ([1.0], minigan.tensor([1.0])), ("a", "a")]:
        with pytest.raises(TypeError, match="^No comparison pair was able to handle inputs of type"):
            assert_close(actual, expected)
    weight = minigan.nn.Parameter(minigan.tensor([1.0]))
    assert_close(weight, minigan.tensor([1.0]))
    with pytest.raises(TypeError, match="Parameter'> and <class 'minigan.autograd.tensor.Tensor'>"):
        assert_close(weight, minigan.tensor([1.0]), allow_subclasses=False)


def test_gradients_and_argument_errors():
    assert_close(minigan.tensor([1.0], requires_grad=True), minigan.tensor([1.0]))
    with pytest.raises(ValueError, match=r"^Both 'rtol' and 'atol' must be either specified or omitted, but got no atol\.$"):
        assert_close(1.0, 1.0, rtol=0.1)
    with pytest.raises(ValueError, match="but got no rtol"):
        assert_close(1.0, 1.0, atol=0.1)
    with pytest.raises(minigan.UnsupportedFeatureError, match="check_stride=True"):
        assert_close(minigan.tensor([1.0]), minigan.tensor([1.0]), check_stride=True)


def test_assert_allclose_is_deprecated_with_numpys_tolerances():
    with pytest.warns(FutureWarning, match="assert_allclose\\(\\)` is deprecated"):
        assert_allclose(minigan.tensor([1.00005]), [1.0])  # float32: rtol 1e-4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(AssertionError, match=r"\(up to 0\.0001 allowed\)"):
            assert_allclose(minigan.tensor([1.0, 2.0]), minigan.tensor([1.0, 2.5]))
        assert_allclose([1.0, NAN], [1.0, NAN])  # equal_nan=True by default


# ---------------------------------------------------------------------- make_tensor
@pytest.mark.parametrize("dtype, low, high", [
    (minigan.float32, -9, 9), (minigan.float64, -9, 9), (minigan.int64, -9, 9), (minigan.int8, -9, 9),
    (minigan.uint8, 0, 9), (minigan.int32, -9, 9),
])
def test_make_tensor_default_ranges(dtype, low, high):
    minigan.manual_seed(0)
    x = make_tensor(4000, dtype=dtype, device="cpu")
    values = x.numpy()
    assert x.shape == (4000,) and x.dtype == dtype and not x.requires_grad
    assert low <= values.min() and values.max() <= high
    if dtype in (minigan.float32, minigan.float64):
        assert values.min() < -8.9 and values.max() > 8.9
    else:
        assert values.min() == low and values.max() == high  # every integer is drawn, 4000 times over 10 or 19


def test_make_tensor_shapes_seed_and_bool():
    assert make_tensor(2, 3, dtype=minigan.float32, device="cpu").shape == (2, 3)
    assert make_tensor((2, 3), dtype=minigan.float32, device="cpu").shape == (2, 3)
    assert make_tensor([2, 3], dtype=minigan.float32, device="cpu").shape == (2, 3)
    assert make_tensor(dtype=minigan.float32, device="cpu").shape == ()
    minigan.manual_seed(7)
    first = make_tensor(5, dtype=minigan.float32, device="cpu").numpy()
    minigan.manual_seed(7)
    assert np.array_equal(first, make_tensor(5, dtype=minigan.float32, device="cpu").numpy())
    flags = make_tensor(1000, dtype=minigan.bool, device="cpu").numpy()
    assert flags.dtype == np.bool_ and flags.any() and not flags.all()
    assert not make_tensor(100, dtype=minigan.bool, device="cpu", low=0, high=1).numpy().any()


def test_make_tensor_bounds():
    x = make_tensor(2000, dtype=minigan.int64, device="cpu", low=0.5, high=2.5).numpy()  # rounded up: 1 and 2
    assert set(np.unique(x)) == {1, 2}
    x = make_tensor(4000, dtype=minigan.int8, device="cpu", low=-1000, high=1000).numpy()  # clamped to int8
    assert x.min() >= -128 and x.max() <= 127 and x.min() < -100 and x.max() > 100
    x = make_tensor(1000, dtype=minigan.float32, device="cpu", high=INF).numpy()  # clamped to float32's max
    assert np.isfinite(x).all() and x.max() > 1e38
    x = make_tensor(1000, dtype=minigan.float64, device="cpu", low=-INF, high=INF).numpy()
    assert np.isfinite(x).all() and x.min() < -1e307 and x.max() > 1e307
    x = make_tensor(500, dtype=minigan.float16, device="cpu", low=-1, high=1).numpy()
    assert x.dtype == np.float16 and -1 <= x.min() and x.max() <= 1


def test_make_tensor_exclude_zero_and_noncontiguous():
    x = make_tensor(1000, dtype=minigan.int64, device="cpu", low=-3, high=3, exclude_zero=True).numpy()
    assert 0 not in x and set(np.unique(x)) == {-3, -2, -1, 1, 2}
    assert make_tensor(100, dtype=minigan.bool, device="cpu", exclude_zero=True).numpy().all()
    x = make_tensor(100, dtype=minigan.float32, device="cpu", low=-1e-45, high=1e-45, exclude_zero=True).numpy()
    assert (x != 0).all() and set(np.unique(x)) <= {np.float32(-1e-45), np.float32(1e-45), np.finfo(np.float32).tiny}
    strided = make_tensor(4, 3, dtype=minigan.float32, device="cpu", noncontiguous=True)
    assert strided.shape == (4, 3) and not strided.is_contiguous()
    assert make_tensor(1, dtype=minigan.float32, device="cpu", noncontiguous=True).is_contiguous()
    assert make_tensor(0, dtype=minigan.float32, device="cpu", noncontiguous=True).shape == (0,)


def test_make_tensor_requires_grad_and_errors():
    assert make_tensor(3, dtype=minigan.float32, device="cpu", requires_grad=True).requires_grad
    with pytest.raises(ValueError, match=re.escape("`requires_grad=True` is not supported for boolean and integral "
                                                   "dtypes, but got dtype=torch.int64")):
        make_tensor(3, dtype=minigan.int64, device="cpu", requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("`low` must be less than `high`, but got 2 >= 1")):
        make_tensor(3, dtype=minigan.float32, device="cpu", low=2, high=1)
    with pytest.raises(ValueError, match=re.escape("`low` must be less than `high`, but got 1e+40 >= 9")):
        make_tensor(3, dtype=minigan.float32, device="cpu", low=1e40)
    with pytest.raises(ValueError, match=re.escape("`low` must be less than `high`, but got 3 >= 3")):
        make_tensor(3, dtype=minigan.int64, device="cpu", low=3, high=3)
    with pytest.raises(ValueError, match="but got 4 >= 4 once rounded up to integers"):
        make_tensor(3, dtype=minigan.int64, device="cpu", low=3.5, high=3.7)
    with pytest.raises(ValueError, match=re.escape("`low` and `high` cannot be NaN, but got low=nan and high=9")):
        make_tensor(3, dtype=minigan.float32, device="cpu", low=NAN)
    with pytest.warns(FutureWarning, match="Passing `low==high`"):
        assert not make_tensor(3, dtype=minigan.float32, device="cpu", low=0, high=0).numpy().any()
    with pytest.raises(TypeError, match="The requested dtype 'float32' is not supported"):
        make_tensor(3, dtype="float32", device="cpu")
    with pytest.raises(TypeError, match="device"):
        make_tensor(3, dtype=minigan.float32)  # noqa: the missing keyword is the point
    with pytest.raises(minigan.UnsupportedFeatureError, match="memory_format"):
        make_tensor(3, dtype=minigan.float32, device="cpu", memory_format="channels_last")
