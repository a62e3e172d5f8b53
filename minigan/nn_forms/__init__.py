"""The ``torch.*`` forms of functions that ``minigan.nn.functional`` computes: ``torch.batch_norm``,
``torch.embedding``, ``torch.kl_div``, ``torch.max_pool1d``, ``torch.alpha_dropout`` and the rest, with
the top-level argument lists that PyTorch gives them, which differ from ``torch.nn.functional``'s in
order (``embedding(weight, indices)``, ``batch_norm(input, weight, bias, running_mean, ...)``), in
required arguments (``dropout(input, p, train)``) and in enum-valued ones (``reduction`` as an int:
1 mean, 2 sum, any other value none). Each is a thin wrapper over the functional form, so values
and gradients are that function's. The low-level forms (``torch.convolution``, ``conv_tbc``,
``embedding_bag``, ``grid_sampler``, ``affine_grid_generator``, and the ``native_*`` normalisations and
dropout that return their statistics or mask beside the output) are here too. ``minigan/__init__.py``
exports them as ``minigan.NAME``."""
from .normalization import (
    batch_norm, bilinear, channel_shuffle, constant_pad_nd, embedding, group_norm, instance_norm, layer_norm,
    pixel_shuffle, pixel_unshuffle, rms_norm,
)
from .losses import (
    binary_cross_entropy_with_logits, cosine_embedding_loss, cosine_similarity, ctc_loss, hinge_embedding_loss,
    kl_div, margin_ranking_loss, pairwise_distance, pdist, poisson_nll_loss, triplet_margin_loss,
)
from .pools_dropouts import (
    adaptive_avg_pool1d, adaptive_max_pool1d, alpha_dropout, alpha_dropout_, avg_pool1d, celu_, dropout_,
    feature_alpha_dropout, feature_alpha_dropout_, feature_dropout, feature_dropout_, max_pool1d, rrelu, rrelu_,
    selu_, threshold_,
)
from .native_norms import (
    native_batch_norm, native_channel_shuffle, native_dropout, native_group_norm, native_layer_norm, native_norm,
    norm_except_dim,
)
from .convolution_sampling import (
    affine_grid_generator, conv_tbc, convolution, grid_sampler, grid_sampler_2d, grid_sampler_3d,
)
from .embedding_bags import embedding_bag

__all__ = [
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "embedding", "bilinear", "pixel_shuffle",
    "pixel_unshuffle", "channel_shuffle", "constant_pad_nd",
    "cosine_similarity", "pairwise_distance", "pdist", "kl_div", "margin_ranking_loss", "hinge_embedding_loss",
    "poisson_nll_loss", "triplet_margin_loss", "cosine_embedding_loss", "binary_cross_entropy_with_logits", "ctc_loss",
    "avg_pool1d", "max_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "alpha_dropout_",
    "feature_alpha_dropout", "feature_alpha_dropout_", "dropout_", "feature_dropout", "feature_dropout_", "rrelu",
    "rrelu_", "threshold_", "celu_", "selu_",
    "native_layer_norm", "native_batch_norm", "native_group_norm", "native_dropout", "native_norm",
    "native_channel_shuffle", "norm_except_dim", "convolution", "conv_tbc", "embedding_bag", "grid_sampler",
    "grid_sampler_2d", "grid_sampler_3d", "affine_grid_generator",
]
