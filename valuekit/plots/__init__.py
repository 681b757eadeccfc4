"""Charts: a consistent, client-ready look for every analysis (DESIGN.md; house style in ``_style``).

Each ``plot_*`` function takes the DataFrame an analysis returns and gives back a matplotlib
:class:`~matplotlib.figure.Figure` (never shown, never registered with pyplot); :func:`savefig` writes it as a
PNG at 150 dpi.
"""

from ._engagement import plot_engagement
from ._levels import plot_levels
from ._perspectives import plot_agreement, plot_heatmap, plot_heatmap_parts
from ._portfolio import plot_benchmark
from ._priorities import plot_priorities
from ._relationship import plot_change, plot_mirror_gaps
from ._style import savefig

__all__ = [
    "plot_levels",
    "plot_heatmap",
    "plot_heatmap_parts",
    "plot_agreement",
    "plot_mirror_gaps",
    "plot_priorities",
    "plot_change",
    "plot_benchmark",
    "plot_engagement",
    "savefig",
]
