"""The operators' named forms (``x.add(y, alpha=2)``, ``torch.mm``...), ``isnan`` and friends, the
function forms (``torch.flatten(x, 1)``), and the names minigan lacks in ``nn.functional`` and at the
top level, checked against values written out by hand."""
import copy

import numpy as np
import pytest

import minigan
import minigan.nn.functional as F


def test_named_operator_forms_give_the_operators_values_and_gradients():
    x = minigan.tensor([3.0, -3.0], requires_grad=True)
    y = minigan.tensor([1.0, 2.0])
    assert x.add(y).tolist() == [4.0, -1.0] and x.add(y, alpha=2).tolist() == [5.0, 1.0]
    assert x.sub(y, alpha=3).tolist() == [0.0, -9.0] and x.subtract(1).tolist() == [2.0, -4.0]
    assert x.mul(y).tolist() == [3.0, -6.0] and x.multiply(2).tolist() == [6.0, -6.0]
    assert x.div(2).tolist() == [1.5, -1.5] and x.divide(y).tolist() == [3.0, -1.5]
    assert x.div(2, rounding_mode="floor").tolist() == [1.0, -2.0]  # toward minus infinity
    assert x.neg().tolist() == [-3.0, 3.0] and x.negative().tolist() == [-3.0, 3.0]
    assert x.pow(2).tolist() == [9.0, 9.0] and x.square().tolist() == [9.0, 9.0]
    squares = minigan.tensor([True, False]).square()  # pow(x, 2): a bool tensor gives int64
    assert squares.dtype == minigan.int64 and squares.tolist() == [1, 0]
    (x.square().sum() + x.mul(2).sum() + x.neg().sum() + x.add(x, alpha=3).sum()).backward()
    assert x.grad.tolist() == [2 * 3.0 + 2 - 1 + 4, 2 * -3.0 + 2 - 1 + 4]  # 2x + 2 - 1 + (1 + 3)
    assert x.div(2, rounding_mode="trunc").tolist() == [1.0, -1.0]  # toward zero
    with pytest.raises(RuntimeError, match="div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                                           "but found 'round'"):
        x.div(2, rounding_mode="round")


def test_mm_and_bmm_take_only_matrices_and_batches_of_them():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    b = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(minigan.tensor(a).mm(minigan.tensor(b)).numpy(), a @ b)
    np.testing.assert_array_equal(minigan.mm(minigan.tensor(a), minigan.tensor(b)).numpy(), a @ b)
    batch_a, batch_b = np.stack([a, 2 * a]), np.stack([b, b + 1])
    expected = np.stack([a @ b, (2 * a) @ (b + 1)])
    np.testing.assert_array_equal(minigan.bmm(minigan.tensor(batch_a), minigan.tensor(batch_b)).numpy(), expected)
    with pytest.raises(RuntimeError, match="mm: self must be a 2-D tensor, got shape \\(2, 2, 3\\)"):
        minigan.mm(minigan.tensor(batch_a), minigan.tensor(b))
    with pytest.raises(RuntimeError, match="bmm: mat2 must be a 3-D tensor, got shape \\(3, 4\\)"):
        minigan.bmm(minigan.tensor(batch_a), minigan.tensor(b))
    with pytest.raises(RuntimeError, match="bmm: the batch sizes differ: 2 and 1"):
        minigan.bmm(minigan.tensor(batch_a), minigan.tensor(batch_b[:1]))
    with pytest.raises(TypeError, match="mm: mat2 must be a Tensor, got ndarray"):
        minigan.tensor(a).mm(b)


def test_isnan_isinf_isfinite():
    x = minigan.tensor([1.0, float("nan"), float("inf"), -float("inf")])
    assert x.isnan().tolist() == [False, True, False, False]
    assert minigan.isinf(x).tolist() == [False, False, True, True]
    assert minigan.isfinite(x).tolist() == [True, False, False, False]
    assert minigan.isnan(x).any().item() is True
    labels = minigan.tensor([1, 2], dtype=minigan.int64)
    assert labels.isnan().tolist() == [False, False] and labels.isfinite().tolist() == [True, True]


def test_function_forms_take_pytorch_s_arguments():
    x = minigan.tensor(np.arange(24.0, dtype=np.float32).reshape(2, 3, 4))
    assert minigan.flatten(x, 1).shape == (2, 12) and minigan.flatten(x).shape == (24,)
    assert minigan.reshape(x, (4, 6)).shape == (4, 6)
    assert minigan.squeeze(minigan.zeros(1, 3, 1), 0).shape == (3, 1) and minigan.unsqueeze(x, -1).shape == (2, 3, 4, 1)
    assert minigan.add(x, 1, alpha=2)[0, 0, 0].item() == 2.0 and minigan.sub(x, x).abs().sum().item() == 0.0
    assert minigan.mul(x, 2)[1, 2, 3].item() == 46.0 and minigan.div(x, 4, rounding_mode="floor")[0, 1, 3].item() == 1.0
    assert minigan.neg(x)[0, 0, 1].item() == -1.0 and minigan.square(x)[0, 0, 3].item() == 9.0
    assert minigan.pow(x, 2)[0, 0, 2].item() == 4.0 and minigan.pow(2, x)[0, 0, 3].item() == 8.0
    with pytest.raises(TypeError, match="flatten\\(\\): argument 'input' must be a Tensor, not list"):
        minigan.flatten([1.0, 2.0])
    with pytest.raises(TypeError, match="one of 'input' and 'exponent' must be a Tensor"):
        minigan.pow(2, 3)


def test_allclose_and_equal_answer_with_a_bool():
    x = minigan.tensor([1.0, 2.0])
    assert minigan.allclose(x, x + 1e-9) is True and minigan.allclose(x, x + 1e-3) is False
    assert minigan.allclose(x, x + 1e-3, atol=1e-2) is True
    nan = minigan.tensor([1.0, float("nan")])
    assert minigan.allclose(nan, nan) is False and minigan.allclose(nan, nan, equal_nan=True) is True
    assert minigan.equal(x, x.clone()) is True and minigan.equal(x, x[:1]) is False
    assert minigan.equal(x, minigan.tensor([1.0, 3.0])) is False
    with pytest.raises(RuntimeError, match=r"^allclose: the size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton "):
        minigan.allclose(x, minigan.ones(3))


@pytest.mark.parametrize("name, feature", [
    ("max_pool2d_with_indices", "the _with_indices form of this pool"),
])
def test_functional_names_minigan_lacks_say_so(name, feature):
    with pytest.raises(minigan.UnsupportedFeatureError, match=f"torch.nn.functional.{name} is not supported by "
                                                              f"minigan \\({feature}"):
        getattr(F, name)
    assert not hasattr(F, name) and hasattr(F, "relu")
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        F.no_such_name  # noqa: B018


def test_top_level_ops_minigan_lacks_say_so():
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.compile is not supported by minigan \\(graph "
                                                              "compilation"):
        minigan.compile  # noqa: B018


def test_functional_activations_take_pytorch_s_extra_arguments():
    x = minigan.tensor([-30.0, -1.0, 0.0, 2.0, 4.0, 30.0], requires_grad=True)
    assert F.relu(x.detach().clone(), inplace=True).tolist() == [0.0, 0.0, 0.0, 2.0, 4.0, 30.0]
    assert F.leaky_relu(x.detach().clone(), 0.5, True).tolist() == [-15.0, -0.5, 0.0, 2.0, 4.0, 30.0]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        F.relu(x, inplace=True)  # as PyTorch's
    assert F.dropout(x, 0.5, False, True).tolist() == x.tolist()  # evaluation: the identity
    beta, threshold = 2.0, 5.0
    y = F.softplus(x, beta=beta, threshold=threshold)
    xs = x.detach().numpy().astype(np.float64)
    expected = np.where(beta * xs > threshold, xs, np.log1p(np.exp(beta * xs)) / beta)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-6, atol=1e-12)
    y.sum().backward()
    slope = np.where(beta * xs > threshold, 1.0, 1 / (1 + np.exp(-beta * xs)))  # d/dx: sigmoid(beta x), or 1
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-6, atol=1e-12)
    np.testing.assert_array_equal(F.softplus(x).detach().numpy(), minigan.softplus(x).detach().numpy())
    with pytest.raises(ValueError, match="beta must be a non-zero number, got 0"):
        F.softplus(x, beta=0)


