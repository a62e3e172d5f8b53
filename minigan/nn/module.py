"""``Module`` and ``Parameter``: the containers that layers, models and optimizers share.

A Module keeps three ordered registries, filled automatically by attribute assignment:
``_parameters`` (trainable Tensors), ``_buffers`` (Tensors that are state but never trained,
such as BatchNorm's running statistics) and ``_modules`` (sub-Modules).
Everything else (``state_dict``, ``parameters``, ``train``...) walks those registries.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, NamedTuple, TypeVar

import numpy as np

from ..backends import backend_of, move, to_numpy
from ..autograd import Tensor, bump_version
from ..autograd.arguments import to_arguments
from ..torch_api.unsupported import module_attribute
from .buffer import Buffer
from .hooks import BackwardHookMethods, ModuleHooks, RemovableHandle
from .module_paths import EXTRA_STATE_KEY, ModulePaths, keeps_extra_state
from .module_types import ModuleTypes
from .state_hooks import StateHookMethods, has_state_hooks, hooked_load_state_dict, hooked_state_dict


class Parameter(Tensor):
    """A Tensor that is a trainable weight: ``requires_grad=True`` and registered by Modules.

    ``Parameter(t)`` of a Tensor shares ``t.array``, as in PyTorch; an array or list is copied,
    as ``minigan.tensor`` does.
    """

    __slots__ = ()
    is_parameter = True

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
            super().__init__(0.0, requires_grad=requires_grad)
            self.array = data.array
        else:
            super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped (PyTorch returns the same pair)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _as_numpy(value: Any) -> np.ndarray:
    if isinstance(value, Tensor):
        value = value.array
    return to_numpy(value)


class Module(ModulePaths, ModuleTypes, BackwardHookMethods, StateHookMethods):
    """Base class of every layer and model: subclass it, set Parameters and sub-Modules as
    attributes in ``__init__`` and write ``forward``; call the module to run it."""

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _modules: dict[str, "Module | None"]
    _non_persistent: set[str]
    #: State entries a checkpoint may lack: load_state_dict leaves them as they are, even when strict.
    optional_state: tuple[str, ...] = ()
    _hooks: ModuleHooks | None = None  # the call's hooks (minigan/nn/hooks.py), made by the first registration
    # PyTorch's class attributes, for code that reads them: the type of state_dict's destination, and two
    # switches that are False in PyTorch and mean nothing here (super().__init__'s arguments, old checkpoints).
    T_destination = TypeVar("T_destination", bound=dict[str, Any])
    call_super_init: bool = False
    dump_patches: bool = False

    def __init__(self) -> None:
        # object.__setattr__ because our own __setattr__ needs these registries to exist.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._hooks is None:
            return self.forward(*args, **kwargs)
        return self._hooks.call(self, args, kwargs)

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward; what it returns (if not None) replaces the
        arguments. Returns a handle whose ``remove()`` takes the hook away (minigan/nn/hooks.py)."""
        hooks = self._forward_hooks()
        return hooks.add(hooks.pre, hook, prepend, "register_forward_pre_hook")

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward; what it returns (if not None)
        replaces the output. Returns a handle whose ``remove()`` takes the hook away."""
        hooks = self._forward_hooks()
        return hooks.add(hooks.post, hook, prepend, "register_forward_hook")

    def _forward_hooks(self) -> ModuleHooks:
        hooks = self.__dict__.get("_hooks")  # not the class default, which every-module hooks set
        if hooks is None:
            hooks = ModuleHooks()
            object.__setattr__(self, "_hooks", hooks)
        return hooks

    # ------------------------------------------------------------------ registration
    def _registries(self) -> tuple[dict, dict, dict]:
        registries = self.__dict__.get("_parameters"), self.__dict__.get("_buffers"), self.__dict__.get("_modules")
        if registries[0] is None:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes in __init__"
            )
        return registries  # type: ignore[return-value]

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Buffer):  # nn.Buffer: a buffer, persistent as it says
            params, _, modules = self._registries()
            params.pop(name, None)
            modules.pop(name, None)
            self.register_buffer(name, value, persistent=value.persistent)
            return
        if isinstance(value, (Parameter, Module)):
            params, buffers, modules = self._registries()
            if isinstance(value, Parameter) and isinstance(getattr(type(self), name, None), property):
                raise KeyError(f"attribute '{name}' already exists")  # a parametrized tensor's property, as PyTorch
            for registry in (params, buffers, modules):
                registry.pop(name, None)
            self.__dict__.pop(name, None)
            (params if isinstance(value, Parameter) else modules)[name] = value
            return
        params, buffers, modules = (self.__dict__.get(k) for k in ("_parameters", "_buffers", "_modules"))
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} of {type(self).__name__} "
                    "(a Parameter or None is expected)"
                )
            params[name] = None
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} of {type(self).__name__} "
                    "(a Module or None is expected)"
                )
            modules[name] = None
        elif buffers is not None and name in buffers:
            buffers[name] = None if value is None else _buffer_tensor(value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for registered entries.
        registries = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            registry = registries.get(key)
            if registry is not None and name in registry:
                return registry[name]
        return module_attribute(self, name)

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            registry = self.__dict__.get(key)
            if registry is not None and name in registry:
                del registry[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or a None placeholder, e.g. a missing bias) under ``name``."""
        _check_name(self, name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter({name!r}): expected a Parameter or None, got {type(param).__name__}")
        self._registries()
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Register a Tensor that is state but not a trainable parameter (running statistics).

        The module keeps the Tensor itself, as PyTorch does; an array is wrapped in a Tensor that
        shares its memory. Buffers appear in ``state_dict`` unless ``persistent=False``; None is
        a placeholder.
        """
        _check_name(self, name)
        self._registries()
        self.__dict__.pop(name, None)
        self._buffers[name] = None if tensor is None else _buffer_tensor(tensor)
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Register a sub-Module under ``name`` (what attribute assignment does)."""
        _check_name(self, name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): expected a Module or None, got {type(module).__name__}")
        self._registries()
        self.__dict__.pop(name, None)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------------ traversal
    def named_modules(self, prefix: str = "", memo: set[int] | None = None) -> Iterator[tuple[str, "Module"]]:
        """This module and every sub-module (pre-order), each once, with dotted names."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """The direct sub-modules with their attribute names."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator["Module"]:
        for _, child in self.named_children():
            yield child

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter once (shared ones under their first name), in registration order:
        a module's own parameters first, then its sub-modules', depth first."""
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        seen: set[int] = set()
        for module_name, module in modules:
            for name, param in module._parameters.items():
                if param is not None and id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in modules:
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield (f"{module_name}.{name}" if module_name else name), buffer

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every sub-module and then on this one (custom initialisation)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> "Module":
        """Set training mode (``True``) or evaluation mode on this module and all sub-modules."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: Dropout is the identity, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze every parameter, e.g. the discriminator during a G step."""
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget accumulated gradients: set them to None (or zero them in place)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad.array[...] = 0

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)``: move every
        parameter, its gradient and every buffer to a device ("cpu", "cuda") and/or cast their
        floating-point values to a dtype; in place, and returns the module.

        Parameters and buffers stay the same objects (their ``.array`` changes), so an optimizer
        made before the move keeps them, and moves its state on its next step.
        """
        where, dtype = to_arguments(args, kwargs)
        if dtype is not None and dtype.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")

        def convert(tensor: Tensor) -> Any:
            array = tensor.array if where is None else move(tensor.array, where)
            backend = backend_of(array)
            if dtype is None or backend.numpy_dtype(array.dtype).kind != "f":
                return array  # integer buffers (a batch counter) keep their type
            return backend.xp.astype(array, backend.native_dtype(dtype))
        self._convert_arrays(convert)  # minigan/nn/module_types.py
        return self

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many scalar weights the module has (each shared parameter counted once)."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # ------------------------------------------------------------------ state
    def _state_entries(self, extra: str = "get_extra_state") -> Iterator[tuple[str, Module, str, str]]:
        """(full key, owning module, local name, "parameter", "buffer" or "extra") for every state
        entry, in PyTorch's order: a module's parameters, then its buffers, then its extra state
        (where its class overrides ``extra``: minigan/nn/module_paths.py), then its children's."""
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, param in module._parameters.items():
                if param is not None:
                    yield prefix + name, module, name, "parameter"
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent:
                    yield prefix + name, module, name, "buffer"
            if keeps_extra_state(module, extra):
                yield prefix + EXTRA_STATE_KEY, module, EXTRA_STATE_KEY, "extra"

    def state_dict(self, *, destination: dict[str, Any] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Tensor]:
        """Every parameter and persistent buffer as a Tensor, keyed by dotted name (``net.0.weight``).

        As in PyTorch, each value shares its parameter's or buffer's memory, detached from the
        graph: it follows the training, so keep a snapshot with ``copy.deepcopy(state_dict)`` or
        ``{k: v.clone() for k, v in state_dict.items()}``. ``keep_vars=True`` gives the
        Parameters and buffers themselves. ``prefix`` goes before every key, and ``destination``
        is a dict to fill (and return) instead of a new one.
        """
        if not isinstance(prefix, str):
            raise TypeError(f"state_dict(prefix=): prefix must be a string, got {type(prefix).__name__}")
        if has_state_hooks(self, "save_pre", "save_post"):  # minigan/nn/state_hooks.py
            return hooked_state_dict(self, destination, prefix, keep_vars)
        state: dict[str, Tensor] = {} if destination is None else destination
        for key, module, name, kind in self._state_entries():
            if kind == "extra":
                state[prefix + key] = module.get_extra_state()
                continue
            value = module._parameters[name] if kind == "parameter" else module._buffers[name]
            state[prefix + key] = value if keep_vars else value.detach()
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy the values of ``state_dict`` (Tensors or arrays) into the parameters and buffers,
        in place.

        Everything is checked before anything is written, so a failed load changes nothing.
        Raises RuntimeError naming every missing and unexpected key (when ``strict``) and every
        key whose shape differs (always, with both shapes).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict expects a mapping of names to arrays, got {type(state_dict).__name__}")
        if has_state_hooks(self, "load_pre", "load_post"):  # minigan/nn/state_hooks.py
            return hooked_load_state_dict(self, state_dict, strict, self._load_unhooked,
                                          lambda problems: _refuse_load(self, problems))
        return self._load_unhooked(state_dict, strict)

    def _load_unhooked(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        entries = {key: (module, name, kind) for key, module, name, kind in self._state_entries("set_extra_state")}
        missing = [key for key, (module, name, _) in entries.items()
                   if key not in state_dict and name not in module.optional_state]
        unexpected = [key for key in state_dict if key not in entries]
        mismatched = []
        arrays: dict[str, np.ndarray] = {}
        for key, (module, name, kind) in entries.items():
            if key not in state_dict or kind == "extra":  # extra state is the module's to check
                continue
            entry = module._parameters[name] if kind == "parameter" else module._buffers[name]
            if _uninitialized(entry) and _uninitialized(state_dict[key]):
                continue  # two lazy modules' uninitialised entries (minigan/nn/lazy.py): nothing to copy
            array = _as_numpy(state_dict[key])  # an uninitialised one into an initialised: PyTorch's shape error
            target = entry.array
            if tuple(array.shape) != tuple(target.shape):
                mismatched.append(
                    f"size mismatch for {key}: the checkpoint has shape {tuple(array.shape)}, "
                    f"the model has shape {tuple(target.shape)}"
                )
            arrays[key] = array
        problems = []
        if strict and missing:
            problems.append("Missing key(s): " + ", ".join(repr(k) for k in missing))
        if strict and unexpected:
            problems.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected))
        problems.extend(mismatched)
        if problems:
            _refuse_load(self, problems)
        for key, array in arrays.items():
            module, name, kind = entries[key]
            entry = module._parameters[name] if kind == "parameter" else module._buffers[name]
            target = entry.array
            # In place, so optimizers holding these Parameters keep seeing the loaded values; a
            # checkpoint's NumPy arrays are copied onto the model's device.
            target[...] = backend_of(target).asarray(array, dtype=backend_of(target).numpy_dtype(target.dtype))
            bump_version(entry)  # an in-place change, as PyTorch's copy_: a graph saved before it is stale
        for key, (module, _, kind) in entries.items():
            if kind == "extra" and key in state_dict:
                module.set_extra_state(state_dict[key])
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The constructor arguments shown between the parentheses in ``repr``."""
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"

    # ------------------------------------------------------------------ placement and dtype (PyTorch style)
    def cpu(self) -> "Module":
        return self.to("cpu")

    def cuda(self, device: Any = None) -> "Module":
        return self.to("cuda" if device is None else device)

    def float(self) -> "Module":
        return self.to(np.float32)

    def double(self) -> "Module":
        return self.to(np.float64)

    def half(self) -> "Module":
        return self.to(np.float16)


def _refuse_load(module: Module, problems: list[str]) -> None:
    # The first line names the first problem, so a one-line report (a CLI) still says what is wrong.
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise RuntimeError(  # each problem once: the first on the first line, the rest below it
        f"Error(s) in loading state_dict for {type(module).__name__}: {problems[0]}{more}"
        + "".join(f"\n\t{problem}" for problem in problems[1:])
    )


def _uninitialized(value: Any) -> bool:
    """Whether ``value`` is an UninitializedParameter or UninitializedBuffer (minigan/nn/parameter.py)."""
    return getattr(type(value), "cls_to_become", None) is not None


def _check_name(module: Module, name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{type(module).__name__}: attribute names must be strings, got {type(name).__name__}")
    if name == "" or "." in name:
        raise KeyError(f"{type(module).__name__}: invalid name {name!r} (empty or containing '.')")
    if hasattr(type(module), name):
        raise KeyError(f"{type(module).__name__}: {name!r} is already a class attribute")


def _buffer_tensor(value: Any) -> Tensor:
    """A buffer as the module keeps it: a Tensor itself, an array wrapped without a copy."""
    if isinstance(value, Tensor):
        return value
    return Tensor._make(value if hasattr(value, "shape") and hasattr(value, "dtype") else np.asarray(value), False, None)
