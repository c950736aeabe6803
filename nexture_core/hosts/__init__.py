"""Host-independent helpers shared by the Nuke, Houdini and Maya plugins.

Nothing here imports a host module (``nuke``, ``hou``, ``maya``): the plugins
move pixels in and out of their host and call these helpers for everything else:
the result cache (:mod:`.cache`), turning knob values into settings
(:mod:`.requests`), a cached synthesis run (:mod:`.runner`) and
``nexture install`` (:mod:`.install`).
"""
