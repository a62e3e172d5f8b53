"""README.md: its two commands come first, its op tables match the code, its package layout lists
every file of the package, and the tour, examples and graph picture it points to exist."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "docs"))
import ops_table  # docs/ops_table.py, the generator of the tables (imported after the path is set)


def test_the_two_commands_come_first():
    lines = README.splitlines()
    assert lines[:5] == ["# minigan", "", "```bash", "pip install -e . && python -m minigan.train",
                         "pip install -e '.[test]' && python -m pytest"]


def test_the_op_tables_are_what_the_code_generates():
    assert ops_table.readme_block(README) == ops_table.tables(), (
        "README.md's op tables are out of date: run python docs/ops_table.py --write")


def test_every_op_layer_and_loss_has_a_row():
    from minigan.gradcheck.coverage import function_classes

    block = ops_table.readme_block(README)
    rows = set(re.findall(r"^\| `([\w.]+)` \|", block, flags=re.M))
    assert {cls.__name__ for cls in function_classes()} <= rows
    assert {"nn.Linear", "nn.BatchNorm1d", "nn.Conv2d", "nn.BCEWithLogitsLoss", "nn.CrossEntropyLoss"} <= rows
    assert len(rows) == len(function_classes()) + sum(1 for line in block.splitlines() if line.startswith("| `nn."))


def layout_rows() -> list[tuple[int, str]]:
    """(layer, path) for each line of the README's package layout."""
    section = README.split("## Package layout", 1)[1]
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
    assert "(docs/tour.md)" in README
    numbered = sorted(path.name for path in (ROOT / "examples").glob("[0-9][0-9]_*.py"))
    assert len(numbered) == 6
    for name in numbered:
        assert f"`examples/{name}`" in README, f"the README does not list examples/{name}"
    picture = re.search(r"!\[[^\]]*\]\((docs/images/graph\.(?:png|svg))\)", README)
    assert picture, "no graph picture in the README"
    assert (ROOT / picture.group(1)).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_generator_reports_bad_usage_in_one_line():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "ops_table.py"), "--bogus"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.strip() == "usage: python docs/ops_table.py [--write]"
