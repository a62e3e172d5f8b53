"""``torch.nn.utils.parametrize``: a module's parameter or buffer computed by a function of other
tensors on every access, as PyTorch's.

``register_parametrization(module, "weight", p)`` moves the Parameter ``module.weight`` to
``module.parametrizations.weight.original`` (a :class:`ParametrizationList`, held in the ModuleDict
``module.parametrizations``) and swaps the module's class for a subclass, ``Parametrized<Name>``,
whose property ``weight`` returns ``p(original)`` on each read. When ``p`` has a ``right_inverse``,
registration stores ``right_inverse(weight)`` as the original (a sequence of tensors becomes
``original0``, ``original1``...), and ``module.weight = value`` stores ``right_inverse(value)``.
Registering a second parametrization on the same name chains it after the first. The state_dict
keys are PyTorch's (``parametrizations.weight.original``), and ``remove_parametrizations`` puts a
plain Parameter back, leaving the parametrized value (or the original) in it.

Inside ``with cached():`` each parametrized tensor is computed once and then reused; the cache
belongs to the thread that opened it (no state is shared across threads).
"""
from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ...autograd import Tensor, bump_version, no_grad
from ...torch_api.unsupported import module_getattr as _module_getattr
from ..containers import ModuleDict, ModuleList
from ..module import Module, Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations"]


class _Cache(threading.local):
    """This thread's ``cached()`` depth and its computed tensors, keyed by (id(module), name)."""

    def __init__(self) -> None:
        self.depth = 0
        self.tensors: dict[tuple[int, str], Tensor] = {}


_cache = _Cache()


@contextmanager
def cached() -> Iterator[None]:
    """Inside this context each parametrized tensor is computed on its first read and that tensor is
    returned on the next ones (one forward of a weight shared by several layers, or of a recurrent
    step). Contexts nest; the cache is emptied when the outermost one closes."""
    _cache.depth += 1
    try:
        yield
    finally:
        _cache.depth -= 1
        if not _cache.depth:
            _cache.tensors = {}


def _dtype(tensor: Any) -> str:
    return f"torch.{tensor.dtype}"


def _shape(tensor: Any) -> str:
    return f"torch.Size({list(tensor.shape)})"


def _set(original: Tensor, value: Tensor) -> None:
    """Make ``original`` hold ``value``'s array (shape included), keeping the object, as PyTorch's set_."""
    original.array = value.array
    bump_version(original)


