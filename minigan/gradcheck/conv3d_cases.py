"""Gradient-check cases for the 3-d layers (minigan/ops/convolution3d.py, pool3d.py, unpool.py's
max_unpool3d; minigan/nn/conv3d.py, pool3d.py and BatchNorm3d): small volumes, strides, padding,
dilation, groups, ceil_mode and the unbatched (C, D, H, W) form, first and second order.
``CONV3D_CASES`` joins the op cases (cases.py), ``CONV3D_LAYER_CASES`` the layer cases (layer_cases.py)."""
from __future__ import annotations

import numpy as np

from .. import nn, ops
from ..autograd import Tensor, tensor
from ..ops.convolution3d import FoldPatches3d, Patches3d
from .opcase import DISTINCT_LAYOUTS, OpCase, distinct


def _unpool3d(x: Tensor) -> Tensor:
    """max_unpool3d of x (1, 2, 2, 1, 2) to a 3 x 2 x 3 volume, at distinct places of each plane."""
    places = np.array([[0, 4, 9, 17], [2, 7, 12, 15]], dtype=np.int64).reshape(x.shape)
    return ops.max_unpool3d(x, tensor(places, device=x.device), (2, 2, 2), output_size=(3, 2, 3))


CONV3D_CASES: list[OpCase] = [
    OpCase("conv3d", lambda x, w, b: ops.conv3d(x, w, b, stride=(2, 1, 1), padding=(1, 0, 1)),
           [((2, 2, 4, 3, 3), (3, 2, 3, 2, 2), (3,))]),
    OpCase("conv3d_dilation_same", lambda x, w: ops.conv3d(x, w, padding="same", dilation=(2, 1, 1)),
           [((2, 3, 3, 3), (2, 2, 2, 2, 1))]),
    OpCase("conv3d_groups2", lambda x, w, b: ops.conv3d(x, w, b, stride=(1, 2, 1), groups=2),
           [((1, 4, 3, 3, 2), (4, 2, 2, 2, 2), (4,))]),
    OpCase("conv_transpose3d", lambda x, w, b: ops.conv_transpose3d(x, w, b, stride=(2, 1, 2), padding=(1, 0, 0),
                                                                      output_padding=(1, 0, 1)),
           [((1, 2, 2, 2, 2), (2, 2, 3, 2, 2), (2,))]),
    OpCase("conv_transpose3d_groups2_dilation",
           lambda x, w: ops.conv_transpose3d(x, w, None, stride=2, dilation=(2, 1, 1), groups=2),
           [((1, 4, 2, 2, 1), (4, 1, 2, 2, 2)), ((4, 2, 1, 2), (4, 1, 2, 2, 2))]),
    OpCase("patches3d", lambda x: Patches3d.apply(x, kernel=(2, 1, 2), stride=(1, 2, 1), padding=(1, 0, 1),
                                                  dilation=(1, 1, 2), out_dhw=(4, 2, 3)),
           [((2, 1, 3, 3, 3),)]),
    OpCase("fold_patches3d", lambda g: FoldPatches3d.apply(g, kernel=(2, 2, 1), stride=(2, 1, 1), padding=(0, 1, 0),
                                                           dilation=(1, 1, 1), in_dhw=(3, 2, 2)),
           [((4, 1, 2, 1, 3, 2),)]),
    OpCase("max_pool3d", lambda x: ops.max_pool3d(x, 2, stride=(1, 2, 2), padding=(1, 0, 1)), [((1, 2, 3, 4, 3),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_pool3d_ceil_dilation_indices",
           lambda x: ops.max_pool3d(x, (2, 2, 1), stride=2, dilation=(1, 2, 1), ceil_mode=True, return_indices=True)[0],
           [((2, 3, 4, 3),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("avg_pool3d_pad_excluded", lambda x: ops.avg_pool3d(x, 3, stride=(2, 1, 2), padding=1, count_include_pad=False),
           [((1, 2, 3, 3, 4),)]),
    OpCase("avg_pool3d_ceil", lambda x: ops.avg_pool3d(x, 2, stride=2, padding=(1, 0, 1), ceil_mode=True),
           [((2, 3, 3, 4),)]),
    OpCase("avg_pool3d_divisor", lambda x: ops.avg_pool3d(x, (1, 2, 2), stride=1, divisor_override=3),
           [((1, 2, 2, 3, 3),)]),
    OpCase("adaptive_avg_pool3d", lambda x: ops.adaptive_avg_pool3d(x, (2, None, 3)), [((1, 2, 3, 2, 5),), ((2, 3, 2, 4),)]),
    OpCase("adaptive_max_pool3d", lambda x: ops.adaptive_max_pool3d(x, (2, 3, 2)), [((1, 2, 3, 4, 3),)],
           prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("max_unpool3d", _unpool3d, [((1, 2, 2, 1, 2),)]),
]


def _batchnorm3d() -> nn.BatchNorm3d:
    layer = nn.BatchNorm3d(3, dtype=np.float64)
    generator = np.random.default_rng(52)
    layer.weight.array[...] = generator.uniform(0.5, 1.5, 3)
    layer.bias.array[...] = generator.standard_normal(3)
    return layer


def _layer_case(name: str, layer: nn.Module, shapes: list, **kwargs) -> OpCase:
    return OpCase(name, layer, shapes, params=lambda: list(layer.parameters()), **kwargs)


CONV3D_LAYER_CASES: list[OpCase] = [
    _layer_case("nn.Conv3d(replicate, groups)", nn.Conv3d(2, 4, (2, 3, 2), padding=(1, 1, 0), groups=2,
                                                         padding_mode="replicate", rng=np.random.default_rng(50),
                                                         dtype=np.float64), [((1, 2, 3, 3, 2),), ((2, 2, 3, 2),)]),
    _layer_case("nn.ConvTranspose3d", nn.ConvTranspose3d(2, 3, 2, stride=2, padding=(0, 1, 0),
                                                         rng=np.random.default_rng(51), dtype=np.float64),
                [((1, 2, 2, 2, 2),)]),
    _layer_case("nn.BatchNorm3d", _batchnorm3d(), [((2, 3, 2, 2, 2),)]),
    OpCase("nn.MaxPool3d", nn.MaxPool3d(2, stride=1), [((1, 2, 3, 3, 2),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
    OpCase("nn.AvgPool3d", nn.AvgPool3d(2, padding=1, ceil_mode=True), [((1, 2, 3, 2, 3),)]),
    OpCase("nn.AdaptiveAvgPool3d", nn.AdaptiveAvgPool3d(2), [((1, 2, 3, 3, 3),)]),
    OpCase("nn.AdaptiveMaxPool3d", nn.AdaptiveMaxPool3d((1, 2, 2)), [((1, 2, 2, 3, 3),)], prepare=distinct,
           layouts=DISTINCT_LAYOUTS),
    OpCase("nn.MaxUnpool3d", lambda x: nn.MaxUnpool3d(2)(*ops.max_pool3d(x, 2, return_indices=True)),
           [((1, 2, 2, 4, 2),)], prepare=distinct, layouts=DISTINCT_LAYOUTS),
]

__all__ = ["CONV3D_CASES", "CONV3D_LAYER_CASES"]