def test_losses_take_pytorch_s_keyword_names():
    logits = minigan.tensor([[0.5, -1.0], [2.0, 0.0]])
    target = minigan.tensor([[1.0, 0.0], [0.0, 1.0]])
    by_keyword = F.binary_cross_entropy_with_logits(input=logits, target=target, reduction="sum")
    assert by_keyword.item() == F.binary_cross_entropy_with_logits(logits, target, reduction="sum").item()
    assert F.binary_cross_entropy(input=logits.sigmoid(), target=target).item() == pytest.approx(
        by_keyword.item() / 4, rel=1e-6)
    assert F.mse_loss(input=logits, target=target).item() == pytest.approx((0.25 + 1 + 4 + 1) / 4)
    labels = minigan.tensor([0, 1], dtype=minigan.int64)
    assert F.cross_entropy(input=logits, target=labels).item() == F.nll_loss(
        input=F.log_softmax(logits, dim=1), target=labels).item()


def test_tensor_methods_minigan_lacks_say_so_and_others_stay_attribute_errors():
    x = minigan.ones(3)
    with pytest.raises(minigan.UnsupportedFeatureError, match="Tensor.untyped_storage is not supported by minigan "
                                                              "\\(tensor storage"):
        x.untyped_storage()
    with pytest.raises(minigan.UnsupportedFeatureError, match="Tensor.stride is not supported by minigan "
                                                              "\\(tensor storage and strides"):
        x.stride()
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'no_such_method'"):
        x.no_such_method  # noqa: B018
    assert not hasattr(x, "untyped_storage") and hasattr(x, "sum")
    assert copy.deepcopy(x).tolist() == [1.0, 1.0, 1.0]  # deepcopy's probes still see plain AttributeErrors


