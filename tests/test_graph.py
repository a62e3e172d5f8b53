"""Graph pictures and text: graph_nodes, Tensor.graph_text() and minigan.viz.draw_graph."""
from __future__ import annotations

import doctest
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.autograd import graph
from minigan.autograd.graph import graph_edges, graph_nodes, graph_text
from minigan.viz import draw_graph, figure_counts, graph_figure, graph_layout

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _leaf(values, name_grad=True):
    return minigan.tensor(np.asarray(values, dtype=np.float64), dtype=np.float64, requires_grad=name_grad)


def test_nodes_of_x_times_x():
    x = _leaf([1.0, 2.0])
    loss = (x * x).sum()
    nodes = graph_nodes(loss)
    assert [(n.kind, n.label, n.shape, n.inputs, n.depth) for n in nodes] == [
        ("leaf", "leaf", (2,), (), 2),
        ("op", "Mul", (2,), (0, 0), 1),  # x used twice: two edges
        ("op", "Sum", (), (1,), 0),
    ]
    assert graph_edges(nodes) == [(0, 1), (0, 1), (1, 2)]


def test_nodes_of_a_diamond_with_a_parameter_and_a_constant():
    x = _leaf([0.5, -0.5])
    weight = nn.Parameter(np.ones(2), dtype=np.float64)
    data = minigan.tensor([2.0, 3.0], dtype=np.float64)  # needs no gradient
    e = (x * weight).exp()
    out = (e + e.tanh()) * data
    nodes = graph_nodes(out, names={"w": weight})
    by_label = {n.label: n for n in nodes}
    assert [n.label for n in nodes] == ["leaf", "Parameter w", "Mul", "Exp", "Tanh", "Add", "constant", "Mul"]
    assert by_label["Parameter w"].kind == "parameter" and by_label["constant"].kind == "constant"
    assert by_label["Add"].inputs == (by_label["Exp"].index, by_label["Tanh"].index)
    # depth: the longest path down to the output
    assert [n.depth for n in nodes] == [5, 5, 4, 3, 2, 1, 1, 0]
    assert len(graph_edges(nodes)) == 8
    assert all(n.dtype == "float64" for n in nodes)


def test_graph_text_prints_shared_nodes_once():
    x = _leaf([1.0, 2.0, 3.0])
    y = x * x
    loss = (y + y.exp()).sum()
    assert loss.graph_text() == (
        "Sum () float64\n"
        "└─ Add (3,) float64\n"
        "   ├─ Mul (3,) float64 [1]\n"
        "   │  ├─ leaf (3,) float64 [2]\n"
        "   │  └─ leaf (3,) float64 [2] (see above)\n"
        "   └─ Exp (3,) float64\n"
        "      └─ Mul (3,) float64 [1] (see above)"
    )


def test_graph_text_of_a_layer_with_named_parameters():
    layer = nn.Linear(3, 2, dtype=np.float64, rng=np.random.default_rng(0))
    out = (layer(minigan.tensor(np.ones((4, 3)), dtype=np.float64)) * 2.0).mean()
    assert out.graph_text(names=dict(layer.named_parameters())) == (
        "Mean () float64\n"
        "└─ Mul (4, 2) float64\n"
        "   ├─ LinearAct (4, 2) float64\n"
        "   │  ├─ constant (4, 3) float64\n"
        "   │  ├─ Parameter weight (2, 3) float64\n"
        "   │  └─ Parameter bias (2,) float64\n"
        "   └─ constant () float64"
    )


def test_a_diamond_stays_small():
    x = _leaf([1.0])
    y = x
    for _ in range(30):  # 2^30 paths: the tree must print each node once
        y = y * y.tanh()
    text = y.graph_text()
    assert len(text.splitlines()) == 1 + 30 * 3


