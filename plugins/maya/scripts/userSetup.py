# Maya runs this at startup (module path from `nexture install maya`): puts the core
# on sys.path and, once the UI exists, adds the Nexture shelf button.
import maya.utils

from nexture_maya import bootstrap

bootstrap.add_paths()
maya.utils.executeDeferred("import nexture_maya.shelf; nexture_maya.shelf.install_shelf_button()")