def test_gpu_control_minigan_lacks_says_which_device_it_uses():
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.cuda.set_device is not supported by minigan "
                                                              "\\(control of several GPUs; minigan uses one device"):
        minigan.cuda.set_device(0)


def test_as_tensor_shares_what_it_can_and_copies_the_rest():
    array = np.array([1.0, 2.0], np.float32)
    shared = minigan.as_tensor(array)
    shared.array[0] = 9.0  # the same memory, as torch.as_tensor of a NumPy array
    assert array[0] == 9.0 and shared.dtype == np.float32
    widened = minigan.as_tensor(array, dtype=minigan.float64)
    widened.array[1] = -1.0
    assert widened.dtype == np.float64 and array[1] == 2.0  # another dtype: a copy
    t = minigan.tensor([1.0, 2.0])
    assert minigan.as_tensor(t) is t and minigan.as_tensor(t, dtype=minigan.float32) is t
    assert minigan.as_tensor(t, dtype=minigan.float64).tolist() == [1.0, 2.0]
    assert minigan.as_tensor([1, 2]).dtype == np.int64 and minigan.as_tensor([0.5]).dtype == np.float32
    with pytest.raises(RuntimeError, match="tpu"):
        minigan.as_tensor(array, device="tpu")


def test_is_tensor_numel_and_the_size_methods():
    x = minigan.zeros(2, 3, dtype=minigan.float64)
    assert minigan.is_tensor(x) and minigan.is_tensor(minigan.nn.Parameter(x)) and not minigan.is_tensor(np.zeros(1))
    assert minigan.numel(x) == 6 == x.nelement() and x.ndimension() == 2
    assert x.element_size() == 8 and minigan.tensor([1, 2]).element_size() == 8
    assert minigan.tensor([True]).element_size() == 1 and minigan.zeros(1).element_size() == 4
    with pytest.raises(TypeError, match="must be a Tensor"):
        minigan.numel([1, 2])


