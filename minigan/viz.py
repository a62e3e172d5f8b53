"""Pictures: a grid of generated digits, the loss curves of a run, and a computation graph.

Figures are drawn on matplotlib's Agg canvas through ``matplotlib.figure.Figure`` (never
pyplot, so no global backend or display is touched) and written atomically: a reader sees the
previous PNG or the new one, never half a file.
"""
from __future__ import annotations

import io
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Annotation

from minigan.autograd.graph import KINDS, GraphNode, graph_edges, graph_nodes
from minigan.paths import atomic_write_bytes

__all__ = ["image_grid", "save_sample_grid", "sample_grid_pixels", "save_loss_curves", "moving_average",
           "draw_graph", "graph_nodes", "write_figure", "make_grid", "save_image"]

_DPI = 100


def image_grid(images: np.ndarray, nrow: int = 8, padding: int = 2, side: int | None = None) -> np.ndarray:
    """Tile ``images`` ((N, H, W), or (N, H*W) with square images) into one 2-D array.

    Rows hold ``nrow`` images; missing cells and the padding are 0 (black).
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2:
        side = side or int(round(math.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"cannot reshape images of {images.shape[1]} pixels into squares")
        images = images.reshape(-1, side, side)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must have shape (N, H, W) or (N, H*W) with N > 0, got {images.shape}")
    if nrow <= 0:
        raise ValueError(f"nrow must be positive, got {nrow}")
    n, h, w = images.shape
    cols = min(nrow, n)
    grid = np.zeros(_grid_shape(n, nrow, h, w, padding))
    for k in range(n):
        r, c = divmod(k, cols)
        top, left = padding + r * (h + padding), padding + c * (w + padding)
        grid[top:top + h, left:left + w] = images[k]
    return grid


def write_figure(figure: Figure, path: str | os.PathLike, dpi: int = _DPI) -> None:
    """Render a matplotlib Figure to a PNG at ``path``, atomically (a temporary file, then a rename)."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    atomic_write_bytes(path, buffer.getvalue())


def _grid_shape(n: int, nrow: int, h: int = 28, w: int = 28, padding: int = 2) -> tuple[int, int]:
    """(height, width) of :func:`image_grid`'s array for n images of h x w."""
    cols = min(nrow, n)
    return math.ceil(n / cols) * (h + padding) + padding, cols * (w + padding) + padding


def _figure_size(grid_shape: tuple[int, int], title: bool) -> tuple[float, float, float]:
    """(width, height, title band) in inches of the figure that shows a grid of ``grid_shape``."""
    grid_height, grid_width = grid_shape
    width = max(2.0, grid_width / 60)
    band = 0.3 if title else 0.0
    return width, width * grid_height / grid_width + band, band


def sample_grid_pixels(n: int, nrow: int = 8, title: bool = False) -> tuple[int, int]:
    """(width, height) in pixels of the PNG :func:`save_sample_grid` writes for n 28x28 images."""
    width, height, _ = _figure_size(_grid_shape(n, nrow), title)
    return round(width * _DPI), round(height * _DPI)


