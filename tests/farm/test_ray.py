"""The Ray engine on a real local Ray instance (one per module: start-up is slow)."""

from __future__ import annotations

import numpy as np
import pytest

ray = pytest.importorskip("ray")

import farm_helpers  # noqa: E402
from farm_helpers import CountingRunner, calls_of, real_engine_available, write_tile_set  # noqa: E402

from nexture_core import udim  # noqa: E402
from nexture_core.batch import run_batch  # noqa: E402
from nexture_core.batch.jobfile import BatchJob, WorkItem  # noqa: E402
from nexture_core.io import read_map  # noqa: E402
from nexture_core.metrics.seams import edge_step_score  # noqa: E402
from nexture_core.settings import Settings  # noqa: E402

pytestmark = pytest.mark.farm
FAST = Settings(backbone="random", preset="preview", iterations=2, seed=11)
REAL = real_engine_available()


@pytest.fixture(scope="module", autouse=True)
def ray_instance():
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(farm_helpers)  # workers do not see tests/farm on sys.path
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def make_job(tmp_path, joins="off", retries=2, layout=((0, 0), (1, 0), (2, 0), (3, 0))):
    write_tile_set(tmp_path / "in", layout=layout)
    item = WorkItem(
        name="face",
        input=str(tmp_path / "in" / "face.<UDIM>.exr"),
        patterns=["cheek"],
        settings=FAST,
        output=str(tmp_path / "out" / "face.<UDIM>.exr"),
        joins=joins,
    )
    return BatchJob(path=None, items=[item], retries=retries)


def test_ray_batch_equals_tiles_run_one_by_one_locally(tmp_path):
    job = make_job(tmp_path)
    report = run_batch(job, "ray", runner=CountingRunner(tmp_path / "calls", fake=not REAL), log=None)
    assert report.exit_code == 0 and len(report.outcomes) == 4
    from farm_helpers import fake_synthesize_file

    from nexture_core.batch.tasks import run_task

    for tile in job.items[0].tiles():
        req = job.items[0].request_for(tile)
        assert req.settings.seed == udim.tile_seed(11, tile.number)
        import dataclasses

        alone_req = dataclasses.replace(req, output=str(tmp_path / "alone" / f"t{tile.number}.exr"))
        from nexture_core.batch.plan import Task

        [alone] = run_task(
            Task("x", "x", "file", alone_req, tile, str(tmp_path)),
            synthesize_file=None if REAL else fake_synthesize_file,
        )
        # Same seed and settings: equal up to float rounding (a Ray worker runs torch
        # on one thread, this process on more, and summation order follows threads).
        np.testing.assert_allclose(
            read_map(alone)[0], read_map(tmp_path / "out" / f"face.{tile.number}.exr")[0], rtol=0, atol=1e-5
        )


def test_ray_retries_a_task_that_fails_once(tmp_path):
    job = make_job(tmp_path, layout=((0, 0), (1, 0)))
    report = run_batch(job, "ray", runner=CountingRunner(tmp_path / "calls", fail_once=["face/1002"]), log=None)
    assert report.exit_code == 0
    assert calls_of(tmp_path / "calls") == {"face/1001": 1, "face/1002": 2}


def test_ray_failure_is_reported_and_resume_redoes_only_the_missing_tile(tmp_path):
    job = make_job(tmp_path, retries=0)
    lines = []
    report = run_batch(
        job, "ray", runner=CountingRunner(tmp_path / "calls", always_fail=["face/1004"]), log=lines.append
    )
    assert report.exit_code == 1 and [o.task.id for o in report.failed] == ["face/1004"]
    assert "simulated node failure" in report.failed[0].error
    assert len(lines) == 4 and any("FAILED face 1004" in ln for ln in lines)
    mtimes = {n: (tmp_path / "out" / f"face.{n}.exr").stat().st_mtime_ns for n in (1001, 1002, 1003)}
    resumed = run_batch(job, "ray", runner=CountingRunner(tmp_path / "calls"), log=None)
    assert [o.task.id for o in resumed.outcomes] == ["face/1004"] and resumed.exit_code == 0
    assert calls_of(tmp_path / "calls") == {"face/1001": 1, "face/1002": 1, "face/1003": 1, "face/1004": 2}
    assert all((tmp_path / "out" / f"face.{n}.exr").stat().st_mtime_ns == t for n, t in mtimes.items())


def test_ray_joined_pair_shows_no_step_and_matches_local(tmp_path):
    job = make_job(tmp_path, joins="auto", layout=((0, 0), (1, 0)))
    report = run_batch(job, "ray", runner=CountingRunner(tmp_path / "calls", fake=not REAL), log=None)
    assert report.exit_code == 0 and sorted(t.kind for t in report.tasks) == ["context", "context", "join", "join"]
    a, b = (read_map(tmp_path / "out" / f"face.{n}.exr")[0] for n in (1001, 1002))
    assert 0.6 < edge_step_score(a, b) < 1.4
    run_batch(job, "local", runner=CountingRunner(tmp_path / "calls2", fake=not REAL), force=True, log=None)
    np.testing.assert_allclose(read_map(tmp_path / "out" / "face.1001.exr")[0], a, rtol=0, atol=1e-5)
    np.testing.assert_allclose(read_map(tmp_path / "out" / "face.1002.exr")[0], b, rtol=0, atol=1e-5)
