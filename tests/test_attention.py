"""Attention as PyTorch's: F.scaled_dot_product_attention, F.multi_head_attention_forward and
nn.MultiheadAttention, against PyTorch 2.14.1's values written out below (computed outside the
repository from the weights and inputs written beside them) and against softmax(Q K^T / sqrt(d)) V
per head written out in float64 NumPy; PyTorch's parameter names and shapes, the masks' two
readings, dropout, initialisation, gradients through the registered gradcheck cases, a Hypothesis
property, and one clear line for bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
import minigan.nn as nn
import minigan.nn.functional as F
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.rows import case_rows

NAN = np.nan

# ------------------------------------------------------------------------------ PyTorch's values
# MultiheadAttention(4, 2) with the state below; query (L=3, N=2, E=4), key and value (S=2, N=2, 4);
# attn_mask BOOL_MASK and key_padding_mask PADDING (True blocks); average_attn_weights=False.
# Batch 1's first query sees no key (the mask blocks key 1, the padding key 0): NaN, as PyTorch's.
SD_IN_PROJ_WEIGHT = np.array([[-0.2, -0.8, -0.2, -0.4],
     [-0.4, -1. , -0.2,  0.5],
     [ 0.2, -0.5,  0.3,  0.4],
     [-0.5, -0.5,  0.6,  0.2],
     [-0.5, -0.5,  0.6, -0.4],
     [ 0.5,  0.7, -0. , -0.2],
     [ 0.6,  0.2,  0.6,  0.6],
     [ 0. ,  0.4,  0.5, -0.4],
     [ 0.1,  1.1, -0.8, -0.4],
     [ 0.3,  0.3,  0.2,  1.1],
     [-0. ,  1.6, -0.6, -0. ],
     [ 0. ,  0. , -0.7,  0.9]])
SD_IN_PROJ_BIAS = np.array([-0.7, -0.9,  0.1, -0. , -0.2,  0.5,  0.7, -0.3, -0.6, -0. , -0.3, -0.3])
SD_OUT_PROJ_WEIGHT = np.array([[-0.4,  0.6,  0.2, -0.1],
     [ 0.3,  0.1, -0.4,  0.3],
     [-0.1, -0.7, -0.8,  0.5],
     [-0.2,  0.3,  0.2,  0.1]])
SD_OUT_PROJ_BIAS = np.array([-0.5,  0.1, -1.1,  0.5])
Q = np.array([[[-1.7,  1.3,  0. ,  0. ],
      [ 0.2,  1.2, -1.2,  0.1]],

     [[ 0.4, -1. , -0.1, -1.1],
      [-0.5, -0.5, -0.8,  0.5]],

     [[ 1.6,  0.3,  1.6, -1.1],
      [-1.6,  1.4, -0.2, -0.6]]])
K = np.array([[[ 0.6,  0.5,  1.5, -0.3],
      [ 0.3, -0.6, -0.1, -1.7]],

     [[ 1. ,  0.7, -1.4,  0.2],
      [ 1.6, -1.4,  1.1,  0.6]]])
V = np.array([[[ 0.6,  0. ,  2.9,  0.7],
      [-1. , -1.4, -2. , -0.5]],

     [[ 0.7, -1. , -1.6,  0.5],
      [-1.5, -0.8, -2.7,  0.1]]])
MHA_OUT = np.array([[[ 1.436       , -0.383       , -1.075       ,  1.009       ],
      [          NAN,           NAN,           NAN,           NAN]],

     [[ 0.8453661274,  0.0102922804, -0.5895793915,  0.9645129867],
      [-1.528       ,  0.623       ,  0.443       ,  0.242       ]],

     [[-0.511       ,  0.706       ,  0.244       ,  0.591       ],
      [-1.528       ,  0.623       ,  0.443       ,  0.242       ]]])
MHA_WEIGHTS = np.array([[[[1.          , 0.          ],
       [0.7027457923, 0.2972542077],
       [0.          , 1.          ]],

      [[1.          , 0.          ],
       [0.5484609848, 0.4515390152],
       [0.          , 1.          ]]],


     [[[         NAN,          NAN],
       [0.          , 1.          ],
       [0.          , 1.          ]],

      [[         NAN,          NAN],
       [0.          , 1.          ],
       [0.          , 1.          ]]]])
# kdim=3, vdim=5, add_bias_kv, add_zero_attn
SD2_Q_PROJ_WEIGHT = np.array([[ 0.8, -0.5, -0.7, -0.1],
     [-0.3, -0.7,  0.4, -0.4],
     [-0.8,  0.8, -0.2, -1. ],
     [ 0.4, -0.2,  0.2, -0.2]])
SD2_K_PROJ_WEIGHT = np.array([[-0.1, -1.1,  0.1],
     [ 0. , -0.7, -0.1],
     [ 0.9,  0.4, -0.2],
     [-0.7, -0. , -0.4]])
SD2_V_PROJ_WEIGHT = np.array([[-0.4, -0.4, -0.1,  0.2, -1.2],
     [-0.2,  0.1, -0.2, -1.1,  0.7],
     [-0.6,  0.2,  0.2,  0.1, -0.3],
     [-0.2,  0.3,  0.3,  0.5, -0.6]])
SD2_IN_PROJ_BIAS = np.array([ 0. , -0.4,  0.4, -0.2, -0.3,  1.4,  0.7,  0.1, -0.3, -0.1, -0.1, -0.7])
SD2_BIAS_K = np.array([[[-1.1, -0.1, -1.8,  0.1]]])
SD2_BIAS_V = np.array([[[-0.3, -1.4,  0.7,  0.5]]])
SD2_OUT_PROJ_WEIGHT = np.array([[-0.7,  0.1, -0.1,  0.4],
     [ 0.6,  0.7, -0.3,  0.1],
     [ 0.1, -0.3, -0.3,  0.2],
     [-0.1,  0.2, -0.2, -0.9]])
SD2_OUT_PROJ_BIAS = np.array([0.1, 0.4, 0.3, 0.7])
K2 = np.array([[[-0.8,  0.8,  0.3],
      [ 0.6, -0.5, -0.4]],

     [[-0.8,  0.9,  1.7],
      [ 1.3, -1.1,  0.5]]])
V2 = np.array([[[-0.1,  0.4,  2. , -1.2,  0.9],
      [-0.9,  2.1, -0.7,  0.8,  1. ]],

     [[-0.6,  0.9,  1.1, -0.4, -1.5],
      [ 1.9, -0.8,  0.5,  1.1,  0.5]]])
MHA2_OUT = np.array([[[ 0.1675056632, -0.1825872424,  0.256226827 ,  0.6878709381],
      [-0.0302992224,  0.0688978152,  0.661624238 ,  1.4703232875]],

     [[ 0.1964891326,  0.1026219983,  0.144360443 ,  0.7148850902],
      [ 0.2294236403, -0.3476501627,  0.5871245064,  0.9168341563]],

     [[ 0.1818271834,  0.0102734561,  0.1778439688,  0.7064900064],
      [-0.0597600756, -0.2510992137,  0.8295506905,  1.5738333617]]])
MHA2_WEIGHTS = np.array([[[0.2886538902, 0.2941773997, 0.2135665313, 0.2036021788],
      [0.2806902069, 0.2427527263, 0.1617002277, 0.3148568391],
      [0.2894971864, 0.236012582 , 0.2251485129, 0.2493417186]],

     [[0.          , 0.4332950041, 0.2315158795, 0.3351891164],
      [0.          , 0.3625503039, 0.2881138335, 0.3493358626],
      [0.          , 0.5016017039, 0.3952850289, 0.1031132671]]])
# sdpa
SQ = np.array([[[ 0.5, -2.6,  1.6, -1.2],
      [-1.2, -2.7, -0.3,  0.1],
      [ 0.9, -1.8, -2.3,  0.6]],

     [[-0.6, -0.4, -0.1, -1.8],
      [-1. ,  0. ,  0.7,  3. ],
      [ 1. , -1.9, -0. , -0.5]]])
SK = np.array([[[ 1.6,  2.3, -1. , -0.2],
      [ 0.5,  0.8, -0.9, -0.1]],

     [[ 0.3,  0.9,  0.7,  0. ],
      [-2.4,  0.3,  0. ,  0.7]]])
SV = np.array([[[ 0.6, -0.9,  0.4],
      [-1.5,  0.3,  1.3]],

     [[ 1.9, -0.6, -1. ],
      [-1.4,  1.1,  1.3]]])
SDPA_BOOL = np.array([[[ 0.6         , -0.9         ,  0.4         ],
      [ 0.          ,  0.          ,  0.          ],
      [-0.8353938768, -0.0797749275,  1.0151688044]],

     [[ 1.9         , -0.6         , -1.          ],
      [ 0.          ,  0.          ,  0.          ],
      [ 0.9829946993, -0.1276033299, -0.3608750935]]])
SDPA_CAUSAL_SCALE = np.array([[[ 0.6         , -0.9         ,  0.4         ],
      [-1.4515112413,  0.2722921379,  1.2792191034],
      [-0.9668421622, -0.0046616216,  1.0715037838]],

     [[ 1.9         , -0.6         , -1.          ],
      [-1.2460096187,  1.0206716218,  1.1926733706],
      [ 1.2135873268, -0.2463934714, -0.5215911671]]]
    )
BOOL_MASK = np.array([[False, True], [False, False], [True, False]])
PADDING = np.array([[False, False], [True, False]])
KEEP = np.array([[True, False], [False, False], [True, True]])  # scaled_dot_product_attention: True takes part


def t(array, grad: bool = False) -> minigan.Tensor:
    out = minigan.tensor(np.asarray(array))
    return out.requires_grad_() if grad else out


def loaded(module: nn.Module, state: dict) -> nn.Module:
    module.load_state_dict({key: np.asarray(value, dtype=np.float64) for key, value in state.items()})
    return module


FIRST = {"in_proj_weight": SD_IN_PROJ_WEIGHT, "in_proj_bias": SD_IN_PROJ_BIAS, "out_proj.weight": SD_OUT_PROJ_WEIGHT,
         "out_proj.bias": SD_OUT_PROJ_BIAS}
SECOND = {"q_proj_weight": SD2_Q_PROJ_WEIGHT, "k_proj_weight": SD2_K_PROJ_WEIGHT, "v_proj_weight": SD2_V_PROJ_WEIGHT,
          "in_proj_bias": SD2_IN_PROJ_BIAS, "bias_k": SD2_BIAS_K, "bias_v": SD2_BIAS_V,
          "out_proj.weight": SD2_OUT_PROJ_WEIGHT, "out_proj.bias": SD2_OUT_PROJ_BIAS}


def test_multihead_attention_gives_pytorchs_values_with_both_masks():
    module = loaded(nn.MultiheadAttention(4, 2, dtype=np.float64), FIRST)
    out, weights = module(t(Q), t(K), t(V), attn_mask=t(BOOL_MASK), key_padding_mask=t(PADDING),
                          average_attn_weights=False)
    np.testing.assert_allclose(out.numpy(), MHA_OUT, rtol=0, atol=1e-9)  # NaN where PyTorch has NaN
    np.testing.assert_allclose(weights.numpy(), MHA_WEIGHTS, rtol=0, atol=1e-9)


def test_multihead_attention_with_kdim_vdim_bias_kv_and_zero_attn_gives_pytorchs_values():
    module = loaded(nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True,
                                          dtype=np.float64), SECOND)
    out, weights = module(t(Q), t(K2), t(V2), key_padding_mask=t(PADDING))
    np.testing.assert_allclose(out.numpy(), MHA2_OUT, rtol=0, atol=1e-9)
    np.testing.assert_allclose(weights.numpy(), MHA2_WEIGHTS, rtol=0, atol=1e-9)  # S + bias_k + zero = 4 keys


def test_scaled_dot_product_attention_gives_pytorchs_values():
    # KEEP's second row takes no key: 0s, as PyTorch 2.14's
    np.testing.assert_allclose(F.scaled_dot_product_attention(t(SQ), t(SK), t(SV), attn_mask=t(KEEP)).numpy(),
                               SDPA_BOOL, rtol=0, atol=1e-9)
    out = F.scaled_dot_product_attention(t(SQ), t(SK), t(SV), is_causal=True, scale=0.7)
    np.testing.assert_allclose(out.numpy(), SDPA_CAUSAL_SCALE, rtol=0, atol=1e-9)


# ------------------------------------------------------------------------------ PyTorch's parameters
@pytest.mark.parametrize("kwargs, expected", [
    ({}, [("in_proj_weight", (12, 4)), ("in_proj_bias", (12,)), ("out_proj.weight", (4, 4)), ("out_proj.bias", (4,))]),
    ({"kdim": 3, "vdim": 5, "add_bias_kv": True},
     [("q_proj_weight", (4, 4)), ("k_proj_weight", (4, 3)), ("v_proj_weight", (4, 5)), ("in_proj_bias", (12,)),
      ("bias_k", (1, 1, 4)), ("bias_v", (1, 1, 4)), ("out_proj.weight", (4, 4)), ("out_proj.bias", (4,))]),
    ({"bias": False}, [("in_proj_weight", (12, 4)), ("out_proj.weight", (4, 4))]),
])
def test_state_dict_names_and_shapes_are_pytorchs(kwargs, expected):
    """As PyTorch 2.14.1 lists them for MultiheadAttention(4, 2, **kwargs)."""
    assert [(key, tuple(value.shape)) for key, value in nn.MultiheadAttention(4, 2, **kwargs).state_dict().items()] \
        == expected


def test_repr_and_initialisation_are_pytorchs():
    module = nn.MultiheadAttention(8, 2, add_bias_kv=True, rng=np.random.default_rng(0))
    assert repr(module) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, "
                            "out_features=8, bias=True)\n)")
    assert module.in_proj_weight.dtype == np.float32 and module.head_dim == 4 and module._qkv_same_embed_dim
    bound = math.sqrt(6.0 / (8 + 24))  # xavier_uniform_ on (3E, E)
    weight = module.in_proj_weight.numpy()
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.8 * bound
    assert not module.in_proj_bias.numpy().any() and not module.out_proj.bias.numpy().any()
    assert module.bias_k.numpy().any() and module.bias_k.shape == (1, 1, 8)


# ------------------------------------------------------------------------------ the equations by hand
def softmax(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def mha_by_hand(q, k, v, w_q, w_k, w_v, b_in, w_out, b_out, heads, additive=None):
    """(L, N, E) out and (N, H, L, S) weights, one sample and one head at a time; ``additive``
    (N, H, L, S) is added to every head's scores."""
    length, batch, embed = q.shape
    d = embed // heads
    out = np.zeros((length, batch, embed))
    weights = np.zeros((batch, heads, length, k.shape[0]))
    for n in range(batch):
        qp, kp, vp = q[:, n] @ w_q.T + b_in[:embed], k[:, n] @ w_k.T + b_in[embed:2 * embed], \
            v[:, n] @ w_v.T + b_in[2 * embed:]
        for h in range(heads):
            cols = slice(h * d, (h + 1) * d)
            scores = qp[:, cols] @ kp[:, cols].T / math.sqrt(d)
            if additive is not None:
                scores = scores + additive[n, h]
            weights[n, h] = softmax(scores)
            out[:, n, cols] = weights[n, h] @ vp[:, cols]
    return out @ w_out.T + b_out, weights


