"""Attention, as PyTorch's: ``F.scaled_dot_product_attention``, ``F.multi_head_attention_forward`` and
``nn.MultiheadAttention``.

Everything is built from ops that already have their gradients (matmul, softmax, linear, dropout,
reshapes, where), so first and second derivatives come from theirs. For one head, with d the
query's last size:

    weights = softmax(Q K^T * scale + M)     scale = 1 / sqrt(d) unless given
    output  = dropout(weights) V

where M is the additive mask: a float mask as given, a bool mask as 0 where a position takes part
and -inf where it does not. The two functions read a bool mask oppositely, as PyTorch's do:
``scaled_dot_product_attention`` keeps the places where it is True, ``MultiheadAttention`` (its
``attn_mask`` and ``key_padding_mask``) blocks them.

A query row whose every key is blocked gives weights of 0 (so an output of 0) in
``scaled_dot_product_attention``, which is also what ``MultiheadAttention`` gives with
``need_weights=False``; with ``need_weights=True`` PyTorch's softmax gives NaN there, and so does
minigan's (PyTorch 2.14's two paths differ, and minigan follows each).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from . import init
from .layers import Linear
from .module import Module, Parameter

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward", "MultiheadAttention",
           "NonDynamicallyQuantizableLinear"]


# ====================================================================== masks
def _kind(mask: Any) -> str:
    """'bool' or 'float' for a mask Tensor (or array); anything else is an error."""
    raw = mask.array if isinstance(mask, Tensor) else mask
    kind = backend_of(raw).numpy_dtype(raw.dtype).kind if hasattr(raw, "dtype") else ""
    return {"b": "bool", "f": "float"}.get(kind, "")


def _constant(like: Tensor, array: np.ndarray) -> Tensor:
    """An array as a constant Tensor on like's device, in like's dtype."""
    backend = backend_of(like.array)
    return Tensor._make(backend.asarray(array.astype(backend.numpy_dtype(like.dtype))), False, None)


def _additive(mask: Any, like: Tensor, blocked_when: bool) -> Tensor:
    """A bool mask as 0 / -inf in like's dtype (-inf where it equals ``blocked_when``); a float mask as given."""
    if not isinstance(mask, Tensor):
        raise TypeError(f"attention masks must be Tensors, got {type(mask).__name__}")
    if _kind(mask) == "float":
        return mask
    blocked = np.asarray(backend_of(mask.array).to_numpy(mask.array)) == blocked_when
    return _constant(like, np.where(blocked, -np.inf, 0.0))


def _causal(like: Tensor, length: int, source_length: int) -> Tensor:
    """The causal mask (L, S): query i sees keys 0..i (the top-left triangle, as PyTorch's), as 0 / -inf."""
    rows, cols = np.arange(length)[:, None], np.arange(source_length)[None, :]
    return _constant(like, np.where(cols > rows, -np.inf, 0.0))


def _softmax_rows(scores: Tensor, blocked_rows_give_zero: bool) -> Tensor:
    """softmax over the last dim; a row that is -inf throughout gives 0s, or NaNs as a plain softmax
    would (set here, so NumPy warns of nothing)."""
    xp = backend_of(scores.array).xp
    dead = xp.all(scores.array == -math.inf, axis=-1, keepdims=True)
    if not bool(xp.any(dead)):
        return ops.dims.softmax(scores, -1)
    # a finite row in place of the blocked one, then the fill: no gradient flows back through it
    weights = ops.dims.softmax(ops.masked_fill(scores, dead, 0.0), -1)
    return ops.masked_fill(weights, dead, 0.0 if blocked_rows_give_zero else math.nan)


def _attend(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | None, scale: float, dropout_p: float,
            blocked_rows_give_zero: bool, rng: Any) -> tuple[Tensor, Tensor]:
    """(dropout(softmax(q k^T scale + bias)) v, those weights after dropout), over the last two dims."""
    scores = (q @ k.transpose(-2, -1)) * scale
    if bias is not None:
        scores = scores + bias
    weights = _softmax_rows(scores, blocked_rows_give_zero)
    dropped = ops.dropout(weights, dropout_p, training=True, rng=rng) if dropout_p > 0 else weights
    return dropped @ v, dropped


