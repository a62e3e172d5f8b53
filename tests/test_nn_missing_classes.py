"""The torch.nn classes added last (AdaptiveLogSoftmaxWithLoss, DataParallel, SyncBatchNorm, CrossMapLRN2d,
NLLLoss2d, Container, LinearCrossEntropyLoss and F.linear_cross_entropy) against plain NumPy written out
here, the values PyTorch 2.14.1 gives written out by hand, and PyTorch's error messages; gradients by
minigan.gradcheck (first and second order)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck import check_backward, gradcheck, gradgradcheck


def log_softmax_np(z: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def weights(module: nn.Module) -> dict[str, np.ndarray]:
    return {name: p.numpy() for name, p in module.named_parameters()}


# ====================================================================== AdaptiveLogSoftmaxWithLoss
def adaptive_softmax(*args, **kwargs) -> nn.AdaptiveLogSoftmaxWithLoss:
    """The module, where a tail of width 0 (in_features // div_value ** (i + 1) == 0) warns as
    PyTorch's does (kaiming_uniform_ on no element); any other warning fails the test."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs)
    assert all(str(w.message) == "Initializing zero-element tensors is a no-op" for w in caught), caught
    return module


def asm_by_hand(w: dict[str, np.ndarray], cutoffs: list[int], x: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Each row's log-probability of its target: the head's for a shortlist class, else the head's for the
    cluster plus the cluster's own log-softmax of the class."""
    head = log_softmax_np(x @ w["head.weight"].T + w.get("head.bias", 0.0))
    out = np.empty(len(target))
    for row, label in enumerate(target):
        if label < cutoffs[0]:
            out[row] = head[row, label]
            continue
        i = max(j for j in range(len(cutoffs)) if cutoffs[j] <= label)  # the cluster, 0-based
        inner = log_softmax_np(x[row] @ w[f"tail.{i}.0.weight"].T @ w[f"tail.{i}.1.weight"].T)
        out[row] = head[row, cutoffs[0] + i] + inner[label - cutoffs[i]]
    return out


def test_adaptive_softmax_parameters_are_pytorchs():
    asm = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    shapes = {name: p.shape for name, p in asm.named_parameters()}
    # head: 3 shortlist classes + 2 clusters; cluster i projects to 8 // 2 ** (i + 1) features
    assert shapes == {"head.weight": (5, 8), "head.bias": (5,), "tail.0.0.weight": (4, 8), "tail.0.1.weight": (3, 4),
                      "tail.1.0.weight": (2, 8), "tail.1.1.weight": (4, 2)}
    assert list(asm.state_dict()) == list(shapes)
    assert asm.cutoffs == [3, 6, 10] and asm.shortlist_size == 3 and asm.n_clusters == 2 and asm.head_size == 5
    plain = nn.AdaptiveLogSoftmaxWithLoss(8, 10, (3,))
    assert [name for name, _ in plain.named_parameters()] == ["head.weight", "tail.0.0.weight", "tail.0.1.weight"]
    assert plain.head.weight.shape == (4, 8) and plain.tail[0][0].weight.shape == (2, 8)
    state = {"head.weight": np.full((4, 8), 0.5, np.float32), "tail.0.0.weight": np.ones((2, 8), np.float32),
             "tail.0.1.weight": np.zeros((7, 2), np.float32)}  # a state_dict with PyTorch's names loads
    result = plain.load_state_dict(state)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    np.testing.assert_array_equal(plain.head.weight.numpy(), state["head.weight"])
    assert repr(plain).startswith("AdaptiveLogSoftmaxWithLoss(\n  (head): Linear(in_features=8, out_features=4, bias=False)")


@pytest.mark.parametrize("cutoffs, head_bias", [([3, 6], False), ([2], True), ([1, 2, 3, 4, 5, 6, 7, 8, 9], False)])
def test_adaptive_softmax_forward_against_numpy(cutoffs, head_bias):
    minigan.manual_seed(0)
    asm = adaptive_softmax(8, 10, cutoffs, div_value=2.0, head_bias=head_bias, dtype=np.float64)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((12, 8))
    target = np.array([0, 9, 3, 5, 1, 6, 2, 8, 7, 4, 9, 0])
    result = asm(minigan.tensor(x), minigan.tensor(target))
    assert type(result).__name__ == "_ASMoutput" and result._fields == ("output", "loss")
    expected = asm_by_hand(weights(asm), cutoffs, x, target)
    np.testing.assert_allclose(result.output.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(result.loss.numpy(), -expected.mean(), rtol=1e-12)
    output, loss = result  # unpacks as a tuple
    assert output.dtype == np.float64 and output.shape == (12,) and loss.shape == ()
    full = asm.log_prob(minigan.tensor(x)).numpy()  # every class's log-probability
    np.testing.assert_allclose(np.exp(full).sum(1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(full[np.arange(12), target], expected, rtol=1e-12)
    single = asm(minigan.tensor(x[3]), minigan.tensor(target[3]))  # unbatched: a 0-d output
    assert single.output.shape == () and single.loss.shape == ()
    np.testing.assert_allclose(single.output.numpy(), expected[3], rtol=1e-12)


def test_adaptive_softmax_float32_rows_and_one_row():
    minigan.manual_seed(2)
    asm = adaptive_softmax(4, 6, [2, 4])
    x = np.random.default_rng(3).standard_normal((1, 4)).astype(np.float32)
    result = asm(minigan.tensor(x), minigan.tensor([5]))
    assert result.output.dtype == np.float32 and result.output.shape == (1,)
    expected = asm_by_hand({k: v.astype(np.float64) for k, v in weights(asm).items()}, [2, 4], x.astype(np.float64),
                           np.array([5]))
    np.testing.assert_allclose(result.output.numpy(), expected, rtol=1e-6)


def test_adaptive_softmax_predict_is_the_argmax_of_log_prob():
    minigan.manual_seed(4)
    asm = adaptive_softmax(4, 10, [2, 5])
    with minigan.no_grad():  # a head that prefers a cluster for some rows and a shortlist class for others
        asm.head.weight.copy_(minigan.tensor(np.random.default_rng(5).standard_normal((4, 4)).astype(np.float32) * 3))
    x = np.random.default_rng(6).standard_normal((40, 4)).astype(np.float32)
    full = log_softmax_np(x.astype(np.float64) @ asm.head.weight.numpy().T.astype(np.float64))
    head_best = full.argmax(1)
    assert (head_best < 2).any() and (head_best >= 2).any()
    expected = asm.log_prob(minigan.tensor(x)).numpy().argmax(1)
    predicted = asm.predict(minigan.tensor(x))
    assert predicted.dtype == np.int64
    np.testing.assert_array_equal(predicted.numpy(), expected)
    rows = head_best >= 2  # only the rows the head sends to a cluster, then only the others
    np.testing.assert_array_equal(asm.predict(minigan.tensor(x[rows])).numpy(), expected[rows])
    np.testing.assert_array_equal(asm.predict(minigan.tensor(x[~rows])).numpy(), head_best[~rows])


def test_adaptive_softmax_gradients():
    minigan.manual_seed(7)
    asm = nn.AdaptiveLogSoftmaxWithLoss(6, 9, [2, 5], div_value=2.0, head_bias=True, dtype=np.float64)
    x = minigan.tensor(np.random.default_rng(8).standard_normal((7, 6)), requires_grad=True)
    target = minigan.tensor([0, 8, 3, 1, 5, 2, 6])
    gradcheck(lambda v: asm(v, target).output, [x])
    gradgradcheck(lambda v: asm(v, target).output, [x])
    check_backward(lambda v: asm(v, target).loss, [x], params=list(asm.parameters()))
    check_backward(lambda v: asm.log_prob(v), [x], params=list(asm.parameters()))
    asm(x, target).loss.backward()  # every parameter is reached
    assert all(p.grad is not None and np.abs(p.grad.numpy()).sum() > 0 for p in asm.parameters())


@pytest.mark.parametrize("cutoffs", [[], [5, 3], [0, 3], [3, 10], [3, 3], [2.5, 4]])
def test_adaptive_softmax_cutoff_errors(cutoffs):
    message = ("cutoffs should be a sequence of length larger than 0" if not cutoffs else
               "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each "
               "value is between 1 and n_classes-1")
    with pytest.raises(ValueError) as info:
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    assert str(info.value) == message


def test_adaptive_softmax_argument_errors():
    asm = adaptive_softmax(8, 10, [3, 6])
    x = minigan.zeros(4, 8)
    cases = [
        (x, [1, 2, 3], "Input and target should have the same size in the batch dimension."),
        (minigan.zeros(4, 8, 2), [1, 2, 3, 4],
         "1D target tensor expects 2D input tensors, but found inputs with size torch.Size([4, 8, 2])"),
        (x, 1, "0D target tensor expects 1D input tensors, but found inputs with size torch.Size([4, 8])"),
        (x, [[1, 2, 3, 4]], "0D or 1D target tensor expected, multi-target not supported"),
        (x, [1, 2, 3, 10], "Target values should be in [0, 9], but values in range [1, 10] were found. "),
        (x, [-1, 2, 3, 4], "Target values should be in [0, 9], but values in range [-1, 4] were found. "),
        # the width error of the first product PyTorch forms: a cluster's rows, else the head's
        (minigan.zeros(4, 5), [1, 4, 7, 8], "mat1 and mat2 shapes cannot be multiplied (1x5 and 8x2)"),
        (minigan.zeros(4, 5), [1, 2, 0, 0], "mat1 and mat2 shapes cannot be multiplied (4x5 and 8x5)"),
        (minigan.zeros(4, 5), [1, 2, 0, 12], "Target values should be in [0, 9], but values in range [0, 12] were found. "),
    ]
    for inputs, target, message in cases:
        with pytest.raises(RuntimeError) as info:
            asm(inputs, minigan.tensor(target))
        assert str(info.value) == message
    for call in (asm.log_prob, asm.predict):  # rows only, as PyTorch's
        with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)$"):
            call(minigan.zeros(8))


# ====================================================================== DataParallel
def test_data_parallel_module_without_gpus():
    if minigan.cuda.is_available():
        pytest.skip("PyTorch's DataParallel moves the module to the GPU where there is one")
    minigan.manual_seed(9)
    layer = nn.Linear(3, 2)
    wrapped = nn.DataParallel(layer, device_ids=[0, 1])  # PyTorch without GPUs ignores device_ids
    assert wrapped.module is layer and wrapped.device_ids == [] and not hasattr(wrapped, "output_device")
    assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    assert repr(wrapped) == "DataParallel(\n  (module): Linear(in_features=3, out_features=2, bias=True)\n)"
    x = minigan.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(wrapped(x).numpy(), x.numpy() @ layer.weight.numpy().T + layer.bias.numpy())
    assert nn.parallel.DataParallel is nn.DataParallel

    class Affine(nn.Module):
        def forward(self, a, b=1.0, *, c=2.0):
            return a * b + c

    assert nn.DataParallel(Affine())(x, 3.0, c=0.5).tolist() == [[0.5, 3.5, 6.5], [9.5, 12.5, 15.5]]
    other = nn.DataParallel(nn.Linear(3, 2))
    other.load_state_dict(wrapped.state_dict())  # "module."-prefixed keys, as PyTorch's checkpoints
    np.testing.assert_array_equal(other(x).numpy(), wrapped(x).numpy())


# ====================================================================== SyncBatchNorm
def batch_norm_by_hand(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    axes = (0,) + tuple(range(2, x.ndim))
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 2, 3), (2, 3, 2, 2, 3), (2, 3, 1, 2, 2, 2)])
def test_sync_batch_norm_is_batch_norm_in_one_process(shape):
    x = np.random.default_rng(10).standard_normal(shape) * 2 + 1
    layer = nn.SyncBatchNorm(3, dtype=np.float64)
    with minigan.no_grad():
        layer.weight.copy_(minigan.tensor([0.5, 1.0, 2.0], dtype=minigan.float64))
        layer.bias.copy_(minigan.tensor([0.0, -1.0, 1.0], dtype=minigan.float64))
    out = layer(minigan.tensor(x))
    scale = np.array([0.5, 1.0, 2.0]).reshape((1, 3) + (1,) * (len(shape) - 2))
    shift = np.array([0.0, -1.0, 1.0]).reshape(scale.shape)
    np.testing.assert_allclose(out.numpy(), batch_norm_by_hand(x) * scale + shift, rtol=1e-10, atol=1e-12)
    axes = (0,) + tuple(range(2, len(shape)))
    count = x.size // 3
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.1 * x.mean(axis=axes), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.9 + 0.1 * x.var(axis=axes) * count / (count - 1), rtol=1e-12)
    assert layer.num_batches_tracked.item() == 1
    layer.eval()
    y = np.random.default_rng(11).standard_normal(shape)
    rm = layer.running_mean.numpy().reshape(scale.shape)
    rv = layer.running_var.numpy().reshape(scale.shape)
    np.testing.assert_allclose(layer(minigan.tensor(y)).numpy(), (y - rm) / np.sqrt(rv + 1e-5) * scale + shift,
                               rtol=1e-10, atol=1e-12)
    layer.train()
    t = minigan.tensor(x[:2], requires_grad=True)
    gradcheck(lambda v: layer(v), [t])


def test_sync_batch_norm_options_and_repr():
    layer = nn.SyncBatchNorm(4)
    assert repr(layer) == "SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert layer.process_group is None and isinstance(layer, nn.BatchNorm1d)
    no_shift = nn.SyncBatchNorm(2, bias=False, momentum=None, process_group="group")
    assert no_shift.bias is None and list(no_shift.state_dict())[:1] == ["weight"] and no_shift.process_group == "group"
    assert repr(no_shift) == ("SyncBatchNorm(2, eps=1e-05, momentum=None, affine=True, bias=False, "
                              "track_running_stats=True)")
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    out = no_shift(minigan.tensor(x)).numpy()
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], rtol=1e-4)  # (x - mean) / sqrt(var + eps)
    np.testing.assert_allclose(no_shift.running_mean.numpy(), [2.0, 4.0])  # momentum None: the cumulative average
    np.testing.assert_allclose(no_shift.running_var.numpy(), [2.0, 8.0])  # the unbiased variances
    bare = nn.SyncBatchNorm(3, affine=False, track_running_stats=False)
    y = np.random.default_rng(12).standard_normal((5, 7)).astype(np.float32)  # no per-channel state: any C
    np.testing.assert_allclose(bare(minigan.tensor(y)).numpy(), batch_norm_by_hand(y.astype(np.float64)), atol=1e-5)


