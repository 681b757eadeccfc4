"""Designing a diagnostic for one relationship, and exporting its questionnaire for a survey tool.

The design steps of ``notebooks/00_design.ipynb``: pick the Value Codes a cycle asks (:func:`select_codes`),
adapt a library template to the relationship — reword codes, set mirror pairs — and validate it
(:func:`adapt_template`, :func:`check_design`), map each party's own titles to the common levels
(:func:`equivalence_table`, :func:`check_equivalences`), then export what a survey tool needs
(:func:`export_questionnaire`):

``questionnaire.html``          printable, the five evaluation statements of each Value Code in red → green
``questionnaire.md``            the same in Markdown
``questions.csv``               one row per Value Code: the five statements as options, plus "Don't know"
``follow_up_questions.csv``     about you (party, level, function), importance, desired level, open questions
``mapping.yaml``                for ``valuekit import --mapping``: which column is which Value Code
``template.yaml``               the adapted template, to put in ``templates/diagnostics/``
``parties.csv``, ``equivalences.csv``  the relationship's parties and equivalence maps, as ``valuekit import`` reads them

Column names. Each question has a ``column_name`` (``TRU-01``, ``TRU-01_importance``, ``oq-missing``,
``party``): name the question so in the survey tool (its export tag or column header) and the export's columns
match ``mapping.yaml``. A tool that names columns by question text still imports: the importer matches a
Value Code's description ("The extent to which …") by itself (:mod:`valuekit.importers.mapping`).

The public names are re-exported here from private modules that may change freely: ``_design`` (choosing,
adapting, checking), ``_lists`` (question lists and the import mapping) and ``_printable`` (HTML, Markdown, export).
"""

from __future__ import annotations

from ._design import (
    EDITABLE,
    LONG_MINUTES,
    SECONDS,
    adapt_template,
    check_design,
    check_equivalences,
    equivalence_table,
    mirror_table,
    parties_table,
    select_codes,
    template_changes,
    template_overview,
)
from ._lists import (
    DONT_KNOW,
    FOLLOW_UP_COLUMNS,
    IMPORTANCE_OPTIONS,
    QUESTION_COLUMNS,
    follow_up_list,
    import_mapping,
    question_list,
)
from ._printable import export_questionnaire, preview_code, questionnaire_html, questionnaire_markdown

__all__ = [
    "DONT_KNOW",
    "SECONDS",
    "LONG_MINUTES",
    "IMPORTANCE_OPTIONS",
    "EDITABLE",
    "QUESTION_COLUMNS",
    "FOLLOW_UP_COLUMNS",
    "template_overview",
    "mirror_table",
    "select_codes",
    "adapt_template",
    "template_changes",
    "check_design",
    "parties_table",
    "equivalence_table",
    "check_equivalences",
    "question_list",
    "follow_up_list",
    "import_mapping",
    "questionnaire_markdown",
    "questionnaire_html",
    "preview_code",
    "export_questionnaire",
]
