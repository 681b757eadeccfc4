"""Tests for valuekit.analysis.redact.

Each rule is tested on the formats it must catch and on look-alikes it must leave alone (money, years, dates,
percentages, codes, Things That Matter, days, months, company names); a hypothesis property checks that no
e-mail address or link survives any text; and, when the sample portfolio is present, that redaction changes
exactly the six sample comments its README lists as carrying personal data.
"""

from __future__ import annotations

import doctest
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuekit.analysis import redact as redact_module
from valuekit.analysis.redact import EMAIL, LINK, NAME, PHONE, redact, redact_series
from valuekit.config import SAMPLES_DIR
from valuekit.errors import ValuekitError

# Independent of the module's own patterns: what an e-mail address and a link look like.
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK_LIKE = re.compile(r"(?i)(?:https?://|\bwww\.)\S")


def test_docstring_examples():
    result = doctest.testmod(redact_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 3


@pytest.mark.parametrize(
    "address",
    [
        "jo.bloggs@acme.co.uk",
        "JO_BLOGGS+vm@Sub.Acme-Group.com",
        "helpdesk@medserve.example",
        "o'neil@x.org",
        "zoë.müller@example.de",
    ],
)
def test_email(address):
    out = redact(f"Write to {address}, please.")
    assert out == f"Write to {EMAIL}, please."


@pytest.mark.parametrize(
    "number",
    [
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "07700900123",
        "0161 496 0734",
        "(555) 123-4567",
        "+1-555-123-4567",
        "555-123-4567",
        "555.123.4567",
        "0044 20 7946 0958",
        "+33 1 23 45 67 89",
        "020 7946 0958 ext. 204",
    ],
)
def test_phone(number):
    assert redact(f"Ring {number} today.") == f"Ring {PHONE} today."


@pytest.mark.parametrize(
    "text",
    [
        "The contract is worth £1.2bn over 7 years, or $250,000 a month, €3.5m in 2025.",
        "Invoices of £12,500.00 and £1,200,000 were disputed.",
        "Renewal on 2025-03-31, signed 31/03/2025, reviewed 31.03.2025 and on 4 March 2025.",
        "Between 2019 and 2025, and again 2019-2025, scores rose 12.5% to 45%.",
        "SLA 3 was breached; TRU-01, RSP-02C and R-RSP scored 2 in Q3 and Q4 2025.",
        "We rated 1 2 3 4 5 on the scale; ISO 9001 and 27001 apply; 24/7 cover; 3-5 days.",
        "Ticket 123456 was closed after 48 hours; PO 12345678 raised.",
    ],
)
def test_numbers_that_are_not_phones(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://portal.acme.example/reports?id=3.", f"See {LINK}."),
        ("See http://intranet/page (old).", f"See {LINK} (old)."),
        ("Go to www.medserve.example/support, which nobody reads.", f"Go to {LINK}, which nobody reads."),
        ("Visit acme.co.uk/contact or example.com.", f"Visit {LINK} or {LINK}."),
        ("HTTPS://SHOUT.EXAMPLE.ORG", LINK),
    ],
)
def test_links(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after a cue: the cue stays, the name goes
        ("I spoke to John about it.", f"I spoke to {NAME} about it."),
        ("Thanks to Okonkwo Adeyemi, it was fixed.", f"Thanks to {NAME}, it was fixed."),
        ("cc: Dave Smith", f"cc: {NAME}"),
        ("Our manager Okafor was brilliant.", f"Our manager {NAME} was brilliant."),
        # titles go with the name
        ("Mrs Patel and Dr. O'Neil were great.", f"{NAME} and {NAME} were great."),
        # a listed given name with a surname, or alone when it is not an ordinary word
        ("Things got better when Priya Shah took over.", f"Things got better when {NAME} took over."),
        ("Account Manager Kevin McDonald left.", f"Account Manager {NAME} left."),
        ("Sarah never replies.", f"{NAME} never replies."),
        ("Mark Thompson helped.", f"{NAME} helped."),
        ("In March Sarah Jones said so.", f"In March {NAME} said so."),
        # handles
        ("@sarah.jones please fix", f"{NAME} please fix"),
    ],
)
def test_names(text, expected):
    assert redact(text) == expected


