"""torch.testing's counterpart: ``assert_close`` (and the deprecated ``assert_allclose``) compare
tensors, NumPy arrays, numbers and lists or dicts of them with PyTorch's default tolerances and
messages; ``make_tensor`` draws a tensor of a shape and dtype from PyTorch's default ranges."""
from .comparison import assert_allclose, assert_close
from .creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]
