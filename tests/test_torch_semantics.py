"""PyTorch's semantics for shapes, reductions and conversions, checked against values written out by hand."""
import math

import numpy as np
import pytest

import minigan


# ------------------------------------------------------------------ transpose, permute, T
def test_transpose_swaps_two_dims_and_permute_reorders_them():
    assert minigan.tensor(np.zeros((2, 3))).transpose(0, 1).shape == (3, 2)
    x = minigan.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.transpose(1, 2).shape == (2, 4, 3)
    assert x.transpose(-1, 0).shape == (4, 3, 2)
    assert x.transpose(1, 2)[1, 3, 2].item() == 12 + 2 * 4 + 3  # x[1, 2, 3]
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((2, 0, 1)).shape == (4, 2, 3)
    assert x.permute(2, 0, 1)[3, 1, 2].item() == 12 + 8 + 3
    assert x.T.shape == (4, 3, 2) and minigan.tensor([[1.0, 2.0]]).T.tolist() == [[1.0], [2.0]]
    assert minigan.transpose(x, 0, 2).shape == (4, 3, 2)


def test_out_of_range_and_repeated_dims_raise_like_pytorch():
    x = minigan.zeros(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.transpose(0, 2)
    with pytest.raises(IndexError, match=r"\[-2, 1\], but got -3"):
        x.permute(-3, 0)
    with pytest.raises(RuntimeError, match="duplicate dims"):
        x.permute(0, 0)
    with pytest.raises(RuntimeError, match="number of dims"):
        x.permute(1, 0, 2)


def test_transpose_gradient_goes_back_to_its_place():
    w = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    (w.transpose(0, 1) * minigan.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])).sum().backward()
    assert w.grad.tolist() == [[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]


# ------------------------------------------------------------------ dim= and keepdim=
def test_sum_mean_take_dim_and_keepdim():
    x = minigan.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.sum(dim=1).tolist() == [6.0, 15.0]
    assert x.sum(dim=0, keepdim=True).tolist() == [[5.0, 7.0, 9.0]]
    assert x.sum((0, 1)).item() == 21.0
    assert x.mean(dim=1).tolist() == [2.0, 5.0]
    assert minigan.sum(x, dim=-1).tolist() == [6.0, 15.0]
    assert x.sum(axis=1, keepdims=True).tolist() == [[6.0], [15.0]]  # NumPy's spelling still works


def test_max_min_with_dim_return_values_and_indices():
    x = minigan.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    result = x.max(dim=1)
    values, indices = result
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0] and indices.dtype == np.int64
    assert result.values is values and result.indices is indices
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]  # the index picked, not a split tie
    low = minigan.min(x, 0, keepdim=True)
    assert low.values.tolist() == [[1.0, 0.0, 2.0]] and low.indices.tolist() == [[0, 1, 0]]
    assert x.max().item() == 7.0 and x.min().item() == 0.0
    assert x.max(minigan.tensor([3.0, 3.0, 3.0])).tolist() == [[3.0, 5.0, 3.0], [7.0, 3.0, 7.0]]
    assert x.argmax().item() == 3 and x.argmax(dim=1).tolist() == [1, 0] and x.argmin(1, keepdim=True).tolist() == [[0], [1]]


def test_softmax_var_std_norm_take_dim():
    x = minigan.tensor([[0.0, np.log(3.0)], [1.0, 1.0]])
    np.testing.assert_allclose(x.softmax(dim=1).numpy(), [[0.25, 0.75], [0.5, 0.5]], rtol=1e-6)
    np.testing.assert_allclose(minigan.log_softmax(x, dim=0).numpy()[:, 0], np.log([1 / (1 + np.e), np.e / (1 + np.e)]), rtol=1e-6)
    v = minigan.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    np.testing.assert_allclose(v.var(1).numpy(), [13.0 / 3.0, 49.0 / 3.0], rtol=1e-6)  # unbiased by default
    np.testing.assert_allclose(v.var(1, unbiased=False).numpy(), [26.0 / 9.0, 98.0 / 9.0], rtol=1e-6)
    np.testing.assert_allclose(v.std(dim=1, keepdim=True).numpy(), np.sqrt([[13.0 / 3.0], [49.0 / 3.0]]), rtol=1e-6)
    g = minigan.tensor([[3.0, 4.0], [6.0, 8.0]])
    assert g.norm(2, dim=1).tolist() == [5.0, 10.0]
    assert g.norm(1, dim=0).tolist() == [9.0, 12.0] and g.norm().item() == pytest.approx(125 ** 0.5)


