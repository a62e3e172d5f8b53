"""Neural-network building blocks: ``Module``, layers (dense, convolutional and recurrent), losses, ``init`` and ``functional``;
containers (``ModuleList``, ``ModuleDict``), ``Embedding`` and ``Dropout2d``; ``parallel.data_parallel`` and ``DataParallel``."""
from . import functional, init, parallel, utils
from .adaptive_pool import AdaptiveAvgPool2d, AdaptiveMaxPool2d
from .attention import MultiheadAttention
from .containers import ModuleDict, ModuleList
from .conv import AvgPool2d, Conv2d, ConvTranspose2d, MaxPool2d, Unflatten
from .conv1d import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, Conv1d, ConvTranspose1d, MaxPool1d
from .unpool import MaxUnpool1d, MaxUnpool2d, MaxUnpool3d
from .conv3d import Conv3d, ConvTranspose3d
from .pool3d import AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d
from .padding import (
    CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
    ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d,
    ZeroPad3d,
)
from .pixel_shuffle import PixelShuffle, PixelUnshuffle
from .containers_params import ParameterDict, ParameterList
from .lp_pool import LPPool1d, LPPool2d, LPPool3d
from .fractional_pool import FractionalMaxPool2d, FractionalMaxPool3d
from .rms_norm import RMSNorm
from .shuffle import ChannelShuffle
from .softmax2d import Softmax2d
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .fold import Fold, Unfold
from .layers import (
    BatchNorm1d,
    BatchNorm2d,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from .activation import (
    CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, LogSoftmax, Mish, PReLU,
    ReLU6, RReLU, SiLU, Softmax, Softmin, Softplus, Softshrink, Softsign, Tanhshrink, Threshold,
)
from .bilinear import Bilinear
from .adaptive_softmax import AdaptiveLogSoftmaxWithLoss
from .legacy_modules import Container, CrossMapLRN2d, NLLLoss2d
from .linear_cross_entropy import LinearCrossEntropyLoss
from .parallel import DataParallel
from .sync_batchnorm import SyncBatchNorm
from .factory import factory_kwargs
from .dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .embedding_bag import EmbeddingBag
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss
from .losses_likelihood import GaussianNLLLoss, KLDivLoss, PoissonNLLLoss
from .losses_margin import (
    CosineEmbeddingLoss, HingeEmbeddingLoss, MarginRankingLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss,
    MultiMarginLoss, SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
)
from .ctc import CTCLoss
from .distance import CosineSimilarity, PairwiseDistance
from .regression import HuberLoss, L1Loss, MSELoss, SmoothL1Loss
from .module import Module, Parameter
from .normalization import (
    BatchNorm3d, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, LocalResponseNorm,
)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .sparse import Embedding
from .transformer import (
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
)
from . import modules, parameter
from .lazy import (
    LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,
    LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear,
)
from .parameter import Buffer, UninitializedBuffer, UninitializedParameter
from ..torch_api.unsupported import NN as _UNSUPPORTED, module_getattr as _module_getattr

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "BatchNorm1d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Identity", "Dropout", "Flatten",
    "Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d",
    "MaxUnpool1d", "MaxUnpool2d",
    "Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "MaxUnpool3d",
    "BatchNorm3d",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d",
    "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "PixelShuffle", "PixelUnshuffle", "Unfold", "Fold",
    "BatchNorm2d", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Upsample", "Unflatten", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
    "Softmax", "LogSoftmax", "SiLU", "ELU", "Softplus",
    "Softmin", "GELU", "SELU", "CELU", "Mish", "Hardtanh", "ReLU6", "LogSigmoid", "Softsign", "Hardswish", "Hardsigmoid",
    "GLU", "PReLU", "Tanhshrink", "Hardshrink", "Softshrink", "Threshold", "RReLU",
    "functional", "init", "parallel",
    "ModuleList", "ModuleDict", "Embedding", "Dropout2d",
    "EmbeddingBag", "Bilinear", "Dropout1d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
    "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss", "HingeEmbeddingLoss", "MarginRankingLoss", "SoftMarginLoss",
    "MultiLabelSoftMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss",
    "CosineEmbeddingLoss", "CosineSimilarity", "PairwiseDistance", "CTCLoss",
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
    "TransformerDecoder", "Transformer",
    "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm",
    "ParameterList", "ParameterDict", "Softmax2d", "ChannelShuffle", "UpsamplingNearest2d", "UpsamplingBilinear2d",
    "RMSNorm", "LPPool1d", "LPPool2d", "LPPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
    "modules", "parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "LazyLinear", "LazyConv1d", "LazyConv2d",
    "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d",
    "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
    "AdaptiveLogSoftmaxWithLoss", "Container", "CrossMapLRN2d", "DataParallel", "LinearCrossEntropyLoss", "NLLLoss2d",
    "SyncBatchNorm", "factory_kwargs",
]

__getattr__ = _module_getattr(__name__, "torch.nn", _UNSUPPORTED)