def random_module(rng, embed=4, heads=2, **kwargs):
    module = nn.MultiheadAttention(embed, heads, dtype=np.float64, **kwargs)
    for param in module.parameters():
        param.array[...] = rng.standard_normal(param.shape) * 0.5
    return module


def by_hand(module, q, k, v, additive=None):
    e = module.embed_dim
    if module._qkv_same_embed_dim:
        w = module.in_proj_weight.numpy()
        w_q, w_k, w_v = w[:e], w[e:2 * e], w[2 * e:]
    else:
        w_q, w_k, w_v = (module.q_proj_weight.numpy(), module.k_proj_weight.numpy(), module.v_proj_weight.numpy())
    return mha_by_hand(q, k, v, w_q, w_k, w_v, module.in_proj_bias.numpy(), module.out_proj.weight.numpy(),
                       module.out_proj.bias.numpy(), module.num_heads, additive)


@pytest.mark.parametrize("case", ["plain", "self", "float_mask", "mask_3d", "float_padding", "kdim_vdim", "heads_4"])
def test_multihead_attention_matches_the_equations(case):
    rng = np.random.default_rng(5)
    embed, heads = (8, 4) if case == "heads_4" else (4, 2)
    module = random_module(rng, embed, heads, **({"kdim": 3, "vdim": 5} if case == "kdim_vdim" else {}))
    q = rng.standard_normal((3, 2, embed))
    k = rng.standard_normal((2, 2, 3 if case == "kdim_vdim" else embed))
    v = rng.standard_normal((2, 2, 5 if case == "kdim_vdim" else embed))
    if case == "self":
        k = v = q
    kwargs, additive = {}, None
    if case == "float_mask":
        mask = rng.standard_normal((3, 2))
        kwargs, additive = {"attn_mask": t(mask)}, np.broadcast_to(mask, (2, heads, 3, 2))
    if case == "mask_3d":
        mask = rng.standard_normal((2 * heads, 3, 2))
        kwargs, additive = {"attn_mask": t(mask)}, mask.reshape(2, heads, 3, 2)
    if case == "float_padding":
        padding = rng.standard_normal((2, 2))
        kwargs, additive = {"key_padding_mask": t(padding)}, np.broadcast_to(padding[:, None, None, :], (2, heads, 3, 2))
    out, weights = module(t(q), t(k), t(v), average_attn_weights=False, **kwargs)
    want_out, want_weights = by_hand(module, q, k, v, additive)
    np.testing.assert_allclose(out.numpy(), want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), want_weights, rtol=1e-12, atol=1e-12)
    _, averaged = module(t(q), t(k), t(v), **kwargs)
    np.testing.assert_allclose(averaged.numpy(), want_weights.mean(axis=1), rtol=1e-12, atol=1e-12)


