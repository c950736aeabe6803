"""Nexture for Maya: a shelf tool that runs the core on a selected ``file`` texture.

Thin over :mod:`nexture_core`: reads the texture path from the ``file`` node,
runs a cached core Job on a worker thread, reports through
``cmds.progressWindow`` via ``maya.utils.executeDeferred``, and wires the
results back as new ``file`` nodes (and, on request, displacement and normals).
"""