def test_one_hot_rows_as_written_out():
    rows = F.one_hot(minigan.tensor([0, 2, 1]))
    assert rows.dtype == np.int64 and rows.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(minigan.tensor([[1], [0]]), num_classes=4).tolist() == [[[0, 1, 0, 0]], [[1, 0, 0, 0]]]
    assert F.one_hot(minigan.zeros(0, dtype=minigan.int64), 3).shape == (0, 3)
    for labels, classes, message in [(minigan.tensor([0.0, 1.0]), -1, "LongTensor"),
                                     (minigan.tensor([-1, 0]), 3, "non-negative"),
                                     (minigan.tensor([3]), 3, "smaller than num_classes"),
                                     (minigan.zeros(0, dtype=minigan.int64), -1, "empty tensor")]:
        with pytest.raises(RuntimeError, match=message):
            F.one_hot(labels, classes)


def test_softmax_layers_and_l1_loss_as_written_out():
    values = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]], np.float32)
    x = minigan.tensor(values)
    exp = np.exp(values - values.max(1, keepdims=True))
    np.testing.assert_allclose(minigan.nn.Softmax(dim=1)(x).numpy(), exp / exp.sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(minigan.nn.LogSoftmax(dim=0)(x).numpy(),
                               values - np.log(np.exp(values).sum(0, keepdims=True)), rtol=1e-6, atol=1e-7)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):  # as PyTorch: dim 1 of 2-d input
        np.testing.assert_allclose(minigan.nn.Softmax()(x).numpy().sum(1), [1.0, 1.0], rtol=1e-6)
    assert repr(minigan.nn.LogSoftmax(dim=1)) == "LogSoftmax(dim=1)"
    target = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], np.float32)
    leaf = minigan.tensor(values, requires_grad=True)
    loss = minigan.nn.L1Loss()(leaf, minigan.tensor(target))
    assert loss.item() == pytest.approx(np.abs(values - target).mean())
    loss.backward()
    np.testing.assert_allclose(leaf.grad.numpy(), np.sign(values - target) / 6)  # 0 where they are equal
    assert F.l1_loss(leaf, target, reduction="sum").item() == pytest.approx(np.abs(values - target).sum())


def test_smooth_l1_and_huber_losses_as_written_out():
    values = np.array([0.2, -3.0, 1.5, 0.9], np.float32)
    target = np.array([0.0, 0.0, 1.0, -0.1], np.float32)
    d = values - target  # 0.2, -3, 0.5, 1.0
    for beta in (1.0, 0.5):
        leaf = minigan.tensor(values, requires_grad=True)
        loss = minigan.nn.SmoothL1Loss(reduction="sum", beta=beta)(leaf, minigan.tensor(target))
        inside = np.abs(d) < beta
        assert loss.item() == pytest.approx(np.where(inside, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta).sum(), rel=1e-6)
        loss.backward()
        np.testing.assert_allclose(leaf.grad.numpy(), np.where(inside, d / beta, np.sign(d)), rtol=1e-6)
    leaf = minigan.tensor(values, requires_grad=True)
    loss = minigan.nn.HuberLoss(delta=2.0)(leaf, target)  # mean of 0.02, 2 * (3 - 1), 0.125, 0.5
    assert loss.item() == pytest.approx((0.02 + 4.0 + 0.125 + 0.5) / 4, rel=1e-6)
    loss.backward()
    np.testing.assert_allclose(leaf.grad.numpy(), np.array([0.2, -2.0, 0.5, 1.0]) / 4, rtol=1e-6)
    assert F.smooth_l1_loss(leaf, target, beta=0.0).item() == pytest.approx(np.abs(d).mean(), rel=1e-6)
    with pytest.raises(ValueError, match="delta must be positive"):
        F.huber_loss(leaf, target, delta=0.0)


