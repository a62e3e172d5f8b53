"""Gradcheck cases for minigan.func's transforms (minigan/func/): each case is a function whose
value is itself a transform's result (a gradient, a Jacobian, a vjp, a jvp, a vmap), so the
first-order check tests the derivative of a derivative and the second-order one goes a level
deeper: what makes ``grad(grad(f))`` right. ``FUNC_CASES`` joins the op cases (cases.py)."""
from __future__ import annotations

from ..autograd import Tensor
from ..func import grad, jacrev, jvp, vjp, vmap
from .opcase import OpCase


def _f(x: Tensor) -> Tensor:
    return (x.sin() * x * x).sum()


def _grad(x: Tensor) -> Tensor:
    return grad(_f)(x)


def _jacrev(x: Tensor) -> Tensor:
    return jacrev(lambda v: v.tanh() * v.sum())(x)


def _vjp(x: Tensor, u: Tensor) -> Tensor:
    return vjp(lambda v: v.exp() * v, x)[1](u)[0]


def _jvp(x: Tensor, u: Tensor) -> Tensor:
    return jvp(lambda v: v.sin() * v.sum(), (x,), (u,))[1]


def _per_row_grad(x: Tensor) -> Tensor:
    return vmap(grad(_f))(x)


FUNC_CASES: list[OpCase] = [
    OpCase("func_grad", _grad, [((3,),), ((2, 3),)]),
    OpCase("func_jacrev", _jacrev, [((3,),)]),
    OpCase("func_vjp", _vjp, [((4,), (4,))]),
    OpCase("func_jvp", _jvp, [((3,), (3,))]),
    OpCase("func_vmap_grad", _per_row_grad, [((3, 2),)]),
]
