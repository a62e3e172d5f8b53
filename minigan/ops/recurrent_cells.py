"""One LSTM or GRU step's gate arithmetic as single ops, so that a recurrent layer's time step
(minigan/nn/recurrent.py) is a handful of ops instead of fifteen.

With every gate's pre-activation stacked along the last axis in PyTorch's row order, σ the
sigmoid and H the hidden size:

    LSTM  gates = [a_i | a_f | a_g | a_o] (N, 4H);  i, f, g, o = σ(a_i), σ(a_f), tanh(a_g), σ(a_o)
          c' = f c + i g                                   LSTMCellState(gates, c)
          h' = o tanh(c')                                  LSTMCellOutput(gates, c')
    GRU   gi = W_ih x + b_ih and gh = W_hh h + b_hh, each [r | z | n] (N, 3H)
          r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n)
          h' = (1 - z) n + z h                             GRUCellUpdate(gi, gh, h)

The engine's Functions have one output each. The LSTM's two results are two ops of one output
each, the second reading the first's c': no split into parts (minigan/ops/parts.py), whose
bookkeeping would cost more ops per step than it saves. A layer's LSTM step instead carries its
state as one Tensor [h | c] (N, 2H) and is one op with the recurrent linear inside:

          [h' | c'] from x_gates = W_ih x + b_ih and gates = x_gates + W_hh h + b_hh
                                                           LSTMStep(x_gates, hc, W_hh, b_hh)

Each formula below is written once, over a namespace ``F`` of the formulas in minigan/formulas.py
(σ, tanh and their derivatives read off the output) and a ``join`` along the last axis: forward
and the plain backward run it on arrays with the backend's binding; a recorded backward
(create_graph) runs it on the Tensors with ``TENSOR_FORMULAS``, so second derivatives work.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..autograd import Tensor, is_grad_enabled
from ..autograd.function import Context, Function
from ..backends import backend_of
from .activations import TENSOR_FORMULAS
from .arithmetic import matmul
from .fused import linear
from .operands import _constant
from .shape import concatenate


# ============================================================== the formulas, once
def _lstm_state(F: Any, gates: Any, c: Any) -> tuple[Any, tuple[Any, Any, Any]]:
    """c' = σ(a_f) c + σ(a_i) tanh(a_g), and (i, f, g) for the backward (σ of a_i and a_f, which
    are side by side, in one call)."""
    width = c.shape[-1]
    i_f, g = F.sigmoid(gates[..., :2 * width]), F.tanh_act(gates[..., 2 * width:3 * width], 0)
    i, f = i_f[..., :width], i_f[..., width:]
    return f * c + i * g, (i, f, g)


def _lstm_state_grads(F: Any, grad: Any, c: Any, i: Any, f: Any, g: Any) -> tuple[Any, Any, Any, Any]:
    """(dL/da_i, dL/da_f, dL/da_g, dL/dc) from grad = dL/dc'."""
    return (F.sigmoid_backward(grad * g, i, 0), F.sigmoid_backward(grad * c, f, 0),
            F.tanh_backward(grad * i, g, 0), grad * f)


def _lstm_output(F: Any, a_o: Any, c: Any) -> tuple[Any, tuple[Any, Any]]:
    """h' = σ(a_o) tanh(c'), and (o, tanh c') for the backward."""
    o, t = F.sigmoid(a_o), F.tanh_act(c, 0)
    return o * t, (o, t)


def _lstm_output_grads(F: Any, grad: Any, o: Any, t: Any) -> tuple[Any, Any]:
    """(dL/da_o, dL/dc') from grad = dL/dh'."""
    return F.sigmoid_backward(grad * t, o, 0), F.tanh_backward(grad * o, t, 0)


def _gru(F: Any, gi: Any, gh: Any, h: Any) -> tuple[Any, tuple[Any, Any, Any]]:
    """h' = (1 - z) n + z h, and (r, z, n) for the backward (σ of r's and z's sums in one call)."""
    width = h.shape[-1]
    r_z = F.sigmoid(gi[..., :2 * width] + gh[..., :2 * width])
    r, z = r_z[..., :width], r_z[..., width:]
    n = F.tanh_act(gi[..., 2 * width:] + r * gh[..., 2 * width:], 0)
    return (1.0 - z) * n + z * h, (r, z, n)


