"""ffsim explorer: ``streamlit run app.py`` (``make app``); installed, ``ffsim app``.

The routing lives in the package (``app_pages/app.py``, installed as ``ffsim.app_pages.app``).
"""

from ffsim.app_pages.app import main

main()
