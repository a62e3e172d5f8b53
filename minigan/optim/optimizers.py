"""Optimizers: SGD (momentum, Nesterov), Adam, AdamW (AMSGrad), RMSprop (centered, momentum) and Adadelta.

The update formulas are PyTorch's (``torch.optim``, single-tensor path), applied in place to
``param.array``. Adam and AdamW run their backend's fused kernel once per parameter group
(Numba on the CPU, CuPy on the GPU), with the step written once in :mod:`minigan.formulas`;
SGD and RMSprop update their state buffers with in-place operators. Parameters whose ``grad``
is None are skipped, as in PyTorch. State follows its parameter to another device
(``Module.to``) at the next step.

Hyperparameters live in ``param_groups`` (a list of dicts, each with "params" and its own
options), so a learning-rate scheduler or the user can change ``group["lr"]`` between steps.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


from .. import formulas
from ..backends import backend_of, to_numpy
from ..autograd import Tensor, bump_version, enable_grad
from ..autograd.recording import active_recorder
from .optimizer_hooks import OptimizerHooks

ParamsArg = Iterable[Tensor] | Iterable[dict[str, Any]]


class Optimizer(OptimizerHooks):
    """Base class: holds ``param_groups`` and per-parameter ``state``; subclasses write ``_update``.
    PyTorch's hooks around ``step`` and the state dicts: minigan/optim/optimizer_hooks.py.

    ``state`` maps each parameter (by identity) to a dict of its buffers, e.g. Adam's
    {"step": 3, "exp_avg": array, "exp_avg_sq": array}.
    """

    def __init__(self, params: ParamsArg, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (param groups), got a single Tensor; "
                "wrap it in a list"
            )
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing options take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group must be a dict, got {type(param_group).__name__}")
        params = param_group.get("params")
        if params is None:
            raise ValueError("a param group needs a 'params' entry")
        params = [params] if isinstance(params, Tensor) else list(params)
        for index, param in enumerate(params):
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer params must be Tensors, item {index} is a {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError(f"can't optimize a non-leaf Tensor (item {index}, shape {param.shape})")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("a param group contains the same parameter more than once")
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)} for {type(self).__name__}")
        group = {**self.defaults, **param_group, "params": params}
        self._check_options(group)
        self.param_groups.append(group)

    def _check_options(self, group: dict[str, Any]) -> None:
        """Validate one group's hyperparameters (subclasses add their own checks)."""
        if not group["lr"] >= 0.0:
            raise ValueError(f"invalid learning rate: {group['lr']}")
        if not group.get("weight_decay", 0.0) >= 0.0:
            raise ValueError(f"invalid weight_decay value: {group['weight_decay']}")

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (set them to None, or zero them in place)."""
        recorder = active_recorder()
        if recorder is not None:  # minigan.replay.compile: done again at this point of every replay
            recorder.call(self.zero_grad, (set_to_none,))
            return
        for group in self.param_groups:
            for param in group["params"]:
                if set_to_none or param.grad is None:
                    param.grad = None
                else:
                    param.grad.array[...] = 0
                    bump_version(param.grad)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Apply one update to every parameter that has a gradient.

        ``closure`` (optional) re-evaluates the model and returns the loss, which is returned.
        """
        recorder = active_recorder()
        if recorder is not None:  # minigan.replay.compile: done again at this point of every replay
            if closure is not None:
                recorder.unsupported("optimizer.step(closure)")
            else:
                return recorder.call(self.step, ())
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            items = [(param, self._checked_grad(param), self._state_of(param))
                     for param in group["params"] if param.grad is not None]
            self._step_group(group, items)
            for param, _, _ in items:  # an update is an in-place change: a graph saved before it is stale
                bump_version(param)
        return loss

    def _checked_grad(self, param: Tensor) -> Any:
        grad = param.grad.array  # a Tensor: assigning anything else to .grad raises (minigan/autograd/tensor.py)
        if grad.shape != param.array.shape:
            raise RuntimeError(f"{type(self).__name__}: gradient of shape {grad.shape} "
                               f"for a parameter of shape {param.array.shape}")
        if type(grad) is not type(param.array) or (
                not isinstance(grad, np.ndarray) and param.grad.device != param.device):
            raise RuntimeError(f"{type(self).__name__}: the gradient is on {param.grad.device} "
                               f"but its parameter is on {param.device}")
        return grad

    def _state_of(self, param: Tensor) -> dict[str, Any]:
        """The parameter's state, moved to the parameter's device if the parameter moved."""
        state = self.state.get(param)
        if state is None:
            state = self.state[param] = {}
            return state
        arrays = [key for key, value in state.items() if hasattr(value, "shape")]
        # the state moves as a whole, so one array says where all of it is
        if arrays and backend_of(state[arrays[0]]) is not backend_of(param.array):
            for key in arrays:
                state[key] = _on_device_like(state[key], param.array)
        return state

    def _step_group(self, group: dict[str, Any], items: list[tuple[Tensor, Any, dict[str, Any]]]) -> None:
        """Update every (param, grad array, state) of one group; by default one at a time."""
        for param, grad, state in items:
            self._update(param.array, grad, state, group)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def _indexed_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: value}}, "param_groups": [{options..., "params": [index]}]}.

        Parameters are numbered across groups in order, as in PyTorch; arrays are copies.
        """
        index_of = {id(p): i for i, p in enumerate(self._indexed_params())}
        state = {
            index_of[id(param)]: {key: _copy_value(value) for key, value in param_state.items()}
            for param, param_state in self.state.items() if id(param) in index_of
        }
        groups = [
            {**{k: v for k, v in group.items() if k != "params"}, "params": [index_of[id(p)] for p in group["params"]]}
            for group in self.param_groups
        ]
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state and group options saved by ``state_dict`` (arrays are copied in).

        Raises ValueError, before changing anything, when the saved groups, parameter counts,
        indices or array shapes do not match this optimizer's parameters.
        """
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError("optimizer state_dict must be a dict with 'state' and 'param_groups'")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has {len(saved_groups)} parameter group(s), this optimizer has "
                f"{len(self.param_groups)}"
            )
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {g} has {len(saved['params'])} parameter(s) in the loaded state dict "
                    f"but {len(group['params'])} in this optimizer"
                )
        # Saved index -> the parameter now in the same position.
        id_map: dict[int, tuple[int, Tensor]] = {}
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            for saved_index, param in zip(saved["params"], group["params"]):
                id_map[int(saved_index)] = (g, param)
        new_state: dict[Tensor, dict[str, Any]] = {}
        for raw_index, param_state in state_dict["state"].items():
            index = int(raw_index)  # a checkpoint format may have turned the keys into strings
            if index not in id_map:
                raise ValueError(f"loaded state refers to parameter {index}, but the param groups list "
                                 f"only {sorted(id_map)}")
            g, param = id_map[index]
            restored = {}
            for key, value in param_state.items():
                if isinstance(value, Tensor):
                    value = value.array
                if hasattr(value, "shape") and getattr(value, "ndim", 0) > 0:
                    expected = self._state_shape(key, param.shape)
                    if tuple(value.shape) != expected:
                        raise ValueError(
                            f"state {key!r} of parameter {index} (group {g}) has shape {tuple(value.shape)}, "
                            f"but the parameter's needs shape {expected}"
                        )
                    value = _on_device_like(value, param.array)
                else:
                    value = _copy_value(value)
                restored[key] = value
            new_state[param] = restored
        self.state = new_state
        for saved, group in zip(saved_groups, self.param_groups):
            for key, value in saved.items():
                if key != "params":
                    group[key] = tuple(value) if isinstance(value, list) and key == "betas" else value

    def _state_shape(self, key: str, param_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of a parameter's state array ``key``: the parameter's own, unless a subclass
        keeps a smaller one (Adafactor's row and column averages)."""
        return param_shape

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {value}" for key, value in sorted(group.items()) if key != "params")
        return "\n".join(lines + [")"])


def _on_device_like(value: Any, like: Any) -> Any:
    """A new array typed like ``like`` and on its device, holding ``value``: laid out like
    ``like`` where the shapes agree (state of a parameter's shape), else of ``value``'s shape."""
    backend = backend_of(like)
    shape = tuple(value.shape)
    array = backend.xp.empty_like(like) if shape == tuple(like.shape) else backend.xp.empty(shape, dtype=like.dtype)
    array[...] = backend.asarray(to_numpy(value), dtype=backend.numpy_dtype(like.dtype))
    return array


def _copy_value(value: Any) -> Any:
    """A NumPy copy of an array (from any device), other values as they are."""
    if isinstance(value, Tensor):
        value = value.array
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return np.array(to_numpy(value), copy=True)
    return value


def _laid_out_like(grad: Any, param: Any) -> Any:
    """``grad`` in ``param``'s memory order, so that flat views of both walk the same elements
    (the fused kernels update flat views; the state arrays are made like the parameter)."""
    if not isinstance(grad, np.ndarray):
        return grad
    if param.flags.c_contiguous:
        return grad if grad.flags.c_contiguous else np.ascontiguousarray(grad)
    if param.flags.f_contiguous:
        return grad if grad.flags.f_contiguous else np.asfortranarray(grad)
    raise ValueError(f"Adam: a parameter of shape {param.shape} is not contiguous; its fused update "
                     "needs one block of memory")


def _with_weight_decay(param: Any, grad: Any, weight_decay: float) -> Any:
    """formulas.l2_decay: grad + weight_decay * param in a new array (param.grad itself is left
    untouched)."""
    if weight_decay == 0:
        return grad
    return formulas.l2_decay(grad, param, weight_decay)


# ====================================================================== SGD
class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's formulation:

    g <- g + wd * p;  with momentum: b <- g (first step), else b <- momentum * b + (1 - dampening) g,
    then g <- g + momentum * b (Nesterov) or g <- b;  finally p <- p - lr * g.
    """

    def __init__(
        self, params: ParamsArg, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
        nesterov: bool = False, weight_decay: float = 0.0,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not group["momentum"] >= 0.0:
            raise ValueError(f"invalid momentum value: {group['momentum']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a positive momentum and zero dampening")

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        direction = grad
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = backend_of(param).xp.asarray(grad, copy=True)
            else:
                buf *= momentum
                buf += grad if dampening == 0 else grad * (1.0 - dampening)
            direction = grad + buf * momentum if group["nesterov"] else buf
        param -= direction * lr


# ====================================================================== Adam / AdamW
class Adam(Optimizer):
    """Adam (Kingma & Ba), with PyTorch's update:

    g <- g + wd * p (L2, Adam) or p <- p (1 - lr wd) (decoupled, AdamW);
    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  (AMSGrad: v_max <- max(v_max, v), used for v)
    step_size = lr / (1 - b1^t);  denom = sqrt(v) / sqrt(1 - b2^t) + eps;  p <- p - step_size m / denom.
    """

    _decoupled = False

    def __init__(
        self, params: ParamsArg, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 0.0, amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not group["eps"] >= 0.0:
            raise ValueError(f"invalid epsilon value: {group['eps']}")
        beta1, beta2 = group["betas"]
        if not 0.0 <= beta1 < 1.0:
            raise ValueError(f"invalid beta parameter at index 0: {beta1}")
        if not 0.0 <= beta2 < 1.0:
            raise ValueError(f"invalid beta parameter at index 1: {beta2}")

    def _step_group(self, group: dict[str, Any], items: list[tuple[Tensor, Any, dict[str, Any]]]) -> None:
        """One backend kernel call for the whole group (per device and step count, which PyTorch
        keeps per parameter and which sets the bias corrections)."""
        amsgrad = group["amsgrad"]
        batches: dict[tuple[Any, int], list[tuple[Any, Any, dict[str, Any]]]] = {}
        for param, grad, state in items:
            data = param.array
            backend = backend_of(data)
            if not state:
                state["step"] = 0
                state["exp_avg"] = backend.xp.zeros_like(data)
                state["exp_avg_sq"] = backend.xp.zeros_like(data)
            if amsgrad and "max_exp_avg_sq" not in state:  # the first step, or amsgrad switched on later
                state["max_exp_avg_sq"] = backend.xp.zeros_like(data)
            state["step"] += 1
            batches.setdefault((backend, state["step"]), []).append((data, _laid_out_like(grad, data), state))
        beta1, beta2 = group["betas"]
        for (backend, step), batch in batches.items():
            scalars = formulas.adam_scalars(step, group["lr"], beta1, beta2, group["eps"],
                                            group["weight_decay"], self._decoupled)
            backend.adam([data for data, _, _ in batch], [grad for _, grad, _ in batch],
                         [state["exp_avg"] for _, _, state in batch],
                         [state["exp_avg_sq"] for _, _, state in batch],
                         [state["max_exp_avg_sq"] for _, _, state in batch] if amsgrad else None,
                         scalars)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p <- p (1 - lr wd) before the Adam step."""

    _decoupled = True

    def __init__(
        self, params: ParamsArg, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
        weight_decay: float = 1e-2, amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


# ====================================================================== RMSprop
class RMSprop(Optimizer):
    """RMSprop (Hinton), PyTorch's formulation:

    g <- g + wd * p;  s <- alpha s + (1 - alpha) g^2;
    centered: a <- alpha a + (1 - alpha) g and avg = sqrt(s - a^2) + eps, else avg = sqrt(s) + eps;
    with momentum: b <- momentum b + g / avg, p <- p - lr b;  else p <- p - lr g / avg.
    """

    def __init__(
        self, params: ParamsArg, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
        weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not group["eps"] >= 0.0:
            raise ValueError(f"invalid epsilon value: {group['eps']}")
        if not group["alpha"] >= 0.0:
            raise ValueError(f"invalid alpha value: {group['alpha']}")
        if not group["momentum"] >= 0.0:
            raise ValueError(f"invalid momentum value: {group['momentum']}")

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        xp, F = backend.xp, backend.F  # the step's formulas: minigan/formulas.py's rmsprop_*
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = xp.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(param)
        state["step"] += 1
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        square_avg = state["square_avg"]
        square_avg[...] = F.rmsprop_average(square_avg, grad * grad, alpha)
        grad_avg = 0.0
        if group["centered"]:
            grad_avg = state.setdefault("grad_avg", xp.zeros_like(param))
            grad_avg[...] = F.rmsprop_average(grad_avg, grad, alpha)
        avg = F.rmsprop_denominator(square_avg, grad_avg, eps)
        if momentum > 0:
            buf = state.setdefault("momentum_buffer", xp.zeros_like(param))
            buf[...] = direction = F.rmsprop_direction(grad, avg, buf, momentum)
        else:
            direction = F.rmsprop_direction(grad, avg, 0.0, 0.0)
        param[...] = F.rmsprop_param(param, direction, lr)


# ====================================================================== Adadelta
class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012), PyTorch's formulation (its MNIST example trains with it, lr 1.0):

    g <- g + wd * p;  s <- rho s + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(s + eps) * g;
    u <- rho u + (1 - rho) d^2;  p <- p - lr d.
    """

    def __init__(self, params: ParamsArg, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"invalid rho value: {group['rho']}")
        if not group["eps"] >= 0.0:
            raise ValueError(f"invalid epsilon value: {group['eps']}")

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        xp, F = backend.xp, backend.F  # the step's formulas: adadelta_delta and the running means
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            state["acc_delta"] = xp.zeros_like(param)
        state["step"] += 1
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg[...] = F.rmsprop_average(square_avg, grad * grad, group["rho"])
        delta = F.adadelta_delta(grad, square_avg, acc_delta, group["eps"])
        acc_delta[...] = F.rmsprop_average(acc_delta, delta * delta, group["rho"])
        param[...] = F.rmsprop_param(param, delta, group["lr"])


__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta"]