def test_smooth_l1_and_huber_gradients_stay_finite_at_an_infinite_difference():
    # outside the quadratic part the gradient is sign(d) (delta sign(d)), an infinite d included;
    # a NaN d gives NaN, as PyTorch's
    leaf = minigan.tensor([np.inf, -np.inf, 0.3, np.nan], dtype=minigan.float64, requires_grad=True)
    F.huber_loss(leaf, minigan.zeros(4, dtype=minigan.float64), delta=0.5, reduction="sum").backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [0.5, -0.5, 0.3, np.nan])
    leaf.grad = None
    F.smooth_l1_loss(leaf, minigan.zeros(4, dtype=minigan.float64), beta=2.0, reduction="sum").backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [1.0, -1.0, 0.15, np.nan])


def test_log1p_and_expm1_keep_small_values_exact():
    small = minigan.tensor([1e-10, -1e-9, 0.25], dtype=minigan.float32)
    assert (small + 1.0).log().tolist()[0] == 0.0  # the naive form loses 1e-10 in float32
    np.testing.assert_allclose(minigan.log1p(small).numpy(), [1e-10, -1e-9, np.log(1.25)], rtol=1e-6)
    np.testing.assert_allclose(small.expm1().numpy(), [1e-10, -1e-9, np.exp(0.25) - 1], rtol=1e-6)
    x = minigan.tensor([0.5, 3.0], requires_grad=True)
    (x.log1p() + minigan.expm1(x)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / (1 + np.array([0.5, 3.0])) + np.exp([0.5, 3.0]), rtol=1e-6)


def test_out_arguments_write_into_the_given_tensor():
    a = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    shared = np.zeros((2, 2), np.float32)
    out = minigan.from_numpy(shared)
    assert minigan.matmul(a, a.T, out=out) is out
    np.testing.assert_array_equal(shared, np.array([[5.0, 11.0], [11.0, 25.0]]))  # written in place
    assert minigan.mul(a, 2.0, out=out) is out and shared.tolist() == [[2.0, 4.0], [6.0, 8.0]]
    assert minigan.add(a, a, alpha=2, out=out).tolist() == [[3.0, 6.0], [9.0, 12.0]]
    wide = minigan.zeros(2, 2, dtype=minigan.float64)
    assert minigan.sub(a, 1.0, out=wide).dtype == np.float64 and wide.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    empty = minigan.zeros(0)
    assert minigan.mm(a, a, out=empty).tolist() == [[7.0, 10.0], [15.0, 22.0]]  # an empty out is resized quietly
    with pytest.warns(UserWarning, match="was resized since it had shape \\[3\\]"):
        minigan.div(a, 2.0, out=minigan.zeros(3))
    with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
        minigan.mul(a, a, out=minigan.zeros(2, 2, dtype=minigan.int64))
    leaf = minigan.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        minigan.mul(leaf, 2.0, out=minigan.zeros(1))
    with minigan.no_grad():
        assert minigan.mul(leaf, 2.0, out=minigan.zeros(1)).tolist() == [2.0]


