"""Sample quality of n generated images in [0, 1], the library behind ``python -m minigan.evaluate``:

* FID and IS by the one protocol of :mod:`minigan.metrics.protocol`: the shipped classifier's
  penultimate features of n samples against its fixed statistics of the 10k test images, then
  the ratio to the real-vs-real floor at the same n (n training images vs the test images);
* Inception Score with the classifier's softmax (10 splits, mean +- std);
* mode coverage: classes with >= 5% of the samples, KL(histogram || uniform), the histogram;
* the Parzen-window log-likelihood of Goodfellow et al. 2014: sigma chosen from
  logspace(-1, 0, 10) on the first 1,000 validation images, mean +- stderr over the 10k test
  images.

``prepare_reference`` computes what does not depend on the samples once; ``evaluate_images``
scores a set of samples against it; ``write_metrics`` adds the result to a metrics.json under
its n and weights, atomically, and ``read_metrics``/``latest_metrics`` read it back.
"""
from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from minigan.data import load_mnist
from minigan.gan import draw_samples, load_generator
from minigan.gan.sampling import load_state_dict_generator
from minigan.metrics.coverage import mode_coverage
from minigan.metrics.parzen import parzen_score
from minigan.metrics.protocol import PROTOCOL_N, score_samples
from minigan.metrics.yardstick import Yardstick, load_yardstick, yardstick_from_classifier
from minigan.paths import atomic_write_bytes
from minigan.torch_api.archive import check_stored_size, described_size, read_npy_header

__all__ = [
    "EvaluationError", "Reference", "prepare_reference", "evaluate_images", "format_table",
    "load_samples", "samples_from_run", "check_samples", "write_metrics", "read_metrics", "latest_metrics",
    "evaluation_key", "DEFAULT_N", "METRICS_NAME",
]

DEFAULT_N = PROTOCOL_N
PARZEN_VALIDATION = 1_000  # validation images used to pick sigma, as in the paper
METRICS_NAME = "metrics.json"


class EvaluationError(ValueError):
    """Input that cannot be evaluated (the message is one line, fit for the CLI)."""


# ---------------------------------------------------------------------- inputs
def check_samples(samples: Any, what: str = "samples") -> np.ndarray:
    """``samples`` as float32 (N, 784) in [0, 1], or an EvaluationError saying what is wrong.

    Accepts shape (N, 784) or (N, 28, 28) with N >= 2 and finite values in [0, 1].
    """
    array = np.asarray(samples)
    if array.dtype.kind not in "biuf":
        raise EvaluationError(f"{what} must be a numeric array, got dtype {array.dtype}")
    if not ((array.ndim == 2 and array.shape[1] == 784) or (array.ndim == 3 and array.shape[1:] == (28, 28))):
        raise EvaluationError(f"{what} must have shape (N, 784) or (N, 28, 28), got {array.shape}")
    if array.shape[0] < 2:
        raise EvaluationError(f"{what} must hold at least 2 images, got {array.shape[0]}")
    array = array.reshape(array.shape[0], 784).astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise EvaluationError(f"{what} contain NaN or infinite values")
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        raise EvaluationError(f"{what} must lie in [0, 1], got values from {low:.4g} to {high:.4g} "
                              "(rescale tanh outputs with (x + 1) / 2)")
    return array


