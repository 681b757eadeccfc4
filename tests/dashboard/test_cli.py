"""``valuekit dashboard``: links, warming the cache, and the serve command's options."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from valuekit.dashboard import _server, verify
from valuekit.dashboard.cli import dashboard, main


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_link_prints_a_signed_link(store_path):
    result = CliRunner().invoke(dashboard, ["link", "harbourside-northwind", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://127.0.0.1:8866/voila/render/relationship.ipynb?")
    q = query(url)
    assert q["relationship"] == "harbourside-northwind" and verify("harbourside-northwind", q["token"])


def test_link_behind_a_proxy_with_a_cycle(store_path, monkeypatch):
    monkeypatch.setenv("VALUEKIT_DASHBOARD_URL", "https://vm.example.org/dashboards")
    result = CliRunner().invoke(
        dashboard, ["link", "quarry-lane-brightfm", "--cycle", "resolve", "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("https://vm.example.org/dashboards/voila/render/relationship.ipynb?")
    assert query(result.output.strip())["cycle"] == "resolve"


def test_portfolio_link(store_path):
    result = CliRunner().invoke(dashboard, ["link", "--portfolio"])
    assert result.exit_code == 0
    assert verify("portfolio", query(result.output.strip())["token"], "portfolio")


@pytest.mark.parametrize(
    "args, message",
    [
        (["link", "nowhere"], "no relationship 'nowhere'"),
        (["link", "quarry-lane-brightfm", "--cycle", "dissolve-1"], "no cycle 'dissolve-1'"),
        (["link"], "name one RELATIONSHIP"),
        (["link", "quarry-lane-brightfm", "--portfolio"], "name one RELATIONSHIP"),
    ],
)
def test_errors_are_one_plain_line(store_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--store", str(store_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_warm_fills_the_cache(store_path, cache_dir):
    result = CliRunner().invoke(
        dashboard, ["warm", "--relationship", "wexford-polaris", "--no-portfolio", "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert "wexford-polaris solve" in result.output and "wexford-polaris resolve" in result.output
    assert list(cache_dir.glob("relationship~wexford-polaris~solve~~*.pickle"))


def test_serving_is_the_group_itself_with_safe_defaults(monkeypatch):
    seen = {}
    monkeypatch.setattr(_server, "serve", lambda **kw: seen.update(kw))
    result = CliRunner().invoke(dashboard, [])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8866 and not seen["require_token"] and seen["warm"]
    CliRunner().invoke(dashboard, ["--port", "9001", "--host", "0.0.0.0", "--require-token", "--no-warm"])
    assert (seen["port"], seen["host"], seen["require_token"], seen["warm"]) == (9001, "0.0.0.0", True, False)


def test_help_names_the_commands():
    result = CliRunner().invoke(dashboard, ["--help"])
    assert result.exit_code == 0 and "link" in result.output and "warm" in result.output
