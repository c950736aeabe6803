# Maya runs this at startup (module path from `nexture install maya`): puts the core and this
# Maya version's torch folder on sys.path and, once the UI exists, adds the shelf button and
# the Hypershade entries.
import maya.utils
from nexture_maya import bootstrap

bootstrap.add_paths()
maya.utils.executeDeferred(
    "import nexture_maya.shelf, nexture_maya.hypershade; nexture_maya.shelf.install_shelf_button(); nexture_maya.hypershade.register()"
)
