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
# # Dissolve: what has changed since the last cycle, and did the improvement actions work?
#
# **Dissolve** is the third kind of cycle, and the one that repeats (dissolve-1, dissolve-2, …). Its Value Codes
# are derived from Solve's — sharpened to the behaviour the improvement actions target — so each cycle measures
# the transformation itself. This is where change accelerates; skip or stop the repeats and engagement and
# momentum are lost.
#
# This notebook compares one Dissolve cycle with the cycle before it: how each Value Code moved, with an honest
# interval around every change; whether the Value Codes each improvement action targeted moved more than those
# no action touched; what is still neglected; and the next actions to propose.
#
# **Privacy.** A change is shown only for groups the privacy gate shows in *both* cycles; nothing is shown for a
# group of fewer than `k` respondents, nor for one that could be worked out by subtraction.

# %%
from valuekit import Privacy
from valuekit import notebook as vk
from valuekit.actions import action_progress, propose_actions
from valuekit.analysis.change import compare_things
from valuekit.analysis.data import load_relationship
from valuekit.analysis.overview import analyse
from valuekit.plots import plot_change, plot_engagement, plot_priorities

# %% tags=["parameters"]
relationship = "harbourside-northwind"  # the relationship_id to report on
cycle = "dissolve-1"  # a Dissolve cycle: dissolve-1, dissolve-2, …
previous_cycle = None  # None: the cycle just before; or name an earlier one ("solve")
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme
top_actions = 3  # how many next improvement actions to propose
output_dir = None  # None: artifacts/notebooks/03_dissolve/<relationship>/<cycle> in the project

# %% [markdown] tags=["remove-cell"]
# ## Load
#
# Change needs two cycles: `history` holds every cycle of the relationship, `before` is the cycle to compare
# with. `analyse` then runs every analysis of the method on this cycle once, change since `before` included,
# each through the privacy gate (`result.change` is `compare_cycles(history, before, cycle)`, and so on: see
# `valuekit.analysis.overview.Analysis`). The notebook stops here, saying what exists, if the relationship or
# cycle is missing, if the cycle is not a Dissolve cycle, or if `previous_cycle` does not come before it.

# %%
store = vk.open_for(relationship, cycle, store_path, kind="dissolve")
history = load_relationship(store, relationship)
before = vk.cycle_before(history, cycle, previous_cycle)
privacy = Privacy(k=k, k_comments=k_comments)
result = analyse(store, relationship, cycle, previous_cycle=before, privacy=privacy)
data = result.data
out = vk.output_folder(output_dir, "03_dissolve", relationship, cycle)
vk.describe(data)

# %% [markdown]
# ## Check: who took part this time
#
# A change in scores means little if a different community answered. Compare this cycle's response by party
# and level with the last one: a level that stopped responding can move a mean on its own.

# %%
plot_engagement(result.engagement)

# %% [markdown]
# ## How each Value Code moved
#
# Each Value Code of this cycle is compared with itself in the earlier cycle, or with the code it was derived
# from (`D-RSP-01` evolved from Solve's `RSP-01`), so lineage is followed even as the wording sharpens. The dot
# is the change in mean rating; the line its 95 % interval (Welch). The two cycles' respondents are treated as
# independent samples — many people answer both, so the intervals are, if anything, a little wide: a change
# drawn in blue (interval clear of zero and a Mann–Whitney p below 0.05) is one to believe. Grey hollow dots
# could be noise.

# %%
plot_change(result.change, before=before, after=cycle)

# %% [markdown]
# The same per Thing That Matters (each respondent's mean over the Value Codes measured in both cycles):

# %%
things = compare_things(history, before, cycle, privacy=privacy)
columns = ["thing_that_matters_name", "n_codes", "mean_before", "mean_after", "change", "ci_low", "ci_high", "significant"]  # fmt: skip
vk.show(things, columns, labels={"mean_before": f"mean in {before}", "mean_after": f"mean in {cycle}"})

# %% [markdown]
# ## Did the improvement actions move their Value Codes?
#
# Every action is read from the cycle it was raised in to this one. Its *effect* is how much more its Value
# Codes rose than the Value Codes no action targeted — a difference-in-differences, so a general drift (people
# rating a little higher as the relationship warms) is not credited to any action. The interval is a bootstrap
# over respondents. *Moved*: an effect of at least half a level with the interval above zero. *Did not move*:
# the interval rules a half-level effect out. Anything else is *uncertain*: read it again next cycle. An action
# that did not move its Value Codes is a finding too — rethink it rather than repeat it.

# %%
progress = action_progress(history, cycle, privacy=privacy)
columns = ["action_id", "title", "status", "raised_cycle", "change_targets", "change_untargeted", "effect", "ci_low", "ci_high", "verdict"]  # fmt: skip
vk.show(progress, columns, empty="No improvement action has been recorded for this relationship yet.")

# %% [markdown]
# ## What is still neglected
#
# Importance against performance in this cycle: the Value Codes in the shaded quadrant matter more than
# average and perform below average — still neglected, whatever has moved. Rank 1 is the first to act on.

# %%
plot_priorities(result.priorities, top=top_actions)

# %%
vk.show(
    result.neglected.sort_values("rank"),
    ["rank", "thing_that_matters_name", "n", "mean_importance", "mean", "shortfall", "quadrant"],
)

# %% [markdown]
# ## Findings
#
# The cycle in words, change and actions included, ranked by how much each says, how firm its evidence is and
# how many people it speaks for. Every number comes from a group the privacy gate shows.

# %% tags=["findings"]
vk.findings_markdown(result.findings, top=12)

# %% [markdown]
# ## Next improvement actions
#
# Proposals for the top priorities that no open action (proposed, agreed or in progress) already owns —
# through lineage too, so an action on `RSP-01` still owns `D-RSP-01`. Where an earlier, finished action
# targeted the same Value Code, the proposal says so: if that action did not move it (above), the new one
# should try something different. Drafts: agree owners and dates before recording them.

# %%
proposed = propose_actions(result.priorities, data, top=top_actions, explain=True)
vk.show(
    proposed,
    ["action_id", "title", "code_ids", "owner", "aim", "why"],
    empty="Every top priority already has an open action.",
)

# %% [markdown]
# ## For the record
#
# What the privacy gate hid in this analysis: groups only, never their size. (The notebook also saves its tables
# and states what its results can be reproduced from; a report shows that on its cover.)

# %%
vk.show(
    vk.hidden_groups(result.suppression_log, things, progress, privacy=privacy), empty="Nothing was hidden."
)

# %% tags=["remove-cell"]
vk.save(
    out,
    change=result.change,
    things_change=things,
    actions=progress,
    priorities=result.priorities,
    findings=result.findings,
    proposed_actions=proposed,
)

# %% tags=["remove-cell"]
vk.stamp_markdown(result.stamp)