def test_batch_first_and_unbatched_inputs_give_the_same_values():
    rng = np.random.default_rng(6)
    module = random_module(rng)
    q, k = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 2, 4))
    out, weights = module(t(q), t(k), t(k))
    first = random_module(rng, batch_first=True)
    first.load_state_dict(module.state_dict())
    out_bf, weights_bf = first(t(q.transpose(1, 0, 2)), t(k.transpose(1, 0, 2)), t(k.transpose(1, 0, 2)))
    np.testing.assert_allclose(out_bf.numpy(), out.numpy().transpose(1, 0, 2), rtol=0, atol=1e-13)
    np.testing.assert_allclose(weights_bf.numpy(), weights.numpy(), rtol=0, atol=1e-13)
    for m in (module, first):  # unbatched (L, E): batch_first does not apply
        single, single_weights = m(t(q[:, 1]), t(k[:, 1]), t(k[:, 1]))
        assert single.shape == (3, 4) and single_weights.shape == (3, 2)
        np.testing.assert_allclose(single.numpy(), out.numpy()[:, 1], rtol=0, atol=1e-13)


def test_bool_masks_block_where_true_and_need_weights_false_gives_the_same_output():
    rng = np.random.default_rng(7)
    module = random_module(rng)
    q, k = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 2, 4))
    additive = np.where(BOOL_MASK, -np.inf, 0.0)
    out, weights = module(t(q), t(k), t(k), attn_mask=t(BOOL_MASK), average_attn_weights=False)
    want_out, want_weights = by_hand(module, q, k, k, np.broadcast_to(additive, (2, 2, 3, 2)))
    np.testing.assert_allclose(out.numpy(), want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), want_weights, rtol=1e-12, atol=1e-12)
    fast, none = module(t(q), t(k), t(k), attn_mask=t(BOOL_MASK), need_weights=False)
    assert none is None
    np.testing.assert_allclose(fast.numpy(), out.numpy(), rtol=1e-12, atol=1e-12)


