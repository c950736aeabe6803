"""mypy-only: ``maya.utils`` satisfies MayaUtilsAPI (types-maya has no maya.utils stub, so only the fake is checked)."""

from maya import utils

from nexture_maya.host_api import MayaUtilsAPI

api: MayaUtilsAPI = utils
