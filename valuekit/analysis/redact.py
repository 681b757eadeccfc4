"""Redaction: take e-mail addresses, phone numbers, links and people's names out of comment text.

DESIGN.md, question 7 and "Rules that hold everywhere": comments are quoted back to the community, so a
quote must not name or reach a person. :func:`redact` and :func:`redact_series` replace

- e-mail addresses → ``[e-mail]``;
- links (``http://``, ``https://``, ``www.`` and bare domains such as ``example.co.uk/page``) → ``[link]``;
- phone numbers → ``[phone]``;
- people's names → ``[name]``.

Everything is rule-based, offline and deterministic: regular expressions and word lists embedded in this
module, no model and no download. The rules, in the order they run:

1. **E-mail**: ``local@domain.tld`` with Unicode letters allowed (``jo.bloggs+vm@acme.co.uk``).
2. **Links**: anything from ``http://``, ``https://`` or ``www.`` to the next space (trailing punctuation
   kept outside), and bare domains ending in a common top-level domain (``.com``, ``.co.uk``, ``.org``,
   ``.gov.uk``, ``.nhs.uk``, ``.io`` …), with any path.
3. **Phones**: a run of digits with spaces, dots, hyphens or a bracketed area code, accepted when it starts
   with ``+`` and has 8–15 digits (``+44 20 7946 0958``, ``+1-555-123-4567``, ``+44 (0)20 7946 0958``);
   starts with ``0`` and has 10–11 digits, or ``00`` and 11–15 (``020 7946 0958``, ``07700 900123``);
   starts with a bracketed area code and has 10–12 digits (``(555) 123-4567``); or is North American
   ``555-123-4567`` / ``555.123.4567``. An extension (``ext. 204``, ``x204``) goes with it. Years, dates
   (``2025-03-31``, ``31.03.2025``), money (``£1.2bn``, ``$250,000``), percentages, scores, ranges
   (``2019-2025``) and codes (``SLA 3``, ``TRU-01``, ``Q3``) do not qualify: too few digits, no leading
   ``+``/``0``/bracket, or preceded by a currency sign, letter or hyphen.
4. **Names given** in ``names``: each matched whole-word and case-insensitively, longest first; the parts of
   a multi-word name (``"Priya Shah"`` → ``Priya``, ``Shah``) are matched too where they are capitalised in
   the text, unless a part is a protected word (below).
5. **Names by cue**: a capitalised word (and a capitalised word after it, the surname) following a cue —
   *spoke to / talked to / speak with / met with / ask(ed) / thanks (to) / thank you / cc / contact(ed) /
   call(ed) / e-mail(ed) / per*, a role word (*manager, director, lead, boss, colleague, engineer,
   officer, coordinator, consultant, rep*), an ``@`` handle (``@sarah.jones``), or a title (*Mr, Mrs, Ms,
   Miss, Mx, Dr, Prof, Sir, Dame*; the title goes with the name, so ``Mrs Patel`` → ``[name]``).
6. **Given names**: a capitalised word from the embedded list of common English given names
   (:data:`GIVEN_NAMES`, about 400) followed by a capitalised word (``Sarah Jones`` → ``[name]``), or on its
   own (``Sarah never replies`` → ``[name] never replies``) unless the name is also an ordinary word
   (:data:`AMBIGUOUS_GIVEN_NAMES`: *Mark, Grace, Hope, Frank, Bill, Jack* …), which is only taken with a
   surname or after a cue.

Protected words are never taken as a name by rules 5–6, nor as the parts of a name in rule 4: the Things That Matter (*Trust, Governance,
Delivery* …), days, months, pronouns and other sentence openers, and common organisational words
(*Finance, Procurement, Board, Service Desk* …) in :data:`PROTECTED_WORDS`, plus every word of the ``keep``
list (company, party and product names: ``keep=["Morgan Sindall"]`` stops *Morgan* being taken as a name).

Limitations — what is **not** caught (read before quoting anything verbatim):

- names written in lower case (``spoke to sarah``), names not in the list without a cue
  (``Okonkwo sorted it``), surnames alone without a title (``Patel never replies``), initials (``JS``),
  nicknames and non-English names not in the list, names that are also common words without a surname
  or cue (``Grace was helpful``), and *Will* and *May*, which are protected words even after a cue;
- descriptions that identify a person without naming them (*"the only night-shift engineer"*, *"our new
  Head of Estates"*): redaction is no substitute for the anonymity threshold;
- obfuscated contact details (``jo dot bloggs at acme dot com``, ``0 2 0 7 9 4 6 …``), phone numbers
  written with words, and short numbers (``999``, ``111``, extensions on their own);
- bare domains with an uncommon top-level domain (``acme.consulting``).

And what is caught too eagerly (false positives, all harmless for privacy):

- reference numbers that look like phones (``PO 0123456789`` starts with ``0`` and has 10 digits);
- a capitalised word after a cue that is a company, team or product not in ``keep`` or the protected
  words (``spoke to Capita`` → ``spoke to [name]``; pass ``keep=["Capita"]``);
- dotted names like ``ASP.net`` (bare-domain rule) and given names that start a company name
  (``Morgan Sindall`` unless kept).

Examples
--------
>>> redact("Email jo.bloggs@acme.co.uk or call 020 7946 0958, see www.acme.co.uk/help.")
'Email [e-mail] or call [phone], see [link].'
>>> redact("Thanks to Sarah Jones, the £1.2bn deal closed on 2025-03-31 (SLA 3 met 98% of the time).")
'Thanks to [name], the £1.2bn deal closed on 2025-03-31 (SLA 3 met 98% of the time).'
>>> redact("I spoke to Mr Okafor and Priya about TRU-01 in Q3.", names=["Priya Shah"])
'I spoke to [name] and [name] about TRU-01 in Q3.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "EMAIL",
    "LINK",
    "PHONE",
    "NAME",
    "PLACEHOLDERS",
    "GIVEN_NAMES",
    "AMBIGUOUS_GIVEN_NAMES",
    "PROTECTED_WORDS",
    "redact",
    "redact_series",
]

EMAIL = "[e-mail]"
LINK = "[link]"
PHONE = "[phone]"
NAME = "[name]"
#: The tokens redaction leaves behind, in the order the rules run.
PLACEHOLDERS: tuple[str, ...] = (EMAIL, LINK, PHONE, NAME)

# --- word lists ------------------------------------------------------------------------------------------

#: Common English given names (UK and US), lower case. A capitalised one of these followed by a capitalised
#: word is taken as a person's name; on its own too unless it is also in AMBIGUOUS_GIVEN_NAMES.
GIVEN_NAMES: frozenset[str] = frozenset(
    """
    aaron adam adrian aidan alan albert alex alexander alfie alfred ali alistair andrew andy angus anthony
    archie arthur ashley barry ben benjamin bernard billy blake bradley brandon brendan brian bruce callum
    calvin cameron carl charles charlie chris christian christopher clive colin connor craig damian damien
    daniel danny darren david declan dennis derek dominic douglas dylan edward eliot elliot eric ethan
    eugene evan felix finlay finn fraser freddie frederick gareth gary gavin geoffrey george gerald gordon
    graham gregory harrison harry harvey henry howard hugh hugo iain ian isaac jacob jake james jamie jason
    jeffrey jeremy jerome jesse joe joel john johnny jonathan joseph josh joshua julian justin keith kenneth
    kevin kieran kyle leo leon leonard lewis liam logan louis luke malcolm marcus martin matthew michael
    mike mohammed muhammad nathan neil nicholas nigel noah oliver oscar owen patrick paul peter philip phil
    ralph raymond reece richard ricky robert roger ronald ross russell ryan samuel scott sean sebastian
    simon spencer stanley stephen steve steven stuart terry theo thomas timothy toby tom tommy tony trevor
    tristan tyler vincent wayne william zachary
    abigail adele agnes alice alison amanda amelia amy andrea angela anna anne annie antonia barbara
    beatrice bethany beverley brenda bridget caitlin carol caroline catherine charlotte chloe christine
    claire clare danielle deborah debbie denise diana diane donna dorothy eleanor elizabeth ella ellie
    eloise emily emma erin esther eva evelyn fiona francesca gemma georgina gillian hannah harriet helen
    imogen isabel isabella isabelle jacqueline jane janet jennifer jenny jessica jill joan joanna joanne
    josephine judith julia julie karen kate katherine kathryn katie kelly kerry kirsty laura lauren leah
    linda lisa louise lucy lydia lynn madeleine maria marie marion martha mary megan melanie melissa
    michelle millie miriam molly monica naomi natalie natasha nicola nicole olivia paula pauline philippa
    priya rachel rebecca rhiannon rosie ruth samantha sandra sara sarah sharon shirley siobhan sophie
    stephanie susan suzanne tanya teresa tracey tracy valerie vanessa vera wendy yvonne zoe
    aisha amir anil arjun deepak fatima hassan imran kamal layla mei nadia omar rahul raj ravi sanjay
    sunil tariq yusuf zara zainab wei ling aditi ananya chen kofi kwame ngozi chidi olu emeka
    """.split()
    + """
    will may mark bill grace hope joy rose amber faith frank sue pat art guy jack dawn summer iris ruby
    holly ivy penny chase drew miles rich gene lily robin sandy crystal angel cliff dale glen ray rod norm
    jade pearl violet heather daisy hunter mason carter cooper parker harper page reed chance max don bob
    nick rob matt dean earl sunny melody autumn brook lance wade olive hazel poppy willow kit sage ernest
    florence victoria georgia virginia austin jordan sydney chester lincoln taylor morgan
    """.split()
)

#: Given names that are also ordinary words or places: taken only with a surname or after a cue.
AMBIGUOUS_GIVEN_NAMES: frozenset[str] = frozenset(
    """
    will may mark bill grace hope joy rose amber faith frank sue pat art guy jack dawn summer iris ruby
    holly ivy penny chase drew miles rich gene lily robin sandy crystal angel cliff dale glen ray rod norm
    jade pearl violet heather daisy hunter mason carter cooper parker harper page reed chance max don bob
    nick rob matt dean earl sunny melody autumn brook lance wade olive hazel poppy willow kit sage ernest
    florence victoria georgia virginia austin jordan sydney chester lincoln taylor morgan
    """.split()
)

_DAYS_MONTHS = """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec christmas easter
"""
# The Things That Matter of the shipped template, by id and by the words of their names.
_THINGS_THAT_MATTER = """
    trust openness responsiveness responsive commercial fairness communication information flow delivery
    service innovation continuous improvement governance decision decisions decision-making people ways
    working shared outcomes outcome value
