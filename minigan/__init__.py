"""minigan: a GAN library written from scratch on NumPy, with its own reverse-mode autograd."""
from .autograd import (
    Tensor, enable_grad, grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled, tensor, trace,
)
from .autograd.size import Size  # what x.size() returns, as torch.Size
from .autograd.function import Function  # minigan's op: forward on arrays (minigan.autograd.Function is PyTorch's)
from . import ops
from .ops import (
    abs, cat, clamp, clip, clone, concatenate, dropout, exp, expm1, leaky_relu, log, log1p, maximum, minimum,
    permute, relu, sigmoid, softplus, sqrt, stack, tanh, transpose, where,
    acos, arccos, arcsin, arctan, arctan2, asin, atan, atan2, ceil, cos, cosh, floor, reciprocal, round, rsqrt, sign,
    sin, sinh, tan, trunc, prod, cross, unique, bitwise_and, bitwise_or, bitwise_xor, bitwise_not,
    bitwise_left_shift, bitwise_right_shift, logical_and, logical_or, logical_xor, logical_not,
)
from .ops.dims import (  # PyTorch's dim=/keepdim= arguments
    amax, amin, argmax, argmin, log_softmax, max, mean, min, norm, softmax, std, sum, var,
)
from .ops import avg_pool2d, conv2d, conv_transpose2d, fusion, max_pool2d
from .ops import conv1d, conv_transpose1d
from .ops import conv3d, conv_transpose3d, max_pool3d
from .ops.cumulative import cumprod, cumsum, logsumexp
from .ops.sorting import argsort, sort, topk
from .ops.reorder import diag, flip, index_select, lerp, masked_fill, nonzero, outer, roll, tril, triu
from .ops.shape import movedim, movedim as moveaxis, transpose as swapaxes, transpose as swapdims
from .ops.special import acosh, arccosh, arcsinh, arctanh, asinh, atanh, erf, erfc, erfinv, frac, log10, log2
from .ops.more_activations import celu, hardshrink, prelu, selu, threshold
from .ops.gamma import digamma, lgamma, multigammaln as mvlgamma, polygamma
from .ops.incomplete_gamma import gammainc as igamma, gammaincc as igammac  # torch.igamma, torch.igammac
from .ops.bessel import i0
from .ops.log_forms import exp2, logit, sinc, xlogy
from .ops.einsum import einsum, tensordot
from .ops.matrix_products import addbmm, addmm, baddbmm, dot, mv
from .ops.linalg import det, inv as inverse, logdet, slogdet
from .ops.svd import svd_uv as svd  # torch.svd: (U, S, V), some=True
from .ops.triangular import cholesky_solve
from .ops.lu import lu_deprecated as lu, lu_solve_deprecated as lu_solve, lu_unpack  # torch.lu, lu_solve: deprecated
from .ops.matrix_exp import matrix_exp
from .ops.products_more import addmv, addr, adjoint, ger, vdot
from .ops.linalg_legacy import (
    cholesky_inverse, frobenius_norm, matrix_power, nuclear_norm, pinverse, renorm, vander,
)
from .ops.integration import cumulative_trapezoid, trapezoid, trapz
from .ops.float_bits import frexp, gcd, isneginf, isposinf, isreal, lcm, nextafter
from .ops.lowrank import pca_lowrank, svd_lowrank
from .ops.order_statistics import kthvalue, median, mode
from .ops.reductions_more import (  # minigan.trace stays the autograd tracer: Tensor.trace() is the matrix trace
    all, aminmax, any, corrcoef, count_nonzero, cov, dist, inner, nanmean, nansum, std_mean, var_mean,
)
from .ops.running_extremes import cummax, cummin, logcumsumexp, msort
from .ops.quantiles import nanquantile, quantile
from .ops.counting import argwhere, bincount, isin
from .ops.builders import (
    atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors, cartesian_prod, chain_matmul,
    kron, meshgrid,
)
from .ops.scatter_reduce import scatter_add, scatter_reduce
from .ops.selection import index_fill, masked_select
from .ops.indexed_writes import index_add, index_copy, index_reduce
from .ops.scatter_writes import (
    diagonal_scatter, index_put, index_put_, masked_scatter, put, select_scatter, slice_scatter,
)
from .ops.search import bucketize, histc, searchsorted, unique_consecutive, unravel_index
from .ops.shape_stacks import column_stack, dsplit, dstack, hsplit, hstack, row_stack, tensor_split, vsplit, vstack
from .ops.shape_more import (
    broadcast_to, fliplr, flipud, narrow_copy, ravel, repeat_interleave, rot90, select, tile, unflatten,
)
from .ops.shape_picks import diag_embed, diagflat, diagonal, diff, take, take_along_dim  # torch.trace: see Tensor.trace
from .ops.elementwise_more import (
    absolute, copysign, deg2rad, divide, fix, float_power, floor_divide, fmod, heaviside, hypot, ldexp, logaddexp,
    logaddexp2, negative, positive, rad2deg, remainder, sgn, signbit, true_divide,
)
from .ops.elementwise_limits import addcdiv, addcmul, clamp_max, clamp_min, fmax, fmin, isclose, nan_to_num
from .torch_api.generators import manual_seed
from .torch_api.functions import (
    add, allclose, bmm, div, eq, equal, flatten, gather, is_tensor, isfinite, isinf, isnan, matmul, mm, mul, ne, neg,
    numel, pow, reshape, scatter, square, squeeze, sub, unsqueeze,
    lt, le, gt, ge, less, less_equal, greater, greater_equal, not_equal, is_floating_point, is_complex, is_nonzero,
    detach, t,
    abs_, ceil_, cos_, exp_, floor_, log_, neg_, reciprocal_, relu_, round_, sigmoid_, sin_, sqrt_, tanh_, trunc_,
    tan_, asin_, acos_, atan_, sinh_, cosh_, asinh_, acosh_, atanh_, arcsin_, arccos_, arctan_, arcsinh_, arccosh_,
    arctanh_, expm1_, log1p_, log2_, log10_, rsqrt_, square_, erf_, erfc_, frac_, addmv_, gcd_, lcm_,
)
from .ops.order_statistics import nanmedian
from .ops.histograms import histogram
from .ops.builders import combinations
from .ops.finite_differences import gradient
from .torch_api.windows_signal import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window
from .autograd.pytorch_methods import chunk, narrow, split
from .ops.parts import unbind
from . import nn, optim
from .nn.distance import cdist
from .nn_forms import (  # torch.* forms of torch.nn.functional's functions, with PyTorch's top-level arguments
    adaptive_avg_pool1d, adaptive_max_pool1d, alpha_dropout, alpha_dropout_, avg_pool1d, batch_norm, bilinear,
    binary_cross_entropy_with_logits, celu_, channel_shuffle, constant_pad_nd, cosine_embedding_loss,
    cosine_similarity, ctc_loss, dropout_, embedding, feature_alpha_dropout, feature_alpha_dropout_, feature_dropout,
    feature_dropout_, group_norm, hinge_embedding_loss, instance_norm, kl_div, layer_norm, margin_ranking_loss,
    max_pool1d, pairwise_distance, pdist, pixel_shuffle, pixel_unshuffle, poisson_nll_loss, rms_norm, rrelu, rrelu_,
    selu_, threshold_, triplet_margin_loss,
)
from .torch_api.serialization import load, save
from . import cuda, data
from . import linalg  # torch.linalg
from . import special  # torch.special
from . import distributions  # torch.distributions
from . import profiler  # torch.profiler
from . import func  # torch.func
from .func import vmap  # torch.vmap
from .torch_api.dtypes import (
    bool, double, float, float16, float32, float64, get_default_dtype, half, int, int8, int16, int32, int64, long,
    short, uint8, can_cast, finfo, iinfo, promote_types, result_type,
)
from .torch_api.factories import (
    Generator, arange, as_tensor, device, empty, from_numpy, empty_like, eye, full, full_like, get_default_device, linspace,
    ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, set_default_device, zeros, zeros_like,
    logspace, tril_indices, triu_indices,
)
from .torch_api.random_draws import bernoulli, multinomial, normal, poisson, randperm
from .torch_api.generators import get_rng_state, initial_seed, seed, set_rng_state
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from .autograd.grad_mode import is_inference_mode_enabled
from .autograd.tensor_queries import Layout as layout, strided  # torch.layout, torch.strided
from .torch_api.factories_more import asarray, from_dlpack, range, scalar_tensor  # range: deprecated, end included
from .torch_api.functions import (
    clamp_, clamp_min_, clamp_max_, clip_, deg2rad_, rad2deg_, exp2_, fix_, i0_, ldexp_, logit_, nan_to_num_,
    negative_, sinc_, xlogy_, fill, fill_, zero_, is_same_size, is_signed, is_conj, is_neg, conj, conj_physical,
    conj_physical_, resolve_conj, resolve_neg, real, imag, rsub, typename, split_with_sizes, unsafe_chunk, unsafe_split,
    unsafe_split_with_sizes, get_device, resize_as_, angle, nonzero_static, to_dlpack,
)
from .torch_api.view_copies import (
    alias_copy, diagonal_copy, expand_copy, permute_copy, select_copy, slice_copy, split_copy, split_with_sizes_copy,
    squeeze_copy, t_copy, transpose_copy, unbind_copy, unfold_copy, unsqueeze_copy, view_copy,
)
from .ops.triangular import triangular_solve  # deprecated in PyTorch, and warns as PyTorch's
from .ops.householder import geqrf, orgqr, ormqr
from .nn_forms import (  # the low-level torch.* forms of nn ops: convolution, embedding_bag, native_* with statistics
    affine_grid_generator, conv_tbc, convolution, embedding_bag, grid_sampler, grid_sampler_2d, grid_sampler_3d,
    native_batch_norm, native_channel_shuffle, native_dropout, native_group_norm, native_layer_norm, native_norm,
    norm_except_dim,
)
from .ops.histograms_dd import histogramdd
from .torch_api.factories_more import empty_strided, from_file, frombuffer
from .torch_api.view_copies import detach_copy
from .nn_forms.recurrent_forms import (  # the torch.* functional forms of the recurrent layers and cells
    gru, gru_cell, lstm, lstm_cell, rnn_relu, rnn_relu_cell, rnn_tanh, rnn_tanh_cell,
)
from .ops.segment_reduce import segment_reduce  # smallnames: small PyTorch names
from .ops.binomial import binomial
from .torch_api.symbolic import is_storage, sym_float, sym_int, sym_ite, sym_max, sym_min, sym_not, sym_sqrt, sym_sum
from .torch_api.control_flow import cond, while_loop
from .torch_api.factories_more import empty_permuted
from .torch_api.legacy_types import CPU_TYPES as _LEGACY
from . import accelerator, autograd, backends

