"""Tensors with no elements, as PyTorch 2.14.1 treats them: a reduction over dims of other sizes
gives an empty result, a largest or smallest value of nothing raises PyTorch's error, the mean of
nothing is NaN, and shapes, dtypes and gradients come out without NumPy's errors or warnings
(floating-point warnings are errors here). The expected values are PyTorch's, written out."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
import minigan.nn.functional as F


def empty(*shape, dtype=minigan.float64, requires_grad=True):
    return minigan.zeros(*shape, dtype=dtype, requires_grad=requires_grad)


def is_nan(x, shape):
    return x.shape == shape and bool(np.isnan(np.asarray(x.tolist(), dtype=float)).all())


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_an_extreme_over_nonempty_dims_of_an_empty_tensor_is_empty_with_an_empty_gradient(name):
    x = empty(0, 3)
    y = getattr(minigan, name)(x, 1)
    assert y.shape == (0,) and y.dtype == minigan.float64
    y.sum().backward()
    assert x.grad.shape == (0, 3)
    assert getattr(minigan, name)(empty(0, 3), 1, keepdim=True).shape == (0, 1)
    assert getattr(minigan, name)(empty(2, 0, 4), 2).shape == (2, 0)
    assert getattr(minigan, name)(empty(0, 3, dtype=minigan.int64, requires_grad=False), 1).shape == (0,)


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_an_extreme_over_an_empty_dim_raises_pytorchs_error_naming_the_dim_as_given(name):
    with pytest.raises(IndexError, match=rf"^{name}\(\): Expected reduction dim -2 to have non-zero size\.$"):
        getattr(minigan, name)(empty(0, 3), -2)
    with pytest.raises(IndexError, match=rf"^{name}\(\): Expected reduction dim 1 to have non-zero size\.$"):
        getattr(minigan, name)(empty(3, 0), (0, 1))
    with pytest.raises(IndexError, match=rf"^{name}\(\): Expected reduction dim 0 to have non-zero size\.$"):
        getattr(minigan, name)(empty(0, 3, dtype=minigan.int64, requires_grad=False), 0)
    with pytest.raises(RuntimeError, match=rf"^{name}\(\): Expected reduction dim to be specified for input.numel\(\) "
                                           r"== 0\. Specify the reduction dim with the 'dim' argument\.$"):
        getattr(minigan, name)(empty(0, 3))


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_of_an_empty_tensor_raise_under_their_own_names(name):
    with pytest.raises(RuntimeError, match=rf"^{name}\(\): Expected reduction dim to be specified"):
        getattr(minigan, name)(empty(0, 3))
    with pytest.raises(RuntimeError, match=rf"^{name}\(\): Expected reduction dim to be specified"):
        getattr(empty(0, 3), name)()
    # along a dim PyTorch names the dim wrapped, unlike amax
    with pytest.raises(IndexError, match=rf"^{name}\(\): Expected reduction dim 0 to have non-zero size\.$"):
        getattr(minigan, name)(empty(0, 3), -2)
    values, indices = getattr(minigan, name)(empty(0, 3), 1)
    assert values.shape == (0,) and indices.shape == (0,) and indices.dtype == minigan.int64


def test_the_mean_of_nothing_is_nan_silently_with_an_empty_gradient():
    x = empty(0, 3)
    y = minigan.mean(x)
    assert is_nan(y, ())
    y.backward()
    assert x.grad.shape == (0, 3)
    assert is_nan(minigan.mean(empty(0, 3), 0), (3,))
    assert is_nan(minigan.mean(empty(0, 3), 0, keepdim=True), (1, 3))
    assert is_nan(empty(2, 0, 4).mean(dim=1), (2, 4))
    assert minigan.mean(empty(0, 3), 1).shape == (0,)  # over a dim of size 3: nothing to average
    assert minigan.mean(empty(0, 3, dtype=minigan.float16)).dtype == minigan.float16
    with pytest.raises(RuntimeError, match="could not infer output dtype"):
        minigan.mean(empty(0, 3, dtype=minigan.int64, requires_grad=False))


def test_losses_of_an_empty_batch_average_nothing_to_nan_and_sum_it_to_zero():
    x, target = empty(0, 3), empty(0, 3, requires_grad=False)
    for loss in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.binary_cross_entropy_with_logits):
        assert is_nan(loss(x, target), ())
        assert loss(x, target, reduction="sum").item() == 0.0
        assert loss(x, target, reduction="none").shape == (0, 3)
    assert is_nan(F.cross_entropy(x, minigan.zeros(0, dtype=minigan.int64)), ())


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,dim", [((0,), 0), ((0, 3), 0), ((0, 3), 1), ((3, 0), 1), ((2, 0, 4), 1)])
def test_softmax_of_an_empty_tensor_is_empty_with_an_empty_gradient(name, shape, dim):
    x = empty(*shape)
    y = getattr(F, name)(x, dim)
    assert y.shape == shape and y.dtype == minigan.float64
    y.sum().backward()
    assert x.grad.shape == shape


def test_flatten_and_the_norms_that_reshape_keep_an_empty_batch():
    assert minigan.zeros(0, 3).flatten(1).shape == (0, 3)
    assert minigan.flatten(minigan.zeros(0, 3, 4), 1).shape == (0, 12)
    assert minigan.zeros(2, 0, 4).flatten(-2).shape == (2, 0)
    assert minigan.zeros(2, 3, 0).flatten().shape == (0,)
    assert F.group_norm(empty(0, 3), 1).shape == (0, 3)
    assert F.group_norm(empty(0, 4, 5), 2).shape == (0, 4, 5)
    assert F.local_response_norm(empty(2, 0, 4), 2).shape == (2, 0, 4)
    assert F.local_response_norm(empty(0, 3, 4), 2).shape == (0, 3, 4)


def test_nanmean_with_no_value_left_is_nan_and_its_gradient_nan_without_warnings():
    x = minigan.tensor([math.nan, math.nan], dtype=minigan.float64, requires_grad=True)
    y = minigan.nanmean(x)
    y.backward()
    assert is_nan(y, ()) and is_nan(x.grad, (2,))
    x = minigan.tensor([math.nan, 1.0], dtype=minigan.float64, requires_grad=True)
    minigan.nanmean(x).backward()
    assert x.grad.tolist() == [0.0, 1.0]
    x = empty(0, 3)
    y = minigan.nanmean(x)
    y.backward()
    assert is_nan(y, ()) and x.grad.shape == (0, 3)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_the_median_of_nothing_is_nan_in_the_graph(name):
    x = empty(0, 3)
    y = getattr(minigan, name)(x)
    assert is_nan(y, ()) and y.requires_grad
    y.backward()
    assert x.grad.shape == (0, 3)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_the_median_of_no_integers_is_what_pytorchs_nan_becomes_in_the_dtype(name):
    expected = {minigan.int64: -2 ** 63, minigan.int32: -2 ** 31, minigan.int16: 0, minigan.int8: 0,
                minigan.uint8: 0, minigan.bool: True}
    for dtype, value in expected.items():
        y = getattr(minigan, name)(minigan.zeros(0, dtype=dtype))
        assert y.dtype == dtype and y.item() == value


@pytest.mark.parametrize("ord_", [math.inf, -math.inf, -1, -0.5])
def test_a_norm_with_no_identity_over_nothing_raises_pytorchs_error(ord_):
    text = f"{ord_:g}"
    with pytest.raises(RuntimeError, match=rf"^linalg\.vector_norm cannot compute the {text} norm on an empty tensor "
                                           "because the operation does not have an identity$"):
        minigan.linalg.vector_norm(empty(0, 3), ord_)
    with pytest.raises(RuntimeError, match=rf"^linalg\.vector_norm cannot compute the {text} norm on the dimension "
                                           "0because this dimension is empty and the operation does not have an "
                                           "identity$"):
        minigan.linalg.vector_norm(empty(0, 3), ord_, 0)
    assert minigan.linalg.vector_norm(empty(0, 3), ord_, 1).shape == (0,)
    assert minigan.linalg.vector_norm(empty(0, 3), 2).item() == 0.0


def test_multilabel_soft_margin_loss_over_no_classes_is_nan_silently():
    x = empty(2, 0)
    y = F.multilabel_soft_margin_loss(x, minigan.zeros(2, 0, dtype=minigan.float64), reduction="none")
    assert is_nan(y, (2,))
    y.sum().backward()
    assert x.grad.shape == (2, 0)
    assert is_nan(F.multilabel_soft_margin_loss(empty(0), minigan.zeros(0, dtype=minigan.float64)), ())
    assert F.multilabel_soft_margin_loss(empty(0, 3), minigan.zeros(0, 3), reduction="sum").item() == 0.0
    y = F.multilabel_soft_margin_loss(minigan.zeros(3, dtype=minigan.float64), minigan.zeros(3, dtype=minigan.float64))
    assert y.item() == pytest.approx(math.log(2.0), rel=1e-15)  # the mean of softplus(0) over three classes


@pytest.mark.parametrize("make,shape,expected", [
    (lambda: minigan.nn.Conv1d(2, 3, 3), (0, 2, 8), (0, 3, 6)),
    (lambda: minigan.nn.Conv2d(2, 3, 3), (0, 2, 8, 8), (0, 3, 6, 6)),
    (lambda: minigan.nn.Conv2d(2, 4, 3, groups=2, padding=1, padding_mode="reflect"), (0, 2, 8, 8), (0, 4, 8, 8)),
    (lambda: minigan.nn.Conv3d(2, 3, 3), (0, 2, 5, 5, 5), (0, 3, 3, 3, 3)),
    (lambda: minigan.nn.ConvTranspose1d(2, 3, 3), (0, 2, 8), (0, 3, 10)),
    (lambda: minigan.nn.ConvTranspose2d(2, 3, 3), (0, 2, 8, 8), (0, 3, 10, 10)),
    (lambda: minigan.nn.ConvTranspose3d(2, 3, 3), (0, 2, 4, 4, 4), (0, 3, 6, 6, 6)),
    (lambda: minigan.nn.Sequential(minigan.nn.Conv2d(2, 3, 3), minigan.nn.LeakyReLU(0.2)), (0, 2, 8, 8), (0, 3, 6, 6)),
])
def test_a_convolution_of_an_empty_batch_is_empty_with_zero_parameter_gradients(make, shape, expected):
    minigan.manual_seed(0)
    layer = make().double()
    x = empty(*shape)
    y = layer(x)
    assert y.shape == expected
    y.sum().backward()
    assert x.grad.shape == shape
    for parameter in layer.parameters():
        assert parameter.grad.shape == parameter.shape and not np.asarray(parameter.grad.tolist()).any()


@pytest.mark.parametrize("momentum,after", [(0.1, (0.1, 0.9)), (None, (0.5, 0.5))])
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (0, 4)), ("BatchNorm1d", (0, 4, 3)), ("BatchNorm2d", (0, 4, 2, 2))])
def test_batch_norm_of_an_empty_batch_in_training_is_empty_and_keeps_the_running_statistics(cls, shape, momentum, after):
    layer = getattr(minigan.nn, cls)(4, momentum=momentum).double()
    x = empty(*shape)
    y = layer(x)
    assert y.shape == shape
    y.sum().backward()
    assert x.grad.shape == shape
    assert layer.weight.grad.tolist() == [0.0] * 4 and layer.bias.grad.tolist() == [0.0] * 4
    assert layer.running_mean.tolist() == [0.0] * 4 and layer.running_var.tolist() == [1.0] * 4
    assert int(layer.num_batches_tracked) == 1  # counted, as PyTorch counts it
    # A batch of ones next: mean 1, variance 0; with momentum None the average is over 2 batches
    layer(minigan.ones((3,) + shape[1:], dtype=minigan.float64))
    assert layer.running_mean.tolist() == pytest.approx([after[0]] * 4, abs=1e-15)
    assert layer.running_var.tolist() == pytest.approx([after[1]] * 4, abs=1e-15)
    with pytest.raises(ValueError, match="(?i)expected more than 1 value per channel when training"):
        layer(minigan.ones((1, 4), dtype=minigan.float64)) if len(shape) == 2 else layer(
            minigan.ones((1, 4) + (1,) * (len(shape) - 2), dtype=minigan.float64))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_a_recurrent_layer_takes_an_empty_batch_and_refuses_an_empty_sequence(cls, batch_first):
    layer = getattr(minigan.nn, cls)(4, 3, batch_first=batch_first).double()
    x = empty(0, 2, 4) if batch_first else empty(2, 0, 4)  # two steps of no sequences
    output = layer(x)[0]
    assert output.shape == ((0, 2, 3) if batch_first else (2, 0, 3))
    output.sum().backward()
    assert x.grad.shape == x.shape
    no_steps = [empty(2, 0, 4) if batch_first else empty(0, 2, 4), empty(0, 4)]
    for x in no_steps:
        with pytest.raises(RuntimeError, match=r"^Expected sequence length to be larger than 0 in RNN$"):
            layer(x)


def test_split_by_zero_takes_an_empty_dim_whole_and_refuses_any_other():
    assert [piece.shape for piece in minigan.zeros(0, 3).split(0)] == [(0, 3)]
    assert [piece.shape for piece in minigan.split(minigan.zeros(3, 0), 0, dim=-1)] == [(3, 0)]
    assert [piece.shape for piece in minigan.zeros(0, 3).split(2)] == [(0, 3)]
    with pytest.raises(RuntimeError, match=r"^split_size can only be 0 if dimension size is 0, but got dimension size "
                                           r"of 3$"):
        minigan.zeros(0, 3).split(0, dim=1)
    with pytest.raises(RuntimeError, match=r"^split expects split_size be non-negative, but got split_size=-1$"):
        minigan.zeros(0).split(-1)
