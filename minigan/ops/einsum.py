"""``einsum`` as PyTorch's: an equation of subscripts ('ij,jk->ik'), with '...' for broadcast
dimensions, the implicit output (no '->': the labels seen once, in alphabetical order, after the
ellipsis), repeated labels (diagonals: 'ii->i', traces: 'ii') and size-1 dimensions broadcast
against any label. Also the list form einsum(a, [0, 1], b, [1, 2], [0, 2]).

The equation is read once into integer labels (letters 0..51, 'A' before 'a' as PyTorch orders
them; ellipsis dimensions negative, -1 the last). ``Einsum`` works on those labels: forward takes
each operand's diagonals, sums out what nothing else needs, and contracts operands pairwise
with one batched matrix product each; backward is an einsum of the gradient and the others."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.function import Context, Function
from ..torch_api.out_argument import takes_out
from .elementwise import where
from .operands import _xp
from .shape import broadcast_to, reshape

Labels = tuple[int, ...]
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# ------------------------------------------------------------------ forward, on arrays
def _diagonals(xp: Any, a: Any, labels: Labels) -> tuple[Any, Labels]:
    """``a`` with each repeated label reduced to its diagonal (kept at its first place)."""
    labels = list(labels)
    for q in range(len(labels) - 1, 0, -1):
        p = labels.index(labels[q])
        if p == q:
            continue
        n = a.shape[p]
        rest = [d for d in range(a.ndim) if d not in (p, q)]
        moved = xp.reshape(xp.permute_dims(a, tuple(rest) + (p, q)), tuple(a.shape[d] for d in rest) + (n * n,))
        diagonal = moved[..., :: n + 1]  # the elements (i, i) of the last two axes
        order = list(range(len(rest)))
        order.insert(p, len(rest))
        a = xp.permute_dims(diagonal, tuple(order))
        del labels[q]
    return a, tuple(labels)


def _sum_out(xp: Any, a: Any, labels: Labels, needed: set[int]) -> tuple[Any, Labels]:
    """``a`` summed over the labels nothing else needs."""
    axes = tuple(d for d, label in enumerate(labels) if label not in needed)
    if not axes:
        return a, labels
    return xp.sum(a, axis=axes, dtype=a.dtype), tuple(label for label in labels if label in needed)


def _pair(xp: Any, a: Any, la: Labels, b: Any, lb: Labels, keep: set[int]) -> tuple[Any, Labels]:
    """a and b contracted over their shared labels outside ``keep``, by one batched matmul:
    a as (batch..., a's own, shared) times b as (batch..., shared, b's own)."""
    for label in set(la) & set(lb) - keep:  # a size-1 side of a summed label: sum the other side first
        na, nb = a.shape[la.index(label)], b.shape[lb.index(label)]
        if na != nb:
            if na == 1:
                b = xp.sum(b, axis=lb.index(label), keepdims=True, dtype=b.dtype)
            else:
                a = xp.sum(a, axis=la.index(label), keepdims=True, dtype=a.dtype)
    batch = [label for label in la if label in lb and label in keep]
    summed = [label for label in la if label in lb and label not in keep]
    own_a = [label for label in la if label not in lb]
    own_b = [label for label in lb if label not in la]

    def arrange(x: Any, lx: Labels, middle: list[int], last: list[int]) -> Any:
        x = xp.permute_dims(x, tuple(lx.index(label) for label in batch + middle + last))
        sizes = x.shape[len(batch):]
        return xp.reshape(x, x.shape[:len(batch)] + (math.prod(sizes[:len(middle)]), math.prod(sizes[len(middle):])))

    product = xp.matmul(arrange(a, la, own_a, summed), arrange(b, lb, summed, own_b))
    sizes = product.shape[:len(batch)] + tuple(a.shape[la.index(label)] for label in own_a) + \
        tuple(b.shape[lb.index(label)] for label in own_b)
    return xp.reshape(product, sizes), tuple(batch + own_a + own_b)


def contract(arrays: Sequence[Any], labels: Sequence[Labels], output: Labels) -> Any:
    """The einsum of ``arrays`` (labels already checked), on arrays: diagonals, sums, pairwise products."""
    xp = _xp(arrays[0])
    terms = [_diagonals(xp, a, la) for a, la in zip(arrays, labels)]
    while len(terms) > 1:
        needed = set(output).union(*(la for _, la in terms[2:]))
        (a, la), (b, lb) = terms[0], terms[1]
        a, la = _sum_out(xp, a, la, needed | set(lb))
        b, lb = _sum_out(xp, b, lb, needed | set(la))
        terms = [_pair(xp, a, la, b, lb, needed)] + terms[2:]
    a, la = _sum_out(xp, *terms[0], set(output))
    return xp.permute_dims(a, tuple(la.index(label) for label in output))


class Einsum(Function):
    """f = the sum, over the labels not in the output, of the product of the operands;
    df/dx_k = the einsum of g and the other operands with x_k's labels as output (on the diagonal
    for a repeated label, expanded along a label nothing else has, summed back over a broadcast one)."""

    view_of = 0  # one operand only permuted ("ij->ji") is a view, as in PyTorch (a diagonal, "ii->i", copies here)

    @staticmethod
    def forward(ctx: Context, *arrays: Any, labels: tuple[Labels, ...], output: Labels) -> Any:
        return contract(arrays, labels, output)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        labels, output = ctx.options["labels"], ctx.options["output"]
        grads = []
        for k, x in enumerate(ctx.inputs):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [grad] + [y for j, y in enumerate(ctx.inputs) if j != k]
            their_labels = (output,) + tuple(la for j, la in enumerate(labels) if j != k)
            grads.append(_gradient_of(x, labels[k], others, their_labels))
        return tuple(grads)


def _gradient_of(x: Tensor, lx: Labels, others: list[Tensor], their_labels: tuple[Labels, ...]) -> Tensor:
    """dL/dx for an operand with labels ``lx``: the einsum of the others onto x's distinct labels,
    then laid out as x (a label they lack: broadcast; a label x has at size 1: summed; a repeated
    label: on the diagonal, zero off it)."""
    present = set().union(*their_labels)
    distinct = tuple(dict.fromkeys(lx))
    target = tuple(label for label in distinct if label in present)
    g = Einsum.apply(*others, labels=their_labels, output=target)
    first = {label: lx.index(label) for label in distinct}
    g = reshape(g, [g.shape[target.index(label)] if label in target and first[label] == d else 1
                    for d, label in enumerate(lx)])
    summed = tuple(d for d in range(x.ndim) if x.shape[d] == 1 and g.shape[d] != 1)
    if summed:
        g = g.sum(axis=summed, keepdims=True)
    g = broadcast_to(g, x.shape)
    if len(distinct) == len(lx):
        return g
    on_diagonal = np.ones(x.shape, dtype=bool)
    for d, label in enumerate(lx):
        if first[label] != d:
            n = x.shape[d]
            here = [1] * x.ndim
            here[d] = n
            there = [1] * x.ndim
            there[first[label]] = n
            on_diagonal = on_diagonal & (np.arange(n).reshape(here) == np.arange(n).reshape(there))
    return where(on_diagonal, g, 0.0)


# ------------------------------------------------------------------ the equation
def _label(char: str, index: int) -> int:
    if char not in _LETTERS:
        raise RuntimeError(f"einsum(): invalid subscript given at index {index} in the equation string, "
                           "subscripts must be in [a-zA-Z]")
    return _LETTERS.index(char)


def _read_term(term: str, start: int, operand: int | None) -> tuple[list[int | None], bool]:
    """One term's labels, None standing for the ellipsis; and whether it has one."""
    found: list[int | None] = []
    i = 0
    while i < len(term):
        if term[i] == ".":
            where_ = "the output" if operand is None else f"operand {operand}"
            if term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {where_} that is not part of any ellipsis")
            if None in found:
                raise RuntimeError(f"einsum(): found '.' for {where_} for which an ellipsis was already found")
            found.append(None)
            i += 3
        else:
            found.append(_label(term[i], start + i))
            i += 1
    return found, None in found


