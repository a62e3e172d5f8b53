"""The engine: Tensors that record the operations applied to them, and reverse mode.

Bottom to top, each module importing only those before it:

* ``grad_mode`` - whether operations are recorded (per thread, as in PyTorch);
* ``anomaly_mode`` - ``detect_anomaly``: backward checks each op's gradients for NaN (per thread);
* ``arguments`` - the ``device=`` and ``dtype=`` arguments, read once;
* ``inplace`` - the in-place methods of Tensor and the version counter the engine checks;
* ``legacy`` - PyTorch's older spellings: ``Variable``, type names, ``is_cuda``;
* ``size`` - ``Size``, what ``x.size()`` returns (PyTorch's ``torch.Size``);
* ``tensor`` - ``Tensor``: an array plus ``requires_grad``, ``grad`` and the node that made it;
* ``profiler`` - ``torch.autograd.profiler``: ``profile()`` times each op's forward and backward
  and ``record_function`` ranges, per thread (``profiler_events``: its events, table, Chrome trace);
* ``function`` - ``Function`` and its ``Context``: one differentiable operation, on arrays (the
  ops' base class, ``minigan.Function``);
* ``custom_function`` - PyTorch's ``torch.autograd.Function`` (forward on Tensors), exported here
  as ``Function``;
* ``recording`` - the hook through which ``minigan.replay.compile`` captures a step;
* ``tracing`` - ``trace()``, which watches the backward pass one op at a time;
* ``engine`` - ``backward()`` and ``grad()``: the graph walked in reverse, the chain rule;
* ``graph`` - the graph behind a tensor as nodes, for reading and for pictures;
* ``functional`` - ``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``vhp``, as
  ``torch.autograd.functional``.

The ops themselves (``minigan.ops``) sit above this layer.
"""
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .arguments import DEFAULT_DTYPE
from .inplace import bump_version
from .tensor import Tensor, as_tensor, tensor
from .legacy import Variable
from .recording import active_recorder, recording, step_call
from .function import Context, summed_axes, unbroadcast
from .custom_function import Function
from .tracing import TraceLog, TraceRecord, trace
from .engine import backward, grad, topological_order
from .graph import GraphNode, graph_edges, graph_nodes, graph_text
from . import functional, profiler

__all__ = [
    "detect_anomaly", "set_detect_anomaly",
    "enable_grad", "inference_mode", "is_grad_enabled", "no_grad", "set_grad_enabled", "DEFAULT_DTYPE", "bump_version", "Tensor", "as_tensor",
    "tensor", "active_recorder", "recording", "step_call", "Context", "Function", "summed_axes", "unbroadcast", "TraceLog", "TraceRecord",
    "trace", "backward", "grad", "topological_order", "GraphNode", "graph_edges", "graph_nodes", "graph_text", "Variable",
]
