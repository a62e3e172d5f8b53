"""The low-level ``torch.*`` forms of nn operations (minigan/nn_forms/native_norms.py,
convolution_sampling.py, embedding_bags.py): ``convolution``, ``conv_tbc``, the ``native_*``
normalisations with their statistics, ``native_dropout``'s mask, ``norm_except_dim``,
``embedding_bag``'s four results and the grid samplers. Expected values are written out by hand or
computed here with plain NumPy from the formulas, as checked against PyTorch 2.14.1 (CPU)."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan as torch
import minigan.nn.functional as F
from minigan.gradcheck import gradcheck

RNG = np.random.default_rng(28)


def t64(values, requires_grad=False):
    return torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def t32(values):
    return torch.tensor(np.asarray(values, dtype=np.float32))


def close(tensor, expected, tol=1e-12):
    np.testing.assert_allclose(tensor.detach().numpy(), np.asarray(expected, dtype=np.float64), rtol=tol, atol=tol)


def ints(tensor, expected, dtype=np.int64):
    assert tensor.numpy().dtype == dtype
    np.testing.assert_array_equal(tensor.numpy(), np.asarray(expected, dtype=dtype).reshape(tensor.shape))
    assert tensor.shape == np.asarray(expected).shape


def correlate1d(x, w, stride=1, padding=0, dilation=1):
    """Plain cross-correlation: x (N, C, L), w (O, C, K) -> (N, O, OL)."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    k = w.shape[2]
    length = (x.shape[2] - dilation * (k - 1) - 1) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], length))
    for i in range(length):
        window = x[:, :, i * stride: i * stride + dilation * (k - 1) + 1: dilation]  # (N, C, K)
        out[:, :, i] = np.einsum("nck,ock->no", window, w)
    return out


# ============================================================================ convolution
def test_convolution_is_conv1d_with_lists_and_groups():
    x, w, b = RNG.standard_normal((2, 4, 7)), RNG.standard_normal((6, 2, 3)), RNG.standard_normal(6)
    out = torch.convolution(t64(x), t64(w), t64(b), [2], [1], [1], False, [0], 2)
    expected = np.concatenate([correlate1d(x[:, :2], w[:3], 2, 1), correlate1d(x[:, 2:], w[3:], 2, 1)], 1)
    expected += b[None, :, None]
    assert out.shape == (2, 6, 4) and out.dtype == torch.float64
    close(out, expected, 1e-12)
    close(torch.convolution(t64(x), t64(w), None, (1,), (0,), (2,), False, (0,), 2),
          np.concatenate([correlate1d(x[:, :2], w[:3], dilation=2), correlate1d(x[:, 2:], w[3:], dilation=2)], 1))


def test_convolution_dispatches_on_rank_and_transposed_and_repeats_a_single_value():
    x2, w2 = t64(RNG.standard_normal((1, 2, 5, 5))), t64(RNG.standard_normal((3, 2, 3, 3)))
    same = torch.convolution(x2, w2, None, [1], [1], [1], False, [0], 1)
    close(same, F.conv2d(x2, w2, None, 1, 1).numpy())
    close(torch.convolution(x2, w2, None, [1, 2], [1, 0], [1, 1], False, [0, 0], 1),
          F.conv2d(x2, w2, None, (1, 2), (1, 0)).numpy())
    x1, wt1 = t64(RNG.standard_normal((2, 4, 7))), t64(RNG.standard_normal((4, 3, 3)))
    up = torch.convolution(x1, wt1, None, [2], [1], [1], True, [1], 2)
    assert up.shape == (2, 6, 14)  # (7 - 1) 2 - 2 + 2 + 1 + 1
    close(up, F.conv_transpose1d(x1, wt1, None, 2, 1, 1, 2).numpy())
    wt2 = t64(RNG.standard_normal((2, 3, 3, 3)))
    close(torch.convolution(x2, wt2, None, [2], [1], [1], True, [1], 1),
          F.conv_transpose2d(x2, wt2, None, 2, 1, 1).numpy())
    x3, w3 = t64(RNG.standard_normal((1, 2, 4, 4, 4))), t64(RNG.standard_normal((3, 2, 2, 2, 2)))
    close(torch.convolution(x3, w3, None, [2], [1], [1], False, [0], 1), F.conv3d(x3, w3, None, 2, 1).numpy())
    wt3 = t64(RNG.standard_normal((2, 3, 2, 2, 2)))
    close(torch.convolution(x3, wt3, None, [1, 1, 1], [0, 0, 0], [1, 1, 1], True, [0, 0, 0], 1),
          F.conv_transpose3d(x3, wt3).numpy())


