"""``torch.add(x, y)``, ``torch.flatten(x, 1)`` and the other function forms of Tensor methods, with
PyTorch's arguments; each calls the method, so it records (or not) exactly as the method does.
``allclose``, ``equal`` and ``is_tensor`` answer with a Python bool, ``eq`` and ``ne`` with a bool tensor,
as in PyTorch. Those PyTorch gives ``out=`` (the arithmetic, the comparisons, the products...) take it
too: the result is written into that Tensor (minigan/torch_api/out_argument.py)."""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import Tensor, is_grad_enabled
from ..backends import backend_of
from ..autograd.arguments import tensor_argument
from .out_argument import takes_out, write_into


def _tensor(value: Any, name: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, not {type(value).__name__}")
    return value


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:  # noqa: A002 - PyTorch's name
    return _tensor(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Tensor, shape: Any) -> Tensor:  # noqa: A002
    return _tensor(input, "reshape").reshape(shape)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:  # noqa: A002
    return _tensor(input, "squeeze").squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def add(input: Tensor, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """input + alpha * other."""
    return write_into("add", out, (input, other), lambda: _tensor(input, "add").add(other, alpha=alpha))


def sub(input: Tensor, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """input - alpha * other."""
    return write_into("sub", out, (input, other), lambda: _tensor(input, "sub").sub(other, alpha=alpha))


def mul(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return write_into("mul", out, (input, other), lambda: _tensor(input, "mul").mul(other))


def div(input: Tensor, other: Any, *, rounding_mode: str | None = None,  # noqa: A002
        out: Tensor | None = None) -> Tensor:
    """input / other; with ``rounding_mode="floor"``, input // other."""
    return write_into("div", out, (input, other),
                      lambda: _tensor(input, "div").div(other, rounding_mode=rounding_mode))


@takes_out
def neg(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "neg").neg()


@takes_out
def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001, A002
    """input ** exponent; ``input`` may be a number when ``exponent`` is a Tensor (``pow(2, x)``)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("pow(): one of 'input' and 'exponent' must be a Tensor")
    return input ** exponent


@takes_out
def square(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "square").square()


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return write_into("mm", out, (input, mat2), lambda: _tensor(input, "mm").mm(mat2))


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    return write_into("bmm", out, (input, mat2), lambda: _tensor(input, "bmm").bmm(mat2))


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The matrix product with NumPy's broadcasting rules (``input @ other``)."""
    return write_into("matmul", out, (input, other), lambda: _tensor(input, "matmul").matmul(other))


def isnan(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isnan").isnan()


def isinf(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isinf").isinf()


def isfinite(input: Tensor) -> Tensor:  # noqa: A002
    return _tensor(input, "isfinite").isfinite()


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """Whether |input - other| <= atol + rtol |other| everywhere: ``Tensor.allclose``
    (minigan/autograd/tensor_queries.py), one dtype for both and shapes that broadcast."""
    return _tensor(input, "allclose").allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape and the same elements: ``Tensor.equal``."""
    tensor_argument("equal", "other", 2, other)
    return _tensor(input, "equal").equal(other)


@takes_out
def eq(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input == other`` (a tensor or a number): a bool tensor; ``equal`` says whether all are."""
    return _tensor(input, "eq").eq(other)


@takes_out
def ne(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input != other``: a bool tensor."""
    return _tensor(input, "ne").ne(other)


@takes_out
def lt(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input < other``: a bool tensor."""
    return _tensor(input, "lt").lt(other)


@takes_out
def le(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input <= other``: a bool tensor."""
    return _tensor(input, "le").le(other)


@takes_out
def gt(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input > other``: a bool tensor."""
    return _tensor(input, "gt").gt(other)


@takes_out
def ge(input: Tensor, other: Any) -> Tensor:  # noqa: A002
    """Elementwise ``input >= other``: a bool tensor."""
    return _tensor(input, "ge").ge(other)


less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne  # PyTorch's other names


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a minigan Tensor (a Parameter is one)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is a floating-point one."""
    return _tensor(input, "is_floating_point").is_floating_point()


def is_complex(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is complex: never, in minigan."""
    return _tensor(input, "is_complex").is_complex()


def is_nonzero(input: Tensor) -> bool:  # noqa: A002
    """Whether the one element of ``input`` is non-zero."""
    return _tensor(input, "is_nonzero").is_nonzero()


def detach(input: Tensor) -> Tensor:  # noqa: A002
    """``input.detach()``: the same values, sharing memory, recording nothing."""
    return _tensor(input, "detach").detach()


def t(input: Tensor) -> Tensor:  # noqa: A002
    """``input.t()``: a matrix transposed (a 0-d or 1-d tensor as it is)."""
    return _tensor(input, "t").t()


def numel(input: Tensor) -> int:  # noqa: A002
    """The number of elements of ``input``."""
    return _tensor(input, "numel").numel()


@takes_out
def gather(input: Tensor, dim: int, index: Any) -> Tensor:  # noqa: A002
    """``input``'s values along ``dim`` at ``index`` (see Tensor.gather)."""
    return _tensor(input, "gather").gather(dim, index)


@takes_out
def scatter(input: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``src`` or ``value`` written along ``dim`` at ``index`` (see Tensor.scatter_)."""
    return _tensor(input, "scatter").scatter(dim, index, src, value=value)


def _method_form(name: str) -> Callable[..., Any]:
    """``torch.clamp_(x, min=0)`` and the like: the method of the same name on ``input``, with the
    same arguments."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        return getattr(_tensor(input, name), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``, as a function (see Tensor.{name})."
    return function


# PyTorch has these as functions (torch.sign_ and torch.erfinv_ it does not have).
sin_, cos_, exp_, log_, sqrt_, abs_, neg_, sigmoid_, tanh_, relu_, floor_, ceil_, trunc_, reciprocal_ = (
    _method_form(f"{name}_") for name in ("sin", "cos", "exp", "log", "sqrt", "abs", "neg", "sigmoid", "tanh", "relu",
                                          "floor", "ceil", "trunc", "reciprocal"))
(tan_, asin_, acos_, atan_, sinh_, cosh_, asinh_, acosh_, atanh_, arcsin_, arccos_, arctan_, arcsinh_, arccosh_,
 arctanh_, expm1_, log1p_, log2_, log10_, rsqrt_, square_, erf_, erfc_, frac_) = (
    _method_form(f"{name}_") for name in ("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
                                          "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
                                          "expm1", "log1p", "log2", "log10", "rsqrt", "square", "erf", "erfc", "frac"))


def round_(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A002
    """``input.round_(decimals=...)``: input rounded in place, halves to even."""
    return _tensor(input, "round_").round_(decimals=decimals)


# More in-place forms, PyTorch's function spellings of the methods.
(clamp_, clamp_min_, clamp_max_, clip_, deg2rad_, rad2deg_, exp2_, fix_, i0_, ldexp_, logit_, nan_to_num_, negative_,
 sinc_, xlogy_, fill_, zero_, addmv_, gcd_, lcm_) = (
    _method_form(name) for name in ("clamp_", "clamp_min_", "clamp_max_", "clip_", "deg2rad_", "rad2deg_", "exp2_",
                                    "fix_", "i0_", "ldexp_", "logit_", "nan_to_num_", "negative_", "sinc_", "xlogy_",
                                    "fill_", "zero_", "addmv_", "gcd_", "lcm_"))
# Questions and the complex-number forms of real tensors (minigan/autograd/tensor_queries.py), and
# the other split forms.
(is_same_size, is_signed, is_conj, is_neg, conj, conj_physical_, resolve_conj, resolve_neg, split_with_sizes,
 unsafe_split, unsafe_chunk, unsafe_split_with_sizes, get_device, resize_as_, nonzero_static) = (
    _method_form(name) for name in ("is_same_size", "is_signed", "is_conj", "is_neg", "conj", "conj_physical_",
                                    "resolve_conj", "resolve_neg", "split_with_sizes", "unsafe_split",
                                    "unsafe_chunk", "unsafe_split_with_sizes", "get_device", "resize_as_",
                                    "nonzero_static"))
angle, conj_physical = (takes_out(_method_form(name)) for name in ("angle", "conj_physical"))


def to_dlpack(tensor: Tensor) -> Any:
    """The DLPack capsule of ``tensor``'s data (``tensor.__dlpack__()``): another library's
    ``from_dlpack`` makes an array sharing its memory from it."""
    return _tensor(tensor, "to_dlpack").__dlpack__()


def real(input: Tensor) -> Tensor:  # noqa: A002
    """The real part: for minigan's real tensors, ``input`` itself."""
    return _tensor(input, "real").real


def imag(input: Tensor) -> Tensor:  # noqa: A002
    """The imaginary part, which real tensors do not have: PyTorch's error."""
    return _tensor(input, "imag").imag


def fill(input: Tensor, value: Any) -> Tensor:  # noqa: A002
    """A new tensor of ``input``'s shape and dtype holding ``value`` (a number or a 0-d tensor),
    cast as ``fill_`` casts. The gradient reaching ``input`` is zero; a 0-d ``value`` that requires
    grad gets the sum of the result's gradient."""
    tensor = _tensor(input, "fill")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
    filled = tensor.detach().clone().fill_(value.detach() if isinstance(value, Tensor) else value)
    recorded = [t for t in (tensor, value) if isinstance(t, Tensor) and t.requires_grad]
    if not recorded or not is_grad_enabled():
        return filled
    source = value.to(tensor.dtype).expand(tensor.shape) if isinstance(value, Tensor) else filled
    xp = backend_of(tensor.array).xp
    nowhere = Tensor(xp.broadcast_to(xp.asarray(False), tuple(tensor.shape)))
    return tensor.where(nowhere, source)  # where(False, input, source): input's gradient is zero


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """``other - alpha * input`` (``input - other`` reversed), with ``-``'s promotion."""
    tensor = _tensor(input, "rsub")
    if tensor.dtype.kind == "b":
        return other - tensor  # PyTorch's error for a bool tensor, with or without alpha
    if tensor.dtype.kind in "iu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return other - (tensor if alpha == 1 else tensor * alpha)


def typename(obj: Any) -> str:
    """PyTorch's name of ``obj``'s type: 'torch.FloatTensor' for a float32 tensor; for anything
    else its module and name ('minigan.nn.modules.linear.Linear' for a Linear layer or the class
    itself), or the bare name for a builtin ('int')."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"
