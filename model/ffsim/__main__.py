"""``python -m ffsim``: the ``ffsim`` command line."""

from ffsim.cli.entry import main

main()
