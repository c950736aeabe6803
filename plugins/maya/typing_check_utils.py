"""mypy-only, against the fakes: what types-maya has no stub for (``maya.utils``,
``OpenMayaUI.MQtUtil``) and the documented cmds call shapes its stub lacks."""

from maya import OpenMayaUI, cmds, utils
from nexture_maya.host_api import MayaCmdsExtraAPI, MayaUtilsAPI, MQtUtilAPI

api: MayaUtilsAPI = utils
extra: MayaCmdsExtraAPI = cmds
qt_util: MQtUtilAPI = OpenMayaUI.MQtUtil
