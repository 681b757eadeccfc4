"""Signed links: tokens, the secret and where it lives, and the links printed."""

from __future__ import annotations

import os
import stat
from urllib.parse import parse_qs, urlsplit

import pytest

from valuekit.config import PROJECT_ROOT
from valuekit.dashboard._errors import DashboardError
from valuekit.dashboard._tokens import (
    SECRET_ENV,
    SECRET_FILE_ENV,
    load_secret,
    portfolio_link,
    relationship_link,
    secret_path,
    sign,
    verify,
)

KEY = b"k" * 32


def test_a_token_is_an_hmac_of_the_relationship_and_its_scope():
    import base64
    import hashlib
    import hmac

    expected = hmac.new(KEY, b"valuekit-dashboard/1\x1frelationship\x1frel-a", hashlib.sha256).digest()
    assert sign("rel-a", secret=KEY) == base64.urlsafe_b64encode(expected).rstrip(b"=").decode()
    assert len(sign("rel-a", secret=KEY)) == 43


def test_verify_accepts_only_the_same_relationship_scope_and_secret():
    token = sign("rel-a", secret=KEY)
    assert verify("rel-a", token, secret=KEY)
    assert not verify("rel-b", token, secret=KEY)
    assert not verify("rel-a", token, "portfolio", secret=KEY)
    assert not verify("rel-a", token, secret=b"x" * 32)
    assert not verify("rel-a", token[:-1], secret=KEY)
    assert not verify("rel-a", "", secret=KEY)
    assert not verify("rel-a", None, secret=KEY)
    assert not verify("rel-a", token + "é", secret=KEY)


def test_unknown_scope_is_an_error():
    with pytest.raises(DashboardError, match="scope"):
        sign("rel-a", "everything", secret=KEY)


def test_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "z" * 40)
    assert load_secret() == b"z" * 40
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(DashboardError, match="at least 32"):
        load_secret()


def test_secret_file_is_made_once_private_and_outside_the_repo(monkeypatch, tmp_path):
    monkeypatch.delenv(SECRET_ENV)
    path = secret_path()
    assert path == tmp_path / "config" / "valuekit" / "dashboard-secret"
    first = load_secret()
    assert path.exists() and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_secret() == first  # made once, then read


def test_secret_file_must_exist_when_not_created(monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(DashboardError, match="no dashboard secret"):
        load_secret(create=False)


def test_a_secret_others_can_read_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(SECRET_ENV)
    load_secret()
    os.chmod(secret_path(), 0o644)
    with pytest.raises(DashboardError, match="chmod 600"):
        load_secret()


def test_a_secret_inside_the_repository_is_refused(monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    monkeypatch.setenv(SECRET_FILE_ENV, str(PROJECT_ROOT / ".valuekit" / "secret"))
    with pytest.raises(DashboardError, match="inside the project folder"):
        load_secret()
    assert not (PROJECT_ROOT / ".valuekit" / "secret").exists()


def test_relationship_link_carries_the_relationship_and_its_token():
    url = relationship_link("harbourside-northwind", "https://dash.example.org/vm", cycle="solve", secret=KEY)
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://dash.example.org/vm/voila/render/relationship.ipynb"
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "relationship": "harbourside-northwind",
        "cycle": "solve",
        "token": sign("harbourside-northwind", secret=KEY),
    }


def test_portfolio_link_carries_the_portfolio_token():
    url = portfolio_link("http://127.0.0.1:8866/", secret=KEY)
    assert url.startswith("http://127.0.0.1:8866/voila/render/portfolio.ipynb?token=")
    assert verify("portfolio", url.split("token=")[1], "portfolio", secret=KEY)