def test_convolution_errors_are_pytorchs():
    x, w = t32(RNG.standard_normal((2, 4, 7))), t32(RNG.standard_normal((6, 2, 3)))
    with pytest.raises(TypeError, match=r"^convolution\(\): argument 'stride' \(position 4\) must be tuple of ints, "
                                        r"not int$"):
        torch.convolution(x, w, None, 2, [1], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"^expected stride to be a single integer value or a list of 1 values to match "
                                           r"the convolution dimensions, but got stride=\[1, 1\]$"):
        torch.convolution(x, w, None, [1, 1], [0], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"output_padding=\[\]$"):
        torch.convolution(x, w, None, [1], [0], [1], False, [], 2)
    with pytest.raises(RuntimeError, match=r"^Expected 3-dimensional input for 3-dimensional weight \[6, 2, 3\], but got "
                                           r"2-dimensional input of size \[4, 7\] instead$"):
        torch.convolution(x[0], w, None, [1], [0], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"^Input type \(torch.FloatTensor\) and weight type \(torch.DoubleTensor\) "
                                           r"should be the same"):
        torch.convolution(x, w.double(), None, [1], [0], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"^Given groups=3, weight of size \[6, 2, 3\], expected input\[2, 4, 7\] to "
                                           r"have 6 channels, but got 4 channels instead$"):
        torch.convolution(x, w, None, [1], [0], [1], False, [0], 3)
    with pytest.raises(RuntimeError, match=r"^negative padding is not supported$"):
        torch.convolution(x, w, None, [1], [-1], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"^non-positive stride is not supported$"):
        torch.convolution(x, w, None, [0], [0], [1], False, [0], 2)
    with pytest.raises(RuntimeError, match=r"^non-positive groups is not supported$"):
        torch.convolution(x, w, None, [1], [0], [1], False, [0], 0)
    with pytest.raises(RuntimeError, match=r"^weight should have at least three dimensions$"):
        torch.convolution(x, w[0], None, [1], [0], [1], False, [0], 1)
    with pytest.raises(TypeError, match=r"argument 'transposed' \(position 7\) must be bool, not int$"):
        torch.convolution(x, w, None, [1], [0], [1], 1, [0], 2)


def test_conv_tbc_is_a_time_batch_channel_conv1d():
    x, w, b = RNG.standard_normal((7, 2, 3)), RNG.standard_normal((3, 3, 5)), RNG.standard_normal(5)
    out = torch.conv_tbc(t64(x), t64(w), t64(b))
    expected = np.stack([np.einsum("kbc,kco->bo", x[t:t + 3], w) for t in range(5)]) + b  # (5, B, C_out)
    assert out.shape == (5, 2, 5)
    close(out, expected)
    padded = np.pad(x, ((2, 2), (0, 0), (0, 0)))
    close(torch.conv_tbc(t64(x), t64(w), t64(b), 2), np.stack([np.einsum("kbc,kco->bo", padded[t:t + 3], w)
                                                               for t in range(9)]) + b)
    close(torch.conv_tbc(t64(x), t64(w), t64(b), pad=-1), expected[1:4])  # a negative pad crops time
    assert torch.conv_tbc(t64(x[:2]), t64(RNG.standard_normal((3, 3, 5))), t64(b)).shape == (0, 2, 5)


def test_conv_tbc_errors_are_pytorchs():
    x, w, b = t32(np.zeros((7, 2, 3))), t32(np.zeros((3, 3, 5))), t32(np.zeros(5))
    for args, message in [((x[0], w, b), "Input must have 3 dims: time, batch, in_channel"),
                          ((x, w[0], b), "Weight tensor must have 3 dims: kernel_width, in_channels, out_channels."),
                          ((x, w, b[None]), "Bias must be 1-D"),
                          ((x, w[:, :2], b), "Input dim 2 (input channels) is not == dim 1 in the weight tensor"),
                          ((x, w, b[:3]), "Bias size must equal dim 2 in the weight tensor (output channels)."),
                          ((x[:2], t32(np.zeros((5, 3, 5))), b), "Trying to create tensor with negative dimension -2: "
                                                                 "[-2, 2, 5]")]:
        with pytest.raises(RuntimeError) as caught:
            torch.conv_tbc(*args)
        assert str(caught.value) == message
    with pytest.raises(TypeError, match=r"^conv_tbc\(\): argument 'bias' \(position 3\) must be Tensor, not NoneType$"):
        torch.conv_tbc(x, w, None)