def _gru_grads(F: Any, grad: Any, gh: Any, h: Any, r: Any, z: Any, n: Any) -> tuple[list[Any], list[Any], Any]:
    """(dL/dgi's blocks, dL/dgh's blocks, dL/dh) from grad = dL/dh'."""
    d_n = F.tanh_backward(grad * (1.0 - z), n, 0)
    d_r = F.sigmoid_backward(d_n * gh[..., 2 * n.shape[-1]:], r, 0)
    d_z = F.sigmoid_backward(grad * (h - n), z, 0)
    return [d_r, d_z, d_n], [d_r, d_z, d_n * r], grad * z


# ============================================================== arrays or Tensors
def _on_arrays(like: Any) -> tuple[Any, Callable[[Sequence[Any]], Any], Callable[[Any], Any]]:
    """(F, join, zeros_like) for arrays of like's backend."""
    backend = backend_of(like)
    xp = backend.xp
    return (backend.F, lambda blocks: xp.concat(list(blocks), axis=-1),
            lambda a: xp.zeros(a.shape, dtype=a.dtype, device=a.device))


def _on_tensors() -> tuple[Any, Callable[[Sequence[Any]], Any], Callable[[Any], Any]]:
    """(F, join, zeros_like) for Tensors, every step recorded."""
    def zeros_like(t: Tensor) -> Tensor:
        return _constant(_on_arrays(t.array)[2](t.array))
    return TENSOR_FORMULAS, lambda blocks: concatenate(list(blocks), -1), zeros_like


def _needed(grads: Sequence[Tensor], needs: Sequence[bool]) -> tuple[Tensor | None, ...]:
    """The recorded backward's gradients, None where no gradient is wanted."""
    return tuple(g if need else None for g, need in zip(grads, needs))


def _wrapped(grads: Sequence[Any], needs: Sequence[bool]) -> tuple[Tensor | None, ...]:
    """The plain backward's arrays as Tensors, None where no gradient is wanted."""
    return _needed([_constant(g) for g in grads], needs)


# ============================================================== the ops
class LSTMCellState(Function):
    """f = c' = σ(a_f) c + σ(a_i) tanh(a_g) for gates = [a_i | a_f | a_g | a_o];
    df/da_i = σ'(a_i) tanh(a_g), df/da_f = σ'(a_f) c, df/da_g = σ(a_i) tanh'(a_g), df/da_o = 0, df/dc = σ(a_f)."""

    fuses = "LSTM c'"  # what the op stands for; minigan.trace() marks it "[fused LSTM c']"

    @staticmethod
    def forward(ctx: Context, gates: Any, c: Any) -> Any:
        F = backend_of(gates).F
        c_new, activated = _lstm_state(F, gates, c)
        ctx.save_for_backward(*activated)
        return c_new

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        gates, c = ctx.inputs
        if is_grad_enabled():  # create_graph: recompute the gates from the inputs, recorded
            F, join, zeros_like = _on_tensors()
            activated = _lstm_state(F, gates, c)[1]
            d_i, d_f, d_g, d_c = _lstm_state_grads(F, grad, c, *activated)
            return _needed((join([d_i, d_f, d_g, zeros_like(d_g)]), d_c), ctx.needs_input_grad)
        F, join, zeros_like = _on_arrays(grad.array)
        d_i, d_f, d_g, d_c = _lstm_state_grads(F, grad.array, c.array, *ctx.saved)
        return _wrapped((join([d_i, d_f, d_g, zeros_like(d_g)]), d_c), ctx.needs_input_grad)


