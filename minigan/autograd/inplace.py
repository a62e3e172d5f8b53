"""PyTorch's in-place Tensor methods (``fill_``, ``normal_``, ``add_``...) and the version counter
that lets a backward pass notice a tensor it needs was changed in place after it was saved.

Each Tensor has a version counter, created on the first in-place change (``_vc``: None means
version 0; otherwise a one-element list, so that ``detach()`` and the views of a tensor (reshape,
indexing, transpose...: the ops with ``Function.view_of``) can share it with their source as in
PyTorch, while ``.data`` gets a counter of its own, as in PyTorch). Every in-place method and every
optimizer step bumps it. ``Function.apply`` writes down the versions of an op's inputs when it
records the op, and the engine compares them with the current ones before running that op's
backward (only there: the forward pass does no extra check).

In-place changes are not recorded in the graph. On a leaf that requires grad while grad mode is on
they raise PyTorch's error; under ``no_grad()`` or through ``.data`` they are allowed. On a tensor
with recorded history (or with an operand that requires grad) they raise, naming the out-of-place
form to use instead.

``add_``, ``sub_``, ``mul_`` and ``div_`` write back what the out-of-place op gives, so their type
promotion is PyTorch's (a Python int wraps into an integer tensor's dtype), and refuse a result of
a higher type category than the tensor's (a float into an integer tensor, an integer into a bool
one), as PyTorch does.

The augmented assignments ``+=``, ``-=``, ``*=`` and ``/=`` change the tensor in place, as in
PyTorch (so ``with no_grad(): w -= lr * w.grad`` updates the parameter ``w`` itself), under the
same rules, with one difference: where PyTorch would record an in-place change (a tensor with
history, or an operand that requires grad) minigan records the out-of-place op and Python binds
the name to its result. The name's values and gradients are PyTorch's; other references to the
old tensor keep the old values.
"""
from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np

from ..backends import backend_of, numpy_dtype_of, to_numpy
from .arguments import index_argument
from .grad_mode import is_grad_enabled
from .legacy import scalar_type_name

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def version_of(tensor: Any) -> int:
    """How many times ``tensor`` was changed in place (PyTorch's ``_version``)."""
    box = tensor._vc
    return 0 if box is None else box[0]


def bump_version(tensor: Any) -> None:
    """Count one in-place change of ``tensor`` (the optimizers call this for each parameter they update)."""
    box = tensor._vc
    if box is None:
        tensor._vc = [1]
    else:
        box[0] += 1


def shared_counter(tensor: Any) -> list[int]:
    """``tensor``'s counter, made now if it has none, for a view that must share it (``detach``)."""
    if tensor._vc is None:
        tensor._vc = [0]
    return tensor._vc


def memory_owner(tensor: Any) -> Any:
    """The tensor whose memory ``tensor`` lies in: its ``_base`` (PyTorch's name) if it is a
    view, else itself."""
    root = getattr(tensor, "_base", None)
    return tensor if root is None else root


def share_if_view(view: Any, base: Any) -> None:
    """Give ``view`` (the result of a view op, ``Function.view_of``) ``base``'s version counter
    when its array lies in ``base``'s memory; a copy (a reshape that could not be a view, an
    integer-array index) keeps a counter of its own, as in PyTorch."""
    array, other = view.array, base.array
    if type(array) is np.ndarray and type(other) is np.ndarray:
        shared = np.may_share_memory(array, other)
    else:  # another backend: its namespace may lack the check, and then no counter is shared
        may_share = getattr(backend_of(array).xp, "may_share_memory", None)
        shared = may_share is not None and bool(may_share(array, other))
    if shared:
        view._vc = shared_counter(base)
        view._base = memory_owner(base)


_C_INTEGER_NAMES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t"}


def _fitted(value: Any, array: Any) -> Any:
    """:func:`fitted_number` for a tensor's array."""
    return fitted_number(value, numpy_dtype_of(array))


def fitted_number(value: Any, dtype: np.dtype) -> Any:
    """A number as a tensor of ``dtype`` takes it in ``fill_``, ``masked_fill`` and ``where``, by
    PyTorch's rules: for an integer dtype, floats truncated toward zero, a negative int down to
    -255 wrapped into uint8, and PyTorch's error for NaN, inf and what is out of range."""
    if dtype.kind not in "iu" or isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return value
    info = np.iinfo(dtype)
    unsigned = dtype.kind == "u"
    if isinstance(value, (float, np.floating)):
        fits = math.isfinite(value) and (value >= 0 if unsigned else info.min <= int(value)) and int(value) <= info.max
    else:
        fits = (-info.max if unsigned else info.min) <= int(value) <= info.max
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {_C_INTEGER_NAMES.get(dtype.name, dtype.name)} "
                           "without overflow")
    if isinstance(value, (float, np.floating)):
        return int(value)  # toward zero, as C casts
    return int(value) % (info.max + 1) if unsigned and value < 0 else value


