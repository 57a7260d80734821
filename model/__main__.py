"""``python -m model``: the ``ffsim`` command line."""

import sys

from model.cli import main

sys.exit(main())
