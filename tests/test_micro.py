"""The teaching engine minigan/micro.py agrees with the real one, so the two cannot drift apart.

Every op case of the gradient-check registry whose graph uses only ops micro has is run in
both engines (float64): the forward values and the gradients of every input must match. Then
one GAN step (a small G and D, the same weights in both engines, the non-saturating loss):
D's and G's losses and every parameter's gradient must match.
"""
from __future__ import annotations

import ast
import doctest
import inspect
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan import formulas, micro, nn
from minigan.autograd import topological_order
from minigan.autograd.graph import graph_nodes, graph_text
from minigan.gradcheck import gradcheck, gradgradcheck
from minigan.viz import draw_graph, figure_counts, graph_figure
from minigan.gan.objectives import get_objective
from minigan.gradcheck.cases import OP_CASES

RTOL, ATOL = 1e-10, 1e-12

MICRO_OPS = sorted(
    name for name, value in vars(micro).items()
    if isinstance(value, type) and issubclass(value, micro.Function) and not name.startswith("_") and value is not micro.Function
)
# micro writes -a, a - b and mean with its Mul, Add and Sum, so the real Neg, Sub and Mean are covered.
COVERED = set(MICRO_OPS) | {"Neg", "Sub", "Mean"}


def _real_functions(case, shapes) -> set[str]:
    """The names of the real Functions in the graph the case builds."""
    inputs = case.inputs(shapes, np.random.default_rng(0))
    output = case.fn(*inputs)
    return {node._ctx.function.__name__ for node in topological_order([output]) if node._ctx is not None}


def _supported_cases() -> list[tuple[str, object, tuple]]:
    """(id, case, shapes) for every registry case micro can run: one without layer parameters
    whose graph, built by the real engine, uses only ops micro has, and whose function takes
    any tensor (the layer functions that check for minigan's Tensor, such as
    adaptive_avg_pool2d, build their graph from micro's ops but refuse micro's tensors)."""
    selected = []
    for case in OP_CASES:
        if case.params is not None:
            continue
        for shapes in case.shapes:
            if _real_functions(case, shapes) <= COVERED and _takes_micro_tensors(case, shapes):
                selected.append((f"{case.name}-{'x'.join(map(str, shapes))}", case, shapes))
    return selected


def _takes_micro_tensors(case, shapes) -> bool:
    inputs = [micro.Tensor(x.array) for x in case.inputs(shapes, np.random.default_rng(0))]
    try:
        case.fn(*inputs)
    except TypeError as error:
        if "expected a Tensor" in str(error) or "must be Tensor" in str(error):  # minigan's or PyTorch's words
            return False
        raise
    return True


SUPPORTED = _supported_cases()


