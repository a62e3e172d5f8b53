"""How a tensor prints: PyTorch 2.14.1's text for each case, written out as a literal (the choice of
format, the widths, the wrapping at 80 characters, the summary of more than 1000 elements, which
dtype is named, the size of an empty tensor, where the suffixes go)."""
from __future__ import annotations

import numpy as np
import pytest

import minigan

CASES = [
    ("decimals", "np.array([1.5, 2.0], np.float32)",
     'tensor([1.5000, 2.0000])'),
    ("whole", "np.array([5., 70.], np.float32)",
     'tensor([ 5., 70.])'),
    ("zero_dim", "np.array(-2., np.float32)",
     'tensor(-2.)'),
    ("small_sci", "np.array([1e-5, 1.0], np.float32)",
     'tensor([1.0000e-05, 1.0000e+00])'),
    ("ratio_sci_whole", "np.arange(2000, dtype=np.float32)",
     'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])'),
    ("big_whole", "np.array([1e8, 1.0], np.float32)",
     'tensor([1.0000e+08, 1.0000e+00])'),
    ("nonfinite_whole", "np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)",
     'tensor([nan, inf, -inf, 1.])'),
    ("nonfinite_decimals", "np.array([np.nan, 1.5], np.float32)",
     'tensor([   nan, 1.5000])'),
    ("signed_zeros", "np.array([-0.0, 0.0], np.float32)",
     'tensor([-0., 0.])'),
    ("ints", "np.array([1, 2, 300], np.int64)",
     'tensor([  1,   2, 300])'),
    ("int32", "np.array([1, 2], np.int32)",
     'tensor([1, 2], dtype=torch.int32)'),
    ("bools", "np.array([True, False])",
     'tensor([ True, False])'),
    ("float64", "np.array([1.5], np.float64)",
     'tensor([1.5000], dtype=torch.float64)'),
    ("empty", "np.zeros((0,), np.float32)",
     'tensor([])'),
    ("empty_2d_int", "np.zeros((2, 0), np.int64)",
     'tensor([], size=(2, 0), dtype=torch.int64)'),
    ("empty_float64", "np.zeros((0, 3), np.float64)",
     'tensor([], size=(0, 3), dtype=torch.float64)'),
    ("matrix", "np.array([[1., 2.5], [-3., 4.]], np.float32)",
     'tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])'),
    ("three_d", "np.arange(12, dtype=np.float32).reshape(2, 2, 3)",
     'tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])'),
    ("wrapped", "np.arange(30, dtype=np.float32) / 7",
     'tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])'),
    ("summarized_2d", "np.arange(2000, dtype=np.int64).reshape(40, 50)",
     'tensor([[   0,    1,    2,  ...,   47,   48,   49],\n        [  50,   51,   52,  ...,   97,   98,   99],\n        [ 100,  101,  102,  ...,  147,  148,  149],\n        ...,\n        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])'),
    ("float16_zeros_wrap", "np.array([-0.0, 0.0] * 19, np.float16)",
     'tensor([-0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0.,\n        -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0., -0., 0.],\n       dtype=torch.float16)'),
]


@pytest.mark.parametrize("name, code, expected", CASES, ids=[case[0] for case in CASES])
def test_the_text_is_pytorchs(name, code, expected):
    values = eval(code)  # noqa: S307 - the cases above, written as NumPy expressions
    assert repr(minigan.tensor(values, dtype=values.dtype)) == expected


def test_gradient_and_grad_fn_suffixes():
    x = minigan.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr((x * 2).sum()) == "tensor(6., grad_fn=<SumBackward>)"
    wide = minigan.tensor(np.arange(14, dtype=np.float64) / 3, requires_grad=True)
    # the dtype fits on the last line; requires_grad=True would pass 80 characters, so it starts a line
    assert repr(wide) == (
        "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n"
        "        3.0000, 3.3333, 3.6667, 4.0000, 4.3333], dtype=torch.float64,\n"
        "       requires_grad=True)")
    assert str(x) == repr(x)
