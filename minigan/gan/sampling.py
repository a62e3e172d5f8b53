"""Images from a generator: :func:`generate` for one batch of noise, :func:`load_generator` to
build a trained generator back from its run directory, and :func:`draw_samples` for n images
from a seed (what ``minigan.sample`` writes and ``minigan.evaluate`` measures)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from minigan.autograd import Tensor, no_grad
from minigan.backends import to_numpy
from minigan.gan.errors import CheckpointError
from minigan.gan.models import Architecture, build_generator, to_unit
from minigan.gan.run_files import BEST_NAME, CHECKPOINT_NAME, CONFIG_NAME, GENERATOR_NAME, load_checkpoint
from minigan.torch_api.safetensors_format import is_safetensors_path, read_metadata
from minigan.torch_api.serialization import load_arrays

__all__ = ["generate", "load_generator", "load_run_generator", "load_state_dict_generator", "draw_samples",
           "WEIGHTS", "WHICH", "resolve_which"]

# Which of a run's generator weights to use: the ones it samples with, or G's own.
WEIGHTS = ("average", "raw")
# Which of a run's generators: the one at its best per-epoch score (best.npz), or the last.
WHICH = ("best", "last")


def resolve_which(checkpoint: str | Path, weights: str = "average", which: str | None = None) -> str:
    """``which`` for a run: given, or best when the run directory has best.npz and the sampling
    weights are asked for, else last. CheckpointError (one line) for a best that cannot be had."""
    path = Path(checkpoint)
    has_best = path.is_dir() and (path / BEST_NAME).is_file()
    if which is None:
        return "best" if has_best and weights == "average" else "last"
    if which not in WHICH:
        raise CheckpointError(f"which must be one of {', '.join(WHICH)}, got {which!r}")
    if which == "best":
        if weights != "average":
            raise CheckpointError(f"{BEST_NAME} holds the weights the run samples with only; G's raw weights are "
                                  f"kept for the last epoch: use --which last with --weights raw")
        if not has_best:
            raise CheckpointError(f"{path} has no {BEST_NAME}: the run scored no epoch (--eval-every 0), or "
                                  f"{path} is not a run directory")
    return which


def generate(generator: Any, noise: np.ndarray, arch: Architecture) -> np.ndarray:
    """G's images for ``noise`` in [0, 1], shape (n, 784), as NumPy, made on G's device in eval
    mode; G's mode is restored after."""
    was_training = getattr(generator, "training", True)
    generator.eval()
    device = next(iter(generator.parameters())).device
    try:
        with no_grad():
            out = to_numpy(generator(Tensor(np.asarray(noise, dtype=np.float32), device=device)).array)
    finally:
        generator.train(was_training)
    return to_unit(out, arch.scale).astype(np.float32)


def _read_config(path: Path) -> dict[str, Any]:
    """The architecture and latent size a run's config.json names (CheckpointError if it cannot say)."""
    try:
        config = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"cannot read {path} as a run's JSON configuration: {error}") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} is not a run's configuration (a JSON object with arch and latent_dim)")
    missing = [key for key in ("arch", "latent_dim") if key not in config]
    if missing:
        raise CheckpointError(f"{path} does not say which network it is: no {' or '.join(missing)}")
    return config


def _check_finite(generator: Any, path: Path) -> None:
    for name, tensor in generator.state_dict().items():
        array = to_numpy(tensor.array)
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise CheckpointError(f"the generator in {path} has NaN or infinite weights ({name}); "
                                  "the run diverged before it was saved")
        if name.endswith("running_var") and np.any(array < 0):
            raise CheckpointError(f"the generator in {path} has a negative BatchNorm running variance ({name}, "
                                  f"down to {float(array.min()):.4g}); a variance cannot be negative")