# ------------------------------------------------------------------ one-element conversions
def test_one_element_conversions():
    t = minigan.tensor(2.75)
    assert float(t) == 2.75 and int(t) == 2 and int(-t) == -2 and f"{t:.1f}" == "2.8"
    assert bool(minigan.tensor([0.0])) is False and bool(minigan.tensor([0.5])) is True
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(minigan.zeros(2, 3))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        list(minigan.tensor(3.0))
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        float(minigan.zeros(2))
    assert [row.tolist() for row in minigan.tensor([[1.0], [2.0]])] == [[1.0], [2.0]]
    index = minigan.tensor([1.0, 3.0]).argmax()
    assert ["a", "b"][index] == "b" and isinstance(index.item(), int)
    with pytest.raises(TypeError, match="only integer tensors"):
        ["a", "b"][minigan.tensor(1.0)]


# ------------------------------------------------------------------ no silent conversions
@pytest.mark.parametrize("make", [
    lambda: minigan.tensor(None),
    lambda: minigan.tensor([1.0]) + None,
    lambda: minigan.tensor([1.0]) + "3",
    lambda: minigan.tensor(["1", "2"]),
    lambda: minigan.tensor([1.0, None]),
])
def test_none_and_strings_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


# ------------------------------------------------------------------ integer tensors
def test_integer_tensors_cast_compare_and_index():
    labels = minigan.randint(0, 10, (4,))
    assert isinstance(labels, minigan.Tensor) and labels.dtype == np.int64
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        minigan.arange(3).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        minigan.tensor(np.arange(3), dtype=minigan.long, requires_grad=True)
    ints = minigan.tensor(np.array([3, -1, 2]))
    assert ints.float().dtype == np.float32 and ints.float().tolist() == [3.0, -1.0, 2.0]
    assert ints.double().dtype == np.float64 and ints.int().dtype == np.int32
    assert minigan.tensor([2.7, -2.7]).long().tolist() == [2, -2]  # truncation toward zero
    assert ints.to(minigan.float32).dtype == np.float32 and ints.to(dtype=minigan.int64) is ints
    assert (ints > 0).tolist() == [True, False, True] and (ints > 0).dtype == np.bool_
    table = minigan.tensor([[10.0, 11.0], [20.0, 21.0], [30.0, 31.0], [40.0, 41.0]])
    assert table[ints].tolist() == [[40.0, 41.0], [40.0, 41.0], [30.0, 31.0]]
    assert table[table[:, 0] > 25].tolist() == [[30.0, 31.0], [40.0, 41.0]]


def test_arithmetic_promotes_as_pytorch():
    ints = minigan.arange(4)
    assert (ints + 1).dtype == np.int64 and (ints + 1).tolist() == [1, 2, 3, 4]
    assert (ints + 0.5).dtype == np.float32 and (ints + 0.5).tolist() == [0.5, 1.5, 2.5, 3.5]
    assert (ints * minigan.ones(4)).dtype == np.float32
    assert (ints / 2).dtype == np.float32 and (ints / 2).tolist() == [0.0, 0.5, 1.0, 1.5]
    joined = minigan.cat([minigan.tensor([0.5]), ints])
    assert joined.dtype == np.float32 and joined.tolist() == [0.5, 0.0, 1.0, 2.0, 3.0]
    stacked = minigan.stack([ints, minigan.tensor(np.arange(4, dtype=np.int32))], dim=0)
    assert stacked.dtype == np.int64 and stacked.shape == (2, 4)