def _probability(name: str, p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _require_tensors(name: str, *tensors: Any) -> None:
    for label, t in zip(("query", "key", "value"), tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}: {label} must be a Tensor, got {type(t).__name__}")


# ====================================================================== scaled dot-product attention
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False, *, rng: np.random.Generator | None = None) -> Tensor:
    """softmax(Q K^T * scale + M) V, like ``torch.nn.functional.scaled_dot_product_attention``.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev), the leading dims
    broadcast. ``attn_mask`` broadcastable to (..., L, S): bool, True where a position takes part;
    or float, added to the scores. ``is_causal``: query i sees keys 0..i (no ``attn_mask`` then).
    ``scale`` defaults to 1 / sqrt(E). ``dropout_p`` drops attention weights (always, as PyTorch's
    function does; a module passes 0 in evaluation), from ``rng`` if given. ``enable_gqa``: key and
    value may have fewer heads (dim -3) than query, each shared by query_heads / key_heads heads.
    A query row with every key masked gives 0s.
    """
    name = "scaled_dot_product_attention"
    _require_tensors(name, query, key, value)
    tensors = (query, key, value)
    if min(t.ndim for t in tensors) < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if backend_of(query.array).numpy_dtype(query.dtype).kind != "f":
        raise TypeError(f"{name}: expected floating-point query, key and value, got {query.dtype}")
    if key.shape[-1] != query.shape[-1]:
        raise RuntimeError(f"{name}: query's last size {query.shape[-1]} and key's {key.shape[-1]} differ")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{name}: key has {key.shape[-2]} positions and value {value.shape[-2]}")
    dropout_p = _probability(name, dropout_p)
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        key, value = (_shared_heads(name, query, t) for t in (key, value))
    try:
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    except ValueError:
        raise RuntimeError(f"{name}: the leading dims of query {tuple(query.shape)}, key {tuple(key.shape)} and "
                           f"value {tuple(value.shape)} do not broadcast") from None
    length, source_length = query.shape[-2], key.shape[-2]
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        bias = _causal(query, length, source_length)
    elif attn_mask is not None:
        if not isinstance(attn_mask, Tensor) or not _kind(attn_mask):
            got = attn_mask.dtype if isinstance(attn_mask, Tensor) else type(attn_mask).__name__
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {got} and  query.dtype: {query.dtype} instead.")
        try:
            np.broadcast_shapes(tuple(attn_mask.shape), tuple(batch) + (length, source_length))
        except ValueError:
            raise RuntimeError(f"{name}: attn_mask of shape {tuple(attn_mask.shape)} does not broadcast to the "
                               f"scores' shape {tuple(batch) + (length, source_length)}") from None
        bias = _additive(attn_mask, query, blocked_when=False)
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    return _attend(query, key, value, bias, factor, dropout_p, True, rng)[0]


