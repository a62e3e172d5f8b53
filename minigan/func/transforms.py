"""``torch.func``'s derivative transforms: grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd, hessian.

Each takes a function and gives a function (or, for vjp and jvp, values) with PyTorch's
structure: arguments and outputs may be pytrees (tuples, lists, dicts of tensors), ``argnums``
picks the positional arguments to differentiate, ``has_aux`` lets the function return
``(output, aux)``. They are built on minigan's reverse-mode engine with ``create_graph=True``
(see minigan/func/levels.py), so they nest: ``grad(grad(f))``, ``jacrev(jacrev(f))``,
``vmap(grad(f))``. minigan has no forward mode: ``jvp`` and ``jacfwd`` give forward mode's
values by reverse passes (said in each docstring).
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import Tensor
from .levels import Level, gradients, level
from .pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian"]


# ---------------------------------------------------------------------------------------------- helpers
def _argnums(argnums: Any, count: int) -> tuple[int, ...]:
    """``argnums`` checked against ``count`` positional arguments, as a tuple of indices."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        picked = (argnums,)
    elif isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        for item in argnums:
            if not isinstance(item, int) or isinstance(item, bool):
                raise RuntimeError(f"argnum must be int, got: {type(item)}")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        picked = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for item in picked:
        if not -count <= item < count:
            raise RuntimeError(f"Got argnum={item}, but only {count} positional inputs")
    return tuple(item % count for item in picked)


def _fresh_arguments(lvl: Level, args: tuple, argnums: Any) -> tuple[tuple, list[Tensor], Any]:
    """(the arguments with the picked ones replaced by fresh tensors, those tensors, a function
    that puts a flat list shaped like them back into ``argnums``' structure)."""
    picked = _argnums(argnums, len(args))
    leaves, spec = tree_flatten(tuple(args[i] for i in picked))
    fresh = [lvl.fresh_input(leaf) for leaf in leaves]
    chosen = tree_unflatten(fresh, spec)
    new_args = list(args)
    for i, value in zip(picked, chosen):
        new_args[i] = value

    def structure(flat: list[Any]) -> Any:
        rebuilt = tree_unflatten(flat, spec)
        return rebuilt if isinstance(argnums, tuple) else rebuilt[0]
    return tuple(new_args), fresh, structure


def _split_aux(output: Any, has_aux: bool, where: str) -> tuple[Any, Any]:
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return output


def _tensor_outputs(output: Any, where: str, call: str) -> tuple[list[Tensor], Any]:
    leaves, spec = tree_flatten(output)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"{where}: expected {call} to return only tensors, got unsupported type {type(leaf)}")
    return leaves, spec


