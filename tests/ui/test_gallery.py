"""The pattern gallery: region and text filters, several patterns chosen at once."""

from __future__ import annotations

import pytest

from nexture_core.ui.gallery import PatternGallery
from nexture_core.ui.qt import Qt, QtCore


@pytest.fixture
def gallery(qtbot, gallery_bank):
    g = PatternGallery(gallery_bank)
    qtbot.addWidget(g)
    g.resize(400, 500)
    g.show()
    qtbot.waitExposed(g)
    return g


def test_lists_every_pattern_with_size_in_mm_and_px(gallery):
    assert gallery.visible_ids() == ["cheek", "forehead", "palm", "knuckle"]
    caption = gallery.model.item(0).text()
    assert "Cheek" in caption and "10 mm" in caption and "512 px" in caption
    assert "face" in gallery.model.item(0).toolTip()
    assert not gallery.model.item(0).icon().isNull()


def test_region_and_text_filters(gallery):
    gallery.set_region("hand")
    assert gallery.visible_ids() == ["palm", "knuckle"]
    gallery.set_text_filter("crease")
    assert gallery.visible_ids() == ["palm"]
    gallery.set_region("")
    assert gallery.visible_ids() == ["forehead", "palm"]  # "creases" in the forehead's description
    assert "2 of 4" in gallery.count_label.text()


def test_clicks_select_several_and_filtering_keeps_them(gallery, qtbot):
    seen = []
    gallery.selection_changed.connect(seen.append)
    for pid in ("forehead", "palm"):
        row = gallery.visible_ids().index(pid)
        rect = gallery.view.visualRect(gallery.proxy.index(row, 0))
        qtbot.mouseClick(gallery.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert gallery.selected_ids() == ["forehead", "palm"]
    assert seen[-1] == ["forehead", "palm"]
    gallery.set_region("hand")  # hides forehead ...
    assert gallery.selected_ids() == ["forehead", "palm"]  # ... but it stays chosen
    gallery.set_region("")
    selected_rows = {i.data(QtCore.Qt.UserRole + 1) for i in gallery.view.selectionModel().selectedIndexes()}
    assert selected_rows == {"forehead", "palm"}


def test_set_selected_ids_ignores_unknown(gallery):
    gallery.set_selected_ids(["knuckle", "nope"])
    assert gallery.selected_ids() == ["knuckle"]
