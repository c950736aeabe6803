"""The real panel, offscreen, on the real engine with the weight-free backbone.

One map of 128 px, two built-in patterns, a few iterations: enough to drive
every path (load, gallery, scale, run, cancel, preview, errors) in well under
a minute on two slow cores.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from nexture_core.io import read_map
from nexture_core.job import JobState
from nexture_core.ui.panel import NexturePanel
from nexture_core.ui.qt import Qt, QtCore
from nexture_core.ui.settings_section import scale_to_slider, slider_to_scale

pytestmark = pytest.mark.qt
RUN_TIMEOUT_MS = 120_000
TWO_PATTERNS = ("cheek", "forehead")


def make_panel(qtbot, bank, *, live_preview: bool = False) -> NexturePanel:
    panel = NexturePanel(bank=bank)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.live_preview.setChecked(live_preview)
    panel.advanced_box.setChecked(True)
    panel.backbone_combo.setCurrentIndex(panel.backbone_combo.findData("random"))
    panel.iterations_spin.setValue(2)
    # Below x1 the engine analyses a smaller resampled pattern: same code paths, a fraction of the time.
    panel.set_scale(0.8)
    panel.set_patterns([])
    # The panel loads torch in the background as it opens (a one-off GIL hitch);
    # an artist picks a map and patterns meanwhile, a test just waits for it.
    assert panel.warmup_job.wait(60)
    return panel


def load(qtbot, panel, path) -> None:
    with qtbot.waitSignal(panel.input_loaded, timeout=20_000):
        panel.set_input_path(path)


def click_pattern(qtbot, panel, pattern_id) -> None:
    gallery = panel.gallery
    row = gallery.visible_ids().index(pattern_id)
    index = gallery.proxy.index(row, 0)
    gallery.view.scrollTo(index)
    qtbot.mouseClick(gallery.view.viewport(), Qt.LeftButton, pos=gallery.view.visualRect(index).center())


class TickRecorder:
    """A 10 ms QTimer on the UI thread: long gaps between ticks mean the UI froze."""

    def __init__(self) -> None:
        self.stamps = []
        self.timer = QtCore.QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()

    @property
    def largest_gap(self) -> float:
        return float(np.max(np.diff(self.stamps))) if len(self.stamps) > 1 else float("inf")


def test_scale_slider_is_logarithmic():
    assert slider_to_scale(0) == pytest.approx(0.25)
    assert slider_to_scale(1000) == pytest.approx(4.0)
    assert slider_to_scale(500) == pytest.approx(1.0)
    assert scale_to_slider(2.0) == 750


def test_load_two_patterns_scale_run_without_freezing(qtbot, real_bank, height_tiff, test_output):
    panel = make_panel(qtbot, real_bank)
    load(qtbot, panel, height_tiff)
    info = panel.info_label.text()
    assert "128 x 128 px" in info and "16-bit" in info

    for pid in TWO_PATTERNS:
        click_pattern(qtbot, panel, pid)
    assert panel.selected_patterns() == sorted(TWO_PATTERNS, key=list(real_bank.ids()).index)

    panel.scale_slider.setFocus()
    start = panel.scale_slider.value()
    for _ in range(2):
        qtbot.keyClick(panel.scale_slider, Qt.Key_PageDown)
    moved = panel.settings().scale
    assert moved == pytest.approx(slider_to_scale(start - 100), abs=0.005)  # two pages down: x0.8 -> ~x0.6
    assert panel.scale_spin.value() == pytest.approx(moved)
    assert abs(panel.scale_slider.value() - scale_to_slider(moved)) <= 1  # the spin box rounds to 0.001

    with TickRecorder() as ticks, qtbot.waitSignal(panel.finished, timeout=RUN_TIMEOUT_MS) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
        assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    elapsed = panel.job.elapsed
    assert panel.job.state is JobState.DONE, panel.error_text
    paths = [Path(p) for p in done.args[0]]
    assert len(paths) == 2 and all(p.is_file() for p in paths)
    assert {pid for pid in TWO_PATTERNS if any(pid in p.name for p in paths)} == set(TWO_PATTERNS)
    source, _ = read_map(height_tiff)
    for path in paths:
        out, info = read_map(path)
        assert out.shape == source.shape and info.bit_depth == 16
        assert not np.allclose(out, source, atol=1e-3)  # detail was added
        assert np.corrcoef(out.ravel(), source.ravel())[0, 1] > 0.8  # broad forms kept

    # The UI kept ticking all along: no gap anywhere near a freeze.
    print(
        f"largest gap between 10 ms ticks: {ticks.largest_gap * 1000:.0f} ms over {elapsed:.1f} s ({len(ticks.stamps)} ticks)"
    )
    assert ticks.largest_gap < 0.25, f"UI froze for {ticks.largest_gap * 1000:.0f} ms"
    assert len(ticks.stamps) > 0.3 * elapsed / 0.010
    assert panel.progress_bar.value() == 1000
    assert "2 files written" in panel.stage_label.text()
    assert panel.outputs_list.count() == 2
    assert panel.view_mode == "split" and panel.viewer.after is not None
    assert [panel.show_combo.itemText(i) for i in range(3)] == ["Input", *panel.selected_patterns()]
    panel.grab().save(str(test_output / "panel_result.png"))
    assert (test_output / "panel_result.png").stat().st_size > 10_000


def test_cancel_mid_run_writes_nothing(qtbot, real_bank, height_tiff, tmp_path):
    panel = make_panel(qtbot, real_bank)
    load(qtbot, panel, height_tiff)
    panel.set_patterns(TWO_PATTERNS)
    out_dir = tmp_path / "cancelled"
    out_dir.mkdir()
    panel.output_edit.setText(str(out_dir / "{name}_{pattern}.{ext}"))
    panel.iterations_spin.setValue(400)
    job = panel.run()
    assert job is not None
    qtbot.waitUntil(lambda: job.progress > 0.0, timeout=60_000)
    with qtbot.waitSignal(panel.error_shown, timeout=10_000):
        panel.set_input_path(height_tiff)  # another map while running: refused, the current one stays
    assert "synthesis is running" in panel.error_text and panel.loaded is not None
    with qtbot.waitSignal(panel.run_bridge.finished, timeout=30_000):
        started = time.perf_counter()
        qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    assert time.perf_counter() - started < 10
    assert job.state is JobState.CANCELLED
    assert "Cancelled" in panel.stage_label.text()
    assert list(out_dir.iterdir()) == []
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert panel.error_text == ""


def test_preview_runs_debounced_and_shows_blue(qtbot, real_bank, height_tiff):
    panel = make_panel(qtbot, real_bank, live_preview=True)
    panel.set_patterns(["cheek"])
    with qtbot.waitSignal(panel.preview_shown, timeout=RUN_TIMEOUT_MS) as shown:
        load(qtbot, panel, height_tiff)
    assert shown.args == ["cheek"]
    first = panel.preview_bridge.job
    x, y, w, h = panel.viewer.preview_rect
    assert (w, h) == (128, 128) and (x, y) == (0, 0)  # the whole small map, capped at 256 px
    centre = panel.viewer.map_to_screen(x + w / 2, y + h / 2)
    colour = panel.viewer.grab().toImage().pixelColor(int(centre.x()), int(centre.y()))
    assert colour.blue() > colour.red() + 30, "the preview must read as blue"
    assert "PREVIEW" in panel.viewer.preview_label

    # Three quick changes start one new preview (debounced), not three.
    started = []
    panel.preview_bridge.watch = _spy(panel.preview_bridge.watch, started)
    for scale in (0.7, 0.65, 0.6):
        panel.scale_spin.setValue(scale)
    with qtbot.waitSignal(panel.preview_shown, timeout=RUN_TIMEOUT_MS):
        pass
    assert len(started) == 1 and started[0] is not first
    assert panel.last_preview.rect == (0, 0, 128, 128)


def _spy(fn, calls):
    def wrapper(job):
        calls.append(job)
        return fn(job)

    return wrapper


def test_corrupt_input_shows_a_readable_error(qtbot, real_bank, tmp_path):
    panel = make_panel(qtbot, real_bank)
    bad = tmp_path / "broken_scan.tif"
    bad.write_bytes(b"II*\x00" + b"\x13" * 200)
    with qtbot.waitSignal(panel.error_shown, timeout=20_000) as shown:
        panel.set_input_path(bad)
    assert "broken_scan.tif" in shown.args[0]
    assert "Traceback" not in shown.args[0]
    assert panel.status_label.isVisible() and "ff5c5c" in panel.status_label.styleSheet()
    assert panel.loaded is None and panel.info_label.text() == "No map loaded."


def test_run_explains_what_is_missing(qtbot, real_bank, height_tiff):
    panel = make_panel(qtbot, real_bank)
    assert panel.run() is None
    assert "No input map" in panel.error_text
    load(qtbot, panel, height_tiff)
    panel.set_patterns([])
    assert panel.run() is None
    assert "pattern" in panel.error_text


def test_hosts_can_take_the_request_and_run_it_their_way(qtbot, real_bank, height_tiff):
    panel = make_panel(qtbot, real_bank)
    load(qtbot, panel, height_tiff)
    panel.set_patterns(["palm", "neck"])
    panel.run_internally = False
    with qtbot.waitSignal(panel.run_requested, timeout=1000):
        assert panel.run() is None
    request = panel.request()
    assert Path(request.input) == Path(height_tiff)
    assert list(request.patterns) == panel.selected_patterns()
    assert request.settings.backbone == "random" and request.settings.iterations == 2
    assert panel.job is None  # nothing was started by the panel


def test_array_from_a_host_runs_in_memory(qtbot, real_bank):
    panel = make_panel(qtbot, real_bank)
    y, x = np.mgrid[0:96, 0:96].astype(np.float32)
    height = np.sin(x / 15.0) * np.cos(y / 20.0)
    with qtbot.waitSignal(panel.input_loaded, timeout=20_000):
        panel.set_input_array(height, "Read1")
    assert "96 x 96 px" in panel.info_label.text()
    panel.set_patterns(["cheek"])
    with qtbot.waitSignal(panel.finished, timeout=RUN_TIMEOUT_MS) as done:
        panel.run()
    result = done.args[0]
    assert list(result.outputs) == ["cheek"]
    assert result.outputs["cheek"]["displacement"].shape == (96, 96)
    assert panel.viewer.after is not None


def test_settings_persist_between_sessions(qtbot, gallery_bank):
    first = NexturePanel(bank=gallery_bank)
    qtbot.addWidget(first)
    first.scale_spin.setValue(2.5)
    first.preset_combo.setCurrentIndex(first.preset_combo.findData("final"))
    first.seed_spin.setValue(7)
    first.map_checks["normal"].setChecked(True)
    first.set_patterns(["palm", "knuckle"])
    first.scale_by_texel.click()
    first.texel_spin.setValue(0.02)
    first.close()
    second = NexturePanel(bank=gallery_bank)
    qtbot.addWidget(second)
    s = second.settings()
    assert s.texel_mm == pytest.approx(0.02) and s.preset == "final" and s.seed == 7
    assert s.maps == ("displacement", "normal")
    assert second.scale_spin.value() == pytest.approx(2.5)
    assert second.selected_patterns() == ["palm", "knuckle"]
    assert second.scale_row.isEnabled() and second.texel_spin.isEnabled() and not second.width_spin.isEnabled()


def test_settings_round_trip_and_advanced_only_when_enabled(qtbot, gallery_bank):
    from nexture_core.settings import Settings

    panel = NexturePanel(bank=gallery_bank)
    qtbot.addWidget(panel)
    wanted = Settings(
        scale=0.5,
        upscale=2,
        strength=1.5,
        preset="final",
        iterations=9,
        seed=3,
        device="cpu",
        backbone="random",
        maps=("displacement", "albedo"),
    )
    panel.apply_settings(wanted)
    got = panel.settings()
    assert got.to_dict() == wanted.to_dict()
    panel.advanced_box.setChecked(False)  # greyed-out advanced values are not in effect
    got = panel.settings()
    assert got.iterations is None and got.backbone == "vgg19"
    panel.apply_settings(Settings(texel_mm=0.03))
    assert panel.settings().texel_mm == pytest.approx(0.03) and panel.settings().scale == 1.0


def test_host_values_fill_the_controls(qtbot, gallery_bank, height_tiff):
    panel = NexturePanel(bank=gallery_bank)
    qtbot.addWidget(panel)
    panel.live_preview.setChecked(False)
    values = {
        "pattern": "palm",
        "scale": 2.0,
        "texel_mm": 0.0,
        "strength": 0.5,
        "upscale": "2",
        "preset": "final",
        "seed": 11,
        "maps": "displacement normal",
        "iterations": 0,
        "backbone": "vgg19",
        "device": "cpu",
    }
    with qtbot.waitSignal(panel.input_loaded, timeout=20_000):
        panel.set_values(dict(values, input=str(height_tiff)))
    s = panel.settings()
    assert (s.scale, s.texel_mm, s.strength, s.upscale, s.preset, s.seed, s.device) == (
        2.0,
        None,
        0.5,
        2,
        "final",
        11,
        "cpu",
    )
    assert s.maps == ("displacement", "normal")
    assert panel.selected_patterns() == ["palm"]
    panel.set_values({"upscale": "3"})
    assert "upscale" in panel.error_text
    panel.set_values({"seed": 12})  # a partial dict changes only what it names
    assert panel.settings().seed == 12 and panel.settings().preset == "final"


def test_dropping_on_the_panel_and_panning_away_reschedules_the_preview(
    qtbot, gallery_bank, tmp_path, make_height_tiff
):
    from nexture_core.ui.qt import QtGui, QtWidgets

    panel = NexturePanel(bank=gallery_bank)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.live_preview.setChecked(False)
    big = make_height_tiff(tmp_path / "big.tif", size=512)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(big))])
    try:  # Qt 6.12 takes a QPointF and deprecates the QPoint form; older Qts take only QPoint
        enter = QtGui.QDragEnterEvent(QtCore.QPointF(300, 300), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    except TypeError:
        enter = QtGui.QDragEnterEvent(QtCore.QPoint(300, 300), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QtWidgets.QApplication.sendEvent(panel, enter)  # Qt delivers a drop only after an accepted enter
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(QtCore.QPointF(300, 300), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(panel.input_loaded, timeout=20_000):
        QtWidgets.QApplication.sendEvent(panel, drop)
    assert "512 x 512 px" in panel.info_label.text()
    # Pretend a preview covers the top-left quarter; panning its centre out of view asks for a new one.
    panel.set_patterns(["cheek"])
    panel.live_preview.setChecked(True)
    panel.preview_timer.stop()
    panel.viewer.set_preview(panel.viewer.before, (0, 0, 256, 256))
    panel.viewer.actual_size()  # zooming about the centre (256, 256) stays on the patch ...
    assert not panel.preview_timer.isActive()
    panel.viewer.pan(-200, -200)  # ... panning moves the centre to about (456, 456), off the patch
    assert panel.preview_timer.isActive()
    panel.preview_timer.stop()


def test_the_size_box_says_how_big_pores_and_cells_are_and_when_to_upscale(qtbot, real_bank):
    """Texels per pore and cell on this map, live; a coarse map is told which --upscale draws its pores."""
    panel = NexturePanel(bank=real_bank)
    qtbot.addWidget(panel)
    panel.set_patterns(["cheek"])
    panel.scale_by_multiplier.click()
    assert "Assumed the pattern's own" in panel.sizes_label.text() and "crease cells" in panel.sizes_label.text()
    panel.scale_by_texel.click()
    panel.texel_spin.setValue(0.02)
    text = panel.sizes_label.text()
    assert "0.02 mm</b> per output texel" in text and "pores" in text and "upscale" not in text
    assert "twice the resolution" not in text  # 45-texel cells: drawn as they are
    panel.texel_spin.setValue(0.09)  # a 4k head: pores under three texels
    text = panel.sizes_label.text()
    assert "below what the map can draw" in text and "--upscale 2" in text
    assert "twice the resolution" in text  # 10-texel cells are oversampled ...
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("draft"))
    assert "--preset final" in panel.sizes_label.text()  # ... and delivered with the final preset
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("final"))
    assert "--preset final" not in panel.sizes_label.text()
    panel.upscale_combo.setCurrentIndex(panel.upscale_combo.findData(2))
    assert "below what the map can draw" not in panel.sizes_label.text()
    assert "0.045 mm</b> per output texel" in panel.sizes_label.text()
    assert panel.settings().texel_mm == pytest.approx(0.09) and panel.settings().upscale == 2
