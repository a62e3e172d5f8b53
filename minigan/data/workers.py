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

from minigan.data.collate import default_collate
from minigan.data.datasets import Dataset
from minigan.torch_api.generators import set_default_generator

__all__ = ["fetch_batch", "worker_batches"]

_POLL_SECONDS = 1.0  # how often a wait for a batch checks that the workers are alive
_STOP_SECONDS = 5.0  # how long the workers get to finish before they are terminated


def fetch_batch(dataset: Any, collate_fn: Callable[[list], Any] | None, indices: np.ndarray) -> Any:
    """The batch of ``dataset`` at ``indices``: the dataset's own whole-batch fetch when it has
    one and no collate_fn is given, else its samples one by one through the collate function."""
    if collate_fn is None and isinstance(dataset, Dataset):
        batch = dataset._fetch_batch(indices)
        if batch is not None:
            return batch
    collate = default_collate if collate_fn is None else collate_fn
    return collate([dataset[int(i)] for i in indices])


def _worker_loop(dataset: Any, collate_fn: Any, seed: Any, worker_id: int, init_fn: Any, jobs: Any,
                 results: Any) -> None:
    set_default_generator(np.random.default_rng(seed))
    if init_fn is not None:
        init_fn(worker_id)
    while True:
        job = jobs.get()
        if job is None:
            return
        number, indices = job
        try:
            results.put((number, fetch_batch(dataset, collate_fn, indices), None))
        except Exception as error:  # noqa: BLE001 - reported in the main process, with its type
            results.put((number, None, f"{type(error).__name__}: {error}"))


def _context(name: Any) -> Any:
    if name is not None:
        return multiprocessing.get_context(name) if isinstance(name, str) else name
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


def worker_seeds(generator: np.random.Generator, count: int) -> list[np.random.SeedSequence]:
    """One seed per worker, from the generator's next draw (read from a copy, so the generator
    itself does not advance) mixed with the worker's number."""
    draw = int(copy.deepcopy(generator).integers(0, 2**63))
    return [np.random.SeedSequence([draw, worker]) for worker in range(count)]


def worker_batches(dataset: Any, collate_fn: Any, batches: list[np.ndarray], num_workers: int,
                   generator: np.random.Generator, prefetch_factor: int = 2, context: Any = None,
                   timeout: float = 0.0, worker_init_fn: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Yield the batch of each index array of ``batches``, in order, made by ``num_workers`` processes."""
    ctx = _context(context)
    results = ctx.Queue()
    jobs = [ctx.Queue() for _ in range(num_workers)]
    workers = [ctx.Process(target=_worker_loop, daemon=True,
                           args=(dataset, collate_fn, seed, w, worker_init_fn, jobs[w], results))
               for w, seed in enumerate(worker_seeds(generator, num_workers))]
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
            waited = 0.0
            while number not in arrived:
                try:
                    done, batch, error = results.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    waited += _POLL_SECONDS
                    dead = [w for w in workers if not w.is_alive()]
                    if dead:
                        raise RuntimeError(f"DataLoader worker (pid {dead[0].pid}) exited unexpectedly with exit "
                                           f"code {dead[0].exitcode}") from None
                    if timeout and waited >= timeout:
                        raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
                    continue
                if error is not None:
                    raise RuntimeError(f"Caught {error.split(':')[0]} in DataLoader worker process "
                                       f"{done % num_workers}: {error}")
                arrived[done] = batch
            send_next()
            yield arrived.pop(number)
    finally:
        for job in jobs:
            job.put(None)
        deadline = time.monotonic() + _STOP_SECONDS
        while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
            try:  # a worker exits only once what it put in the queue has been read
                results.get(timeout=0.05)
            except queue.Empty:
                pass
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for q in (*jobs, results):
            q.cancel_join_thread()
            q.close()
