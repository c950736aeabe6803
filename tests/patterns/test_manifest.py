"""pattern.toml written by tomli-w: any text an artist types reads back unchanged."""

from __future__ import annotations

import pytest

from nexture_core.patterns.manifest import MANIFEST, Manifest, manifest_text, read_manifest


@pytest.mark.parametrize(
    "text", ['quotes " and \\ backslash', "two\nlines\tand a tab", "é, ✓ and 皮膚", "delete \x7f and escape \x1b"]
)
def test_any_description_and_source_text_round_trips(tmp_path, text):
    m = Manifest(
        id="scan_01",
        name="Scan",
        region="cheek",
        width_mm=12.5,
        description=text,
        feature_mm=0.8,
        licence="CC-BY-4.0",
        attribution=text,
        tileable=False,
        seed=7,
        maps={"displacement": "displacement.tif"},
        source={"displacement_low": -0.25, "displacement_high": 1.5, "specular_from": text},
    )
    (tmp_path / MANIFEST).write_text(manifest_text(m), encoding="utf-8")
    assert read_manifest(tmp_path) == m


def test_keys_keep_their_order_and_tables_come_last():
    m = Manifest(id="a", name="A", region="palm", width_mm=10.0, maps={"displacement": "d.tif", "thumbnail": "t.png"})
    lines = manifest_text(m).splitlines()
    assert lines[:5] == ['id = "a"', 'name = "A"', 'region = "palm"', 'description = ""', "width_mm = 10.0"]
    assert lines[-3:] == ["[maps]", 'displacement = "d.tif"', 'thumbnail = "t.png"']