"""
_FUNCTION_WORDS = """
    i me my we us our ours you your he him his she her it its they them their this that these those there
    here the a an and but or nor so yet if then than when while where why what who whom whose which how
    in on at for from with without by of to as into onto over under about after before during since until
    across between through against among within all any both each every some most many much more less few
    no not none nothing never always often sometimes usually also too very really just only still even
    now again already recently lately currently overall however although though because whereas perhaps
    maybe please thanks thank yes ok okay hi hello dear regards best kind great good well new old next last
    first second one two three four five other another same such own can could would should will shall
    must might is are was were be been being do does did done have has had get got let lets
    someone somebody anyone anybody everyone everybody nobody noone nothing everything something
    """
_ORGANISATION = """
    team teams board boards finance procurement legal operations ops estates facilities hr it ict digital
    security compliance audit risk contract contracts commercial account accounts management manager
    managers director directors head heads lead leads chief officer executive executives ceo cfo cio coo
    cto department departments division group company companies firm council government ministry trust
    nhs ltd limited plc llp inc corp corporation services service desk helpdesk centre center office
    client clients supplier suppliers partner partners customer customers user users vendor vendors
    programme program project projects portfolio steering committee forum review meeting meetings
    sla slas kpi kpis qbr mi rfp itt erp crm api cloud microsoft google amazon teams zoom slack excel
    outlook sharepoint jira servicenow
    north south east west england scotland wales ireland uk london manchester birmingham leeds glasgow
    edinburgh bristol cardiff belfast europe european british english