def test_sync_batch_norm_errors():
    layer = nn.SyncBatchNorm(4)
    cases = [(minigan.zeros(4), ValueError, "expected at least 2D input (got 1D input)"),
             (minigan.zeros(3, 0), ValueError, "SyncBatchNorm number of input channels should be non-zero"),
             (minigan.zeros(1, 4), ValueError,
              "Expected more than 1 value per channel when training, got input size torch.Size([1, 4])"),
             (minigan.zeros(3, 5), RuntimeError, "running_mean should contain 5 elements not 4")]
    for x, kind, message in cases:
        with pytest.raises(kind) as info:
            layer(x)
        assert str(info.value) == message
    with pytest.raises(RuntimeError, match=r"^weight should contain 5 elements not 4$"):
        nn.SyncBatchNorm(4, track_running_stats=False)(minigan.zeros(3, 5))


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Sequential(nn.BatchNorm2d(4, affine=False),
                                                                            nn.BatchNorm3d(4, eps=1e-3)),
                        nn.InstanceNorm2d(4))
    net[1].eval()
    weight, running_mean, linear = net[1].weight, net[1].running_mean, net[0]
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(net, process_group="group")
    assert converted is net and converted[0] is linear  # the model itself, its batch norms replaced
    assert [type(m).__name__ for m in converted.modules()] == [
        "Sequential", "Linear", "SyncBatchNorm", "Sequential", "SyncBatchNorm", "SyncBatchNorm", "InstanceNorm2d"]
    first = converted[1]
    assert first.weight is weight and first.running_mean is running_mean and first.training is False
    assert first.process_group == "group" and converted[2][0].affine is False and converted[2][1].eps == 1e-3
    single = nn.BatchNorm2d(3)
    swapped = nn.SyncBatchNorm.convert_sync_batchnorm(single)
    assert type(swapped) is nn.SyncBatchNorm and swapped is not single and swapped.bias is single.bias


