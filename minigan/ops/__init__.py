"""The differentiable ops, by family. Each op is one ``Function`` (forward on arrays, backward
in Tensor ops, side by side) plus a lowercase wrapper; docstrings give f and its derivative.

Because every backward is made of these same ops, the backward pass can be recorded
(``create_graph=True``), which gives second derivatives for everything here.

Bottom to top, each module importing only those before it: ``operands`` (what they share),
``shape``, ``parts`` (unbind: parts whose backward joins their gradients once), ``elementwise``,
``trig`` (trigonometric and hyperbolic), ``rounding`` (sign, ceil, floor,
round, trunc: gradient zero), ``special`` (erf, erfc, erfinv, log2, log10, asinh, acosh, atanh, frac), ``normal`` (ndtr, ndtri, log_ndtr, erfcx), ``gamma`` (lgamma, digamma, polygamma), ``bessel`` (i0, i1, i0e, i1e), ``incomplete_gamma`` (gammainc, gammaincc), ``reorder`` (flip, roll, tril, triu, diag, index_select,
masked_fill, nonzero, outer, lerp), ``arithmetic``, ``log_forms`` (logit, xlogy, xlog1py, entr, sinc, exp2), ``reductions``, ``cumulative`` (cumsum, cumprod,
logsumexp), ``sorting`` (sort, argsort, topk), ``products`` (prod, cross), ``discrete`` (unique, bitwise, logical: no gradient), ``activations``, ``fused``
(linear, batch norm and per-channel bias, each with its activation), ``recurrent_cells`` (an LSTM's
or a GRU's gate arithmetic per step), ``convolution`` and
``resize`` (bilinear, as two matrix products), ``adaptive`` (adaptive average and max pooling,
from matrix products and an index), ``padding`` (F.pad's four modes), ``unfold`` (F.unfold, F.fold), ``convolution1d`` (the 1-d
convolutions and pooling: the 2-d ones on a height of 1), ``convolution3d`` and ``pool3d`` (the 3-d ones: vol2col
and col2vol around a matrix product, pooling from existing ops); ``dims`` gives the reductions PyTorch's arguments
(``dim=``, ``keepdim=``, (values, indices)). Linear algebra: ``einsum`` (einsum, tensordot),
``matrix_products`` (dot, mv, addmm, baddbmm, addbmm), ``linalg`` (inv, det, slogdet, logdet, solve),
``svd``, ``qr``, ``cholesky``, ``eigh``, ``triangular`` (solve_triangular, cholesky_solve, triangular_solve), ``pinv`` (pinv,
matrix_rank, lstsq), ``linalg_compositions`` (matrix_power, multi_dot, vecdot, diagonal, cond), ``lu``
(lu_factor, lu, lu_solve, lu_unpack), ``matrix_exp``, ``linalg_extras`` (inv_ex, tensorinv, tensorsolve, vander,
householder_product),
``householder`` (geqrf, orgqr, ormqr),
``linalg_norms``; ``order_statistics`` (median, kthvalue, mode); ``builders`` (meshgrid,
broadcast_tensors, atleast_1d/2d/3d, block_diag, cartesian_prod, chain_matmul, kron: made of the others); ``scatter_reduce`` (scatter_add,
scatter_reduce), ``selection`` (index_fill, masked_select), ``indexed_writes`` (index_add, index_copy,
index_reduce) and ``scatter_writes`` (index_put, put, masked_scatter, select/slice/diagonal_scatter,
fill_diagonal_: made of the others), ``windows`` (Tensor.unfold), ``search`` (searchsorted,
bucketize, histc, unique_consecutive, unravel_index: no gradient); ``products_more`` (addmv, addr,
ger, vdot, adjoint), ``linalg_legacy`` (matrix_power, pinverse, cholesky_inverse, nuclear_norm,
frobenius_norm, renorm, vander), ``integration`` (trapezoid, cumulative_trapezoid), ``float_bits``
(frexp, nextafter, gcd, lcm, isposinf, isneginf, isreal), ``bypass`` (an infinite gradient's path around a composition that
must keep its finite gradients bit for bit: BCE with logits).
"""
from .shape import (
    BroadcastTo, Concatenate, GetItem, Reshape, ScatterAdd, Stack, Transpose, broadcast_to, cat,
    concatenate, expand, getitem, movedim, permute, reshape, reversed_dims, stack, transpose,
)
from .views import view
from .parts import Part, Split, parts, unbind
from .elementwise import (
    Abs, AsType, Clamp, ClampBetween, Exp, Expm1, Log, Log1p, Maximum, Minimum, Reciprocal, Rsqrt, Sqrt, ToDevice, Where, abs, astype,
    cast, clamp, clip, clone, exp, expm1, log, log1p, maximum, minimum, reciprocal, rsqrt, sqrt, to_device, where,
)
from .trig import (
    Acos, Asin, Atan, Atan2, Cos, Cosh, Sin, Sinh, Tan, acos, arccos, arcsin, arctan, arctan2, asin, atan, atan2, cos,
    cosh, sin, sinh, tan,
)
from .rounding import Ceil, Floor, Round, Sign, Trunc, ceil, floor, round, sign, trunc
from .special import (
    Acosh, Asinh, Atanh, Erf, Erfc, Erfinv, Frac, Log10, Log2, acosh, arccosh, arcsinh, arctanh, asinh, atanh, erf,
    erfc, erfinv, frac, log10, log2,
)
from .normal import Erfcx, Ndtri, erfcx, log_ndtr, ndtr, ndtri
from .gamma import Digamma, Lgamma, Polygamma, digamma, lgamma, multigammaln, polygamma
from .bessel import I0, I0e, I1, I1e, i0, i0e, i1, i1e
from .incomplete_gamma import gammainc, gammaincc
from .reorder import Flip, Roll, diag, flip, index_select, lerp, masked_fill, nonzero, outer, roll, tril, triu
from .arithmetic import (
    Add, Div, MatMul, Mul, Neg, Pow, PowScalar, Sub, add, compare, div, floor_divide, matmul, mul, neg, pow, remainder, sub,
)
from .log_forms import Entr, entr, exp2, logit, sinc, xlog1py, xlogy
from .reductions import (
    Max, Mean, Sum, Var, max, mean, min, sum, var,
)
from .products import Cross, Prod, ProdOthers, cross, prod
from .discrete import (
    bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift, bitwise_xor, logical_and, logical_not,
    logical_or, logical_xor, unique,
)
from .cumulative import Cumprod, Cumsum, cumprod, cumsum, logsumexp
from . import sorting
from .activations import (
    Dropout, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, TENSOR_FORMULAS, Tanh, dropout,
    leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh,
)
from .fused import (
    ACTIVATIONS, BatchNormAct, ChannelBiasAct, LinearAct, activate, batch_norm_act, batch_norm_composite,
    channel_bias_act, fold_activation, fusion, is_fusion_enabled, linear, update_running_stats,
)
from .recurrent_cells import (
    GRUCellUpdate, GRUStep, LSTMCellOutput, LSTMCellState, LSTMStep, gru_cell, gru_step, lstm_cell, lstm_step,
)
from .convolution import (
    Conv2d, Conv2dWeightGrad, ConvTranspose2d, FoldPatches, MaxPool2d, Patches, UpsampleNearest,
    avg_pool2d, conv2d, conv_transpose2d, max_pool2d, upsample_nearest,
)
from .resize import upsample_bilinear
from .adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from .padding import ConstantPad, pad
from .unpool import MaxUnpool, max_unpool1d, max_unpool2d, max_unpool3d
from .unfold import fold, unfold
from .convolution1d import (
    adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, conv1d, conv_transpose1d, max_pool1d,
)
from .convolution3d import conv3d, conv_transpose3d
from .pool3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from . import dims
from . import more_activations  # gelu, selu, hardtanh... written from the ops above (and dims' softmax)
from .einsum import Einsum, tensordot  # einsum itself: minigan.ops.einsum.einsum (the module keeps its name)
from .matrix_products import addbmm, addmm, baddbmm, dot, mv
from .linalg import Det, Inv, LinAlgError, Slogdet, Solve, det, inv, logdet, slogdet, solve
from .svd import Svd, svdvals
from .qr import Qr
from .cholesky import Cholesky
from .eigh import Eigh
from .pinv import Pinv
from .lu import LuFactor
from .matrix_exp import MatrixExp
from . import linalg_norms, order_statistics  # torch.linalg's norms; median, kthvalue, mode
from . import counting, quantiles, reductions_more, running_extremes  # reductions and statistics with PyTorch's names
from .scatter_reduce import ScatterReduce, scatter_add, scatter_reduce
from .selection import index_fill, masked_select
from . import indexed_writes, scatter_writes  # index_add, index_copy, index_put, masked_scatter, put...
from .windows import unfold_windows  # Tensor.unfold (ops.unfold is F.unfold)
from .search import bucketize, histc, searchsorted, unique_consecutive, unravel_index
from . import histograms, finite_differences  # torch.histogram; torch.gradient (made of the ops above)
from . import elementwise_more, elementwise_limits  # fmod, hypot, logaddexp, nan_to_num, fmax, isclose, addcmul...
from . import builders  # meshgrid, broadcast_tensors, block_diag, kron...: made of the ops above
from . import shape_stacks, shape_more, shape_picks  # hstack, tensor_split, tile, rot90, diff, diagonal...: made of the ops above
from . import products_more, linalg_legacy, integration, float_bits  # addmv, addr, pinverse, renorm, trapezoid, gcd, frexp...
from .float_bits import Nextafter
