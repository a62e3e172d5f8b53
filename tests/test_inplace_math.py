"""The in-place math methods (x.sin_(), x.relu_()...), their function forms (torch.sin_(x)) and the
in-place shape changes (unsqueeze_, squeeze_, t_, transpose_), as PyTorch 2.14.1's: values by hand,
the same memory, the version counter and the in-place rules."""
import math

import numpy as np
import pytest

import minigan


def test_each_in_place_method_writes_the_out_of_place_values_into_the_same_memory():
    for name in ("sin", "cos", "exp", "log", "sqrt", "abs", "neg", "sigmoid", "tanh", "relu", "floor", "ceil",
                 "round", "trunc", "sign", "reciprocal"):
        x = minigan.tensor([0.25, 2.5, 4.0])
        view, expected = x[1:], getattr(x, name)().tolist()
        assert getattr(x, f"{name}_")() is x, name
        assert x.tolist() == expected and view.tolist() == expected[1:] and x._version == 1, name


def test_in_place_values_written_out():
    x = minigan.tensor([-1.5, 0.5, 2.5])
    assert x.clone().relu_().tolist() == [0.0, 0.5, 2.5] and x.clone().round_().tolist() == [-2.0, 0.0, 2.0]
    assert x.clone().abs_().tolist() == [1.5, 0.5, 2.5] and x.clone().neg_().tolist() == [1.5, -0.5, -2.5]
    assert x.clone().sign_().tolist() == [-1.0, 1.0, 1.0] and x.clone().trunc_().tolist() == [-1.0, 0.0, 2.0]
    assert minigan.tensor([1.25, 2.5]).round_(decimals=1).tolist() == pytest.approx([1.2, 2.5])
    assert minigan.tensor([4.0]).sqrt_().item() == 2.0 and minigan.tensor([0.0]).sigmoid_().item() == 0.5
    assert minigan.tensor([1.0]).exp_().item() == pytest.approx(math.e)


def test_function_forms_change_their_argument():
    x = minigan.tensor([4.0])
    assert minigan.sin_(x) is x and x.item() == pytest.approx(math.sin(4.0))
    y = minigan.tensor([-1.0, 1.0])
    assert minigan.relu_(y).tolist() == [0.0, 1.0] and minigan.round_(minigan.tensor([1.25]), decimals=1).item() == pytest.approx(1.2)
    assert not hasattr(minigan, "sign_")  # PyTorch has no torch.sign_ either


def test_an_integer_tensor_keeps_integer_results_and_refuses_float_ones():
    i = minigan.tensor([1, -2, 3])
    assert i.clone().abs_().tolist() == [1, 2, 3] and i.clone().neg_().tolist() == [-1, 2, -3]
    assert i.clone().relu_().tolist() == [1, 0, 3] and i.clone().floor_().dtype == minigan.int64
    for name in ("sin_", "sqrt_", "exp_", "sigmoid_", "reciprocal_"):
        with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
            getattr(i.clone(), name)()


def test_in_place_math_follows_the_in_place_rules():
    leaf = minigan.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        leaf.sin_()
    with pytest.raises(RuntimeError, match=r"tanh_: in-place operations on a tensor with recorded history .* \(tanh\)"):
        (leaf * 2).tanh_()
    with minigan.no_grad():
        leaf.exp_()
    assert leaf.tolist() == [pytest.approx(math.e)] * 2 and leaf.requires_grad
    y = leaf * 1.0
    z = y.detach()
    loss = (y * y).sum()
    z.cos_()  # detach shares the version counter: backward sees the change
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_shape_changes_in_place_are_views_of_the_same_memory():
    x = minigan.ones(2, 3)
    before = x.array
    assert x.unsqueeze_(0) is x and x.shape == (1, 2, 3) and x._version == 1
    assert np.shares_memory(x.array, before)
    assert minigan.ones(2, 1, 3, 1).squeeze_().shape == (2, 3)
    assert minigan.ones(2, 1, 3, 1).squeeze_(1).shape == (2, 3, 1)
    assert minigan.ones(2, 1, 3, 1).squeeze_((1, 3)).shape == (2, 3)
    m = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    other = m.view(6)  # another tensor on the memory keeps its shape, as in PyTorch
    assert m.t_().tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]] and other.shape == (6,)
    assert m.transpose_(0, 1).tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]] and m._version == 2
    with pytest.raises(RuntimeError, match=r"^t_\(\) expects a tensor with <= 2 dimensions, but self is 3D$"):
        minigan.ones(2, 3, 4).t_()