def _check_same_run(path: Path, config: dict[str, Any]) -> None:
    """A run directory whose config.json names another network than its checkpoint mixes two runs."""
    config_path = path / CONFIG_NAME if path.is_dir() else path.parent / CONFIG_NAME
    if not config_path.is_file():
        return
    try:
        written = json.loads(config_path.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return  # the checkpoint carries its own config; a damaged config.json is not needed here
    if not isinstance(written, dict):
        return
    def same(a: Any, b: Any) -> bool:
        return (list(a) if isinstance(a, (list, tuple)) else a) == (list(b) if isinstance(b, (list, tuple)) else b)

    for key in ("arch", "latent_dim", "g_hidden"):
        if key in written and key in config and not same(written[key], config[key]):
            raise CheckpointError(f"{config_path} says {key} {written[key]!r} but the checkpoint beside it holds "
                                  f"{config[key]!r}; the directory mixes two runs")


def load_state_dict_generator(path: str | Path, arch: str):
    """``(G, architecture, latent_dim)`` from a plain state_dict file (``torch.save(G.state_dict(),
    "G.pt")``, as examples/tutorial_gan.py writes) and the name of the architecture it is.

    The latent size is read off the first weight matrix. Keys that differ from the
    architecture's (``fc1.weight`` for ``0.weight``) are matched in order, when every tensor's
    shape agrees; anything else is a CheckpointError naming the first disagreement.
    """
    path = Path(path)
    try:
        state = load_arrays(path)
    except Exception as error:  # noqa: BLE001 - any failure to read it is the same user error
        raise CheckpointError(f"cannot read {path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    if not isinstance(state, dict) or not state or not all(hasattr(v, "shape") for v in state.values()):
        raise CheckpointError(f"{path} is not a state_dict (a dict of named weight arrays)")
    if state.get("format") is not None:
        raise CheckpointError(f"{path} is a training checkpoint, which names its own network: leave out --arch")
    arrays = {str(k): np.asarray(to_numpy(v)) for k, v in state.items()}  # load_arrays: no Tensors
    first = next((a for a in arrays.values() if a.ndim == 2), None)
    if first is None:
        raise CheckpointError(f"{path} holds no weight matrix to read the latent size from")
    latent_dim = int(first.shape[1])
    generator, architecture = _build_generator(
        arch, latent_dim, f"cannot build architecture {arch!r} with latent size {latent_dim}")
    expected = generator.state_dict()
    if set(arrays) != set(expected):
        if len(arrays) != len(expected):
            raise CheckpointError(f"{path} holds {len(arrays)} tensors but the generator of architecture {arch!r} has "
                                  f"{len(expected)}: it is another network")
        renamed = {}
        for (name, array), (target, reference) in zip(arrays.items(), expected.items()):
            if array.shape != tuple(reference.shape):
                raise CheckpointError(f"{path}: {name} has shape {array.shape}, but architecture {arch!r} has "
                                      f"{target} of shape {tuple(reference.shape)} there: it is another network")
            renamed[target] = array
        arrays = renamed
    _load_weights(generator, arrays, path, arch)
    return generator, architecture, latent_dim


def load_generator(checkpoint: str | Path, weights: str = "average", which: str | None = None):
    """``(G, architecture, latent_dim)`` from a run directory or checkpoint file, or from a
    ``.safetensors`` file written by ``python -m minigan.export`` (which names its network in its
    metadata, and holds one set of weights: raw weights or the best cannot be asked of it).

    ``which="best"`` gives the generator at the run's best per-epoch score (best.npz), ``"last"``
    the last one; None: best when the run has best.npz and ``weights`` is average
    (:func:`resolve_which`).

    ``weights="average"`` gives the weights the run samples with (its moving average of G's
    weights when it keeps one, as generator.npz holds; else G's own); ``"raw"`` gives G's own
    weights, which only the checkpoint holds when the run keeps an average.

    Raises CheckpointError (a ValueError) with one line naming the file for anything that
    cannot be sampled from: no checkpoint, an unreadable config.json, weights of another net,
    NaN weights.
    """
    return load_run_generator(checkpoint, weights, which)[:3]


def _exported_config(path: Path) -> dict[str, Any]:
    """arch, latent_dim and g_hidden (when given) from the metadata of a .safetensors file
    (CheckpointError if it has no arch and latent_dim)."""
    try:
        metadata = read_metadata(path)
    except (ImportError, ValueError) as error:
        raise CheckpointError(str(error)) from None
    if "arch" not in metadata or "latent_dim" not in metadata:
        raise CheckpointError(f"{path} does not say which network it holds (no arch and latent_dim in its "
                              "metadata, which python -m minigan.export writes): give --arch")
    try:
        latent_dim = int(metadata["latent_dim"])
    except ValueError:
        latent_dim = metadata["latent_dim"]  # refused below, with the other checks of the latent size
    config = {"arch": metadata["arch"], "latent_dim": latent_dim}
    if "g_hidden" in metadata:  # refused when the network is built, if not widths
        try:
            config["g_hidden"] = json.loads(metadata["g_hidden"])
        except ValueError:
            config["g_hidden"] = metadata["g_hidden"]
    return config


def load_run_generator(checkpoint: str | Path, weights: str = "average", which: str | None = None):
    """``(G, architecture, latent_dim, config)``: :func:`load_generator` and the run's settings
    (``{"arch", "latent_dim"}`` only, for a ``.safetensors`` file)."""
    if weights not in WEIGHTS:
        raise CheckpointError(f"weights must be one of {', '.join(WEIGHTS)}, got {weights!r}")
    path = Path(checkpoint)
    if is_safetensors_path(path) and path.is_file():
        if weights != "average" or which == "best":
            option = f"--weights {weights}" if weights != "average" else "--which best"
            raise CheckpointError(f"{path} holds the one set of weights it was exported with: "
                                  f"{option} applies to a run directory or checkpoint")
        config = _exported_config(path)
        try:
            state_weights = load_arrays(path)
        except (ImportError, ValueError) as error:
            raise CheckpointError(str(error)) from None
    elif resolve_which(path, weights, which) == "best":
        config = _read_config(path / CONFIG_NAME)
        try:
            state_weights = load_arrays(path / BEST_NAME)
        except (OSError, ValueError) as error:
            raise CheckpointError(str(error)) from None
    elif path.is_dir() and not (path / CHECKPOINT_NAME).exists() and (path / GENERATOR_NAME).exists():
        config_path = path / CONFIG_NAME
        if not config_path.exists():
            raise CheckpointError(f"{path} has {GENERATOR_NAME} but no config.json saying which architecture it is")
        config = _read_config(config_path)
        if weights == "raw" and config.get("ema"):
            raise CheckpointError(f"{path} has no {CHECKPOINT_NAME}, and its {GENERATOR_NAME} holds the weight "
                                  f"average (ema {config['ema']}): G's raw weights were not kept")
        try:
            state_weights = load_arrays(path / GENERATOR_NAME)
        except (OSError, ValueError) as error:
            raise CheckpointError(str(error)) from None
    else:
        state = load_checkpoint(path)
        config, state_weights = state.get("config"), state.get("generator")
        if not isinstance(config, dict):
            raise CheckpointError(f"the checkpoint {path} has no configuration saying which network it holds")
        _check_same_run(path, config)
        if weights == "average" and state.get("generator_ema") is not None:  # the run samples from its average
            if not isinstance(state["generator_ema"], dict) or not isinstance(state["generator_ema"].get("module"), dict):
                raise CheckpointError(f"the checkpoint {path} has a weight average (generator_ema) that is a "
                                      f"{type(state['generator_ema']).__name__}, not the state of a network")
            state_weights = state["generator_ema"]["module"]
    latent_dim = config.get("latent_dim")
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer)) or latent_dim <= 0:
        raise CheckpointError(f"{path} names a network minigan cannot build: latent_dim must be a positive "
                              f"integer, got {latent_dim!r}")
    if "arch" not in config:
        raise CheckpointError(f"{path} names a network minigan cannot build: 'arch'")
    latent_dim = int(latent_dim)
    generator, arch = _build_generator(str(config["arch"]), latent_dim, f"{path} names a network minigan cannot build",
                                       config.get("g_hidden"))
    _load_weights(generator, state_weights, path, config["arch"])
    return generator, arch, latent_dim, config


