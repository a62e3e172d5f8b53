"""What a benchmark reports beside its numbers: the thread pools, the BLAS and the kernel mode."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from minigan.backends import cpu_kernel_mode


def _blas_info() -> dict[str, Any]:
    info: dict[str, Any] = {}
    try:
        config = np.show_config(mode="dicts")  # numpy >= 1.26
        blas = config.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
        if blas.get("openblas configuration"):
            info["blas_config"] = blas["openblas configuration"]
    except Exception as error:  # older NumPy: no dict mode
        info["blas"] = f"unknown ({type(error).__name__})"
    try:
        import threadpoolctl  # noqa: PLC0415 - optional, never a dependency

        pools = threadpoolctl.threadpool_info()
        info["blas_threads"] = {p.get("internal_api", "?"): p.get("num_threads") for p in pools}
    except ImportError:
        threads = _openblas_threads_ctypes()
        if threads is not None:
            info["blas_threads"] = threads
    return info


def _openblas_threads_ctypes() -> int | None:
    """OpenBLAS's thread count read from the library NumPy loaded (Linux), or None."""
    import ctypes  # noqa: PLC0415

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
                       "openblas_get_num_threads64_", "openblas_get_num_threads"):
            func = getattr(lib, symbol, None)
            if func is not None:
                func.restype = ctypes.c_int
                return int(func())
    return None


def thread_settings() -> dict[str, Any]:
    """Thread pools and BLAS in use, for benchmark headers.

    Numba's thread count and threading layer (known only once a parallel kernel has run), the
    OMP / OpenBLAS / MKL / Numba environment variables, the BLAS library NumPy was built with
    and its thread count when it can be read, the CPUs this process may use, the kernel mode
    and Numba's cache directory.
    """
    settings: dict[str, Any] = {"kernel_mode": cpu_kernel_mode()}
    try:
        settings["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        settings["cpus_usable"] = os.cpu_count()
    import numba  # noqa: PLC0415 - only a report on the Numba kernels imports Numba
    from minigan.backends.numba import JIT_DISABLED, numba_cache_dir  # noqa: PLC0415

    settings["numba_threads"] = numba.get_num_threads()
    try:
        settings["numba_threading_layer"] = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        settings["numba_threading_layer"] = f"not started (requested: {numba.config.THREADING_LAYER})"
    settings["numba_jit_disabled"] = JIT_DISABLED
    settings["numba_cache_dir"] = numba_cache_dir()
    settings.update(_blas_info())
    settings["env"] = {
        name: os.environ.get(name)
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS", "NUMBA_THREADING_LAYER", "OMP_WAIT_POLICY")
    }
    return settings