# torch.FloatTensor and the other legacy types (constructors from sizes or data; x.type(FloatTensor))
FloatTensor, DoubleTensor, HalfTensor = _LEGACY["FloatTensor"], _LEGACY["DoubleTensor"], _LEGACY["HalfTensor"]
LongTensor, IntTensor, ShortTensor = _LEGACY["LongTensor"], _LEGACY["IntTensor"], _LEGACY["ShortTensor"]
CharTensor, ByteTensor, BoolTensor = _LEGACY["CharTensor"], _LEGACY["ByteTensor"], _LEGACY["BoolTensor"]
from .torch_api.unsupported import TORCH as _UNSUPPORTED, UnsupportedFeatureError, module_getattr as _module_getattr
from . import utils  # torch.utils.data spelled minigan.utils.data
from . import testing  # torch.testing: assert_close, make_tensor
from .torch_api import generators as random, serialization  # torch.random and torch.serialization

concat, multiply, subtract = cat, mul, sub  # PyTorch's other names of these three

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Size", "tensor", "Function", "grad", "no_grad", "enable_grad", "inference_mode", "is_grad_enabled", "set_grad_enabled",
    "manual_seed", "trace", "fusion", "ops", "nn", "optim", "save", "load",
    "abs", "cat", "clamp", "clip", "clone", "concatenate", "permute", "transpose", "dropout", "exp", "expm1", "leaky_relu", "log", "log1p", "log_softmax",
    "matmul", "max", "maximum", "mean", "min", "minimum", "relu", "sigmoid", "softmax", "softplus", "sqrt",
    "stack", "sum", "tanh", "var", "where", "std", "argmax", "argmin", "amax", "amin", "norm", "cdist",
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "erf", "erfc", "erfinv", "log2", "log10", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "frac",
    "selu", "celu", "prelu", "hardshrink", "threshold",
    "lgamma", "digamma", "polygamma", "mvlgamma", "igamma", "igammac", "i0", "exp2", "logit", "sinc", "xlogy", "special", "distributions", "profiler",
    "sign", "ceil", "floor", "trunc", "reciprocal", "rsqrt", "prod", "cross",
    "unique", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "sin_", "cos_", "exp_", "log_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_", "relu_", "floor_", "ceil_", "round_",
    "trunc_", "reciprocal_", "tan_", "asin_", "acos_", "atan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_",
    "arcsin_", "arccos_", "arctan_", "arcsinh_", "arccosh_", "arctanh_", "expm1_", "log1p_", "log2_", "log10_",
    "rsqrt_", "square_", "erf_", "erfc_", "frac_",
    "logsumexp", "cumsum", "cumprod", "sort", "argsort", "topk", "flip", "roll", "tril", "triu", "diag", "outer",
    "index_select", "nonzero", "lerp", "masked_fill", "randperm", "bernoulli", "multinomial",
    "unbind", "narrow", "movedim", "moveaxis", "swapaxes", "swapdims",
    "einsum", "tensordot", "dot", "mv", "addmm", "baddbmm", "addbmm", "inverse", "det", "logdet", "slogdet", "svd",
    "median", "kthvalue", "mode", "linalg", "cholesky_solve", "lu_unpack", "matrix_exp", "lu", "lu_solve",
    "svd_lowrank", "pca_lowrank",
    "addmv", "addmv_", "addr", "adjoint", "ger", "vdot", "cholesky_inverse", "frobenius_norm", "matrix_power",
    "nuclear_norm", "pinverse", "renorm", "vander", "cumulative_trapezoid", "trapezoid", "trapz", "frexp", "gcd",
    "gcd_", "isneginf", "isposinf", "isreal", "lcm", "lcm_", "nextafter",
    "aminmax", "corrcoef", "count_nonzero", "cov", "dist", "inner", "nanmean", "nansum", "std_mean", "var_mean",
    "cummax", "cummin", "logcumsumexp", "msort", "nanquantile", "quantile", "argwhere", "bincount", "isin",
    "meshgrid", "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "block_diag",
    "cartesian_prod", "chain_matmul", "kron",
    "scatter_add", "scatter_reduce", "index_fill", "masked_select", "index_add", "index_copy", "index_reduce",
    "index_put", "index_put_", "masked_scatter", "put", "select_scatter", "slice_scatter", "diagonal_scatter",
    "searchsorted", "bucketize", "histc", "unique_consecutive", "unravel_index",
    "hstack", "vstack", "dstack", "column_stack", "row_stack", "tensor_split", "hsplit", "vsplit", "dsplit",
    "tile", "repeat_interleave", "broadcast_to", "unflatten", "ravel", "select", "narrow_copy", "rot90", "fliplr",
    "flipud", "diff", "take_along_dim", "take", "diagonal", "diag_embed", "diagflat",
    "true_divide", "divide", "floor_divide", "remainder", "fmod", "logaddexp", "logaddexp2", "hypot", "copysign",
    "heaviside", "float_power", "ldexp", "signbit", "sgn", "positive", "negative", "absolute", "fix", "rad2deg",
    "deg2rad", "nan_to_num", "fmax", "fmin", "clamp_min", "clamp_max", "isclose", "addcmul", "addcdiv",
    "chunk", "split", "from_numpy", "as_tensor", "is_tensor", "numel", "gather", "scatter", "flatten", "reshape", "squeeze", "unsqueeze", "add", "sub", "mul", "div", "neg",
    "square", "mm", "bmm", "isnan", "isinf", "isfinite", "allclose", "eq", "ne", "equal", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
    "lt", "le", "gt", "ge", "less", "less_equal", "greater", "greater_equal", "not_equal",
    "is_floating_point", "is_complex", "is_nonzero",
    "detach", "t", "can_cast", "promote_types", "result_type", "finfo", "iinfo", "logspace", "tril_indices",
    "triu_indices", "normal", "concat", "multiply", "subtract",
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled", "is_inference_mode_enabled",
    "layout", "strided",
    "get_rng_state", "set_rng_state", "initial_seed", "seed", "asarray", "from_dlpack", "scalar_tensor", "poisson",
    "clamp_", "clamp_min_", "clamp_max_", "clip_", "deg2rad_", "rad2deg_", "exp2_", "fix_", "i0_", "ldexp_", "logit_",
    "nan_to_num_", "negative_", "sinc_", "xlogy_", "fill", "fill_", "zero_", "is_same_size", "is_signed", "is_conj",
    "is_neg", "conj", "conj_physical", "resolve_conj", "resolve_neg", "real", "imag", "rsub", "typename",
    "split_with_sizes", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes", "conj_physical_", "get_device",
    "resize_as_", "angle", "nonzero_static", "to_dlpack",
    "alias_copy", "diagonal_copy", "expand_copy", "permute_copy", "select_copy", "slice_copy", "split_copy",
    "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy", "unsqueeze_copy",
    "view_copy",
    "conv1d", "conv_transpose1d",
    "conv3d", "conv_transpose3d", "max_pool3d",
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "embedding", "bilinear", "pixel_shuffle",
    "pixel_unshuffle", "channel_shuffle", "constant_pad_nd", "cosine_similarity", "pairwise_distance", "pdist",
    "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "poisson_nll_loss", "triplet_margin_loss",
    "cosine_embedding_loss", "binary_cross_entropy_with_logits", "ctc_loss", "avg_pool1d", "max_pool1d",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout",
    "feature_alpha_dropout_", "dropout_", "feature_dropout", "feature_dropout_", "rrelu", "rrelu_", "threshold_",
    "celu_", "selu_",
    "hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window",
    "histogram", "nanmedian", "combinations", "gradient",
    "cuda", "data", "utils", "testing", "device", "Generator", "UnsupportedFeatureError", "get_default_dtype", "get_default_device", "set_default_device",
    "accelerator", "autograd", "backends", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
    "zeros", "ones", "empty", "full", "eye", "rand", "randn", "randint", "arange", "linspace",
    "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like", "randint_like",
    # minigan.float, .int, .bool, .pow, .round, .all, .any and .range exist too, but stay out of ``import *``, which would shadow the builtins.
    "float16", "half", "float32", "float64", "double", "uint8", "int8", "int16", "short", "int32", "int64", "long",
    "triangular_solve", "geqrf", "orgqr", "ormqr",
    "convolution", "conv_tbc", "native_layer_norm", "native_batch_norm", "native_group_norm", "native_dropout", "native_norm", "native_channel_shuffle", "norm_except_dim", "embedding_bag", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d", "affine_grid_generator",
    "frombuffer", "from_file", "empty_strided", "detach_copy", "histogramdd",
    "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn_tanh", "rnn_relu",
    "segment_reduce", "binomial", "sym_int", "sym_float", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_sum", "sym_ite", "cond", "while_loop", "is_storage", "empty_permuted",
]

__getattr__ = _module_getattr(__name__, "torch", _UNSUPPORTED)
