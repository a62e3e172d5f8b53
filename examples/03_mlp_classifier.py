"""An MLP classifier on MNIST: the whole training loop in a dozen lines of minigan.

    python examples/03_mlp_classifier.py                    # 3 epochs on the 50,000 training images
    python examples/03_mlp_classifier.py --quick            # 1 epoch, a few seconds
    python examples/03_mlp_classifier.py --data-dir DIR     # the four MNIST IDX files in DIR

The network is 784-128-10 with ReLU, trained with cross-entropy and Adam (lr 1e-3) on batches
of 64; it reaches about 96.5% test accuracy in 3 epochs and 94% in one. MNIST comes from minigan.data.load_mnist
(minigan/data/mnist/), which fetches it once and caches it. Every step is the one a PyTorch
user knows: forward, loss, zero_grad, backward, step.
"""
import argparse
import sys
import time

import numpy as np

import minigan as mg
from minigan import nn, optim
from minigan.cli import positive_int
from minigan.data import BatchLoader, DataError, load_mnist


def build_classifier():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def accuracy(model, images, labels, batch_size=1000):
    """The fraction of ``images`` (N, 784) in [0, 1] whose largest logit is the right class."""
    model.eval()
    correct = 0
    with mg.no_grad():  # evaluation records nothing
        for start in range(0, len(images), batch_size):
            logits = model(mg.tensor(images[start:start + batch_size]))
            correct += int((logits.numpy().argmax(axis=1) == labels[start:start + batch_size]).sum())
    model.train()
    return correct / len(images)


def train(model, images, labels, epochs, batch_size, rng):
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    loader = BatchLoader(images, batch_size, rng, labels=labels)  # scales the pixels to [0, 1]
    for epoch in range(1, epochs + 1):
        started, total, count = time.perf_counter(), 0.0, 0
        for x, y in loader:
            loss = loss_fn(model(mg.tensor(x)), y)  # y: the int64 class labels
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item(), count + 1
        print(f"epoch {epoch}: mean training loss {total / count:.4f} ({time.perf_counter() - started:.1f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description="An MLP classifier (784-128-10) on MNIST.")
    parser.add_argument("--quick", action="store_true", help="1 epoch (a few seconds)")
    parser.add_argument("--epochs", type=positive_int, default=None, help="passes over the data (default: 3, 1 with --quick)")
    parser.add_argument("--train-size", type=positive_int, default=None,
                        help="training images used (default: all 50,000)")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="images per step (default: 64)")
    parser.add_argument("--data-dir", default=None, help="a directory with the four MNIST IDX files (default: fetch and cache)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    epochs = args.epochs or (1 if args.quick else 3)

    try:
        data = load_mnist(data_dir=args.data_dir)
    except (DataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    images, labels = data.images("train"), data.labels("train").astype(np.int64)  # uint8 pixels
    if args.train_size is not None:
        images, labels = images[:args.train_size], labels[:args.train_size]
    if len(images) < args.batch_size:
        print(f"error: --batch-size {args.batch_size} is larger than the {len(images)} training images", file=sys.stderr)
        return 2

    mg.manual_seed(args.seed)
    model = build_classifier()
    train(model, images, labels, epochs, args.batch_size, np.random.default_rng(args.seed))
    test_accuracy = accuracy(model, data.flat("test"), data.labels("test"))
    print(f"test accuracy {test_accuracy:.4f} on {len(data.test_images)} test images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