def test_convolution_and_conv_tbc_gradients():
    x, w = t64(RNG.standard_normal((2, 4, 6)), True), t64(RNG.standard_normal((4, 2, 3)), True)
    b = t64(RNG.standard_normal(4), True)
    assert gradcheck(lambda x, w, b: torch.convolution(x, w, b, [2], [1], [1], False, [0], 2), [x, w, b]).ok
    x2, wt = t64(RNG.standard_normal((1, 2, 3, 3)), True), t64(RNG.standard_normal((2, 3, 2, 2)), True)
    assert gradcheck(lambda x, w: torch.convolution(x, w, None, [2, 1], [0], [1], True, [1, 0], 1), [x2, wt]).ok
    xt, wtbc, bt = (t64(RNG.standard_normal(s), True) for s in ((5, 2, 3), (2, 3, 4), (4,)))
    assert gradcheck(lambda x, w, b: torch.conv_tbc(x, w, b, 1), [xt, wtbc, bt]).ok


# ============================================================================ normalisations
def test_native_layer_norm_returns_the_statistics_with_size_one_dims():
    x, w, b = RNG.standard_normal((2, 3, 4, 5)), RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    out, mean, rstd = torch.native_layer_norm(t64(x), [4, 5], t64(w), t64(b), 1e-3)
    mu = x.mean(axis=(2, 3), keepdims=True)
    inv = 1.0 / np.sqrt(x.var(axis=(2, 3), keepdims=True) + 1e-3)
    assert (out.shape, mean.shape, rstd.shape) == ((2, 3, 4, 5), (2, 3, 1, 1), (2, 3, 1, 1))
    close(out, (x - mu) * inv * w + b)
    close(mean, mu)
    close(rstd, inv)
    out32, mean32, rstd32 = torch.native_layer_norm(t32(x), (5,), None, None, 1e-5)
    assert (out32.dtype, mean32.dtype, rstd32.dtype) == (torch.float32,) * 3 and mean32.shape == (2, 3, 4, 1)
    close(out32, F.layer_norm(t32(x), [5]).numpy(), 0)


def test_native_layer_norm_errors_are_pytorchs():
    x = t32(np.zeros((2, 3, 4, 5)))
    with pytest.raises(RuntimeError, match=r"^Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got "
                                           r"input of size\[2, 3, 4, 5\]$"):
        torch.native_layer_norm(x, [4], None, None, 1e-5)
    with pytest.raises(RuntimeError, match=r"^Expected weight to be of same shape as normalized_shape, but got weight of "
                                           r"shape \[5\] and normalized_shape = \[4, 5\]$"):
        torch.native_layer_norm(x, [4, 5], t32(np.ones(5)), None, 1e-5)
    with pytest.raises(RuntimeError, match=r"^Expected normalized_shape to be at least 1-dimensional"):
        torch.native_layer_norm(x, [], None, None, 1e-5)
    with pytest.raises(TypeError, match=r"^native_layer_norm\(\): argument 'normalized_shape' \(position 2\) must be "
                                        r"tuple of ints, not int$"):
        torch.native_layer_norm(x, 5, None, None, 1e-5)


def test_native_layer_norm_gradients_through_all_three_results():
    x, w, b = (t64(RNG.standard_normal(s), True) for s in ((3, 4), (4,), (4,)))
    for k in range(3):
        assert gradcheck(lambda x, w, b, k=k: torch.native_layer_norm(x, [4], w, b, 1e-5)[k], [x, w, b]).ok


def test_native_group_norm_returns_per_group_statistics():
    x, w, b = RNG.standard_normal((2, 6, 5)), RNG.standard_normal(6), RNG.standard_normal(6)
    out, mean, rstd = torch.native_group_norm(t64(x), t64(w), t64(b), 2, 6, 5, 3, 1e-5)
    g = x.reshape(2, 3, 10)
    mu, inv = g.mean(2), 1.0 / np.sqrt(g.var(2) + 1e-5)
    assert (out.shape, mean.shape, rstd.shape) == ((2, 6, 5), (2, 3), (2, 3))
    close(out, ((g - mu[..., None]) * inv[..., None]).reshape(2, 6, 5) * w[:, None] + b[:, None])
    close(mean, mu)
    close(rstd, inv)
    flat = torch.native_group_norm(t64(x.reshape(-1)), None, None, 2, 6, 5, 3, 1e-5)  # any layout of N*C*HxW values
    close(flat[0], ((g - mu[..., None]) * inv[..., None]).reshape(-1))
    assert gradcheck(lambda x: torch.native_group_norm(x, None, None, 2, 6, 5, 3, 1e-5)[2], [t64(x, True)]).ok


