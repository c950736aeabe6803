"""Nexture for Houdini: a Python COP2 filter and a Copernicus (Houdini 21) HDA.

Thin over :mod:`nexture_core`. The COP2 filter runs synchronously inside its cook
(``hou.InterruptableOperation``: progress bar and Esc); the Copernicus HDA's
button runs a Job in the background and loads the result through a File COP via
``hdefereval.executeDeferred``. Both serve unchanged settings from the cache.
"""
