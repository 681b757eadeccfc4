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

# %%
# The portfolio dashboard for the Value Management team, served by `valuekit dashboard` (Voila; sources are
# never shown). Open without a query string on an analyst's local server, or with the link made by
# `valuekit dashboard link --portfolio`. All logic lives in valuekit.dashboard.
from valuekit.dashboard import portfolio_dashboard, query_string

# %% tags=["parameters"]
cycle_kind = (
    None  # None: each relationship's latest cycle; "resolve", "solve" or "dissolve" to compare like with like
)
reference_date = None  # time left to run is counted from here; None: today
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme

# %%
# In a preheated kernel everything above has run before anyone opens the page; this waits for the request.
query = query_string()

# %%
portfolio_dashboard(
    query,
    cycle_kind=cycle_kind,
    reference_date=reference_date,
    store_path=store_path,
    k=k,
    k_comments=k_comments,
)
