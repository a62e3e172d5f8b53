"""The checkers of the exercises: each runs the learner's code against finite differences and
properties written out here, and says what is wrong in a learner's words.

A check is a function of the learner's module that returns quietly when it passes and raises
:class:`Failed` with one sentence when it does not. :func:`run` loads the learner's file and
runs every check of a step, turning any other error into a line that names the learner's own
line of code.
"""
from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np


class Failed(Exception):
    """A check failed; the message says what is wrong and what to look at."""


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f at x: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        original = x[index]
        x[index] = original + eps
        plus = f(x.copy())
        x[index] = original - eps
        minus = f(x.copy())
        x[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def _close(got: Any, expected: Any) -> bool:
    got = np.asarray(got, dtype=np.float64)
    return got.shape == np.shape(expected) and bool(np.allclose(got, expected, rtol=1e-5, atol=1e-7))


def _fmt(value: Any) -> str:
    return np.array2string(np.asarray(value, dtype=np.float64), precision=4, suppress_small=True)


# ------------------------------------------------------------------ step 1: Value with + and *
def _value_forward(module: Any, op: str) -> None:
    Value = module.Value
    a, b = Value(2.0), Value(-3.0)
    out = a + b if op == "+" else a * b
    expected = -1.0 if op == "+" else -6.0
    if not isinstance(out, Value):
        raise Failed(f"a {op} b must return a new Value, but returned {type(out).__name__}")
    if out.data != expected:
        raise Failed(f"Value(2) {op} Value(-3) has data {out.data}, expected {expected}")
    if set(map(id, out._parents)) != {id(a), id(b)}:
        raise Failed(f"the result of a {op} b must remember a and b: make it Value(..., (self, other))")
    mixed = a + 1.5 if op == "+" else a * 1.5
    if mixed.data != (3.5 if op == "+" else 3.0):
        raise Failed(f"Value(2) {op} 1.5 (a plain number) gives {mixed.data}: turn the number into a Value first")


def _value_grads(module: Any) -> None:
    Value = module.Value

    def f(xy: np.ndarray) -> float:
        x, y = Value(xy[0]), Value(xy[1])
        return (x * y + x * 3.0 + y).data

    point = np.array([1.5, -0.7])
    x, y = Value(point[0]), Value(point[1])
    (x * y + x * 3.0 + y).backward()
    expected = numeric_grad(f, point)
    got = np.array([x.grad, y.grad])
    if not _close(got, expected):
        raise Failed(f"for out = x*y + 3x + y at x = 1.5, y = -0.7: x.grad, y.grad = {_fmt(got)} but finite "
                     f"differences give {_fmt(expected)} (dout/dx = y + 3, dout/dy = x + 1): check each _backward")


def _value_accumulates(module: Any) -> None:
    a = module.Value(3.0)
    (a * a).backward()
    if a.grad != 6.0:
        raise Failed(f"for out = a * a at a = 3, a.grad is {a.grad}, expected 6 (a is used twice): "
                     "add to the parents' grad with +=, never assign with =")


# ------------------------------------------------------------------ step 2: the topological sort
class _Node:
    def __init__(self, name: str, *parents: "_Node") -> None:
        self.name, self._parents = name, parents

    def __repr__(self) -> str:
        return self.name


def _check_order(module: Any, root: _Node, reachable: list[_Node], what: str) -> None:
    order = module.topological_order(root)
    if not isinstance(order, list):
        raise Failed(f"topological_order must return a list, got {type(order).__name__}")
    names = [getattr(n, "name", repr(n)) for n in order]
    if len(order) != len({id(n) for n in order}):
        raise Failed(f"{what}: some node appears twice in {names}: remember which nodes you have placed")
    if {id(n) for n in order} != {id(n) for n in reachable}:
        raise Failed(f"{what}: the order {names} should hold exactly {sorted(n.name for n in reachable)}")
    if order[-1] is not root:
        raise Failed(f"{what}: the root must come last, got {names}")
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node._parents:
            if position[id(parent)] > position[id(node)]:
                raise Failed(f"{what}: {parent.name} must come before {node.name}, which is made from it; got {names}")


def _topo_small(module: Any) -> None:
    x, w = _Node("x"), _Node("w")
    y = _Node("y", x, w)
    e = _Node("e", y)
    loss = _Node("loss", y, e, x)  # y reaches loss twice: a diamond
    _check_order(module, loss, [x, w, y, e, loss], "for loss(y, e(y), x) with y(x, w)")


def _topo_deep(module: Any) -> None:
    node = first = _Node("n0")
    chain = [first]
    for i in range(1, 5000):
        node = _Node(f"n{i}", node)
        chain.append(node)
    try:
        order = module.topological_order(node)
    except RecursionError:
        raise Failed("a chain of 5,000 nodes hit Python's recursion limit: use a loop and an explicit stack") from None
    if len(order) != 5000 or order[0] is not first or order[-1] is not node:
        raise Failed("for a chain of 5,000 nodes the order must run from the first node to the last")


# ------------------------------------------------------------------ step 3: unbroadcast
_BROADCASTS = [((3,), (4, 3)), ((1, 3), (4, 3)), ((4, 1), (4, 3)), ((), (2, 3)), ((2, 1, 3), (5, 2, 4, 3)),
               ((4, 3), (4, 3))]


def _unbroadcast_case(shape: tuple[int, ...], big: tuple[int, ...]) -> Callable[[Any], None]:
    def check(module: Any) -> None:
        rng = np.random.default_rng(len(big))
        upstream = rng.standard_normal(big)
        x = rng.standard_normal(shape)
        expected = numeric_grad(lambda v: float(np.sum(upstream * np.broadcast_to(v, big))), x)
        got = np.asarray(module.unbroadcast(upstream, shape))
        if got.shape != shape:
            raise Failed(f"unbroadcast(grad of shape {big}, {shape}) returned shape {got.shape}; it must return "
                         f"exactly {shape}: sum the prepended axes away, keep stretched axes as size 1")
        if not _close(got, expected):
            raise Failed(f"unbroadcast(grad of shape {big}, {shape}) has the right shape but not the values of "
                         "finite differences: sum over every axis broadcasting added or stretched")
    return check


# ------------------------------------------------------------------ step 4: matmul
def _matmul_case(n: int, k: int, m: int) -> Callable[[Any], None]:
    def check(module: Any) -> None:
        rng = np.random.default_rng(n * 100 + k * 10 + m)
        a, b, upstream = rng.standard_normal((n, k)), rng.standard_normal((k, m)), rng.standard_normal((n, m))
        grads = module.matmul_backward(a, b, upstream)
        if not isinstance(grads, tuple) or len(grads) != 2:
            raise Failed("matmul_backward must return a pair (grad_a, grad_b)")
        for name, got, x, f in (
            ("grad_a", grads[0], a, lambda v: float(np.sum(upstream * (v @ b)))),
            ("grad_b", grads[1], b, lambda v: float(np.sum(upstream * (a @ v)))),
        ):
            got = np.asarray(got)
            if got.shape != x.shape:
                raise Failed(f"for a {a.shape} @ b {b.shape}, {name} has shape {got.shape} but must have "
                             f"{name[-1]}'s shape {x.shape}: which product of grad {upstream.shape} with the other "
                             "matrix, or its transpose, has that shape?")
            if not _close(got, numeric_grad(f, x)):
                raise Failed(f"for a {a.shape} @ b {b.shape}, {name} has the right shape but differs from finite "
                             "differences: check the order of the product and which matrix is transposed")
    return check


# ------------------------------------------------------------------ step 5: sigmoid and BCE
_LOGITS = np.array([-1000.0, -30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0, 1000.0])
_TARGETS = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])