def test_native_group_norm_errors_are_pytorchs():
    x = t32(np.zeros((2, 3, 4, 5)))
    with pytest.raises(RuntimeError, match=r"^Expected X.numel\(\) == N \* C \* HxW to be true, but got false.$"):
        torch.native_group_norm(x, None, None, 2, 3, 19, 3, 1e-5)
    with pytest.raises(RuntimeError, match=r"^Expected number of channels in input to be divisible by num_groups, but got "
                                           r"input of shape \[2, 3, 4, 5\] and num_groups=2$"):
        torch.native_group_norm(x, None, None, 2, 3, 20, 2, 1e-5)
    with pytest.raises(RuntimeError, match=r"^Expected num groups to be greater than 0, got 0$"):
        torch.native_group_norm(x, None, None, 2, 3, 20, 0, 1e-5)
    with pytest.raises(RuntimeError, match=r"^Expected weight to be a vector of size equal to the number of channels in "
                                           r"input, but got weight of shape \[4\] and input of shape \[2, 3, 4, 5\]$"):
        torch.native_group_norm(x, t32(np.ones(4)), None, 2, 3, 20, 3, 1e-5)


def test_native_batch_norm_training_saves_the_batch_statistics_and_updates_the_running_ones():
    x = np.array([[[1.0, 3.0]], [[2.0, 6.0]]]).transpose(0, 2, 1)  # (N=2, C=2, L=1): channels (1, 2) and (3, 6)
    w, b = np.array([2.0, 0.5]), np.array([1.0, -1.0])
    running_mean, running_var = t64([0.0, 1.0]), t64([1.0, 2.0])
    out, save_mean, save_invstd = torch.native_batch_norm(t64(x), t64(w), t64(b), running_mean, running_var,
                                                          True, 0.25, 1e-5)
    mu, inv = np.array([1.5, 4.5]), 1.0 / np.sqrt(np.array([0.25, 2.25]) + 1e-5)
    assert (save_mean.shape, save_invstd.shape) == ((2,), (2,))
    close(save_mean, mu)
    close(save_invstd, inv)
    close(out, (x - mu[:, None]) * inv[:, None] * w[:, None] + b[:, None])
    close(running_mean, 0.75 * np.array([0.0, 1.0]) + 0.25 * mu)
    close(running_var, 0.75 * np.array([1.0, 2.0]) + 0.25 * np.array([0.5, 4.5]))  # unbiased: 0.5 and 4.5
    no_stats = torch.native_batch_norm(t64(x), None, None, None, None, True, 0.1, 1e-5)
    close(no_stats[1], mu)
    assert gradcheck(lambda x: torch.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)[2],
                     [t64(RNG.standard_normal((4, 3)), True)]).ok


def test_native_batch_norm_takes_volumes_too():
    x = RNG.standard_normal((2, 3, 2, 2, 2))
    out, save_mean, save_invstd = torch.native_batch_norm(t64(x), None, None, None, None, True, 0.1, 1e-5)
    mu, var = x.mean(axis=(0, 2, 3, 4)), x.var(axis=(0, 2, 3, 4))
    assert out.shape == x.shape
    close(out, (x - mu[:, None, None, None]) / np.sqrt(var[:, None, None, None] + 1e-5))
    close(save_mean, mu)
    close(save_invstd, 1.0 / np.sqrt(var + 1e-5))


def test_native_batch_norm_evaluation_returns_empty_statistics():
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    mean, var = np.array([0.5, -0.5, 0.0], np.float32), np.array([2.0, 1.0, 4.0], np.float32)
    out, save_mean, save_invstd = torch.native_batch_norm(t32(x), None, None, t32(mean), t32(var), False, 0.1, 1e-5)
    close(out, (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-5), 1e-6)
    assert (save_mean.shape, save_invstd.shape) == ((0,), (0,))
    assert (save_mean.dtype, save_invstd.dtype) == (torch.float32, torch.float32)
    with pytest.raises(RuntimeError, match=r"^running_mean must be defined in evaluation mode$"):
        torch.native_batch_norm(t32(x), None, None, None, None, False, 0.1, 1e-5)
    with pytest.raises(TypeError, match=r"argument 'training' \(position 6\) must be bool, not int$"):
        torch.native_batch_norm(t32(x), None, None, None, None, 1, 0.1, 1e-5)