def test_names_given_are_removed_with_their_parts():
    text = "Ngozi Obi said so, and Obi was right; ngozi obi agreed."
    assert redact(text, names=["Ngozi Obi"]) == f"{NAME} said so, and {NAME} was right; {NAME} agreed."


@pytest.mark.parametrize(
    "text",
    [
        "Will the service improve? The grace period was fine. May was a good month.",
        "Trust is low; Governance meets on Monday; Delivery and Innovation lag in January.",
        "Ask Finance, spoke to Procurement, thanks to the Board and the Service Desk.",
        "Our Head of Estates and the Service Delivery Manager met the IT team.",
        "TRU-01 and Q3 and SLA 3.",
    ],
)
def test_ordinary_words_are_not_names(text):
    assert redact(text) == text


def test_keep_protects_company_names():
    text = "We spoke to Morgan Sindall about Acme."
    assert redact(text) == f"We spoke to {NAME} about Acme."
    assert redact(text, keep=["Morgan Sindall"]) == text


def test_the_sample_personal_data():
    text = "Tom Whitaker at the Leeds depot is brilliant: ring him on 07700 900461 and it gets sorted."
    assert redact(text) == f"{NAME} at the Leeds depot is brilliant: ring him on {PHONE} and it gets sorted."


def test_series_keeps_index_and_missing_values():
    s = pd.Series(["Call 020 7946 0958", None, "Call 020 7946 0958", np.nan, "fine"], index=list("abcde"))
    out = redact_series(s)
    assert list(out.index) == list("abcde")
    assert out["a"] == out["c"] == f"Call {PHONE}"
    assert pd.isna(out["b"]) and pd.isna(out["d"]) and out["e"] == "fine"


def test_series_matches_scalar(rng):
    pieces = ["Email a.b@c.com", "ring 020 7946 0958", "see www.x.org", "thanks to Sarah Jones", "all fine"]
    texts = [" and ".join(rng.choice(pieces, size=3)) for _ in range(50)]
    assert redact_series(pd.Series(texts)).tolist() == [redact(t) for t in texts]


def test_bad_input():
    with pytest.raises(ValuekitError, match="string"):
        redact(42)
    with pytest.raises(ValuekitError, match="names must be strings"):
        redact("x", names=[1])


_pieces = st.sampled_from(
    [
        "jo@acme.co.uk",
        "x.y+z@mail.example.org",
        "http://a.b/c",
        "https://x.example/y?z=1",
        "www.site.com",
        "WWW.SITE.ORG/path",
        "@handle",
        "Sarah Jones",
        "020 7946 0958",
        "(",
        ")",
        ".",
        "@",
        " ",
        "://",
        "www",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), _pieces), max_size=12))
def test_no_email_or_link_survives(parts):
    out = redact("".join(parts))
    assert not EMAIL_LIKE.search(out), out
    assert not LINK_LIKE.search(out), out


@pytest.mark.skipif(not (SAMPLES_DIR / "comments.csv").exists(), reason="no sample portfolio")
def test_sample_comments_change_only_where_personal_data_is():
    comments = pd.read_csv(SAMPLES_DIR / "comments.csv")
    out = redact_series(comments["text"])
    changed = comments.loc[out != comments["text"], "text"]
    planted = re.compile(r"@|https?://|www\.|\d{4} \d{3}|Priya Shah|Tom Whitaker")
    assert changed.str.contains(planted).all()
    assert comments["text"].str.contains(planted).sum() == len(changed) == 6
    for text in out[out != comments["text"]]:
        assert not re.search(r"@|https?://|www\.|\d{3}|Priya|Shah|Whitaker|Tom ", text), text
