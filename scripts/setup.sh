#!/usr/bin/env bash
# Set up Nexture in a virtual environment inside the checkout (.venv).
#   bash scripts/setup.sh          runtime + Qt panel
#   bash scripts/setup.sh --dev    also the test tools, host type stubs and Ray
# A torch already in .venv (say a CUDA build you installed) is kept. Otherwise
# NEXTURE_TORCH picks the spec (default torch==2.13.0, a CPU build where a local
# wheel is at hand; on a GPU machine install your CUDA torch into .venv first).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  "${PIP[@]}" "${NEXTURE_TORCH:-torch==2.13.0}"
fi
extras="ui"
if [ "${1:-}" = "--dev" ]; then extras="ui,dev,farm"; fi
# The project itself, editable, with the torch above satisfying its open range.
"${PIP[@]}" -e ".[${extras}]"
# The Maya stubs collide with other stub packages: they live apart, for their own mypy run.
if [ "${1:-}" = "--dev" ] && [ ! -d .venv/maya-stubs/maya-stubs ] && [ ! -d .venv/maya-stubs/maya ]; then
  "${PIP[@]}" --target .venv/maya-stubs types-maya
fi
# Qt's offscreen platform needs a few system libraries on bare machines.
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null && ! .venv/bin/python -c "from PySide6 import QtGui" 2>/dev/null; then
  (apt-get update -qq && apt-get install -y -qq libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 >/dev/null) || true
fi
