"""``nn.AdaptiveLogSoftmaxWithLoss``: the adaptive softmax of Grave et al. (2017), "Efficient softmax
approximation for GPUs", as PyTorch's.

The classes are split by ``cutoffs`` into a shortlist (the most frequent classes, 0 to cutoffs[0] - 1)
and clusters (cutoffs[i] to cutoffs[i + 1] - 1, the last ending at n_classes - 1). A ``head`` Linear
scores the shortlist's classes and one entry per cluster; each cluster's ``tail`` scores its own classes
through a narrower projection (in_features // div_value ** (i + 1) wide). The log-probability of a class
in cluster i is the head's log-probability of the cluster plus the tail's log-probability of the class
within it. Everything is built from Linear, log_softmax, gather and index_copy, so gradients (and second
derivatives) come from those ops.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of
from .containers import ModuleList
from .layers import Linear, Sequential, _check_tensor
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

#: What ``forward`` returns, as PyTorch's: the target's log-probability per row, and the mean loss.
_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


def _size_text(x: Tensor) -> str:
    return f"torch.Size({list(x.shape)})"


def _rows_only(x: Tensor) -> Tensor:
    """log_prob and predict take rows (N, in_features); PyTorch's error for one row given alone."""
    if x.ndim == 1:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    return x


class AdaptiveLogSoftmaxWithLoss(Module):
    """The adaptive softmax (see the file's docstring): ``forward(input, target)`` returns (output, loss),
    output the log-probability of each row's target class and loss the mean of -output.

    Parameters as PyTorch's, so its ``state_dict`` loads: ``head.weight`` (cutoffs[0] + number of clusters,
    in_features), ``head.bias`` with ``head_bias``, and per cluster i ``tail.i.0.weight``
    (in_features // div_value ** (i + 1), in_features) and ``tail.i.1.weight`` (the cluster's size, that
    width), each initialised as a Linear's. ``log_prob(input)`` gives the (N, n_classes) log-probabilities
    and ``predict(input)`` the most likely class of each row.
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: Any = None, *,
                 rng: np.random.Generator | None = None) -> None:
        super().__init__()
        if device not in (None, "cpu"):
            raise ValueError(f"AdaptiveLogSoftmaxWithLoss: device={device!r}; build on the CPU and move it with .to()")
        dtype = np.float32 if dtype is None else dtype
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, rng=rng, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            width = int(in_features // (div_value ** (i + 1)))
            self.tail.append(Sequential(Linear(in_features, width, bias=False, rng=rng, dtype=dtype),
                                        Linear(width, self.cutoffs[i + 1] - self.cutoffs[i], bias=False, rng=rng,
                                               dtype=dtype)))

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Draw every weight afresh, as each Linear draws its own."""
        self.head.reset_parameters(rng)
        for projection in self.tail:
            for layer in projection:
                layer.reset_parameters(rng)

    # ------------------------------------------------------------------ checks
    def _rows(self, input: Any, target: Any) -> tuple[Tensor, Tensor, bool]:  # noqa: A002
        """(input, target) as a batch of rows, and whether they came batched; PyTorch's errors."""
        input, target = _check_tensor(self, input), _check_tensor(self, target)
        if target.ndim == 1:
            if input.shape[0] != target.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input.ndim != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{_size_text(input)}")
            return input, target, True
        if target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{_size_text(input)}")
            return input.unsqueeze(0), target.unsqueeze(0), False
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")

    def _check_features(self, x: Tensor, sizes: list[int], in_range: bool) -> None:
        """PyTorch's error for rows of the wrong width: that of the first product it forms (the first
        cluster holding a target, else the head, which it reaches only when every target is in range)."""
        if x.shape[1] == self.in_features:
            return
        if not any(sizes[1:]) and not in_range:
            return  # the range error comes first
        cluster = next((i for i, size in enumerate(sizes[1:]) if size), None)
        rows, layer = (x.shape[0], self.head) if cluster is None else (sizes[cluster + 1], self.tail[cluster][0])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[1]} and "
                           f"{self.in_features}x{layer.out_features})")

    # ------------------------------------------------------------------ forward
    def forward(self, input: Tensor, target: Tensor) -> Any:  # noqa: A002 - PyTorch's names
        x, t, batched = self._rows(input, target)
        xp = backend_of(t.array).xp
        labels = t.array
        bounds = [0] + self.cutoffs
        masks = [(labels >= low) & (labels < high) for low, high in zip(bounds[:-1], bounds[1:])]
        places = [xp.nonzero(mask)[0] for mask in masks]  # the rows of each class group
        sizes = [int(rows.shape[0]) for rows in places]
        in_range = sum(sizes) == t.shape[0]
        self._check_features(x, sizes, in_range)
        if not in_range:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{t.min().item()}, {t.max().item()}] were found. ")
        output = x.new_zeros(t.shape[0])
        head_index = labels  # the head's column for each row: its class in the shortlist, else its cluster's
        for i, (mask, found, size) in enumerate(zip(masks[1:], places[1:], sizes[1:])):
            if not size:
                continue
            rows = Tensor._make(found, False, None)
            cluster_logprob = ops.log_softmax(self.tail[i](x.index_select(0, rows)), 1)
            local = cluster_logprob.gather(1, (t.index_select(0, rows) - self.cutoffs[i]).unsqueeze(1))
            output = output.index_copy(0, rows, local.squeeze(1))
            head_index = xp.where(mask, self.shortlist_size + i, head_index)
        head_logprob = ops.log_softmax(self.head(x), 1)
        output = output + head_logprob.gather(1, Tensor._make(head_index, False, None).unsqueeze(1)).squeeze()
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    # ------------------------------------------------------------------ the whole distribution
    def _full_log_prob(self, x: Tensor, head_output: Tensor) -> Tensor:
        head_logprob = ops.log_softmax(head_output, 1)
        pieces = [head_logprob[:, :self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            cluster = self.shortlist_size + i
            pieces.append(ops.log_softmax(projection(x), 1) + head_logprob[:, cluster:cluster + 1])
        return ops.cat(pieces, 1)

    def log_prob(self, input: Tensor) -> Tensor:  # noqa: A002
        """The log-probability of every class, (N, n_classes), for rows (N, in_features)."""
        x = _rows_only(_check_tensor(self, input))
        return self._full_log_prob(x, self.head(x))

    def predict(self, input: Tensor) -> Tensor:  # noqa: A002
        """The most likely class of each row (int64, (N,)): ``log_prob(input).argmax(1)``, with the
        clusters' tails run only for the rows whose head prefers a cluster to every shortlist class."""
        x = _rows_only(_check_tensor(self, input))
        head_output = self.head(x)
        best = head_output.argmax(1)
        outside = best >= self.shortlist_size
        if not bool(outside.any()):
            return best
        if bool(outside.all()):
            return self._full_log_prob(x, head_output).argmax(1)
        best[outside] = self._full_log_prob(x[outside], head_output[outside]).argmax(1)
        return best
