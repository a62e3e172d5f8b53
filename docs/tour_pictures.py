"""The tour's pictures of a GAN step and of a recorded backward, drawn by minigan.viz.draw_graph.

    python docs/tour_pictures.py          # write docs/images/d_step.png, g_step.png, recorded_backward.png

* the D step: D's loss on a real batch and on G's fakes, *detached*: the fakes enter as a
  constant, and nothing of G is in the graph;
* the G step: G's non-saturating loss runs through D into G, so both nets' parameters are in it;
* step 9's recorded backward: the first derivative of u³ taken with create_graph=True is
  itself a graph (the Mul ops of Pow's backward), which a second backward walks.

The nets are the tour's tiny G and D of step 11, with fusion on (each LinearAct is a Linear
with its activation). tests/test_tour.py checks that the pictures the tour shows exist and
that these graphs hold what the text says.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import minigan as mg
import minigan.nn.functional as F
from minigan import nn
from minigan.viz import draw_graph

IMAGES = Path(__file__).resolve().parent / "images"


def gan_step_graphs():
    """(G, D, d_loss, g_loss): the D step's loss (fakes detached) and the G step's loss."""
    mg.manual_seed(0)
    G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 4), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    real = mg.tensor(np.random.default_rng(3).random((6, 4)), dtype=mg.float32)
    fake = G(mg.randn(6, 2))
    d_loss = F.binary_cross_entropy_with_logits(D(real), 1.0) + F.binary_cross_entropy_with_logits(D(fake.detach()), 0.0)
    g_loss = F.binary_cross_entropy_with_logits(D(fake), 1.0)
    return G, D, d_loss, g_loss


def recorded_backward():
    """(u, first): d(u³)/du = 3u² recorded with create_graph=True, as in tour step 9."""
    u = mg.tensor([2.0], dtype=mg.float64, requires_grad=True)
    (first,) = mg.grad((u ** 3).sum(), u, create_graph=True)
    return u, first


def main() -> int:
    G, D, d_loss, g_loss = gan_step_graphs()
    names = {**{f"G.{k}": v for k, v in G.named_parameters()}, **{f"D.{k}": v for k, v in D.named_parameters()}}
    written = [draw_graph(d_loss, IMAGES / "d_step.png", names=names),
               draw_graph(g_loss, IMAGES / "g_step.png", names=names)]
    u, first = recorded_backward()
    written.append(draw_graph(first, IMAGES / "recorded_backward.png", names={"u": u}, values=True))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