class LSTMCellOutput(Function):
    """f = h' = σ(a_o) tanh(c') for gates = [a_i | a_f | a_g | a_o];
    df/da_o = σ'(a_o) tanh(c'), df/d(a_i, a_f, a_g) = 0, df/dc' = σ(a_o) tanh'(c')."""

    fuses = "LSTM h'"

    @staticmethod
    def forward(ctx: Context, gates: Any, c: Any) -> Any:
        h, activated = _lstm_output(backend_of(gates).F, gates[..., 3 * c.shape[-1]:], c)
        ctx.save_for_backward(*activated)
        return h

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        gates, c = ctx.inputs
        if is_grad_enabled():
            F, join, zeros_like = _on_tensors()
            activated = _lstm_output(F, gates[..., 3 * c.shape[-1]:], c)[1]
            d_o, d_c = _lstm_output_grads(F, grad, *activated)
            zeros = zeros_like(d_o)
            return _needed((join([zeros, zeros, zeros, d_o]), d_c), ctx.needs_input_grad)
        F, join, zeros_like = _on_arrays(grad.array)
        d_o, d_c = _lstm_output_grads(F, grad.array, *ctx.saved)
        zeros = zeros_like(d_o)
        return _wrapped((join([zeros, zeros, zeros, d_o]), d_c), ctx.needs_input_grad)


class GRUCellUpdate(Function):
    """f = h' = (1 - z) n + z h, r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n);
    with d_n = g (1 - z) tanh'(.), d_r = d_n gh_n σ'(.), d_z = g (h - n) σ'(.): df/dgi = [d_r | d_z | d_n],
    df/dgh = [d_r | d_z | d_n r], df/dh = z."""

    fuses = "GRU h'"

    @staticmethod
    def forward(ctx: Context, gi: Any, gh: Any, h: Any) -> Any:
        h_new, activated = _gru(backend_of(gi).F, gi, gh, h)
        ctx.save_for_backward(*activated)
        return h_new

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        gi, gh, h = ctx.inputs
        if is_grad_enabled():
            F, join, _ = _on_tensors()
            d_gi, d_gh, d_h = _gru_grads(F, grad, gh, h, *_gru(F, gi, gh, h)[1])
            return _needed((join(d_gi), join(d_gh), d_h), ctx.needs_input_grad)
        F, join, _ = _on_arrays(grad.array)
        d_gi, d_gh, d_h = _gru_grads(F, grad.array, gh.array, h.array, *ctx.saved)
        return _wrapped((join(d_gi), join(d_gh), d_h), ctx.needs_input_grad)


class LSTMStep(Function):
    """f = [h' | c'] for a = x_gates + h W_hh^T + b_hh and the state hc = [h | c], c' and h' as in
    LSTMCellState and LSTMCellOutput; with g = [g_h | g_c], dc = g_c + g_h σ(a_o) tanh'(c') and
    da = [dc tanh(a_g) σ'(a_i) | dc c σ'(a_f) | dc σ(a_i) tanh'(a_g) | g_h tanh(c') σ'(a_o)]:
    df/dx_gates = da, df/dhc = [da W_hh | dc σ(a_f)], df/dW_hh = da^T h, df/db_hh = da's column sums.

    One whole LSTM step from x_gates = W_ih x + b_ih (N, 4H) and hc (N, 2H): a recurrent layer's
    time step is then this op and the step's slice of the projected input, two graph nodes where
    the linear, the add and the two cell ops made five."""

    fuses = "LSTM step"

    @staticmethod
    def forward(ctx: Context, x_gates: Any, hc: Any, weight_hh: Any, *bias_hh: Any) -> Any:
        backend = backend_of(x_gates)
        width = hc.shape[-1] // 2
        h_part = backend.matmul(hc[:, :width], weight_hh.T)
        gates = x_gates + (h_part + bias_hh[0] if bias_hh else h_part)
        c_new, (i, f, g) = _lstm_state(backend.F, gates, hc[:, width:])
        h_new, (o, t) = _lstm_output(backend.F, gates[:, 3 * width:], c_new)
        ctx.save_for_backward(i, f, g, o, t)
        return backend.xp.concat([h_new, c_new], axis=-1)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        needs = ctx.needs_input_grad
        if is_grad_enabled():  # create_graph: recompute the gates from the inputs, recorded
            x_gates, hc, weight_hh = ctx.inputs[:3]
            width = hc.shape[-1] // 2
            gates = x_gates + linear(hc[:, :width], weight_hh, *ctx.inputs[3:])
            c_new, activated = _lstm_state(TENSOR_FORMULAS, gates, hc[:, width:])
            activated += _lstm_output(TENSOR_FORMULAS, gates[:, 3 * width:], c_new)[1]
            grads = _lstm_step_grads(_on_tensors()[:2], matmul, grad, hc, weight_hh, activated, needs)
            return _needed(grads + [grads[0].sum(axis=0)] if len(needs) == 4 else grads, needs)
        hc = ctx.inputs[1].array
        backend = backend_of(hc)
        grads = _lstm_step_grads(_on_arrays(hc)[:2], backend.matmul, grad.array, hc, ctx.inputs[2].array,
                                 ctx.saved, needs)
        return _wrapped(grads + [backend.xp.sum(grads[0], axis=0)] if len(needs) == 4 else grads, needs)