def parse(equation: str, shapes: Sequence[tuple[int, ...]]) -> tuple[tuple[Labels, ...], Labels]:
    """The labels of each operand and of the output, as integers (ellipsis dimensions negative)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    labels, start, ellipsis = [], 0, 0
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        found, has_ellipsis = _read_term(term, start, k)
        start += len(term) + 1
        letters = len(found) - has_ellipsis
        if (has_ellipsis and letters > len(shape)) or (not has_ellipsis and letters != len(shape)):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {k}"
                               + ("" if has_ellipsis else " and no ellipsis was given"))
        width = len(shape) - letters
        ellipsis = max(ellipsis, width)
        labels.append(tuple(label for part in found
                            for label in (range(-width, 0) if part is None else (part,))))
    if arrow:
        found, has_ellipsis = _read_term(rhs, len(lhs) + 2, None)
        seen = set().union(*labels)
        for label in found:
            if label is not None and label not in seen:
                raise RuntimeError(f"einsum(): output subscript {_LETTERS[label]} does not appear in the equation "
                                   "for any input operand")
            if label is not None and found.count(label) > 1:
                raise RuntimeError(f"einsum(): output subscript {_LETTERS[label]} appears more than once in the output")
        output = tuple(label for part in found for label in (range(-ellipsis, 0) if part is None else (part,)))
    else:
        counts = [label for la in labels for label in la if label >= 0]
        output = tuple(range(-ellipsis, 0)) + tuple(sorted(label for label in set(counts) if counts.count(label) == 1))
    return tuple(labels), output


def _sizes_fit(labels: tuple[Labels, ...], shapes: Sequence[tuple[int, ...]]) -> None:
    """PyTorch's errors for a repeated label of two sizes and for sizes that do not broadcast."""
    seen: dict[int, int] = {}
    for k, (la, shape) in enumerate(zip(labels, shapes)):
        own: dict[int, int] = {}
        for label, n in zip(la, shape):
            if label in own and own[label] != n:
                name = _LETTERS[label] if label >= 0 else "..."
                raise RuntimeError(f"einsum(): subscript {name} is repeated for operand {k} but the sizes don't "
                                   f"match, {n} != {own[label]}")
            own[label] = n
        for label, n in own.items():
            if label in seen and 1 != seen[label] != n != 1:
                if label < 0:
                    raise RuntimeError(f"einsum(): dimension {label + sum(x < 0 for x in la)} covered "
                                       f"by ellipsis in operand {k} has size {n} which does not broadcast with "
                                       f"previously seen ellipsis with size {seen[label]} for the respective dimension")
                raise RuntimeError(f"einsum(): subscript {_LETTERS[label]} has size {n} for operand {k} which does "
                                   f"not broadcast with previously seen size {seen[label]}")
            seen[label] = n if label not in seen or seen[label] == 1 else seen[label]