def test_a_scalar_tensor_does_not_widen_a_larger_one_as_in_pytorch():
    batch = minigan.tensor([[1.0, 2.0]], requires_grad=True)
    scale = minigan.tensor(2.0, dtype=minigan.float64, requires_grad=True)
    product = batch * scale
    assert product.dtype == np.float32 and product.tolist() == [[2.0, 4.0]]
    product.sum().backward()
    assert batch.grad.dtype == np.float32 and batch.grad.tolist() == [[2.0, 2.0]]
    assert scale.grad.dtype == np.float64 and scale.grad.item() == 3.0  # 1 + 2, back in its own dtype
    small = minigan.tensor(np.array([1, 2], np.int32))
    assert (small + minigan.tensor(np.int64(3))).dtype == np.int32
    assert (minigan.ones(2, dtype=minigan.float64) + minigan.ones(2)).dtype == np.float64  # both sized: widened
    assert (minigan.tensor(3.0, dtype=minigan.float64) + minigan.tensor(1.0)).dtype == np.float64  # both 0-d


def test_floor_division_and_remainder_follow_python_signs():
    a = minigan.tensor(np.array([7, -7, 7, -7]))
    b = minigan.tensor(np.array([2, 2, -2, -2]))
    assert (a // b).tolist() == [3, -4, -4, 3] and (a % b).tolist() == [1, 1, -1, -1]
    x = minigan.tensor([7.5, -7.5])
    assert (x // 2).tolist() == [3.0, -4.0] and (x % 2).tolist() == [1.5, 0.5] and (x % 2).dtype == np.float32
    assert (7 // minigan.tensor(np.array([2]))).tolist() == [3] and (7 % minigan.tensor(np.array([-2]))).tolist() == [-1]
    with pytest.raises(ZeroDivisionError):
        a // minigan.tensor(np.array([0, 1, 1, 1]))
    # a % b = a - floor(a / b) b:  d/da = 1, d/db = -floor(a / b) (5 // 3 = 1, -5 // 3 = -2)
    p = minigan.tensor([5.0, -5.0], requires_grad=True)
    q = minigan.tensor([3.0, 3.0], requires_grad=True)
    (p % q).sum().backward()
    assert p.grad.tolist() == [1.0, 1.0] and q.grad.tolist() == [-1.0, 2.0]


def test_remainder_values_do_not_depend_on_requires_grad():
    # PyTorch's values: a finite a over an infinite b of its sign is a (a - floor(a/b) b read NaN
    # for it when a gradient was recorded), over one of the other sign that infinity; a zero result
    # keeps a's sign; a NaN or an infinite a gives NaN
    inf, nan = math.inf, math.nan
    a_values = [1.0, -1.0, 1.0, -3.0, 3.0, -0.0, nan, inf]
    b_values = [inf, -inf, -inf, 1.5, -1.5, 2.0, 1.0, 2.0]
    expected = [1.0, -1.0, -inf, 0.0, 0.0, -0.0, nan, nan]
    signs = [False, True, True, True, False, True, False, False]  # -3 % 1.5 = -0.0, 3 % -1.5 = 0.0
    for requires_grad in (False, True):
        a = minigan.tensor(a_values, dtype=minigan.float64, requires_grad=requires_grad)
        b = minigan.tensor(b_values, dtype=minigan.float64, requires_grad=requires_grad)
        result = minigan.remainder(a, b).detach().numpy()
        np.testing.assert_array_equal(result, expected)
        assert np.signbit(result[:6]).tolist() == signs[:6]
    minigan.remainder(a, b).sum().backward()  # d/db = -floor(a / b): NaN for a NaN or infinite a
    np.testing.assert_array_equal(b.grad.numpy(), [-0.0, -0.0, 1.0, 2.0, 2.0, 0.0, nan, nan])


def test_dataloader_labels_are_int64_tensors():
    dataset = minigan.data.TensorDataset(minigan.zeros(4, 2), np.array([1, 0, 3, 2]))
    samples = [(minigan.zeros(2), 3), (minigan.zeros(2), 1)]
    images, labels = minigan.data.default_collate(samples)
    assert isinstance(labels, minigan.Tensor) and labels.dtype == np.int64 and labels.tolist() == [3, 1]
    assert len(dataset) == 4


# ------------------------------------------------------------------ NaN gradients
def test_max_over_a_nan_sends_the_gradient_to_the_nan():
    v = minigan.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    v.max().backward()
    assert v.grad.tolist() == [0.0, 1.0, 0.0]
    w = minigan.tensor([[1.0, float("nan"), 3.0]], requires_grad=True)
    result = w.max(dim=1)
    assert result.indices.tolist() == [1]
    result.values.sum().backward()
    assert w.grad.tolist() == [[0.0, 1.0, 0.0]]


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_relu_abs_leaky_relu_gradients_at_nan_are_pytorch_s(kernels):
    nan = float("nan")
    with minigan.backends.use_cpu_kernels(kernels):
        x = minigan.tensor([nan, -1.0, 2.0], requires_grad=True)
        x.relu().sum().backward()
        assert x.grad.tolist() == [1.0, 0.0, 1.0]
        x.grad = None
        x.abs().sum().backward()
        assert x.grad.tolist() == [0.0, -1.0, 1.0]
        x.grad = None
        x.leaky_relu(0.2).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), [0.2, 0.2, 1.0])
        # the fused Linear + ReLU kernels read the same formula: d relu/dz = 1 at the NaN
        w = minigan.tensor([[1.0]], requires_grad=True)
        inputs = minigan.tensor([[nan], [-1.0]], requires_grad=True)
        minigan.ops.linear(inputs, w, activation="relu").sum().backward()
        assert inputs.grad.tolist() == [[1.0], [0.0]]


# ------------------------------------------------------------------ names PyTorch code uses
def test_from_numpy_shares_memory_and_keeps_the_dtype():
    array = np.array([1, 2, 3], dtype=np.int32)
    t = minigan.from_numpy(array)
    assert t.dtype == np.int32
    array[0] = 9
    assert t.tolist() == [9, 2, 3]
    t.add_(1)
    assert array.tolist() == [10, 3, 4]
    with pytest.raises(TypeError, match="expected np.ndarray"):
        minigan.from_numpy([1, 2])


def test_repeat_chunk_split_give_hand_written_values():
    x = minigan.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.repeat(1, 2).tolist() == [[1.0, 2.0, 1.0, 2.0], [3.0, 4.0, 3.0, 4.0]]
    assert x.repeat(2, 1).tolist() == [[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [3.0, 4.0]]
    assert minigan.tensor([5.0, 6.0]).repeat(2, 2).tolist() == [[5.0, 6.0, 5.0, 6.0], [5.0, 6.0, 5.0, 6.0]]
    r = minigan.arange(5)
    assert [p.tolist() for p in r.chunk(2)] == [[0, 1, 2], [3, 4]]
    assert [p.tolist() for p in r.chunk(4)] == [[0, 1], [2, 3], [4]]  # fewer pieces, as PyTorch
    assert [p.tolist() for p in r.split(2)] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in minigan.split(r, [1, 4])] == [[0], [1, 2, 3, 4]]
    assert [p.tolist() for p in x.split(1, dim=1)] == [[[1.0], [3.0]], [[2.0], [4.0]]]
    with pytest.raises(RuntimeError, match="sum exactly to 5"):
        r.split([1, 2])
    w = minigan.tensor([1.0, 2.0], requires_grad=True)
    (w.repeat(3) * minigan.arange(6).float()).sum().backward()
    assert w.grad.tolist() == [0.0 + 2.0 + 4.0, 1.0 + 3.0 + 5.0]


def test_new_factories_take_the_tensor_s_dtype_and_device():
    x = minigan.zeros(2, dtype=minigan.float64)
    assert x.new_zeros(3).dtype == np.float64 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2).tolist() == [1.0, 1.0] and x.new_full((2,), 7).tolist() == [7.0, 7.0]
    assert x.new_tensor([1, 2]).dtype == np.float64 and x.new_zeros(2, dtype=minigan.int64).dtype == np.int64
    b = 4
    labels = minigan.full((b,), 1, dtype=x.dtype, device=x.device)
    assert labels.tolist() == [1.0] * 4 and labels.dtype == np.float64
    out = minigan.randn(b, 1)
    assert out.view(-1, 1).squeeze(1).shape == (b,)


