"""A trained generator written for PyTorch: the weights of a run (its weight average when it kept
one, the weights ``minigan.sample`` draws from) as a ``.safetensors`` file whose metadata says
which network they fit, so the file alone is enough to build it again, in minigan or in PyTorch.

The metadata (string key-value pairs in the file's header):

``format``        ``pt``, as ``safetensors.torch.save_file`` writes it
``arch``          the architecture's name (minigan/gan/models.py)
``latent_dim``    the size of the noise vector z ~ N(0, I) the generator takes
``widths``        a JSON list: the output width of each Linear and channels of each convolution
``g_hidden``      a JSON list: the hidden widths the run gave its MLP generator (absent for a
                  convolutional one); minigan builds the architecture with them
``output_shape``  ``[784]``: each image flattened from ``image_shape``
``image_shape``   ``[1, 28, 28]``
``output_range``  ``[0, 1]`` (sigmoid output) or ``[-1, 1]`` (tanh output)
``module``        the network as PyTorch prints an ``nn.Sequential`` (the layout to rebuild)
``weights``       which weights: the weight average (with its decay) or the generator's own
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from minigan import nn
from minigan.gan.sampling import load_run_generator, resolve_which
from minigan.torch_api.safetensors_format import is_safetensors_path, save_file

__all__ = ["FORMATS", "generator_metadata", "export_generator"]

FORMATS = ("safetensors",)
_RANGES = {"unit": "[0, 1]", "symmetric": "[-1, 1]"}


def generator_metadata(generator: Any, arch: Any, latent_dim: int, config: dict[str, Any],
                       which: str = "last") -> dict[str, str]:
    """The metadata that describes ``generator`` (see the module's docstring); ``which`` is
    "best" for the generator at the run's best per-epoch score (best.npz)."""
    widths = [layer.out_features if isinstance(layer, nn.Linear) else layer.out_channels
              for layer in generator.modules() if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d))]
    ema = config.get("ema")
    weights = (f"the weight average of the generator (decay {ema:g})" if isinstance(ema, (int, float)) and ema
               else "the generator's weights" if "ema" in config else "as the file given to minigan.export held them")
    if which == "best":
        weights += ", at the run's best per-epoch score (best.npz)"
    hidden = {} if config.get("g_hidden") is None else {"g_hidden": json.dumps([int(w) for w in config["g_hidden"]])}
    return {
        "arch": arch.name,
        "latent_dim": str(int(latent_dim)),
        **hidden,
        "widths": json.dumps(widths),
        "output_shape": json.dumps([28 * 28]),
        "image_shape": json.dumps([1, 28, 28]),
        "output_range": _RANGES[arch.scale],
        "module": repr(generator),
        "weights": weights,
    }


def export_generator(checkpoint: str | Path, out: str | Path, format: str = "safetensors") -> dict[str, str]:
    """Write the generator of ``checkpoint`` (a run directory, checkpoint file, or an exported
    file) to ``out`` in ``format``, atomically; returns the metadata written."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    which = None if is_safetensors_path(Path(checkpoint)) else resolve_which(checkpoint)
    generator, arch, latent_dim, config = load_run_generator(checkpoint, which=which)
    metadata = generator_metadata(generator, arch, latent_dim, config, which or "last")
    save_file(generator.state_dict(), out, metadata)
    return metadata