def test_a_query_that_sees_no_key_gives_nan_with_weights_and_zero_attention_without():
    """PyTorch 2.14's two paths: softmax of -inf throughout (NaN), and scaled_dot_product_attention's 0s."""
    rng = np.random.default_rng(8)
    module = random_module(rng)
    q, k = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 2, 4))
    blocked = np.array([[True, True], [False, False], [False, True]])
    out, weights = module(t(q), t(k), t(k), attn_mask=t(blocked))
    assert np.isnan(out.numpy()[0]).all() and not np.isnan(out.numpy()[1:]).any() and np.isnan(weights.numpy()[:, 0]).all()
    fast, _ = module(t(q), t(k), t(k), attn_mask=t(blocked), need_weights=False)
    np.testing.assert_allclose(fast.numpy()[0], np.broadcast_to(module.out_proj.bias.numpy(), (2, 4)), rtol=0, atol=0)
    np.testing.assert_allclose(fast.numpy()[1:], out.numpy()[1:], rtol=1e-12, atol=1e-12)


def test_the_causal_hint_needs_its_mask_and_changes_nothing():
    rng = np.random.default_rng(9)
    module = random_module(rng)
    q = rng.standard_normal((3, 2, 4))
    causal = np.triu(np.full((3, 3), -np.inf), 1)
    out, _ = module(t(q), t(q), t(q), attn_mask=t(causal))
    for need in (True, False):
        hinted, _ = module(t(q), t(q), t(q), attn_mask=t(causal), is_causal=True, need_weights=need)
        np.testing.assert_allclose(hinted.numpy(), out.numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        module(t(q), t(q), t(q), is_causal=True)


def test_scaled_dot_product_attention_matches_the_equations():
    rng = np.random.default_rng(10)
    q, k, v = rng.standard_normal((2, 1, 3, 4)), rng.standard_normal((1, 3, 5, 4)), rng.standard_normal((1, 3, 5, 2))
    mask = rng.standard_normal((3, 5))
    got = F.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=t(mask), scale=0.4).numpy()
    assert got.shape == (2, 3, 3, 2)  # the leading dims broadcast
    for a in range(2):
        for b in range(3):
            want = softmax(q[a, 0] @ k[0, b].T * 0.4 + mask) @ v[0, b]
            np.testing.assert_allclose(got[a, b], want, rtol=1e-12, atol=1e-12)
    causal = F.scaled_dot_product_attention(t(q[0, 0]), t(k[0, 0]), t(v[0, 0]), is_causal=True).numpy()
    scores = q[0, 0] @ k[0, 0].T / 2.0 + np.triu(np.full((3, 5), -np.inf), 1)  # query i sees keys 0..i
    np.testing.assert_allclose(causal, softmax(scores) @ v[0, 0], rtol=1e-12, atol=1e-12)


