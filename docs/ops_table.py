"""The tables of ops and layers in docs/internals.md, generated from the code itself.

    python docs/ops_table.py            # print the tables
    python docs/ops_table.py --write    # replace the block between the ops-table markers in docs/internals.md

The ops are every ``minigan.Function`` subclass in the package (found by
minigan/gradcheck/coverage.py:function_classes, the list the gradient checks cover), with f and
its derivative from the first paragraph of the op's docstring; the layers and losses are the
Module classes ``minigan.nn`` exports. tests/test_readme.py fails when docs/internals.md's tables differ
from this output, so a new op cannot be left out.
"""
from __future__ import annotations

import inspect
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "docs" / "internals.md"  # the file whose block is generated
BEGIN, END = "<!-- ops-table:begin -->", "<!-- ops-table:end -->"


LONG = 200  # characters: a longer summary keeps its first sentence only


def _summary(cls: type) -> str:
    """The docstring's first paragraph on one line (its first sentence if long), in Markdown
    that is safe inside a table cell."""
    paragraph = " ".join(inspect.getdoc(cls).split("\n\n")[0].split())
    if len(paragraph) > LONG and ". " in paragraph:
        paragraph = paragraph[:paragraph.index(". ") + 1]
    paragraph = re.sub(r":(?:class|func|meth):`([^`]+)`", r"`\1`", paragraph).replace("``", "`")
    return paragraph.replace("|", "\\|")


def _file(cls: type) -> str:
    return Path(inspect.getfile(cls)).resolve().relative_to(ROOT).as_posix()


def ops_rows() -> list[str]:
    from minigan.gradcheck.coverage import function_classes

    rows = ["| op | f and its derivative | file |", "|---|---|---|"]
    for cls in sorted(function_classes(), key=lambda c: (_file(c), c.__name__)):
        rows.append(f"| `{cls.__name__}` | {_summary(cls)} | `{_file(cls)}` |")
    return rows


def layer_rows() -> list[str]:
    import minigan.nn as nn

    modules = [getattr(nn, name) for name in nn.__all__]
    layers = [m for m in modules if inspect.isclass(m) and issubclass(m, nn.Module) and m is not nn.Module]
    rows = ["| layer or loss | what it computes | file |", "|---|---|---|"]
    for cls in sorted(layers, key=lambda c: (_file(c), c.__name__)):
        rows.append(f"| `nn.{cls.__name__}` | {_summary(cls)} | `{_file(cls)}` |")
    return rows


def tables() -> str:
    from minigan.gradcheck.coverage import function_classes

    count = len(function_classes())
    return "\n".join([
        f"The {count} ops, each one `Function` (forward and backward side by side, f and f' in its docstring):",
        "",
        *ops_rows(),
        "",
        "The layers and losses of `minigan.nn`, built from those ops:",
        "",
        *layer_rows(),
    ])


def readme_block(text: str) -> str:
    """What docs/internals.md holds between the markers (ValueError if they are missing)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/internals.md has no {BEGIN} ... {END} block")
    return text[start + len(BEGIN):end].strip("\n")


def write_readme() -> None:
    text = README.read_text(encoding="utf-8")
    readme_block(text)  # the markers must be there
    start, end = text.find(BEGIN) + len(BEGIN), text.find(END)
    updated = text[:start] + "\n" + tables() + "\n" + text[end:]
    handle, temporary = tempfile.mkstemp(dir=README.parent, prefix=".README.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(updated)
    os.replace(temporary, README)


def main(argv: list[str]) -> int:
    if argv not in ([], ["--write"]):
        print("usage: python docs/ops_table.py [--write]", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    if argv:
        try:
            write_readme()
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"wrote the op tables into {README}")
    else:
        print(tables())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
