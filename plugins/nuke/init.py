# Nuke runs this at startup (plugin path added by `nexture install nuke`).
# Puts the core (NEXTURE_ROOT, else this checkout) and a studio torch
# (NEXTURE_PYTHONPATH) on sys.path; everything else lives in nexture_nuke.
from nexture_nuke import bootstrap

bootstrap.add_paths()
