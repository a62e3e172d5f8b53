"""Batches made in worker processes, as ``torch.utils.data.DataLoader(num_workers=N)`` makes them.

The main process keeps the order: it draws the epoch's permutation exactly as it does with no
workers, cuts it into batches, and hands batch b to worker ``b % N`` (PyTorch's round robin),
keeping ``prefetch_factor * N`` batches in flight. Each worker indexes the dataset and collates
the batch; the main process yields the batches in order. So the batches are the same as with
``num_workers=0``, for any deterministic dataset and transform.

Each worker's default generator (what ``minigan.manual_seed`` seeds, which random transforms
draw from) is seeded from the loader's generator and the worker's number, without advancing
the loader's generator, so the shuffles of later epochs are the same with and without workers.

Workers are started with ``fork`` where the platform has it, as PyTorch's are on Linux, so a
script without an ``if __name__ == "__main__"`` guard works; elsewhere with the platform's default.
"""
from __future__ import annotations

import copy
import multiprocessing
import queue
import time
from typing import Any, Callable, Iterator

import numpy as np

from minigan.data.collate import default_collate, default_convert
from minigan.data.datasets import Dataset, samples_at
from minigan.data.worker_info import start_worker

__all__ = ["fetch_batch", "worker_batches", "context", "base_seed", "wait_for", "worker_failed", "stop_workers"]

_POLL_SECONDS = 1.0  # how often a wait for a batch checks that the workers are alive
_STOP_SECONDS = 5.0  # how long the workers get to finish before they are terminated


def fetch_batch(dataset: Any, collate_fn: Callable[[list], Any] | None, indices: np.ndarray | int) -> Any:
    """The batch of ``dataset`` at ``indices``: the dataset's own whole-batch fetch when it has
    one and no collate_fn is given, else its samples (through its ``__getitems__`` when it has
    one, else one by one) through the collate function. One int index (``batch_size=None``) is
    one sample, through ``default_convert`` unless a collate_fn is given."""
    if isinstance(indices, int):
        return (default_convert if collate_fn is None else collate_fn)(dataset[indices])
    if collate_fn is None and isinstance(dataset, Dataset):
        batch = dataset._fetch_batch(indices)
        if batch is not None:
            return batch
    return (default_collate if collate_fn is None else collate_fn)(samples_at(dataset, indices.tolist()))


def _worker_loop(dataset: Any, collate_fn: Any, seed: int, worker_id: int, num_workers: int, init_fn: Any,
                 jobs: Any, results: Any) -> None:
    start_worker(dataset, seed, worker_id, num_workers, init_fn)
    while True:
        job = jobs.get()
        if job is None:
            return
        number, indices = job
        try:
            results.put((number, fetch_batch(dataset, collate_fn, indices), None))
        except Exception as error:  # noqa: BLE001 - reported in the main process, with its type
            results.put((number, None, f"{type(error).__name__}: {error}"))


def context(name: Any) -> Any:
    """The multiprocessing context for ``multiprocessing_context=name``."""
    if name is not None:
        return multiprocessing.get_context(name) if isinstance(name, str) else name
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


def base_seed(generator: np.random.Generator) -> int:
    """The epoch's base seed for the workers: the generator's next draw, read from a copy, so the
    generator itself does not advance. Worker w's seed mixes it with w."""
    return int(copy.deepcopy(generator).integers(0, 2**63))


def wait_for(results: Any, workers: list, timeout: float) -> Any:
    """The next item of ``results``, checking every second that the ``workers`` that feed it are
    alive (a worker that has exited has flushed what it put, so a read that still finds nothing
    means it died without its answer)."""
    waited = 0.0
    while True:
        try:
            return results.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            waited += _POLL_SECONDS
            dead = [w for w in workers if not w.is_alive()]
            if dead:
                try:
                    return results.get_nowait()
                except queue.Empty:
                    pass
                raise RuntimeError(f"DataLoader worker (pid {dead[0].pid}) exited unexpectedly with exit "
                                   f"code {dead[0].exitcode}") from None
            if timeout and waited >= timeout:
                raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None


def worker_failed(error: str, worker_id: int) -> RuntimeError:
    """The main process's error for an exception ``"Type: message"`` raised in a worker."""
    return RuntimeError(f"Caught {error.split(':')[0]} in DataLoader worker process {worker_id}: {error}")


def stop_workers(workers: list, jobs: list, results: list) -> None:
    """Tell the workers to stop (None on each job queue), read what they still put in ``results``
    until they exit, terminate any still running after a few seconds, and close the queues."""
    for job in jobs:
        job.put(None)
    deadline = time.monotonic() + _STOP_SECONDS
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        for q in results:
            try:  # a worker exits only once what it put in the queue has been read
                q.get(timeout=0.05)
            except queue.Empty:
                pass
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
        worker.join()
    for q in (*jobs, *results):
        q.cancel_join_thread()
        q.close()


def worker_batches(dataset: Any, collate_fn: Any, batches: list[np.ndarray], num_workers: int,
                   generator: np.random.Generator, prefetch_factor: int = 2, context_name: Any = None,
                   timeout: float = 0.0, worker_init_fn: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Yield the batch of each index array of ``batches``, in order, made by ``num_workers`` processes."""
    ctx = context(context_name)
    results = ctx.Queue()
    jobs = [ctx.Queue() for _ in range(num_workers)]
    seed = base_seed(generator)
    workers = [ctx.Process(target=_worker_loop, daemon=True,
                           args=(dataset, collate_fn, seed, w, num_workers, worker_init_fn, jobs[w], results))
               for w in range(num_workers)]
    for worker in workers:
        worker.start()
    sent, arrived = 0, {}

    def send_next() -> None:
        nonlocal sent
        if sent < len(batches):
            jobs[sent % num_workers].put((sent, batches[sent]))
            sent += 1

    try:
        for _ in range(prefetch_factor * num_workers):
            send_next()
        for number in range(len(batches)):
            while number not in arrived:
                done, batch, error = wait_for(results, workers, timeout)
                if error is not None:
                    raise worker_failed(error, done % num_workers)
                arrived[done] = batch
            send_next()
            yield arrived.pop(number)
    finally:
        stop_workers(workers, jobs, [results])
