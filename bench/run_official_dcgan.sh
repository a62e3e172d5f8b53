#!/usr/bin/env bash
# Runs the official PyTorch DCGAN example (dcgan/main.py of a pytorch/examples checkout) on minigan,
# with only its import lines rewritten (torch -> minigan, torchvision -> minigan.vision).
# Nothing is fetched: MNIST comes through minigan's source chain (its cache, ~/.cache/minigan).
#
#   bench/run_official_dcgan.sh PATH_TO_PYTORCH_EXAMPLES [OUT_DIR] [ITERATIONS]
#
# PATH_TO_PYTORCH_EXAMPLES is a work tree or a bare git directory of pytorch/examples. The rewritten
# script goes to a temporary directory; OUT_DIR (default: a new temporary directory) receives what it
# writes. First --dry-run on the whole MNIST (a --dataroot without the files, so the data come from
# minigan's cache); then a full epoch of ITERATIONS (default 20) batches of 64: main.py has no
# iteration limit, so its --dataroot holds the first 64 x ITERATIONS training images of the cached
# MNIST, written here as IDX files in torchvision's layout (root/MNIST/raw), and the epoch ends,
# and main.py writes its .pth checkpoints, after ITERATIONS iterations.
set -euo pipefail
examples=${1:?usage: $0 PATH_TO_PYTORCH_EXAMPLES [OUT_DIR] [ITERATIONS]}
out=${2:-$(mktemp -d)}
iterations=${3:-20}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
if [ -f "$examples/dcgan/main.py" ]; then
  cp "$examples/dcgan/main.py" "$work/main.py"
else
  git --git-dir="$examples" show HEAD:dcgan/main.py > "$work/main.py"
fi
# Only import lines change.
sed -E -i \
  -e 's/^import torch$/import minigan as torch/' \
  -e 's/^import torch\./import minigan./' \
  -e 's/^import torchvision\./import minigan.vision./' \
  "$work/main.py"
echo "== import lines after the rewrite ($work/main.py):"
grep -nE '^(import|from) ' "$work/main.py"
echo "== diff against the original:"
if [ -f "$examples/dcgan/main.py" ]; then diff "$examples/dcgan/main.py" "$work/main.py" || true
else diff <(git --git-dir="$examples" show HEAD:dcgan/main.py) "$work/main.py" || true; fi
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$out/dry" "$out/run"
echo "== --dry-run"
(cd "$out" && python "$work/main.py" --dataset mnist --dataroot "$out/no-files-here" --dry-run --workers 0 \
  --manualSeed 1 --outf "$out/dry")
echo "== $iterations iterations (one epoch of $((64 * iterations)) images)"
python - "$out/mnist-subset/MNIST/raw" "$((64 * iterations))" <<'PY'
import sys
from pathlib import Path
from minigan.data import load_mnist, write_idx
from minigan.data.mnist import DATASETS

root, count = Path(sys.argv[1]), int(sys.argv[2])
root.mkdir(parents=True, exist_ok=True)
data = load_mnist("mnist", val_size=0, download=False)
files = DATASETS["mnist"].files
write_idx(root / files["train_images"].name, data.images("train")[:count])
write_idx(root / files["train_labels"].name, data.labels("train")[:count])
write_idx(root / files["test_images"].name, data.images("test")[:100])
write_idx(root / files["test_labels"].name, data.labels("test")[:100])
PY
(cd "$out" && python "$work/main.py" --dataset mnist --dataroot "$out/mnist-subset" --niter 1 --workers 2 \
  --manualSeed 1 --outf "$out/run")
echo "== files written under $out"
find "$out/dry" "$out/run" -type f -printf '%p %s bytes\n' | sort