"""

#: Lower-case words never taken as a name (plus everything in ``keep``).
PROTECTED_WORDS: frozenset[str] = frozenset(
    (_DAYS_MONTHS + _THINGS_THAT_MATTER + _FUNCTION_WORDS + _ORGANISATION).split()
)

# --- patterns --------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~\-]+@[\w\-]+(?:\.[\w\-]+)+")
_TLDS = r"com|org|net|edu|gov|io|info|biz|eu|uk|co\.uk|org\.uk|gov\.uk|ac\.uk|nhs\.uk|ltd\.uk|plc\.uk|me|us"
_LINK_RE = re.compile(
    r"(?i:https?://|\bwww\.)\S*"  # scheme or www. up to the next space
    rf"|\b[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:{_TLDS})\b(?:/\S*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"’”»…"
_PHONE_RE = re.compile(
    r"(?<![\w£$€¥#/.,:\-+])"
    r"(?:\+[ \t]?\d{1,3}|\(\+?\d{1,5}\)|\d)"
    r"(?:[ \t.\-–]{0,2}(?:\(\d{1,5}\)|\d)){6,18}"
    r"(?:[ \t]*(?:ext\.?|x)[ \t]*\d{1,5})?"
    r"(?![\w%£$€]|[.,]\d)"
)
_EXTENSION_RE = re.compile(r"[ \t]*(?:ext\.?|x)[ \t]*\d{1,5}$")
_NANP_RE = re.compile(r"^1?[ \t.\-]?\d{3}[ \t.\-]\d{3}[ \t.\-]\d{4}$")
_DIGITS_RE = re.compile(r"\d\d")
_HANDLE_RE = re.compile(r"(?<![\w.])@[^\W\d_][\w.\-]*\w")

_WORD = r"(?:[A-Z][’'])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
_TITLES = r"mr|mrs|ms|miss|mx|dr|prof|sir|dame"
_CUES = (
    r"(?:spoke|speak|speaking|talk|talked|talking|met|meet|meeting|chat|chatted)[ \t]+(?:to|with)"
    r"|ask|asked|asking|thanks[ \t]+to|thank[ \t]+you|thanks|cc:?|contact|contacted|call|called"
    r"|e-?mail|e-?mailed|per"
    r"|manager|director|lead|boss|colleague|engineer|officer|coordinator|co-ordinator|consultant|rep"
)
_ROLE_CUES = frozenset(
    "manager director lead boss colleague engineer officer coordinator co-ordinator consultant rep".split()
)
_NAME_RUN_RE = re.compile(
    rf"(?:(?P<title>\b(?i:{_TITLES})\.?[ \t]+)|(?P<cue>\b(?i:{_CUES})[ \t]+))?"
    rf"(?P<run>\b{_WORD}(?:[ \t]+{_WORD})*\b)"
)


def _strip_trailing(m: re.Match) -> str:
    s = m.group(0)
    core = s.rstrip(_TRAILING)
    return LINK + s[len(core) :] if core else s


def _phone(m: re.Match) -> str:
    s = m.group(0)
    number = _EXTENSION_RE.sub("", s)
    digits = sum(c.isdigit() for c in number)
    if s.startswith("+"):
        ok = 8 <= digits <= 15
    elif s.startswith("("):
        ok = 10 <= digits <= 12
    elif s.startswith("00"):
        ok = 11 <= digits <= 15
    elif s.startswith("0"):
        ok = 10 <= digits <= 11
    else:
        ok = bool(_NANP_RE.match(number))
    return PHONE if ok else s


class _Redactor:
    """The compiled rules for one set of ``names`` and ``keep`` words (built once, reused per text)."""

    def __init__(self, names: tuple[str, ...], keep: tuple[str, ...]):
        kept = {w.lower() for k in keep for w in re.findall(r"[\w’'\-]+", k)}
        self.protected = PROTECTED_WORDS | kept
        full = sorted({n.strip() for n in names if n and n.strip()}, key=lambda n: (-len(n), n))
        parts = sorted(
            {
                p
                for n in full
                if len(n.split()) > 1
                for p in re.findall(r"[^\W\d_][\w’'\-]*", n)
                if len(p) >= 3 and p.lower() not in self.protected
            },
            key=lambda p: (-len(p), p),
        )
        self.names_re = None
        alts = []
        if full:
            alts.append("(?i:" + "|".join(r"[ \t]+".join(map(re.escape, n.split())) for n in full) + ")")
        if parts:  # a part only where it is capitalised in the text
            alts.append("|".join(re.escape(p[0].upper() + p[1:]) for p in parts))
        if alts:
            self.names_re = re.compile(r"(?<![\w@])(?:" + "|".join(alts) + r")(?![\w@])")

    def _is_word(self, token: str) -> bool:
        return token.lower() in self.protected

    def _run(self, m: re.Match) -> str:
        tokens = re.split(r"([ \t]+)", m.group("run"))
        words, seps = tokens[0::2], tokens[1::2]
        cue_next = m.group("title") is not None or m.group("cue") is not None
        out: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            low = w.lower()
            nxt = words[i + 1] if i + 1 < len(words) else None
            nxt_ok = nxt is not None and not self._is_word(nxt)
            start = False
            if not self._is_word(w):
                if cue_next:
                    start = True
                elif low in GIVEN_NAMES:
                    start = nxt_ok or low not in AMBIGUOUS_GIVEN_NAMES
            cue_next = low in _ROLE_CUES
            if start:
                out.append(NAME)
                i += 2 if nxt_ok else 1
            else:
                out.append(w)
                i += 1
            if i < len(words):
                out.append(seps[i - 1])
        prefix = "" if m.group("title") else (m.group("cue") or "")
        if m.group("title") and out and out[0] != NAME:  # a title before a protected word: not a person
            prefix = m.group("title")
        return prefix + "".join(out)

    def __call__(self, text: str) -> str:
        at = "@" in text
        if at:
            text = _EMAIL_RE.sub(EMAIL, text)
        if "." in text:
            text = _LINK_RE.sub(_strip_trailing, text)
        if _DIGITS_RE.search(text):
            text = _PHONE_RE.sub(_phone, text)
        if self.names_re is not None:
            text = self.names_re.sub(NAME, text)
        if at:
            text = _HANDLE_RE.sub(NAME, text)
        return _NAME_RUN_RE.sub(self._run, text)


@lru_cache(maxsize=32)
def _redactor(names: tuple[str, ...], keep: tuple[str, ...]) -> _Redactor:
    return _Redactor(names, keep)


def _as_tuple(values: Iterable[str] | str | None, what: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):  # a bare string would be read letter by letter
        return (values,)
    out = tuple(values)
    bad = [v for v in out if not isinstance(v, str)]
    if bad:
        from valuekit.errors import ValuekitError

        raise ValuekitError(f"{what} must be strings; got {bad[:3]!r}")
    return out


def redact(text: str, names: Iterable[str] = (), *, keep: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, links, phone numbers and people's names in one comment.

    Parameters
    ----------
    text : str
        The comment.
    names : iterable of str
        Names known to appear (participants, account teams): always replaced, case-insensitively, and their
        capitalised parts too.
    keep : iterable of str
        Company, party and product names that must not be taken for a person's name.

    Returns
    -------
    str
        The text with ``[e-mail]``, ``[link]``, ``[phone]`` and ``[name]`` in place of what was found. The
        rules and their limitations are in the module docstring.
    """
    if not isinstance(text, str):
        from valuekit.errors import ValuekitError

        raise ValuekitError(f"redact() takes a string; got {type(text).__name__}")
    return _redactor(_as_tuple(names, "names"), _as_tuple(keep, "keep"))(text)


def redact_series(s: pd.Series, names: Iterable[str] = (), *, keep: Iterable[str] = ()) -> pd.Series:
    """:func:`redact` over a Series of comments; missing values stay missing, the index is kept.

    The rules are compiled once and each distinct text is redacted once, so repeated comments cost nothing.
    """
    rule = _redactor(_as_tuple(names, "names"), _as_tuple(keep, "keep"))
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = np.array([rule(str(u)) for u in uniques] + [None], dtype=object)
    values = np.where(codes >= 0, done[codes], s.to_numpy(dtype=object))
    return pd.Series(values, index=s.index, name=s.name, dtype=object)