class GRUStep(Function):
    """f = h' = GRUCellUpdate(gi, gh, h) for gh = h W_hh^T + b_hh; with its d_gi = [d_r | d_z | d_n]
    and d_gh = [d_r | d_z | d_n r]: df/dgi = d_gi, df/dh = z + d_gh W_hh, df/dW_hh = d_gh^T h,
    df/db_hh = d_gh's column sums.

    One whole GRU step from gi = W_ih x + b_ih (N, 3H) and h (N, H): a layer's GRU step is then
    two graph nodes, not three."""

    fuses = "GRU step"

    @staticmethod
    def forward(ctx: Context, gi: Any, h: Any, weight_hh: Any, *bias_hh: Any) -> Any:
        backend = backend_of(gi)
        gh = backend.matmul(h, weight_hh.T)
        gh = gh + bias_hh[0] if bias_hh else gh
        h_new, activated = _gru(backend.F, gi, gh, h)
        ctx.save_for_backward(gh, *activated)
        return h_new

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        needs = ctx.needs_input_grad
        if is_grad_enabled():  # create_graph: recompute gh and the gates from the inputs, recorded
            gi, h, weight_hh = ctx.inputs[:3]
            gh = linear(h, weight_hh, *ctx.inputs[3:])
            saved = (gh,) + _gru(TENSOR_FORMULAS, gi, gh, h)[1]
            grads, d_gh = _gru_step_grads(_on_tensors()[:2], matmul, grad, h, weight_hh, saved, needs)
            return _needed(grads + [d_gh.sum(axis=0)] if len(needs) == 4 else grads, needs)
        h = ctx.inputs[1].array
        backend = backend_of(h)
        grads, d_gh = _gru_step_grads(_on_arrays(h)[:2], backend.matmul, grad.array, h, ctx.inputs[2].array,
                                      ctx.saved, needs)
        return _wrapped(grads + [backend.xp.sum(d_gh, axis=0)] if len(needs) == 4 else grads, needs)


def _gru_step_grads(on: tuple[Any, Callable], product: Callable[[Any, Any], Any], grad: Any, h: Any,
                    weight_hh: Any, saved: Sequence[Any], needs: Sequence[bool]) -> tuple[list[Any], Any]:
    """GRUStep's ([dL/dgi, dL/dh, dL/dW_hh], dL/dgh) from grad = dL/dh', dL/db_hh being dL/dgh's
    column sums; on: (F, join). The products are made only where needed (a placeholder stands
    where not)."""
    F, join = on
    gh, r, z, n = saved
    d_gi, d_gh, d_h = _gru_grads(F, grad, gh, h, r, z, n)
    d_gh = join(d_gh)
    return [join(d_gi), d_h + product(d_gh, weight_hh) if needs[1] else d_h,
            product(d_gh.T, h) if needs[2] else d_gh], d_gh


def _lstm_step_grads(on: tuple[Any, Callable], product: Callable[[Any, Any], Any], grad: Any, hc: Any,
                     weight_hh: Any, activated: Sequence[Any], needs: Sequence[bool]) -> list[Any]:
    """LSTMStep's [dL/da, dL/dhc, dL/dW_hh] from grad = dL/d[h' | c'], with dL/da = dL/dx_gates and
    dL/db_hh its column sums; on: (F, join). The products are made only where needed (a
    placeholder stands where not)."""
    F, join = on
    width = hc.shape[-1] // 2
    i, f, g, o, t = activated
    d_o, d_c_new = _lstm_output_grads(F, grad[:, :width], o, t)
    d_i, d_f, d_g, d_c = _lstm_state_grads(F, grad[:, width:] + d_c_new, hc[:, width:], i, f, g)
    d_gates = join([d_i, d_f, d_g, d_o])
    return [d_gates, join([product(d_gates, weight_hh), d_c]) if needs[1] else d_c,
            product(d_gates.T, hc[:, :width]) if needs[2] else d_gates]


