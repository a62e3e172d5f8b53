"""L-BFGS, as ``torch.optim.LBFGS``: fixed steps, or a strong Wolfe line search.

L-BFGS treats all the parameters as one flat vector x. It keeps the last ``history_size`` pairs
s = x' - x (a step taken) and y = g' - g (the gradient's change over it), and turns the gradient
into a direction with the two-loop recursion, which applies an approximation of the inverse
Hessian built from those pairs:

    q = g;  for pairs newest to oldest:  a_i = (s_i . q) / (y_i . s_i),  q -= a_i y_i
    r = γ q with γ = (s . y) / (y . y) of the newest pair;
    for pairs oldest to newest:  b_i = (y_i . r) / (y_i . s_i),  r += (a_i - b_i) s_i
    direction d = -r

A pair enters the history only when y . s > 1e-10 (the curvature condition that keeps the
approximation positive definite). ``step(closure)`` runs up to ``max_iter`` iterations, each
x <- x + t d, re-evaluating the closure after each, and stops early when the gradient, the step
or the change in loss falls below its tolerance, or after ``max_eval`` evaluations. The step t
is lr (the first iteration of the first call min(1, 1/|g|_1) lr, as the gradient's scale is
unknown then), or, with ``line_search_fn="strong_wolfe"``, the step that the strong Wolfe line
search (minigan/optim/line_search.py) finds starting from it. The history and the last
direction carry over to the next ``step``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import Tensor, bump_version, enable_grad
from ..backends import backend_of, to_numpy
from .line_search import Trial, strong_wolfe
from .optimizers import Optimizer, ParamsArg, _copy_value

_CURVATURE = 1e-10  # a pair enters the history only when y . s is above this


class LBFGS(Optimizer):
    """``LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
    tolerance_change=1e-9, history_size=100, line_search_fn=None)``; one parameter group."""

    def __init__(self, params: ParamsArg, lr: float = 1.0, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got {line_search_fn!r}")
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        for name in ("max_iter", "max_eval", "history_size"):
            if not (isinstance(group[name], int) and group[name] >= 1):
                raise ValueError(f"LBFGS: {name} must be a positive int, got {group[name]!r}")

    # ------------------------------------------------------------------ the flat vector
    def _flat_grad(self) -> np.ndarray:
        parts = [np.zeros(p.numel(), dtype=p.dtype) if p.grad is None else to_numpy(p.grad.array).reshape(-1)
                 for p in self._params]
        return np.concatenate(parts)

    def _move(self, step: np.ndarray, origin: list[Any] | None = None) -> None:
        """x <- x + step, parameter by parameter, in place; or x <- origin + step, with ``origin``
        the parameters' arrays as :meth:`_copy_params` kept them."""
        start = 0
        for index, param in enumerate(self._params):
            count = param.numel()
            part = backend_of(param.array).asarray(step[start:start + count].reshape(param.shape))
            if origin is None:
                param.array[...] += part
            else:
                param.array[...] = origin[index] + part
            bump_version(param)
            start += count

    def _copy_params(self) -> list[Any]:
        return [param.array.copy() for param in self._params]

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; ``closure`` clears the gradients, computes the loss,
        calls ``backward()`` and returns the loss. Returns the loss of the first evaluation."""
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the model and returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0, "steps": [], "changes": []})

        def evaluate() -> tuple[float, Any, np.ndarray]:
            with enable_grad():
                loss = closure()
            state["func_evals"] += 1
            return float(loss), loss, self._flat_grad()

        value, first_loss, grad = evaluate()
        evals = 1
        if np.abs(grad).max() <= tolerance_grad:
            return first_loss
        for iteration in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                direction = -grad
            else:
                self._remember(state, grad, group["history_size"])
                direction = -self._two_loop(state, grad)
            slope = float(grad @ direction)
            if slope > -tolerance_change:  # not a descent direction any more
                break
            t = min(1.0, 1.0 / np.abs(grad).sum()) * lr if state["n_iter"] == 1 else lr
            previous = value
            if group["line_search_fn"] == "strong_wolfe":
                origin = self._copy_params()

                def evaluate_at(step: float) -> tuple[float, np.ndarray]:
                    self._move(step * direction, origin)
                    loss_there, _, gradient = evaluate()
                    return loss_there, gradient

                found, searched = strong_wolfe(evaluate_at, direction, Trial(0.0, value, grad, slope), t,
                                               tolerance_change)
                t = found.t
                state["last_step"], state["last_grad"] = t * direction, grad
                self._move(state["last_step"], origin)
                value, grad = found.value, found.grad
                evals += searched
            else:
                state["last_step"], state["last_grad"] = t * direction, grad
                self._move(state["last_step"])
                if iteration == max_iter:
                    break
                value, _, grad = evaluate()
                evals += 1
            if (iteration == max_iter or evals >= max_eval or np.abs(grad).max() <= tolerance_grad
                    or np.abs(state["last_step"]).max() <= tolerance_change
                    or abs(value - previous) < tolerance_change):
                break
        return first_loss

    @staticmethod
    def _remember(state: dict[str, Any], grad: np.ndarray, history_size: int) -> None:
        """Add the last step s and the gradient's change y over it, if y . s shows curvature."""
        step, change = state["last_step"], grad - state["last_grad"]
        if float(change @ step) > _CURVATURE:
            if len(state["steps"]) == history_size:
                state["steps"].pop(0)
                state["changes"].pop(0)
            state["steps"].append(step)
            state["changes"].append(change)

    @staticmethod
    def _two_loop(state: dict[str, Any], grad: np.ndarray) -> np.ndarray:
        """r ≈ H⁻¹ g from the history (the module docstring's recursion); g itself without one."""
        steps, changes = state["steps"], state["changes"]
        if not steps:
            return grad.copy()
        rho = [1.0 / float(y @ s) for s, y in zip(steps, changes)]
        q, alphas = grad.copy(), []
        for s, y, r in zip(reversed(steps), reversed(changes), reversed(rho)):
            alpha = r * float(s @ q)
            q -= alpha * y
            alphas.append(alpha)
        newest_s, newest_y = steps[-1], changes[-1]
        q *= float(newest_s @ newest_y) / float(newest_y @ newest_y)
        for s, y, r, alpha in zip(steps, changes, rho, reversed(alphas)):
            beta = r * float(y @ q)
            q += (alpha - beta) * s
        return q

    # ------------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        saved = super().state_dict()
        saved["state"] = {index: {key: [_copy_value(v) for v in value] if isinstance(value, list) else _copy_value(value)
                                  for key, value in values.items()} for index, values in saved["state"].items()}
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = dict(state_dict.get("state", {})) if isinstance(state_dict, dict) else {}
        super().load_state_dict({**state_dict, "state": {}})  # the groups, checked by the base class
        size = sum(p.numel() for p in self._params)
        for values in saved.values():
            vectors = [v for key, value in values.items() if key in ("steps", "changes", "last_step", "last_grad")
                       for v in (value if isinstance(value, list) else [value])]
            if any(np.shape(v) != (size,) for v in vectors):
                raise ValueError(f"LBFGS state holds vectors that are not of this optimizer's {size} parameters")
            self.state = {self._params[0]: {key: [np.array(v) for v in value] if isinstance(value, list) else
                                            (np.array(value) if hasattr(value, "shape") else value)
                                            for key, value in values.items()}}


__all__ = ["LBFGS"]
