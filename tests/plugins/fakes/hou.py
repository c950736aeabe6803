"""Fake ``hou``: nodes, parms with expressions, locked assets, COP planes with depths, layers, geometry.

Emulates Houdini's documented behaviour the plugin relies on, rules included:

* ``Cop2Node.allPixelsAsString`` without ``depth=`` returns, inside a Python
  COP's cook, the plane's *native* depth (8/16-bit integers, half or float);
  outside a cook, float32. ``setPixelsOfCookingPlaneFromString`` without
  ``depth=`` reads the bytes in the cooking plane's depth. COP rows are bottom first.
* Parms of nodes inside a locked asset refuse ``set``/``setExpression`` with
  ``hou.PermissionError``; the asset's own parms can be set.
* ``chs("../parm")`` expressions evaluate relative to the parm's node.
* ``updateProgress`` raises ``OperationInterrupted`` once the artist pressed Esc.
* Building: ``createNode``, subnets (a Copernicus subnet has an ``output``
  node), ``createDigitalAsset``, parm templates and ``definition.save``
  (written as JSON, so tests can read what was built).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from fakes import host_call

UI_AVAILABLE = {"value": True}
STATUS_MESSAGES: List[str] = []
DIALOGS: List[str] = []
VERSION = {"string": "21.0.512"}
UNIT_LENGTH_M = {"value": 1.0}  # the hip's Unit Length in metres
HOME = {"dir": "/tmp/houdini21.0"}
INSTALLED: List[str] = []
COOKING: List[Cop2Node] = []  # the Python COP being cooked, if any


class Error(Exception):
    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class OperationInterrupted(Error):
    pass


class NodeError(Error):
    pass


class PermissionError(Error):
    pass


class EnumValue:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"hou.{self.name}"


class imageLayerStorageType:
    Float32 = EnumValue("imageLayerStorageType.Float32")
    Float16 = EnumValue("imageLayerStorageType.Float16")


class imageDepth:
    Int8 = EnumValue("imageDepth.Int8")
    Int16 = EnumValue("imageDepth.Int16")
    Int32 = EnumValue("imageDepth.Int32")
    Float16 = EnumValue("imageDepth.Float16")
    Float32 = EnumValue("imageDepth.Float32")


_DTYPES = {
    imageDepth.Int8: np.uint8,
    imageDepth.Int16: np.uint16,
    imageDepth.Int32: np.uint32,
    imageDepth.Float16: np.float16,
    imageDepth.Float32: np.float32,
}


def _encode(values: np.ndarray, depth: EnumValue) -> bytes:
    dtype = np.dtype(_DTYPES[depth])
    if dtype.kind == "u":
        top = np.iinfo(dtype).max
        return np.ascontiguousarray(np.round(np.clip(values, 0, 1) * top).astype(dtype)).tobytes()
    return np.ascontiguousarray(values.astype(dtype)).tobytes()


def _decode(raw: bytes, depth: EnumValue) -> np.ndarray:
    dtype = np.dtype(_DTYPES[depth])
    values = np.frombuffer(raw, dtype=dtype).astype(np.float32)
    return values / np.iinfo(dtype).max if dtype.kind == "u" else values


class severityType:
    Error = EnumValue("severityType.Error")
    Message = EnumValue("severityType.Message")


class scriptLanguage:
    Python = EnumValue("scriptLanguage.Python")
    Hscript = EnumValue("scriptLanguage.Hscript")


class exprLanguage:
    Python = EnumValue("exprLanguage.Python")
    Hscript = EnumValue("exprLanguage.Hscript")


# ------------------------------------------------------------------------------- parms
class Parm:
    def __init__(self, value: Any = "", menu: Optional[List[str]] = None) -> None:
        self.value = value
        self.menu = menu
        self.expr: Optional[str] = None
        self.node: Optional[OpNode] = None

    def _check_editable(self) -> None:
        if self.node is not None and self.node.isInsideLockedHDA() and not self.node.isEditableInsideLockedHDA():
            raise PermissionError(
                "Failed to modify node or parameter because of a permission error. "
                "Possible causes include locked assets, takes, product permissions or user specified permissions"
            )

    @host_call("hou.Parm.eval")
    def eval(self) -> Any:
        value = self.evalAsString() if self.expr else self.value
        return self.menu.index(value) if self.menu else value

    @host_call("hou.Parm.evalAsString")
    def evalAsString(self) -> str:
        if self.expr:
            m = re.fullmatch(r'chs\("([^"]+)"\)', self.expr)
            assert m and self.node is not None, f"fake hou evaluates only chs() expressions, not {self.expr!r}"
            node_path, _, parm_name = m.group(1).rpartition("/")
            target = self.node.node(node_path) if node_path else self.node
            assert target is not None, f"chs: no node {node_path!r} from {self.node.path()}"
            return target.parm(parm_name).evalAsString()
        return str(self.value)

    @host_call("hou.Parm.set")
    def set(self, value: Any, language: Any = None, follow_parm_reference: bool = True) -> None:
        self._check_editable()
        if self.menu is not None and isinstance(value, int):
            value = self.menu[value]
        self.value = value

    @host_call("hou.Parm.setExpression")
    def setExpression(
        self, expression: str, language: Optional[EnumValue] = None, replace_expression: bool = True
    ) -> None:
        self._check_editable()
        self.expr = expression

    def expression(self) -> str:
        return self.expr or ""


# ------------------------------------------------------------------------------ images
class ImageLayer:
    def __init__(self, pixels: np.ndarray) -> None:  # top-row-first HxWxC
        self._pixels = np.asarray(pixels, dtype=np.float32)

    @host_call("hou.ImageLayer.bufferResolution")
    def bufferResolution(self) -> Tuple[int, ...]:
        return (self._pixels.shape[1], self._pixels.shape[0])

    @host_call("hou.ImageLayer.channelCount")
    def channelCount(self) -> int:
        return int(self._pixels.shape[2])

    @host_call("hou.ImageLayer.allBufferElements")
    def allBufferElements(self, *args: Any) -> bytes:
        storage, channels = args
        assert storage is imageLayerStorageType.Float32 and channels == self._pixels.shape[2]
        return np.ascontiguousarray(self._pixels[::-1]).tobytes()


# ---------------------------------------------------------------------------- geometry
class Point:
    def __init__(self, attribs: Dict[str, Any]) -> None:
        self.attribs = attribs

    def attribValue(self, name_or_attrib: Any) -> Any:
        return self.attribs[name_or_attrib]


class Vertex:
    def __init__(self, point: Point, attribs: Dict[str, Any]) -> None:
        self._point = point
        self.attribs = attribs

    def attribValue(self, name_or_attrib: Any) -> Any:
        return self.attribs[name_or_attrib]

    def point(self) -> Point:
        return self._point


class Prim:
    def __init__(self, positions: Sequence[Sequence[float]], vertices: List[Vertex]) -> None:
        self._vertices = vertices
        p = np.asarray(positions, dtype=np.float64)
        area = sum(np.linalg.norm(np.cross(p[i] - p[0], p[i + 1] - p[0])) / 2 for i in range(1, len(p) - 1))
        self._intrinsics = {"measuredarea": float(area)}

    def intrinsicValue(self, intrinsic_name: str) -> Any:
        return self._intrinsics[intrinsic_name]

    def vertices(self) -> Iterator[Vertex]:
        return iter(self._vertices)


class Geometry:
    """Polygons with positions and a uv attribute on vertices (or points)."""

    def __init__(
        self,
        polygons: Sequence[Tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]]],
        uv_on: Optional[str] = "vertex",
    ) -> None:
        self._prims = []
        for positions, uvs in polygons:
            verts = []
            for uv in uvs:
                attribs = {"uv": (float(uv[0]), float(uv[1]), 0.0)}
                verts.append(Vertex(Point(attribs if uv_on == "point" else {}), attribs if uv_on == "vertex" else {}))
            self._prims.append(Prim(positions, verts))
        self.uv_on = uv_on

    def findVertexAttrib(self, name: str, scope: Any = None) -> Optional[str]:
        return name if self.uv_on == "vertex" and name == "uv" else None

    def findPointAttrib(self, name: str, scope: Any = None) -> Optional[str]:
        return name if self.uv_on == "point" and name == "uv" else None

    def prims(self) -> Tuple[Prim, ...]:
        return tuple(self._prims)


# ------------------------------------------------------------------------------- nodes
class NodeType:
    def __init__(self, name: str, definition: Optional[HDADefinition] = None) -> None:
        self._name = name
        self._definition = definition

    def name(self) -> str:
        return self._name

    def definition(self) -> Optional[HDADefinition]:
        return self._definition


class OpNode:
    """A node: parms, inputs, children (by name), and whether it is a locked asset."""

    context = "obj"  # what a subnet made in this node's network holds

    def __init__(
        self,
        path: str,
        parms: Optional[Dict[str, Parm]] = None,
        type_name: str = "node",
        parent: Optional[OpNode] = None,
    ) -> None:
        self._path = path
        self._parms: Dict[str, Parm] = {}
        self._inputs: List[Optional[OpNode]] = []
        self.children_by_name: Dict[str, OpNode] = {}
        self.parent = parent
        self._type = NodeType(type_name)
        self.locked_asset = False  # an asset instance whose contents are locked
        self.flags: Dict[str, bool] = {}
        for name, parm in (parms or {}).items():
            self.add_parm(name, parm)

    def add_parm(self, name: str, parm: Parm) -> Parm:
        parm.node = self
        self._parms[name] = parm
        return parm

    @host_call("hou.Node.path")
    def path(self) -> str:
        return self._path

    @host_call("hou.Node.parm")
    def parm(self, parm_path: str) -> Optional[Parm]:
        return self._parms.get(parm_path)

    @host_call("hou.Node.inputs")
    def inputs(self) -> Tuple[Optional[OpNode], ...]:
        return tuple(self._inputs)

    @host_call("hou.Node.node")
    def node(self, node_path: str) -> Optional[OpNode]:
        here: Optional[OpNode] = self
        for part in node_path.split("/"):
            if here is None:
                return None
            here = here.parent if part == ".." else here if part in ("", ".") else here.children_by_name.get(part)
        return here

    @host_call("hou.Node.children")
    def children(self) -> Tuple[OpNode, ...]:
        return tuple(self.children_by_name.values())

    @host_call("hou.Node.setInput")
    def setInput(self, input_index: int, item_to_become_input: Optional[OpNode], output_index: int = 0) -> None:
        while len(self._inputs) <= input_index:
            self._inputs.append(None)
        self._inputs[input_index] = item_to_become_input

    def type(self) -> NodeType:
        return self._type

    @host_call("hou.OpNode.isInsideLockedHDA")
    def isInsideLockedHDA(self) -> bool:
        parent = self.parent
        while parent is not None:
            if parent.locked_asset:
                return True
            parent = parent.parent
        return False

    def isEditableInsideLockedHDA(self) -> bool:
        return False

    @host_call("hou.Node.createNode")
    def createNode(
        self,
        node_type_name: str,
        node_name: Optional[str] = None,
        run_init_scripts: bool = True,
        load_contents: bool = True,
        exact_type_name: bool = False,
        force_valid_node_name: bool = False,
    ) -> OpNode:
        if self.locked_asset or self.isInsideLockedHDA():
            raise PermissionError("cannot create nodes inside a locked asset")
        name = node_name or f"{node_type_name}1"
        cls = {"copnet": CopNode, "cop2net": Cop2Node}.get(
            node_type_name, CopNode if self.context == "cop" else Cop2Node if self.context == "cop2" else OpNode
        )
        child = cls(f"{self._path.rstrip('/')}/{name}", type_name=node_type_name, parent=self)
        child.context = {"copnet": "cop", "cop2net": "cop2"}.get(node_type_name, self.context)
        if node_type_name == "file":
            child.add_parm("filename" if self.context == "cop" else "filename1", Parm(""))
        if node_type_name == "subnet" and self.context == "cop":
            out = CopNode(f"{child.path()}/output1", type_name="output", parent=child)
            child.children_by_name["output1"] = out
        self.children_by_name[name] = child
        return child

    @host_call("hou.Node.destroy")
    def destroy(self, disable_safety_checks: bool = False) -> None:
        if self.parent is not None:
            self.parent.children_by_name = {k: v for k, v in self.parent.children_by_name.items() if v is not self}

    @host_call("hou.Node.setDisplayFlag")
    def setDisplayFlag(self, on: bool) -> None:
        self.flags["display"] = bool(on)

    @host_call("hou.Node.setRenderFlag")
    def setRenderFlag(self, on: bool) -> None:
        self.flags["render"] = bool(on)

    @host_call("hou.OpNode.createDigitalAsset")
    def createDigitalAsset(
        self,
        name: Optional[str] = None,
        hda_file_name: Optional[str] = None,
        description: Optional[str] = None,
        min_num_inputs: int = 0,
        max_num_inputs: int = 0,
        **options: Any,
    ) -> OpNode:
        assert self._type.name() == "subnet", "createDigitalAsset needs a subnet"
        definition = HDADefinition(str(name), self, description or "", min_num_inputs, max_num_inputs)
        self._type = NodeType(str(name), definition)
        self.locked_asset = True
        return self


class CopNode(OpNode):
    """A Copernicus node: its output layer (``pixels``, top row first) or geometry."""

    context = "cop"

    def __init__(
        self,
        path: str,
        pixels: Optional[np.ndarray] = None,
        parms: Optional[Dict[str, Parm]] = None,
        type_name: str = "node",
        parent: Optional[OpNode] = None,
        geometry: Optional[Geometry] = None,
    ) -> None:
        super().__init__(path, parms, type_name, parent)
        self.pixels = None if pixels is None else np.asarray(pixels, dtype=np.float32)
        self._geometry = geometry

    @host_call("hou.CopNode.layer")
    def layer(self, output_index: int = 0) -> Optional[ImageLayer]:
        return None if self.pixels is None else ImageLayer(self.pixels)

    @host_call("hou.CopNode.geometry")
    def geometry(self, output_index: int = 0) -> Optional[Geometry]:
        return self._geometry


class Cop2Node(OpNode):
    """An old-network COP: a C plane of a given depth (``pixels`` top row first, 0..1 for integers)."""

    context = "cop2"

    def __init__(
        self,
        path: str,
        pixels: Optional[np.ndarray] = None,
        parms: Optional[Dict[str, Parm]] = None,
        type_name: str = "node",
        parent: Optional[OpNode] = None,
        depth: EnumValue = imageDepth.Float32,
    ) -> None:
        super().__init__(path, parms, type_name, parent)
        self.pixels = None if pixels is None else np.asarray(pixels, dtype=np.float32)
        self.plane_depth = depth
        self.cooked: Optional[np.ndarray] = None

    @host_call("hou.Cop2Node.xRes")
    def xRes(self) -> int:
        assert self.pixels is not None
        return int(self.pixels.shape[1])

    @host_call("hou.Cop2Node.yRes")
    def yRes(self) -> int:
        assert self.pixels is not None
        return int(self.pixels.shape[0])

    @host_call("hou.Cop2Node.depth")
    def depth(self, plane: str) -> EnumValue:
        return self.plane_depth

    @host_call("hou.Cop2Node.allPixelsAsString")
    def allPixelsAsString(
        self,
        plane: str = "C",
        component: Optional[str] = None,
        interleaved: bool = True,
        time: float = -1.0,
        depth: Optional[EnumValue] = None,
    ) -> bytes:
        assert self.pixels is not None and plane == "C"
        if depth is None:  # Houdini: the plane's own depth inside a Python COP's cook, float32 outside
            depth = self.plane_depth if COOKING else imageDepth.Float32
        return _encode(self.pixels[::-1, :, :3], depth)

    @host_call("hou.Cop2Node.setPixelsOfCookingPlaneFromString")
    def setPixelsOfCookingPlaneFromString(
        self,
        values: bytes,
        component: Optional[str] = None,
        interleaved: bool = True,
        depth: Optional[EnumValue] = None,
        flip_vertically: bool = False,
    ) -> None:
        assert COOKING and COOKING[-1] is self, "only the cooking Python COP may set its plane"
        self.cooked = _decode(values, depth if depth is not None else self.plane_depth)


def cook_python_cop(node: Cop2Node, cook: Any, plane: str, resolution: Sequence[int]) -> None:
    """Cook ``node`` the way Houdini runs a Python COP2's ``cook(cop_node, plane, resolution)``;
    its plane takes the depth of its first input, as a filter's does."""
    source = node.inputs()[0]
    if isinstance(source, Cop2Node):
        node.plane_depth = source.plane_depth
    COOKING.append(node)
    try:
        cook(node, plane, resolution)
    finally:
        COOKING.pop()


