"""``ffsim app``'s server: ``streamlit run`` on the explorer, with a refusal said in one line.

Streamlit checks many of its options only when it starts (a port out of range, a theme file that
does not exist) and then ends with a traceback. Run as ``python -m ffsim.app.serve ARGS``, where
``ARGS`` are those of ``streamlit run``, this module calls Streamlit's command line in this
process and turns such a failure into ``ffsim app: error: <what Streamlit said>`` and exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def serve(args: Sequence[str]) -> int:
    """Run ``streamlit run ARGS``; the exit code (2, with one line on standard error, when
    Streamlit refuses an option or cannot start).
    """
    import click
    from streamlit.web import cli

    try:
        code = cli.main(args=["run", *args], prog_name="streamlit", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except (KeyboardInterrupt, click.exceptions.Abort):
        return 130
    except click.exceptions.ClickException as exc:  # a usage error: an option's value
        return _refused(exc.format_message())
    except Exception as exc:  # any other refusal at start is said in one line too
        return _refused(str(exc) or type(exc).__name__)
    return code if isinstance(code, int) else 0


def _refused(text: str) -> int:
    print(f"ffsim app: error: {' '.join(text.split())}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