def test_grouped_query_attention_shares_each_key_head():
    rng = np.random.default_rng(11)
    q, k, v = rng.standard_normal((2, 4, 3, 4)), rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((2, 2, 5, 3))
    got = F.scaled_dot_product_attention(t(q), t(k), t(v), enable_gqa=True).numpy()
    for head in range(4):  # query heads 0, 1 share key head 0; 2, 3 share key head 1
        want = F.scaled_dot_product_attention(t(q[:, head]), t(k[:, head // 2]), t(v[:, head // 2])).numpy()
        np.testing.assert_allclose(got[:, head], want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ dropout, dtype, gradients
def test_dropout_acts_in_training_only_and_follows_rng():
    rng = np.random.default_rng(12)
    q = rng.standard_normal((3, 2, 4)).astype(np.float32)
    module = nn.MultiheadAttention(4, 2, dropout=0.5, rng=np.random.default_rng(1))
    plain = nn.MultiheadAttention(4, 2)
    plain.load_state_dict(module.state_dict())
    module.eval()
    np.testing.assert_array_equal(module(t(q), t(q), t(q))[0].numpy(), plain(t(q), t(q), t(q))[0].numpy())
    module.train()
    _, weights = module(t(q), t(q), t(q), average_attn_weights=False)
    kept = weights.numpy()
    assert ((kept == 0) | (kept > 0)).all() and (kept == 0).any()  # dropped, the rest scaled by 2
    sums = kept.sum(axis=-1)
    assert not np.allclose(sums, 1.0)
    zero = F.scaled_dot_product_attention(t(q), t(q), t(q), dropout_p=1.0).numpy()
    assert not zero.any()


def test_float32_in_float32_out():
    module = nn.MultiheadAttention(4, 2)
    x = minigan.randn(3, 2, 4)
    out, weights = module(x, x, x)
    assert out.dtype == np.float32 and weights.dtype == np.float32
    assert F.scaled_dot_product_attention(x, x, x).dtype == np.float32


@pytest.mark.parametrize("name", ["scaled_dot_product_attention(bool mask)", "scaled_dot_product_attention(causal, gqa)",
                                  "nn.MultiheadAttention", "nn.MultiheadAttention(kdim, vdim, bias_kv, zero_attn)"])
def test_gradients_match_finite_differences(name):
    """First order through query, key, value (and every weight); second order through the inputs."""
    rows = list(case_rows(find_case(name)))
    assert rows and all(result.ok for _, _, _, result in rows), [r.message for *_, r in rows if not r.ok]


def test_backward_reaches_every_parameter():
    module = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True)
    out, weights = module(minigan.randn(3, 2, 4), minigan.randn(2, 2, 3), minigan.randn(2, 2, 5))
    (out.sum() + weights.sum()).backward()
    assert all(p.grad is not None and np.abs(p.grad.numpy()).sum() > 0 for p in module.parameters())


@given(length=st.integers(1, 4), keys=st.integers(1, 4), dim=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_property_outputs_are_averages_of_values_in_any_key_order(length, keys, dim, seed):
    """Each output row is a convex combination of value rows (within their range), and moving the
    keys and values together changes nothing."""
    rng = np.random.default_rng(seed)
    q, k, v = rng.standard_normal((2, length, dim)), rng.standard_normal((2, keys, dim)), rng.standard_normal((2, keys, 2))
    out = F.scaled_dot_product_attention(t(q), t(k), t(v)).numpy()
    assert (out >= v.min(axis=1, keepdims=True) - 1e-12).all() and (out <= v.max(axis=1, keepdims=True) + 1e-12).all()
    order = rng.permutation(keys)
    moved = F.scaled_dot_product_attention(t(q), t(k[:, order]), t(v[:, order])).numpy()
    np.testing.assert_allclose(moved, out, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ bad input: one line
@pytest.mark.parametrize("call, error, message", [
    (lambda m, x: m(x, x[:, :, :3], x), AssertionError, "key shape"),
    (lambda m, x: m(x, x, x, attn_mask=t(np.zeros((2, 2), bool))), RuntimeError, r"2D attn_mask is \[2, 2\]"),
    (lambda m, x: m(x, x, x, attn_mask=t(np.zeros((5, 3, 3), bool))), RuntimeError, r"3D attn_mask is \[5, 3, 3\]"),
    (lambda m, x: m(x, x, x, attn_mask=t(np.zeros((3, 3), np.int64))), AssertionError, "only bool and floating"),
    (lambda m, x: m(x, x, x, key_padding_mask=t(np.zeros((2, 2), bool))), AssertionError, "key_padding_mask shape"),
    (lambda m, x: m(x[0], x, x), AssertionError, "For unbatched"),
    (lambda m, x: m(x[0, 0], x[0, 0], x[0, 0]), AssertionError, "unbatched 2D or batched 3D"),
    (lambda m, x: m(x.numpy(), x, x), TypeError, "query must be a Tensor"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x, attn_mask=t(np.ones((3, 3), bool)), is_causal=True),
     RuntimeError, "should not be set when is_causal"),
    (lambda m, x: F.scaled_dot_product_attention(x, x[..., :3], x), RuntimeError, "last size"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x[:, :1]), RuntimeError, "positions"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x.double()), RuntimeError, "same dtype"),
    (lambda m, x: F.scaled_dot_product_attention(x[0, 0], x[0, 0], x[0, 0]), RuntimeError, "at least 2 dimensional"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x, attn_mask=t(np.zeros((3, 3), np.int64))), RuntimeError,
     "bool or float"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x, attn_mask=t(np.zeros((3, 4)))), RuntimeError,
     "does not broadcast"),
    (lambda m, x: F.scaled_dot_product_attention(x, x, x, dropout_p=1.5), ValueError, "between 0 and 1"),
    (lambda m, x: F.scaled_dot_product_attention(x[None], x[None, :2], x[None, :2], enable_gqa=True),
     RuntimeError, "multiple"),
])
def test_bad_input_gets_one_line(call, error, message):
    module, x = nn.MultiheadAttention(4, 2), minigan.randn(3, 2, 4)
    with pytest.raises(error, match=message) as info:
        call(module, x)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((5, 2), {}, AssertionError, "embed_dim must be divisible by num_heads"),
    ((0, 2), {}, ValueError, "must be greater than 0"),
    ((4, 2.0), {}, TypeError, "num_heads must be an int"),
    ((4, 2), {"dropout": 2.0}, ValueError, "between 0 and 1"),
])
def test_bad_construction_gets_one_line(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.MultiheadAttention(*args, **kwargs)
