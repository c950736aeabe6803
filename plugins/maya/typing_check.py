"""mypy-only: ``maya.cmds`` (types-maya stubs or the test fake, per MYPYPATH) satisfies MayaCmdsAPI."""

from maya import cmds
from nexture_maya.host_api import MayaCmdsAPI

api: MayaCmdsAPI = cmds
