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
# # The portfolio: how do the relationships compare, and where should Value Management start next?
#
# Once the method has worked in one relationship it spreads: the same diagnostic slots into the next
# relationship, the community carries its familiarity with it, and Things That Matter, Value Codes and
# improvement actions that worked are offered as a starting point elsewhere. At this scale Value Management adds
# benchmarking, the sharing of best practice, and portfolio segmentation.
#
# This notebook puts every relationship in the store side by side: each one's standing per Thing That Matters
# (benchmark percentiles), segments by profile, who excels where and which completed actions came before it,
# where to start next by the method's four criteria, and which relationships lack the three change roles the
# method says the work needs.
#
# **Privacy and isolation.** Portfolio views compare relationships, but every number about a group of people
# still passes the privacy gate; a relationship's own report never shows another's data.

# %%
from IPython.display import display

from valuekit import Privacy
from valuekit import notebook as vk
from valuekit.analysis.portfolio import (
    best_practice,
    change_role_risks,
    portfolio_scores,
    segment_relationships,
    where_to_start,
)
from valuekit.plots import plot_benchmark

# %% tags=["parameters"]
relationship = "harbourside-northwind"  # the relationship to place among its peers; None: no highlight
cycle_kind = None  # None: each one's latest cycle; "resolve", "solve" or "dissolve" to compare like with like
reference_date = "2026-11-01"  # time left to run is counted from here (the sample's date); None: today
fragmentation = True  # count fragmentation as a sign of struggling (slower: it reads every Value Code)
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme
output_dir = None  # None: artifacts/notebooks/04_portfolio/<relationship> in the project

# %% [markdown] tags=["remove-cell"]
# ## Load
#
# Open the store and check the relationship to highlight is in it (the notebook stops here, listing those that
# are, if not). The portfolio is every relationship the store holds. With `relationship = None` nothing is
# highlighted: the portfolio report that `valuekit report --all` builds.

# %%
store = vk.open_for(relationship, None, store_path)
privacy = Privacy(k=k, k_comments=k_comments)
out = vk.output_folder(output_dir, "04_portfolio", relationship or "all")
relationships = store.read("relationships")
vk.show(
    relationships, ["relationship_id", "name", "sector", "annual_value_m", "end_date", "other_initiatives"]
)

# %% [markdown]
# ## Benchmark: each relationship's standing per Thing That Matters
#
# Each relationship is scored per Thing That Matters at its latest cycle (or the latest of `cycle_kind`), and
# placed among the others as a percentile: 100 is the top of the portfolio, 50 the middle. Blue cells are near
# the top, red near the bottom; each cell also gives the mean on the five levels. A Resolve score (one broad
# Value Code per Thing That Matters) may sit beside a Dissolve one: set `cycle_kind` to compare like with like.
# Dashes are Things That Matter a relationship was not asked about.

# %%
scores = portfolio_scores(store, cycle_kind=cycle_kind, privacy=privacy)
plot_benchmark(scores)

# %% [markdown]
# The highlighted relationship among its peers: each grey dot is another relationship's mean, the blue dot this
# one's, with its percentile (nothing here when no relationship is highlighted).

# %%
if relationship:
    display(plot_benchmark(scores, highlight=relationship))

# %% [markdown]
# ## Segments
#
# A transparent rule rather than a clustering, so anyone can check it: *struggling* below an overall mean of 2.5
# (nearer Struggling than Performing), *healthy* from 3.5, *mixed* between; *uneven* when the best and worst
# Things That Matter are a level or more apart. Relationships in one segment face similar work: a struggling
# relationship needs Resolve's release of tension, an uneven one a focus on its weakest Thing That Matters.

# %%
segments = segment_relationships(scores)
vk.show(segments, ["relationship_id", "segment", "overall_mean", "spread", "weakest", "strongest"])

# %% [markdown]
# ## Best practice: who excels where, and what came before it
#
# For each Thing That Matters, the relationship with the highest score (at least 3.5, on at least `k`
# respondents), with each completed improvement action on that Thing That Matters raised in an earlier cycle.
# Those actions preceded the strong score — candidates to offer elsewhere, not proof that they caused it.

# %%
best = best_practice(store, scores, privacy=privacy)
vk.show(
    best, ["thing_that_matters_name", "relationship_id", "cycle_id", "n", "mean", "action_id", "action_title"]
)

# %% [markdown]
# ## Where to start next
#
# The method starts where four things hold: the relationship is of **significant value** to both parties, has
# **enough time left** to run (at least a year; three for full marks), has **no other change initiative** in
# play, and is **visibly struggling** (a low mean, many Failing or Struggling ratings, fragmented perspectives;
# this criterion counts double). Each criterion scores 0 to 1; relationships with too little time left are not
# candidates now, whatever their score. The `why` column says it in words, vacant change roles included.

# %% tags=["findings"]
start = where_to_start(
    store, reference_date=reference_date, cycle_kind=cycle_kind, fragmentation=fragmentation, privacy=privacy
)
vk.show(start, ["rank", "relationship_id", "eligible", "score", "why"])

# %% [markdown]
# ## Change roles at risk
#
# The method names three roles a Value Management effort needs: a **change champion** who drives it, a
# **transformational leader** with the authority to allocate resources, and a **change stabilizer** who keeps
# plans on track. With any of them vacant the work will likely stall; a relationship near the top of the list
# above with a vacant role needs that role filled first.

# %%
roles = change_role_risks(store)
vk.show(
    roles, ["relationship_id", "change_champion", "transformational_leader", "change_stabilizer", "n_vacant"]
)

# %% [markdown] tags=["remove-cell"]
# ## For the record

# %% tags=["remove-cell"]
vk.save(
    out, benchmark=scores, segments=segments, best_practice=best, where_to_start=start, change_roles=roles
)

# %% tags=["remove-cell"]
vk.stamp_markdown(
    vk.stamp_for(store, privacy=privacy, cycle_kind=cycle_kind or "latest", reference_date=reference_date)
)
