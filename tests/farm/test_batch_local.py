"""The local engine: tasks, retries, failures, the resume manifest, cancel, and the CLI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from farm_helpers import CountingRunner, calls_of, cli_main, real_engine_available, write_tile_set

from nexture_core import udim
from nexture_core.batch import run_batch, run_udim_set
from nexture_core.batch.jobfile import BatchJob, WorkItem
from nexture_core.batch.manifest import MANIFEST_NAME
from nexture_core.io import read_map
from nexture_core.metrics.seams import edge_step_score
from nexture_core.settings import Settings

FAST = Settings(backbone="random", preset="preview", iterations=2, seed=3)


def make_job(tmp_path, joins="off", retries=0, layout=((0, 0), (1, 0), (2, 0))):
    write_tile_set(tmp_path / "in", layout=layout)
    item = WorkItem(
        name="face",
        input=str(tmp_path / "in" / "face.<UDIM>.exr"),
        patterns=["cheek"],
        settings=FAST,
        output=str(tmp_path / "out" / "face_{pattern}.<UDIM>.exr"),
        joins=joins,
    )
    return BatchJob(path=None, items=[item], retries=retries)


def outputs(tmp_path):
    return sorted((tmp_path / "out").glob("face_cheek.*.exr"))


def test_batch_runs_each_tile_once_with_its_seed_and_resumes(tmp_path):
    job = make_job(tmp_path)
    calls = tmp_path / "calls"
    report = run_batch(job, runner=CountingRunner(calls), log=None)
    assert report.exit_code == 0 and len(report.outcomes) == 3
    assert [p.name for p in outputs(tmp_path)] == ["face_cheek.1001.exr", "face_cheek.1002.exr", "face_cheek.1003.exr"]
    assert {o.task.request.settings.seed for o in report.outcomes} == {udim.tile_seed(3, n) for n in (1001, 1002, 1003)}
    manifest = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())
    assert set(manifest["tasks"]) == {"face/1001", "face/1002", "face/1003"}
    # Rerun: nothing to do.
    again = run_batch(job, runner=CountingRunner(calls), log=None)
    assert again.outcomes == [] and sorted(again.skipped) == ["face/1001", "face/1002", "face/1003"]
    assert calls_of(calls) == {"face/1001": 1, "face/1002": 1, "face/1003": 1}
    # A changed input and a lost output are redone; nothing else.
    (tmp_path / "out" / "face_cheek.1003.exr").unlink()
    src = tmp_path / "in" / "face.1001.exr"
    img = read_map(src)[0]
    from nexture_core.io import write_image

    write_image(src, img * 0.5, dtype="float")
    mtimes = {p.name: p.stat().st_mtime_ns for p in outputs(tmp_path)}
    third = run_batch(job, runner=CountingRunner(calls), log=None)
    assert sorted(o.task.id for o in third.outcomes) == ["face/1001", "face/1003"]
    assert calls_of(calls) == {"face/1001": 2, "face/1002": 1, "face/1003": 2}
    assert (tmp_path / "out" / "face_cheek.1002.exr").stat().st_mtime_ns == mtimes["face_cheek.1002.exr"]
    # Other settings: everything again.
    job.items[0].settings = FAST.replace(strength=2.0)
    assert len(run_batch(job, runner=CountingRunner(calls), log=None).outcomes) == 3


def test_a_task_failing_once_is_retried(tmp_path):
    job = make_job(tmp_path, retries=2)
    calls = tmp_path / "calls"
    report = run_batch(job, runner=CountingRunner(calls, fail_once=["face/1002"]), log=None)
    assert report.exit_code == 0
    assert {o.task.id: o.attempts for o in report.outcomes}["face/1002"] == 2
    assert calls_of(calls)["face/1002"] == 2 and calls_of(calls)["face/1001"] == 1


def test_a_failing_task_is_reported_the_rest_go_on_and_a_rerun_does_only_it(tmp_path):
    job = make_job(tmp_path, retries=1)
    calls = tmp_path / "calls"
    lines = []
    report = run_batch(job, runner=CountingRunner(calls, always_fail=["face/1003"]), log=lines.append)
    assert report.exit_code == 1
    [failed] = report.failed
    assert failed.task.id == "face/1003" and "simulated node failure" in failed.error and failed.attempts == 2
    assert len(outputs(tmp_path)) == 2
    assert any("FAILED face 1003" in ln for ln in lines) and sum("done" in ln for ln in lines) == 2
    fixed = run_batch(job, runner=CountingRunner(calls), log=None)
    assert [o.task.id for o in fixed.outcomes] == ["face/1003"] and fixed.exit_code == 0
    assert calls_of(calls) == {"face/1001": 1, "face/1002": 1, "face/1003": 3}


def test_cancel_part_way_then_resume_finishes_only_the_rest(tmp_path):
    job = make_job(tmp_path, layout=((0, 0), (1, 0), (2, 0), (3, 0)))
    calls = tmp_path / "calls"
    cancel = threading.Event()

    def log(line):
        if line.count("done") and len(outputs(tmp_path)) >= 2:
            cancel.set()

    report = run_batch(job, runner=CountingRunner(calls), cancel=cancel, log=log)
    assert report.exit_code == 1 and {o.status for o in report.failed} == {"cancelled"}
    assert len(outputs(tmp_path)) == 2
    resumed = run_batch(job, runner=CountingRunner(calls), log=None)
    assert sorted(o.task.id for o in resumed.outcomes) == ["face/1003", "face/1004"]
    assert all(n == 1 for n in calls_of(calls).values()) and len(calls_of(calls)) == 4


def test_joined_tiles_have_no_seam_and_two_slots_give_the_same_bits(tmp_path):
    job = make_job(tmp_path, joins="auto", layout=((0, 0), (1, 0), (0, 1)))
    report = run_batch(job, runner=CountingRunner(tmp_path / "calls"), log=None)
    assert report.exit_code == 0
    assert sorted(t.kind for t in report.tasks) == ["context"] * 3 + ["join"] * 3
    a, b, c = (read_map(tmp_path / "out" / f"face_cheek.{n}.exr")[0] for n in (1001, 1002, 1011))
    assert 0.6 < edge_step_score(a, b) < 1.4
    assert 0.6 < edge_step_score(c, a, axis=0) < 1.4
    assert not (tmp_path / "out" / ".nexture-work").exists()  # scratch removed once joined
    first = {n: read_map(tmp_path / "out" / f"face_cheek.{n}.exr")[0] for n in (1001, 1002, 1011)}
    run_batch(job, runner=CountingRunner(tmp_path / "calls2"), force=True, slots=2, log=None)
    for n, arr in first.items():
        np.testing.assert_array_equal(read_map(tmp_path / "out" / f"face_cheek.{n}.exr")[0], arr)
    # Without joins the same tiles show a step at the border.
    job.items[0].joins = "off"
    run_batch(job, runner=CountingRunner(tmp_path / "calls3"), log=None)
    a, b = (read_map(tmp_path / "out" / f"face_cheek.{n}.exr")[0] for n in (1001, 1002))
    assert edge_step_score(a, b) > 1.5


def test_cli_batch_runs_and_reports(tmp_path, capsys):
    write_tile_set(tmp_path / "in", layout=((0, 0), (1, 0)))
    (tmp_path / "job.toml").write_text(
        '[settings]\nbackbone = "random"\npreset = "preview"\niterations = 2\n'
        '[[item]]\ninput = "in/face.<UDIM>.exr"\npatterns = ["cheek"]\noutput = "out/f.<UDIM>.exr"\njoins = "off"\n'
    )
    code = cli_main(["batch", str(tmp_path / "job.toml"), "--dry-run"])
    assert code == 0
    out = capsys.readouterr().out
    assert f"face/1001  [file]  seed {udim.tile_seed(0, 1001)}" in out
    if not real_engine_available():
        pytest.skip("the synthesis engine or pattern bank is not importable yet")
    assert cli_main(["batch", str(tmp_path / "job.toml"), "-q"]) == 0
    assert (tmp_path / "out" / "f.1001.exr").is_file() and (tmp_path / "out" / "f.1002.exr").is_file()


@pytest.mark.skipif(not real_engine_available(), reason="the synthesis engine or pattern bank is not importable yet")
def test_run_udim_set_with_the_real_engine_matches_a_single_tile_run(tmp_path):
    from nexture_core.api import FileRequest, synthesize_file

    write_tile_set(tmp_path / "in", layout=((0, 0), (1, 0)))
    request = FileRequest(
        input=str(tmp_path / "in" / "face.<UDIM>.exr"),
        patterns=["cheek"],
        settings=FAST,
        output=str(tmp_path / "out" / "face.<UDIM>.exr"),
    )
    written = run_udim_set(request, joins="off")
    assert [Path(p).name for p in written] == ["face.1001.exr", "face.1002.exr"]
    alone = synthesize_file(
        FileRequest(
            input=str(tmp_path / "in" / "face.1002.exr"),
            patterns=["cheek"],
            settings=FAST.replace(seed=udim.tile_seed(FAST.seed, 1002)),
            output=str(tmp_path / "alone.exr"),
        )
    )
    np.testing.assert_array_equal(read_map(alone[0])[0], read_map(tmp_path / "out" / "face.1002.exr")[0])