def test_cross_entropy_takes_int64_tensor_labels():
    # logits (0, log 3): softmax (1/4, 3/4); label 1 costs -log(3/4), label 0 costs -log(1/4)
    logits = minigan.tensor([[0.0, np.log(3.0)], [0.0, np.log(3.0)]])
    loss = minigan.nn.functional.cross_entropy(logits, minigan.tensor(np.array([1, 0])))
    assert loss.item() == pytest.approx((-np.log(0.75) - np.log(0.25)) / 2, rel=1e-6)
    with pytest.raises(TypeError, match="Long"):
        minigan.nn.functional.cross_entropy(logits, minigan.tensor([1.0, 0.0]))


# ------------------------------------------------------------------ defaults and old checkpoints
def test_clamp_bounds_are_numbers_or_tensors_not_one_of_each():
    x = minigan.tensor([1.0, 5.0])
    assert x.clamp(min=np.float32(2.0)).tolist() == [2.0, 5.0]
    assert x.clamp(min=minigan.tensor(2.0)).tolist() == [2.0, 5.0]
    with pytest.raises(TypeError, match=r"^clamp\(\) received an invalid combination of arguments - got "
                                        r"\(Tensor, Tensor, float\): min and max must be both Tensors or both numbers$"):
        x.clamp(minigan.tensor(2.0), 4.0)
    with pytest.raises(TypeError, match="^clamp: min and max must be numbers or Tensors, got str$"):
        x.clamp(min="2")