# ====================================================================== CrossMapLRN2d
def cross_map_by_hand(x: np.ndarray, size: int, alpha: float, beta: float, k: float) -> np.ndarray:
    """PyTorch's window: channel 0 always, and channels max(1, c - p + 1) to min(c + p - 1, C - 1), p = (size - 1) // 2 + 1."""
    channels, p = x.shape[1], (size - 1) // 2 + 1
    scale = np.empty_like(x)
    for c in range(channels):
        window = [0] + list(range(max(1, c - p + 1), min(c + p - 1, channels - 1) + 1))
        scale[:, c] = (x[:, window] ** 2).sum(axis=1)
    return x * (k + alpha / size * scale) ** -beta


def test_cross_map_lrn2d_pytorchs_values():
    x = minigan.tensor(np.arange(1.0, 7.0).reshape(1, 6, 1, 1))
    out = nn.CrossMapLRN2d(3, alpha=3.0, beta=0.5, k=1.0)(x)
    # windows of squares 1, 4, 9, 16, 25, 36: {0,1}, {0..2}, {0..3}, {0,2,3,4}, {0,3,4,5}, {0,4,5}
    # (what PyTorch 2.14.1 gives: x / sqrt(1 + sum))
    expected = np.array([1 / 6 ** 0.5, 2 / 15 ** 0.5, 3 / 31 ** 0.5, 4 / 52 ** 0.5, 5 / 79 ** 0.5, 6 / 63 ** 0.5])
    np.testing.assert_allclose(out.numpy().ravel(), expected, rtol=1e-14)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 9])
