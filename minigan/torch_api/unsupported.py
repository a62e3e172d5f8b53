"""The PyTorch names minigan knows it lacks, so that using one says so in one line.

Each package (``minigan``, ``minigan.nn``, ``minigan.nn.functional``, ``minigan.optim``,
``minigan.cuda``, ``minigan.data``) installs :func:`module_getattr` as its module-level
``__getattr__``. Python calls that only for names the package does not define, so everything
minigan has is untouched; a listed name raises :class:`UnsupportedFeatureError` naming the
feature, and any other name the usual AttributeError.
"""
from __future__ import annotations

from typing import Callable, Mapping

_SEE = "see 'From PyTorch to minigan' in docs/internals.md"


class UnsupportedFeatureError(NotImplementedError, AttributeError):
    """A PyTorch feature that minigan does not implement. It is an AttributeError too, so
    ``hasattr(minigan.nn, "Conv2d")`` is False rather than an error."""


_POOLING = ("the _with_indices form of this pool; minigan's max_pool1d/2d/3d and adaptive_max_pool1d/2d/3d take "
            "return_indices=True, as PyTorch's do")
_NO_GPU = "control of several GPUs; minigan uses one device, \"cpu\" or CuPy's current \"cuda\" device"
_MISSING_OP = "an op minigan does not have; docs/internals.md lists the ones it has"
_GONE = "removed from PyTorch after its deprecation in 1.9; "
_REMOVED_FROM_PYTORCH: Mapping[str, str] = {
    "cholesky": _GONE + "minigan.linalg.cholesky(A) gives the lower factor L, and L.mH the upper one",
    "qr": _GONE + "minigan.linalg.qr(A) is its some=True form, and mode='complete' its some=False one",
    "solve": _GONE + "minigan.linalg.solve(A, B) solves A X = B (the arguments reversed)",
    "lstsq": _GONE + "minigan.linalg.lstsq(A, B) solves min |A X - B| (the arguments reversed)",
    "symeig": _GONE + "minigan.linalg.eigh(A) and eigvalsh(A) give the eigen-decomposition of a symmetric matrix",
    "eig": _GONE + "a general matrix's eigenvalues are complex, which minigan lacks; minigan.linalg.eigh takes "
                   "symmetric matrices",
    "matrix_rank": _GONE + "minigan.linalg.matrix_rank(A)",
}
_DETACH_IN_PLACE = ("detaching in place: minigan's graph runs through the tensors themselves, so the ops recorded "
                    "before would lose their path too; x.detach() gives the detached tensor")

TORCH: Mapping[str, str] = {
    "autocast": "automatic mixed precision",
    "compile": "graph compilation (torch.compile)",
    "jit": "TorchScript (torch.jit)",
    "distributed": "multi-process training (torch.distributed)",
    "multiprocessing": "torch.multiprocessing",
    "fft": "FFTs (torch.fft)",
    "sparse": "sparse tensors",
    "bfloat16": "the bfloat16 dtype; minigan has float16, float32 and float64",
    "complex64": "complex dtypes", "complex128": "complex dtypes",
    "set_default_dtype": "changing the default dtype; it is float32",
    "set_default_tensor_type": "changing the default dtype; it is float32",
    **{name: "thread counts set while running; minigan's are OPENBLAS_NUM_THREADS and NUMBA_NUM_THREADS, "
             "read when the program starts" for name in ("set_num_threads", "get_num_threads",
                                                         "set_num_interop_threads", "get_num_interop_threads")},
    **{name: "a switch of deterministic algorithms; minigan has none (its training runs give the same bits "
             "at the same thread count)" for name in ("use_deterministic_algorithms",
                                                          "are_deterministic_algorithms_enabled")},
    "set_printoptions": "print options",
    "detach_": _DETACH_IN_PLACE,
    **{name: "complex dtypes" for name in ("complex", "polar", "view_as_real", "view_as_complex",
                                           "view_as_real_copy", "view_as_complex_copy")},
    **{name: "short-time Fourier transforms (FFTs, torch.fft)" for name in ("stft", "istft")},
    "max_pool1d_with_indices": _POOLING,
    "is_inference": "inference tensors; tensors made under minigan.inference_mode are ordinary tensors",
    "lobpcg": "the LOBPCG eigensolver; minigan.linalg.eigh and eigvalsh take symmetric matrices whole",
    **_REMOVED_FROM_PYTORCH,
}

NN: Mapping[str, str] = {
    "LinearCrossEntropyOptions": "the chunked form of linear_cross_entropy; nn.LinearCrossEntropyLoss and "
                                 "F.linear_cross_entropy compute the same loss with options=None",
}


FUNCTIONAL: Mapping[str, str] = {
    name: _POOLING for name in ("max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
                                "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
                                "adaptive_max_pool3d_with_indices")
}

TENSOR: Mapping[str, str] = {
    **{name: "tensor storage and strides; the raw array is x.array" for name in (
        "stride", "storage", "untyped_storage", "data_ptr", "storage_offset",
        "share_memory_", "pin_memory", "is_pinned", "as_strided")},
    "bfloat16": "the bfloat16 dtype; minigan has float16, float32 and float64",
    **{name: "complex dtypes" for name in ("cfloat", "cdouble", "chalf")},
    "is_inference": "inference tensors; tensors made under minigan.inference_mode are ordinary tensors",
    "detach_": _DETACH_IN_PLACE,
    **{name: text for name, text in _REMOVED_FROM_PYTORCH.items() if name != "matrix_rank"},
}

