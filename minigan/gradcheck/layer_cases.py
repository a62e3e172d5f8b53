"""Gradient-check cases for the nn layers and losses.

Layers are checked with ``check_backward`` along a random direction through the input *and*
every parameter; losses with the full-Jacobian ``gradcheck`` with respect to their input.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .. import nn, ops
from ..nn import functional as F
from ..autograd import Tensor
from .conv3d_cases import CONV3D_LAYER_CASES
from .volumetric_cases import VOLUMETRIC_LAYER_CASES, grid_points
from .opcase import DISTINCT_LAYOUTS, OpCase, Shapes, distinct, off_zero, positive


def _layer_case(name: str, layer: nn.Module, shapes: list[Shapes], **kwargs) -> OpCase:
    return OpCase(name, layer, shapes, params=lambda: list(layer.parameters()), **kwargs)


def _probabilities(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Into (0.05, 0.95): away from the clamp of BCE's log."""
    return [0.05 + 0.9 / (1.0 + np.exp(-a)) for a in arrays]


def _probabilities_and_targets(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Probabilities and soft targets in (0.05, 0.95) (a step of the central difference must keep
    a target in [0, 1], which the loss checks)."""
    probs, targets = arrays
    return _probabilities([probs], rng) + [rng.uniform(0.05, 0.95, np.shape(targets))]


def _logits_and_targets(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Logits as drawn and soft targets in (0, 1)."""
    logits, targets = arrays
    return [logits, rng.uniform(0.0, 1.0, np.shape(targets))]


def _with_labels(loss: Callable[..., Tensor]) -> Callable[[Tensor], Tensor]:
    def fn(logits: Tensor) -> Tensor:
        labels = np.arange(logits.shape[0]) % logits.shape[1]
        return loss(logits, labels)

    return fn


_generator = np.random.default_rng(123)
_mlp = nn.Sequential(
    nn.Linear(5, 4, rng=_generator, dtype=np.float64), nn.Tanh(),
    nn.Linear(4, 3, rng=_generator, dtype=np.float64), nn.LeakyReLU(0.2),
    nn.Linear(3, 1, rng=_generator, dtype=np.float64), nn.Sigmoid(),
)
_batchnorm = nn.BatchNorm1d(4, dtype=np.float64)
_batchnorm.weight.array[...] = _generator.uniform(0.5, 1.5, 4)
_batchnorm.bias.array[...] = _generator.standard_normal(4)

_batchnorm2d = nn.BatchNorm2d(3, dtype=np.float64)
_batchnorm2d.weight.array[...] = _generator.uniform(0.5, 1.5, 3)
_batchnorm2d.bias.array[...] = _generator.standard_normal(3)
_small_dcgan_d = nn.Sequential(
    nn.Unflatten(1, (1, 6, 6)), nn.Conv2d(1, 2, 4, stride=2, padding=1, rng=_generator, dtype=np.float64),
    nn.LeakyReLU(0.2), nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=_generator, dtype=np.float64),
    nn.Tanh(), nn.Flatten(), nn.Linear(12, 1, rng=_generator, dtype=np.float64),
)
_small_dcgan_g = nn.Sequential(
    nn.Linear(3, 8, rng=_generator, dtype=np.float64), nn.Unflatten(1, (2, 2, 2)),
    nn.ConvTranspose2d(2, 2, 4, stride=2, padding=1, rng=_generator, dtype=np.float64), nn.Tanh(),
    nn.ConvTranspose2d(2, 1, 4, stride=2, padding=1, rng=_generator, dtype=np.float64), nn.Sigmoid(),
)

class _EmbeddingTimesInput(nn.Module):
    """Embedding rows at indices that repeat (row 2 three times, so its gradient must be added once
    per use), times the input (a Module, so that the device tests move its weight)."""

    index = np.array([[2, 0, 2], [4, 2, 1]])

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(5, 4, rng=_generator, dtype=np.float64)

    def forward(self, x: Tensor) -> Tensor:
        return self.embedding(self.index) * x