def save_sample_grid(images: np.ndarray, path: str | os.PathLike, nrow: int = 8, title: str | None = None) -> None:
    """Write a PNG of ``images`` (values in [0, 1]) as a grid of ``nrow`` columns."""
    images = np.asarray(images)
    if not np.all(np.isfinite(images)):
        raise ValueError("sample images contain NaN or inf")
    grid = np.clip(image_grid(images, nrow=nrow), 0.0, 1.0)
    width, height, band = _figure_size(grid.shape, bool(title))
    figure = Figure(figsize=(width, height))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0 - band / height))
    axes.imshow(grid, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    axes.set_axis_off()
    if title:
        figure.suptitle(title, fontsize=9, y=0.995)
    write_figure(figure, path)


def moving_average(values: Sequence[float], window: int) -> np.ndarray:
    """The trailing mean over ``window`` points (shorter at the start), skipping NaN."""
    values = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(values)
    sums = np.cumsum(np.where(ok, values, 0.0))
    counts = np.cumsum(ok)
    window = max(1, int(window))
    lagged_sums = np.concatenate([np.zeros(window), sums[:-window]]) if len(values) > window else np.zeros(len(values))
    lagged_counts = np.concatenate([np.zeros(window), counts[:-window]]) if len(values) > window else np.zeros(len(values))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (sums - lagged_sums[: len(values)]) / (counts - lagged_counts[: len(values)])
    return out


def envelope(x: np.ndarray, values: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about 2 * ``buckets`` of the points (x, values) that draw as the whole line does at a
    width of ``buckets`` pixels: the lowest and the highest point of each run of consecutive
    points, in their order. A line of 31,240 steps costs its figure's rendering every epoch
    otherwise, for pixels it cannot show. ``values`` must be finite."""
    n = len(values)
    size = -(-n // max(1, buckets))  # points per bucket
    if size <= 2:
        return x, values
    whole = n // size * size
    runs = values[:whole].reshape(-1, size)
    starts = np.arange(0, whole, size)
    lowest, highest = starts + runs.argmin(axis=1), starts + runs.argmax(axis=1)
    keep = np.concatenate([np.sort(np.stack([lowest, highest], axis=1), axis=1).ravel(), np.arange(whole, n)])
    return x[keep], values[keep]


def save_loss_curves(history: Mapping[str, Sequence[float]], path: str | os.PathLike,
                     steps_per_epoch: int | None = None, title: str | None = None) -> None:
    """Write a PNG of D's and G's losses (raw, faint, and a moving average) and of D(x), D(G(z)).

    ``history`` maps column names to per-step values: ``d_loss``, ``g_loss``, ``d_x``, ``d_g_z``
    (NaN where a value was not computed, e.g. G's loss between critic steps), and ``fid``, the
    per-epoch score, in a third panel when the run has one.
    """
    d_loss = np.asarray(history.get("d_loss", []), dtype=np.float64)
    g_loss = np.asarray(history.get("g_loss", []), dtype=np.float64)
    n = len(d_loss)
    steps = np.arange(1, n + 1)
    x = steps / steps_per_epoch if steps_per_epoch else steps
    window = max(1, n // 50)
    width = 8 * _DPI  # the figure's width in pixels: the most points a line needs
    score = np.asarray(history.get("fid", []), dtype=np.float64)
    scored = len(score) == n and n and np.isfinite(score).any()  # the per-epoch FID, when the run scores
    figure = Figure(figsize=(width / _DPI, 8 if scored else 6))
    axes = figure.subplots(3 if scored else 2, 1, sharex=True)
    top, bottom = axes[0], axes[1]
    for values, label, color in ((d_loss, "D loss", "tab:blue"), (g_loss, "G loss", "tab:orange")):
        if n and np.isfinite(values).any():
            ok = np.isfinite(values)
            top.plot(*envelope(x[ok], values[ok], width), color=color, alpha=0.25, linewidth=0.6)
            top.plot(*_finite_envelope(x, moving_average(values, window), width), color=color, label=label,
                     linewidth=1.4)
    top.set_ylabel("loss")
    top.legend(loc="upper right")
    top.grid(alpha=0.3)
    for key, label, color in (("d_x", "D(x)", "tab:green"), ("d_g_z", "D(G(z))", "tab:red")):
        values = np.asarray(history.get(key, []), dtype=np.float64)
        if len(values) == n and n and np.isfinite(values).any():
            bottom.plot(*_finite_envelope(x, moving_average(values, window), width), color=color, label=label,
                        linewidth=1.2)
    bottom.set_ylabel("D output")
    bottom.legend(loc="upper right")
    bottom.grid(alpha=0.3)
    if scored:
        ok = np.isfinite(score)
        axes[2].plot(x[ok], score[ok], marker="o", color="tab:purple", label="FID (n = 2,000, vs validation)")
        axes[2].set_ylabel("FID")
        axes[2].legend(loc="upper right")
        axes[2].grid(alpha=0.3)
    axes[-1].set_xlabel("epoch" if steps_per_epoch else "step")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    write_figure(figure, path)


def _finite_envelope(x: np.ndarray, values: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`envelope` of a moving average, which is NaN at most over a first stretch (where a
    line draws nothing anyway); any other NaN, a gap in the line, leaves it whole."""
    ok = np.isfinite(values)
    if ok.all():
        return envelope(x, values, buckets)
    if not ok.any():
        return x[:0], values[:0]
    first = int(np.argmax(ok))
    if ok[first:].all():
        return envelope(x[first:], values[first:], buckets)
    return x, values


# ------------------------------------------------------------------ torchvision.utils' two
def make_grid(tensor: Any, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> np.ndarray:
    """Images tiled into one (C, H', W') array, as ``torchvision.utils.make_grid``.

    ``tensor`` is a batch (B, C, H, W), one image (C, H, W) or (H, W), or a list of images.
    One-channel images are repeated into three. Rows hold ``nrow`` images, each with
    ``padding`` pixels of ``pad_value`` before it and after the last; a batch of one image is
    returned alone, unpadded. ``normalize`` clamps to ``value_range`` (default: the images' min
    and max, or each image's with ``scale_each``) and maps it to [0, 1]."""
    if isinstance(tensor, (list, tuple)):
        tensor = np.stack([_pixels(t) for t in tensor])
    images = _pixels(tensor)
    images = images.astype(images.dtype if images.dtype.kind == "f" else np.float64)
    shape = images.shape
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = images[None]
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"make_grid: expected images (B, C, H, W), (C, H, W) or (H, W), got shape {shape}")
    if images.shape[1] == 1:
        images = np.repeat(images, 3, axis=1)
    if normalize:
        images = np.stack([_normalized(image, value_range) for image in images]) if scale_each \
            else _normalized(images, value_range)
    if images.shape[0] == 1:
        return images[0]
    count, channels, height, width = images.shape
    columns = min(nrow, count)
    rows = math.ceil(count / columns)
    grid = np.full((channels, rows * (height + padding) + padding, columns * (width + padding) + padding),
                   pad_value, dtype=images.dtype)
    for k in range(count):
        top, left = padding + (k // columns) * (height + padding), padding + (k % columns) * (width + padding)
        grid[:, top:top + height, left:left + width] = images[k]
    return grid


def _pixels(tensor: Any) -> np.ndarray:
    return np.asarray(tensor.detach().numpy() if hasattr(tensor, "numpy") else tensor)


def _normalized(images: np.ndarray, value_range: tuple[float, float] | None) -> np.ndarray:
    low, high = value_range if value_range is not None else (float(images.min()), float(images.max()))
    return ((np.clip(images, low, high) - low) / max(high - low, 1e-5)).astype(images.dtype)


def save_image(tensor: Any, fp: Any, format: str | None = None, **grid_options: Any) -> None:
    """Write ``make_grid(tensor, **grid_options)`` as a picture, as ``torchvision.utils.save_image``:
    each value v in [0, 1] becomes the byte floor(255 v + 0.5), clamped to [0, 255]. ``fp`` is a
    path (written atomically) or a binary file object; ``format`` (png, jpg...) defaults to the
    path's suffix, else png. (A PNG also has an opaque alpha channel: matplotlib writes PNGs as
    RGBA; the colours are the same.)"""
    grid = make_grid(tensor, **grid_options)
    if grid.shape[0] not in (3, 4):
        raise ValueError(f"save_image: the grid has {grid.shape[0]} channels; a picture needs 1, 3 or 4 "
                         "channels per image")
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if format is None:
        suffix = Path(fp).suffix.lstrip(".").lower() if isinstance(fp, (str, os.PathLike)) else ""
        format = suffix or "png"
    from matplotlib.image import imsave  # noqa: PLC0415 - matplotlib's image writer, loaded when used

    buffer = io.BytesIO()
    imsave(buffer, pixels, format=format)
    if isinstance(fp, (str, os.PathLike)):
        atomic_write_bytes(Path(fp), buffer.getvalue())
    else:
        fp.write(buffer.getvalue())


# ------------------------------------------------------------------ computation graphs
_GRAPH_FORMATS = (".png", ".svg")
_KIND_COLOURS = {"op": "#dbe9f6", "leaf": "#c7e9c0", "parameter": "#fdd0a2", "constant": "#e8e8e8"}
_MAX_INCHES = 300.0  # matplotlib refuses images wider or taller than 2^16 pixels


def draw_graph(tensor: Any, path: str | os.PathLike, names: Mapping[str, Any] | None = None,
               values: bool = False, grads: bool = False) -> Path:
    """Draw the computation graph that produced ``tensor`` and write it to ``path``: a PNG or
    an SVG, chosen by the extension (``.png`` or ``.svg``).

    Each box is one tensor: an op's result shows the op's name, shape and dtype; leaves,
    parameters and tensors that need no gradient have their own colours (see the legend).
    Arrows run from each input to the op result made from it, so data flows down the page,
    the output at the bottom. ``names`` labels tensors, e.g. ``dict(model.named_parameters())``.
    ``values=True`` adds each tensor's value and ``grads=True`` d(tensor)/d(node), as micrograd's
    ``draw_dot`` (see minigan.autograd.graph.graph_nodes: the graph must be whole, before
    backward or after ``backward(retain_graph=True)``).
    Only matplotlib is used (no Graphviz). Returns the path written.
    """
    path = Path(path)
    fmt = path.suffix.lower()
    if fmt not in _GRAPH_FORMATS:
        raise ValueError(f"draw_graph: cannot tell the image format of {str(path)!r}; use a path ending in .png or .svg")
    figure = graph_figure(graph_nodes(tensor, names, values, grads))
    buffer = io.BytesIO()
    if fmt == ".svg":
        import matplotlib

        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "minigan"}):  # text stays text
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=_DPI)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def graph_layout(nodes: Sequence[GraphNode]) -> list[tuple[float, float]]:
    """(x, y) of every node: one row per depth (the output at y = 0, its inputs above it), and
    within a row the nodes ordered by the mean position of the nodes they feed, which keeps
    most arrows short and uncrossed."""
    children: list[list[int]] = [[] for _ in nodes]
    for parent, child in graph_edges(list(nodes)):
        children[parent].append(child)
    rows: dict[int, list[int]] = {}
    for node in nodes:
        rows.setdefault(node.depth, []).append(node.index)
    x = [0.0] * len(nodes)
    for depth in sorted(rows):  # the output's row first: every other node feeds a row below it
        row = rows[depth]
        if depth:
            row.sort(key=lambda i: (sum(x[c] for c in children[i]) / len(children[i]), i))
        for position, index in enumerate(row):
            x[index] = position - (len(row) - 1) / 2
    return [(x[node.index], float(node.depth)) for node in nodes]


def graph_figure(nodes: Sequence[GraphNode]) -> Figure:
    """The figure :func:`draw_graph` writes: one text box per node, one arrow per edge."""
    positions = graph_layout(nodes)
    widest = max(Counter(node.depth for node in nodes).values())
    rows = max(n.depth for n in nodes) + 1
    numbers = any(node.value or node.grad for node in nodes)  # taller, wider boxes
    width = min(_MAX_INCHES, max(4.0, (2.8 if numbers else 2.0) * widest))
    height = min(_MAX_INCHES, max(2.5, (1.3 if numbers else 0.9) * rows + 0.8))
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.6 / height, 1.0, 1.0 - 0.6 / height))
    axes.set_axis_off()
    xs = [p[0] for p in positions]
    axes.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    axes.set_ylim(-0.5, rows - 0.5)
    boxes = []
    for node, (x, y) in zip(nodes, positions):
        text = f"{node.label}\n{node.shape} {node.dtype}" + ("\n(freed)" if node.freed else "")
        text += (f"\ndata {node.value}" if node.value else "") + (f"\ngrad {node.grad}" if node.grad else "")
        boxes.append(axes.text(x, y, text, ha="center", va="center", fontsize=8, zorder=2,
                               bbox={"boxstyle": "round,pad=0.35", "facecolor": _KIND_COLOURS[node.kind],
                                     "edgecolor": "0.35"}))
    drawn: dict[tuple[int, int], int] = {}
    for parent, child in graph_edges(list(nodes)):
        repeat = drawn[parent, child] = drawn.get((parent, child), -1) + 1  # x * x: bend the second arrow
        skips = nodes[parent].depth - nodes[child].depth > 1  # bend around the boxes between
        axes.annotate("", xy=(0.5, 1.0), xycoords=boxes[child], xytext=(0.5, 0.0), textcoords=boxes[parent],
                      arrowprops={"arrowstyle": "-|>", "color": "0.3", "linewidth": 0.9, "shrinkA": 0,
                                  "shrinkB": 0, "connectionstyle": f"arc3,rad={0.3 * repeat + 0.45 * skips}"}, zorder=1)
    kinds = [kind for kind in KINDS if any(node.kind == kind for node in nodes)]
    figure.legend(handles=[Patch(facecolor=_KIND_COLOURS[k], edgecolor="0.35", label=KINDS[k]) for k in kinds],
                  loc="lower center", ncol=len(kinds), fontsize=8, frameon=False)
    return figure


def figure_counts(figure: Figure) -> tuple[int, int]:
    """(boxes, arrows) drawn in a :func:`graph_figure`."""
    texts = figure.axes[0].texts
    arrows = sum(isinstance(t, Annotation) for t in texts)
    return len(texts) - arrows, arrows