def _clamp_limit(bound: Any, tensor: Any, backend: Any) -> Any:
    """A bound of ``clamp_`` as an array of ``tensor``'s dtype on its device, typed beside it as
    ``as_tensor`` types a constant. A float bound of an integer tensor is refused, as PyTorch's (the
    clamped values would be float); a number out of an integer dtype's range gets PyTorch's error."""
    from .tensor import as_tensor  # noqa: PLC0415 - Tensor is built on these methods

    limit = as_tensor(_raw(bound), tensor).array
    check_category(numpy_dtype_of(limit), tensor.dtype)
    return backend.asarray(limit, dtype=tensor.dtype)


def _check_writeable(array: Any) -> None:
    """Raise PyTorch's error for a write into read-only memory: an ``expand()``ed view or overlapping
    ``unfold()`` windows (several elements in one place), whose arrays NumPy keeps read-only; or
    minigan's own for a tensor of a read-only buffer (``frombuffer``)."""
    if not getattr(getattr(array, "flags", None), "writeable", True):
        root = array
        while isinstance(getattr(root, "base", None), np.ndarray):
            root = root.base
        if isinstance(getattr(root, "base", None), memoryview) and root.base.readonly:
            raise RuntimeError("this tensor lies in a read-only buffer (frombuffer of bytes, say), and minigan refuses "
                               "writes to it; copy the buffer or pass a writable one (a bytearray)")
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation. (minigan refuses every write "
            "to an expand()ed tensor or to overlapping unfold() windows, whose memory is read-only)"
        )


_TORCH_TYPE_NAMES = {"float16": "HalfTensor", "float32": "FloatTensor", "float64": "DoubleTensor",
                     "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
                     "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


def check_versions(ctx: Any) -> None:
    """Raise PyTorch's error when a tensor the backward of ``ctx`` reads (an input it saved, or
    its output) was changed in place since the op ran."""
    function = ctx.function
    versions = ctx.versions
    needed = range(len(versions)) if function.saved_inputs is None else function.saved_inputs
    read_for = function.saved_for_gradient_of
    for index in needed:
        if read_for is not None and not any(ctx.needs_input_grad[i] for i in read_for[index]):
            continue  # read only for gradients no one asked for
        tensor = ctx.inputs[index]
        box = tensor._vc
        if box is not None and box[0] != versions[index]:
            _raise_modified(tensor, box[0], versions[index], function, f"input {index}")
    if function.saves_output:
        output = ctx._output_ref()
        if output is not None and output._vc is not None and output._vc[0] != 0:
            _raise_modified(output, output._vc[0], 0, function, "its output")


def _raise_modified(tensor: Any, now: int, saved: int, function: type, which: str) -> None:
    kind = _TORCH_TYPE_NAMES.get(str(tensor.dtype), f"{tensor.dtype} tensor")
    shape = ", ".join(str(n) for n in tensor.shape)
    made_by = "" if tensor._ctx is None else f", which is output 0 of {tensor._ctx.function.__name__},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{kind} [{shape}]]{made_by} is at version {now}; expected version {saved} instead. "
        f"It is {which} of {function.__name__}, whose backward needs its value: compute the backward "
        "before changing it (an optimizer.step() or an in-place method), or change a copy (.clone())"
    )


def _raw(value: Any) -> Any:
    return value.array if hasattr(value, "array") and hasattr(value, "requires_grad") else value