def load_samples(path: str | Path) -> np.ndarray:
    """Images from a ``.npy`` file, checked by :func:`check_samples`."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"samples file {path} does not exist")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as error:
        raise EvaluationError(f"cannot read {path}: {error.strerror or error}") from None
    if magic != b"\x93NUMPY" and not magic.startswith(b"PK"):  # np.load would call anything else "pickled"
        raise EvaluationError(f"cannot read {path} as a .npy array: it does not start with NumPy's header")
    if magic == b"\x93NUMPY":  # check the declared shape against the file's size before allocating it
        try:
            with open(path, "rb") as handle:
                shape, _, dtype, header = read_npy_header(handle, f"samples file {path}")
                nbytes, described = described_size(shape, dtype)
                check_stored_size("its header", described, nbytes, path.stat().st_size - header, "the file holds")
        except (OSError, ValueError) as error:
            raise EvaluationError(f"cannot read {path} as a .npy array: {' '.join(str(error).split())}") from None
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise EvaluationError(f"cannot read {path} as a .npy array: {' '.join(str(error).split())}") from None
    if not isinstance(array, np.ndarray):
        raise EvaluationError(f"{path} holds several arrays; pass a .npy file with one (N, 784) array")
    return check_samples(array, f"samples in {path}")


def samples_from_run(run_dir: str | Path, n: int, seed: int = 0, batch_size: int = 1000, device: str = "cpu",
                     weights: str = "average", which: str | None = None, arch: str | None = None) -> np.ndarray:
    """n images in [0, 1], shape (n, 784), from the generator of a ``minigan.train`` run (its
    weight average, or G's raw weights with ``weights="raw"``; see :func:`minigan.gan.load_generator`),
    of a ``.safetensors`` file written by ``minigan.export``, or, with ``arch``, of a plain state_dict file.

    Noise z ~ N(0, I) is drawn from ``np.random.default_rng(seed)``, as ``minigan.sample`` does.
    """
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise EvaluationError(f"run directory {run_dir} does not exist")
    try:
        if arch is not None:
            generator, architecture, latent_dim = load_state_dict_generator(run_dir, arch)
        else:
            generator, architecture, latent_dim = load_generator(run_dir, weights, which)
        generator.to(device)
        samples = draw_samples(generator, architecture, latent_dim, n, seed, batch_size)
    except (ValueError, OSError) as error:  # CheckpointError is a ValueError
        raise EvaluationError(" ".join(str(error).split())) from None
    return check_samples(samples, f"samples of {run_dir}")


# ---------------------------------------------------------------------- metrics
@dataclass
class Reference:
    """Everything that does not depend on the samples: computed once, reused per evaluation."""

    yardstick: Yardstick
    data: Any
    n: int
    seed: int
    test_images: np.ndarray  # (10000, 784) float32 in [0, 1]
    validation_images: np.ndarray  # the first PARZEN_VALIDATION validation images
    train_indices: np.ndarray  # a seeded permutation of the training split

    @property
    def classifier(self) -> Any:
        return self.yardstick.classifier

    @property
    def floor_fid(self) -> float:
        """The real-vs-real floor at this reference's n (see :mod:`minigan.metrics.protocol`)."""
        return self.yardstick.floor(self.n, self.data)

    def real_samples(self) -> np.ndarray:
        """n training images disjoint from the floor's when ``seed`` is 0 (the ``--real`` ceiling)."""
        index = self.train_indices[self.n:2 * self.n]
        if index.shape[0] < self.n:  # fewer than 2n training images: wrap around
            index = self.train_indices[-self.n:]
        return self.data.flat("train")[np.sort(index)]


def prepare_reference(n: int = DEFAULT_N, seed: int = 0, classifier: Any = None, data: Any = None,
                      retrain: bool = False, verbose: bool = True, yardstick: Yardstick | None = None,
                      cached_classifier: bool = False) -> Reference:
    """Load data and the yardstick (the shipped one unless ``classifier``, ``retrain`` or
    ``cached_classifier`` says otherwise) and the real-vs-real floor at n.

    The floor is FID(n training images, 10k test images): what a perfect generator would
    score with the same number of samples, since FID is biased upwards for small n.
    """
    if data is None:
        data = load_mnist(verbose=verbose)
    if yardstick is None:
        yardstick = (yardstick_from_classifier(classifier, data) if classifier is not None
                     else load_yardstick(data, retrain=retrain, cached=cached_classifier, verbose=verbose))
    train_indices = np.random.default_rng(seed).permutation(data.train_images.shape[0])
    return Reference(yardstick, data, n, seed, data.flat("test"), data.flat("val")[:PARZEN_VALIDATION], train_indices)


def evaluate_images(samples: Any, reference: Reference, parzen: bool = True) -> dict[str, Any]:
    """All metrics of ``samples`` (checked by :func:`check_samples`) against ``reference``.

    Returns a JSON-ready dict: ``n``, ``fid``, ``fid_floor`` (real images at the same n),
    ``fid_ratio_to_floor`` (= fid / fid_floor), ``inception_score`` {mean, std},
    ``inception_score_test`` (real test images), ``mode_coverage`` {histogram, counts,
    num_covered, kl_to_uniform, threshold}, ``parzen`` {sigma, mean, stderr} (None when
    ``parzen=False``), ``yardstick`` {name, weights_sha256, test_accuracy, ...} and ``seconds``.
    FID and IS follow :func:`minigan.metrics.protocol.score_samples` at n = the number of samples.
    """
    started = time.perf_counter()
    x = check_samples(samples)
    scored = score_samples(x, x.shape[0], reference.yardstick, reference.data, allow_small_n=True)
    coverage = mode_coverage(reference.classifier.probs(x), num_classes=10, threshold=0.05)
    parzen_result = None
    if parzen:
        # Float64 inside parzen_score; the 10k test images against n samples, in blocks.
        parzen_result = parzen_score(x, reference.validation_images, reference.test_images)
    test_is = reference.yardstick.test_inception
    return {
        **scored,
        "inception_score_test": {"mean": test_is[0], "std": test_is[1]},
        "mode_coverage": {
            "histogram": [float(h) for h in coverage.histogram],
            "counts": [int(c) for c in coverage.counts],
            "num_covered": int(coverage.num_covered),
            "kl_to_uniform": float(coverage.kl_to_uniform),
            "threshold": float(coverage.threshold),
        },
        "parzen": parzen_result,
        "seconds": time.perf_counter() - started,
    }


def format_table(metrics: dict[str, Any], title: str | None = None) -> str:
    """The metrics as a plain-text table (also valid Markdown): FID first, then its ratio to the
    real-vs-real floor at the same n, labelled as such."""
    cov = metrics["mode_coverage"]
    is_ = metrics["inception_score"]
    is_real = metrics["inception_score_test"]
    n = metrics["n"]
    rows = [
        (f"FID (n = {n:,})", f"{metrics['fid']:.3f}", "lower is better; compare only at the same n"),
        ("FID / real-vs-real floor at the same n", f"{metrics['fid_ratio_to_floor']:.2f}x",
         f"floor {metrics['fid_floor']:.3f}: real training images at n = {n:,}"),
        ("Inception Score (10 splits)", f"{is_['mean']:.3f} ± {is_['std']:.3f}",
         f"test images {is_real['mean']:.3f} ± {is_real['std']:.3f}"),
        ("Mode coverage (>= 5%)", f"{cov['num_covered']}/10", f"KL to uniform {cov['kl_to_uniform']:.4f}"),
        ("Class histogram (%)", " ".join(f"{100 * h:.1f}" for h in cov["histogram"]), "classes 0..9"),
    ]
    parzen = metrics.get("parzen")
    if parzen is not None:
        rows.append(("Parzen log-likelihood", f"{parzen['mean']:.1f} ± {parzen['stderr']:.1f}",
                     f"sigma {parzen['sigma']:.4f}; GAN paper: 225 ± 2"))
    header = ("metric", "value", "reference")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(3)]
    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    stick = metrics.get("yardstick", {})
    if stick:
        lines.append("")
        lines.append(f"n = {n:,} samples; yardstick {stick.get('name')} ({stick.get('architecture')}, "
                     f"test accuracy {100 * stick.get('test_accuracy', float('nan')):.2f}%"
                     f"{'' if stick.get('shipped') else ', trained on this machine: compares only with itself'})")
    return "\n".join(lines)


