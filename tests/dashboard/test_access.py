"""Who may see what: a page's query string against its token, and the server's mode."""

from __future__ import annotations

import pytest

from valuekit.dashboard._access import (
    ACCESS_ENV,
    OPEN,
    REFUSALS,
    TOKEN,
    access_mode,
    portfolio_access,
    query_string,
    relationship_access,
    served_by_voila,
)
from valuekit.dashboard._tokens import sign

KEY = b"k" * 32
GOOD = f"relationship=rel-a&token={sign('rel-a', secret=KEY)}"


@pytest.mark.parametrize("mode", [OPEN, TOKEN])
def test_a_signed_link_locks_the_page_to_its_relationship(mode):
    access = relationship_access(GOOD + "&cycle=solve", mode=mode, secret=KEY)
    assert access.allowed and access.locked
    assert (access.relationship, access.cycle) == ("rel-a", "solve")


@pytest.mark.parametrize("mode", [OPEN, TOKEN])
@pytest.mark.parametrize(
    "query, why",
    [
        (f"relationship=rel-b&token={sign('rel-a', secret=KEY)}", "invalid"),  # edited relationship
        ("relationship=rel-a&token=" + "A" * 43, "invalid"),  # wrong token
        (f"relationship=rel-a&token={sign('rel-a', secret=KEY)[:-2]}", "invalid"),  # shortened token
        ("relationship=rel-a", "no_token"),  # dropped token
        ("relationship=rel-a&token=", "no_token"),
        (f"token={sign('rel-a', secret=KEY)}", "invalid"),  # dropped relationship
        (GOOD + "&relationship=rel-b", "invalid"),  # a second relationship
        (GOOD + f"&token={sign('rel-a', secret=KEY)}", "invalid"),  # a repeated token
        (f"relationship=../etc&token={sign('../etc', secret=KEY)}", "invalid"),  # not an id
        (GOOD + "&cycle=<script>", "invalid"),
        (
            f"relationship=portfolio&token={sign('portfolio', 'portfolio', secret=KEY)}",
            "invalid",
        ),  # other scope
    ],
)
def test_anything_else_naming_a_relationship_is_refused_in_every_mode(mode, query, why):
    access = relationship_access(query, mode=mode, secret=KEY)
    assert not access.allowed and not access.locked
    assert access.refused == REFUSALS[why]
    assert access.relationship is None  # nothing of any relationship is named to the page


def test_no_query_string_is_the_analysts_view_in_open_mode_only():
    open_ = relationship_access("", mode=OPEN, secret=KEY)
    assert open_.allowed and not open_.locked and open_.relationship is None
    assert relationship_access("?", mode=OPEN, secret=KEY).allowed
    refused = relationship_access("", mode=TOKEN, secret=KEY)
    assert refused.refused == REFUSALS["no_link"]
    assert relationship_access("cycle=solve", mode=TOKEN, secret=KEY).refused == REFUSALS["no_link"]


def test_portfolio_needs_open_mode_or_its_own_token():
    assert portfolio_access("", mode=OPEN, secret=KEY).allowed
    assert portfolio_access("", mode=TOKEN, secret=KEY).refused == REFUSALS["portfolio"]
    token = sign("portfolio", "portfolio", secret=KEY)
    assert portfolio_access(f"token={token}", mode=TOKEN, secret=KEY).allowed
    for query in (f"token={sign('rel-a', secret=KEY)}", "token=x", GOOD, f"token={token}&token={token}"):
        assert not portfolio_access(query, mode=TOKEN, secret=KEY).allowed
        assert not portfolio_access(query, mode=OPEN, secret=KEY).allowed


def test_mode_is_open_outside_voila_and_token_by_default_inside(monkeypatch):
    assert not served_by_voila() and access_mode() == OPEN and query_string() == ""
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    assert served_by_voila() and access_mode() == TOKEN  # voila run by hand: the safe default
    monkeypatch.setenv(ACCESS_ENV, "open")
    assert access_mode() == OPEN
    monkeypatch.setenv(ACCESS_ENV, "anything else")
    assert access_mode() == TOKEN


def test_query_string_in_a_normal_voila_kernel(monkeypatch):
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", GOOD)
    assert query_string() == GOOD


def test_without_a_usable_secret_links_are_refused_plainly(monkeypatch, capsys):
    monkeypatch.setenv("VALUEKIT_DASHBOARD_SECRET", "short")
    access = relationship_access(GOOD, mode=TOKEN)
    assert access.refused == REFUSALS["unavailable"]