_OPTIMIZERS_HERE = "minigan has SGD, Adam, AdamW, RMSprop, Adadelta, Adagrad, Adamax, NAdam, RAdam, Rprop, ASGD, " \
    "LBFGS and Adafactor"
OPTIM: Mapping[str, str] = {
    "SparseAdam": f"the SparseAdam optimizer (sparse gradients); {_OPTIMIZERS_HERE}",
    "Muon": f"the Muon optimizer (its Newton-Schulz step runs in bfloat16, a dtype minigan lacks); {_OPTIMIZERS_HERE}",
}

CUDA: Mapping[str, str] = {
    "amp": "automatic mixed precision (torch.cuda.amp)",
    **{name: _NO_GPU for name in ("set_device", "current_device", "get_device_name", "synchronize",
                                  "memory_allocated", "max_memory_allocated", "Stream", "Event")},
}

FUNCTIONAL_MODULE: Mapping[str, str] = {  # torch.functional, the module (not torch.nn.functional)
    name: _MISSING_OP
    for name in ("stft", "istft", "align_tensors")
}

LINALG: Mapping[str, str] = {  # torch.linalg
    **{name: "eigenvalues of a general matrix, which are complex (minigan has no complex dtypes); minigan.linalg "
             "has eigh and eigvalsh for symmetric matrices, and inv, inv_ex, det, slogdet, solve, solve_ex, svd, "
             "svdvals, qr, cholesky, cholesky_ex, ldl_factor, ldl_factor_ex, ldl_solve, solve_triangular, lstsq, "
             "pinv, matrix_rank, matrix_power, matrix_exp, lu, lu_factor, lu_factor_ex, lu_solve, "
             "householder_product, tensorinv, tensorsolve, vander, multi_dot, vecdot, diagonal, cond, vector_norm, "
             "matrix_norm, norm and cross"
       for name in ("eig", "eigvals")},
}

SPECIAL: Mapping[str, str] = {}  # torch.special: minigan.special has every one of its functions

DISTRIBUTIONS: Mapping[str, str] = {}  # torch.distributions: minigan.distributions has every one of its families

DATA: Mapping[str, str] = {
    "CIFAR10": "the CIFAR-10 dataset; minigan reads MNIST and Fashion-MNIST",
    "ImageFolder": "image folders; minigan reads MNIST and Fashion-MNIST",
}


def tensor_getattr(tensor: object, name: str) -> object:
    """``Tensor.__getattr__``: Python calls it only for names Tensor does not define. A PyTorch
    Tensor method minigan lacks raises :class:`UnsupportedFeatureError` naming it; any other name,
    the usual AttributeError."""
    if name in TENSOR:
        raise UnsupportedFeatureError(f"Tensor.{name} is not supported by minigan ({TENSOR[name]}); {_SEE}")
    raise AttributeError(f"{type(tensor).__name__!r} object has no attribute {name!r}")


_ONE_GPU = "minigan runs on the CPU and on one CUDA GPU (Module.cuda())"

#: PyTorch's device types that minigan has no backend for, with what each is.
FOREIGN_DEVICES: Mapping[str, str] = {
    "meta": "the meta device (tensors with a shape and no memory)", "mps": "Apple's GPU (mps)",
    "xpu": "Intel's GPU (xpu)", "ipu": "Graphcore's IPU", "mtia": "Meta's MTIA accelerator",
    "hpu": "Intel Gaudi's HPU", "xla": "XLA devices (TPUs)", "maia": "Microsoft's MAIA accelerator",
    "privateuseone": "out-of-tree devices (privateuseone)",
}

MODULE: Mapping[str, str] = {
    "compile": "compiling the module's forward (torch.compile); minigan.replay.compile captures a whole training "
               "step once and replays it (docs/replay.md)",
    "bfloat16": "the bfloat16 dtype (NumPy has none); minigan has float16, float32 and float64",
    "share_memory": "shared memory between processes (torch.multiprocessing)",
    **{name: f"{FOREIGN_DEVICES[name]}; {_ONE_GPU}" for name in ("ipu", "xpu", "mtia")},
}


def refuse_foreign_device(device: object, what: str) -> None:
    """Raise :class:`UnsupportedFeatureError` for one of PyTorch's devices that minigan lacks
    (``"meta"``, ``"xpu:0"``...), naming ``what`` asked for it; anything else passes."""
    kind = device.partition(":")[0].strip().lower() if isinstance(device, str) else None
    if kind in FOREIGN_DEVICES:
        raise UnsupportedFeatureError(f"{what} is not supported by minigan ({FOREIGN_DEVICES[kind]}; {_ONE_GPU}); "
                                      f"{_SEE}")


def module_attribute(module: object, name: str) -> object:
    """The end of ``nn.Module.__getattr__``, for a name that is no parameter, buffer or sub-module:
    a PyTorch Module method minigan lacks raises :class:`UnsupportedFeatureError`; any other name,
    the usual AttributeError."""
    if name in MODULE:
        raise UnsupportedFeatureError(f"Module.{name} is not supported by minigan ({MODULE[name]}); {_SEE}")
    raise AttributeError(f"{type(module).__name__!r} object has no attribute {name!r}")


def module_getattr(module_name: str, pytorch_name: str, unsupported: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that names an unsupported PyTorch feature instead of failing vaguely."""

    def __getattr__(name: str) -> object:
        if name in unsupported:
            raise UnsupportedFeatureError(
                f"{pytorch_name}.{name} is not supported by minigan ({unsupported[name]}); {_SEE}"
            )
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    return __getattr__
