# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Design: which questions will this relationship's community answer?
#
# A diagnostic is not written from scratch. It starts from a **template** in the library — a versioned set of
# Things That Matter, each made measurable by **Value Codes** with five evaluation statements from *Failing* to
# *Best practice* — and is adapted to the relationship: the Value Codes that will resonate with this community
# are picked and reworded, mirror pairs are set so each party can rate the other, and each party's own job
# titles are mapped to common levels so that results can say "middle management on both sides agreed that…".
#
# This notebook walks through that design for one cycle and exports what a survey tool needs: a printable
# questionnaire (HTML and Markdown), a CSV list of questions with the evaluation statements as options, and a
# mapping file that `valuekit import` uses to read the survey tool's export back in.

# %%
from valuekit import Privacy, find_template
from valuekit import notebook as vk
from valuekit.questionnaire import (
    adapt_template,
    check_design,
    check_equivalences,
    export_questionnaire,
    follow_up_list,
    mirror_table,
    preview_code,
    question_list,
    select_codes,
    template_changes,
    template_overview,
)

# %% tags=["parameters"]
relationship = "acme-bolt"  # the relationship to design for (a new one here: its parties are below)
cycle = "solve"  # the kind of cycle: "resolve", "solve" or "dissolve"
template_id = "client-supplier"  # a template in templates/diagnostics/
template_version = None  # None: its newest version
things = ["trust", "responsiveness", "delivery", "governance"]  # Things That Matter to ask about; None: all
drop_codes = ["TRU-04"]  # Value Codes to leave out
edits = {"RSP-01": {"title": "Everyday requests between Acme and Bolt"}}  # {code: {field: new text}}
mirror_pairs = []  # more pairs to set: [[client half, supplier half], …]
parties = {
    "acme": {"name": "Acme Borough Council", "side": "client"},
    "bolt": {"name": "Bolt Business Services", "side": "supplier"},
}  # None (with equivalences None): read both from the store for an existing relationship
equivalences = {
    "acme": {
        "level": {"Director": "senior_leadership", "Head of Service": "middle_management", "Officer": "front_line"},
        "function": {"Revenues": "operations", "Procurement": "commercial", "ICT": "technology"},
    },
    "bolt": {
        "level": {"Account Director": "senior_leadership", "Service Manager": "middle_management", "Adviser": "front_line"},
        "function": {"Service Delivery": "service_delivery", "Commercial": "commercial", "IT": "technology"},
    },
}  # fmt: skip
title = None  # the questionnaire's heading; None: the template's title
store_path = None  # only read when parties or equivalences are None
k = 5  # the anonymity threshold the results will use (shown to respondents as a promise)
k_comments = 10  # the same for comments
output_dir = None  # None: artifacts/notebooks/00_design/<relationship>/<cycle> in the project

# %% [markdown]
# ## Choose a template
#
# The library template and how many Value Codes each kind of cycle asks about each Thing That Matters. Resolve
# asks one broad Value Code per Thing That Matters and leaves room for comment; Solve verifies them with several
# richer ones, including mirror pairs; Dissolve tracks sharper Value Codes derived from Solve's.

# %%
template = find_template(template_id, template_version)
out = vk.output_folder(output_dir, "00_design", relationship, cycle)
parties_table, equivalences_table = vk.design_for(relationship, parties, equivalences, store_path)
vk.show(template_overview(template), caption=f"{template.title} ({template.label})")

# %% [markdown]
# ## Pick the Value Codes
#
# Keep the Things That Matter that will resonate with this community and leave out Value Codes that do not fit
# the relationship. Fewer, sharper questions get more and better answers; leaving out one half of a mirror pair
# leaves out both, since a half alone shows no gap. *About* says whom a Value Code is about; *rated by* which
# sides answer it.

# %%
codes = select_codes(template, cycle, things=things, drop=drop_codes)
chosen = template.codes_frame().set_index("code_id").loc[codes].reset_index()
vk.show(chosen, ["code_id", "thing_that_matters_name", "title", "about", "rated_by", "mirror"])

# %% [markdown]
# ## Adapt and validate
#
# Reword what needs the relationship's own words — titles, descriptions, help, any of the five evaluation
# statements — and set extra mirror pairs. Keep the ids: results are tracked across cycles by them. The adapted
# template gets its own version (`1.0.0+<relationship>`) and is validated whole: any problem (a description
# that does not read "The extent to which …", two identical statements, a mirror pair whose halves disagree) is
# reported with the Value Code and what is wrong, all at once. First what changed from the library, then the
# reviewer's checks: what is measured and what is not, mirror pairs, and how long the questionnaire will take.

# %%
adapted = adapt_template(template, keep=codes, edits=edits, mirrors=mirror_pairs, suffix=relationship)
vk.show(template_changes(template, adapted), empty="No Value Code was reworded.")

# %%
vk.show(check_design(adapted, cycle), caption=adapted.label)

# %% [markdown]
# ### Mirror pairs
#
# Each pair asks the client's people and the supplier's people the same thing about one party, so Solve can
# show how differently the two parties see it — a *perception gap*, often the most productive conversation the
# diagnostic starts.

# %%
vk.show(mirror_table(adapted, cycle), empty="No mirror pairs in this cycle: no perception gaps will show.")

# %% [markdown]
# ### One Value Code as respondents will see it
#
# Respondents pick the evaluation statement that fits, from *Failing* (red) to *Best practice* (green), or
# "Don't know". Read the five statements aloud: each should describe a situation people will recognise, and
# each level should be clearly better than the one before.

# %%
preview_code(adapted, codes[0], parties=parties_table)

# %% [markdown]
# ## Map the equivalences
#
# Each party has its own titles. The equivalence map translates them into the common levels — senior
# leadership, middle management, front line — and common functions, so results can compare like with like
# across the two organisations. Every common level should have at least one title from each party; one left
# empty cannot be compared.

# %%
vk.show(check_equivalences(equivalences_table))

# %% [markdown]
# ## Export for the survey tool
#
# Everything a survey tool and `valuekit import` need. Build the survey from `questions.csv` (one row per Value
# Code: the question, its help, and the five evaluation statements then "Don't know" as the options) and
# `follow_up_questions.csv` (about you, importance, the level wanted, open questions); name each question by its
# `column_name` so that the export matches `mapping.yaml`. Print `questionnaire.html` for a paper version or a
# review meeting. Put `template.yaml` in `templates/diagnostics/` so the results can be analysed against it.

# %%
privacy = Privacy(k=k, k_comments=k_comments)
files = export_questionnaire(
    adapted, out, cycle, title=title, parties=parties_table, equivalences=equivalences_table, privacy=privacy
)
vk.files_markdown(files)

# %%
vk.show(
    question_list(adapted, cycle).head(3),
    ["column_name", "title", "question", "option_1", "option_5", "option_dont_know"],
)

# %%
vk.show(follow_up_list(adapted, cycle, parties=parties_table, equivalences=equivalences_table).head(6))

# %% [markdown]
# **Next.** Add the relationship to the store — its row of `relationships.csv` naming this template version,
# `parties.csv` and `equivalences.csv` from here, and the cycle — then run the survey and import its export with
# `valuekit import export.csv --relationship <id> --cycle <cycle> --mapping mapping.yaml`. The questionnaire's
# introduction makes respondents the promise the analysis keeps: no result for a group of fewer than `k`
# people, and comments only in themes from at least `k_comments`.