# ------------------------------------------------------------------------------------------------ grad
def grad_and_value(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """A function returning ``(gradient, value)`` of ``func``, which must return a scalar Tensor
    (with ``has_aux``, ``((gradient, (value, aux)))``). The gradient has the structure of the
    arguments picked by ``argnums`` (a tuple of them for a tuple of argnums); an argument
    the value does not depend on gets zeros."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with level() as lvl:
            args, fresh, structure = _fresh_arguments(lvl, args, argnums)
            output, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value(f)(*args)")
            if not isinstance(output, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(output)}")
            if output.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            result = structure(gradients([output], fresh, create_graph=lvl.needs_graph([output])))
            return lvl.release((result, (output, aux)) if has_aux else (result, output))
    return wrapper


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """A function returning the gradient of ``func`` (a scalar Tensor) with respect to the
    arguments picked by ``argnums``; with ``has_aux``, ``(gradient, aux)``. See :func:`grad_and_value`."""
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value = inner(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient
    return wrapper


# ------------------------------------------------------------------------------------------- vjp, jvp
def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), vjp_fn)`` (and ``aux`` with ``has_aux``): ``vjp_fn(cotangents)``, with
    cotangents shaped like the output, returns the tuple of vᵀJ, one entry per primal. It may be
    called many times (the graph is kept)."""
    with level() as lvl:
        leaves, spec = tree_flatten(primals)
        fresh = [lvl.fresh_input(leaf) for leaf in leaves]
        output, aux = _split_aux(func(*tree_unflatten(fresh, spec)), has_aux, "vjp(f, *primals)")
        outputs, out_spec = _tensor_outputs(output, "vjp(f, *primals)", "f(*primals)")

    def vjp_fn(cotangents: Any, *, retain_graph: bool = True, create_graph: bool | None = None) -> tuple:
        seeds, seed_spec = tree_flatten(cotangents)
        if seed_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {seed_spec.short()}, primal output: {out_spec.short()}")
        for i, (seed, out) in enumerate(zip(seeds, outputs)):
            if not isinstance(seed, Tensor):
                raise RuntimeError(f"vjp_fn: expected cotangents to be Tensors, got {type(seed)}")
            if seed.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of torch.Size({list(seed.shape)}) and "
                                   f"output[{i}] has a shape of torch.Size({list(out.shape)}).")
        with level() as inner:
            inner.adopt(lvl)
            found = gradients(outputs, fresh, seeds, create_graph=inner.needs_graph(outputs))
            return inner.release(tree_unflatten(found, spec))

    released = lvl.release((output, aux))
    return (released[0], vjp_fn, released[1]) if has_aux else (released[0], vjp_fn)


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), J·tangents)`` (and ``aux`` with ``has_aux``), the Jacobian-vector
    product in the output's structure. minigan has no forward mode: the product is computed by
    the double-backward trick, two reverse passes (the backward pass g ↦ Jᵀg is linear in g,
    so differentiating it in g, seeded with the tangents, gives J·tangents)."""
    where = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{where}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    primal_leaves, spec = tree_flatten(primals)
    tangent_leaves, tangent_spec = tree_flatten(tangents)
    if tangent_spec != spec:
        raise RuntimeError(f"{where}: Expected primals and tangents to have the same python structure. For example, "
                           "if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
                           f"{spec} and tangents with structure {tangent_spec}")
    if not primal_leaves:
        raise RuntimeError(f"{where}: Expected primals to contain at least one Tensor.")
    for name, leaves in (("primals", primal_leaves), ("tangents", tangent_leaves)):
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise RuntimeError(f"{where}: Expected {name} to only contain Tensors, got {type(leaf)}")
    for p, t in zip(primal_leaves, tangent_leaves):
        if p.shape != t.shape:
            raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")
    with level() as lvl:
        output, aux, out_spec, seeds, back = _recorded_backward(lvl, func, primal_leaves, spec, has_aux, where)
        products = tree_unflatten(gradients(back, seeds, tangent_leaves, lvl.needs_graph(back + tangent_leaves)), out_spec)
        return lvl.release((output, products, aux) if has_aux else (output, products))


def _recorded_backward(lvl: Level, func: Callable[..., Any], primal_leaves: list[Any], spec: Any, has_aux: bool,
                       where: str) -> tuple[Any, Any, Any, list[Tensor], list[Tensor]]:
    """``func`` called on fresh primals, and its backward pass recorded from output gradients that
    require grad: (output, aux, the output's structure, those output gradients, the pass's result).
    The pass is linear in them, so zeros (no inf or nan) serve as their values."""
    fresh = [lvl.fresh_input(leaf) for leaf in primal_leaves]
    output, aux = _split_aux(func(*tree_unflatten(fresh, spec)), has_aux, where)
    outputs, out_spec = _tensor_outputs(output, where, "f(*primals)")
    seeds = [lvl.mark(out.new_zeros(out.shape, requires_grad=True)) for out in outputs]
    return output, aux, out_spec, seeds, gradients(outputs, fresh, seeds)


def linearize(func: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is :func:`jvp`'s product at ``primals``
    without calling ``func`` again. minigan records the backward pass once and differentiates it
    in its seed for each call (the double-backward trick), where PyTorch traces the forward mode."""
    primal_leaves, spec = tree_flatten(primals)
    with level() as lvl:
        output, _, out_spec, seeds, back = _recorded_backward(lvl, func, primal_leaves, spec, False, "linearize(f, *primals)")

    def jvp_fn(*tangents: Any) -> Any:
        tangent_leaves, tangent_spec = tree_flatten(tangents)
        if tangent_spec != spec:
            raise RuntimeError(f"Expected the tangents {tangent_spec} to have the same argspec as the primals {spec}")
        for i, (p, t) in enumerate(zip(primal_leaves, tangent_leaves)):
            if not isinstance(t, Tensor) or t.shape != p.shape:
                got = f"shape torch.Size({list(t.shape)})" if isinstance(t, Tensor) else f"type {type(t)}"
                raise RuntimeError(f"tangent:{i} with {got} in flattened pytree doesn't match the shape "
                                   f"torch.Size({list(p.shape)}) of the corresponding primal.")
        with level() as inner:
            inner.adopt(lvl)
            found = gradients(back, seeds, tangent_leaves, inner.needs_graph(back + tangent_leaves))
            return inner.release(tree_unflatten(found, out_spec))
    return lvl.release(output), jvp_fn


# --------------------------------------------------------------------------------------- jacobians
def _check_chunk_size(chunk_size: Any, name: str) -> None:
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"{name}: `chunk_size` should be greater than 0.")


def _jacobian_blocks(out: Tensor, inputs: list[Tensor], record: bool) -> list[Tensor]:
    """d out / d input for each input, shaped ``out.shape + input.shape``: one recorded reverse
    pass per element of ``out``, its rows stacked."""
    from .. import ops  # noqa: PLC0415 - ops sit above the levels' own imports

    if out.numel() == 0:
        return [x.new_zeros(tuple(out.shape) + tuple(x.shape)) for x in inputs]
    flat = out.reshape(-1)
    rows = [gradients([flat[k]], inputs, create_graph=record) for k in range(out.numel())]
    return [ops.stack([row[j] for row in rows], dim=0).reshape(tuple(out.shape) + tuple(x.shape))
            for j, x in enumerate(inputs)]


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable[..., Any]:
    """A function returning the Jacobian of ``func`` with respect to the arguments picked by
    ``argnums``: for each output leaf, the arguments' structure holding blocks shaped
    ``output.shape + argument.shape``; with ``has_aux``, ``(jacobian, aux)``. One reverse pass per
    output element (``chunk_size`` is accepted and changes nothing in the values)."""
    _check_chunk_size(chunk_size, "jacrev")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with level() as lvl:
            args, fresh, structure = _fresh_arguments(lvl, args, argnums)
            output, aux = _split_aux(func(*args, **kwargs), has_aux, "jacrev(f, ...)(*args)")
            outputs, out_spec = _tensor_outputs(output, "vjp(f, *primals)", "f(*primals)")
            record = lvl.needs_graph(outputs)
            jac = tree_unflatten([structure(_jacobian_blocks(out, fresh, record)) for out in outputs], out_spec)
            return lvl.release((jac, aux) if has_aux else jac)
    return wrapper


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian as :func:`jacrev` gives it, in the same structure. minigan has no forward
    mode, so it is computed the same way, one reverse pass per output element (forward mode
    would take one pass per input element: the same numbers)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """A function returning the Hessian of the scalar ``func``: ``jacfwd(jacrev(func, argnums),
    argnums)``, blocks shaped ``argument.shape + argument.shape`` (``H[i][j]`` for a tuple of argnums)."""
    return jacfwd(jacrev(func, argnums), argnums)