# ---------------------------------------------------------------------- assets / templates
class ParmTemplate:
    def __init__(self, name: str, label: str, *args: Any, **kwargs: Any) -> None:
        self._name = name
        self.label = label
        self.args = args
        self.kwargs = dict(kwargs)
        self.hidden = False

    def name(self) -> str:
        return self._name

    def hide(self, on: bool) -> None:
        self.hidden = bool(on)

    def setScriptCallback(self, script_callback: str) -> None:
        self.kwargs["script_callback"] = script_callback

    def setScriptCallbackLanguage(self, script_callback_language: EnumValue) -> None:
        self.kwargs["script_callback_language"] = script_callback_language

    def describe(self) -> Dict[str, Any]:
        kwargs = {
            k: (v.name if isinstance(v, EnumValue) else list(v) if isinstance(v, tuple) else v)
            for k, v in self.kwargs.items()
        }
        return {"name": self._name, "kind": type(self).__name__, "label": self.label, "hidden": self.hidden, **kwargs}


class MenuParmTemplate(ParmTemplate):
    pass


class FloatParmTemplate(ParmTemplate):
    pass


class IntParmTemplate(ParmTemplate):
    pass


class StringParmTemplate(ParmTemplate):
    pass


class ButtonParmTemplate(ParmTemplate):
    pass


