"""README.md: its two commands come first, every figure in it comes from a generated block that
is rendered again here, and its code runs; docs/internals.md (the internals that moved out of
the README): its op tables match the code, its package layout lists every file of the package,
and the tour, examples and graph picture it points to exist. --help claims nothing untested."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INTERNALS = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "docs"))
import ops_table  # docs/ops_table.py, the generator of the tables (imported after the path is set)


def test_the_two_commands_come_first():
    lines = README.splitlines()
    assert lines[:5] == ["# minigan", "", "```bash", "pip install -e . && python -m minigan.train",
                         "pip install -e '.[test]' && python -m pytest"]


def test_the_op_tables_are_what_the_code_generates():
    assert ops_table.readme_block(INTERNALS) == ops_table.tables(), (
        "docs/internals.md's op tables are out of date: run python docs/ops_table.py --write")


def test_every_op_layer_and_loss_has_a_row():
    from minigan.gradcheck.coverage import function_classes

    block = ops_table.readme_block(INTERNALS)
    rows = set(re.findall(r"^\| `([\w.]+)` \|", block, flags=re.M))
    assert {cls.__name__ for cls in function_classes()} <= rows
    assert {"nn.Linear", "nn.BatchNorm1d", "nn.Conv2d", "nn.BCEWithLogitsLoss", "nn.CrossEntropyLoss"} <= rows
    assert len(rows) == len(function_classes()) + sum(1 for line in block.splitlines() if line.startswith("| `nn."))


def layout_rows() -> list[tuple[int, str]]:
    """(layer, path) for each line of the package layout in docs/internals.md."""
    section = INTERNALS.split("## Package layout", 1)[1]
    block = section.split("```text", 1)[1].split("```", 1)[0]
    rows = [line.split()[:2] for line in block.strip().splitlines()[1:]]  # below the header line
    return [(int(layer), path) for layer, path in rows]


def test_the_package_layout_lists_every_folder_and_top_level_file_once_with_its_layer():
    from test_layout import layer_of, module_name

    rows = layout_rows()
    listed = [path for _, path in rows]
    assert len(listed) == len(set(listed)), "a path is listed twice"
    package = ROOT / "minigan"
    folders = {path.parent.relative_to(ROOT).as_posix() + "/" for path in package.rglob("__init__.py")} - {"minigan/"}
    top_files = {path.relative_to(ROOT).as_posix() for path in package.glob("*.py")}
    assert sorted(listed) == sorted(folders | top_files), (
        f"missing from the layout: {sorted((folders | top_files) - set(listed))}; "
        f"listed but not in the package: {sorted(set(listed) - folders - top_files)}")
    for layer, path in rows:
        module = module_name(ROOT / (path + "__init__.py" if path.endswith("/") else path))
        assert layer == layer_of(module), f"{path} is in layer {layer_of(module)} (tests/test_layout.py), not {layer}"


def test_the_tour_examples_and_graph_picture_are_linked_and_exist():
    assert "(docs/tour.md)" in README and "(tour.md)" in INTERNALS
    numbered = sorted(path.name for path in (ROOT / "examples").glob("[0-9][0-9]_*.py"))
    assert len(numbered) == 6
    for name in numbered:
        assert f"`examples/{name}`" in INTERNALS, f"docs/internals.md does not list examples/{name}"
    picture = re.search(r"!\[[^\]]*\]\((images/graph\.(?:png|svg))\)", INTERNALS)
    assert picture, "no graph picture in docs/internals.md"
    assert (ROOT / "docs" / picture.group(1)).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_generator_reports_bad_usage_in_one_line():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "ops_table.py"), "--bogus"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.strip() == "usage: python docs/ops_table.py [--write]"


# ---------------------------------------------------------------- the README for users
def _script(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_is_for_users_and_short():
    assert len(README.splitlines()) <= 180  # about 150, with the generated blocks
    headings = [line for line in README.splitlines() if line.startswith("## ")]
    assert headings == ["## A first run: 3 epochs", "## What lands on disk", "## What the metrics mean",
                        "## Using the generator in your own code", "## Architectures and losses", "## Going further"]
    for doc in ("docs/tour.md", "docs/internals.md", "docs/bench-results.md"):
        assert f"({doc})" in README


def test_every_generated_block_is_what_its_inputs_render():
    blocks, report = _script("readme_blocks"), _script("default_run_report")
    figures = blocks.read_figures()
    for name in blocks.BLOCKS:
        assert blocks.block_in(README, name) == blocks.render(name, figures), (
            f"README.md's {name} block is out of date: run python examples/readme_blocks.py write")
    assert blocks.block_in(README, "default-run") == report.render(**figures["default_run"])


def test_the_figures_were_measured_with_the_pinned_yardstick_at_the_protocol_n():
    from minigan.metrics.yardstick import SHIPPED_SHA256

    figures = _script("readme_blocks").read_figures()
    for metrics in (figures["first_run"]["metrics"], figures["real"], figures["default_run"]["metrics"],
                    figures["default_run"]["real"]):
        assert metrics["yardstick"]["weights_sha256"] == SHIPPED_SHA256 and metrics["n"] == 10_000


def _snippets():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.fixture(scope="module")
def default_generator(tmp_path_factory):
    """A generator.npz of the default architecture, with moved BatchNorm statistics."""
    import numpy as np

    import minigan
    from minigan.gan.models import build_models

    generator, _, _ = build_models("default", 100, rng=np.random.default_rng(1))
    state = generator.state_dict()
    for key in state:
        if key.endswith("running_mean") or key.endswith("running_var"):
            state[key] = minigan.from_numpy(np.random.default_rng(2).uniform(0.5, 1.5, state[key].shape).astype(np.float32))
    run = tmp_path_factory.mktemp("readme") / "run"
    run.mkdir()
    minigan.save(state, run / "generator.npz")
    (run / "config.json").write_text('{"arch": "default", "latent_dim": 100}')
    return run


def test_the_numpy_forward_pass_draws_what_minigan_draws(default_generator):
    import numpy as np

    from minigan.gan import load_generator
    from minigan.gan.sampling import generate

    code = _snippets()[0].replace("runs/first/generator.npz", str(default_generator / "generator.npz"))
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    generator, arch, _ = load_generator(default_generator)
    z = np.random.default_rng(0).standard_normal((16, 100)).astype(np.float32)
    np.testing.assert_allclose(scope["images"].reshape(16, 784), generate(generator, z, arch), atol=2e-6)


def test_the_pytorch_code_loads_the_same_network(default_generator):
    import numpy as np

    import minigan
    from minigan.gan import load_generator
    from minigan.gan.sampling import generate

    code = _snippets()[1].replace("runs/first/generator.npz", str(default_generator / "generator.npz"))
    assert code.startswith("import torch\nimport torch.nn as nn\n")
    code = code.replace("import torch\nimport torch.nn as nn\n", "import minigan as torch\nimport minigan.nn as nn\n")
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # minigan takes PyTorch's names, so it stands in
    assert tuple(scope["images"].shape) == (16, 28, 28)
    generator, arch, _ = load_generator(default_generator)
    z = np.random.default_rng(0).standard_normal((4, 100)).astype(np.float32)
    with minigan.no_grad():
        theirs = scope["G"](minigan.tensor(z)).numpy()
    np.testing.assert_allclose(theirs, generate(generator, z, arch), atol=2e-6)


def test_help_names_every_architecture_and_promises_nothing_untested():
    from minigan.gan.models import ARCHITECTURES
    from minigan.train import build_parser

    parser = build_parser()
    text = " ".join(parser.format_help().split())
    arch_help = text.split("--arch {", 2)[2].split("--loss {", 1)[0]  # the option's help, after the usage line
    for name in ARCHITECTURES:
        assert f"{name} = " in arch_help, f"--arch {name} has no help"
    assert "ten classes" not in text and "recognisable" not in text
