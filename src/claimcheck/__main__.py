"""``python -m claimcheck``: the CLI without the console script (e.g. ``PYTHONPATH=src`` on a machine
where the package is not installed)."""

from claimcheck.cli import main

main()
