"""0-d tensors and their dims, as PyTorch 2.14.1 treats them: a 0-d tensor takes dim 0 and -1 as if
it had one dimension of size 1 (a reduction over it leaves the value; softmax gives 1), any other
dim raises PyTorch's IndexError, and what needs a real dimension raises PyTorch's error rather than
one from inside NumPy. The expected values and messages are PyTorch's, written out."""
from __future__ import annotations

import pytest

import minigan
import minigan.nn.functional as F

OUT_OF_RANGE = r"^Dimension out of range \(expected to be in range of \[-1, 0\], but got {}\)$"


def scalar(value=0.5):
    return minigan.tensor(value, dtype=minigan.float64, requires_grad=True)


REDUCTIONS = {
    "sum": lambda x, d: minigan.sum(x, d), "mean": lambda x, d: minigan.mean(x, d),
    "amax": lambda x, d: minigan.amax(x, d), "amin": lambda x, d: minigan.amin(x, d),
    "nansum": lambda x, d: minigan.nansum(x, d), "nanmean": lambda x, d: minigan.nanmean(x, d),
    "logsumexp": lambda x, d: minigan.logsumexp(x, d), "prod": lambda x, d: minigan.prod(x, d),
    "max": lambda x, d: minigan.max(x, d).values, "min": lambda x, d: minigan.min(x, d).values,
    "method sum": lambda x, d: x.sum(d), "method mean": lambda x, d: x.mean(d, keepdim=True),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dim", [0, -1, (0,)])
def test_a_reduction_of_a_0d_tensor_over_dim_0_or_minus_1_leaves_its_value(name, dim):
    if name in ("prod", "max", "min") and isinstance(dim, tuple):
        pytest.skip("PyTorch takes one int dim here")
    x = scalar()
    y = REDUCTIONS[name](x, dim)
    assert y.shape == () and y.item() == 0.5
    y.backward()
    assert x.grad.item() == 1.0


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dim", [1, -2])
def test_a_reduction_of_a_0d_tensor_over_any_other_dim_raises_pytorchs_error(name, dim):
    with pytest.raises(IndexError, match=OUT_OF_RANGE.format(dim)):
        REDUCTIONS[name](scalar(), dim)


@pytest.mark.parametrize("dim", [1, -2])
def test_the_index_and_truth_reductions_of_a_0d_tensor_check_the_dim(dim):
    flag = minigan.tensor(True)
    for call in (lambda: minigan.argmax(scalar(), dim), lambda: minigan.argmin(scalar(), dim),
                 lambda: minigan.all(flag, dim), lambda: flag.any(dim), lambda: minigan.count_nonzero(scalar(), dim),
                 lambda: scalar().flatten(dim), lambda: minigan.unbind(scalar(), dim)):
        with pytest.raises(IndexError, match=OUT_OF_RANGE.format(dim)):
            call()
    assert minigan.argmax(scalar(), 0).item() == 0 and minigan.all(flag, -1).item() is True
    assert minigan.max(scalar(), -1).indices.item() == 0
    assert scalar().flatten(0).shape == (1,)


@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_of_a_0d_tensor_is_one_and_log_softmax_zero(dim):
    x = scalar(3.0)
    y = F.softmax(x, dim)
    assert y.shape == () and y.item() == 1.0
    y.backward()
    assert x.grad.item() == 0.0
    assert minigan.log_softmax(scalar(-2.0), dim).item() == 0.0
    assert F.softmin(scalar(), dim).item() == 1.0


@pytest.mark.parametrize("name,message", [
    ("cummax", r"^cummax\(\): Expected reduction dim -1 or 0 for scalar but got 1$"),
    ("cummin", r"^cummin\(\): Expected reduction dim -1 or 0 for scalar but got 1$"),
])
def test_the_running_extremes_of_a_0d_tensor_take_dim_0_or_minus_1(name, message):
    values, indices = getattr(minigan, name)(scalar(), -1)
    assert values.item() == 0.5 and indices.item() == 0
    with pytest.raises(IndexError, match=message):
        getattr(minigan, name)(scalar(), 1)


def test_what_needs_a_dimension_raises_pytorchs_error_for_a_0d_tensor():
    x = scalar()
    with pytest.raises(RuntimeError, match=r"^split expects at least a 1-dimensional tensor$"):
        x.split(1)
    with pytest.raises(RuntimeError, match=r"^chunk expects at least a 1-dimensional tensor$"):
        minigan.chunk(x, 1, 0)
    with pytest.raises(IndexError, match=r"^Dimension specified as -1 but tensor has no dimensions$"):
        minigan.cross(x, x, dim=-1)
    with pytest.raises(IndexError, match=r"^Dimension specified as 0 but tensor has no dimensions$"):
        minigan.roll(x, 1, 0)
    with pytest.raises(IndexError, match=r"^Dimension specified as 0 but tensor has no dimensions$"):
        minigan.unbind(x, -1)
    for tensors, position in (([x, x], 0), ([minigan.zeros(2, dtype=minigan.float64), x], 1)):
        with pytest.raises(RuntimeError, match=rf"^zero-dimensional tensor \(at position {position}\) cannot be "
                                               r"concatenated$"):
            minigan.cat(tensors)
    assert minigan.roll(x, 1).item() == 0.5  # with no dims the flattened tensor rolls
    assert minigan.stack([x, x]).shape == (2,)