def _register(module: Module, name: str, tensor: Tensor) -> None:
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _right_inverse(parametrization: Module, value: Any) -> Any:
    """``parametrization.right_inverse(value)``, or ``value`` when it has none (or it raises NotImplementedError)."""
    if not hasattr(parametrization, "right_inverse"):
        return value
    try:
        return parametrization.right_inverse(value)
    except NotImplementedError:
        return value


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and its ``original`` (or ``original0``,
    ``original1``... when the first one's ``right_inverse`` gives a sequence of tensors).

    Calling it computes the parametrized tensor; ``right_inverse(value)`` stores what gives ``value``."""

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = tuple(original.shape), original.dtype
        with no_grad():
            new: Any = original
            for module in reversed(list(self)):
                new = _right_inverse(module, new)
        if not isinstance(new, Tensor) and not isinstance(new, Sequence):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {_dtype(original)}\nright_inverse(original).dtype: {_dtype(new)}")
            with no_grad():
                if new is not original:
                    _set(original, new)
            _register(self, "original", original)
        else:
            for i, tensor in enumerate(new):
                if not isinstance(tensor, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(tensor).__name__}.")
                if isinstance(original, Parameter):
                    tensor = Parameter(tensor, original.requires_grad)
                tensor.requires_grad_(original.requires_grad)
                _register(self, f"original{i}", tensor)
        if not self.unsafe:
            result = self()
            if not isinstance(result, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(result).__name__}.")
            if result.dtype != original_dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized dtype: torch.{original_dtype}\n"
                                 f"parametrized dtype: {_dtype(result)}")
            if tuple(result.shape) != original_shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 f"`unsafe` flag is enabled.\nunparametrized shape: torch.Size({list(original_shape)})\n"
                                 f"parametrized shape: {_shape(result)}")

    def right_inverse(self, value: Any) -> None:
        """Store in the original(s) what the parametrizations map to ``value``: each one's
        ``right_inverse``, from the last to the first (each must have one)."""
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {_dtype(value)} while "
                                     f"`original` has dtype {_dtype(self.original)}")
                _set(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                                 f"Got a sequence of length {len(value)}.")
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError("'right_inverse' must return a sequence of tensors or reference-type opaques. "
                                     f"Got element {i} of type {type(tensor).__name__}.")
                if original_i.dtype != tensor.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {_dtype(tensor)} while "
                                     f"`original{i}` has dtype {_dtype(original_i)}")
                _set(original_i, tensor)

    def forward(self) -> Tensor:  # type: ignore[override]
        modules = list(self)
        if self.is_tensor:
            x = modules[0](self.original)
        else:
            x = modules[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in modules[1:]:
            x = module(x)
        return x


def _parametrized_deepcopy(self: Module, memo: dict[int, Any]) -> Module:
    """A parametrized module's deepcopy: a new instance of the same Parametrized class, its
    attributes (the parametrizations and their originals included) deep-copied."""
    replica = memo.get(id(self))
    if replica is not None:
        return replica
    replica = self.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return replica


def _refuse_pickle(self: Module) -> None:
    raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(): save "
                       "module.state_dict() and load it into a module parametrized the same way")


def _swap_class(module: Module) -> None:
    """Give ``module`` a class of its own, ``Parametrized<Name>``, to carry the properties."""
    cls = type(module)
    namespace: dict[str, Any] = {"__getstate__": _refuse_pickle, "__module__": __name__}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _parametrized_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _add_property(module: Module, tensor_name: str) -> None:
    def get_parametrized(self: Module) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if not _cache.depth:
            return parametrization()
        key = (id(self), tensor_name)
        tensor = _cache.tensors.get(key)
        if tensor is None:
            tensor = _cache.tensors[key] = parametrization()
        return tensor

    def set_original(self: Module, value: Any) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(type(module), tensor_name, property(get_parametrized, set_original))


def _refuse_change(current: Tensor, made: Tensor, where: str, lead: str, made_label: str) -> None:
    """PyTorch's error when ``made`` differs from ``current`` in dtype or shape: ``lead`` and
    ``made_label`` are its wording with ``{}`` where "dtype" or "shape" goes."""
    for what, show, same in (("dtype", _dtype, made.dtype == current.dtype),
                             ("shape", _shape, tuple(made.shape) == tuple(current.shape))):
        if not same:
            raise ValueError(f"{lead.format(what)}\n{where}.{what}: {show(current)}\n"
                             f"{made_label.format(what)}: {show(made)}")


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Parametrize ``module.<tensor_name>`` (a parameter or buffer) by the Module ``parametrization``,
    or chain it after the parametrizations already there; returns ``module`` (see the module
    docstring). Unless ``unsafe``, the parametrized tensor must keep its shape and dtype (and a
    chained parametrization's ``right_inverse`` too). The parametrization is put in the module's
    training mode."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            current = getattr(module, tensor_name)
            result = parametrization(current)
            where = f"module.{tensor_name}"
            if not isinstance(result, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(result).__name__}.")
            _refuse_change(current, result, where, "Registering a parametrization may not change the {} of the "
                           "tensor, unless the `unsafe` flag is enabled.", f"parametrization({where}).{{}}")
            if hasattr(parametrization, "right_inverse"):
                try:
                    back = parametrization.right_inverse(result)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(back, Tensor):
                        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(back).__name__}")
                    _refuse_change(current, back, where, "The tensor returned by parametrization.right_inverse must "
                                   f"have the same {{}} as {where}, unless the `unsafe` flag is enabled.", "returned {}")
        chain = module.parametrizations[tensor_name]
        chain.append(parametrization)
        chain.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        chain = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _swap_class(module)
            module.parametrizations = ModuleDict()
        module.parametrizations[tensor_name] = chain
        _add_property(module, tensor_name)
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization (on ``tensor_name``, when given)."""
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Take the parametrizations of ``module.<tensor_name>`` away, leaving a plain parameter (or buffer)
    that holds the parametrized value (``leave_parametrized=True``) or the original; the module gets
    its class back when no parametrization is left. Returns ``module``."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    chain = module.parametrizations[tensor_name]
    if chain.is_tensor:
        original = chain.original
        if leave_parametrized:
            with no_grad():
                _set(original, getattr(module, tensor_name))
    else:
        if not leave_parametrized:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                             "in terms of a sequence of tensors.")
        value = getattr(module, tensor_name)
        original = Parameter(value.detach(), value.requires_grad) if value.requires_grad else value
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The module's class before its first parametrization (its own class when it has none)."""
    if is_parametrized(module):
        return type(module).__bases__[0]
    return type(module)


__getattr__ = _module_getattr(__name__, "torch.nn.utils.parametrize", {
    "transfer_parametrizations_and_params": "copying parametrizations from one module to another"})