# ============================================================== the wrappers
def _check(name: str, count: int, state: Tensor, *gates: Tensor) -> None:
    """One line unless every gates Tensor is (*, count * H) for the state's (*, H)."""
    want = tuple(state.shape[:-1]) + (count * state.shape[-1],)
    if any(tuple(g.shape) != want for g in gates):
        shapes = ", ".join(str(tuple(g.shape)) for g in gates)
        raise ValueError(f"{name}: the gates must be (*, {count} * H) for a state (*, H) = {tuple(state.shape)}, "
                         f"got {shapes}")


def lstm_cell(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM update from the gates' pre-activations [a_i | a_f | a_g | a_o] (*, 4H) and the cell
    state c (*, H): (h', c'), two ops (LSTMCellState, then LSTMCellOutput on its c')."""
    _check("lstm_cell", 4, c, gates)
    c_new = LSTMCellState.apply(gates, c)
    return LSTMCellOutput.apply(gates, c_new), c_new


def lstm_step(x_gates: Tensor, hc: Tensor, weight_hh: Tensor, bias_hh: Tensor | None = None) -> Tensor:
    """One whole LSTM step [h' | c'] (N, 2H) from x_gates = W_ih x + b_ih (N, 4H), the state
    [h | c] (N, 2H), the recurrent weight W_hh (4H, H) and bias b_hh (4H,), as one op (LSTMStep)."""
    return LSTMStep.apply(*_step_inputs("lstm_step", ("x_gates", 4), ("hc", 2), x_gates, hc, weight_hh, bias_hh))


def gru_step(gi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None = None) -> Tensor:
    """One whole GRU step h' (N, H) from gi = W_ih x + b_ih (N, 3H), h (N, H), the recurrent
    weight W_hh (3H, H) and bias b_hh (3H,), as one op (GRUStep)."""
    return GRUStep.apply(*_step_inputs("gru_step", ("gi", 3), ("h", 1), gi, h, weight_hh, bias_hh))


def _step_inputs(name: str, gates: tuple[str, int], state: tuple[str, int], x: Tensor, s: Tensor,
                 weight_hh: Tensor, bias_hh: Tensor | None) -> tuple[Tensor, ...]:
    """(x, s, weight_hh[, bias_hh]) when x is (N, k H), s (N, m H), weight_hh (k H, H) and bias_hh
    (k H,), with (label, k) = gates and (label, m) = state; else one line naming the shapes."""
    (x_name, k), (s_name, m) = gates, state
    tensors = (x, s, weight_hh) + (() if bias_hh is None else (bias_hh,))
    rows, width = (s.shape[0], s.shape[1] // m) if s.ndim == 2 else (0, 0)
    want = [(rows, k * width), (rows, m * width), (k * width, width), (k * width,)]
    if s.ndim != 2 or any(tuple(t.shape) != shape for t, shape in zip(tensors, want)):
        got = ", ".join(str(tuple(t.shape)) for t in tensors)
        size = lambda n: f"{n}H" if n > 1 else "H"  # noqa: E731
        raise ValueError(f"{name}: expected {x_name} (N, {size(k)}), {s_name} (N, {size(m)}), weight_hh ({size(k)}, H) "
                         f"and bias_hh ({size(k)},), got {got}")
    return tensors


def gru_cell(gi: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """One GRU update h' from gi = W_ih x + b_ih and gh = W_hh h + b_hh ([r | z | n], (*, 3H)) and
    h (*, H), as one op (GRUCellUpdate)."""
    _check("gru_cell", 3, h, gi, gh)
    return GRUCellUpdate.apply(gi, gh, h)
