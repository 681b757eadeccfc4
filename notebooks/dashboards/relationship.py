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
# The relationship dashboard for stakeholders, served by `valuekit dashboard` (Voila; sources are never shown).
# A link made by `valuekit dashboard link RELATIONSHIP` locks the page to that relationship; without a query
# string, an analyst's local server shows every relationship. All logic lives in valuekit.dashboard.
from valuekit.dashboard import query_string, relationship_dashboard

# %% tags=["parameters"]
relationship = None  # where an analyst's page starts; None: the store's first relationship (a link overrides)
cycle = None  # None: the relationship's latest cycle with responses
store_path = None  # None: the default store (built from data/samples on first use)
k = 5  # fewest respondents behind any number, chart or finding
k_comments = 10  # fewest respondents behind any comment, quote or theme

# %%
# In a preheated kernel everything above has run before anyone opens the page; this waits for the request.
query = query_string()

# %%
relationship_dashboard(
    query, relationship=relationship, cycle=cycle, store_path=store_path, k=k, k_comments=k_comments
)