class ParmTemplateGroup:
    def __init__(self) -> None:
        self.templates: List[ParmTemplate] = []

    def append(self, parm_template: ParmTemplate) -> None:
        self.templates.append(parm_template)

    def find(self, name: str) -> Optional[ParmTemplate]:
        return next((t for t in self.templates if t.name() == name), None)


class HDADefinition:
    def __init__(self, name: str, node: OpNode, description: str, min_inputs: int, max_inputs: int) -> None:
        self.name = name
        self.node = node
        self.description = description
        self.inputs = (min_inputs, max_inputs)
        self.group = ParmTemplateGroup()

    def parmTemplateGroup(self) -> ParmTemplateGroup:
        return self.group

    def setParmTemplateGroup(
        self, parm_template_group: ParmTemplateGroup, rename_conflicting_parms: bool = False, create_backup: bool = True
    ) -> None:
        self.group = parm_template_group

    @host_call("hou.HDADefinition.save")
    def save(self, file_name: str, template_node: Any = None, options: Any = None, **kwargs: Any) -> None:
        """Writes what a real .hda would hold, as JSON: the parms and the network inside."""
        network = {}
        for child in self.node.children():
            network[child.path().rsplit("/", 1)[-1]] = {
                "type": child.type().name(),
                "inputs": [i.path().rsplit("/", 1)[-1] if i else None for i in child.inputs()],
                "expressions": {n: p.expression() for n, p in child._parms.items() if p.expression()},
                "flags": child.flags,
            }
        data = {
            "type": self.name,
            "description": self.description,
            "inputs": self.inputs,
            "parms": [t.describe() for t in self.group.templates],
            "network": network,
        }
        Path(file_name).write_text(json.dumps(data, indent=1), encoding="utf-8")


