"""More of PyTorch's Tensor behaviour, checked against values written out by hand: ``expand`` with
-1, reductions over an empty ``dim``, elementwise ``==``, ``any``/``all``, ``contiguous``, the
``*_as`` forms, ``backward(gradient=, inputs=)`` and ``tensor[index] = value``."""
import numpy as np
import pytest

import minigan


# ------------------------------------------------------------------ expand, empty dims
def test_expand_minus_one_keeps_a_dimension_and_new_leading_dims_may_not_use_it():
    x = minigan.tensor([[1.0], [2.0]])
    assert x.expand(3, -1, 4).shape == (3, 2, 4)
    assert x.expand(-1, 3).tolist() == [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    assert x.expand((2, -1, -1)).shape == (2, 2, 1)
    with pytest.raises(RuntimeError, match="^The expanded size of the tensor \\(-1\\) isn't allowed in a leading, "
                                           "non-existing dimension 0$"):
        x.expand(-1, 2, 3)
    with pytest.raises(RuntimeError, match="number of sizes provided \\(1\\)"):
        x.expand(2)
    with pytest.raises(ValueError, match="^The expanded size of the tensor \\(3\\) must match the existing size \\(2\\) at "
                                         "non-singleton dimension 0.  Target sizes: \\[3, 3\\].  Tensor sizes: \\[2, 1\\]$"):
        x.expand(3, 3)  # PyTorch's RuntimeError, a ValueError too, as NumPy's would be


def test_expand_minus_one_gradient_sums_over_the_broadcast_axes():
    x = minigan.tensor([[1.0], [2.0]], requires_grad=True)
    (x.expand(3, -1, 4) * minigan.tensor(np.arange(4.0))).sum().backward()
    assert x.grad.tolist() == [[18.0], [18.0]]  # 3 copies x (0 + 1 + 2 + 3)


def test_an_empty_dim_reduces_every_dimension_as_in_pytorch():
    x = minigan.tensor([[1.0, 2.0], [3.0, 6.0]])
    assert x.sum(()).item() == 12.0 and x.sum(dim=[]).item() == 12.0
    assert x.mean(()).item() == 3.0
    assert x.norm(dim=()).item() == pytest.approx(np.sqrt(50.0))
    assert x.var(()).item() == pytest.approx(np.var([1.0, 2.0, 3.0, 6.0], ddof=1))
    assert x.sum(axis=()).tolist() == x.tolist()  # NumPy's spelling keeps NumPy's meaning: no axis


# ------------------------------------------------------------------ comparisons
def test_double_equals_compares_elements_and_tensors_stay_dict_keys():
    x = minigan.tensor([[1.0, 2.0], [3.0, 2.0]])
    assert (x == 2).tolist() == [[False, True], [False, True]]
    assert (x != 2).tolist() == [[True, False], [True, False]]
    assert (x == minigan.tensor([1.0, 2.0])).tolist() == [[True, True], [False, True]]
    assert (x == np.array([[1.0, 0.0], [3.0, 0.0]], np.float32)).tolist() == [[True, False], [True, False]]
    assert (x == None) is False and (x != None) is True  # noqa: E711 - PyTorch's answer to None
    assert (x == "x") is False and (x == [1.0, 2.0]) is False
    assert {x: "x"}[x] == "x" and x in {x} and len({x, x.detach()}) == 2
    with pytest.raises(TypeError, match="'<' not supported"):
        x < None  # noqa: B015


def test_accuracy_the_pytorch_way():
    predicted = minigan.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]).argmax(dim=1)
    labels = minigan.tensor([1, 1, 1], dtype=minigan.int64)
    assert (predicted == labels).float().mean().item() == pytest.approx(2 / 3)
    assert (predicted == labels).sum().item() == 2


