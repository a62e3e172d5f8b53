"""What PyTorch code asks a Tensor about itself: its bytes (``itemsize``, ``nbytes``), its device
index (``get_device()``), its dtype's sign (``is_signed()``), its size against another's
(``is_same_size``), whether it equals another (``equal``, ``allclose``), its ``layout`` (always
``strided``: every minigan tensor is a dense array on the CPU or on CuPy's GPU), and the layout,
device and memory flags (``is_sparse``, ``is_quantized``, ``is_meta``, ``is_shared()``...), all
False here for the same reason.

minigan has no complex dtypes, so the complex-number forms are PyTorch's forms for real
tensors: ``conj()``, ``resolve_conj()``, ``resolve_neg()``, ``conj_physical()`` and ``real`` are
the tensor itself, ``is_conj()`` and ``is_neg()`` are False, and ``imag`` raises PyTorch's error.
"""
from __future__ import annotations

from typing import Any

from .arguments import tensor_argument
from .ops_on_first_use import OpsOnFirstUse

ops = OpsOnFirstUse(globals())

class Layout:
    """A tensor's memory layout, as ``torch.layout``; minigan has one, ``strided`` (dense arrays)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


strided = Layout("strided")  #: ``torch.strided``, the layout of every minigan tensor

#: PyTorch's flags for layouts and devices minigan does not have: every minigan tensor is a dense
#: array on the CPU or on CuPy's GPU.
_NEVER = property(lambda self: False, doc="Always False: minigan has no tensors of this layout or device.")


class TensorQueryMethods:
    """The questions above on Tensor (a base class of it)."""

    __slots__ = ()

    is_sparse = is_sparse_csr = is_quantized = is_meta = is_nested = is_mkldnn = _NEVER
    is_mps = is_xla = is_vulkan = is_ipu = is_maia = is_mtia = _NEVER

    @property
    def layout(self) -> Layout:
        """``strided``: minigan's tensors are dense arrays."""
        return strided

    def is_shared(self) -> bool:
        """False: no minigan tensor lies in memory shared between processes."""
        return False

    @property
    def itemsize(self) -> int:
        """The bytes one element takes (4 for float32), as ``element_size()``."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """The bytes the elements take: ``numel() * itemsize`` (a view counts its own elements)."""
        return self.array.size * self.dtype.itemsize

    def get_device(self) -> int:
        """-1 on the CPU; on the GPU, the index of CuPy's device that holds the tensor."""
        if self.device.type == "cpu":
            return -1
        return int(self.array.device.id)

    def is_signed(self) -> bool:
        """Whether the dtype holds negative values: True for the floats and the signed integers,
        False for uint8 and bool."""
        return self.dtype.kind in "fi"

    def is_same_size(self, other: Any) -> bool:
        """Whether ``other`` has this tensor's shape."""
        tensor_argument("is_same_size", "other", 1, other)
        return tuple(self.shape) == tuple(other.shape)

    def equal(self, other: Any) -> bool:
        """True when ``other`` has this shape and every element compares equal (across dtypes, by
        PyTorch's promotion; NaN equals nothing)."""
        tensor_argument("equal", "other", 1, other)
        return tuple(self.shape) == tuple(other.shape) and bool((self == other).all())

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether |self - other| <= atol + rtol |other| everywhere: ``isclose(...).all()``, with its
        rules (one dtype for both, shapes that broadcast)."""
        tensor_argument("allclose", "other", 1, other)
        if tuple(self.shape) != tuple(other.shape):
            ops.operands._check_broadcast("allclose", self, other)
        return bool(ops.elementwise_limits.isclose(self, other, rtol, atol, equal_nan).all())

    # ---- the complex-number forms, for real tensors
    def is_conj(self) -> bool:
        return False

    def is_neg(self) -> bool:
        return False

    def conj(self) -> Any:
        """The complex conjugate: for a real tensor, the tensor itself."""
        return self

    def resolve_conj(self) -> Any:
        return self

    def resolve_neg(self) -> Any:
        return self

    def conj_physical(self) -> Any:
        """The complex conjugate, computed: for a real tensor, the tensor itself."""
        return self

    def conj_physical_(self) -> Any:
        """The complex conjugate, in place: for a real tensor, nothing changes."""
        return self

    @property
    def real(self) -> Any:
        """The real part: for a real tensor, the tensor itself (sharing its memory, as PyTorch's)."""
        return self

    @property
    def imag(self) -> Any:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

