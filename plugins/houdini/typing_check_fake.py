"""mypy-only, against the fake only: ``Cop2Node.allPixelsAsString(depth=...)``, documented in the
method's own docstring but missing from the types-houdini signature (see host_api.py)."""

import hou
from nexture_houdini.host_api import Cop2PixelsAPI


def pixels(cop2: hou.Cop2Node) -> None:
    a: Cop2PixelsAPI = cop2
