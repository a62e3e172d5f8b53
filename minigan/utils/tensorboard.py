"""``torch.utils.tensorboard.SummaryWriter``, spelled ``minigan.utils.tensorboard.SummaryWriter``.

It is tensorboardX's writer (the optional extra ``pip install 'minigan[tensorboard]'``, which
writes TensorBoard's event files in pure Python), with minigan Tensors accepted wherever PyTorch
code passes tensors: scalars, dicts of scalars, images, histograms, embeddings. ``tensorboard
--logdir runs`` shows what it wrote. ``add_graph`` needs PyTorch's tracer and is not supported;
minigan draws a graph with ``minigan.viz.graph_figure``.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..torch_api.unsupported import UnsupportedFeatureError

INSTALL_HINT = "pip install 'minigan[tensorboard]' (or pip install tensorboardX)"

#: The writer's methods that take tensors; each gets NumPy arrays (a one-element Tensor as a number).
TENSOR_METHODS = ("add_scalar", "add_scalars", "add_histogram", "add_image", "add_images", "add_image_with_boxes",
                  "add_embedding", "add_pr_curve", "add_video", "add_audio", "add_mesh")


def _plain(value: Any) -> Any:
    """A Tensor as a NumPy array (a number if it has one element); dicts, lists and tuples of
    them converted inside; anything else as it is."""
    if isinstance(value, Tensor):
        array = np.asarray(value.detach())
        return array.item() if array.size == 1 and array.ndim == 0 else array
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return value


def _taking_tensors(method: Any) -> Any:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return method(self, *map(_plain, args), **{key: _plain(item) for key, item in kwargs.items()})
    return call


def _writer_class() -> type:
    try:
        from tensorboardX import SummaryWriter as Writer  # noqa: PLC0415 - an optional dependency
    except ImportError:
        raise ImportError(f"minigan.utils.tensorboard needs tensorboardX, which is not installed: {INSTALL_HINT}") from None

    def add_graph(self: Any, model: Any, input_to_model: Any = None, *args: Any, **kwargs: Any) -> None:
        raise UnsupportedFeatureError("SummaryWriter.add_graph is not supported by minigan (it traces a PyTorch "
                                      "model); draw the graph with minigan.viz.graph_figure(output)")

    methods = {name: _taking_tensors(getattr(Writer, name)) for name in TENSOR_METHODS if hasattr(Writer, name)}
    return type("SummaryWriter", (Writer,), {**methods, "add_graph": add_graph, "__module__": __name__,
                                             "__doc__": "tensorboardX's SummaryWriter, taking minigan Tensors."})


@functools.cache
def _writer() -> type:
    return _writer_class()


def __getattr__(name: str) -> Any:
    """``SummaryWriter``, made on first use: importing the module needs no tensorboardX, and
    ``from minigan.utils.tensorboard import SummaryWriter`` without it raises ImportError with
    the command that installs it (PyTorch's raises at that import too)."""
    if name == "SummaryWriter":
        return _writer()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["INSTALL_HINT"]  # and SummaryWriter, made on first use