def test_eq_ne_methods_and_their_bad_operands():
    x = minigan.tensor([1.0, 2.0])
    assert x.eq(2.0).tolist() == [False, True] and x.ne(x).tolist() == [False, False]
    with pytest.raises(TypeError, match="eq\\(\\): argument 'other' must be a Tensor or a number, not NoneType"):
        x.eq(None)


def test_the_ordering_methods_and_their_other_names():
    x = minigan.tensor([1.0, 2.0, 3.0])
    assert x.lt(2.0).tolist() == [True, False, False] and x.le(2).tolist() == [True, True, False]
    assert x.gt(minigan.tensor([3.0, 1.0, 3.0])).tolist() == [False, True, False]
    assert x.ge(2.0).tolist() == [False, True, True]
    assert x.less(2.0).tolist() == x.lt(2.0).tolist() and x.greater_equal(2.0).tolist() == [False, True, True]
    assert x.less_equal(1.0).tolist() == [True, False, False] and x.greater(2.5).tolist() == [False, False, True]
    assert x.not_equal(2.0).tolist() == [True, False, True] and x.gt(0).dtype == minigan.bool
    with pytest.raises(TypeError, match="^gt\\(\\): argument 'other' must be a Tensor or a number, not str$"):
        x.gt("1")


def test_any_and_all_along_dims():
    mask = minigan.tensor([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    assert mask.any().item() is True and mask.all().item() is False
    assert mask.any(dim=1).tolist() == [True, False]
    assert mask.any(1, keepdim=True).shape == (2, 1)
    assert (mask >= 0).all(dim=0).tolist() == [True, True, True]
    assert mask.all(dim=(0, 1)).item() is False
    assert minigan.tensor(1.0).any(0).item() is True  # a 0-d tensor takes dim 0, as in PyTorch
    assert mask.any().dtype == np.bool_ and not mask.any().requires_grad
    with pytest.raises(IndexError, match="Dimension out of range"):
        mask.any(2)
    pixels = minigan.tensor([[0, 3], [1, 2]], dtype=minigan.uint8)  # uint8 in, uint8 out, as PyTorch's
    assert pixels.all().dtype == np.uint8 and pixels.all().item() == 0 and pixels.any(dim=0).tolist() == [1, 1]


@pytest.mark.parametrize("reduce", [
    lambda x: x.sum(dim=(0, 0)), lambda x: x.mean(dim=(1, -1)), lambda x: x.all(dim=(0, 0)),
    lambda x: x.amax(dim=(0, -2)), lambda x: minigan.count_nonzero(x, (1, 1)), lambda x: x.flip((0, 0)),
])
def test_a_dim_named_twice_is_refused_as_in_pytorch(reduce):
    # NumPy reduces such a dim once (a sum over (0, 0) would be the sum over 0): PyTorch refuses it.
    with pytest.raises(RuntimeError, match=r"^dim (0|1) appears multiple times in the list of dims$"):
        reduce(minigan.ones(2, 2))


# ------------------------------------------------------------------ layout and the *_as forms
def test_contiguous_copies_a_transposed_view_and_passes_its_gradient_back():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.is_contiguous() and x.contiguous() is x
    y = x.t()
    assert not y.is_contiguous()
    z = y.contiguous()
    assert z.is_contiguous() and z.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert z.view(6).tolist() == [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
    (z * minigan.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    assert x.grad.tolist() == [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]


def test_expand_as_view_as_reshape_as_type_as():
    x = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    alpha = minigan.tensor([[0.5], [2.0]])
    assert (alpha.expand_as(x) * x).tolist() == [[0.5, 1.0], [6.0, 8.0]]
    assert x.view(4).view_as(x).tolist() == x.tolist()
    assert x.t().reshape_as(minigan.zeros(4)).tolist() == [1.0, 3.0, 2.0, 4.0]
    labels = minigan.tensor([1, 0], dtype=minigan.int64)
    assert labels.type_as(x).dtype == np.float32 and labels.type_as(x).tolist() == [1.0, 0.0]


# ------------------------------------------------------------------ backward's arguments
def test_backward_takes_pytorch_s_gradient_keyword():
    x = minigan.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(gradient=minigan.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 40.0]  # d(x^2)/dx = 2x, times the gradient given


def test_backward_inputs_fills_only_their_grad_even_for_a_non_leaf():
    x = minigan.tensor([1.0, 1.0], requires_grad=True)
    y = minigan.tensor([1.0, 1.0], requires_grad=True)
    (x * 2).sum().backward(inputs=[x, y])
    assert x.grad.tolist() == [2.0, 2.0] and y.grad is None  # y is unused: its .grad stays as it was
    h = x * 3
    (h * h).sum().backward(inputs=[h])
    assert h.grad.tolist() == [6.0, 6.0]  # d(h^2)/dh = 2h
    assert x.grad.tolist() == [2.0, 2.0]  # x was not named, so it is untouched
    (x * 5).sum().backward(inputs=x)
    assert x.grad.tolist() == [7.0, 7.0]  # accumulated, as every backward does
    with pytest.raises(RuntimeError, match="inputs= argument cannot be empty"):
        (x * 2).sum().backward(inputs=[])


# ------------------------------------------------------------------ tensor[index] = value
def test_index_assignment_writes_numbers_and_tensors_in_place():
    x = minigan.tensor(np.arange(12.0).reshape(3, 4))
    x[x > 8] = 0
    x[0] = minigan.tensor([9.0, 8.0, 7.0, 6.0])
    x[1, ::2] = -1
    x[[2, 2], [0, 1]] = 5
    x[:, 3] = minigan.tensor([1.0, 2.0, 3.0])
    x[..., 2] = True
    assert x.tolist() == [[9.0, 8.0, 1.0, 1.0], [-1.0, 5.0, 1.0, 2.0], [5.0, 5.0, 1.0, 3.0]]
    assert x._version == 6


def test_one_hot_rows_by_index_assignment():
    labels = minigan.tensor([0, 2, 1], dtype=minigan.int64)
    one_hot = minigan.zeros(3, 3)
    one_hot[minigan.arange(3), labels] = 1
    assert one_hot.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    counts = minigan.zeros(3, dtype=minigan.int64)
    counts[1] = 2.7
    assert counts.tolist() == [0, 2, 0]  # cast to the tensor's dtype, as in PyTorch


def test_index_assignment_follows_the_in_place_rules():
    leaf = minigan.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf[0] = 3.0
    with minigan.no_grad():
        leaf[0] = 3.0
    assert leaf.tolist() == [3.0, 2.0]
    with pytest.raises(RuntimeError, match="recorded history are not supported by minigan; use the out-of-place "
                                           "form \\(minigan.where"):
        (leaf * 2)[0] = 1.0
    plain = minigan.zeros(2)
    with pytest.raises(RuntimeError, match="operand requires grad"):
        plain[0] = leaf[1]
    plain[0] = leaf[1].detach()
    assert plain.tolist() == [2.0, 0.0]


def test_index_assignment_bad_input_gets_one_line():
    x = minigan.zeros(3, 4)
    with pytest.raises(IndexError, match="index into a tensor of shape \\(3, 4\\): index 5 is out of bounds"):
        x[5] = 1.0
    with pytest.raises(RuntimeError, match="a value of shape \\(3,\\) cannot be broadcast to the selection's shape "
                                           "\\(4,\\)"):
        x[0] = minigan.ones(3)
    for value in ("a", None, [1.0, 2.0]):
        with pytest.raises(TypeError, match="the value must be a Tensor or a number"):
            x[0] = value
    with pytest.raises(IndexError, match="indexed with integers, slices or boolean masks"):
        x[minigan.tensor([0.5])] = 1.0
    assert x.tolist() == np.zeros((3, 4)).tolist()  # nothing was written by the failed assignments