def _from_sublists(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """einsum(a, [0, 1], b, [1, 2], [0, 2]): the equation those lists spell, and the operands."""

    def spell(sublist: Any) -> str:
        try:
            return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sublist)
        except (IndexError, ValueError, TypeError):
            raise ValueError(f"einsum(): a subscript list holds integers in [0, 52) or Ellipsis, got {sublist!r}") \
                from None

    pairs = args if len(args) % 2 == 0 else args[:-1]
    equation = ",".join(spell(s) for s in pairs[1::2])
    if len(args) % 2:
        equation += "->" + spell(args[-1])
    return equation, list(pairs[0::2])


def einsum(*args: Any) -> Tensor:
    """einsum(equation, *operands) or einsum(equation, [operands]) or einsum(a, sublist, b, sublist, [out])."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation = args[0]
        operands = list(args[1]) if len(args) == 2 and isinstance(args[1], (list, tuple)) else list(args[1:])
    else:
        equation, operands = _from_sublists(args)
    for k, x in enumerate(operands):
        if not isinstance(x, Tensor):
            raise TypeError(f"einsum(): expected Tensor as element {k} in argument 1, but got {type(x).__name__}")
    labels, output = parse(equation, [x.shape for x in operands])
    _sizes_fit(labels, [x.shape for x in operands])
    for x in operands[1:]:
        if x.dtype != operands[0].dtype:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, got {operands[0].dtype} "
                               f"and {x.dtype}")
    result = Einsum.apply(*operands, labels=labels, output=output)
    if len(operands) == 1 and result.dtype.kind in "iub" and set(labels[0]) - set(output):
        result = result.to(np.int64)  # a sum of integers is int64, as PyTorch's
    return result


@takes_out
def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """The sum over ``dims`` pairs of a's and b's dimensions: an int n pairs a's last n with b's first
    n; a pair of lists pairs them in order. The result has a's other dimensions, then b's."""
    a = a if isinstance(a, Tensor) else as_tensor(a)
    b = b if isinstance(b, Tensor) else as_tensor(b)
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        first, second = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        first, second = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(first) != len(second):
            raise RuntimeError("both dimension lists should have same length")
    first = [d % a.ndim if a.ndim else d for d in first]
    second = [d % b.ndim if b.ndim else d for d in second]
    for i, j in zip(first, second):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                               f"and second has size {b.shape[j]} in dim {j}")
    la = tuple(range(a.ndim))
    lb = tuple(la[first[second.index(j)]] if j in second else a.ndim + j for j in range(b.ndim))
    output = tuple(d for d in la if d not in first) + tuple(a.ndim + j for j in range(b.ndim) if j not in second)
    return Einsum.apply(a, b, labels=(la, lb), output=output)
