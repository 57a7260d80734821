"""``python -m ffsim``: the ``ffsim`` command line."""

import sys

from ffsim.cli.main import main

sys.exit(main())
