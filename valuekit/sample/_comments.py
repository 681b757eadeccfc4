"""Compose the sample's free-text comments from the phrase banks, with a tone that follows the person's ratings."""

from __future__ import annotations

import numpy as np

from . import _phrases as P

__all__ = ["Composer", "PERSONAL_DATA"]

#: Comments that deliberately contain personal data, for redaction tests:
#: (relationship_id, cycle_id, subject_id, text, what it contains). All addresses use reserved example domains
#: and numbers from the ranges Ofcom keeps for drama.
PERSONAL_DATA: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "harbourside-northwind",
        "resolve",
        "oq-change-one-thing",
        "Please give us one named person to escalate to; at the moment I e-mail "
        "mark.ellis@northwind-services.example and hope for the best.",
        ("email",),
    ),
    (
        "harbourside-northwind",
        "resolve",
        "responsiveness",
        "The out-of-hours line, 0161 496 0734, goes to voicemail every time.",
        ("phone",),
    ),
    (
        "pinecrest-clearview",
        "resolve",
        "oq-missing",
        "The reporting portal at https://portal.clearview-it.example/reports is down half the time, "
        "so nobody can see how the service is performing.",
        ("url",),
    ),
    (
        "kestrel-ironbridge",
        "resolve",
        "trust",
        "Things only got better when Priya Shah took over the site meetings; before that nobody said "
        "anything honest.",
        ("name",),
    ),
    (
        "meridian-atlas",
        "resolve",
        "oq-working-well",
        "Tom Whitaker at the Leeds depot is brilliant: ring him on 07700 900461 and it gets sorted.",
        ("name", "phone"),
    ),
    (
        "st-aldric-medserve",
        "solve",
        "oq-change-one-thing",
        "Send queries to helpdesk@medserve.example rather than the old form at www.medserve.example/support, "
        "which nobody reads.",
        ("email", "url"),
    ),
)


def _tone(score: float) -> str:
    if np.isnan(score):
        return P.NEU
    if score <= 2.4:
        return P.NEG
    if score >= 3.6:
        return P.POS
    return P.NEU


class Composer:
    """Draws comment texts with one generator, so the same seed always gives the same words."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def _pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def _other(self, other_short: str, other_side: str) -> str:
        return other_short if self.rng.random() < 0.6 else f"the {other_side}"

    @staticmethod
    def _join(opener: str, core: str, tail: str = "") -> str:
        text = opener + core
        return text[0].upper() + text[1:] + tail

    def about(self, ttm: str, score: float, other_short: str, other_side: str) -> str:
        """A comment on a Thing That Matters whose tone follows the person's mean rating of it."""
        tone = _tone(score)
        core = self._pick(P.CORES[ttm][tone]).format(other=self._other(other_short, other_side))
        return self._join(self._pick(P.OPENERS[tone]), core, self._pick(P.TAILS[tone]))

    def working_well(self, ttm: str, score: float, other_short: str, other_side: str) -> str:
        if not np.isnan(score) and score <= 2.0:
            return self._pick(P.LITTLE_WORKS)
        core = self._pick(P.CORES[ttm][P.POS]).format(other=self._other(other_short, other_side))
        return self._join(self._pick(P.OPENERS[P.POS]), core, self._pick(P.TAILS[P.POS]))

    def change_one_thing(self, ttm: str, score: float) -> str:
        if not np.isnan(score) and score >= 4.0:
            return self._pick(P.LITTLE_TO_CHANGE)
        return self._join(self._pick(P.CHANGE_OPENERS), self._pick(P.CHANGE[ttm]))

    def missing(self, ttm: str) -> str:
        if self.rng.random() < 0.45:
            return self._pick(P.NOTHING_TO_ADD)
        return self._pick(P.MISSED_FRAMES).format(topic=P.MISSED_TOPIC[ttm])

    def theme(self, other_short: str, other_side: str) -> str:
        """A comment on the planted theme that the template does not cover."""
        core = self._pick(P.THEME).format(other=self._other(other_short, other_side))
        return self._join(self._pick(P.THEME_OPENERS), core, self._pick(P.THEME_TAILS))
