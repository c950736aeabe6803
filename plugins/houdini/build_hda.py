"""Build the Nexture assets with Houdini's own API into the user's otls folder.

    hython plugins/houdini/build_hda.py [--dest DIR]    (nexture install houdini --build-hda runs it)

DIR defaults to ``$HOUDINI_USER_PREF_DIR/otls`` (``hou.homeHoudiniDirectory()``),
which Houdini scans at start-up: nothing is written into the checkout and no
File > New Asset step is needed. Two assets, built from subnets with
``createDigitalAsset`` (the documented HOM path):

* ``nexture::micro_detail_cop::1.0`` (Copernicus, Houdini 20.5+): input 1 the
  displacement layer, optional input 2 the mesh (texel size from its UVs);
* ``nexture::micro_detail_cop2::1.0`` (old COP network).

Each holds a File node (``nexture_result``) whose file name is the expression
``chs("../result_file")`` and which feeds the subnet's output, so the asset's
output is the cached detailed map; the buttons only ever set the asset's own
``result_file`` parm (never a parm inside the locked asset).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "python"), str(HERE.parents[1])]

import hou  # noqa: E402
from nexture_houdini import copernicus  # noqa: E402

COP_TYPE = "nexture::micro_detail_cop::1.0"
COP2_TYPE = "nexture::micro_detail_cop2::1.0"
CALL = "import nexture_houdini.copernicus as c; c.{}(kwargs)"
# Each asset: (network type to build it in, its File node type, the File node's file-name parm, inputs).
KINDS = {
    COP_TYPE: ("copnet", "file", "filename", 2),
    COP2_TYPE: ("cop2net", "file", "filename1", 1),
}
RESULT_EXPRESSION = f'chs("../{copernicus.RESULT_PARM}")'


def templates(spec: list) -> list:
    """hou parm templates for a parms.parm_spec list."""
    out = []
    for name, label, kind, default, menu in spec:
        if kind == "menu":
            items, labels = menu
            index = list(items).index(default) if default in items else 0
            template = hou.MenuParmTemplate(name, label, items, menu_labels=labels, default_value=index)
            if name == "output":
                template.setScriptCallback(CALL.format("on_show"))
                template.setScriptCallbackLanguage(hou.scriptLanguage.Python)
            out.append(template)
        elif kind == "float":
            out.append(hou.FloatParmTemplate(name, label, 1, default_value=(float(default),)))
        elif kind == "int":
            out.append(hou.IntParmTemplate(name, label, 1, default_value=(int(default),)))
        else:
            out.append(hou.StringParmTemplate(name, label, 1, default_value=(str(default),)))
    return out


def output_node(subnet):
    """The subnet's output node (Copernicus subnets have one; made when missing)."""
    for child in subnet.children():
        if child.type().name() in ("output", "suboutput"):
            return child
    return subnet.createNode("output")


def build(type_name: str, library: Path) -> None:
    network_type, file_type, file_parm, inputs = KINDS[type_name]
    network = hou.node("/obj").createNode(network_type, "nexture_build")
    try:
        subnet = network.createNode("subnet", "micro_detail")
        reader = subnet.createNode(file_type, copernicus.FILE_COP)
        reader.parm(file_parm).setExpression(RESULT_EXPRESSION, hou.exprLanguage.Hscript)
        if network_type == "copnet":
            output_node(subnet).setInput(0, reader)
        else:  # an old COP subnet outputs its display node
            reader.setDisplayFlag(True)
            reader.setRenderFlag(True)
        asset = subnet.createDigitalAsset(
            name=type_name,
            hda_file_name=str(library),
            description="Nexture Micro Detail",
            min_num_inputs=1,
            max_num_inputs=inputs,
        )
        definition = asset.type().definition()
        group = definition.parmTemplateGroup()
        for template in templates(copernicus.SPEC):
            group.append(template)
        group.append(
            hou.ButtonParmTemplate(
                "synthesize",
                "Synthesize",
                script_callback=CALL.format("on_synthesize"),
                script_callback_language=hou.scriptLanguage.Python,
            )
        )
        group.append(
            hou.ButtonParmTemplate(
                "cancel",
                "Cancel",
                script_callback=CALL.format("on_cancel"),
                script_callback_language=hou.scriptLanguage.Python,
            )
        )
        group.append(hou.StringParmTemplate(copernicus.STATUS_PARM, "Status", 1, default_value=("not run yet",)))
        result = hou.StringParmTemplate(copernicus.RESULT_PARM, "Result File", 1, default_value=("",))
        result.hide(True)
        group.append(result)
        definition.setParmTemplateGroup(group)
        definition.save(str(library))
    finally:
        network.destroy()


def default_dest() -> Path:
    return Path(hou.homeHoudiniDirectory()) / "otls"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the Nexture assets into a Houdini otls folder.")
    parser.add_argument(
        "--dest", type=Path, default=None, help="folder for the .hda files (default: the user's otls folder)"
    )
    args = parser.parse_args(argv)
    dest = args.dest or default_dest()
    dest.mkdir(parents=True, exist_ok=True)
    for type_name, file_name in ((COP_TYPE, "nexture_cop.hda"), (COP2_TYPE, "nexture_cop2.hda")):
        build(type_name, dest / file_name)
        hou.hda.installFile(str(dest / file_name))
        print(f"build_hda: {type_name} -> {dest / file_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
