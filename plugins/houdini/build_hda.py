"""Build the Nexture HDAs into otls/ with Houdini's own API: ``hython plugins/houdini/build_hda.py``.

* ``nexture::micro_detail_cop::1.0`` (Copernicus, Houdini 21): a subnet with one
  input, an internal File COP (``nexture_result``) and the parameters of
  ``nexture_houdini.parms`` plus Synthesize/Cancel buttons and a status line.
* The old-network Python COP2 filter ``nexture::micro_detail_cop2``: Houdini
  offers no HOM call that creates a *Python-defined* operator type, so create it
  once with File > New Asset (Definition: Python, Network type: Compositing
  Filter, name ``nexture::micro_detail_cop2``, library ``otls/nexture_cop2.hda``);
  this script then fills in its parameters and Code section (``PythonCook``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "python"), str(HERE.parents[1])]

import hou  # noqa: E402

from nexture_houdini import copernicus  # noqa: E402

COP_TYPE = "nexture::micro_detail_cop::1.0"
COP2_TYPE = "nexture::micro_detail_cop2"
COP2_CODE = "from nexture_houdini.cop2_filter import output_planes_to_cook, required_input_planes, cook  # noqa: F401\n"


def templates(spec: list) -> list:
    """hou parm templates for a parms.parm_spec list."""
    out = []
    for name, label, kind, default, menu in spec:
        if kind == "menu":
            items, labels = menu
            out.append(hou.MenuParmTemplate(name, label, items, menu_labels=labels, default_value=max(0, list(items).index(default)) if default in items else 0))
        elif kind == "float":
            out.append(hou.FloatParmTemplate(name, label, 1, default_value=(float(default),)))
        elif kind == "int":
            out.append(hou.IntParmTemplate(name, label, 1, default_value=(int(default),)))
        else:
            out.append(hou.StringParmTemplate(name, label, 1, default_value=(str(default),)))
    return out


def build_copernicus(library: Path) -> None:
    copnet = hou.node("/obj").createNode("copnet", "nexture_build")
    subnet = copnet.createNode("subnet", "micro_detail")
    subnet.createNode("file", copernicus.FILE_COP)
    asset = subnet.createDigitalAsset(name=COP_TYPE, hda_file_name=str(library), description="Nexture Micro Detail", min_num_inputs=1, max_num_inputs=1)
    definition = asset.type().definition()
    group = definition.parmTemplateGroup()
    for template in templates(copernicus.SPEC):
        group.append(template)
    call = "import nexture_houdini.copernicus as c; c.{}(kwargs)"
    group.append(hou.ButtonParmTemplate("synthesize", "Synthesize", script_callback=call.format("on_synthesize"), script_callback_language=hou.scriptLanguage.Python))
    group.append(hou.ButtonParmTemplate("cancel", "Cancel", script_callback=call.format("on_cancel"), script_callback_language=hou.scriptLanguage.Python))
    group.append(hou.StringParmTemplate(copernicus.STATUS_PARM, "Status", 1, default_value=("not run yet",)))
    definition.setParmTemplateGroup(group)
    definition.save(str(library))
    copnet.destroy()


def update_cop2(library: Path) -> bool:
    node_type = hou.nodeType(hou.cop2NodeTypeCategory(), COP2_TYPE)
    if node_type is None or node_type.definition() is None:
        print(f"build_hda: {COP2_TYPE} not found; create it once with File > New Asset (see this file's docstring).")
        return False
    from nexture_houdini import cop2_filter

    definition = node_type.definition()
    group = definition.parmTemplateGroup()
    for template in templates(cop2_filter.SPEC):
        if group.find(template.name()) is None:
            group.append(template)
    definition.setParmTemplateGroup(group)
    definition.addSection("PythonCook", COP2_CODE)
    definition.save(str(library))
    return True


if __name__ == "__main__":
    (HERE / "otls").mkdir(exist_ok=True)
    build_copernicus(HERE / "otls" / "nexture_cop.hda")
    update_cop2(HERE / "otls" / "nexture_cop2.hda")