class hda:
    @staticmethod
    @host_call("hou.hda.installFile")
    def installFile(
        file_path: str,
        oplibraries_file: Optional[str] = None,
        change_oplibraries_file: bool = True,
        force_use_assets: bool = False,
    ) -> None:
        INSTALLED.append(file_path)


ROOT = OpNode("/", type_name="root")
ROOT.children_by_name["obj"] = OpNode("/obj", type_name="obj", parent=ROOT)


@host_call("hou.node")
def node(path: str) -> Optional[OpNode]:
    return ROOT.node(path.lstrip("/"))


@host_call("hou.homeHoudiniDirectory")
def homeHoudiniDirectory() -> str:
    return HOME["dir"]


def make_asset(type_name: str, path: str, parms: Dict[str, Parm], context: str = "cop") -> OpNode:
    """An instance of a built Nexture asset: locked contents holding the File node that reads
    ``chs("../result_file")`` (what build_hda.py makes)."""
    cls = CopNode if context == "cop" else Cop2Node
    asset = cls(path, parms=parms, type_name=type_name)
    asset.context = context
    reader = cls(f"{path}/nexture_result", type_name="file", parent=asset)
    reader.add_parm("filename" if context == "cop" else "filename1", Parm("")).expr = 'chs("../result_file")'
    asset.children_by_name["nexture_result"] = reader
    asset.locked_asset = True
    return asset