class InPlaceMethods:
    """The in-place methods of Tensor (a base class of it); each returns the tensor itself."""

    __slots__ = ()

    def _begin_inplace(self, name: str, *operands: Any, instead: str | None = None) -> Any:
        """Check that ``name`` may change this tensor now; return its array. ``instead`` names
        the out-of-place form to suggest (by default ``name`` without its trailing underscore)."""
        if is_grad_enabled():
            instead = name.rstrip("_") if instead is None else instead
            if self.requires_grad:
                if self._ctx is None:
                    raise RuntimeError(LEAF_ERROR)
                raise RuntimeError(
                    f"{name}: in-place operations on a tensor with recorded history are not supported by minigan; "
                    f"use the out-of-place form ({instead}) or run it under no_grad()"
                )
            for operand in operands:
                if getattr(operand, "requires_grad", False):
                    raise RuntimeError(
                        f"{name}: an in-place operation whose operand requires grad is not supported by minigan "
                        f"(it would have to be recorded); use the out-of-place form ({instead})"
                    )
        return self.array

    def _overwrite(self, name: str, compute: Any, instead: str | None = None, operands: tuple = ()) -> Any:
        """Replace this tensor's values with ``compute(self.detach())``'s (an out-of-place op, not
        recorded, so each formula and PyTorch's type promotion keep their one home), in place; a
        result of a type PyTorch does not cast to this tensor's (a float into an integer tensor)
        is refused, as PyTorch's."""
        array = self._begin_inplace(name, *operands, instead=instead)
        return self._write(name, check_castable(array, compute(self.detach()).array))

    def _write(self, name: str, values: Any) -> Any:
        """Store ``values`` (broadcast to this tensor's shape, in its dtype) into its memory, in place."""
        array = self.array
        values = _raw(values)
        if isinstance(values, (str, bytes)) or values is None:
            raise TypeError(f"{name}: expected a number or a Tensor, got {type(values).__name__}")
        if not hasattr(values, "shape"):
            values = _fitted(values, array)
        if hasattr(values, "shape"):
            try:
                broadcast = np.broadcast_shapes(tuple(values.shape), tuple(array.shape))
            except ValueError:
                broadcast = None
            if broadcast != tuple(array.shape):
                raise RuntimeError(
                    f"{name}: a value of shape {tuple(values.shape)} doesn't match the broadcast shape "
                    f"{tuple(array.shape)} of the tensor changed in place"
                )
            backend = backend_of(array)
            if backend_of(values) is not backend:
                values = backend.asarray(to_numpy(values))
            if values.dtype != array.dtype:  # cast here: the array API's setitem takes no other dtype
                values = backend.xp.astype(values, array.dtype)
        try:
            array[...] = values
        except ValueError:
            _check_writeable(array)
            raise
        bump_version(self)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        """``tensor[index] = value``: a number or a Tensor (broadcast to the selection, cast to this
        dtype) written in place, under the rules of the other in-place methods."""
        name = "tensor[index] = value"
        array = self._begin_inplace(name, value, instead="minigan.where(mask, value, tensor) or minigan.cat")
        backend = backend_of(array)
        index, _ = index_argument(index, backend)
        values = _raw(value)
        if not hasattr(values, "shape") and not isinstance(values, numbers.Number):
            raise TypeError(f"{name}: the value must be a Tensor or a number, not {type(value).__name__}")
        if not hasattr(values, "shape"):
            values = _fitted(values, array)
        if hasattr(values, "shape") and backend_of(values) is not backend:
            values = backend.asarray(to_numpy(values))
        try:
            array[index[0] if len(index) == 1 else index] = values
        except IndexError as error:
            raise IndexError(f"index into a tensor of shape {tuple(array.shape)}: {error}") from None
        except ValueError:
            _check_writeable(array)
            target = array[index[0] if len(index) == 1 else index].shape
            raise RuntimeError(f"{name}: a value of shape {tuple(values.shape)} cannot be broadcast to the "
                               f"selection's shape {tuple(target)}") from None
        bump_version(self)

    def fill_(self, value: Any) -> Any:
        """Set every element to ``value`` (a number, or a one-element Tensor)."""
        self._begin_inplace("fill_", value)
        if hasattr(value, "shape") and getattr(value, "ndim", 0) != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensors, got one of shape {tuple(value.shape)}")
        return self._write("fill_", value)

    def zero_(self) -> Any:
        """Set every element to 0."""
        self._begin_inplace("zero_")
        return self._write("zero_", 0)

    def copy_(self, src: Any, non_blocking: bool = False) -> Any:
        """Copy ``src`` (broadcast to this shape, cast to this dtype, moved to this device) into this tensor."""
        self._begin_inplace("copy_", src)
        return self._write("copy_", src)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of N(mean, std^2), drawn from ``generator`` (default: the one ``manual_seed`` seeds)."""
        self._begin_inplace("normal_")
        if not std >= 0:
            raise RuntimeError(f"normal_ expects std >= 0.0, but found std {std}")
        return self._write("normal_", _draw(self, "standard_normal", generator) * std + mean)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples drawn uniformly from [a, b)."""
        self._begin_inplace("uniform_")
        if not a <= b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
        return self._write("uniform_", _draw(self, "random", generator) * (b - a) + a)

    def clamp_(self, min: Any = None, max: Any = None) -> Any:
        """Limit every element to [min, max] (either may be None); a NaN, in self or in a bound, gives NaN."""
        array = self._begin_inplace("clamp_", min, max)
        if min is None and max is None:
            raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
        backend = backend_of(array)
        result = array
        for bound, beyond in ((min, operator.lt), (max, operator.gt)):
            if bound is not None:
                limit = _clamp_limit(bound, self, backend)
                result = backend.xp.where(beyond(result, limit) | (limit != limit), limit, result)
        return self._write("clamp_", result)

    clip_ = clamp_

    def add_(self, other: Any, *, alpha: Any = 1) -> Any:
        """self += alpha * other."""
        return self._arithmetic("add_", other, alpha, operator.add, lambda tensor: tensor.add(other, alpha=alpha))

    def sub_(self, other: Any, *, alpha: Any = 1) -> Any:
        """self -= alpha * other."""
        return self._arithmetic("sub_", other, alpha, operator.sub, lambda tensor: tensor.sub(other, alpha=alpha))

    def mul_(self, other: Any) -> Any:
        """self *= other."""
        return self._arithmetic("mul_", other, 1, operator.mul, lambda tensor: tensor * other)

    def div_(self, other: Any) -> Any:
        """self /= other."""
        return self._arithmetic("div_", other, 1, operator.truediv, lambda tensor: tensor / other)

    def _arithmetic(self, name: str, other: Any, alpha: Any, combine: Any, out_of_place: Any) -> Any:
        """The out-of-place op's result written back (so PyTorch's type promotion keeps its one
        home); or, where that result is plainly of this tensor's dtype and shape, ``combine`` of
        the arrays, with no Tensor built."""
        raw = _direct_operand(self.array, _operand(other, name), alpha)
        if raw is None:
            return self._overwrite(name, out_of_place, operands=(other,))
        array = self._begin_inplace(name, other)
        return self._write(name, combine(array, raw if alpha == 1 else raw * alpha))

    # Augmented assignment: in place where PyTorch's would not be recorded (module docstring).
    def __iadd__(self, other: Any) -> Any:
        return self._augmented(other, "add_", operator.add)

    def __isub__(self, other: Any) -> Any:
        return self._augmented(other, "sub_", operator.sub)

    def __imul__(self, other: Any) -> Any:
        return self._augmented(other, "mul_", operator.mul)

    def __itruediv__(self, other: Any) -> Any:
        return self._augmented(other, "div_", operator.truediv)

    def _augmented(self, other: Any, inplace: str, out_of_place: Any) -> Any:
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            if self.requires_grad and self._ctx is None:
                raise RuntimeError(LEAF_ERROR)
            return out_of_place(self, other)  # recorded; Python binds the name to the result
        return getattr(self, inplace)(other)


