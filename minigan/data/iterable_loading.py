"""How a ``DataLoader`` reads an ``IterableDataset``, as ``torch.utils.data.DataLoader`` does.

The samples are taken in the order the dataset's iterator gives them: ``batch_size`` at a time
through the collate function (the last, smaller batch dropped with ``drop_last``), or one at a time
through ``default_convert`` with ``batch_size=None``.

With ``num_workers`` > 0 each worker process iterates its own copy of the dataset and batches its
own stream, so each worker's last batch may be smaller (``get_worker_info()`` tells ``__iter__``
which share to give). The main process takes one batch from each worker in turn (worker 0, 1, ...,
0, 1, ...), passing over a worker once its stream has ended, until all have ended: the order
PyTorch's loader gives. Each worker keeps up to ``prefetch_factor`` batches ready.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator

import numpy as np

from minigan.data.collate import default_collate, default_convert
from minigan.data.worker_info import start_worker
from minigan.data.workers import base_seed, context, stop_workers, wait_for, worker_failed

__all__ = ["stream_batches", "stream_worker_batches"]


def _next_batch(stream: Iterator[Any], batch_size: int | None, drop_last: bool, collate_fn: Any) -> Any:
    """The next batch of ``stream``; StopIteration when there is none."""
    if batch_size is None:
        return (default_convert if collate_fn is None else collate_fn)(next(stream))
    samples = list(itertools.islice(stream, batch_size))
    if not samples or (drop_last and len(samples) < batch_size):
        raise StopIteration
    return (default_collate if collate_fn is None else collate_fn)(samples)


def stream_batches(dataset: Any, batch_size: int | None, drop_last: bool, collate_fn: Any) -> Iterator[Any]:
    """The batches of one pass over ``dataset``, made in this process."""
    stream = iter(dataset)

    def batches() -> Iterator[Any]:
        while True:
            try:
                batch = _next_batch(stream, batch_size, drop_last, collate_fn)
            except StopIteration:
                return
            yield batch

    return batches()


def _stream_worker(dataset: Any, batch_size: int | None, drop_last: bool, collate_fn: Any, seed: int,
                   worker_id: int, num_workers: int, init_fn: Any, stop: Any, results: Any) -> None:
    try:
        start_worker(dataset, seed, worker_id, num_workers, init_fn)
        stream = iter(dataset)
        while not stop.is_set():
            try:
                batch = _next_batch(stream, batch_size, drop_last, collate_fn)
            except StopIteration:
                results.put(("end", None))
                return
            results.put(("batch", batch))
    except Exception as error:  # noqa: BLE001 - reported in the main process, with its type
        results.put(("error", f"{type(error).__name__}: {error}"))


def stream_worker_batches(dataset: Any, batch_size: int | None, drop_last: bool, collate_fn: Any,
                          num_workers: int, generator: np.random.Generator, prefetch_factor: int = 2,
                          context_name: Any = None, timeout: float = 0.0,
                          worker_init_fn: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Yield the batches of ``num_workers`` processes, each iterating its own copy of ``dataset``,
    taking one from each worker in turn."""
    ctx = context(context_name)
    stop = ctx.Event()
    results = [ctx.Queue(prefetch_factor) for _ in range(num_workers)]
    seed = base_seed(generator)
    workers = [ctx.Process(target=_stream_worker, daemon=True,
                           args=(dataset, batch_size, drop_last, collate_fn, seed, w, num_workers, worker_init_fn,
                                 stop, results[w]))
               for w in range(num_workers)]
    for worker in workers:
        worker.start()
    try:
        active, turn = list(range(num_workers)), 0
        while active:
            worker = active[turn]
            kind, value = wait_for(results[worker], [workers[worker]], timeout)
            if kind == "error":
                raise worker_failed(value, worker)
            if kind == "end":
                del active[turn]
            else:
                yield value
                turn += 1
            turn = turn % len(active) if active else 0
    finally:
        stop.set()
        stop_workers(workers, [], results)
