"""prod and cross as PyTorch 2.14.1's: values, dtypes, gradients and second derivatives written
out by hand (the products of the other elements), checked where elements are 0."""
import numpy as np
import pytest

import minigan


def test_prod_of_all_elements_or_along_one_dim():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert minigan.prod(x).item() == 720.0 and x.prod().shape == ()
    assert x.prod(1).tolist() == [6.0, 120.0] and minigan.prod(x, dim=-1).tolist() == [6.0, 120.0]
    assert x.prod(0, keepdim=True).tolist() == [[4.0, 10.0, 18.0]]
    assert minigan.prod(x, dtype=minigan.float64).dtype == minigan.float64
    assert minigan.prod(minigan.tensor(3.0), 0).item() == 3.0  # a 0-d tensor takes dim 0
    assert minigan.prod(minigan.empty(0)).item() == 1.0 and minigan.prod(minigan.empty(2, 0), 1).tolist() == [1.0, 1.0]


def test_prod_of_integers_and_bools_is_int64_as_pytorch():
    assert minigan.prod(minigan.tensor([1, 2, 3])).item() == 6
    for values, dtype in (([1, 2], minigan.int32), ([1, 2], minigan.uint8), ([True, False], minigan.bool)):
        result = minigan.tensor(values, dtype=dtype).prod()
        assert result.dtype == minigan.int64 and result.item() == (0 if dtype == minigan.bool else 2)


def test_prod_gradient_is_the_product_of_the_others_even_at_zeros():
    cases = {  # input: PyTorch 2.14.1's gradient
        (2.0, 3.0, 4.0, 5.0): [60.0, 40.0, 30.0, 24.0],
        (2.0, 0.0, 3.0, 4.0): [0.0, 24.0, 0.0, 0.0],  # one zero: only it gets a gradient
        (0.0, 2.0, 0.0, 3.0): [0.0, 0.0, 0.0, 0.0],  # two zeros: none does
        (0.0, 0.0, 0.0, 0.0): [0.0, 0.0, 0.0, 0.0],
    }
    with np.errstate(all="raise"):  # no division by zero, no warning
        for values, expected in cases.items():
            x = minigan.tensor(values, requires_grad=True)
            x.prod().backward()
            assert x.grad.tolist() == expected
        rows = minigan.tensor([[2.0, 0.0], [0.0, 0.0], [1.0, 3.0]], requires_grad=True)
        rows.prod(1).sum().backward()
        assert rows.grad.tolist() == [[0.0, 2.0], [0.0, 0.0], [3.0, 1.0]]


def test_prod_second_derivative_at_zeros_is_pytorchs():
    cases = {  # input: PyTorch 2.14.1's Hessian, d2f/dx_i dx_j = the product of all but x_i and x_j (i != j)
        (2.0, 0.0, 3.0, 4.0): [[0, 12, 0, 0], [12, 0, 8, 6], [0, 8, 0, 0], [0, 6, 0, 0]],
        (0.0, 2.0, 0.0, 3.0): [[0, 0, 6, 0], [0, 0, 0, 0], [6, 0, 0, 0], [0, 0, 0, 0]],
        (2.0, 3.0, 4.0, 5.0): [[0, 20, 15, 12], [20, 0, 10, 8], [15, 10, 0, 6], [12, 8, 6, 0]],
    }
    with np.errstate(all="raise"):
        for values, expected in cases.items():
            x = minigan.tensor(values, dtype=minigan.float64, requires_grad=True)
            (first,) = minigan.grad(x.prod(), x, create_graph=True)
            rows = [minigan.grad(first[i], x, retain_graph=True)[0].tolist() for i in range(4)]
            assert rows == expected


def test_prod_takes_one_dim_and_says_so():
    x = minigan.ones(2, 3)
    with pytest.raises(TypeError, match=r"prod\(\): dim must be one int, got \(0, 1\)"):
        x.prod((0, 1))
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.prod(2)


def test_cross_along_a_dim_as_pytorch():
    a = minigan.arange(9.0).reshape(3, 3)
    b = minigan.ones(3, 3)
    assert minigan.cross(a, b, dim=1).tolist() == [[-1.0, 2.0, -1.0]] * 3  # (1 - 2, 2 - 0, 0 - 1) row by row
    assert a.cross(b, dim=0).tolist() == [[-3.0] * 3, [6.0] * 3, [-3.0] * 3]
    assert minigan.cross(minigan.tensor([1, 2, 3]), minigan.tensor([4, 5, 6]), dim=0).tolist() == [-3, 6, -3]
    assert minigan.cross(minigan.ones(3, 1), minigan.ones(3, 4), dim=0).shape == (3, 4)  # the other dims broadcast


def test_cross_default_dim_is_the_first_of_size_3_with_pytorchs_warning():
    x = minigan.tensor([[1.0, 0.0, 0.0]] * 4)
    y = minigan.tensor([[0.0, 1.0, 0.0]] * 4)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        assert minigan.cross(x, y).tolist() == [[0.0, 0.0, 1.0]] * 4  # (4, 3): dim 1, as linalg.cross's -1
    with pytest.warns(UserWarning, match="deprecated"):
        assert minigan.cross(minigan.arange(9.0).reshape(3, 3), minigan.ones(3, 3)).tolist()[0] == [-3.0] * 3  # dim 0
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="^no dimension of size 3 in input$"):
        minigan.cross(minigan.ones(2, 2), minigan.ones(2, 2))


def test_cross_gradients_are_b_cross_g_and_g_cross_a():
    a = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = minigan.tensor([4.0, 5.0, 6.0], requires_grad=True)
    minigan.cross(a, b, dim=0).backward(minigan.tensor([1.0, 0.0, 0.0]))
    assert a.grad.tolist() == [0.0, 6.0, -5.0] and b.grad.tolist() == [0.0, -3.0, 2.0]  # b x e1, e1 x a


@pytest.mark.parametrize("a, b, dim, message", [
    ((4, 3), (3,), 1, "linalg.cross: inputs must have the same number of dimensions."),
    ((4, 3), (4, 3), 0, "linalg.cross: inputs dimension 0 must have length 3. Got 4 and 4"),
    ((3, 4), (1, 4), 0, "linalg.cross: inputs dimension 0 must have length 3. Got 3 and 1"),
])
def test_cross_shape_errors_are_pytorchs(a, b, dim, message):
    with pytest.raises(RuntimeError, match=f"^{message.replace('.', '[.]')}$"):
        minigan.cross(minigan.ones(*a), minigan.ones(*b), dim=dim)