# ============================================================================ dropout, shuffle, norms
def test_native_dropout_returns_the_kept_mask_and_is_f_dropouts_draw():
    x = RNG.standard_normal((20, 30))
    torch.manual_seed(11)
    out, mask = torch.native_dropout(t64(x), 0.4, True)
    assert mask.dtype == torch.bool and mask.shape == (20, 30)
    kept = mask.numpy()
    close(out, np.where(kept, x / 0.6, 0.0))
    assert 0.3 < 1.0 - kept.mean() < 0.5
    torch.manual_seed(11)
    close(out, F.dropout(t64(x), 0.4).numpy(), 0)
    torch.manual_seed(11)
    assert np.array_equal(torch.native_dropout(t64(x), 0.4, None)[1].numpy(), kept)  # None means train
    leaf = t64(x, True)
    out, mask = torch.native_dropout(leaf, 0.4, True)
    out.sum().backward()
    close(leaf.grad, mask.numpy() / 0.6)


def test_native_dropout_out_of_training_and_at_the_ends():
    x = t32(RNG.standard_normal((3, 4)))
    out, mask = torch.native_dropout(x, 0.5, False)
    assert out is not x and mask.dtype == torch.bool
    close(out, x.numpy(), 0)
    assert mask.numpy().all()
    out, mask = torch.native_dropout(x, 1.0, True)
    assert not out.numpy().any() and not mask.numpy().any()
    out, mask = torch.native_dropout(x, 0.0, True)
    close(out, x.numpy(), 0)
    assert mask.numpy().all()
    with pytest.raises(RuntimeError, match=r"^bernoulli_ expects p to be in \[0, 1\], but got p=-0.1$"):
        torch.native_dropout(x, 1.1, True)
    with pytest.raises(RuntimeError, match=r"^bernoulli_ expects p to be in \[0, 1\], but got p=1.1$"):
        torch.native_dropout(x, -0.1, True)
    with pytest.raises(RuntimeError, match=r"^result type Float can't be cast to the desired output type Long$"):
        torch.native_dropout(torch.arange(4), 0.5, True)


def test_native_channel_shuffle_and_native_norm():
    out = torch.native_channel_shuffle(t32(np.arange(12.0).reshape(1, 6, 2)), 3)
    close(out, [[[0, 1], [4, 5], [8, 9], [2, 3], [6, 7], [10, 11]]])
    with pytest.raises(RuntimeError, match=r"^Number of channels must be divisible by groups. Got 6 channels and 4 "
                                           r"groups.$"):
        torch.native_channel_shuffle(t32(np.zeros((1, 6, 1))), 4)
    with pytest.raises(minigan.UnsupportedFeatureError, match="sparse tensors"):
        torch.native_norm(t32(np.ones(3)))
    with pytest.raises(NotImplementedError):  # PyTorch raises NotImplementedError for a dense tensor too
        torch.native_norm(t32(np.ones(3)), 3, (0,), False, None)


def test_norm_except_dim_keeps_the_dim_and_minus_one_means_all():
    v = RNG.standard_normal((3, 4, 5))
    n1 = torch.norm_except_dim(t64(v), 2, 1)
    assert n1.shape == (1, 4, 1)
    close(n1, np.sqrt((v ** 2).sum(axis=(0, 2), keepdims=True)))
    close(torch.norm_except_dim(t64(v)), np.sqrt((v ** 2).sum(axis=(1, 2), keepdims=True)))
    close(torch.norm_except_dim(t64(v), 3, 0), (np.abs(v) ** 3).sum(axis=(1, 2), keepdims=True) ** (1 / 3))
    whole = torch.norm_except_dim(t64(v), 1, -1)
    assert whole.shape == ()
    close(whole, np.abs(v).sum())
    close(torch.norm_except_dim(t64(v), 2, -2), np.sqrt((v ** 2).sum(axis=(0, 2), keepdims=True)))  # dim 1
    vec = RNG.standard_normal(4)
    close(torch.norm_except_dim(t64(vec), 2, 0), np.abs(vec))
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-3, 2\], but got "
                                         r"3\)$"):
        torch.norm_except_dim(t64(v), 2, 3)
    with pytest.raises(TypeError, match=r"^norm_except_dim\(\): argument 'pow' \(position 2\) must be int, not float$"):
        torch.norm_except_dim(t64(v), 2.0, 0)
    close(torch.norm_except_dim(t64(-3.0), 2, -1), 3.0)
    with pytest.raises(IndexError, match=r"^Dimension specified as 0 but tensor has no dimensions$"):
        torch.norm_except_dim(t64(-3.0), 2, 0)
    x = t64(RNG.standard_normal((3, 4)), True)
    assert gradcheck(lambda v: torch.norm_except_dim(v, 2, 1), [x]).ok
    assert gradcheck(lambda v: torch.norm_except_dim(v, 3, -1), [x]).ok