@pytest.mark.parametrize("channels", [1, 3, 8])
def test_cross_map_lrn2d_against_numpy(size, channels):
    x = np.random.default_rng(13).standard_normal((2, channels, 3, 2)) * 3
    layer = nn.CrossMapLRN2d(size, alpha=0.3, beta=0.75, k=1.5)
    np.testing.assert_allclose(layer(minigan.tensor(x)).numpy(), cross_map_by_hand(x, size, 0.3, 0.75, 1.5), rtol=1e-12)
    small = minigan.tensor(x[:1, :, :2, :1], requires_grad=True)
    gradcheck(layer, [small])
    gradgradcheck(layer, [small])


def test_cross_map_lrn2d_defaults_repr_and_errors():
    layer = nn.CrossMapLRN2d(5)
    assert (layer.size, layer.alpha, layer.beta, layer.k) == (5, 1e-4, 0.75, 1)
    assert repr(layer) == "CrossMapLRN2d(5, alpha=0.0001, beta=0.75, k=1)"
    x = np.random.default_rng(14).standard_normal((2, 4, 2, 2)).astype(np.float32)
    out = layer(minigan.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), cross_map_by_hand(x.astype(np.float64), 5, 1e-4, 0.75, 1.0), rtol=1e-6)
    for shape in [(2, 3, 4), (2, 3, 4, 1, 1)]:
        with pytest.raises(ValueError, match=rf"^CrossMapLRN2d: Expected input to be 4D, got {len(shape)}D instead\.$"):
            layer(minigan.zeros(*shape))
    with pytest.raises(IndexError, match=r"^select\(\): index 0 out of range for tensor of size \[2, 0, 4, 1\] at "
                                         r"dimension 1$"):
        layer(minigan.zeros(2, 0, 4, 1))
    for dtype, name in [(minigan.int64, "Long"), (minigan.int32, "Int"), (minigan.uint8, "Byte")]:
        with pytest.raises(RuntimeError, match=rf"^result type Float can't be cast to the desired output type {name}$"):
            layer(minigan.ones(1, 2, 2, 2, dtype=dtype))
    with pytest.raises(RuntimeError, match=r"^result type Long can't be cast to the desired output type Bool$"):
        layer(minigan.ones(1, 2, 2, 2, dtype=minigan.bool))


