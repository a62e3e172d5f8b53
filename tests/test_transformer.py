"""The Transformer layers (nn.TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer,
TransformerDecoder, Transformer) against PyTorch 2.14.1's values written out below (computed outside
the repository from the weights written beside them) and against their equations written out in
float64 NumPy (layer norm, attention per head, the feed-forward block, post-norm and norm_first);
PyTorch's submodule names, state_dict keys and reprs, the copies in the stacks, Transformer's
initialisation, dropout, gradients through the registered gradcheck cases, one clear line for bad
input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.rows import case_rows

# ------------------------------------------------------------------------------ PyTorch's values
# TransformerEncoderLayer(4, 2, dim_feedforward=3, dropout=0.0) with the state below on SRC (L=3, N=2, E=4):
# ENC_OUT with src_mask the causal mask and src_key_padding_mask PADDING; ENC_NORM_FIRST_OUT with
# norm_first=True and no masks.
ENC_SELF_ATTN_IN_PROJ_WEIGHT = np.array([[ 0.7, -0.8,  0.2,  0.6],
     [-0.9,  0. , -0.5,  0.3],
     [ 0.2,  1.1, -0.8, -0.3],
     [ 0. , -0.2,  0.2,  0.5],
     [ 1. ,  0. ,  0.4,  0.2],
     [-0.2,  0.2, -0.4,  0.2],
     [-0.1, -1.1,  0.2, -0.2],
     [-0.2,  0.1, -0.4,  0.6],
     [-0.1,  0.8,  0.4,  0.4],
     [-0.1, -0.8, -0.6, -0.3],
     [ 0.5,  0.3,  0.8, -0.6],
     [ 0.7, -0.2,  0. ,  0. ]])
ENC_SELF_ATTN_IN_PROJ_BIAS = np.array([-0.8, -0.3,  0.2,  0.7,  0.3, -0.4, -0.5, -0.6, -0.3,  0.4,  0.3,  0.6])
ENC_SELF_ATTN_OUT_PROJ_WEIGHT = np.array([[-0.4,  0.2, -0.4, -0.3],
     [ 1. , -0.5,  1. , -0.3],
     [-0.3,  0.6,  0.5,  0.1],
     [-0.8, -0.5, -0.3, -0.9]])
ENC_SELF_ATTN_OUT_PROJ_BIAS = np.array([0.3, 0.5, 0.6, 0.3])
ENC_LINEAR1_WEIGHT = np.array([[ 0.1,  0.4, -0.6,  0.6],
     [ 0.3,  1.1,  0.9, -0.8],
     [-0.1,  0.1, -0.2, -0.5]])
ENC_LINEAR1_BIAS = np.array([-1.3, -0.3,  0.8])
ENC_LINEAR2_WEIGHT = np.array([[ 0.1,  0.1, -0.2],
     [ 0.8,  0.2,  0.2],
     [ 0.1, -0.1,  0.5],
     [ 0.1, -0.2,  0.5]])
ENC_LINEAR2_BIAS = np.array([-0.5, -0.8,  0.1, -0.4])
ENC_NORM1_WEIGHT = np.array([0.5, 0.4, 0.8, 1. ])
ENC_NORM1_BIAS = np.array([ 0.3,  0. ,  0.6, -0.3])
ENC_NORM2_WEIGHT = np.array([1.1, 0.4, 0.4, 0.9])
ENC_NORM2_BIAS = np.array([-0.3, -0.5,  0.2, -0.5])
SRC = np.array([[[ 1.4,  0.4, -0.7,  0.4],
      [-1.8,  0.9, -0.4, -0.8]],

     [[ 1. ,  1. , -0.6,  1.2],
      [-0.4, -0.6, -0.8,  0.7]],

     [[-0.6, -1. , -1.2,  0.3],
      [ 1.9,  2.1,  0.1, -0.7]]])
ENC_OUT = np.array([[[ 0.1156819049, -0.4988909291,  0.6741182656, -1.9093648837],
      [-1.5812896895, -0.3825389864,  0.791601058 , -1.0470617333]],

     [[-0.5498783282, -0.2033618026,  0.6082697341, -1.8815969409],
      [-0.2478034691, -1.1588686921,  0.5398658935,  0.1750500443]],

     [[-1.525935771 , -0.3838044318,  0.7969099167, -1.101448983 ],
      [ 0.2570098363, -0.4966457182,  0.6345227654, -1.9409586767]]])
ENC_NORM_FIRST_OUT = np.array([[[ 1.030709579 , -0.7462795738,  0.9695804136, -0.0148220712],
      [-2.6393289181,  1.293485188 ,  1.3142648006, -1.0396909524]],

     [[ 0.6636457152, -0.2629502046,  0.9383992986,  0.723388285 ],
      [-0.7927923382, -1.2429347172,  0.2595671141,  0.1712137911]],

     [[-0.8402642943, -2.3850204646,  0.1628339002, -0.2865862416],
      [ 0.9795085962,  2.9763808765,  2.0398978267, -1.0766220221]]])

PADDING = np.array([[False, False, True], [False, False, False]])


def t(array, grad: bool = False) -> minigan.Tensor:
    out = minigan.tensor(np.asarray(array))
    return out.requires_grad_() if grad else out


def pytorch_state() -> dict:
    """The literals above under PyTorch's state_dict keys."""
    return {"self_attn.in_proj_weight": ENC_SELF_ATTN_IN_PROJ_WEIGHT, "self_attn.in_proj_bias": ENC_SELF_ATTN_IN_PROJ_BIAS,
            "self_attn.out_proj.weight": ENC_SELF_ATTN_OUT_PROJ_WEIGHT, "self_attn.out_proj.bias": ENC_SELF_ATTN_OUT_PROJ_BIAS,
            "linear1.weight": ENC_LINEAR1_WEIGHT, "linear1.bias": ENC_LINEAR1_BIAS, "linear2.weight": ENC_LINEAR2_WEIGHT,
            "linear2.bias": ENC_LINEAR2_BIAS, "norm1.weight": ENC_NORM1_WEIGHT, "norm1.bias": ENC_NORM1_BIAS,
            "norm2.weight": ENC_NORM2_WEIGHT, "norm2.bias": ENC_NORM2_BIAS}