def _shared_heads(name: str, query: Tensor, t: Tensor) -> Tensor:
    """key or value with each of its heads (dim -3) repeated for the query heads that share it."""
    heads, shared = query.shape[-3], t.shape[-3]
    if heads % shared:
        raise RuntimeError(f"{name}: with enable_gqa, the query's {heads} heads must be a multiple of the "
                           f"key's and value's {shared}")
    index = np.repeat(np.arange(shared, dtype=np.int64), heads // shared)
    return ops.index_select(t, t.ndim - 3, backend_of(t.array).asarray(index))


# ====================================================================== multi-head attention
def _mha_mask(name: str, mask: Any, other: Any, like: Tensor) -> Tensor | None:
    """attn_mask or key_padding_mask as an additive float mask (bool True: blocked), as PyTorch's."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor) or not _kind(mask):
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if other is not None and isinstance(other, Tensor) and _kind(other) and _kind(other) != _kind(mask):
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for "
                      "both instead.", UserWarning, stacklevel=4)
    return _additive(mask, like, blocked_when=True)


def _pad_column(mask: Tensor | None) -> Tensor | None:
    """A mask with one more key position, allowed (0), at the end: for bias_k/bias_v and add_zero_attn."""
    if mask is None:
        return None
    return ops.cat([mask, _constant(mask, np.zeros(mask.shape[:-1] + (1,)))], axis=-1)


def _check_inputs(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any, attn_mask: Any) -> bool:
    """Whether the call is batched; PyTorch's errors for inputs of the wrong ranks."""
    _require_tensors("multi_head_attention_forward", query, key, value)
    rank = query.ndim
    if rank not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {rank}-D query tensor")
    kind = "batched (3-D)" if rank == 3 else "unbatched (2-D)"
    if key.ndim != rank or value.ndim != rank:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {rank}-D but found "
                             f"{key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != rank - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or {rank - 1}-D but "
                             f"found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                             f"{attn_mask.ndim}-D tensor instead")
    return rank == 3


def _projections(query: Tensor, key: Tensor, value: Tensor, embed_dim: int, in_proj_weight: Any,
                 in_proj_bias: Any, separate: bool, separate_weights: tuple[Any, Any, Any]) -> list[Tensor]:
    """q, k, v = each input @ its block of the projection^T + its block of the bias."""
    if separate:
        weights = list(separate_weights)
        if any(w is None for w in weights):
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight, k_proj_weight or "
                                 "v_proj_weight is None")
    else:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = [in_proj_weight[k * embed_dim:(k + 1) * embed_dim] for k in range(3)]
    biases = [None if in_proj_bias is None else in_proj_bias[k * embed_dim:(k + 1) * embed_dim] for k in range(3)]
    out = []
    for x, weight, bias in zip((query, key, value), weights, biases):
        length, batch, features = x.shape
        if features != weight.shape[1]:
            raise RuntimeError(f"multi_head_attention_forward: an input has {features} features but its "
                               f"projection weight {tuple(weight.shape)} expects {weight.shape[1]}")
        out.append(ops.linear(x.reshape(length * batch, features), weight, bias).reshape(length, batch, embed_dim))
    return out


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None, bias_v: Tensor | None,
        add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
        training: bool = True, key_padding_mask: Tensor | None = None, need_weights: bool = True,
        attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
        k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
        static_v: Tensor | None = None, average_attn_weights: bool = True, is_causal: bool = False, *,
        rng: np.random.Generator | None = None) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on (L, N, E) query and (S, N, kdim), (S, N, vdim) key and value (or
    unbatched (L, E), (S, kdim), (S, vdim)), like ``torch.nn.functional.multi_head_attention_forward``:
    project, split into ``num_heads`` heads of E / num_heads, attend per head (see the module
    docstring), join the heads and project out. Returns (output (L, N, E), weights (N, L, S)
    averaged over the heads, (N, H, L, S) with ``average_attn_weights=False``, or None without
    ``need_weights``). Masks: ``attn_mask`` (L, S) or (N * H, L, S), ``key_padding_mask`` (N, S);
    bool True blocks, float is added. ``is_causal`` is a hint that ``attn_mask`` is the causal mask.
    """
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k and static_v are not supported by minigan")
    batched = _check_inputs(query, key, value, key_padding_mask, attn_mask)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    length, batch, embed_dim = query.shape
    source_length = key.shape[0]
    if query.shape[-1] != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim, remainder = divmod(embed_dim, num_heads)
    if remainder:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                                 f"{tuple(value.shape[:2])}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}")
    if key.shape[1] != batch:
        raise AssertionError(f"query has batch size {batch} but key has {key.shape[1]}")
    if attn_mask is None and is_causal:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    q, k, v = _projections(query, key, value, embed_dim, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                           (q_proj_weight, k_proj_weight, v_proj_weight))
    causal_hint = is_causal and key_padding_mask is None and not need_weights
    attn = None if causal_hint else _mha_mask("attn_mask", attn_mask, key_padding_mask, q)
    padding = _mha_mask("key_padding_mask", key_padding_mask, attn_mask, q)
    if attn is not None:
        want = (length, source_length) if attn.ndim == 2 else (batch * num_heads, length, source_length)
        if tuple(attn.shape) != want:
            raise RuntimeError(f"The shape of the {attn.ndim}D attn_mask is {list(attn.shape)}, but should be "
                               f"{want}.")
        attn = attn.unsqueeze(0) if attn.ndim == 2 else attn
    if padding is not None and tuple(padding.shape) != (batch, source_length):
        raise AssertionError(f"expecting key_padding_mask shape of {(batch, source_length)}, but got "
                             f"{tuple(padding.shape)}")
    if bias_k is not None or bias_v is not None:
        if bias_k is None or bias_v is None:
            raise AssertionError("bias_k and bias_v must be given together")
        k = ops.cat([k, bias_k.reshape(1, 1, embed_dim).expand(1, batch, embed_dim)], axis=0)
        v = ops.cat([v, bias_v.reshape(1, 1, embed_dim).expand(1, batch, embed_dim)], axis=0)
        attn, padding = _pad_column(attn), _pad_column(padding)
    # (length, N, E) -> (N * H, length, head_dim): head h of batch n is row n * H + h
    q, k, v = (t.reshape(t.shape[0], batch * num_heads, head_dim).transpose(0, 1) for t in (q, k, v))
    if add_zero_attn:
        zeros = _constant(k, np.zeros((batch * num_heads, 1, head_dim)))
        k, v = ops.cat([k, zeros], axis=1), ops.cat([v, zeros], axis=1)
        attn, padding = _pad_column(attn), _pad_column(padding)
    keys = k.shape[1]
    if padding is not None:
        padding = padding.reshape(batch, 1, 1, keys).expand(batch, num_heads, 1, keys)
        padding = padding.reshape(batch * num_heads, 1, keys)
        attn = padding if attn is None else attn + padding
    if causal_hint:
        attn = _causal(q, length, keys).unsqueeze(0)
    dropout_p = _probability("multi_head_attention_forward", dropout_p) if training else 0.0
    out, weights = _attend(q, k, v, attn, 1.0 / math.sqrt(head_dim), dropout_p, not need_weights, rng)
    out = out.transpose(0, 1).reshape(length * batch, embed_dim)
    out = ops.linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, embed_dim)
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.reshape(batch, num_heads, length, keys)
    if average_attn_weights:
        weights = ops.dims.mean(weights, 1)
    return (out, weights) if batched else (out.squeeze(1), weights.squeeze(0))


class NonDynamicallyQuantizableLinear(Linear):
    """MultiheadAttention's output projection: a Linear (PyTorch's name for it, kept for the repr)."""


class MultiheadAttention(Module):
    """Multi-head attention, as ``torch.nn.MultiheadAttention``: ``forward(query, key, value)`` returns
    (output, weights), computed by :func:`multi_head_attention_forward`.

    Parameters as PyTorch's, so its ``state_dict`` loads: ``in_proj_weight`` (3E, E) holding W_q, W_k,
    W_v (or ``q_proj_weight`` (E, E), ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim) when
    kdim or vdim differs from E), ``in_proj_bias`` (3E), ``bias_k`` and ``bias_v`` (1, 1, E) with
    ``add_bias_kv``, and ``out_proj`` (a Linear E -> E). Initialised as PyTorch's: the projections
    xavier-uniform, the biases 0, bias_k and bias_v xavier-normal, out_proj.weight as a Linear's.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None, *,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if device not in (None, "cpu"):
            raise ValueError(f"MultiheadAttention: device={device!r}; build on the CPU and move it with .to()")
        dtype = np.float32 if dtype is None else dtype
        for label, size in (("embed_dim", embed_dim), ("num_heads", num_heads)):
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
                raise TypeError(f"MultiheadAttention: {label} must be an int, got {type(size).__name__}")
        if min(embed_dim, num_heads) < 1:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.kdim = self.embed_dim if kdim is None else int(kdim)
        self.vdim = self.embed_dim if vdim is None else int(vdim)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.dropout = _probability("MultiheadAttention", dropout)
        self.batch_first, self.head_dim = bool(batch_first), self.embed_dim // self.num_heads
        self.add_zero_attn = bool(add_zero_attn)
        self.rng = rng  # the dropout masks' generator (default: the process's, which manual_seed seeds)
        e, same = self.embed_dim, self._qkv_same_embed_dim
        # PyTorch's order, which its state_dict keeps; None: absent from this configuration
        shapes = {"in_proj_weight": (3 * e, e) if same else None, "q_proj_weight": None if same else (e, e),
                  "k_proj_weight": None if same else (e, self.kdim), "v_proj_weight": None if same else (e, self.vdim),
                  "in_proj_bias": (3 * e,) if bias else None}
        for name, shape in shapes.items():
            self.register_parameter(name, None if shape is None else Parameter(np.empty(shape, dtype=dtype)))
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, e), dtype=dtype))
            self.bias_v = Parameter(np.empty((1, 1, e), dtype=dtype))
        else:  # plain attributes, as PyTorch's: not in the state_dict
            self.bias_k, self.bias_v = None, None
        self.out_proj = NonDynamicallyQuantizableLinear(e, e, bias=bias, rng=rng, dtype=dtype)
        self._reset_parameters(rng)

    def _reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight, rng=rng)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight, rng=rng)
        for bias in (self.in_proj_bias, self.out_proj.bias):
            if bias is not None:
                init.zeros_(bias)
        for bias in (self.bias_k, self.bias_v):
            if bias is not None:
                init.xavier_normal_(bias, rng=rng)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """(output, weights): output (L, N, E) ((N, L, E) with batch_first, (L, E) unbatched); weights
        (N, L, S) averaged over the heads, (N, H, L, S) with ``average_attn_weights=False``, None
        without ``need_weights``. Masks as :func:`multi_head_attention_forward`'s."""
        _require_tensors("MultiheadAttention", query, key, value)
        batched = query.ndim == 3
        if self.batch_first and batched:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        output, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal, rng=self.rng)
        return (output.transpose(0, 1) if self.batch_first and batched else output), weights
