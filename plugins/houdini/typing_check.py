"""mypy-only: ``hou`` / ``hdefereval`` (real stubs or the test fakes, per MYPYPATH) satisfy the Protocols."""

from typing import Any

import hdefereval
import hou

from nexture_houdini.host_api import CopNodeAPI, HDeferEvalAPI, HouAPI, ImageLayerAPI


def check_nodes(cop2: hou.Cop2Node, cop: hou.CopNode, layer: hou.ImageLayer) -> None:
    a: CopNodeAPI = cop2
    b: ImageLayerAPI = layer
    c: Any = cop.layer()


api: HouAPI = hou
deferred: HDeferEvalAPI = hdefereval