# ------------------------------------------------------------------------ session, ui
class InterruptableOperation:
    """Esc is simulated by :attr:`interrupt_after` (updates before the artist presses it)."""

    interrupt_after: Optional[int] = None
    instances: List[InterruptableOperation] = []

    @host_call("hou.InterruptableOperation")
    def __init__(
        self,
        operation_name: str,
        long_operation_name: Optional[str] = None,
        open_interrupt_dialog: bool = False,
        timeout_ms: int = 0,
    ) -> None:
        self.name = operation_name
        self.open_interrupt_dialog = open_interrupt_dialog
        self.updates: List[float] = []
        InterruptableOperation.instances.append(self)

    def __enter__(self) -> InterruptableOperation:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    @host_call("hou.InterruptableOperation.updateProgress")
    def updateProgress(self, percentage: float = -1.0) -> None:
        self.updates.append(percentage)
        limit = InterruptableOperation.interrupt_after
        if limit is not None and len(self.updates) > limit:
            raise OperationInterrupted("interrupted")


class hipFile:
    _path = {"value": "untitled.hip", "new": True}

    @staticmethod
    @host_call("hou.hipFile.path")
    def path() -> str:
        return hipFile._path["value"]

    @staticmethod
    @host_call("hou.hipFile.isNewFile")
    def isNewFile() -> bool:
        return hipFile._path["new"]

    @staticmethod
    def save_as(path: str) -> None:
        """Test helper: the artist saved the hip."""
        hipFile._path.update(value=path, new=False)


