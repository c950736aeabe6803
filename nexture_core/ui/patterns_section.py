"""The panel's "Patterns" box: the gallery of the bank and which patterns are chosen.

A part of :class:`~nexture_core.ui.panel.NexturePanel` (a mixin: it builds its
widgets on the panel and reports bank errors through the panel's messages).
"""

from __future__ import annotations

from typing import List

from ..errors import NextureError
from ..patterns import DEFAULT_PATTERN, load_bank
from .gallery import PatternGallery
from .qt import QtWidgets


class PatternsSection:
    """Builds ``gallery`` in a "Patterns" box; ``bank`` is the bank it shows (None when it failed to load)."""

    def _build_patterns_box(self):
        self.gallery = PatternGallery()
        box = QtWidgets.QGroupBox("Patterns")
        QtWidgets.QVBoxLayout(box).addWidget(self.gallery)
        return box

    def _load_bank(self, bank) -> None:
        try:
            self.bank = bank if bank is not None else load_bank()
            self.gallery.set_bank(self.bank)
        except NextureError as exc:
            self.bank = None
            self.show_error(str(exc))

    def set_patterns(self, ids) -> None:
        self.gallery.set_selected_ids(ids)

    def selected_patterns(self) -> List[str]:
        return self.gallery.selected_ids()

    def _default_patterns(self) -> List[str]:
        """The bank's default pattern, when this bank has it (a host's own bank may not)."""
        return [DEFAULT_PATTERN] if DEFAULT_PATTERN in self.gallery.patterns else []

    def _save_patterns(self, store) -> None:
        store.set("patterns", self.selected_patterns())

    def _restore_patterns(self, store) -> None:
        self.gallery.set_selected_ids(store.get_list("patterns", self._default_patterns()))
