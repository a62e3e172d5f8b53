"""How a tensor prints, as PyTorch prints it: ``tensor([1.5000, 2.0000])``.

Every element of a tensor takes one format and one width, chosen from the nonzero finite values
shown: integers as they are; floats that are all whole numbers as ``5.``, others with four
decimals (``1.5000``); scientific (``1.0000e-05``) instead when the largest magnitude is more than
1000 times the smallest or above 1e8, or, for floats that are not whole, the smallest below 1e-4.
NaN and the infinities print as ``nan``, ``inf`` and ``-inf``. Rows wrap at 80
characters; a tensor of more than 1000 elements shows three at each end of every dimension around
``...``. The dtype is named unless it is float32, int64 or bool, and an empty tensor of another shape
than (0,) gives its size.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

LINE_WIDTH = 80
THRESHOLD = 1000  # more elements than this are summarized
EDGE_ITEMS = 3
_DEFAULT_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


def tensor_text(values: np.ndarray, device: str | None, autograd: str | None) -> str:
    """``tensor(...)`` for the host array ``values``: the elements, then in PyTorch's order the
    ``device`` text (where it is not the CPU), the size of an empty tensor, the dtype and the
    ``autograd`` text (``grad_fn=<...>`` or ``requires_grad=True``)."""
    prefix = "tensor("
    summarize = values.size > THRESHOLD
    shown = _summarized(values) if summarize else values
    element, width = _formatter(values.dtype, shown.reshape(-1))
    suffixes = [device] if device else []
    if values.size == 0 and values.ndim != 1:
        suffixes.append(f"size={tuple(values.shape)}")
    # an empty tensor has no element to tell an integer dtype by: then only float32 goes unnamed
    if values.dtype not in _DEFAULT_DTYPES or (values.size == 0 and values.dtype != _DEFAULT_DTYPES[0]):
        suffixes.append(f"dtype=torch.{values.dtype}")
    if autograd:
        suffixes.append(autograd)
    text = prefix + _elements(values, element, width, len(prefix), summarize)
    # each suffix after ", " on the last line, or on a line of its own where it would pass LINE_WIDTH
    line = len(text) - text.rfind("\n") + 1  # PyTorch's count: the last line's length plus 2
    for suffix in suffixes:
        if line + len(suffix) + 2 > LINE_WIDTH:
            text += ",\n" + " " * len(prefix) + suffix
            line = len(prefix) + len(suffix)
        else:
            text += ", " + suffix
            line += len(suffix) + 2
    return text + ")"


def _summarized(values: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows: at most EDGE_ITEMS at each end of every dimension."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * EDGE_ITEMS:
        values = np.concatenate([values[:EDGE_ITEMS], values[-EDGE_ITEMS:]])
    return np.stack([_summarized(row) for row in values]) if values.ndim > 1 else values


def _formatter(dtype: np.dtype, shown: np.ndarray) -> tuple[Callable[[Any], str], int]:
    """One function from an element to its text, right-justified to one width, and that width: the
    widest integer, or for floats the widest of the nonzero finite values (a zero, NaN or infinity
    may be wider, and then sticks out, as in PyTorch)."""
    if dtype.kind == "b":
        width = max((len(str(v)) for v in shown.tolist()), default=1)
        return (lambda v: str(bool(v)).rjust(width)), width
    if dtype.kind in "iu":
        width = max((len(str(v)) for v in shown.tolist()), default=1)
        return (lambda v: str(int(v)).rjust(width)), width
    values = shown.astype(np.float64)
    chosen = values[np.isfinite(values) & (values != 0)]
    whole = bool(np.all(chosen == np.ceil(chosen)))
    kind = "{:.0f}." if whole else "{:.4f}"
    if chosen.size:
        largest, smallest = np.abs(chosen).max(), np.abs(chosen).min()
        if largest / smallest > 1000.0 or largest > 1e8 or (not whole and smallest < 1e-4):
            kind = "{:.4e}"

    def text(v: Any) -> str:
        v = float(v)
        return kind.format(v) if math.isfinite(v) else str(v)
    width = max((len(text(v)) for v in chosen.tolist()), default=1)
    return (lambda v: text(v).rjust(width)), width


def _elements(values: np.ndarray, element: Callable[[Any], str], width: int, indent: int, summarize: bool) -> str:
    """The nested brackets of ``values``, PyTorch's layout: rows on lines of their own, one blank
    line more between blocks of each higher dimension, 1-d rows wrapped at LINE_WIDTH."""
    if values.ndim == 0:
        return element(values.item())
    if values.size == 0:
        return "[]"
    if values.ndim == 1:
        items = [element(v) for v in values.tolist()] if not summarize or values.shape[0] <= 2 * EDGE_ITEMS else (
            [element(v) for v in values[:EDGE_ITEMS].tolist()] + [" ..."]
            + [element(v) for v in values[-EDGE_ITEMS:].tolist()])
        per_line = max(1, int(math.floor((LINE_WIDTH - indent) / (width + 2))))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = range(values.shape[0])
    if summarize and values.shape[0] > 2 * EDGE_ITEMS:
        rows = [*range(EDGE_ITEMS), None, *range(values.shape[0] - EDGE_ITEMS, values.shape[0])]
    texts = ["..." if i is None else _elements(values[i], element, width, indent + 1, summarize) for i in rows]
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(texts) + "]"