# ============================================================================ embedding_bag
ROWS = np.array([[r, 5 - r] for r in range(6)], np.float32)  # row r is (r, 5 - r): the maxima are easy to read
IDX, OFF = torch.tensor([1, 2, 4, 5, 4, 3, 2, 0]), torch.tensor([0, 2, 2, 5])  # bags [1 2] [] [4 5 4] [3 2 0]


def test_embedding_bag_sum_skips_offset2bag_without_padding():
    out, offset2bag, bag_size, max_indices = torch.embedding_bag(t32(ROWS), IDX, OFF)
    close(out, [[3, 7], [0, 0], [13, 2], [5, 10]])
    close(out, F.embedding_bag(IDX, t32(ROWS), OFF, mode="sum").numpy(), 0)
    ints(offset2bag, np.zeros(0))
    ints(bag_size, [0, 0, 0, 0])
    ints(max_indices, [0, 0, 0, 0])
    out, offset2bag, bag_size, _ = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 0, False, None, False, 2)
    close(out, [[1, 4], [0, 0], [13, 2], [3, 7]])
    ints(offset2bag, [0, 0, 2, 2, 2, 3, 3, 3])
    ints(bag_size, [0, 0, 0, 0])
    weights = RNG.random(8).astype(np.float32)
    out = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 0, False, t32(weights))[0]
    bags = ((0, 2), (2, 2), (2, 5), (5, 8))
    close(out, [(ROWS[IDX.numpy()[a:b]] * weights[a:b, None]).sum(0) for a, b in bags], 1e-6)


def test_embedding_bag_mean_gives_the_bag_sizes_twice():
    out, offset2bag, bag_size, max_indices = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 1)
    close(out, [[1.5, 3.5], [0, 0], [13 / 3, 2 / 3], [5 / 3, 10 / 3]], 1e-6)
    ints(offset2bag, [0, 0, 2, 2, 2, 3, 3, 3])
    ints(bag_size, [2, 0, 3, 3])
    ints(max_indices, [2, 0, 3, 3])
    out, _, bag_size, _ = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 1, False, None, False, -1)  # row 5
    ints(bag_size, [2, 0, 2, 3])
    close(out[2], [4, 1])


def test_embedding_bag_max_gives_the_rows_of_the_maxima():
    out, offset2bag, bag_size, max_indices = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 2)
    close(out, [[2, 4], [0, 0], [5, 1], [3, 5]])
    ints(offset2bag, [0, 0, 2, 2, 2, 3, 3, 3])
    ints(bag_size, [2, 0, 3, 3])
    ints(max_indices, [[2, 1], [0, 0], [5, 4], [3, 0]])
    _, _, bag_size, max_indices = torch.embedding_bag(t32(ROWS), IDX, OFF, False, 2, False, None, False, 2)
    ints(bag_size, [1, 0, 3, 2])
    ints(max_indices, [[1, 1], [0, 0], [5, 4], [3, 0]])
    ties = t32([[1, 5], [3, 3], [3, 5], [0, 0]])
    ints(torch.embedding_bag(ties, torch.tensor([1, 2, 0, 2, 1]), torch.tensor([0, 3]), False, 2)[3], [[1, 2], [2, 2]])


def test_embedding_bag_include_last_offset_and_index_dtypes():
    offsets = torch.tensor([0, 2, 2, 8])
    out, offset2bag, bag_size, _ = torch.embedding_bag(t32(ROWS), IDX, offsets, False, 1, False, None, True)
    assert out.shape == (3, 2)
    ints(offset2bag, [0, 0, 2, 2, 2, 2, 2, 2])
    ints(bag_size, [2, 0, 6])
    _, _, bag_size, max_indices = torch.embedding_bag(t32(ROWS), IDX, offsets, False, 0, False, None, True)
    ints(bag_size, [0, 0, 0, 0])  # mode sum: one per offset
    idx32, off32 = IDX.to(torch.int32), OFF.to(torch.int32)
    results = torch.embedding_bag(t32(ROWS), idx32, off32, False, 2)
    ints(results[3], [[2, 1], [0, 0], [5, 4], [3, 0]], np.int32)
    assert results[1].dtype == torch.int32
    assert torch.embedding_bag(t32(ROWS), idx32, OFF, False, 1)[1].dtype == torch.int64
    empty = torch.embedding_bag(t32(ROWS), IDX[:0], torch.tensor([0, 0]), False, 2)
    close(empty[0], np.zeros((2, 2)))
    ints(empty[3], np.zeros((2, 2)))


