#!/usr/bin/env bash
# mypy checks, per host, that
#   1. the host's public stubs (types-nuke, types-houdini, types-maya) satisfy the plugin's
#      Protocols (plugins/*/host_api.py): module functions AND the classes the plugin calls
#      methods on (nodes, groups, knobs, parms, layers, geometry);
#   2. the test fakes (tests/plugins/fakes) satisfy the same Protocols, so fakes cannot drift;
#   3. the plugin's own modules type-check against the stubs: every call they make on a node,
#      knob, parm or attribute goes through those Protocols or the stubs themselves.
# Calls a stub lacks although the host documents them are in separate Protocols checked
# against the fakes only (see each host_api.py). One mypy run per host and side: the Maya
# stubs collide with others, and a fake must shadow its stub.
# Needs: pip install types-nuke types-houdini; pip install --target .venv/maya-stubs types-maya
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-${PY:-.venv/bin/python}}
MAYA_STUBS=${MAYA_STUBS:-.venv/maya-stubs}
FAKES=tests/plugins/fakes
COMMON=(--no-incremental --follow-imports=silent --no-error-summary --python-version 3.11 --ignore-missing-imports)
status=0
# MYPYPATH does not resolve PEP 561 "-stubs" folders: expose maya-stubs as "maya".
MAYA_PATH=$(mktemp -d)
trap 'rm -rf "$MAYA_PATH"' EXIT
if [ -d "$MAYA_STUBS/maya-stubs" ]; then
    ln -s "$(cd "$MAYA_STUBS/maya-stubs" && pwd)" "$MAYA_PATH/maya"
else
    echo "FAIL  maya stubs missing: pip install --target $MAYA_STUBS types-maya"; status=1
fi

check() {  # check <label> <MYPYPATH> <files...>
    local label=$1 path=$2
    shift 2
    if MYPYPATH=$path "$PY" -m mypy "${COMMON[@]}" "$@"; then
        echo "ok    $label"
    else
        echo "FAIL  $label"; status=1
    fi
}

check "nuke: stubs satisfy NukeAPI, NodeAPI, GroupAPI, KnobAPI, ProgressTaskAPI" "plugins/nuke:."                    plugins/nuke/typing_check.py
check "nuke: fake satisfies them"                                             "$FAKES:tests/plugins:plugins/nuke:."  plugins/nuke/typing_check.py
check "nuke: the plugin's calls type-check against the stubs"                "plugins/nuke:."                    plugins/nuke/nexture_nuke
check "houdini: stubs satisfy HouAPI, NodeAPI, ParmAPI, Cop(2)NodeAPI, ImageLayerAPI, GeometryAPI" "plugins/houdini/python:plugins/houdini/typing:." plugins/houdini/typing_check.py
check "houdini: fakes satisfy them (and allPixelsAsString depth=)"             "$FAKES:tests/plugins:plugins/houdini/python:." plugins/houdini/typing_check.py plugins/houdini/typing_check_fake.py
check "houdini: the plugin's calls type-check against the stubs"             "plugins/houdini/python:plugins/houdini/typing:." plugins/houdini/python/nexture_houdini
check "maya: stubs satisfy MayaCmdsAPI"                                       "$MAYA_PATH:plugins/maya/scripts:."  plugins/maya/typing_check.py
check "maya: fake cmds satisfies MayaCmdsAPI"                                 "$FAKES:tests/plugins:plugins/maya/scripts:." plugins/maya/typing_check.py
check "maya: fakes satisfy MayaUtilsAPI, MQtUtilAPI, MayaCmdsExtraAPI"        "$FAKES:tests/plugins:plugins/maya/scripts:." plugins/maya/typing_check_utils.py
check "maya: the plugin's calls type-check against the stubs"                "$MAYA_PATH:plugins/maya/scripts:."  plugins/maya/scripts/nexture_maya
exit $status