def _operand(value: Any, name: str) -> Any:
    """An in-place method's operand: a Tensor, an array or a number (bools count, as in PyTorch);
    anything else (a string, None) raises TypeError, as in PyTorch."""
    if hasattr(value, "shape") or isinstance(value, numbers.Number):
        return value
    raise TypeError(f"{name}(): argument 'other' must be a Tensor or a number, not {type(value).__name__}")


def _direct_operand(array: Any, other: Any, alpha: Any = 1) -> Any:
    """``other``'s number or array, when ``array`` is float and ``array op alpha * other`` is plainly
    of its dtype and shape, as PyTorch's result would be: a number (not a bool), or a Tensor of the
    same dtype and array type, of the same shape or 0-d. Otherwise None: the out-of-place op decides."""
    if type(alpha) not in (int, float) or numpy_dtype_of(array).kind != "f":
        return None
    if type(other) in (int, float):
        return other
    raw = _raw(other)
    same = raw is not other and type(raw) is type(array) and raw.dtype == array.dtype \
        and (raw.shape == array.shape or raw.ndim == 0)
    return raw if same else None


#: The order of PyTorch's type categories: a result may be written into a tensor of its own or a
#: higher category only (no float into an integer tensor, no integer into a bool one).
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def type_category(dtype: np.dtype) -> int:
    """PyTorch's category of a dtype, which its promotion and casts order: bool 0, integer 1,
    floating point 2."""
    return _CATEGORY.get(dtype.kind, 3)


def check_castable(array: Any, result: Any) -> Any:
    """``result``, if PyTorch casts its type to ``array``'s: its in-place ops refuse to write floats
    into an integer or bool tensor, or integers into a bool one, rather than truncate them."""
    check_category(numpy_dtype_of(result), numpy_dtype_of(array))
    return result


def check_category(result_dtype: np.dtype, dtype: np.dtype) -> None:
    """PyTorch's error for a result of ``result_dtype`` written into a tensor of ``dtype`` of a
    lower category (:func:`type_category`)."""
    if type_category(result_dtype) > type_category(dtype):
        raise RuntimeError(f"result type {scalar_type_name(result_dtype)} can't be cast to the desired output type "
                           f"{scalar_type_name(dtype)}")


def _draw(tensor: Any, draw: str, generator: Any) -> Any:
    """Random values of ``tensor``'s shape and dtype from ``generator``, on the host (float32 or
    float64 drawn natively; float16 drawn as float32)."""
    from ..torch_api.factories import numpy_generator_of  # noqa: PLC0415 - the generators sit above Tensor

    dtype = tensor.dtype
    if dtype.kind != "f":
        raise TypeError(f"{draw}: expected a floating-point tensor, got {dtype}")
    native = dtype if dtype != np.float16 else np.dtype(np.float32)
    values = getattr(numpy_generator_of(generator), draw)(tuple(tensor.shape), dtype=native)
    return values
