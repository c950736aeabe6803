"""Nexture for Nuke: a Group node that synthesizes micro-detail on its input.

Thin over :mod:`nexture_core`: this package renders the input to an EXR,
starts a core Job, reports progress with ``nuke.ProgressTask`` through
``nuke.executeInMainThread`` and points internal Read nodes at the results.
"""
