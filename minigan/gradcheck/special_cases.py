"""Gradcheck cases for the torch.special functions that PyTorch differentiates in one argument only
(minigan/ops/zeta.py, incomplete_gamma.py): zeta(x, q) in q, gammainc(a, x) and gammaincc(a, x) in x,
first and second order, with the other argument a fixed Tensor (broadcast against the checked one in
the second shape of each case). Both sides of the incomplete gamma's switch (x < a + 1: the series;
above: the continued fraction) and of zeta's (q < 25: terms added one by one) are reached.
``SPECIAL_CASES`` joins the op cases (cases.py)."""
from __future__ import annotations

import numpy as np

from ..autograd import tensor
from ..ops.incomplete_gamma import gammainc, gammaincc
from ..ops.zeta import zeta
from .opcase import OpCase, positive

_A = np.array([[0.7, 2.5, 6.0]])  # against x in [0.5, 3.5): both sides of x = a + 1
_X = np.array([[2.5], [4.0], [6.5]])


def _fixed(values: np.ndarray, like) -> object:
    return tensor(values, dtype=like.dtype, device=like.device)


SPECIAL_CASES: list[OpCase] = [
    OpCase("zeta_q", lambda q: zeta(_fixed(_X, q), q), [((3, 3),), ((1, 3),)], prepare=positive),
    OpCase("zeta_q_far", lambda q: zeta(2.5, q * 10.0 + 20.0), [((3, 3),)], prepare=positive),  # 25 to 55
    OpCase("gammainc_x", lambda x: gammainc(_fixed(_A, x), x), [((3, 3),), ((2, 1),)], prepare=positive),
    OpCase("gammaincc_x", lambda x: gammaincc(_fixed(_A, x), x), [((3, 3),), ((2, 1),)], prepare=positive),
    OpCase("gammainc_x_large_a", lambda x: gammainc(_fixed(_A * 10.0, x), x * 10.0), [((3, 3),)], prepare=positive),
]