def _build_generator(arch: str, latent_dim: int, failure: str, g_hidden: Any = None) -> tuple[Any, Any]:
    """(G, architecture) of ``arch`` with G's hidden widths ``g_hidden`` (None: the architecture's),
    or a CheckpointError that starts with ``failure``. The weights are replaced by the caller: the
    throwaway ones come from a private Generator, so loading a generator leaves the process's
    default generator untouched. Only G is built (D's widths do not matter here)."""
    try:
        generator, architecture = build_generator(arch, latent_dim, np.random.default_rng(0), g_hidden)
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{failure}: {error}") from None
    return generator, architecture


def _load_weights(generator: Any, weights: Any, path: Path, arch: Any) -> None:
    """``weights`` into ``generator``, checked to fit ``arch`` and to be finite."""
    try:
        generator.load_state_dict(weights)
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"the weights in {path} do not fit architecture {arch!r}: "
                              f"{str(error).splitlines()[0]}") from None
    _check_finite(generator, path)


def draw_samples(generator: Any, arch: Any, latent_dim: int, n: int, seed: int = 0,
                 batch_size: int = 1000) -> np.ndarray:
    """n images in [0, 1], shape (n, 784) float32, from noise z ~ N(0, I) of ``default_rng(seed)``.

    Drawn ``batch_size`` at a time (the same noise as one draw of shape (n, latent_dim)), so
    memory grows with n only by the images themselves.
    """
    rng = np.random.default_rng(seed)
    images = np.empty((n, 28 * 28), dtype=np.float32)
    # Weights that overflow on the way make NaN or inf, reported below in one line; NumPy's
    # floating-point warnings would only print the same before it.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for start in range(0, n, batch_size):
            stop = min(n, start + batch_size)
            images[start:stop] = generate(generator, rng.standard_normal((stop - start, latent_dim),
                                                                         dtype=np.float32), arch)
    if not np.all(np.isfinite(images)):
        raise ValueError("the generator produced NaN or infinite values")
    return images
