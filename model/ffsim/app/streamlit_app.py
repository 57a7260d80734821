"""ffsim explorer, installed: the script `ffsim app` hands to Streamlit (`app.py` for `make app`).

Only the call, so that Streamlit's magic, which writes every bare expression of a script on the
page, has nothing to write: ``main.py`` run as the script put its attribute docstrings on every
page of the installed explorer.
"""

from ffsim.app.main import main

main()