def test_encoder_layer_gives_pytorchs_values():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=3, dropout=0.0, dtype=np.float64)
    layer.load_state_dict(pytorch_state())
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):  # float and bool, as PyTorch
        out = layer(t(SRC), src_mask=mask, src_key_padding_mask=t(PADDING))
    np.testing.assert_allclose(out.numpy(), ENC_OUT, rtol=0, atol=1e-9)
    layer.norm_first = True
    np.testing.assert_allclose(layer(t(SRC)).numpy(), ENC_NORM_FIRST_OUT, rtol=0, atol=1e-9)


def test_square_subsequent_mask_is_pytorchs():
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(mask.numpy(), [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]])


# ------------------------------------------------------------------------------ PyTorch's names
ATTENTION_KEYS = [("in_proj_weight", (12, 4)), ("in_proj_bias", (12,)), ("out_proj.weight", (4, 4)),
                  ("out_proj.bias", (4,))]


def keys_of(module):
    return [(key, tuple(value.shape)) for key, value in module.state_dict().items()]


def test_state_dict_keys_and_shapes_are_pytorchs():
    """As PyTorch 2.14.1 lists them for Transformer(4, 2, 1, 1, 8)."""
    encoder_layer = [("self_attn." + k, s) for k, s in ATTENTION_KEYS] + [
        ("linear1.weight", (8, 4)), ("linear1.bias", (8,)), ("linear2.weight", (4, 8)), ("linear2.bias", (4,)),
        ("norm1.weight", (4,)), ("norm1.bias", (4,)), ("norm2.weight", (4,)), ("norm2.bias", (4,))]
    decoder_layer = [("self_attn." + k, s) for k, s in ATTENTION_KEYS] + [
        ("multihead_attn." + k, s) for k, s in ATTENTION_KEYS] + [
        ("linear1.weight", (8, 4)), ("linear1.bias", (8,)), ("linear2.weight", (4, 8)), ("linear2.bias", (4,)),
        ("norm1.weight", (4,)), ("norm1.bias", (4,)), ("norm2.weight", (4,)), ("norm2.bias", (4,)),
        ("norm3.weight", (4,)), ("norm3.bias", (4,))]
    assert keys_of(nn.TransformerEncoderLayer(4, 2, 8)) == encoder_layer
    assert keys_of(nn.TransformerDecoderLayer(4, 2, 8)) == decoder_layer
    assert keys_of(nn.Transformer(4, 2, 1, 1, 8)) == (
        [("encoder.layers.0." + k, s) for k, s in encoder_layer] + [("encoder.norm.weight", (4,)), ("encoder.norm.bias", (4,))]
        + [("decoder.layers.0." + k, s) for k, s in decoder_layer] + [("decoder.norm.weight", (4,)), ("decoder.norm.bias", (4,))])
    no_bias = keys_of(nn.TransformerEncoderLayer(4, 2, 8, bias=False))
    assert [k for k, _ in no_bias] == ["self_attn.in_proj_weight", "self_attn.out_proj.weight", "linear1.weight",
                                       "linear2.weight", "norm1.weight", "norm2.weight"]