def test_after_backward_the_text_says_the_graph_was_freed():
    x = _leaf([1.0, 2.0])
    loss = (x * x).sum()
    loss.backward()
    # the Sum saved nothing, so it is kept, as PyTorch's SumBackward (a later backward passes through)
    assert loss.graph_text() == ("Sum () float64\n"
                                 "└─ Mul (2,) float64 (graph freed by backward; keep it with backward(retain_graph=True) to draw it)")
    with pytest.raises(RuntimeError, match=r"^grads=True needs the whole graph, but it was freed by backward; "
                                           r"keep it with backward\(retain_graph=True\)"):
        loss.graph_text(grads=True)


def _neuron():
    """micrograd's neuron, o = tanh(x1 w1 + x2 w2 + b), with b chosen so that n = 0.8814 and o = 1/√2."""
    x1, x2, w1, w2, b = (_leaf(v) for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    return (x1 * w1 + x2 * w2 + b).tanh(), (x1, x2, w1, w2, b)


# Worked by hand: do/dn = 1 - o² = 0.5; each Add passes it on; d/dx1 = w1 · 0.5 = -1.5,
# d/dw1 = x1 · 0.5 = 1, d/dx2 = w2 · 0.5 = 0.5, d/dw2 = x2 · 0.5 = 0, d/db = 0.5.
NEURON = (
    "Tanh () float64 data 0.7071 grad 1\n"
    "└─ Add () float64 data 0.8814 grad 0.5\n"
    "   ├─ Add () float64 data -6 grad 0.5\n"
    "   │  ├─ Mul () float64 data -6 grad 0.5\n"
    "   │  │  ├─ leaf () float64 data 2 grad -1.5\n"
    "   │  │  └─ leaf () float64 data -3 grad 1\n"
    "   │  └─ Mul () float64 data 0 grad 0.5\n"
    "   │     ├─ leaf () float64 data 0 grad 0.5\n"
    "   │     └─ leaf () float64 data 1 grad 0\n"
    "   └─ leaf () float64 data 6.881 grad 0.5"
)


def test_a_retained_graph_shows_values_and_gradients_after_backward():
    o, leaves = _neuron()
    o.backward(retain_graph=True)
    before = [t.grad.item() for t in leaves]
    assert o.graph_text(values=True, grads=True) == NEURON
    np.testing.assert_allclose(before, [-1.5, 0.5, 1.0, 0.0, 0.5], atol=1e-12)
    assert [t.grad.item() for t in leaves] == before  # the picture left .grad alone


def test_gradients_before_backward_touch_no_grad_and_keep_the_graph():
    o, leaves = _neuron()
    assert o.graph_text(values=True, grads=True) == NEURON
    assert all(t.grad is None for t in leaves)
    o.backward()  # the picture's own pass kept the graph
    np.testing.assert_allclose(leaves[0].grad.item(), -1.5, atol=1e-12)


def test_gradients_of_a_tensor_with_many_elements_say_what_to_draw():
    x = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"needs an output of one element.*shape \(2,\): draw its \.sum\(\)"):
        (x * x).graph_text(grads=True)


def test_values_of_arrays_show_three_entries_and_the_norm():
    x = _leaf([1.0, 2.0, 3.0, 4.0])
    assert (x * x).sum().graph_text(values=True).splitlines()[:2] == [
        "Sum () float64 data 30",
        "└─ Mul (4,) float64 data [1, 4, 9, …] norm 18.81",  # √(1 + 16 + 81 + 256)
    ]


def test_draw_graph_with_values_and_gradients(tmp_path):
    o, _ = _neuron()
    o.backward(retain_graph=True)
    svg = draw_graph(o, tmp_path / "neuron.svg", values=True, grads=True)
    words = " ".join(ET.fromstring(svg.read_bytes()).itertext())
    for text in ("data 0.7071", "grad -1.5", "data 6.881", "grad 0.5"):
        assert text in words


def test_a_deep_chain_needs_no_recursion():
    x = _leaf([1.0])
    y = x
    for _ in range(3000):
        y = y * 1.0
    nodes = graph_nodes(y)
    assert len(nodes) == 1 + 3000 * 2 and nodes[0].depth == 3000