def test_gather_and_scatter_as_written_out():
    t = minigan.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    picked = minigan.gather(t, 1, minigan.tensor([[0, 0], [1, 0]]))  # out[i][j] = t[i][index[i][j]]
    assert picked.tolist() == [[1.0, 1.0], [4.0, 3.0]]
    picked.sum().backward()
    assert t.grad.tolist() == [[2.0, 0.0], [1.0, 1.0]]  # t[0][0] was read twice
    src = minigan.arange(1, 11).reshape(2, 5).float()
    written = minigan.zeros(3, 5).scatter_(0, minigan.tensor([[0, 1, 2, 0]]), src)  # self[index[i][j]][j] = src[i][j]
    assert written.tolist() == [[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]
    # the one-hot label transform of PyTorch's transforms tutorial
    assert minigan.zeros(4, dtype=minigan.float).scatter_(0, minigan.tensor(2), value=1).tolist() == [0, 0, 1, 0]
    base = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert base.scatter(1, minigan.tensor([[1], [0]]), 9.0).tolist() == [[1, 9], [9, 4]] and base.tolist()[0] == [1, 2]
    assert minigan.tensor([5.0, 6.0, 7.0]).gather(0, minigan.tensor(2)).shape == ()
    for call, message in [(lambda: base.gather(1, minigan.tensor([[2]])), "index 2 is out of bounds for dimension 1"),
                          (lambda: base.gather(1, minigan.tensor([0, 1])), "same number of dimensions"),
                          (lambda: base.gather(0, minigan.tensor([[0.0]])), "Expected dtype int64"),
                          (lambda: base.scatter(0, minigan.tensor([[0]]), src=minigan.zeros(1, 1), reduce="sum"), "reduce"),
                          (lambda: t.scatter(0, minigan.tensor([[0]]), 1.0), "no gradient")]:
        with pytest.raises(RuntimeError, match=message):
            call()


def test_silu_elu_and_softplus_layers_as_written_out():
    values = np.array([-2.0, -0.5, 0.0, 1.5, 100.0], np.float32)
    x = minigan.tensor(values, requires_grad=True)
    sig = 1 / (1 + np.exp(-values.astype(np.float64)))
    np.testing.assert_allclose(minigan.nn.SiLU()(x).numpy(), values * sig, rtol=1e-6)
    elu = minigan.nn.ELU(alpha=0.5)(x)
    np.testing.assert_allclose(elu.numpy(), np.where(values > 0, values, 0.5 * np.expm1(np.minimum(values, 0))), rtol=1e-6)
    elu.sum().backward()  # 1 above 0, alpha exp(x) below, and no NaN from the branch not taken at x = 100
    np.testing.assert_allclose(x.grad.numpy(), np.where(values > 0, 1.0, 0.5 * np.exp(np.minimum(values, 0))), rtol=1e-6)
    soft = minigan.nn.Softplus(beta=2.0, threshold=2.0)(minigan.tensor([0.5, 3.0]))
    np.testing.assert_allclose(soft.numpy(), [np.log1p(np.exp(1.0)) / 2, 3.0], rtol=1e-6)  # 2 * 3 > 2: x itself
    assert repr(minigan.nn.ELU(0.5)) == "ELU(alpha=0.5)"


def test_trigonometric_and_hyperbolic_functions_as_written_out():
    # torch.sin etc. in float64, with PyTorch 2.14's values; the derivatives are those of any calculus table
    half = minigan.tensor([0.5], dtype=minigan.float64, requires_grad=True)
    expected = {"sin": 0.479425538604203, "cos": 0.8775825618903728, "tan": 0.5463024898437905,
                "asin": 0.5235987755982989, "acos": 1.0471975511965976, "atan": 0.4636476090008061,
                "sinh": 0.5210953054937474, "cosh": 1.1276259652063807}
    slopes = {"sin": 0.8775825618903728, "cos": -0.479425538604203, "tan": 1 + 0.5463024898437905**2,
              "asin": 2 / 3**0.5, "acos": -2 / 3**0.5, "atan": 0.8,
              "sinh": 1.1276259652063807, "cosh": 0.5210953054937474}
    for name, value in expected.items():
        out = getattr(minigan, name)(half)
        assert out.item() == pytest.approx(value, rel=1e-15) and getattr(half, name)().item() == out.item()
        assert minigan.grad(out, half)[0].item() == pytest.approx(slopes[name], rel=1e-14), name
    assert minigan.sin(minigan.tensor([0.5])).item() == pytest.approx(0.4794255495071411, rel=1e-7)  # float32
    assert minigan.sin(minigan.tensor([1, 2])).dtype == minigan.float32  # an integer tensor becomes float32
    assert minigan.arcsin is minigan.asin and minigan.arctan2 is minigan.atan2
    # atan2(y, x): the angle of (x, y), broadcast; at (0, 0) the angle and both gradients are 0, as PyTorch's
    y = minigan.tensor([[1.0], [-0.0], [0.0]], dtype=minigan.float64, requires_grad=True)
    x = minigan.tensor([-1.0, 0.0], dtype=minigan.float64, requires_grad=True)
    angle = minigan.atan2(y, x)
    np.testing.assert_array_equal(angle.numpy(), [[2.356194490192345, np.pi / 2], [-np.pi, -0.0], [np.pi, 0.0]])
    angle[2, 1].backward()
    assert y.grad.tolist() == [[0.0], [0.0], [0.0]] and x.grad.tolist() == [0.0, 0.0]
    dy, dx = minigan.grad(y[0, 0].atan2(x[0]), (y, x))  # y/x = -1: d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
    assert dy.tolist() == [[-0.5], [0.0], [0.0]] and dx.tolist() == [-0.5, 0.0]


def test_sign_ceil_floor_round_trunc_as_pytorch_with_a_zero_gradient():
    x = minigan.tensor([-2.5, -1.7, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, float("nan")], requires_grad=True)
    nan = float("nan")
    expected = {"sign": [-1, -1, -1, 0, 0, 1, 1, 1, 0],  # 0 at NaN (NumPy's sign gives NaN)
                "ceil": [-2, -1, -0.0, -0.0, 0, 1, 2, 3, nan], "floor": [-3, -2, -1, -0.0, 0, 0, 1, 2, nan],
                "round": [-2, -2, -0.0, -0.0, 0, 0, 2, 2, nan],  # halves to even
                "trunc": [-2, -1, -0.0, -0.0, 0, 0, 1, 2, nan]}
    for name, values in expected.items():
        out = getattr(minigan, name)(x)
        np.testing.assert_array_equal(out.numpy(), np.array(values, np.float32), err_msg=name)
        assert np.array_equal(np.signbit(out.numpy()), np.signbit(values)), name  # -0.0 where PyTorch gives it
        assert out.requires_grad and out.grad_fn.name() == f"{name.capitalize()}Backward"
        out.sum().backward()
        assert x.grad.tolist() == [0.0] * 9, name  # zeros (not NaN at the NaN), as PyTorch's
        x.grad = None
    assert minigan.round(minigan.tensor([1.2345, 1250.0]), decimals=2).tolist() == pytest.approx([1.23, 1250.0])
    assert minigan.tensor([1250.0, 1350.0]).round(decimals=-2).tolist() == [1200.0, 1400.0]  # 12.5 -> 12, 13.5 -> 14
    counts = minigan.tensor([-3, 0, 2])
    assert minigan.sign(counts).tolist() == [-1, 0, 1] and counts.floor().dtype == minigan.int64
    with pytest.raises(TypeError, match="round: decimals=1 needs a float tensor, got int64"):
        counts.round(decimals=1)


def test_reciprocal_rsqrt_eq_and_ne_as_written_out():
    x = minigan.tensor([2.0, 4.0], requires_grad=True)
    assert minigan.reciprocal(x).tolist() == [0.5, 0.25]
    assert x.rsqrt().tolist() == pytest.approx([2**-0.5, 0.5], rel=1e-7)
    (x.reciprocal() + minigan.rsqrt(x)).sum().backward()  # -1/x^2 - x^(-3/2)/2
    assert x.grad.tolist() == pytest.approx([-0.25 - 2**-1.5 / 2, -1 / 16 - 1 / 16], rel=1e-6)
    assert minigan.reciprocal(minigan.tensor([2])).tolist() == [0.5]  # an integer tensor becomes float32
    with np.errstate(divide="ignore"):  # minigan warns as NumPy does where PyTorch is silent
        assert minigan.reciprocal(minigan.tensor([0.0, -0.0])).tolist() == [np.inf, -np.inf]
        assert minigan.rsqrt(minigan.tensor([0.0])).tolist() == [np.inf]
    a = minigan.tensor([1.0, 2.0])
    assert minigan.eq(a, minigan.tensor([1.0, 3.0])).tolist() == [True, False]
    assert minigan.eq(a, 2).tolist() == [False, True]
    assert minigan.ne(a, 1.0).tolist() == [False, True] and minigan.eq(a, a).dtype == minigan.bool
    assert minigan.lt(a, 2).tolist() == [True, False] and minigan.le(a, 2).tolist() == [True, True]
    assert minigan.gt(a, minigan.tensor([0.0, 3.0])).tolist() == [True, False]
    assert minigan.ge(a, 2.0).tolist() == [False, True] and minigan.less(a, 2).tolist() == [True, False]
    assert minigan.greater(a, 1).tolist() == [False, True] and minigan.greater_equal(a, 1).tolist() == [True, True]
    assert minigan.less_equal(a, 1).tolist() == [True, False] and minigan.not_equal(a, 1).tolist() == [False, True]
    with pytest.raises(TypeError, match="^lt\\(\\): argument 'input' must be a Tensor, not list$"):
        minigan.lt([1.0], 2.0)


@pytest.mark.parametrize("name, expected", [
    ("exp", [1.0, 2.718281828459045]), ("log", [-np.inf, 0.0]), ("sqrt", [0.0, 1.0]), ("log1p", [0.0, 0.6931471805599453]),
    ("expm1", [0.0, 1.718281828459045]), ("sigmoid", [0.5, 0.7310585786300049]), ("tanh", [0.0, 0.7615941559557649]),
    ("softplus", [0.6931471805599453, 1.3132616875182228]),
])
def test_the_math_of_an_integer_tensor_is_float32_as_in_pytorch(name, expected):
    counts = minigan.tensor([0, 1])  # int64; NumPy would give float64
    with np.errstate(divide="ignore"):  # log(0) = -inf, as PyTorch gives
        result, method = getattr(minigan, name)(counts), getattr(counts, name)()
    assert result.dtype == method.dtype == minigan.float32
    np.testing.assert_allclose(result.tolist(), expected, rtol=1e-6)


def test_torch_functional_the_module_has_split_norm_and_unique_and_names_the_rest():
    import minigan.functional as functional  # PyTorch's tutorials write: import torch.functional as F

    assert functional.split is minigan.split and functional.norm is minigan.norm
    assert functional.unique is minigan.unique
    assert [t.tolist() for t in functional.split(minigan.arange(5), 2)] == [[0, 1], [2, 3], [4]]
    assert functional.norm(minigan.tensor([3.0, 4.0])).item() == 5.0
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        packed, pivots = functional.lu(minigan.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=minigan.float64))
    # partial pivoting swaps the rows: L = [[1, 0], [1/3, 1]], U = [[3, 4], [0, 2/3]], pivots 1-based
    np.testing.assert_allclose(packed.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]], rtol=1e-15)
    assert pivots.tolist() == [2, 2]
    with pytest.raises(minigan.UnsupportedFeatureError, match="torch.functional.stft is not supported by minigan"):
        functional.stft(minigan.ones(8), 4)
    assert not hasattr(functional, "no_such_function")