def test_decoder_layer_repr_is_pytorchs():
    attention = ("MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, "
                 "bias=True)\n  )")
    norm = "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.TransformerDecoderLayer(4, 2, 8)) == (
        f"TransformerDecoderLayer(\n  (self_attn): {attention}\n  (multihead_attn): {attention}\n"
        "  (linear1): Linear(in_features=4, out_features=8, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)\n"
        "  (linear2): Linear(in_features=8, out_features=4, bias=True)\n"
        f"  (norm1): {norm}\n  (norm2): {norm}\n  (norm3): {norm}\n"
        "  (dropout1): Dropout(p=0.1, inplace=False)\n  (dropout2): Dropout(p=0.1, inplace=False)\n"
        "  (dropout3): Dropout(p=0.1, inplace=False)\n)")


# ------------------------------------------------------------------------------ the equations by hand
def layer_norm(x, weight, bias, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + eps) * weight + bias


def attention(p, x, memory, heads, additive=None):
    """Multi-head attention of x (L, N, E) over memory (S, N, E), one sample and head at a time."""
    e = x.shape[-1]
    d = e // heads
    w, b = p["in_proj_weight"], p["in_proj_bias"]
    out = np.zeros(x.shape)
    for n in range(x.shape[1]):
        q, k, v = (inp[:, n] @ w[j * e:(j + 1) * e].T + b[j * e:(j + 1) * e] for j, inp in enumerate((x, memory, memory)))
        for h in range(heads):
            cols = slice(h * d, (h + 1) * d)
            scores = q[:, cols] @ k[:, cols].T / math.sqrt(d) + (0.0 if additive is None else additive[n])
            weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
            out[:, n, cols] = weights / weights.sum(axis=-1, keepdims=True) @ v[:, cols]
    return out @ p["out_proj.weight"].T + p["out_proj.bias"]


def params(module, prefix):
    return {key[len(prefix):]: value.numpy() for key, value in module.state_dict().items() if key.startswith(prefix)}


def feed_forward(p, x):
    return np.maximum(x @ p["linear1.weight"].T + p["linear1.bias"], 0.0) @ p["linear2.weight"].T + p["linear2.bias"]


