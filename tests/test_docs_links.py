"""Every file the package and the docs cite exists, and user-facing text uses no internal jargon.

Scanned: every source file of the package (docstrings, --help texts, messages, comments), the
README and docs/*.md. A path such as ``minigan/gan/models.py``, ``docs/tour.md``,
``examples/x.py`` or ``bench/kernels.py`` must exist in the repository; a bare ``NAME.md`` must
be the README or a file in docs/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATH = re.compile(r"(?<![\w./-])((?:minigan|docs|examples|bench|tests)/[\w./-]*[\w/])")
MARKDOWN_FILE = re.compile(r"(?<![\w/.-])([\w-]+\.md)\b")


def _sources() -> list[Path]:
    files = sorted((ROOT / "minigan").rglob("*.py")) + sorted((ROOT / "docs").glob("*.md"))
    return files + [ROOT / "README.md"]


def cited_paths(text: str) -> set[str]:
    """The repository paths a text cites. A markdown link from docs/ (``../minigan/ops.py``) is
    read from the repository root; ``~/.cache/minigan/...`` and URLs are not repository paths."""
    return set(PATH.findall(text.replace("../", " ")))


def test_the_path_pattern():
    text = ("see minigan/gan/models.py. Or docs/tour.md, [x](../minigan/ops.py) and minigan/backends/; "
            "not https://example.org/x/minigan or my_minigan/x.py or ~/.cache/minigan/mnist")
    assert cited_paths(text) == {"minigan/gan/models.py", "docs/tour.md", "minigan/ops.py", "minigan/backends/"}
    assert MARKDOWN_FILE.findall("DESIGN.md, README.md and docs/tour.md") == ["DESIGN.md", "README.md"]


@pytest.mark.parametrize("source", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_cited_files_exist(source):
    text = source.read_text(encoding="utf-8")
    missing = sorted(path for path in cited_paths(text) if not (ROOT / path).exists())
    missing += sorted(name for name in set(MARKDOWN_FILE.findall(text))
                      if not (ROOT / name).exists() and not (ROOT / "docs" / name).exists())
    assert not missing, f"{source.relative_to(ROOT)} cites files that are not in the repository: {missing}"


@pytest.mark.parametrize("source", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_names_in_user_facing_text(source):
    text = source.read_text(encoding="utf-8")
    for word in ("seeds'", "DEFAULT_NOTES", "CONV_NOTES"):
        assert word not in text, f"{source.relative_to(ROOT)} says {word!r}"


def test_the_lab_notes_live_in_docs():
    for name in ("default-run-notes.md", "conv-notes.md", "kernel-measurements.md"):
        assert (ROOT / "docs" / name).read_text(encoding="utf-8").startswith("# ")