# ====================================================================== NLLLoss2d, Container
NLL2D_WARNING = r"^`NLLLoss2d` has been deprecated\. Please use `NLLLoss` instead as a drop-in replacement\.$"


def nll_loss_2d(**kwargs):
    with pytest.warns(FutureWarning, match=NLL2D_WARNING):  # PyTorch's deprecation warning, at each construction
        return nn.NLLLoss2d(**kwargs)


def test_nll_loss_2d_is_nll_loss():
    assert issubclass(nn.NLLLoss2d, nn.NLLLoss)
    log_probs = np.log(np.array([[[[0.2, 0.6]], [[0.8, 0.4]]]]))  # (N=1, C=2, H=1, W=2)
    target = np.array([[[1, 0]]])
    loss = nll_loss_2d()(minigan.tensor(log_probs), minigan.tensor(target))
    np.testing.assert_allclose(loss.numpy(), -(np.log(0.8) + np.log(0.6)) / 2, rtol=1e-12)
    weighted = nll_loss_2d(weight=minigan.tensor([1.0, 3.0], dtype=minigan.float64), reduction="sum")
    np.testing.assert_allclose(weighted(minigan.tensor(log_probs), minigan.tensor(target)).numpy(),
                               -(3 * np.log(0.8) + np.log(0.6)), rtol=1e-12)
    assert repr(nll_loss_2d(ignore_index=1)) == repr(nn.NLLLoss(ignore_index=1)).replace("NLLLoss", "NLLLoss2d")