def test_small_pytorch_functions_and_methods():
    x = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert minigan.is_floating_point(x) and not minigan.is_floating_point(minigan.tensor([1]))
    assert not minigan.is_complex(x) and not x.is_complex()
    assert minigan.is_nonzero(minigan.tensor([2.0])) and not minigan.tensor([0]).is_nonzero()
    with pytest.raises(RuntimeError, match="^Boolean value of Tensor with more than one value is ambiguous$"):
        x.is_nonzero()
    detached = minigan.detach(x)
    assert not detached.requires_grad and detached.tolist() == [1.0, 2.0, 3.0]
    assert minigan.t(minigan.ones(2, 3)).shape == (3, 2)
    assert x.where(x > 1.5, minigan.tensor(0.0)).tolist() == [0.0, 2.0, 3.0] and x.where(x < 2, 9).tolist() == [1.0, 9.0, 9.0]
    assert x.maximum(minigan.tensor([2.0, 2.0, 2.0])).tolist() == [2.0, 2.0, 3.0]
    assert x.minimum(minigan.tensor(2.0)).tolist() == [1.0, 2.0, 2.0]
    x.where(x > 1.5, 0.0).sum().backward()  # the gradient flows to the elements taken from x
    assert x.grad.tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(TypeError, match=r"^detach\(\): argument 'input' must be a Tensor, not list$"):
        minigan.detach([1.0])
