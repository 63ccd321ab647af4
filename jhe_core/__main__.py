"""``python -m jhe_core``: the same as the ``jhe`` command."""

from jhe_core.cli import main

main()
