"""zeros, ones, empty, rand and randn with out=, as PyTorch 2.14.1's: the values written into out (in
its dtype), out resized with no warning when the shape differs, PyTorch's errors."""
import numpy as np
import pytest

import minigan


def test_out_receives_the_values_in_its_own_memory_and_is_returned():
    out = minigan.ones(2, 2)
    view = out[0]
    assert minigan.zeros(2, 2, out=out) is out and out.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert view.tolist() == [0.0, 0.0] and out._version == 1  # the same memory, changed in place
    assert minigan.ones((2, 2), out=out).tolist() == [[1.0, 1.0], [1.0, 1.0]] and out._version == 2
    assert minigan.empty(2, 2, out=out) is out


def test_out_of_another_shape_is_resized_without_a_warning():
    out = minigan.ones(2, 2)
    assert minigan.zeros(3, out=out).tolist() == [0.0, 0.0, 0.0] and out.shape == (3,)  # warnings are errors here
    empty = minigan.empty(0)
    assert minigan.ones(2, 3, out=empty).shape == (2, 3)


def test_out_keeps_its_dtype_and_a_random_draw_is_the_same_as_without_out():
    longs = minigan.ones(2, 2, dtype=minigan.int64)
    assert minigan.zeros(2, 2, out=longs).dtype == minigan.int64 and longs.tolist() == [[0, 0], [0, 0]]
    doubles = minigan.ones(2, dtype=minigan.float64)
    assert minigan.randn(2, out=doubles).dtype == minigan.float64
    minigan.manual_seed(0)
    expected = minigan.rand(2, 3).tolist()
    minigan.manual_seed(0)
    assert minigan.rand(2, 3, out=minigan.empty(2, 3)).tolist() == expected
    g = minigan.Generator().manual_seed(1)
    np.testing.assert_array_equal(minigan.randn(4, out=minigan.empty(4), generator=g).numpy(),
                                  minigan.randn(4, generator=minigan.Generator().manual_seed(1)).numpy())


def test_out_errors_are_pytorchs():
    longs = minigan.ones(2, dtype=minigan.int64)
    with pytest.raises(RuntimeError, match=r"^dtype Float does not match dtype of out parameter \(Long\)$"):
        minigan.ones(2, out=longs, dtype=minigan.float32)
    with pytest.raises(TypeError, match="^zeros\\(\\): argument 'out' must be Tensor, not int$"):
        minigan.zeros(2, out=5)
    with pytest.raises(TypeError, match="rand\\(\\): dtype must be a floating-point dtype, got int64"):
        minigan.rand(2, out=longs)
    leaf = minigan.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="functions with out=... arguments don't support automatic differentiation"):
        minigan.zeros(2, out=leaf)
    with minigan.no_grad():
        assert minigan.zeros(2, out=leaf).tolist() == [0.0, 0.0] and leaf.requires_grad
