"""mypy-only: the ``nuke`` module and its Node, Group, Knob and ProgressTask classes (the public
stubs, or the test fake, per MYPYPATH) satisfy the Protocols the plugin is typed against."""

import nuke
from nexture_nuke.host_api import GroupAPI, KnobAPI, NodeAPI, NukeAPI, ProgressTaskAPI


def classes(node: nuke.Node, group: nuke.Group, knob: nuke.Knob, task: nuke.ProgressTask) -> None:
    a: NodeAPI = node
    b: GroupAPI = group
    c: KnobAPI = knob
    d: ProgressTaskAPI = task


api: NukeAPI = nuke
