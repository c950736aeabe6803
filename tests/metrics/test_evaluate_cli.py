"""``nexture evaluate`` on small real files (a stand-in pattern bank; the real one when present)."""

import json
from types import SimpleNamespace

import numpy as np
import pytest

from nexture_core import metrics as M
from nexture_core.cli import evaluate_cmd
from nexture_core.errors import InputError, PatternError
from nexture_core.io import read_image, write_image

from .synthetic import furrow_network, smooth_noise
from .test_report import make_input

CELL = 16


class FakePattern:
    """The Pattern contract's fields that evaluate uses."""

    id = "fake"
    mm_per_px = 0.02
    feature_px = CELL
    feature_mm = CELL * 0.02
    height_um = 300.0
    tileable = True

    def load_map(self, name):
        assert name == "displacement"
        return (furrow_network(128, CELL, seed=0) + 2.0) / 3.0


class FakeBank:
    def get(self, pattern_id):
        if pattern_id != "fake":
            raise PatternError(f"Unknown pattern '{pattern_id}'.")
        return FakePattern()


@pytest.fixture
def fake_bank(monkeypatch):
    import nexture_core.patterns as patterns

    monkeypatch.setattr(patterns, "load_bank", lambda: FakeBank(), raising=False)


def _files(tmp_path, detail, size=128, upscale=1):
    inp = make_input(size)
    out = M.upsample(inp, upscale) + detail
    in_path = write_image(tmp_path / "in.tif", inp, dtype="float")
    out_path = write_image(tmp_path / "out.exr", out.astype(np.float32), dtype="float")
    return str(in_path), str(out_path)


def _good_detail(inp_size=128, upscale=1, seed=5):
    """Detail of the same process at the amplitude the engine aims for (strength 1)."""
    from nexture_core import units
    from nexture_core.settings import Settings

    pattern = FakePattern().load_map("displacement")
    gain = units.height_gain(Settings(), FakePattern())
    target = M.target_detail_std(pattern, 1.0, 8.0, gain)
    d = M.detail_band(furrow_network(inp_size * upscale, CELL, seed=seed), 8.0)
    return d * (target / d.std())


def run_cli(args):
    """Through ``nexture``'s main; while other sub-commands are still missing, through
    a parser holding only ``evaluate`` with main's error handling."""
    from nexture_core.cli import main as cli_main

    try:
        cli_main.build_parser()
    except ModuleNotFoundError:
        import argparse
        import sys

        from nexture_core.errors import NextureError

        parser = argparse.ArgumentParser(prog="nexture")
        evaluate_cmd.register(parser.add_subparsers(dest="command"))
        parsed = parser.parse_args(["evaluate", *args])
        try:
            return int(parsed.func(parsed) or 0)
        except NextureError as exc:
            print(f"nexture: error: {exc}", file=sys.stderr)
            return 2
    return cli_main.main(["evaluate", *args])


def test_table_for_a_good_output(tmp_path, fake_bank, capsys):
    in_path, out_path = _files(tmp_path, _good_detail())
    assert run_cli([out_path, "--input", in_path, "--pattern", "fake", "--strict"]) == 0
    text = capsys.readouterr().out
    assert "structure PSNR (dB)" in text and "patch realism" in text
    assert "overall: pass" in text


def test_json_and_strict_failure_for_noise(tmp_path, fake_bank, capsys):
    noise = smooth_noise(128, 1.0, seed=3)
    in_path, out_path = _files(tmp_path, 0.01 * noise)
    assert run_cli([out_path, "--input", in_path, "--pattern", "fake", "--json", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["pattern"] == "fake" and data["passed"] is False
    assert data["checks"]["patch_realism"] is False
    assert data["multiplier"] == 1.0 and data["sigma"] == 8.0


def test_texel_mm_sets_the_multiplier(tmp_path, fake_bank, capsys):
    in_path, out_path = _files(tmp_path, _good_detail())
    assert run_cli([out_path, "--input", in_path, "--pattern", "fake", "--texel-mm", "0.01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["multiplier"] == pytest.approx(2.0)
    assert data["sigma"] == pytest.approx(16.0)


def test_upscale_inferred_and_checked(tmp_path, fake_bank, capsys):
    in_path, out_path = _files(tmp_path, _good_detail(64, 2), size=64, upscale=2)
    assert run_cli([out_path, "--input", in_path, "--pattern", "fake", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["structure_psnr_db"] > 40
    assert run_cli([out_path, "--input", in_path, "--pattern", "fake", "--upscale", "4"]) == 2
    err = capsys.readouterr().err
    assert "--upscale 4" in err and "out.exr" in err


def test_mask_and_sheet(tmp_path, fake_bank, capsys):
    in_path, out_path = _files(tmp_path, _good_detail())
    mask = np.zeros((128, 128), np.float32)
    mask[:, :70] = 1.0
    mask_path = write_image(tmp_path / "mask.png", mask, dtype="uint8")
    sheet = tmp_path / "sheet.png"
    assert (
        run_cli(
            [
                out_path,
                "--input",
                in_path,
                "--pattern",
                "fake",
                "--mask",
                str(mask_path),
                "--sheet",
                str(sheet),
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["transition_peak"] is not None
    pixels, info = read_image(sheet)
    assert pixels.shape[1] == 3 * 128 + 2 * 4 and info.bit_depth == 8


def test_clear_errors(tmp_path, fake_bank, capsys):
    in_path, out_path = _files(tmp_path, _good_detail())
    assert run_cli([str(tmp_path / "missing.exr"), "--input", in_path, "--pattern", "fake"]) == 2
    assert "missing.exr" in capsys.readouterr().err
    assert run_cli([out_path, "--input", in_path, "--pattern", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    small = write_image(tmp_path / "small.tif", make_input(48), dtype="float")
    assert run_cli([out_path, "--input", str(small), "--pattern", "fake"]) == 2
    assert "whole multiple" in capsys.readouterr().err
    with pytest.raises(InputError):
        evaluate_cmd.run(
            SimpleNamespace(
                output=out_path,
                input=in_path,
                pattern="fake",
                scale=1.0,
                texel_mm=None,
                map_width_mm=None,
                height_mm=None,
                upscale=None,
                strength=1.0,
                channel=None,
                mask=str(tmp_path / "nomask.png"),
                tileable=False,
                sheet=None,
                json=True,
                strict=False,
            )
        )


def test_real_bank_when_available(tmp_path, capsys):
    patterns = pytest.importorskip("nexture_core.patterns")
    if not hasattr(patterns, "load_bank"):
        pytest.skip("the pattern bank is not available in this checkout")
    bank = patterns.load_bank()
    pattern = bank.get(patterns.DEFAULT_PATTERN)
    inp = make_input(128)
    in_path = write_image(tmp_path / "in.tif", inp, dtype="float")
    disp = np.asarray(pattern.load_map("displacement"), np.float32)[:128, :128]
    out = inp + 0.02 * M.detail_band(disp, 4.0) / max(float(disp.std()), 1e-6)
    out_path = write_image(tmp_path / "out.tif", out.astype(np.float32), dtype="float")
    assert run_cli([str(out_path), "--input", str(in_path), "--pattern", pattern.id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pattern"] == pattern.id and data["structure_psnr_db"] is not None
