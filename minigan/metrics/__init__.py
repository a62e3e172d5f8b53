"""Sample-quality metrics as pure NumPy functions.

Each takes arrays (classifier features, class probabilities, or images in [0, 1]) and returns
plain numbers; the classifier that produces features and probabilities lives elsewhere.

- FID: ``fid_from_features``, ``frechet_distance``, ``feature_statistics``, ``sqrtm_psd``
- Inception Score: ``inception_score``
- Mode coverage: ``mode_coverage`` -> ``ModeCoverage``
- Parzen-window log-likelihood: ``parzen_log_likelihood``, ``select_parzen_sigma``,
  ``parzen_score``
"""
from minigan.metrics.coverage import ModeCoverage, mode_coverage
from minigan.metrics.fid import feature_statistics, fid_from_features, frechet_distance, sqrtm_psd
from minigan.metrics.inception import inception_score
from minigan.metrics.parzen import (
    DEFAULT_SIGMAS,
    parzen_log_likelihood,
    parzen_score,
    select_parzen_sigma,
)

__all__ = [
    "DEFAULT_SIGMAS",
    "ModeCoverage",
    "feature_statistics",
    "fid_from_features",
    "frechet_distance",
    "inception_score",
    "mode_coverage",
    "parzen_log_likelihood",
    "parzen_score",
    "select_parzen_sigma",
    "sqrtm_psd",
]
