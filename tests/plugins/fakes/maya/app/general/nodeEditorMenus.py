"""Fake ``maya.app.general.nodeEditorMenus``: the list Maya calls for each node's marking menu
(Hypershade and the Node Editor): ``callback(node_editor, node) -> bool``."""

from typing import Any, List

customInclusiveNodeItemMenuCallbacks: List[Any] = []
