#!/usr/bin/env bash
# mypy checks that each plugin's host Protocol (plugins/*/host_api.py) is satisfied by
# the real host API (public stub packages) AND by the test fakes (tests/plugins/fakes),
# so neither the plugins nor the fakes drift from Nuke/Houdini/Maya. One mypy run per
# host and per side: the Maya stubs collide with others, and a fake must shadow its stub.
# Needs: pip install types-nuke types-houdini; pip install --target .venv/maya-stubs types-maya
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
MAYA_STUBS=${MAYA_STUBS:-.venv/maya-stubs}
FAKES=tests/plugins/fakes
COMMON=(--no-incremental --follow-imports=silent --no-error-summary --python-version 3.11)
status=0
# MYPYPATH does not resolve PEP 561 "-stubs" folders: expose maya-stubs as "maya".
MAYA_PATH=$(mktemp -d)
trap 'rm -rf "$MAYA_PATH"' EXIT
if [ -d "$MAYA_STUBS/maya-stubs" ]; then
    ln -s "$(cd "$MAYA_STUBS/maya-stubs" && pwd)" "$MAYA_PATH/maya"
else
    echo "FAIL  maya stubs missing: pip install --target $MAYA_STUBS types-maya"; status=1
fi

check() {  # check <label> <MYPYPATH> <file>
    local label=$1 path=$2 file=$3
    if MYPYPATH=$path "$PY" -m mypy "${COMMON[@]}" "$file"; then
        echo "ok    $label"
    else
        echo "FAIL  $label"; status=1
    fi
}

check "nuke: stubs (types-nuke) satisfy NukeAPI"          plugins/nuke                                    plugins/nuke/typing_check.py
check "nuke: fake satisfies NukeAPI"                      "$FAKES:tests/plugins:plugins/nuke"              plugins/nuke/typing_check.py
check "houdini: stubs (types-houdini) satisfy HouAPI"     plugins/houdini/python:plugins/houdini/typing    plugins/houdini/typing_check.py
check "houdini: fakes satisfy HouAPI"                     "$FAKES:tests/plugins:plugins/houdini/python"    plugins/houdini/typing_check.py
check "maya: stubs (types-maya) satisfy MayaCmdsAPI"      "$MAYA_PATH:plugins/maya/scripts"               plugins/maya/typing_check.py
check "maya: fake cmds satisfies MayaCmdsAPI"             "$FAKES:tests/plugins:plugins/maya/scripts"      plugins/maya/typing_check.py
check "maya: fake utils satisfies MayaUtilsAPI"           "$FAKES:tests/plugins:plugins/maya/scripts"      plugins/maya/typing_check_utils.py
exit $status
