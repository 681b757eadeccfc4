"""``python -m valuekit.dashboard``: the ``valuekit dashboard`` command on its own."""

from .cli import main

main()