@host_call("hou.isUIAvailable")
def isUIAvailable() -> bool:
    return UI_AVAILABLE["value"]


@host_call("hou.applicationVersionString")
def applicationVersionString() -> str:
    return VERSION["string"]


@host_call("hou.scaleToMKS")
def scaleToMKS(units: str) -> float:
    """Houdini session units -> MKS; the fake knows lengths and areas (m1, m2)."""
    exponent = {"m1": 1, "m2": 2}[units]
    return UNIT_LENGTH_M["value"] ** exponent


class _UI:
    @host_call("hou.ui.setStatusMessage")
    def setStatusMessage(self, message: str, severity: Any = None) -> None:
        STATUS_MESSAGES.append(message)

    @host_call("hou.ui.displayMessage")
    def displayMessage(
        self, text: str, buttons: Tuple[str, ...] = ("OK",), severity: Any = None, title: Optional[str] = None
    ) -> int:
        DIALOGS.append(text)
        return 0


ui = _UI()


def reset() -> None:
    UI_AVAILABLE["value"] = True
    STATUS_MESSAGES.clear()
    DIALOGS.clear()
    INSTALLED.clear()
    COOKING.clear()
    VERSION["string"] = "21.0.512"
    UNIT_LENGTH_M["value"] = 1.0
    hipFile._path.update(value="untitled.hip", new=True)
    ROOT.children_by_name["obj"] = OpNode("/obj", type_name="obj", parent=ROOT)
    InterruptableOperation.interrupt_after = None
    InterruptableOperation.instances.clear()
