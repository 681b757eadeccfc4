"""The question lists a survey tool is built from, and the mapping ``valuekit import`` reads them back with."""

from __future__ import annotations

import pandas as pd

from ..schemas import LEVELS
from ..templates import Template

#: The answer that means "no rating" (stored as missing, never as a level).
DONT_KNOW = "Don't know"
#: The importance scale, 1 to 5, in the words the importers read.
IMPORTANCE_OPTIONS = (
    "Not at all important",
    "Slightly important",
    "Moderately important",
    "Very important",
    "Extremely important",
)
#: The fields of a Value Code :func:`adapt_template` may change.
QUESTION_COLUMNS = [
    "position", "column_name", "code_id", "thing_that_matters", "thing_that_matters_name", "title", "question",
    "help", "rated_by", "about", "mirror", "option_1", "option_2", "option_3", "option_4", "option_5",
    "option_dont_know", "asks_importance", "asks_desired",
]  # fmt: skip
FOLLOW_UP_COLUMNS = ["position", "column_name", "kind", "subject_id", "question", "options", "rated_by"]
_OPTION_SEP = " | "


def question_list(template: Template, cycle: str) -> pd.DataFrame:
    """One row per Value Code the cycle asks: the question and its five evaluation statements as options.

    Returns
    -------
    DataFrame
        :data:`QUESTION_COLUMNS`, in questionnaire order: ``question`` is the description ("The extent to
        which …"), ``option_1`` … ``option_5`` the evaluation statements from Failing to Best practice,
        ``option_dont_know`` is "Don't know"; ``asks_importance`` and ``asks_desired`` say whether the
        follow-up questions (:func:`follow_up_list`) go with it.

    Examples
    --------
    >>> from valuekit.templates import find_template
    >>> q = question_list(find_template("client-supplier"), "resolve")
    >>> q[["column_name", "title", "option_dont_know"]].head(2).to_dict("records")[0]
    {'column_name': 'R-TRU', 'title': 'Trust between the parties', 'option_dont_know': "Don't know"}
    """
    names = {t.id: t.name for t in template.things_that_matter}
    rows = []
    for pos, c in enumerate(template.codes_for(cycle), start=1):
        row = {"position": pos, "column_name": c.id, "code_id": c.id, "thing_that_matters": c.thing_that_matters,
               "thing_that_matters_name": names[c.thing_that_matters], "title": c.title,
               "question": c.description, "help": c.help or "", "rated_by": "|".join(c.rated_by),
               "about": c.about, "mirror": c.mirror or ""}  # fmt: skip
        row.update({f"option_{lv}": c.statement(lv) for lv in LEVELS})
        row.update(option_dont_know=DONT_KNOW, asks_importance="importance" in c.asks,
                   asks_desired="desired" in c.asks)  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=QUESTION_COLUMNS)


def follow_up_list(
    template: Template,
    cycle: str,
    *,
    parties: pd.DataFrame | None = None,
    equivalences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every question other than the ratings: about you, importance, desired level, and open questions.

    Parameters
    ----------
    parties, equivalences
        :func:`parties_table` and :func:`equivalence_table`: the options of "Which organisation do you work
        for?", "Your role level" and "Your function" (each party's own titles). Without them the options are
        left empty to fill in the survey tool.

    Returns
    -------
    DataFrame
        :data:`FOLLOW_UP_COLUMNS`; ``kind`` is ``about_you``, ``importance``, ``desired`` or ``open``;
        ``options`` are ``" | "``-joined (importance: :data:`IMPORTANCE_OPTIONS`; desired: the Value Code's
        five evaluation statements).
    """
    rows = []

    def add(column, kind, subject, question, options=(), rated_by=""):
        rows.append({"position": len(rows) + 1, "column_name": column, "kind": kind, "subject_id": subject,
                     "question": question, "options": _OPTION_SEP.join(options), "rated_by": rated_by})  # fmt: skip

    eq = (
        equivalences if equivalences is not None else pd.DataFrame(columns=["party_id", "dimension", "local"])
    )
    add("party", "about_you", "party", "Which organisation do you work for?",
        list(parties["name"]) if parties is not None else ())  # fmt: skip
    for dim, text in (("level", "Your role level"), ("function", "Your function")):
        add(dim, "about_you", dim, text, list(dict.fromkeys(eq.loc[eq["dimension"] == dim, "local"])))
    for c in template.codes_for(cycle):
        rated = "|".join(c.rated_by)
        if "importance" in c.asks:
            add(f"{c.id}_importance", "importance", c.id, f"{c.description} – how important is this to you?",
                IMPORTANCE_OPTIONS, rated)  # fmt: skip
        if "desired" in c.asks:
            add(f"{c.id}_desired", "desired", c.id,
                f"{c.description} – which statement describes the level you want to see (desired)?",
                [*c.statements, DONT_KNOW], rated)  # fmt: skip
    for q in template.open_questions_for(cycle):
        add(q.id, "open", q.id, q.text)
    return pd.DataFrame(rows, columns=FOLLOW_UP_COLUMNS)


def import_mapping(template: Template, cycle: str) -> dict:
    """The mapping ``valuekit import --mapping`` reads (:mod:`valuekit.importers.mapping`), by column name.

    Sections ``questions``, ``importance``, ``desired`` and ``comments``; the respondent fields are found by
    their column names ``party``, ``level`` and ``function`` without a ``fields`` section.

    Examples
    --------
    >>> from valuekit.templates import find_template
    >>> m = import_mapping(find_template("client-supplier"), "resolve")
    >>> m["questions"]["R-TRU"], m["importance"]["R-TRU_importance"]
    ('R-TRU', 'R-TRU')
    """
    codes = template.codes_for(cycle)
    out = {
        "questions": {c.id: c.id for c in codes},
        "importance": {f"{c.id}_importance": c.id for c in codes if "importance" in c.asks},
        "desired": {f"{c.id}_desired": c.id for c in codes if "desired" in c.asks},
        "comments": {q.id: q.id for q in template.open_questions_for(cycle)},
    }
    return {k: v for k, v in out.items() if v}
