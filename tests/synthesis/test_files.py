"""File-level synthesis and the synth command: formats kept, names, atomicity, errors first."""

import json
import threading

import numpy as np
import pytest

from nexture_core import Cancelled, OutputError, Settings, SettingsError
from nexture_core.api import FileRequest, output_paths, synthesis_job, synthesize_file
from nexture_core.cli.main import main
from nexture_core.io import read_map, write_image
from nexture_core.job import JobState

FAST = Settings(backbone="random", iterations=2)


@pytest.fixture
def face_tif(tmp_path, face):
    path = tmp_path / "face.tif"
    write_image(path, face, dtype="uint16")
    return path


def test_output_keeps_the_inputs_format_and_depth(face_tif, tmp_path):
    written = synthesize_file(FileRequest(face_tif, ["cheek"], FAST, output=str(tmp_path / "out.tif")))
    assert [p.name for p in written] == ["out.tif"]
    out, info = read_map(written[0])
    assert info.sample_type == "uint16" and out.shape == (96, 96)


def test_several_patterns_and_maps_are_named_consistently(face_tif, tmp_path):
    request = FileRequest(
        face_tif,
        ["cheek", "forehead"],
        FAST.replace(maps=("displacement", "normal")),
        output=str(tmp_path / "{name}.exr"),
    )
    written = sorted(p.name for p in synthesize_file(request))
    assert written == [
        "face_cheek_displacement.exr",
        "face_cheek_normal.exr",
        "face_forehead_displacement.exr",
        "face_forehead_normal.exr",
    ]


def test_output_equal_to_input_is_refused_before_work(face_tif):
    with pytest.raises(OutputError, match="overwrite"):
        synthesize_file(FileRequest(face_tif, ["cheek"], FAST, output=str(face_tif)))


def test_unknown_pattern_suggests_near_names(face_tif):
    from nexture_core import PatternError

    with pytest.raises(PatternError, match="cheek"):
        synthesize_file(FileRequest(face_tif, ["cheeck"], FAST))


def test_cancel_leaves_no_output(face_tif, tmp_path):
    cancel = threading.Event()
    target = tmp_path / "never.tif"

    def progress(fraction, stage, preview=None):
        if "iteration" in stage:
            cancel.set()

    with pytest.raises(Cancelled):
        synthesize_file(
            FileRequest(face_tif, ["cheek"], FAST.replace(iterations=20), output=str(target)), progress, cancel
        )
    assert list(tmp_path.iterdir()) == [face_tif]


def test_job_runs_on_a_worker_thread_and_reports(face_tif, tmp_path):
    seen = []
    job = synthesis_job(FileRequest(face_tif, ["cheek"], FAST, output=str(tmp_path / "job.tif")))
    job.add_listener(lambda j: seen.append((threading.current_thread().name, j.progress)))
    job.start()
    assert job.wait(120)
    assert job.state is JobState.DONE, job.error_text
    assert job.result[0].exists()
    assert all(name.startswith("nexture-") for name, _ in seen)
    assert seen[-1][1] == 1.0


def test_template_errors_are_clear(face_tif):
    with pytest.raises(OutputError, match="template"):
        output_paths(FileRequest(face_tif, ["cheek"], output="{nope}.tif"), ["cheek"], ["displacement"], ".tif")


def test_synth_command_writes_outputs_and_preview(face_tif, tmp_path, capsys):
    out = tmp_path / "cli_{pattern}.tif"
    preview = tmp_path / "ba.png"
    stats = tmp_path / "stats.json"
    code = main(
        [
            "synth",
            str(face_tif),
            "-p",
            "cheek",
            "--backbone",
            "random",
            "--iterations",
            "2",
            "-o",
            str(out),
            "--preview",
            str(preview),
            "--stats",
            str(stats),
            "-q",
        ]
    )
    assert code == 0
    assert (tmp_path / "cli_cheek.tif").exists() and preview.exists()
    record = json.loads(stats.read_text())
    assert record["outputs"] == [str(tmp_path / "cli_cheek.tif")]
    assert record["synthesis_device"] == "cpu" and record["synthesis_peak_memory_bytes"] > 0
    assert record["synthesis_blocks"] >= 1 and record["synthesis_iterations"] > 0


def test_synth_command_reports_bad_settings_in_one_line(face_tif, capsys):
    code = main(["synth", str(face_tif), "--upscale", "3", "--backbone", "random"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--upscale 3" in err[0]


def test_masks_from_files(face_tif, tmp_path):
    left = np.zeros((48, 48), np.float32)
    left[:, :24] = 1
    write_image(tmp_path / "left.exr", left)
    write_image(tmp_path / "right.exr", 1 - left)
    request = FileRequest(
        face_tif,
        ["cheek", "forehead"],
        FAST,
        masks=[tmp_path / "left.exr", tmp_path / "right.exr"],
        output=str(tmp_path / "mix.tif"),
    )
    assert [p.name for p in synthesize_file(request)] == ["mix.tif"]
    with pytest.raises(SettingsError, match="mask"):
        synthesize_file(FileRequest(face_tif, ["cheek", "forehead"], FAST, masks=[tmp_path / "left.exr"]))