def test_micro_has_the_ops_a_gan_needs():
    assert set(MICRO_OPS) >= {"Add", "Mul", "MatMul", "Sum", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Log", "Exp"}


def test_at_least_one_registry_case_per_micro_op():
    assert len({case.name for _, case, _ in SUPPORTED}) >= len(MICRO_OPS)
    used = set().union(*(_real_functions(case, shapes) for _, case, shapes in SUPPORTED))
    assert set(MICRO_OPS) <= used  # every micro op is checked by some registry case


@pytest.mark.parametrize("case,shapes", [(c, s) for _, c, s in SUPPORTED], ids=[i for i, _, _ in SUPPORTED])
def test_micro_matches_the_real_engine_on_the_registry(case, shapes):
    rng = np.random.default_rng(1)
    real_inputs = case.inputs(shapes, rng)
    micro_inputs = [micro.Tensor(x.array, requires_grad=True) for x in real_inputs]
    real_out = case.fn(*real_inputs)
    micro_out = case.fn(*micro_inputs)
    assert isinstance(micro_out, micro.Tensor)
    np.testing.assert_allclose(micro_out.array, real_out.array, rtol=RTOL, atol=ATOL)
    upstream = rng.standard_normal(real_out.shape)  # a random upstream gradient, never all ones
    real_out.backward(upstream)
    (micro_out * upstream).sum().backward()
    for i, (real_x, micro_x) in enumerate(zip(real_inputs, micro_inputs)):
        assert micro_x.grad.shape == real_x.shape, f"input {i}"
        np.testing.assert_allclose(micro_x.grad, real_x.grad.array, rtol=RTOL, atol=ATOL, err_msg=f"input {i}")


# ------------------------------------------------------------------ one GAN step
def _mlp(sizes, activations, rng):
    layers = []
    for (n_in, n_out), activation in zip(zip(sizes, sizes[1:]), activations):
        layers.append(nn.Linear(n_in, n_out, rng=rng, dtype=np.float64))
        if activation is not None:
            layers.append(activation)
    return nn.Sequential(*layers)


def _micro_params(module):
    """Each Linear's (weight.T, bias) as micro leaves holding the same numbers: micro has no
    transpose, so its layer computes x @ W.T + b with W.T stored as the leaf."""
    return [(micro.Tensor(layer.weight.array.T.copy(), requires_grad=True),
             micro.Tensor(layer.bias.array.copy(), requires_grad=True))
            for layer in module if isinstance(layer, nn.Linear)]


def _micro_mlp(x, params, activations):
    for (weight_t, bias), activation in zip(params, activations):
        x = x @ weight_t + bias
        if activation is not None:
            x = activation(x)
    return x


def _assert_same_grads(module, params, what):
    linears = [layer for layer in module if isinstance(layer, nn.Linear)]
    for i, (layer, (weight_t, bias)) in enumerate(zip(linears, params)):
        np.testing.assert_allclose(weight_t.grad.T, layer.weight.grad.array, rtol=RTOL, atol=ATOL,
                                   err_msg=f"{what} layer {i} weight")
        np.testing.assert_allclose(bias.grad, layer.bias.grad.array, rtol=RTOL, atol=ATOL,
                                   err_msg=f"{what} layer {i} bias")


def test_micro_gan_step_matches_the_real_engine():
    """One step of the non-saturating GAN: D on real and detached fake, then G through D."""
    rng = np.random.default_rng(3)
    G = _mlp([3, 5, 6], [nn.ReLU(), nn.Sigmoid()], rng)
    D = _mlp([6, 5, 1], [nn.LeakyReLU(0.2), None], rng)
    g_acts = [micro.Tensor.relu, micro.Tensor.sigmoid]
    d_acts = [lambda t: t.leaky_relu(0.2), None]
    g_params, d_params = _micro_params(G), _micro_params(D)
    real, z = rng.uniform(0, 1, (4, 6)), rng.standard_normal((4, 3))
    bce = get_objective("bce")  # the library's loss, from logits with softplus

    # D step: real images labelled 1, G's images (detached) labelled 0
    fake = G(minigan.tensor(z, dtype=np.float64))
    d_loss = bce.d_loss(D(minigan.tensor(real, dtype=np.float64)), D(fake.detach()))
    d_loss.backward()
    micro_fake = _micro_mlp(micro.Tensor(z), g_params, g_acts)
    d_real = _micro_mlp(micro.Tensor(real), d_params, d_acts)
    d_fake = _micro_mlp(micro_fake.detach(), d_params, d_acts)
    micro_d_loss = -d_real.sigmoid().log().mean() - (1.0 - d_fake.sigmoid()).log().mean()
    micro_d_loss.backward()
    np.testing.assert_allclose(micro_d_loss.array, d_loss.item(), rtol=RTOL)
    _assert_same_grads(D, d_params, "D")
    assert all(p.grad is None for p in G.parameters())
    assert all(w.grad is None and b.grad is None for w, b in g_params)  # detach kept G out

    # G step: G's images through D, labelled 1 (the non-saturating loss -log D(G(z)))
    D.zero_grad(set_to_none=True)
    for weight_t, bias in d_params:
        weight_t.grad = bias.grad = None
    g_loss = bce.g_loss(D(fake))
    g_loss.backward()
    micro_g_loss = -_micro_mlp(micro_fake, d_params, d_acts).sigmoid().log().mean()
    micro_g_loss.backward()
    np.testing.assert_allclose(micro_g_loss.array, g_loss.item(), rtol=RTOL)
    _assert_same_grads(G, g_params, "G")
    _assert_same_grads(D, d_params, "D (from G's loss)")


def test_micro_accumulates_and_honours_no_grad():
    x = micro.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x + x  # x reaches y by three paths: dy/dx = 2x + 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 5.0, 7.0])
    (x * 2.0).sum().backward()  # a second backward adds to .grad, as in PyTorch
    np.testing.assert_array_equal(x.grad, [5.0, 7.0, 9.0])
    with micro.no_grad():
        z = x * x
    assert not z.requires_grad and z._ctx is None  # micro keeps no public is_leaf: it stays small
    assert (x * x).requires_grad  # recording is back on after the block
    with pytest.raises(RuntimeError, match="does not require grad"):
        z.sum().backward()
    assert not x.detach().requires_grad


def test_micro_docstring_example_runs():
    results = doctest.testmod(micro, verbose=False)
    assert results.attempted >= 1 and results.failed == 0


def _code_lines(source: str) -> int:
    """Lines of code: not blank, not only a comment, not inside a docstring."""
    tree = ast.parse(source)
    docstring_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstring_lines.update(range(first.lineno, first.end_lineno + 1))
    return sum(
        1 for number, line in enumerate(source.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#") and number not in docstring_lines
    )


def test_code_line_counter():
    source = '"""Doc\n\nstring."""\n\n# comment\nx = 1  # trailing\n\ndef f():\n    """One."""\n    return x\n'
    assert _code_lines(source) == 3


def test_micro_stays_small():
    # 150 until issue 24, which wrote micro's formulas inline (sigmoid's split on the sign, 3
    # lines) so that the file stands alone, and skipped nodes that got only None gradients.
    assert _code_lines(inspect.getsource(micro)) <= 155


# ------------------------------------------------------------------ micro, taken away
def test_micro_imports_only_numpy():
    tree = ast.parse(inspect.getsource(micro))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert imported == ["numpy"]
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))