def _sigmoid_values(module: Any) -> None:
    moderate = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    got = np.asarray(module.sigmoid(moderate))
    if not _close(got, 1 / (1 + np.exp(-moderate))):
        raise Failed(f"sigmoid({_fmt(moderate)}) = {_fmt(got)}, expected {_fmt(1 / (1 + np.exp(-moderate)))}")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            extreme = np.asarray(module.sigmoid(np.array([-1000.0, 1000.0])))
        except FloatingPointError as error:
            raise Failed(f"sigmoid(±1000) overflowed ({error}): split on the sign of x so that exp sees only -|x|") from None
    if not _close(extreme, [0.0, 1.0]):
        raise Failed(f"sigmoid([-1000, 1000]) = {_fmt(extreme)}, expected [0, 1]")


def _bce_values(module: Any) -> None:
    expected = float(np.mean(np.maximum(_LOGITS, 0) - _LOGITS * _TARGETS + np.log1p(np.exp(-np.abs(_LOGITS)))))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            got = float(module.bce_with_logits(_LOGITS, _TARGETS))
        except FloatingPointError as error:
            raise Failed(f"bce_with_logits at logits ±1000 failed ({error}): use max(x, 0) - x t + log1p(exp(-|x|))") from None
    if not np.isfinite(got):
        raise Failed(f"bce_with_logits at logits ±1000 gave {got}: log σ(x) is -inf there; use the form with log1p")
    if not _close(got, expected):
        raise Failed(f"bce_with_logits gave {got:.6g}, expected {expected:.6g} (the mean over all entries)")


def _bce_grad(module: Any) -> None:
    logits = _LOGITS[2:-2]  # away from ±1000, where finite differences of a linear tail say little
    targets = _TARGETS[2:-2]
    expected = numeric_grad(lambda v: float(np.mean(np.maximum(v, 0) - v * targets + np.log1p(np.exp(-np.abs(v))))), logits)
    got = np.asarray(module.bce_with_logits_grad(logits, targets))
    if got.shape == logits.shape and _close(got, expected * logits.size):
        raise Failed("bce_with_logits_grad is the gradient of the sum, not of the mean: divide by the number of entries")
    if not _close(got, expected):
        raise Failed(f"bce_with_logits_grad gave {_fmt(got)}, finite differences {_fmt(expected)}: (σ(x) - t) / n")


