# Nuke runs this in GUI sessions: Nodes > Nexture > Micro Detail, and a toolbar entry.
from nexture_nuke import menus

menus.register()