def test_sgd_takes_pytorch_s_default_learning_rate():
    p = minigan.nn.Parameter(minigan.tensor([1.0]))
    optimizer = minigan.optim.SGD([p])
    assert optimizer.defaults["lr"] == 1e-3
    p.grad = minigan.tensor([2.0])
    optimizer.step()
    assert p.item() == pytest.approx(1.0 - 1e-3 * 2.0)


def test_a_checkpoint_without_num_batches_tracked_loads_as_in_pytorch():
    """PyTorch checkpoints from before 0.4.1 have no num_batches_tracked; loading keeps the module's."""
    model = minigan.nn.Sequential(minigan.nn.Linear(3, 4), minigan.nn.BatchNorm1d(4))
    state = model.state_dict()
    del state["1.num_batches_tracked"]
    model[1].num_batches_tracked[...] = 5
    result = model.load_state_dict(state)
    assert list(result.missing_keys) == [] and int(model[1].num_batches_tracked) == 5
    del state["1.running_var"]
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): '1.running_var'$"):
        model.load_state_dict(state)


def test_tensor_infers_its_dtype_from_python_data_as_pytorch_does():
    assert minigan.tensor([1, 2]).dtype == np.int64 and minigan.tensor(3).dtype == np.int64
    assert minigan.tensor([1.0, 2]).dtype == np.float32 and minigan.tensor(2.5).dtype == np.float32
    assert minigan.tensor(True).dtype == np.bool_ and minigan.tensor([[True, 1]]).dtype == np.int64
    assert minigan.tensor(np.array([1, 2], np.int32)).dtype == np.int32  # an array keeps its own
    assert minigan.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert minigan.Tensor([1, 2]).dtype == np.float32  # the class, as torch.Tensor, makes floats
    with pytest.raises(RuntimeError, match="floating point"):
        minigan.tensor([1, 2], requires_grad=True)
    # so labels written as a list are class indices, as in a PyTorch script
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]], np.float32)
    loss = minigan.nn.functional.cross_entropy(minigan.tensor(logits), minigan.tensor([0, 2]))
    log_softmax = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    assert loss.item() == pytest.approx(-(log_softmax[0, 0] + log_softmax[1, 2]) / 2, rel=1e-6)


