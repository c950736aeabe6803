"""Host-independent helpers shared by the Nuke, Houdini and Maya plugins.

Nothing here imports a host module (``nuke``, ``hou``, ``maya``); each plugin
supplies only its host calls. Here: one host run with its main-thread relay,
throttled progress and cancel (:mod:`.adapter`), the result cache and where it
lives (:mod:`.cache`), control values for host nodes (:mod:`.requests`), a
cached run of a file or UDIM set (:mod:`.runner`), the missing-dependency line
(:mod:`.deps`), torch folders per host and Python version (:mod:`.pythonpath`),
the shared panel inside a host (:mod:`.panel`) and ``nexture install``
(:mod:`.install`). The direction is hosts -> ui, never the reverse.
"""