def test_container_holds_modules_by_keyword():
    with pytest.warns(FutureWarning, match=r"^`nn\.Container` is deprecated\. All of its functionality is now "
                                           r"implemented in `nn\.Module`\. Subclass that instead\.$"):
        box = nn.Container(encoder=nn.Linear(2, 3), act=nn.ReLU())
    assert [name for name, _ in box.named_children()] == ["encoder", "act"]
    assert list(box.state_dict()) == ["encoder.weight", "encoder.bias"]
    assert repr(box) == "Container(\n  (encoder): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n)"
    with pytest.raises(NotImplementedError):
        box(minigan.zeros(2))


# ====================================================================== LinearCrossEntropyLoss
def cross_entropy_by_hand(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-row losses of logits (N, C, *d) for labels (N, *d)."""
    lp = log_softmax_np(logits, axis=1)
    return -np.take_along_axis(lp, target[:, None], axis=1)[:, 0]


def test_linear_cross_entropy_loss_against_numpy():
    minigan.manual_seed(15)
    loss = nn.LinearCrossEntropyLoss(5, 4, bias=True, dtype=np.float64)
    assert [name for name, _ in loss.named_parameters()] == ["linear.weight", "linear.bias"]
    assert loss.linear.weight.shape == (4, 5)
    x = np.random.default_rng(16).standard_normal((6, 5))
    target = np.array([0, 3, 1, 2, 3, 0])
    logits = x @ loss.linear.weight.numpy().T + loss.linear.bias.numpy()
    per_row = cross_entropy_by_hand(logits, target)
    np.testing.assert_allclose(loss(minigan.tensor(x), minigan.tensor(target)).numpy(), per_row.mean(), rtol=1e-12)
    functional = F.linear_cross_entropy(minigan.tensor(x), loss.linear.weight, minigan.tensor(target),
                                        linear_bias=loss.linear.bias, reduction="none")
    np.testing.assert_allclose(functional.numpy(), per_row, rtol=1e-12)
    xt = minigan.tensor(x, requires_grad=True)
    gradcheck(lambda v: loss(v, minigan.tensor(target)), [xt])
    gradgradcheck(lambda v: loss(v, minigan.tensor(target)), [xt])
    check_backward(lambda v: loss(v, minigan.tensor(target)), [xt], params=list(loss.parameters()))


def test_linear_cross_entropy_loss_k_dimensional_and_options():
    minigan.manual_seed(17)
    weight = minigan.tensor([0.5, 1.0, 2.0], dtype=minigan.float64)
    loss = nn.LinearCrossEntropyLoss(4, 3, out_features=(2,), weight=weight, reduction="sum", label_smoothing=0.0,
                                     dtype=np.float64)
    assert loss.linear.weight.shape == (6, 4) and loss.linear.bias is None
    assert list(loss.state_dict()) == ["weight", "linear.weight"]  # the class weight is a buffer, as PyTorch's
    x = np.random.default_rng(18).standard_normal((5, 4))
    target = np.array([[0, 2], [1, 1], [2, 0], [0, 0], [1, 2]])
    # the flat weight's row c * 2 + d scores class c at place d
    logits = (x @ loss.linear.weight.numpy().T).reshape(5, 3, 2)
    lp = log_softmax_np(logits, axis=1)
    expected = -sum(np.array([0.5, 1.0, 2.0])[target[n, d]] * lp[n, target[n, d], d] for n in range(5) for d in range(2))
    np.testing.assert_allclose(loss(minigan.tensor(x), minigan.tensor(target)).numpy(), expected, rtol=1e-12)
    assert repr(loss) == ("LinearCrossEntropyLoss(\n  in_features=4, num_classes=3, out_features=(2,), bias=False, "
                          "reduction=sum, ignore_index=None, label_smoothing=0.0, options=None\n  (linear): "
                          "Linear(in_features=4, out_features=6, bias=False)\n)")
    with pytest.raises(minigan.UnsupportedFeatureError, match="chunked form"):
        nn.LinearCrossEntropyLoss(4, 3, options=object())
    with pytest.raises(minigan.UnsupportedFeatureError, match=r"^torch\.nn\.LinearCrossEntropyOptions is not supported"):
        nn.LinearCrossEntropyOptions


def test_linear_cross_entropy_probability_targets_and_unbatched():
    w = np.random.default_rng(19).standard_normal((3, 4))
    x = np.random.default_rng(20).standard_normal((2, 4))
    probs = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    lp = log_softmax_np(x @ w.T)
    out = F.linear_cross_entropy(minigan.tensor(x), minigan.tensor(w), minigan.tensor(probs))
    np.testing.assert_allclose(out.numpy(), -(probs * lp).sum(1).mean(), rtol=1e-12)
    one = F.linear_cross_entropy(minigan.tensor(x[1]), minigan.tensor(w), minigan.tensor(2))
    np.testing.assert_allclose(one.numpy(), -lp[1, 2], rtol=1e-12)


def test_linear_cross_entropy_errors():
    x, w, t = minigan.zeros(2, 5), minigan.zeros(4, 5), minigan.tensor([0, 1])
    cases = [
        (lambda: F.linear_cross_entropy(minigan.zeros(2, 3, 5), w, t), "expected input with dimensionality 1 or 2, got 3"),
        (lambda: F.linear_cross_entropy(x, minigan.zeros(5), t), "expected linear_weight with dimensionality at least 2, got 1"),
        (lambda: F.linear_cross_entropy(x, minigan.zeros(4, 6), t),
         "expected equal input and linear_weight last dimensions (in_features), got 5 and 6, respectively"),
        (lambda: F.linear_cross_entropy(x, w, t, linear_bias=minigan.zeros(3)), "expected linear_bias shape (4,), got (3,)"),
        (lambda: F.linear_cross_entropy(minigan.zeros(5), minigan.zeros(4, 3, 5), minigan.tensor([0, 1, 2])),
         "K-dimensional loss defined by linear_weight shape (4, 3, 5) requires batched input, (N, 5), got unbatched "
         "input with shape (5,)"),
        (lambda: F.linear_cross_entropy(x, w, minigan.zeros(2, 4), ignore_index=1),
         "ignore_index cannot be specified when target contains probabilities"),
        (lambda: nn.LinearCrossEntropyLoss(5, 4, weight=minigan.ones(3)), "expected weight shape to be (4,), got (3,)"),
        (lambda: nn.LinearCrossEntropyLoss(5, 4, label_smoothing=1.5),
         "expected label_smoothing to be in range [0, 1], got 1.5"),
    ]
    for call, message in cases:
        with pytest.raises(RuntimeError) as info:
            call()
        assert str(info.value) == message
    with pytest.raises(minigan.UnsupportedFeatureError, match="chunked form"):
        F.linear_cross_entropy(x, w, t, options=object())


def test_factory_kwargs():
    assert nn.factory_kwargs(None) == {} and nn.factory_kwargs({}) == {}
    assert nn.factory_kwargs({"device": "cpu", "factory_kwargs": {"dtype": minigan.float64}}) == {
        "dtype": minigan.float64, "device": "cpu"}
    with pytest.raises(TypeError, match=r"^unexpected kwargs \{'bias'\}$"):
        nn.factory_kwargs({"bias": True, "dtype": None})
    with pytest.raises(TypeError, match=r"^dtype specified twice, in \*\*kwargs and in factory_kwargs$"):
        nn.factory_kwargs({"dtype": minigan.float32, "factory_kwargs": {"dtype": minigan.float64}})


def test_on_the_test_device():
    pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(21)
    minigan.manual_seed(22)
    asm = adaptive_softmax(6, 9, [2, 5], dtype=np.float64)
    x, target = rng.standard_normal((7, 6)), np.array([0, 8, 3, 1, 5, 2, 6])
    expected = asm_by_hand(weights(asm), [2, 5], x, target)
    asm.to("strict")
    xs = minigan.tensor(x).to("strict").requires_grad_()
    result = asm(xs, minigan.tensor(target).to("strict"))
    np.testing.assert_allclose(result.output.cpu().numpy(), expected, rtol=1e-12)
    result.loss.backward()
    assert xs.grad.shape == (7, 6) and xs.grad.device == xs.device
    np.testing.assert_array_equal(asm.predict(xs.detach()).cpu().numpy(),
                                  asm.log_prob(xs.detach()).cpu().numpy().argmax(1))
    y = rng.standard_normal((2, 3, 2, 2, 2))
    norm = nn.SyncBatchNorm(3, dtype=np.float64).to("strict")
    np.testing.assert_allclose(norm(minigan.tensor(y).to("strict")).cpu().numpy(), batch_norm_by_hand(y), atol=1e-10)
    z = rng.standard_normal((2, 5, 2, 2))
    np.testing.assert_allclose(nn.CrossMapLRN2d(3, 0.3, 0.75, 1.5)(minigan.tensor(z).to("strict")).cpu().numpy(),
                               cross_map_by_hand(z, 3, 0.3, 0.75, 1.5), rtol=1e-12)
    w = rng.standard_normal((4, 6))
    loss = F.linear_cross_entropy(minigan.tensor(x).to("strict"), minigan.tensor(w).to("strict"),
                                  minigan.tensor(target % 4))  # labels on the CPU, as cross_entropy reads them
    np.testing.assert_allclose(loss.cpu().numpy(), cross_entropy_by_hand(x @ w.T, target % 4).mean(), rtol=1e-12)


def test_the_names_are_exported():
    for name in ("AdaptiveLogSoftmaxWithLoss", "Container", "CrossMapLRN2d", "DataParallel", "LinearCrossEntropyLoss",
                 "NLLLoss2d", "SyncBatchNorm"):
        assert name in nn.__all__ and issubclass(getattr(nn, name), nn.Module)
    assert "linear_cross_entropy" in F.__all__


def test_adaptive_softmax_with_a_tail_of_width_zero_warns_as_pytorchs():
    # in_features 4 with div_value 4: the second tail's projection is 4 // 16 = 0 wide
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2, 4])
