"""A deterministic sample portfolio: fourteen fictional client–supplier relationships with planted truths.

``generate_sample`` returns every table of the canonical long form; ``write_sample`` writes them as CSV (what
``valuekit sample`` does). :data:`PLANTED` lists what an analysis of the sample should find; the catalogue with
the expected directions and sizes is ``data/samples/README.md``.
"""

from ._comments import PERSONAL_DATA
from ._generator import TEMPLATE_ID, TEMPLATE_VERSION, generate_sample, write_sample
from ._large import generate_large
from ._portfolio import PLANTED, PORTFOLIO, REFERENCE_DATE

__all__ = [
    "generate_large",
    "generate_sample",
    "write_sample",
    "PLANTED",
    "PORTFOLIO",
    "PERSONAL_DATA",
    "REFERENCE_DATE",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
]