def decoder_layer_by_hand(p, x, memory, heads, norm_first, self_additive=None, cross_additive=None):
    norm = lambda v, k: layer_norm(v, p[f"norm{k}.weight"], p[f"norm{k}.bias"])  # noqa: E731
    sa = lambda v: attention({k[10:]: a for k, a in p.items() if k.startswith("self_attn.")}, v, v, heads,  # noqa: E731
                             self_additive)
    ca = lambda v: attention({k[15:]: a for k, a in p.items() if k.startswith("multihead_attn.")}, v, memory,  # noqa: E731
                             heads, cross_additive)
    if norm_first:
        x = x + sa(norm(x, 1))
        x = x + ca(norm(x, 2))
        return x + feed_forward(p, norm(x, 3))
    x = norm(x + sa(x), 1)
    x = norm(x + ca(x), 2)
    return norm(x + feed_forward(p, x), 3)


def randomised(module, seed=0):
    """Every parameter from N(0, 0.25), the norms' weights around 1."""
    rng = np.random.default_rng(seed)
    for name, param in module.named_parameters():
        param.array[...] = rng.standard_normal(param.shape) * 0.5 + (1.0 if ".weight" in "." + name and "norm" in name
                                                                     else 0.0)
    return module


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_matches_the_equations(norm_first):
    rng = np.random.default_rng(1)
    layer = randomised(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, norm_first=norm_first, dtype=np.float64))
    tgt, memory = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 3, 4))
    causal = np.triu(np.full((2, 2), -np.inf), 1)
    memory_padding = np.zeros((3, 5), bool)
    memory_padding[1, 3:] = True
    out = layer(t(tgt), t(memory), tgt_mask=t(causal), memory_key_padding_mask=t(memory_padding))
    cross = np.where(memory_padding, -np.inf, 0.0)[:, None, :]
    want = decoder_layer_by_hand(params(layer, ""), tgt, memory, 2, norm_first,
                                 np.broadcast_to(causal, (3, 2, 2)), cross)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-12, atol=1e-12)


def test_stacks_and_the_transformer_match_the_equations():
    rng = np.random.default_rng(2)
    model = randomised(nn.Transformer(4, 2, 2, 2, 6, dropout=0.0, batch_first=True, dtype=np.float64), seed=3)
    src, tgt = rng.standard_normal((3, 5, 4)), rng.standard_normal((3, 2, 4))  # batch first
    out = model(t(src), t(tgt))
    p = params(model, "")
    memory = src.transpose(1, 0, 2)
    for k in range(2):
        q = {key[len(f"encoder.layers.{k}."):]: v for key, v in p.items() if key.startswith(f"encoder.layers.{k}.")}
        sa = {key[10:]: v for key, v in q.items() if key.startswith("self_attn.")}
        memory = layer_norm(memory + attention(sa, memory, memory, 2), q["norm1.weight"], q["norm1.bias"])
        memory = layer_norm(memory + feed_forward(q, memory), q["norm2.weight"], q["norm2.bias"])
    memory = layer_norm(memory, p["encoder.norm.weight"], p["encoder.norm.bias"])
    x = tgt.transpose(1, 0, 2)
    for k in range(2):
        q = {key[len(f"decoder.layers.{k}."):]: v for key, v in p.items() if key.startswith(f"decoder.layers.{k}.")}
        x = decoder_layer_by_hand(q, x, memory, 2, False)
    want = layer_norm(x, p["decoder.norm.weight"], p["decoder.norm.bias"]).transpose(1, 0, 2)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-11, atol=1e-11)