def test_micro_runs_as_a_single_file_copied_anywhere(tmp_path):
    shutil.copy(inspect.getsourcefile(micro), tmp_path / "engine.py")
    script = (
        "import doctest, engine\n"
        "assert doctest.testmod(engine).failed == 0\n"
        "x = engine.Tensor([0.5, -1.0], requires_grad=True)\n"
        "(x.sigmoid() * x.tanh()).sum().backward()\n"
        "print(x.grad.round(6).tolist())\n"
    )
    done = subprocess.run([sys.executable, "-E", "-s", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={"PATH": os.environ.get("PATH", "")})
    assert done.returncode == 0, done.stderr
    x = np.array([0.5, -1.0])  # d/dx σ(x) tanh(x) = σ(1 - σ) tanh + σ (1 - tanh²), by hand
    s, t = 1 / (1 + np.exp(-x)), np.tanh(x)
    assert done.stdout.strip() == str((s * (1 - s) * t + s * (1 - t * t)).round(6).tolist())


EDGES = np.array([-800.0, -30.0, -1.0, -1e-300, -0.0, 0.0, 1e-300, 0.5, 1.0, 30.0, 800.0])


@pytest.mark.parametrize("name,f,f_backward", [
    ("ReLU", formulas.relu, formulas.relu_backward),
    ("LeakyReLU", formulas.leaky_relu, formulas.leaky_relu_backward),
    ("Sigmoid", formulas.sigmoid_act, formulas.sigmoid_backward),
    ("Tanh", formulas.tanh_act, formulas.tanh_backward),
])
def test_micro_formulas_equal_the_real_ones_bit_for_bit(name, f, f_backward):
    function = getattr(micro, name)
    grad = np.linspace(-2.0, 2.0, EDGES.size)
    with np.errstate(all="raise", under="ignore"):  # exp(-800) underflows to 0 by design, in both
        for slope in (0.0, 0.2):
            y = function.f(EDGES, slope)
            np.testing.assert_array_equal(y, f(EDGES, slope), err_msg=name)
            np.testing.assert_array_equal(function.f_backward(grad, y, slope), f_backward(grad, y, slope), err_msg=name)
        np.testing.assert_array_equal(micro.sigmoid(EDGES), formulas.sigmoid(EDGES))


class _FirstOnly(micro.Function):
    """f = 2a + b, whose backward says "no gradient" (None) for b."""

    @staticmethod
    def forward(ctx, a, b):
        return 2 * a + b

    @staticmethod
    def backward(ctx, grad):
        return grad * 2, None


def test_micro_none_gradient_means_no_gradient_from_that_op():
    a = micro.Tensor([1.0, 2.0], requires_grad=True)
    b = micro.Tensor([3.0, 4.0], requires_grad=True)
    _FirstOnly.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])
    assert b.grad is None  # nothing reached b: it keeps no gradient, as in PyTorch
    (_FirstOnly.apply(a, b) + b * 3.0).sum().backward()  # b's other path still counts
    np.testing.assert_array_equal(a.grad, [4.0, 4.0])
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])


def test_graph_text_and_draw_graph_take_micro_tensors(tmp_path):
    x = micro.Tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    assert graph_text(loss) == (
        "Sum () float64\n"
        "└─ Mul (2,) float64\n"
        "   ├─ leaf (2,) float64 [1]\n"
        "   └─ leaf (2,) float64 [1] (see above)"
    )
    loss.backward()
    assert graph_text(loss, values=True, grads=True).splitlines()[:3] == [
        "Sum () float64 data 5",  # micro keeps gradients on leaves only
        "└─ Mul (2,) float64 data [1, 4] norm 4.123",
        "   ├─ leaf (2,) float64 data [1, 2] norm 2.236 grad [2, 4] norm 4.472 [1]",
    ]
    path = draw_graph(loss, tmp_path / "micro.png", values=True, grads=True)
    assert path.read_bytes().startswith(b"\x89PNG")
    nodes = graph_nodes(loss)
    assert figure_counts(graph_figure(nodes)) == (3, 3)


class _WrongSquare(micro.Function):
    """f = a², with a gradient 0.1% too large."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, grad):
        return (grad * 2 * ctx.saved[0] * 1.001,)


def test_gradcheck_checks_micro_tensors_with_micros_own_backward():
    rng = np.random.default_rng(0)
    a = micro.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = micro.Tensor(rng.standard_normal((4, 2)), requires_grad=True)
    assert gradcheck(lambda a, w: (a @ w).tanh().sigmoid(), [a, w]).ok
    assert a.grad is None and w.grad is None  # gradcheck leaves .grad as it found it
    wrong = gradcheck(_WrongSquare.apply, [a], raise_exception=False)
    assert not wrong.ok and "max rel error 0.001" in wrong.message
    with pytest.raises(TypeError, match=r"gradgradcheck needs minigan Tensors; input 0 is a minigan\.micro\.Tensor"):
        gradgradcheck(_WrongSquare.apply, [a])
