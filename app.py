"""ffsim explorer: ``streamlit run app.py`` (``make app``); installed, ``ffsim app``.

The routing lives in the package (``model/ffsim/app/main.py``, installed as ``ffsim.app.main``).
"""

from ffsim.app.main import main

main()
