"""ffsim: a stock-and-flow model of foreign-fighter flows to Syria and Iraq, 2012-2018."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ffsim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
