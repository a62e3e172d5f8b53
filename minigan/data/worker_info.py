"""``get_worker_info()``: inside a DataLoader worker process, which worker this is, as in
``torch.utils.data``; None in the main process.

An ``IterableDataset`` reads it in ``__iter__`` to give each worker its own share of the stream
(every worker iterates its own copy of the dataset), and a ``worker_init_fn`` to configure the
worker's copy (``get_worker_info().dataset``).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from minigan.torch_api.generators import set_default_generator

__all__ = ["WorkerInfo", "get_worker_info", "start_worker"]


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself: its ``id`` (0 .. ``num_workers`` - 1), the
    ``num_workers`` of its loader, its ``seed`` (the loader's base seed for this epoch plus
    ``id``) and its own copy of the ``dataset``. The fields cannot be assigned."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


# Set once in each worker process, when it starts; the main process never sets it.
_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's :class:`WorkerInfo` in a DataLoader worker process, None in the main process."""
    return _info


def start_worker(dataset: Any, base_seed: int, worker_id: int, num_workers: int,
                 init_fn: Callable[[int], None] | None) -> None:
    """Begin a worker process: seed its default generator (what ``minigan.manual_seed`` seeds)
    from the base seed and its number, record its :class:`WorkerInfo`, then run ``init_fn``."""
    global _info
    set_default_generator(np.random.default_rng(np.random.SeedSequence([base_seed, worker_id])))
    _info = WorkerInfo(worker_id, num_workers, base_seed + worker_id, dataset)
    if init_fn is not None:
        init_fn(worker_id)
