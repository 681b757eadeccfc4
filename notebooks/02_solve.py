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
# # Solve: does the community confirm the Things That Matter, and what should change first?
#
# **Solve** is the second cycle. Resolve surfaced a handful of Things That Matter; Solve verifies them with
# richer **Value Codes** — several per Thing That Matters, each with five evaluation statements written for it,
# some asked of each side about the other (mirror pairs). It shifts the conversation from letting tension out to
# constructive engagement, and shows the community that its voice was heard.
#
# This notebook reads one relationship's Solve cycle as the method asks: how each Value Code is rated from every
# perspective, who agrees and who is divided, how differently the two parties see the same things, what matters
# most and is most neglected, the findings in words, and a first list of improvement actions for the top
# priorities to take to the people who will own them.
#
# **Privacy.** Every number has passed valuekit's privacy gate: nothing is shown for a group of fewer than `k`
# respondents, nor for one that could be worked out from others by subtraction. Hidden groups are marked, never
# blank without a reason.

# %%
from IPython.display import display

from valuekit import Privacy
from valuekit import notebook as vk
from valuekit.actions import propose_actions
from valuekit.analysis.overview import analyse
from valuekit.plots import (
    plot_agreement,
    plot_engagement,
    plot_heatmap_parts,
    plot_mirror_gaps,
    plot_priorities,
)

# %% tags=["parameters"]
relationship = "harbourside-northwind"  # the relationship_id to report on
cycle = "solve"  # its Solve cycle
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme
top_actions = 5  # how many improvement actions to propose
output_dir = None  # None: artifacts/notebooks/02_solve/<relationship>/<cycle> in the project

# %% [markdown] tags=["remove-cell"]
# ## Load
#
# Open the store for this relationship and its Solve cycle — the notebook stops here, saying what exists, if
# either is missing — and run every analysis of the method on it once with `analyse`, each through the privacy
# gate. The cells below read its tables one at a time (`result.agreement` is `agreement_by_perspective(data,
# ["side", "common_level"])`, and so on: see `valuekit.analysis.overview.Analysis`).

# %%
store = vk.open_for(relationship, cycle, store_path, kind="solve")
privacy = Privacy(k=k, k_comments=k_comments)
result = analyse(store, relationship, cycle, privacy=privacy)
data = result.data
out = vk.output_folder(output_dir, "02_solve", relationship, cycle)
vk.describe(data)

# %% [markdown]
# ## Check: who took part
#
# Solve's findings speak for the people who answered. Check the response by party and level before reading
# anything else; groups flagged as under-represented are where to read with care and chase next time.

# %%
plot_engagement(result.engagement)

# %% [markdown]
# ## Every Value Code from every perspective
#
# The heat map is the diagnostic's core view: each row a Value Code in questionnaire order, each column a
# perspective (side × common level), each cell the group's mean rating coloured from red (*Failing*) through
# yellow (*Performing*) to green (*Best practice*). Read down a column for what one group thinks; read across a
# row for whether the perspectives agree. A Value Code answered by one side only has dashes for the other side;
# hatched cells are hidden groups. A long diagnostic is drawn in parts, a few Things That Matter each, so that
# every part prints on one page at a readable size.

# %%
for part in plot_heatmap_parts(result.scores_by_side_level):
    display(part)

# %% [markdown]
# Rolled up to the Things That Matter (each respondent's mean over a Thing That Matters' Value Codes, then the
# mean over respondents), for the whole community:

# %%
vk.show(
    result.things,
    ["thing_that_matters_name", "n_codes", "n", "mean", "ci_low", "ci_high", "share_favourable"],
)

# %% [markdown]
# ## Who agrees, who is divided
#
# A group can be *agreed* (most of it picked the same or neighbouring statements), *divided* (it split into
# camps at both ends of the scale) or *mixed*. The method cares about both: "middle management on both sides
# agreed that escalation is slow" is a mandate to act; "senior leaders were divided about commercial fairness" is
# a conversation to have first. Agreement is measured with Tastle–Wierman consensus, r_wg, van der Eijk's A and
# Sarle's bimodality coefficient (see `valuekit.analysis.agreement`); crosses on the chart are divided groups.