def test_indexing_a_0d_tensor_says_to_use_item():
    loss = minigan.tensor(2.5)
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor. Use `tensor.item\\(\\)`"):
        loss.data[0]  # what scripts written for PyTorch 0.3 do
    assert loss.item() == 2.5


def test_narrow_gives_pytorch_s_views_and_errors():
    """Values and messages of PyTorch 2.14.1's torch.narrow, written out."""
    x = minigan.arange(10.0)
    assert x.narrow(0, -3, 2).tolist() == [7.0, 8.0] and x.narrow(0, minigan.tensor(2), 3).tolist() == [2.0, 3.0, 4.0]
    assert x.narrow(0, 10, 0).shape == (0,)
    m = minigan.arange(12).view(3, 4)
    assert minigan.narrow(m, 1, 1, 2).tolist() == [[1, 2], [5, 6], [9, 10]]
    view = m.narrow(0, 1, 1)
    m[1, 0] = 100
    assert view.tolist() == [[100, 5, 6, 7]]  # a view of the same memory
    with pytest.raises(IndexError, match=r"start out of range \(expected to be in range of \[-10, 10\], but got 11\)"):
        x.narrow(0, 11, 1)
    with pytest.raises(RuntimeError, match=r"start \(2\) \+ length \(9\) exceeds dimension size \(10\)\."):
        x.narrow(0, 2, 9)
    with pytest.raises(RuntimeError, match="length must be non-negative"):
        x.narrow(0, 2, -1)
    w = minigan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w.narrow(0, 1, 2) * minigan.tensor([10.0, 20.0])).sum().backward()
    assert w.grad.tolist() == [0.0, 10.0, 20.0]


# ------------------------------------------------------------------ movedim, moveaxis, swapaxes, swapdims
@pytest.mark.parametrize("source, destination", [(0, -1), ((0, 1), (2, 0)), (-1, 0), ((2, 0), (0, 1)), ([], [])])
def test_movedim_moves_dims_as_numpys_moveaxis(source, destination):
    values = np.arange(24.0).reshape(2, 3, 4)
    x = minigan.tensor(values, requires_grad=True)
    moved = minigan.movedim(x, source, destination)
    np.testing.assert_array_equal(moved.numpy(), np.moveaxis(values, source, destination))
    assert minigan.moveaxis(x, source, destination).shape == x.movedim(source, destination).shape == moved.shape
    weights = np.arange(24.0).reshape(moved.shape)
    (moved * minigan.tensor(weights)).sum().backward()  # the gradient is the weights moved back
    np.testing.assert_array_equal(x.grad.numpy(), np.moveaxis(weights, destination, source))


def test_movedim_gives_pytorchs_errors_and_swapaxes_is_transpose():
    x = minigan.zeros(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"source \(\[0, 1\] dims\) should contain the same number of dims as "
                                            r"destination \(\[1\] dims\)"):
        minigan.movedim(x, (0, 1), (1,))
    with pytest.raises(RuntimeError, match=r"movedim: repeated dim in `source` \(\[0, 0\]\)"):
        minigan.movedim(x, (0, 0), (1, 2))
    with pytest.raises(RuntimeError, match=r"movedim: repeated dim in `destination` \(\[1, 1\]\)"):
        minigan.movedim(x, (0, 1), (1, 1))
    with pytest.raises(IndexError, match=r"expected to be in range of \[-3, 2\], but got 3"):
        minigan.movedim(x, 3, 0)
    assert minigan.movedim(minigan.tensor(3.0), 0, 0).item() == 3.0
    assert x.swapaxes(0, 2).shape == minigan.swapdims(x, 0, 2).shape == minigan.swapaxes(x, 0, 2).shape == (4, 3, 2)
    x.swapdims_(0, 1)
    assert x.shape == (3, 2, 4)
