"""docs/tour.md runs: every snippet's printed output is checked by doctest, and every file and
function the tour cites exists in the repository."""
from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "docs" / "tour.md"
# A backticked repository path, optionally followed by :name or :Class.method.
CITATION = re.compile(r"`((?:minigan|examples|tests|docs|bench)/[\w/.-]+?\.(?:py|md))(?::([\w.]+))?`")


def citations(text: str) -> list[tuple[str, str | None]]:
    return [(path, name or None) for path, name in CITATION.findall(text)]


def defines(path: Path, dotted: str) -> bool:
    """True when ``path`` defines ``dotted`` (a top-level function, class or assignment, or
    Class.method)."""
    scope: list[ast.stmt] = ast.parse(path.read_text()).body
    for part in dotted.split("."):
        found = None
        for node in scope:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == part:
                found = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == part for t in targets):
                    found = node
        if found is None:
            return False
        scope = getattr(found, "body", [])
    return True


def test_every_snippet_prints_what_the_tour_says():
    result = doctest.testfile(str(TOUR), module_relative=False, report=True,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 50, "the tour's snippets were not found"
    assert result.failed == 0, f"{result.failed} of {result.attempted} tour snippets failed (see the output above)"


def test_every_cited_file_and_function_exists():
    cited = citations(TOUR.read_text())
    assert len(cited) > 30
    missing = [f"{path}" + (f":{name}" if name else "") for path, name in cited
               if not (ROOT / path).is_file() or (name and not defines(ROOT / path, name))]
    assert not missing, f"the tour cites what does not exist: {missing}"


def test_each_numbered_step_names_a_file_and_function():
    sections = re.split(r"^## ", TOUR.read_text(), flags=re.M)
    numbered = [s for s in sections if re.match(r"\d+\. ", s)]
    assert [int(s.split(".")[0]) for s in numbered] == list(range(15))
    for section in numbered[1:]:
        assert any(name for _, name in citations(section)), f"step {section.splitlines()[0]!r} cites no function"


@pytest.mark.parametrize("text, expected", [
    ("`minigan/ops.py:Mul`", [("minigan/ops.py", "Mul")]),
    ("see `minigan/function.py:Function.apply` and `docs/tour.md`",
     [("minigan/function.py", "Function.apply"), ("docs/tour.md", None)]),
    ("`x.grad` and `no_grad()`", []),
])
def test_citations_are_parsed(text, expected):
    assert citations(text) == expected


def test_a_wrong_citation_is_caught(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("class A:\n    def f(self):\n        pass\n\nX = 1\n\ndef g():\n    pass\n")
    assert defines(module, "A.f") and defines(module, "X") and defines(module, "g")
    assert not defines(module, "A.h") and not defines(module, "f") and not defines(module, "B")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _tour_pictures():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tour_pictures", ROOT / "docs" / "tour_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tours_pictures_exist():
    text = TOUR.read_text()
    for name in ("d_step.png", "g_step.png", "recorded_backward.png"):
        assert f"](images/{name})" in text, name
        assert (ROOT / "docs" / "images" / name).read_bytes()[:8] == PNG_SIGNATURE, name


def test_the_pictured_graphs_hold_what_the_tour_says():
    from minigan.autograd.graph import graph_nodes

    pictures = _tour_pictures()
    G, D, d_loss, g_loss = pictures.gan_step_graphs()
    names = {**{f"G.{k}": v for k, v in G.named_parameters()}, **{f"D.{k}": v for k, v in D.named_parameters()}}
    d_nodes, g_nodes = graph_nodes(d_loss, names), graph_nodes(g_loss, names)
    d_params = {n.label for n in d_nodes if n.kind == "parameter"}
    assert d_params == {f"Parameter D.{k}" for k, _ in D.named_parameters()}  # nothing of G: the fakes are detached
    assert sum(n.kind == "constant" and n.shape == (6, 4) for n in d_nodes) == 2  # the real batch and the fakes
    assert {n.label for n in g_nodes if n.kind == "parameter"} == {f"Parameter {k}" for k in names}
    u, first = pictures.recorded_backward()
    assert first.requires_grad and [n.label for n in graph_nodes(first) if n.kind == "op"] == ["PowScalar", "Mul", "Mul"]
