"""environment.yml (conda) and pyproject.toml (pip) must name the same dependencies with the same bounds."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return dict(_split(r) for r in reqs)


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str) or dep == "pip" or dep.startswith("python="):
            continue
        name, bound = _split(dep)
        out[CONDA_TO_PYPI.get(name, name)] = bound
    return out


def test_environment_yml_matches_pyproject():
    pip, conda = _pyproject(), _conda()
    assert set(conda) == set(pip), (
        f"only in environment.yml: {sorted(set(conda) - set(pip))}; only in pyproject.toml: {sorted(set(pip) - set(conda))}"
    )
    differing = {k: (pip[k], conda[k]) for k in pip if pip[k] != conda[k]}
    assert not differing, f"version bounds differ (pyproject, environment.yml): {differing}"


def test_environment_yml_installs_valuekit_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_users_packages_are_named():
    # the packages the user asked for by name (DESIGN.md)
    pip = _pyproject()
    for name in ["jupyterlab", "ipywidgets", "voila", "pandas", "seaborn", "papermill", "nbval"]:
        assert name in pip