def evaluation_key(n: int, weights: str) -> str:
    """The key an evaluation is filed under in metrics.json."""
    return f"n={n} weights={weights}"


def read_metrics(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """The evaluations in ``path``, {key: [oldest, ..., newest]}; {} when there is no file. A
    metrics.json written before evaluations were filed by key is read as one evaluation of the
    weight average."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise EvaluationError(f"cannot read the earlier evaluations in {path}: {error}; move it aside") from None
    if isinstance(data, dict) and isinstance(data.get("evaluations"), dict):
        return {str(k): list(v) for k, v in data["evaluations"].items()}
    if isinstance(data, dict) and "fid" in data and "n" in data:  # one evaluation, the older layout
        return {evaluation_key(int(data["n"]), "average"): [data]}
    raise EvaluationError(f"{path} is not a metrics.json written by minigan.evaluate; move it aside")


def latest_metrics(path: str | Path, n: int | None = None, weights: str = "average") -> dict[str, Any]:
    """The newest evaluation in ``path`` at ``n`` (any n when None) of ``weights``."""
    found = [entries[-1] for key, entries in read_metrics(path).items()
             if entries and entries[-1].get("weights", "average") == weights
             and (n is None or key == evaluation_key(n, weights))]
    if not found:
        raise EvaluationError(f"{path} holds no evaluation of the {weights} weights" + (f" at n = {n}" if n else ""))
    return max(found, key=lambda entry: entry.get("evaluated_at", ""))


def write_metrics(metrics: dict[str, Any], path: str | Path, weights: str = "average") -> Path:
    """Add ``metrics`` to the evaluations in ``path`` under its n and ``weights`` (earlier ones
    are kept, also at the same key), written atomically (a reader never sees half a file)."""
    path = Path(path)
    entry = {**metrics, "weights": weights,
             "evaluated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    evaluations = read_metrics(path)
    evaluations.setdefault(evaluation_key(int(metrics["n"]), weights), []).append(entry)
    document = {"format": "minigan-metrics", "version": 2, "evaluations": evaluations}
    atomic_write_bytes(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode())
    return path