class _AllOutputs(nn.Module):
    """A recurrent layer or cell with every output flattened into one Tensor (output, h_n and an
    LSTM's c_n), so that one check covers them all; a second input, when given, is h_0."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: Tensor, *state: Tensor) -> Tensor:
        lstm = isinstance(self.layer, (nn.LSTM, nn.LSTMCell))
        hx = None if not state else (state[0], state[0] * 0.5) if lstm else state[0]  # c_0 = h_0 / 2
        outputs = self.layer(x, hx)
        flat = []
        for out in outputs if isinstance(outputs, tuple) else (outputs,):
            flat.extend(out if isinstance(out, tuple) else (out,))
        return ops.cat([out.reshape(-1) for out in flat])


def _recurrent(name: str, layer: nn.Module, shapes: list[Shapes]) -> OpCase:
    return _layer_case(name, _AllOutputs(layer), shapes)


class _PackedLSTM(nn.Module):
    """x (3, 3, in) packed with lengths 3, 1, 2 (unsorted), through an LSTM from h_0 (and c_0 = h_0 / 2),
    padded again: the output, h_n and c_n in one Tensor (minigan/nn/utils/rnn.py)."""

    def __init__(self, lstm: nn.LSTM) -> None:
        super().__init__()
        self.lstm = lstm

    def forward(self, x: Tensor, h: Tensor) -> Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(x, [3, 1, 2], enforce_sorted=False)
        out, (h_n, c_n) = self.lstm(packed, (h, h * 0.5))
        padded, _ = nn.utils.rnn.pad_packed_sequence(out)
        return ops.cat([padded.reshape(-1), h_n.reshape(-1), c_n.reshape(-1)])


def _affine(layer: nn.Module) -> nn.Module:
    """A normalisation layer with weight drawn from U(0.5, 1.5) and bias from N(0, 1), so neither is a no-op."""
    layer.weight.array[...] = _generator.uniform(0.5, 1.5, layer.weight.shape)
    if layer.bias is not None:
        layer.bias.array[...] = _generator.standard_normal(layer.bias.shape)
    return layer


_rms_norm = nn.RMSNorm((3, 4), dtype=np.float64)
_rms_norm.weight.array[...] = _generator.uniform(0.5, 1.5, (3, 4))
_instance_norm_eval = nn.InstanceNorm2d(3, affine=True, track_running_stats=True, dtype=np.float64)
_instance_norm_eval.running_mean.array[...], _instance_norm_eval.running_var.array[...] = [0.5, -1.0, 0.0], [2.0, 0.5, 1.0]
_instance_norm_eval = _affine(_instance_norm_eval).eval()


def _channel_dropout(x: Tensor) -> Tensor:
    """Dropout2d with the same channels dropped at every call (a fresh seeded generator each time)."""
    return nn.Dropout2d(0.5, rng=np.random.default_rng(7))(x)


class _AttentionOutputs(nn.Module):
    """MultiheadAttention's output and weights in one Tensor, called with fixed masks."""

    def __init__(self, attention: nn.Module, **call: object) -> None:
        super().__init__()
        self.attention, self.call = attention, call

    def forward(self, query: Tensor, key: Tensor, value: Tensor) -> Tensor:
        out, weights = self.attention(query, key, value, **self.call)
        return ops.cat([out.reshape(-1), weights.reshape(-1)])


def _mask(rows: list[list[bool]] | np.ndarray) -> Tensor:
    return Tensor._make(np.array(rows), False, None)


_KEEP = _mask([[True, False], [False, False], [True, True]])  # the second query sees no key: 0s
_BLOCK = _mask([[False, True], [False, False], [True, False]])  # MultiheadAttention's reading: True blocks
_CAUSAL = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)


def _transformer_layer(layer: nn.Module) -> nn.Module:
    """A Transformer layer with its norms' weights drawn from U(0.5, 1.5) and their biases from N(0, 1)."""
    for name, module in layer.named_modules():
        if name.startswith("norm"):
            _affine(module)
    return layer


class _WithMasks(nn.Module):
    """A Transformer layer or model called with fixed masks."""

    def __init__(self, layer: nn.Module, **call: object) -> None:
        super().__init__()
        self.layer, self.call = layer, call

    def forward(self, *inputs: Tensor) -> Tensor:  # the masks go to the inputs' device, as a user's must
        device = inputs[0].device
        call = {name: mask.to(device) if isinstance(mask, Tensor) else mask for name, mask in self.call.items()}
        return self.layer(*inputs, **call)