def test_shape_changes_in_place_follow_the_in_place_rules():
    leaf = minigan.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.unsqueeze_(0)
    with pytest.raises(RuntimeError, match=r"transpose_: .* recorded history .* \(transpose\)"):
        (leaf * 2).unsqueeze(0).transpose_(0, 1)
    with minigan.no_grad():
        leaf.unsqueeze_(0)
    assert leaf.shape == (1, 2) and leaf.requires_grad


def test_the_smooth_and_special_functions_in_place_as_pytorch():
    """x.tan_() ... x.frac_() write the out-of-place values (math written out here) into the same
    memory; torch.erf_(x) and the like change their argument; an integer tensor refuses them."""
    a = [0.25, 0.5, 0.75]
    expected = {
        "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan, "sinh": math.sinh, "cosh": math.cosh,
        "asinh": math.asinh, "atanh": math.atanh, "arcsin": math.asin, "arctanh": math.atanh, "expm1": math.expm1,
        "log1p": math.log1p, "log2": math.log2, "log10": math.log10, "rsqrt": lambda v: 1 / math.sqrt(v),
        "square": lambda v: v * v, "erf": math.erf, "erfc": math.erfc, "frac": lambda v: v - math.trunc(v),
    }
    for name, f in expected.items():
        x = minigan.tensor(a, dtype=minigan.float64)
        view = x[1:]
        assert getattr(x, f"{name}_")() is x and x._version == 1, name
        np.testing.assert_allclose(x.numpy(), [f(v) for v in a], rtol=1e-14, err_msg=name)
        np.testing.assert_allclose(view.numpy(), [f(v) for v in a[1:]], rtol=1e-14, err_msg=name)
    x = minigan.tensor([1.5, 2.0], dtype=minigan.float64)
    assert x.acosh_() is x and x.tolist() == pytest.approx([math.acosh(1.5), math.acosh(2.0)], rel=1e-14)
    y = minigan.tensor([0.5], dtype=minigan.float64)
    assert y.erfinv_() is y and math.erf(y.item()) == pytest.approx(0.5, rel=1e-15)
    z = minigan.tensor([0.5], dtype=minigan.float64)
    assert minigan.erf_(z) is z and z.item() == pytest.approx(math.erf(0.5), rel=1e-15)
    assert minigan.log2_(minigan.tensor([8.0])).item() == 3.0 and not hasattr(minigan, "erfinv_")
    with pytest.raises(RuntimeError, match="Float can't be cast to the desired output type Long"):
        minigan.tensor([1, 2]).erf_()


def test_the_in_place_forms_of_the_newer_methods():
    x = minigan.tensor([1.0, 2.0, 3.0])
    same = x
    x.lt_(2)  # the comparison written into the tensor's own dtype
    assert same is x and x.tolist() == [1.0, 0.0, 0.0]
    counts = minigan.tensor([1, 2, 3])
    counts.lt_(minigan.tensor([2, 2, 2]))
    assert counts.dtype == minigan.int64 and counts.tolist() == [1, 0, 0]
    y = minigan.tensor([-1.5, 2.5])
    y.fix_()
    assert y.tolist() == [-1.0, 2.0]
    z = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    z.cumsum_(1)
    assert z.tolist() == [[1.0, 3.0], [3.0, 7.0]]
    z.tril_()
    assert z.tolist() == [[1.0, 0.0], [3.0, 7.0]]
    w = minigan.tensor([3.0, -4.0])
    w.hypot_(minigan.tensor([4.0, 3.0]))
    assert w.tolist() == [5.0, 5.0]
    v = minigan.tensor([-2.0, 0.5, 4.0])
    v.clamp_min_(0.0).clamp_max_(1.0)
    assert v.tolist() == [0.0, 0.5, 1.0]
    r = minigan.tensor([-3.0, 3.0])
    r.fmod_(2.0)
    assert r.tolist() == [-1.0, 1.0]  # the sign of the dividend
    r.remainder_(2.0)
    assert r.tolist() == [1.0, 1.0]  # the sign of the divisor
    d = minigan.tensor([180.0])
    d.deg2rad_()
    assert abs(d.item() - 3.141592653589793) < 1e-6


def test_the_newer_in_place_forms_follow_the_in_place_rules():
    counts = minigan.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        counts.clamp_min_(0.5)
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        counts.fmod_(1.5)
    assert counts.tolist() == [1, 2, 3]  # refused, so unchanged
    leaf = minigan.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        leaf.clamp_min_(0.0)
    with minigan.no_grad():
        leaf.clamp_min_(2.0)
    assert leaf.tolist() == [2.0, 2.0]
