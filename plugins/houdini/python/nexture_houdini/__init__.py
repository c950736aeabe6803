"""Nexture for Houdini: Copernicus and old-network COP assets, and a Python COP2 filter.

Thin over :mod:`nexture_core`. The assets' Synthesize button runs a Job in the
background (:mod:`.copernicus`) and their inner File node reads the cached
result, so the node's output in the network is the detailed map; the optional
Python COP2 filter (:mod:`.cop2_filter`) runs synchronously inside its cook.
Importing the package puts this Houdini version's torch folder on ``sys.path``.
"""

from . import bootstrap

bootstrap.add_paths()