def test_embedding_bag_errors_are_pytorchs():
    weight = t32(ROWS)
    for args, message in [((weight, IDX, OFF, False, 3), "`mode` must be sum, mean, or max."),
                          ((weight, IDX, OFF, False, 1, False, t32(np.ones(8))),
                           "embedding_bag: per_sample_weights only supported with mode='sum'"),
                          ((weight[0], IDX, OFF), "weight has to be a 2D Tensor, but got Tensor of dimension 1"),
                          ((weight, IDX + 3, OFF), "Index 2 of input takes value 7 which is not in the valid range [0, 6)"),
                          ((weight, IDX, OFF, False, 0, False, None, False, 6),
                           "padding_idx must be within the number of embeddings, -6 through 5, but got 6"),
                          ((weight, IDX, OFF, False, 0, False, None, False, -7),
                           "padding_idx must be within the number of embeddings, -6 through 5, but got -7"),
                          ((weight, IDX.float(), OFF),
                           "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
                           "Int; but got torch.FloatTensor instead (while checking arguments for embedding_bag)"),
                          ((weight, IDX, OFF[None]), "offsets has to be a 1D Tensor, but got Tensor of dimension 2"),
                          ((weight, IDX, torch.tensor([1, 3])), "offsets[0] has to be 0, i.e., the first sequence in "
                           "the mini-batch has to start from position 0. However, got 1")]:
        with pytest.raises(RuntimeError) as caught:
            torch.embedding_bag(*args)
        assert str(caught.value) == message
    with pytest.raises(TypeError, match=r"^embedding_bag\(\): argument 'offsets' \(position 3\) must be Tensor, not "
                                        r"NoneType$"):
        torch.embedding_bag(weight, IDX, None)
    with pytest.raises(TypeError, match=r"^embedding_bag\(\): argument 'mode' \(position 5\) must be int, not str$"):
        torch.embedding_bag(weight, IDX, OFF, False, "sum")


def test_embedding_bag_gradient_is_the_functional_forms():
    weight = t64(RNG.standard_normal((6, 3)), True)
    for mode in (0, 1, 2):
        assert gradcheck(lambda w, mode=mode: torch.embedding_bag(w, IDX, OFF, False, mode, False, None, False, 2)[0],
                         [weight]).ok


# ============================================================================ grid sampling
def test_grid_sampler_codes_are_the_functional_modes():
    x, grid = t64(RNG.standard_normal((2, 3, 4, 5))), t64(RNG.uniform(-1.2, 1.2, (2, 3, 2, 2)))
    x3, grid3 = t64(RNG.standard_normal((1, 2, 3, 4, 5))), t64(RNG.uniform(-1.2, 1.2, (1, 2, 2, 2, 3)))
    for i, mode in enumerate(("bilinear", "nearest", "bicubic")):
        for j, padding in enumerate(("zeros", "border", "reflection")):
            for aligned in (False, True):
                expected = F.grid_sample(x, grid, mode, padding, aligned).numpy()
                close(torch.grid_sampler(x, grid, i, j, aligned), expected, 0)
                close(torch.grid_sampler_2d(x, grid, i, j, aligned), expected, 0)
                if mode != "bicubic":
                    expected3 = F.grid_sample(x3, grid3, mode, padding, aligned).numpy()
                    close(torch.grid_sampler(x3, grid3, i, j, aligned), expected3, 0)
                    close(torch.grid_sampler_3d(x3, grid3, i, j, aligned), expected3, 0)
    # one bilinear point by hand: x = 0, y = 0 with align_corners is the middle of a 3 x 3 image
    image = t64(np.arange(9.0).reshape(1, 1, 3, 3))
    close(torch.grid_sampler(image, t64([[[[0.0, 0.0], [0.5, -1.0]]]]), 0, 0, True), [[[[4.0, 1.5]]]])