def _graphs():
    x = _leaf([1.0, 2.0, 3.0])
    y = x * x
    mlp = nn.Sequential(nn.Linear(4, 3, dtype=np.float64), nn.Tanh(), nn.Linear(3, 1, dtype=np.float64))
    return {
        "x*x": (y + y.exp()).sum(),
        "mlp": mlp(minigan.tensor(np.ones((2, 4)), dtype=np.float64)).sigmoid().mean(),
        "leaf alone": x,
    }


@pytest.mark.parametrize("name", list(_graphs()))
def test_the_figure_has_one_box_per_node_and_one_arrow_per_edge(name):
    tensor = _graphs()[name]
    nodes = graph_nodes(tensor)
    assert figure_counts(graph_figure(nodes)) == (len(nodes), len(graph_edges(nodes)))


def test_layout_puts_each_row_at_its_depth_without_overlaps():
    nodes = graph_nodes(_graphs()["mlp"])
    positions = graph_layout(nodes)
    assert [y for _, y in positions] == [float(n.depth) for n in nodes]
    assert len(set(positions)) == len(positions)
    for parent, child in graph_edges(nodes):  # arrows point down the page
        assert positions[parent][1] > positions[child][1]


def test_draw_graph_writes_a_png_and_an_svg(tmp_path):
    loss = _graphs()["mlp"]
    png = draw_graph(loss, tmp_path / "graph.png")
    assert png == tmp_path / "graph.png" and png.read_bytes().startswith(PNG_SIGNATURE)
    svg = draw_graph(loss, str(tmp_path / "graph.SVG"))
    root = ET.fromstring(svg.read_bytes())
    assert root.tag.endswith("svg")
    words = " ".join(t for t in root.itertext())
    for op in ("Mean", "Sigmoid", "Parameter"):
        assert op in words
    assert sorted(os.listdir(tmp_path)) == ["graph.SVG", "graph.png"]  # no temporary file left


def test_draw_graph_rejects_bad_input_clearly(tmp_path):
    loss = _graphs()["x*x"]
    with pytest.raises(ValueError, match=r"graph\.jpg.*\.png or \.svg"):
        draw_graph(loss, tmp_path / "graph.jpg")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        draw_graph(loss, tmp_path / "graph")
    with pytest.raises(TypeError, match="expected a minigan Tensor, got ndarray"):
        draw_graph(np.ones(3), tmp_path / "graph.png")
    with pytest.raises(TypeError, match="expected a minigan Tensor, got list"):
        graph_text([1.0])
    with pytest.raises(TypeError, match="names must map names to Tensors.*got list"):
        draw_graph(loss, tmp_path / "graph.svg", names=["w"])
    assert os.listdir(tmp_path) == []


def test_the_module_docstring_example_runs():
    results = doctest.testmod(graph, verbose=False)
    assert results.attempted >= 4 and results.failed == 0


def test_grad_fn_is_the_backward_node_with_pytorchs_next_functions():
    w = minigan.tensor([1.0, 2.0], requires_grad=True)
    product = w * minigan.tensor([3.0, 4.0])
    loss = product.sum()
    assert loss.grad_fn.name() == "SumBackward" and repr(loss) == "tensor(11., grad_fn=<SumBackward>)"
    ((node, index),) = loss.grad_fn.next_functions
    assert node is product.grad_fn and index == 0 and repr(node) == "<MulBackward>"
    (leaf, _), (constant, _) = node.next_functions
    assert leaf.name() == "AccumulateGrad" and leaf.variable is w and leaf.next_functions == ()
    assert constant is None and w.grad_fn is None


def test_a_number_on_the_left_is_recorded_after_the_tensor_as_in_pytorch():
    a = minigan.tensor([0.5, 1.0], requires_grad=True)
    b = a.sin()
    d = 2 * b + 1  # PyTorch's autograd tutorial walks this graph
    ((mul, _), (constant, _)) = d.grad_fn.next_functions
    assert repr(mul) == "<MulBackward>" and constant is None
    assert mul.next_functions[0][0] is b.grad_fn and mul.next_functions[1][0] is None
