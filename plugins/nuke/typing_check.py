"""mypy-only: the ``nuke`` module (real stubs or the test fake, per MYPYPATH) satisfies NukeAPI."""

import nuke

from nexture_nuke.host_api import NukeAPI

api: NukeAPI = nuke