# ------------------------------------------------------------------ step 6: one GAN step
def _bce(logits: np.ndarray, target: float) -> float:
    return float(np.mean(np.maximum(logits, 0) - logits * target + np.log1p(np.exp(-np.abs(logits)))))


_REAL, _FAKE, _Z = np.array([1.2, 0.8, 1.5]), np.array([-0.3, 0.4]), np.array([0.5, -1.0, 2.0, 0.1])


def _gan_d(module: Any) -> None:
    w, b = 0.7, -0.2
    expected = numeric_grad(lambda p: _bce(p[0] * _REAL + p[1], 1.0) + _bce(p[0] * _FAKE + p[1], 0.0), np.array([w, b]))
    got = np.asarray(module.d_step_grads(w, b, _REAL, _FAKE), dtype=np.float64)
    if not _close(got, expected):
        raise Failed(f"d_step_grads gave (dw, db) = {_fmt(got)}, finite differences {_fmt(expected)}: D's loss is "
                     "the real batch labelled 1 plus the fakes labelled 0, each a mean")


def _gan_g(module: Any) -> None:
    a, c, w, b = 1.3, 0.2, 0.7, -0.2
    expected = numeric_grad(lambda p: _bce(w * (p[0] * _Z + p[1]) + b, 1.0), np.array([a, c]))
    got = np.asarray(module.g_step_grads(a, c, w, b, _Z), dtype=np.float64)
    if not _close(got, expected):
        hint = " (the gradient must flow through D: times w)" if _close(got * w, expected) else ""
        raise Failed(f"g_step_grads gave (da, dc) = {_fmt(got)}, finite differences {_fmt(expected)}{hint}: the "
                     "fakes a z + c are scored by D and labelled 1")


#: step -> (file, title, [(what is checked, check)])
STEPS: dict[int, tuple[str, str, list[tuple[str, Callable[[Any], None]]]]] = {
    1: ("step1_value.py", "a scalar Value with + and *", [
        ("a + b records its result and parents", lambda m: _value_forward(m, "+")),
        ("a * b records its result and parents", lambda m: _value_forward(m, "*")),
        ("backward gives the gradients of finite differences", _value_grads),
        ("a Value used twice gets both shares", _value_accumulates),
    ]),
    2: ("step2_topo.py", "the topological sort", [
        ("parents come before children, each node once", _topo_small),
        ("a 5,000-node chain needs no recursion", _topo_deep),
    ]),
    3: ("step3_unbroadcast.py", "broadcasting and unbroadcast", [
        (f"unbroadcast to {shape} from {big}", _unbroadcast_case(shape, big)) for shape, big in _BROADCASTS
    ]),
    4: ("step4_matmul.py", "the backward of matmul", [
        (f"({n}, {k}) @ ({k}, {m})", _matmul_case(n, k, m)) for n, k, m in ((2, 3, 4), (1, 5, 1), (3, 3, 3))
    ]),
    5: ("step5_sigmoid_bce.py", "a sigmoid and BCE on logits", [
        ("sigmoid, also at ±1000", _sigmoid_values),
        ("bce_with_logits, also at ±1000", _bce_values),
        ("bce_with_logits_grad against finite differences", _bce_grad),
    ]),
    6: ("step6_gan_step.py", "one GAN step", [
        ("D's gradients, fakes detached", _gan_d),
        ("G's gradients, through D", _gan_g),
    ]),
}


def load(path: Path) -> Any:
    """The learner's file as a module; its folder is on sys.path while it loads (so step 6 can
    import step 5), and earlier loads of the step files are forgotten."""
    for name in [n for n in sys.modules if n.startswith("step") and n[4:5].isdigit()]:
        del sys.modules[name]
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


def _where(error: BaseException, path: Path) -> str:
    """`` (step3_unbroadcast.py line 20)``: the learner's last line in the traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve() == path.resolve()]
    return f" ({path.name} line {frames[-1].lineno})" if frames else ""


def run(step: int, path: Path) -> tuple[bool, list[str]]:
    """Run every check of ``step`` on the file at ``path``: (all passed, the lines to print)."""
    _, title, checks = STEPS[step]
    try:
        module = load(path)
    except Exception as error:  # noqa: BLE001 - the learner's file: report, never crash
        return False, [f"step {step}, {title}: {path.name} does not load: {type(error).__name__}: {error}"
                       f"{_where(error, path)}"]
    lines, passed = [], 0
    for what, check in checks:
        try:
            with np.errstate(all="ignore"):  # the checks that care set their own
                check(module)
        except NotImplementedError as error:
            lines.append(f"  ✗ {what}: {error} is not written yet: fill it in in {path.name}")
        except Failed as error:
            lines.append(f"  ✗ {what}: {error}")
        except Exception as error:  # noqa: BLE001 - the learner's code raised
            lines.append(f"  ✗ {what}: your code raised {type(error).__name__}: {error}{_where(error, path)}")
        else:
            passed += 1
            lines.append(f"  ✓ {what}")
    verdict = "all passed" if passed == len(checks) else f"{len(checks) - passed} of {len(checks)} failed"
    return passed == len(checks), [f"step {step}, {title}: {verdict}"] + lines
