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
# # Resolve: how is this relationship doing, as the whole community sees it today?
#
# **Resolve** is the first cycle of the diagnostic (after Ackoff: *resolve, solve, dissolve*). It takes stock of
# the situation as it is: a handful of high-level Things That Matter, rated by everyone on both sides from senior
# leaders to the front line, with plenty of room for comment. Its purpose is to make the consequences of the
# current situation clear, let pent-up tension out, and hint that something will change.
#
# This notebook walks through one relationship's Resolve cycle: who took part, how each Thing That Matters is
# rated by each party and level, where the tension sits, what the comments raise that the diagnostic did not
# ask about (candidate new Things That Matter), and the headline findings to take into Solve.
#
# **Privacy.** Every number below has passed valuekit's privacy gate: nothing is shown for a group of fewer than
# `k` respondents (`k_comments` for comments and themes), nor for a group that could be worked out from others
# by subtraction. Hidden groups appear as rows marked *hidden* with no number.

# %%
from valuekit import Privacy
from valuekit import notebook as vk
from valuekit.analysis.overview import analyse
from valuekit.analysis.scores import score_things
from valuekit.plots import plot_agreement, plot_engagement, plot_heatmap, plot_levels

# %% tags=["parameters"]
relationship = "harbourside-northwind"  # the relationship_id to report on
cycle = "resolve"  # its Resolve cycle
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme
output_dir = None  # None: artifacts/notebooks/01_resolve/<relationship>/<cycle> in the project

# %% [markdown] tags=["remove-cell"]
# ## Load
#
# Open the store for this relationship and cycle — if either does not exist, the notebook stops here and says
# which ones do — and run every analysis of the method on it once with `analyse`: engagement, scores,
# agreement, gaps, priorities, themes and findings, each through the privacy gate. The cells below read its
# tables one at a time (`result.engagement` is `engagement(data)`, and so on: see
# `valuekit.analysis.overview.Analysis`), and call the analyses directly for the views it does not hold.

# %%
store = vk.open_for(relationship, cycle, store_path, kind="resolve")
privacy = Privacy(k=k, k_comments=k_comments)
result = analyse(store, relationship, cycle, privacy=privacy)
data = result.data
out = vk.output_folder(output_dir, "01_resolve", relationship, cycle)
vk.describe(data)

# %% [markdown]
# ## Check: is the community engaged widely?
#
# Before reading any score, check whose voice it is. Resolve only works if the community takes part widely — a
# diagnostic answered mostly by one party, or only by its senior leaders, tells you what *they* think. Each bar
# is a party's level; the bold bars are each party and the whole community. Groups in vermillion responded well
# below the rest (under three quarters of the overall rate): read their scores with care, and chase them next
# cycle. Hatched gaps are groups too small to show.

# %%
plot_engagement(result.engagement)

# %%
vk.show(result.engagement, ["group", "invited", "responded", "response_rate", "under_represented"])

# %% [markdown]
# ## The Things That Matter, as everyone sees them
#
# Resolve asks one broad Value Code per Thing That Matters. Each bar shows how the whole community spread across
# the five evaluation statements, from *Failing* (red) to *Best practice* (green), centred on *Performing*: the
# further a bar reaches left, the more people describe the situation as failing or struggling. The percentages at
# the ends are the shares below and above *Performing*.

# %%
plot_levels(result.scores)

# %%
vk.show(result.things, ["thing_that_matters_name", "n", "mean", "ci_low", "ci_high", "share_favourable"])

# %% [markdown]
# ## By party and level: where the tension sits
#
# The same Things That Matter by party and common level. The equivalence map translates each party's own titles
# into senior leadership, middle management and front line, so the two organisations can be read side by side.
# Look for red cells (a group that sees a Thing That Matters as failing) and for rows whose colour changes across
# the columns: a Thing That Matters one party or level rates far lower than another is where tension sits.
# Hatched cells marked *hidden* are hidden groups.

