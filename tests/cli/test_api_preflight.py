"""The same checks through the Python API (farm, hosts): errors before work, warnings as NextureWarning."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import smooth, write_exr

from nexture_core import InputError, OutputError, Settings
from nexture_core.api import FileRequest, synthesize, synthesize_file
from nexture_core.preflight import NextureWarning

FAST = Settings(backbone="random", iterations=1)


def test_file_api_refuses_before_work(tmp_path, no_synthesis):
    src = write_exr(tmp_path / "in.exr", smooth())
    with pytest.raises(OutputError, match="openexr cannot store uint8"):
        synthesize_file(FileRequest(src, ["cheek"], FAST, output=str(tmp_path / "o.exr"), output_dtype="uint8"))
    with pytest.raises(OutputError, match=r"--stats .* is a file"):
        (tmp_path / "f").write_text("x")
        synthesize_file(
            FileRequest(src, ["cheek"], FAST, output=str(tmp_path / "o.exr"), stats=str(tmp_path / "f" / "s.json"))
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", "in.exr"] and not no_synthesis


def test_array_api_refuses_outliers_and_stretched_masks():
    image = smooth(64, 64)
    spiked = image.copy()
    spiked[3, 3] = 1e20
    with pytest.raises(InputError, match=r"1 extreme sample\(s\), e\.g\. 1e\+20"):
        synthesize(spiked, ["cheek"], FAST)
    with pytest.raises(InputError, match=r"mask 2: the mask is 64x32 px \(2:1\) but the input is 64x64 px \(1:1\)"):
        synthesize(
            image, ["cheek", "forehead"], FAST, masks=[np.ones((32, 32), np.float32), np.ones((32, 64), np.float32)]
        )


def test_file_api_warnings_are_nexture_warnings(tmp_path, with_tiny):
    src = write_exr(tmp_path / "const.exr", np.full((64, 64), 0.3, np.float32))
    figures = {}
    with pytest.warns(NextureWarning, match="no texel size given"):
        synthesize_file(FileRequest(src, [with_tiny], FAST, output=str(tmp_path / "o.exr")), stats=figures)
    assert "no texel size given" in figures["warnings"][0]


def test_no_oversample_flag_reaches_the_settings():
    from nexture_core.cli.main import build_parser
    from nexture_core.cli.synth_cmd import settings_from_args

    parser = build_parser()
    default = settings_from_args(parser.parse_args(["synth", "in.exr", "--texel-mm", "0.09"]))
    off = settings_from_args(parser.parse_args(["synth", "in.exr", "--texel-mm", "0.09", "--no-oversample"]))
    assert default.oversample is True and off.oversample is False