def _off_kinks(*points: float) -> Callable[[list[np.ndarray], np.random.Generator], list[np.ndarray]]:
    """A prepare step that moves every value within 0.1 of one of ``points`` (an activation's kinks)
    0.2 up, where finite differences see one side only."""
    def prepare(arrays: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
        return [np.where(np.min([np.abs(a - p) for p in points], axis=0) < 0.1, a + 0.2, a) for a in arrays]

    return prepare


_prelu = nn.PReLU(3, init=0.2, dtype=np.float64)
_prelu.weight.array[...] = [0.2, -0.5, 1.5]


def _grid_sample_case(mode: str, padding_mode: str, align_corners: bool) -> OpCase:
    return OpCase(f"F.grid_sample({mode}, {padding_mode}, align_corners={align_corners})",
                  lambda x, g: F.grid_sample(x, g, mode, padding_mode, align_corners),
                  [((2, 2, 3, 4), (2, 3, 2, 2))], prepare=grid_points(align_corners))


_BAG_INPUT, _BAG_OFFSETS = np.array([4, 1, 1, 0, 2, 3]), np.array([0, 2, 2, 5])  # bag 1 empty, row 1 twice


class _Pair(nn.Module):
    """a * tanh(b), for the gates of a Module's backward hooks (minigan/nn/backward_hooks.py)."""

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        return a * b.tanh()


_hooked_pair = _Pair()
_hooked_pair.register_full_backward_pre_hook(lambda module, grad_output: None)
_hooked_pair.register_full_backward_hook(lambda module, grad_input, grad_output: grad_input)


LAYER_CASES: list[OpCase] = [
    _layer_case("nn.Linear", nn.Linear(4, 3, rng=_generator, dtype=np.float64), [((5, 4),), ((4,),)]),
    _layer_case("nn.Linear(no bias)", nn.Linear(4, 3, bias=False, rng=_generator, dtype=np.float64), [((2, 4),)]),
    _layer_case("nn.Sequential(MLP)", _mlp, [((6, 5),)]),
    _layer_case("nn.BatchNorm1d(train)", _batchnorm, [((6, 4),)]),
    OpCase("nn.ReLU", nn.ReLU(), [((3, 4),)], prepare=off_zero),
    OpCase("nn.LeakyReLU", nn.LeakyReLU(0.2), [((3, 4),)], prepare=off_zero),
    OpCase("nn.Sigmoid", nn.Sigmoid(), [((3, 4),)]),
    OpCase("nn.Tanh", nn.Tanh(), [((3, 4),)]),
    OpCase("nn.Softmax", lambda x: nn.Softmax(dim=1)(x) * x, [((3, 4),)]),  # times x: a softmax's rows sum to 1
    OpCase("nn.LogSoftmax", nn.LogSoftmax(dim=-1), [((3, 4),), ((2, 3, 5),)]),
    OpCase("nn.SiLU", nn.SiLU(), [((3, 4),)]),
    OpCase("nn.ELU", nn.ELU(0.7), [((3, 4),)], prepare=off_zero),
    OpCase("nn.Softplus(beta 2)", nn.Softplus(beta=2.0, threshold=3.0), [((3, 4),)]),
    # minigan/ops/more_activations.py, through the layers of minigan/nn/activation.py
    OpCase("nn.GELU", nn.GELU(), [((3, 4),), ((),)]),
    OpCase("nn.GELU(tanh)", nn.GELU("tanh"), [((3, 4),)]),
    OpCase("nn.SELU", nn.SELU(), [((3, 4),)], prepare=off_zero),
    OpCase("nn.CELU(1.5)", nn.CELU(1.5), [((3, 4),)], prepare=off_zero),
    OpCase("nn.Mish", nn.Mish(), [((3, 4),)]),
    OpCase("nn.Hardtanh(-0.5, 1)", nn.Hardtanh(-0.5, 1.0), [((3, 4),)], prepare=_off_kinks(-0.5, 1.0)),
    OpCase("nn.ReLU6", lambda x: nn.ReLU6()(x * 4.0), [((3, 4),)], prepare=_off_kinks(0.0, 1.5)),
    OpCase("nn.LogSigmoid", nn.LogSigmoid(), [((3, 4),)]),
    OpCase("nn.Softsign", nn.Softsign(), [((3, 4),)]),
    OpCase("nn.Hardswish", lambda x: nn.Hardswish()(x * 3.0), [((3, 4),)], prepare=_off_kinks(-1.0, 1.0)),
    OpCase("nn.Hardsigmoid", lambda x: nn.Hardsigmoid()(x * 3.0), [((3, 4),)], prepare=_off_kinks(-1.0, 1.0)),
    OpCase("nn.GLU", nn.GLU(), [((3, 4),)]),
    OpCase("nn.GLU(dim 0)", nn.GLU(0), [((4, 3),)]),
    OpCase("nn.Softmin", lambda x: nn.Softmin(dim=1)(x) * x, [((3, 4),)]),  # times x: the rows sum to 1
    _layer_case("nn.PReLU(3)", _prelu, [((2, 3, 4),), ((4, 3),)], prepare=off_zero),
    OpCase("nn.Tanhshrink", nn.Tanhshrink(), [((3, 4),)]),
    OpCase("nn.Hardshrink", nn.Hardshrink(0.3), [((3, 4),)], prepare=_off_kinks(-0.3, 0.3)),
    OpCase("nn.Softshrink", nn.Softshrink(0.3), [((3, 4),)], prepare=_off_kinks(-0.3, 0.3)),
    OpCase("nn.Threshold", nn.Threshold(0.2, -1.0), [((3, 4),)], prepare=_off_kinks(0.2)),
    OpCase("nn.Flatten", lambda x: nn.Flatten()(x) * 2.0, [((2, 3, 4),)]),
    _layer_case("nn.Conv2d", nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=_generator, dtype=np.float64),
                [((2, 2, 5, 6),), ((2, 4, 4),)]),
    _layer_case("nn.ConvTranspose2d", nn.ConvTranspose2d(2, 3, 4, stride=2, padding=1, rng=_generator,
                                                         dtype=np.float64), [((1, 2, 3, 3),)]),
    _layer_case("nn.BatchNorm2d(train)", _batchnorm2d, [((3, 3, 2, 3),)]),
    _layer_case("nn.Sequential(BatchNorm2d, Tanh)", nn.Sequential(_batchnorm2d, nn.Tanh()), [((2, 3, 3, 2),)]),
    OpCase("nn.MaxPool2d", nn.MaxPool2d(2), [((2, 2, 4, 5),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.AvgPool2d", nn.AvgPool2d(3, stride=1, padding=1), [((1, 2, 4, 4),)]),
    OpCase("nn.AdaptiveAvgPool2d(1)", nn.AdaptiveAvgPool2d(1), [((2, 3, 4, 5),)]),
    OpCase("nn.AdaptiveAvgPool2d((None, 3))", nn.AdaptiveAvgPool2d((None, 3)), [((1, 2, 3, 5),)]),
    OpCase("nn.AdaptiveMaxPool2d((3, 2))", nn.AdaptiveMaxPool2d((3, 2)), [((1, 2, 5, 7),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    OpCase("nn.Upsample", nn.Upsample(scale_factor=2), [((1, 2, 2, 3),)]),
    OpCase("nn.Upsample(bilinear)", nn.Upsample(scale_factor=2, mode="bilinear"), [((1, 2, 2, 3),), ((2, 3, 4, 2),)]),
    OpCase("nn.Upsample(bilinear, size, align_corners)", nn.Upsample(size=(3, 5), mode="bilinear", align_corners=True),
           [((1, 2, 2, 3),)]),
    # padding, pixel shuffle and the 1-d layers, each with its own generator (independent of the order here)
    OpCase("nn.ReflectionPad2d", nn.ReflectionPad2d((2, 1, 0, 2)), [((1, 2, 3, 4),), ((2, 3, 3),)]),
    OpCase("nn.ZeroPad2d(crop)", nn.ZeroPad2d((1, -1, -1, 2)), [((1, 2, 3, 4),)]),
    OpCase("nn.PixelShuffle", nn.PixelShuffle(2), [((1, 8, 2, 3),), ((4, 1, 2),)]),
    OpCase("nn.PixelUnshuffle", nn.PixelUnshuffle(2), [((1, 2, 4, 2),)]),
    _layer_case("nn.Conv1d(reflect, same)", nn.Conv1d(2, 3, 4, padding="same", padding_mode="reflect",
                                                      rng=np.random.default_rng(41), dtype=np.float64),
                [((2, 2, 6),), ((2, 5),)]),
    _layer_case("nn.ConvTranspose1d", nn.ConvTranspose1d(2, 3, 4, stride=2, padding=1, rng=np.random.default_rng(42),
                                                         dtype=np.float64), [((2, 2, 3),)]),
    OpCase("nn.MaxPool1d", nn.MaxPool1d(2), [((2, 2, 5),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.AvgPool1d", nn.AvgPool1d(3, stride=1, padding=1), [((1, 2, 4),)]),
    OpCase("nn.AdaptiveAvgPool1d", nn.AdaptiveAvgPool1d(2), [((2, 3, 5),)]),
    OpCase("nn.AdaptiveMaxPool1d", nn.AdaptiveMaxPool1d(3), [((1, 2, 7),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.Unfold", nn.Unfold(2, stride=1), [((1, 2, 3, 4),)]),
    OpCase("nn.Fold", nn.Fold((3, 4), 2), [((1, 8, 6),)]),
    _layer_case("nn.Conv2d(circular)", nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="circular",
                                                 rng=np.random.default_rng(43), dtype=np.float64), [((1, 2, 3, 4),)]),
    _layer_case("nn.Embedding", _EmbeddingTimesInput(), [((2, 3, 4),)]),
    OpCase("nn.Dropout2d", _channel_dropout, [((2, 3, 2, 2),)]),
    # the dropout family, embedding, embedding_bag and bilinear (minigan/nn/dropout.py, sparse.py,
    # embedding_bag.py, bilinear.py): the same masks on every call (a fresh seeded generator), fixed indices
    *(OpCase(name, lambda x, f=getattr(F, name): f(x, 0.3, True, rng=np.random.default_rng(7)), [(shape,)])
      for name, shape in (("dropout1d", (2, 3, 2)), ("dropout3d", (3, 2, 1, 2)), ("alpha_dropout", (3, 4)),
                          ("feature_alpha_dropout", (2, 3, 2)))),
    # (padding_idx in embedding and scale_grad_by_freq change the gradient on purpose: no true derivative
    # for finite differences to match; tests/test_embedding_functions.py checks them against PyTorch's values)
    OpCase("embedding_weight", lambda w: F.embedding(np.array([[1, 3, 3], [0, 4, 1]]), w), [((5, 3),)]),
    OpCase("embedding_bag_sum_weighted", lambda w, s: F.embedding_bag(
        _BAG_INPUT, w, _BAG_OFFSETS, mode="sum", per_sample_weights=s), [((5, 3), (6,))]),
    OpCase("embedding_bag_mean_padding", lambda w: F.embedding_bag(
        _BAG_INPUT, w, _BAG_OFFSETS, mode="mean", padding_idx=2), [((5, 3),)]),
    OpCase("embedding_bag_max", lambda w: F.embedding_bag(_BAG_INPUT, w, _BAG_OFFSETS, mode="max"), [((5, 3),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("embedding_bag_2d_max_padding", lambda w: F.embedding_bag(
        _BAG_INPUT.reshape(2, 3), w, mode="max", padding_idx=1), [((5, 3),)], prepare=distinct,
        layouts=DISTINCT_LAYOUTS),
    OpCase("bilinear", F.bilinear, [((2, 3), (2, 4), (5, 3, 4), (5,)), ((2, 2, 3), (2, 2, 4), (2, 3, 4))]),
    _layer_case("nn.Bilinear", nn.Bilinear(3, 4, 2, rng=_generator, dtype=np.float64), [((2, 3), (2, 4))]),
    # a module of two inputs with full backward hooks that keep the gradients: its gates pass them through
    OpCase("nn.Module backward hooks", lambda a, b: _hooked_pair(a, b), [((3, 4), (3, 4)), ((2,), (3, 2))]),
    OpCase("nn.Unflatten", lambda x: nn.Unflatten(1, (2, 3))(x) * 2.0, [((2, 6),)]),
    _layer_case("nn.Sequential(small CNN discriminator)", _small_dcgan_d, [((3, 36),)]),
    _layer_case("nn.Sequential(small transposed-conv generator)", _small_dcgan_g, [((2, 3),)]),
    # Recurrent layers: every output (output, h_n, an LSTM's c_n) against one direction through
    # the input, h_0 and every weight; the shapes are (L, N, in) and (D * layers, N, H).
    _recurrent("nn.RNN(2 layers, bidir)", nn.RNN(3, 2, num_layers=2, bidirectional=True, rng=_generator,
                                                dtype=np.float64), [((3, 2, 3),), ((3, 2, 3), (4, 2, 2))]),
    _recurrent("nn.RNN(relu, batch_first)", nn.RNN(3, 2, nonlinearity="relu", batch_first=True, rng=_generator,
                                                   dtype=np.float64), [((2, 3, 3), (1, 2, 2))]),
    _recurrent("nn.LSTM(2 layers, bidir)", nn.LSTM(3, 2, num_layers=2, bidirectional=True, rng=_generator,
                                                  dtype=np.float64),
               [((3, 2, 3),), ((3, 2, 3), (4, 2, 2)), ((3, 3), (4, 2))]),
    _recurrent("nn.GRU(2 layers, bidir)", nn.GRU(3, 2, num_layers=2, bidirectional=True, rng=_generator,
                                                dtype=np.float64), [((3, 2, 3),), ((3, 2, 3), (4, 2, 2))]),
    _recurrent("nn.RNNCell", nn.RNNCell(3, 2, rng=_generator, dtype=np.float64), [((2, 3), (2, 2)), ((3,),)]),
    _recurrent("nn.LSTMCell", nn.LSTMCell(3, 2, rng=_generator, dtype=np.float64), [((2, 3), (2, 2)), ((3,),)]),
    _recurrent("nn.GRUCell", nn.GRUCell(3, 2, rng=_generator, dtype=np.float64), [((2, 3), (2, 2)), ((3,),)]),
    _recurrent("nn.LSTM(proj_size=2, 2 layers, bidir)", nn.LSTM(3, 3, num_layers=2, bidirectional=True, proj_size=2,
                                                              rng=np.random.default_rng(8), dtype=np.float64),
               [((3, 2, 3),), ((3, 3),)]),
    _layer_case("nn.LSTM(packed, 2 layers, bidir)", _PackedLSTM(nn.LSTM(3, 2, num_layers=2, bidirectional=True,
                                                                      rng=np.random.default_rng(9), dtype=np.float64)),
                [((3, 3, 3), (4, 3, 2))]),
    # Normalisation layers (minigan/nn/normalization.py): a random direction through the input and
    # the affine parameters; the functional forms by full Jacobians through input, weight and bias
    _layer_case("nn.LayerNorm((3, 4))", _affine(nn.LayerNorm((3, 4), dtype=np.float64)), [((2, 3, 4),), ((3, 4),)]),
    _layer_case("nn.LayerNorm(no bias)", _affine(nn.LayerNorm(5, bias=False, dtype=np.float64)), [((4, 5),)]),
    _layer_case("nn.GroupNorm(2, 4)", _affine(nn.GroupNorm(2, 4, dtype=np.float64)), [((2, 4, 3, 2),), ((3, 4),)]),
    _layer_case("nn.InstanceNorm2d(affine)", _affine(nn.InstanceNorm2d(3, affine=True, dtype=np.float64)),
                [((2, 3, 2, 3),), ((3, 3, 2),)]),
    _layer_case("nn.InstanceNorm2d(eval, running stats)", _instance_norm_eval, [((2, 3, 2, 2),)]),
    OpCase("nn.InstanceNorm1d", nn.InstanceNorm1d(2), [((3, 2, 4),), ((2, 5),)]),
    OpCase("nn.LocalResponseNorm", nn.LocalResponseNorm(3, alpha=0.5, beta=0.75, k=1.5), [((2, 4, 2, 3),)]),
    OpCase("F.layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=1e-3), [((3, 4), (4,), (4,))]),
    OpCase("F.group_norm", lambda x, w, b: F.group_norm(x, 3, w, b), [((2, 6, 2), (6,), (6,))]),
    OpCase("F.instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [((2, 3, 4), (3,), (3,))]),
    OpCase("F.local_response_norm", lambda x: F.local_response_norm(x, 2, alpha=1.0, beta=1.2, k=0.5),
           [((2, 3, 4),)]),
    # Attention (minigan/nn/attention.py): through query, key, value and every weight, masks fixed
    OpCase("scaled_dot_product_attention(bool mask)", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, _KEEP),
           [((2, 3, 4), (2, 2, 4), (2, 2, 3))]),
    OpCase("scaled_dot_product_attention(causal, gqa)",
           lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.6, enable_gqa=True),
           [((1, 4, 3, 2), (1, 2, 4, 2), (1, 2, 4, 3))]),
    _layer_case("nn.MultiheadAttention", _AttentionOutputs(
        nn.MultiheadAttention(4, 2, rng=_generator, dtype=np.float64), attn_mask=_BLOCK, average_attn_weights=False),
        [((3, 2, 4), (2, 2, 4), (2, 2, 4)), ((3, 4), (2, 4), (2, 4))]),
    _layer_case("nn.MultiheadAttention(kdim, vdim, bias_kv, zero_attn)", _AttentionOutputs(
        nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5, batch_first=True,
                              rng=_generator, dtype=np.float64), key_padding_mask=_mask([[False, True], [False, False]])),
        [((2, 3, 4), (2, 2, 3), (2, 2, 5))]),
    # Transformer layers (minigan/nn/transformer.py), dropout 0: through the inputs and every weight
    _layer_case("nn.TransformerEncoderLayer(masks)", _WithMasks(_transformer_layer(nn.TransformerEncoderLayer(
        4, 2, 6, dropout=0.0, rng=_generator, dtype=np.float64)), src_mask=_mask(np.triu(np.ones((3, 3), bool), 1)),
        src_key_padding_mask=_mask([[False, False, True], [False, False, False]])), [((3, 2, 4),)]),
    _layer_case("nn.TransformerDecoderLayer(norm_first)", _transformer_layer(nn.TransformerDecoderLayer(
        4, 2, 6, dropout=0.0, norm_first=True, batch_first=True, rng=_generator, dtype=np.float64)),
        [((2, 3, 4), (2, 5, 4))]),
    _layer_case("nn.Transformer(1 + 1 layers)", _WithMasks(_transformer_layer(nn.Transformer(
        4, 2, 1, 1, 6, dropout=0.0, rng=_generator, dtype=np.float64)), tgt_mask=_CAUSAL), [((2, 2, 4), (3, 2, 4))]),
    # Losses are checked with respect to their targets too (a GAN may feed a graph into them).
    OpCase("F.binary_cross_entropy", F.binary_cross_entropy, [((4, 3), (4, 3))], prepare=_probabilities_and_targets),
    OpCase("F.bce_with_logits", F.binary_cross_entropy_with_logits, [((4, 3), (4, 3)), ((), ())],
           prepare=_logits_and_targets),
    OpCase("F.bce_with_logits(sum)", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"),
           [((4, 3), (4, 3))], prepare=_logits_and_targets),
    OpCase("F.mse_loss", lambda a, b: F.mse_loss(a, b), [((4, 3), (4, 3))]),
    OpCase("F.l1_loss", lambda a, b: F.l1_loss(a, b), [((4, 3), (4, 3))]),
    OpCase("F.smooth_l1_loss", lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), [((4, 3), (4, 3))]),
    OpCase("F.huber_loss", lambda a, b: F.huber_loss(a, b, delta=0.8), [((4, 3), (4, 3))]),
    # weighted (the weight's gradient too): "mean" over the weights' sum for mse and l1, over the count for huber
    OpCase("F.mse_loss(weight)", lambda a, b, w: F.mse_loss(a, b, weight=w), [((4, 3), (4, 3), (4, 3))]),
    OpCase("F.l1_loss(weight, sum)", lambda a, b, w: F.l1_loss(a, b, reduction="sum", weight=w),
           [((4, 3), (4, 3), (4, 3))]),
    OpCase("F.huber_loss(weight)", lambda a, b, w: F.huber_loss(a, b, "mean", 0.8, w), [((4, 3), (4, 3), (4, 3))]),
    OpCase("F.cross_entropy", _with_labels(F.cross_entropy), [((5, 3),)]),
    # with a weight per class, one label ignored and label smoothing 0.2
    OpCase("F.cross_entropy(weighted)",
           _with_labels(lambda x, t: F.cross_entropy(x, np.where(t == 1, -100, t), np.array([0.5, 2.0, 1.5]),
                                                     label_smoothing=0.2)), [((5, 3),)]),
    # The sampler of a spatial transformer (minigan/nn/grid_sampling.py): the image's gradient
    # and the grid's, each mode with the paddings that change its arithmetic.
    *[_grid_sample_case(mode, padding, aligned) for mode, padding, aligned in (
        ("bilinear", "zeros", False), ("bilinear", "border", True), ("bilinear", "reflection", False),
        ("bilinear", "reflection", True), ("nearest", "zeros", False), ("nearest", "reflection", True),
        ("bicubic", "zeros", False), ("bicubic", "border", True), ("bicubic", "reflection", False))],
    OpCase("F.affine_grid", lambda theta: F.affine_grid(theta, (2, 1, 3, 4), align_corners=False), [((2, 2, 3),)]),
    # The small layers (minigan/nn/rms_norm.py, pdist.py, lp_pool.py, shuffle.py, softmax2d.py,
    # upsampling.py), all built from ops: first and second derivatives through input and weight.
    _layer_case("nn.RMSNorm((3, 4))", _rms_norm, [((2, 3, 4),), ((3, 4),)]),
    OpCase("F.rms_norm(weight, eps)", lambda x, w: F.rms_norm(x, (4,), w, eps=1e-3), [((3, 4), (4,))]),
    OpCase("F.rms_norm(eps=None)", lambda x: F.rms_norm(x, [2, 3]), [((2, 2, 3),)]),
    *[OpCase(f"F.pdist(p={p})", lambda x, p=p: F.pdist(x, p), [((4, 3),), ((2, 5),)], prepare=distinct,
             layouts=DISTINCT_LAYOUTS) for p in (2, 1, 3, 0.5, 1.5, float("inf"))],
    OpCase("F.lp_pool1d(2)", lambda x: F.lp_pool1d(x, 2, 2), [((2, 3, 6),), ((3, 5),)]),
    OpCase("F.lp_pool1d(1, stride)", lambda x: F.lp_pool1d(x, 1, 3, stride=2), [((2, 2, 7),)]),
    OpCase("F.lp_pool1d(3, ceil_mode)", lambda x: F.lp_pool1d(x, 3, 3, stride=2, ceil_mode=True), [((1, 2, 6),)],
           prepare=positive),
    OpCase("F.lp_pool1d(inf)", lambda x: F.lp_pool1d(x, float("inf"), 2), [((2, 2, 6),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    OpCase("F.lp_pool2d(2, (2, 3), stride (1, 2))", lambda x: F.lp_pool2d(x, 2, (2, 3), stride=(1, 2)),
           [((1, 2, 4, 5),), ((2, 3, 4),)]),
    OpCase("F.lp_pool2d(1.5)", lambda x: F.lp_pool2d(x, 1.5, 2), [((2, 1, 4, 4),)], prepare=positive),
    OpCase("nn.LPPool2d(2, 2)", nn.LPPool2d(2, 2), [((1, 2, 4, 4),)]),
    OpCase("nn.LPPool1d(2.5, 2)", nn.LPPool1d(2.5, 2), [((1, 2, 5),)], prepare=positive),
    OpCase("F.lp_pool2d(2, (2, 3), ceil_mode)", lambda x: F.lp_pool2d(x, 2, (2, 3), stride=2, ceil_mode=True),
           [((1, 2, 5, 6),), ((2, 5, 5),)]),
    OpCase("nn.LPPool2d(inf, 2, ceil_mode)", nn.LPPool2d(float("inf"), 2, ceil_mode=True), [((1, 2, 5, 5),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("F.channel_shuffle", lambda x: F.channel_shuffle(x, 2), [((2, 6, 3),)]),
    OpCase("nn.ChannelShuffle(3)", nn.ChannelShuffle(3), [((1, 6, 2, 2),)]),
    OpCase("nn.Softmax2d", nn.Softmax2d(), [((2, 3, 2, 2),), ((3, 2, 2),)]),
    OpCase("nn.UpsamplingNearest2d", nn.UpsamplingNearest2d(scale_factor=2), [((1, 2, 2, 3),)]),
    OpCase("nn.UpsamplingBilinear2d", nn.UpsamplingBilinear2d(size=(3, 5)), [((1, 2, 2, 3),)]),
]
LAYER_CASES += CONV3D_LAYER_CASES  # the 3-d layers (minigan/gradcheck/conv3d_cases.py)
LAYER_CASES += VOLUMETRIC_LAYER_CASES  # grid sampling, resizing, LP pooling of volumes (volumetric_cases.py)
