"""The command line as a user meets it: help that explains, errors without tracebacks, exit codes."""

import subprocess
import sys
from pathlib import Path

import pytest

from valuekit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "diagnostics" / "client-supplier.yaml"


def run(*args, env=None):
    """Run the installed entry point in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "valuekit.cli", *map(str, args)], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize("command", ["sample", "import", "validate", "info", "export", "summary"])
def test_every_command_has_help(command):
    out = run(command, "--help")
    assert out.returncode == 0
    assert "Usage: valuekit" in out.stdout
    # help says what the command is for, not just its options
    doc = cli.commands[command].help
    assert doc and len(doc.split()) > 8


def test_top_level_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for command in ["sample", "import", "validate", "info", "export"]:
        assert command in out.stdout


def test_info_on_missing_store_is_a_plain_error(tmp_path):
    out = run("info", "--store", tmp_path / "nope.duckdb")
    assert out.returncode == 2
    assert out.stderr.startswith("error: no store at")
    assert "Traceback" not in out.stderr


def test_validate_shipped_template():
    out = run("validate", TEMPLATE)
    assert out.returncode == 0, out.stderr
    assert "valid template client-supplier@" in out.stdout


def test_validate_broken_template_names_file_and_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEMPLATE.read_text().replace("derived_from: RSP-01", "derived_from: RSP-99", 1))
    out = run("validate", bad)
    assert out.returncode == 2
    assert str(bad) in out.stderr
    assert "RSP-99" in out.stderr and "points to no Value Code" in out.stderr
    assert "Traceback" not in out.stderr


def test_version():
    out = run("--version")
    assert out.returncode == 0 and "valuekit" in out.stdout


SAMPLES = ROOT / "data" / "samples"


def test_import_samples_then_again_changes_nothing(tmp_path):
    store = tmp_path / "s.duckdb"
    first = run("import", SAMPLES, "--store", store)
    assert first.returncode == 0, first.stderr
    assert "Nothing rejected" in first.stdout
    second = run("import", SAMPLES, "--store", store)
    assert second.returncode == 0  # idempotent: already stored is success, not failure
    assert "Stored nothing new" in second.stdout and "Unchanged (already stored): 72111 rows" in second.stdout
    info = run("info", "--store", store)
    assert info.returncode == 0
    assert "14 relationships" in info.stdout
    assert "harbourside-northwind" in info.stdout and "dissolve-2" in info.stdout


def test_sample_command_writes_what_is_committed(tmp_path):
    out = run("sample", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    for committed in SAMPLES.glob("*.csv"):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name


def test_export_round_trip(tmp_path):
    store = tmp_path / "s.duckdb"
    assert run("import", SAMPLES, "--store", store).returncode == 0
    out = run("export", tmp_path / "out", "--store", store, "--relationship", "wexford-polaris")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "out" / "responses.csv").exists()
    missing = run("export", tmp_path / "x", "--store", store, "--relationship", "nope")
    assert missing.returncode == 2 and "available: ashby-corelink" in missing.stderr


def test_summary_names_the_planted_first_choice(tmp_path):
    store = tmp_path / "s.duckdb"
    assert run("import", SAMPLES, "--store", store).returncode == 0
    out = run("summary", "--store", store, "--reference-date", "2026-11-01")
    assert out.returncode == 0, out.stderr
    assert "1. halden-vantage" in out.stdout
    assert (
        "fenwick-crossway: change champion, transformational leader and change stabilizer roles vacant"
        in out.stdout
    )
    healthy = next(line for line in out.stdout.splitlines() if line.strip().startswith("healthy:"))
    for rel in ["lindenfield-oakmont", "thornbury-helix", "redwater-stratus"]:
        assert rel in healthy