def test_grid_sampler_errors():
    x, grid = t32(np.zeros((2, 3, 4, 5))), t32(np.zeros((2, 3, 2, 2)))
    x3, grid3 = t32(np.zeros((1, 2, 3, 4, 5))), t32(np.zeros((1, 2, 2, 2, 3)))
    with pytest.raises(RuntimeError, match=r"^grid_sampler\(\): bicubic interpolation only supports 4D input$"):
        torch.grid_sampler(x3, grid3, 2, 0, False)
    with pytest.raises(RuntimeError, match=r"^grid_sampler\(\): expected 4D input and grid with same number of "
                                           r"dimensions, but got input with sizes \[1, 2, 3, 4, 5\]"):
        torch.grid_sampler_2d(x3, grid3, 0, 0, False)
    with pytest.raises(RuntimeError, match=r"^grid_sampler\(\): expected 5D input"):
        torch.grid_sampler_3d(x, grid, 0, 0, False)
    with pytest.raises(RuntimeError, match=r"^expected scalar type Float but found Double$"):
        torch.grid_sampler(x, grid.double(), 0, 0, False)
    with pytest.raises(TypeError, match=r"^grid_sampler\(\): argument 'align_corners' \(position 5\) must be bool, not "
                                        r"NoneType$"):
        torch.grid_sampler(x, grid, 0, 0, None)
    with pytest.raises(TypeError, match=r"argument 'interpolation_mode' \(position 3\) must be int, not str$"):
        torch.grid_sampler(x, grid, "bilinear", 0, False)
    with pytest.raises(ValueError, match=r"padding_mode must be 0 \(zeros\), 1 \(border\) or 2 \(reflection\), but "
                                         r"got 3"):
        torch.grid_sampler(x, grid, 0, 3, False)


def test_affine_grid_generator_is_affine_grid():
    theta, theta3 = t64(RNG.standard_normal((2, 2, 3))), t64(RNG.standard_normal((2, 3, 4)))
    for aligned in (False, True):
        close(torch.affine_grid_generator(theta, [2, 3, 4, 5], aligned),
              F.affine_grid(theta, [2, 3, 4, 5], aligned).numpy(), 0)
        close(torch.affine_grid_generator(theta3, (2, 1, 2, 4, 5), aligned),
              F.affine_grid(theta3, [2, 1, 2, 4, 5], aligned).numpy(), 0)
    identity = t64([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    close(torch.affine_grid_generator(identity, [1, 1, 2, 2], True), [[[[-1, -1], [1, -1]], [[-1, 1], [1, 1]]]])
    for args, error, message in [((theta, [2, 3, 4], False), RuntimeError,
                                  "AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs."),
                                 ((theta, [3, 3, 4, 5], False), RuntimeError, "Expected size for first two dimensions of "
                                  "batch2 tensor to be: [3, 3] but got: [2, 3]."),
                                 ((theta3, [2, 3, 4, 5], True), RuntimeError, "Expected size for first two dimensions of "
                                  "batch2 tensor to be: [2, 3] but got: [2, 4]."),
                                 ((theta[0], [2, 3, 4, 5], True), IndexError,
                                  "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
                                 ((theta, [2, 3, 4, 5], None), TypeError,
                                  "affine_grid_generator(): argument 'align_corners' (position 3) must be bool, not "
                                  "NoneType")]:
        with pytest.raises(error) as caught:
            torch.affine_grid_generator(*args)
        assert str(caught.value).strip("'") == message


def test_the_names_are_exported_and_run_on_the_strict_device():
    names = ["convolution", "conv_tbc", "native_layer_norm", "native_batch_norm", "native_group_norm", "native_dropout",
             "native_norm", "native_channel_shuffle", "norm_except_dim", "embedding_bag", "grid_sampler",
             "grid_sampler_2d", "grid_sampler_3d", "affine_grid_generator"]
    assert set(names) <= set(minigan.__all__)
    pytest.importorskip("array_api_strict")
    x = t64(RNG.standard_normal((2, 4, 6))).to("strict")
    w = t64(RNG.standard_normal((4, 2, 3))).to("strict")
    assert torch.convolution(x, w, None, [1], [0], [1], False, [0], 2).device.type == "strict"
    assert all(t.device.type == "strict" for t in torch.native_layer_norm(x, [6], None, None, 1e-5))
    assert all(t.device.type == "strict" for t in torch.native_dropout(x, 0.5, True))
    assert torch.norm_except_dim(x, 2, 1).device.type == "strict"
    bags = torch.embedding_bag(t64(ROWS).to("strict"), IDX.to("strict"), OFF.to("strict"), False, 2)
    assert all(t.device.type == "strict" for t in bags)
