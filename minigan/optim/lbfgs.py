"""L-BFGS, PyTorch's (``torch.optim.LBFGS``, after Schmidt's minFunc): a quasi-Newton method on all
the parameters flattened into one vector, whose ``step(closure)`` re-evaluates the loss and the
gradient as often as it needs (up to ``max_iter`` iterations and ``max_eval`` evaluations a call).

The direction is the two-loop recursion over the last ``history_size`` pairs (s, y) of steps and
gradient changes, scaled by H_diag = y·s / y·y; the step length is ``lr`` (the first iteration
min(1, 1/|g|₁)·lr), or is found by a line search meeting the strong Wolfe conditions
(``line_search_fn="strong_wolfe"``: bracketing, then zooming by cubic interpolation). The work is
vector algebra (dot products and scaled sums on the flat vectors), not an elementwise formula, so
it stays here rather than in minigan/formulas.py; the scalars are the arrays' own (float32 for
float32 parameters), as PyTorch's 0-d tensors are.
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import Tensor, bump_version, enable_grad
from ..autograd.recording import active_recorder
from ..backends import backend_of
from .optimizers import Optimizer, ParamsArg, _copy_value, _on_device_like

_LISTS = ("old_dirs", "old_stps", "ro", "al")
_VECTORS = ("d", "prev_flat_grad")


def _cubic_interpolate(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                       bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
    ``bounds`` (by default [x1, x2]); their midpoint when the cubic has no minimum."""
    xmin_bound, xmax_bound = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square**0.5
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func: Callable[[Any], tuple[float, Any]], t: Any, d: Any, f: float, g: Any, gtd: Any,
                  c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9,
                  max_ls: int = 25) -> tuple[float, Any, Any, int]:
    """A step length t along d meeting the strong Wolfe conditions, f(t) <= f + c1 t g·d and
    |g(t)·d| <= -c2 g·d, PyTorch's search step for step. ``obj_func(t)`` gives the loss and the flat
    gradient at x + t d. Returns (loss, flat gradient, t, evaluations)."""
    d_norm = abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(t)
    ls_func_evals = 1
    gtd_new = g_new @ d
    # bracket an interval containing a point that meets the conditions
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = g_new @ d
        ls_iter += 1
    if ls_iter == max_ls:  # reached the most evaluations
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point meets the conditions
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:  # the bracket is too small
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # a point too close to an end of the bracket, twice running or outside it, moves 10% inside
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        ls_func_evals += 1
        gtd_new = g_new @ d
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:  # Armijo fails: the new high end
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:  # Wolfe holds
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:  # the old low end becomes the high end
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    """L-BFGS over every parameter as one flat vector; one parameter group only.

    ``step(closure)``: the closure clears the gradients, computes the loss, calls ``backward()`` and
    returns the loss; step returns the first loss it got. The state (directions, history, counts)
    is kept under the first parameter, as PyTorch keeps it.
    """

    def __init__(self, params: ParamsArg, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    # ------------------------------------------------------------------ the flat vector
    def _gather_flat_grad(self) -> Any:
        xp = backend_of(self._params[0].array).xp
        return xp.concatenate([xp.zeros(p.array.size, dtype=p.array.dtype) if p.grad is None
                               else xp.reshape(p.grad.array, (-1,)) for p in self._params])

    def _add_grad(self, step_size: Any, update: Any) -> None:
        """p <- p + step_size · (p's slice of the flat ``update``), for every parameter."""
        offset = 0
        for p in self._params:
            p.array[...] += step_size * update[offset:offset + p.array.size].reshape(p.array.shape)
            offset += p.array.size
            bump_version(p)

    def _set_param(self, arrays: list[Any]) -> None:
        for p, array in zip(self._params, arrays):
            p.array[...] = array
            bump_version(p)

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float]:
        with enable_grad():
            loss = closure()
        return loss, float(loss)

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[Any], t: Any, d: Any) -> tuple[float, Any]:
        """The loss and flat gradient at x + t d; the parameters are put back to x."""
        self._add_grad(t, d)
        _, loss = self._evaluate(closure)
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # ------------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Up to ``max_iter`` L-BFGS iterations; ``closure`` re-evaluates the model and returns the loss."""
        if active_recorder() is not None:
            active_recorder().unsupported("LBFGS.step(closure)")
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the model and returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self._state_of(self._params[0])
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss, loss = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if abs(flat_grad).max() <= tolerance_grad:  # already optimal
            return orig_loss

        d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss = (
            state.get(key) for key in ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad",
                                       "prev_loss"))
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            # the direction
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y @ s
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / (y @ y)
                # the two-loop recursion: d = -H g with H the L-BFGS inverse Hessian
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = (old_stps[i] @ q) * ro[i]
                    q = q + old_dirs[i] * -al[i]
                d = r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = (old_dirs[i] @ r) * ro[i]
                    r += old_stps[i] * (al[i] - be_i)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            # the step length
            t = min(1.0, 1.0 / abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad @ d
            if gtd > -tolerance_change:  # no descent along d
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.array.copy() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda step: self._directional_evaluate(closure, x_init, step, d),
                    t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:  # no evaluation after the last iteration: the next step makes it
                    _, loss = self._evaluate(closure)
                    flat_grad = self._gather_flat_grad()
                    opt_cond = abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            # the conditions to stop
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """As the base class's, the history lists copied too."""
        saved = super().state_dict()
        for param_state in saved["state"].values():
            for key in _LISTS:
                if key in param_state:
                    param_state[key] = [_copy_value(v) for v in param_state[key]]
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As the base class's, for L-BFGS's state: flat vectors of the parameters' total size and
        the history lists, kept under the first parameter."""
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError("optimizer state_dict must be a dict with 'state' and 'param_groups'")
        saved = list(state_dict["state"].values())
        if len(saved) > 1:
            raise ValueError(f"L-BFGS keeps its state under its first parameter, the loaded state has {len(saved)}")
        like = self._gather_flat_grad()
        restored: dict[str, Any] = {}
        for key, value in (saved[0] if saved else {}).items():
            if key in _VECTORS or key in _LISTS:
                values = value if key in _LISTS else [value]
                for v in values:
                    if hasattr(v, "shape") and getattr(v, "ndim", 0) > 0 and tuple(v.shape) != like.shape:
                        raise ValueError(f"state {key!r} has shape {tuple(v.shape)}, but the parameters "
                                         f"flattened have {like.shape}")
                values = [_on_device_like(v, like) if hasattr(v, "shape") and getattr(v, "ndim", 0) > 0
                          else _copy_value(v) for v in values]
                value = values if key in _LISTS else values[0]
            else:
                value = _copy_value(value)
            restored[key] = value
        super().load_state_dict({"state": {}, "param_groups": state_dict["param_groups"]})
        self.state = {self._params[0]: restored} if saved else {}


__all__ = ["LBFGS"]
