"""The README's Python example runs and says what it claims."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from valuekit.importers import import_path
    from valuekit.store import Store

    path = tmp_path_factory.mktemp("readme") / "s.duckdb"
    with Store(path) as store:
        import_path(ROOT / "data" / "samples", store)
    return path


def test_readme_python_example_runs(sample_store, capsys):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README shows no Python example"
    code = blocks[0].replace('".valuekit/valuekit.duckdb"', repr(str(sample_store)))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 — running our own README
    agreement = namespace["agreement"].set_index("group")
    row = agreement.loc["Both parties' middle management"]
    assert row["classification"] == "agreed"
    assert round(row["consensus"], 2) == 0.95 and round(row["mean"], 1) == 1.9
    assert namespace["consensus"]([1, 1, 5, 5]) == 0.0
    assert round(namespace["rwg"]([3, 4, 4, 5]), 3) == 0.667


def test_readme_shows_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_screen = text[: text.index("## What is where")]
    assert "make demo" in first_screen and "make test" in first_screen