# %%
plot_agreement(result.agreement)

# %% [markdown]
# The divided groups by name, lowest consensus first:

# %%
divided = result.agreement[result.agreement["classification"] == "divided"].sort_values("consensus")
vk.show(
    divided,
    ["group", "code_id", "title", "n", "mean", "consensus", "agreement_a", "bimodality"],
    empty="No group is divided on any Value Code.",
)

# %% [markdown]
# **Fragmentation** sums this up for the relationship: the share of Value Codes on which the perspectives
# diverge — some group is divided, or the group means lie a full level or more apart. It is one of the signs
# the method reads as "visibly struggling", and it should fall as the cycles go on.

# %%
vk.show(
    result.fragmentation,
    ["perspective", "n_codes", "n_fragmented", "n_divided", "n_span", "fragmentation_index", "most_involved"],
)

# %%
fragmented = result.fragmentation_detail
vk.show(
    fragmented[fragmented["fragmented"]],
    ["code_id", "title", "reason", "low_group", "low_mean", "high_group", "high_mean", "mean_span"],
    empty="No Value Code is fragmented.",
)

# %% [markdown]
# ## How each party sees the other: mirror pairs
#
# A mirror pair asks the same thing of both sides: the client rates the supplier, and the supplier rates itself
# (or the other way round). The left panel puts the two ratings side by side; the right panel shows the gap,
# client minus supplier, with its 95 % interval. A *meaningful* gap — at least half a level, interval clear of
# zero — is a perception gap: one party believes it is doing well where the other does not. These are often the
# most productive conversations Solve starts.

# %%
plot_mirror_gaps(result.mirror_gaps)

# %% [markdown]
# ## What matters most and is most neglected
#
# Importance against performance (Martilla and James's importance–performance analysis): each Value Code that
# asks importance, placed by how important the community says it is (up) and how well it is performing
# (across). The shaded quadrant — more important than average, performing below average — is where to
# *concentrate*. Where a Value Code also asks the level people want, the shortfall (wanted minus now) sharpens
# the ranking; the top-ranked are labelled.

# %%
plot_priorities(result.priorities, top=top_actions)

# %% [markdown]
# The same, rolled up to the Things That Matter: the most neglected has rank 1.

# %%
vk.show(
    result.neglected.sort_values("rank"),
    ["rank", "thing_that_matters_name", "n", "mean_importance", "mean", "shortfall", "quadrant"],
)

# %% [markdown]
# ## Findings
#
# The tables above in words, ranked by how much each says, how firm its evidence is and how many people it
# speaks for. Each quotes its evidence; every number in it comes from a group the privacy gate shows. These are
# the statements to play back to the community, so it sees it was heard.

# %% tags=["findings"]
vk.findings_markdown(result.findings, top=12)

# %% [markdown]
# ## Proposed improvement actions
#
# The third step of the method: turn the top priorities into improvement actions. Each proposal below targets
# one priority Value Code (both halves of a mirror pair together), aims one level up — quoting the evaluation
# statement of that level as what good looks like next — and suggests an owner from whom the Value Code is
# about. Value Codes already owned by an open action are skipped. They are drafts with status *proposed*: take
# them to the people named, reword them, agree an owner and a date, and record them in the `actions` table so
# that the next cycle can read whether they moved their Value Codes.

# %%
proposed = propose_actions(result.priorities, data, top=top_actions, explain=True)
vk.show(
    proposed,
    ["action_id", "title", "code_ids", "owner", "aim", "why"],
    empty="No priority is free of an open action.",
)

# %% [markdown]
# ## For the record
#
# What the privacy gate hid in this analysis: groups only, never their size. (The notebook also saves its tables
# and states what its results can be reproduced from; a report shows that on its cover.)

# %%
vk.show(vk.hidden_groups(result.suppression_log, privacy=privacy), empty="Nothing was hidden.")

# %% tags=["remove-cell"]
vk.save(
    out,
    value_codes=result.scores_by_side_level,
    agreement=result.agreement,
    mirror_gaps=result.mirror_gaps,
    priorities=result.priorities,
    findings=result.findings,
    proposed_actions=proposed,
)

# %% tags=["remove-cell"]
vk.stamp_markdown(result.stamp)