# %%
by_group = score_things(data, ["party_id", "common_level"], privacy=privacy)
plot_heatmap(by_group)

# %% [markdown]
# ### Groups too small to show: pool, don't blank
#
# On small relationships some levels have too few respondents to show on their own. Rather than leave a blank,
# the method pools them with the adjacent level of the same party — senior leadership with middle management,
# say — and says so. The log below records every pooling and why; the pooled groups still pass the gate on the
# original groups, so pooling never reveals what was hidden. When nothing was hidden, nothing is pooled and the
# chart below repeats the one above.

# %%
pooled, pooling_log = vk.pool_small_groups(data, privacy=privacy)
vk.show(pooling_log, empty="Nothing pooled: every party × level group is large enough to show.")

# %%
plot_heatmap(score_things(pooled, ["party_id", "common_level"], privacy=privacy))

# %% [markdown]
# ### Leaders against the front line
#
# A gap between senior leaders and the front line on both sides is one of the commonest signs of a relationship
# in difficulty: leaders see the contract, the front line lives the service. Each row is one of Resolve's broad
# Value Codes, one per Thing That Matters; a positive gap means leaders rate it higher. A gap is *meaningful*
# when it is at least half a level and its 95 % interval excludes zero.

# %%
columns = ["title", "n_a", "mean_a", "n_b", "mean_b", "gap", "gap_ci_low", "gap_ci_high", "meaningful"]
vk.show(
    result.level_gaps,
    columns,
    labels={"n_a": "n leaders", "mean_a": "leaders", "n_b": "n front line", "mean_b": "front line"},
)

# %% [markdown]
# ### Who agrees, who is divided
#
# A mean can hide a split. Each point is a group (side × level) on one Value Code: across, its mean rating; up,
# how far its members agree (Tastle–Wierman consensus, 0 = split into opposite camps, 1 = everyone chose the same
# statement). Points in the shaded band agree; crosses are groups *divided* — low consensus with ratings piled at
# both ends — and are named. A divided group is tension inside one perspective, not between two.

# %%
plot_agreement(result.agreement)

# %% [markdown]
# ## What the comments raise: candidate new Things That Matter
#
# Resolve invites people to say what matters in their own words. The comments are grouped into themes (TF-IDF and
# non-negative matrix factorisation, offline and deterministic), each with representative quotes with names,
# e-mail addresses and phone numbers removed. A theme that matches none of the diagnostic's Things That Matter is
# a **candidate new Thing That Matters**: something the community may care about that the diagnostic did not
# ask. A theme's label is its three heaviest words; read its quotes before deciding — a candidate is confirmed
# by writing Value Codes for it and asking them in Solve. Only themes from at least `k_comments` people are
# shown.

# %%
vk.themes_markdown(result.themes)

# %% [markdown]
# ## Headline findings
#
# The findings put the tables into words, ranked by how much they say, how firm the evidence is and how many
# people they speak for. Each quotes its evidence — the mean on the five levels, the consensus, and n — and every
# number in it comes from a group the privacy gate shows. These are the statements to play back to the community:
# showing people they were heard is what Resolve is for.

# %% tags=["findings"]
vk.findings_markdown(result.findings, top=10)

# %% [markdown]
# ## For the record
#
# What the privacy gate hid in this analysis: groups only, never their size. (The notebook also saves its tables
# and states what its results can be reproduced from — the template version, a fingerprint of the stored data,
# the thresholds and the valuekit version; a report shows that on its cover.)

# %%
vk.show(vk.hidden_groups(result.suppression_log, by_group, privacy=privacy), empty="Nothing was hidden.")

# %% tags=["remove-cell"]
vk.save(
    out,
    engagement=result.engagement,
    things=result.things,
    things_by_group=by_group,
    findings=result.findings,
)

# %% tags=["remove-cell"]
vk.stamp_markdown(result.stamp)