def test_the_gelu_activation():
    """activation="gelu": 0.5 x (1 + erf(x / sqrt(2))) inside the feed-forward block."""
    layer = randomised(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu", norm_first=True,
                                                  dtype=np.float64))
    x = np.random.default_rng(4).standard_normal((3, 2, 4))
    p = params(layer, "")
    sa = {key[10:]: v for key, v in p.items() if key.startswith("self_attn.")}
    h = x + attention(sa, *(2 * [layer_norm(x, p["norm1.weight"], p["norm1.bias"])]), 2)
    inner = layer_norm(h, p["norm2.weight"], p["norm2.bias"]) @ p["linear1.weight"].T + p["linear1.bias"]
    gelu = 0.5 * inner * (1.0 + np.vectorize(math.erf)(inner / math.sqrt(2.0)))
    want = h + gelu @ p["linear2.weight"].T + p["linear2.bias"]
    np.testing.assert_allclose(layer(t(x)).numpy(), want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ stacks, init, dropout, grads
def test_stacks_hold_independent_copies_and_a_callable_activation_works():
    layer = nn.TransformerEncoderLayer(4, 2, 6, activation=nn.Tanh())
    encoder = nn.TransformerEncoder(layer, 3)
    assert len(encoder.layers) == 3 and encoder.norm is None and encoder.num_layers == 3
    first, second = encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight
    assert first is not second and first is not layer.linear1.weight
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    assert "(activation): Tanh()" in repr(layer)


def test_transformer_draws_every_matrix_by_xavier_uniform():
    model = nn.Transformer(8, 2, 1, 1, 16, rng=np.random.default_rng(0))
    w = model.encoder.layers[0].linear1.weight.numpy()  # (16, 8): xavier bound sqrt(6 / 24)
    assert np.abs(w).max() <= math.sqrt(0.25) and np.abs(w).max() > 0.8 * math.sqrt(0.25)
    assert not np.array_equal(model.encoder.layers[0].self_attn.in_proj_weight.numpy(),
                              model.decoder.layers[0].self_attn.in_proj_weight.numpy())
    assert (model.encoder.norm.weight.numpy() == 1).all() and not model.encoder.layers[0].linear1.bias.numpy().all() == 0


def test_dropout_acts_in_training_only():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.5)
    x = minigan.randn(3, 2, 4)
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())
    layer.train()
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())


def test_float32_shapes_and_unbatched_input():
    model = nn.Transformer(4, 2, 1, 1, 6)
    out = model(minigan.randn(5, 2, 4), minigan.randn(3, 2, 4))
    assert out.shape == (3, 2, 4) and out.dtype == np.float32
    assert model(minigan.randn(5, 4), minigan.randn(3, 4)).shape == (3, 4)


@pytest.mark.parametrize("name", ["nn.TransformerEncoderLayer(masks)", "nn.TransformerDecoderLayer(norm_first)",
                                  "nn.Transformer(1 + 1 layers)"])
def test_gradients_match_finite_differences(name):
    rows = list(case_rows(find_case(name)))
    assert rows and all(result.ok for _, _, _, result in rows), [r.message for *_, r in rows if not r.ok]


# ------------------------------------------------------------------------------ bad input: one line
@pytest.mark.parametrize("build, error, message", [
    (lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"), RuntimeError, "activation should be relu/gelu, not tanh"),
    (lambda: nn.TransformerEncoderLayer(4, 2, activation=3), TypeError, "callable"),
    (lambda: nn.TransformerEncoderLayer(5, 2), AssertionError, "divisible"),
    (lambda: nn.TransformerEncoder(nn.Linear(2, 2), -1), ValueError, "num_layers"),
    (lambda: nn.TransformerDecoder("layer", 2), TypeError, "layer Module"),
    (lambda: nn.Transformer(4, 2, 1, 1, 6)(minigan.randn(5, 2, 4), minigan.randn(3, 3, 4)), RuntimeError,
     "the batch number of src and tgt must be equal"),
    (lambda: nn.Transformer(4, 2, 1, 1, 6)(minigan.randn(5, 2, 4), minigan.randn(3, 2, 5)), RuntimeError,
     "the feature number of src and tgt must be equal to d_model"),
    (lambda: nn.TransformerEncoderLayer(4, 2)(minigan.randn(3, 2, 4), is_causal=True), RuntimeError,
     "Need attn_mask"),
])
def test_bad_input_gets_one_line(build, error, message):
    with pytest.raises(error, match=message) as info:
        build()
    assert "\n" not in str(info.value)
