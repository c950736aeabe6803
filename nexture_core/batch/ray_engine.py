"""The Ray engine: every task is a Ray remote function; Ray places, retries and orders them.

Each task asks for one GPU where the cluster has GPUs (else one CPU). A task's
dependencies are passed as ``ObjectRef`` arguments, so Ray itself starts a join
only after the context syntheses it needs. Failures are retried by Ray
(``max_retries`` with ``retry_exceptions=True``). Inputs and outputs are paths
on storage every node sees; nothing but file names travels through Ray.
Ray itself is imported on first use (:func:`connect`), so a machine without it
can still plan and run local batches.
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional

from ..errors import SettingsError
from .outcome import OnDone, Outcome, Runner, blocked_outcome, error_text
from .plan import Task


def _require_ray():
    try:
        import ray
    except ImportError:
        raise SettingsError(
            "--engine ray needs Ray on this machine and every node: pip install 'nexture[farm]' (ray>=2.9)."
        ) from None
    return ray


def connect(address: Optional[str] = None, **init_kwargs) -> bool:
    """Connect to the cluster at ``address`` ("auto", "ray://head:10001") or start a local one.

    Returns True when this call started Ray (so the caller shuts it down).
    """
    ray = _require_ray()
    if ray.is_initialized():
        return False
    try:
        if address:
            ray.init(address=address, include_dashboard=False, log_to_driver=True, **init_kwargs)
        else:
            ray.init(include_dashboard=False, **init_kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local instance"
        raise SettingsError(
            f"Cannot connect to the Ray cluster at {where} ({exc}); check --address and that 'ray start --head' runs there."
        ) from None
    return True


def _execute(runner: Runner, task: Task, *deps) -> List[str]:
    """Body of the remote task (``deps`` only order it after its dependencies)."""
    return [str(p) for p in runner(task, None, None)]


def task_options(cluster_gpus: float, retries: int) -> dict:
    """Resources and retry policy of one task on this cluster."""
    resources = {"num_gpus": 1, "num_cpus": 1} if cluster_gpus > 0 else {"num_cpus": 1}
    return {**resources, "max_retries": int(retries), "retry_exceptions": True}


def run_ray(
    tasks: List[Task],
    runner: Runner,
    *,
    retries: int,
    address: Optional[str] = None,
    on_done: Optional[OnDone] = None,
) -> List[Outcome]:
    """Submit every task to Ray and collect outcomes as they finish (finishing order).

    Uses the already-initialised Ray session when there is one, else connects to
    ``address`` (or starts a local instance) and shuts down what it started.
    """
    ray = _require_ray()
    started_here = connect(address)
    try:
        gpus = float(ray.cluster_resources().get("GPU", 0))
        remote = ray.remote(_execute).options(**task_options(gpus, retries))
        refs: Dict[str, object] = {}
        by_ref: Dict[object, Task] = {}
        submitted_at: Dict[str, float] = {}
        for t in tasks:  # planned order: dependencies come first
            dep_refs = [refs[d] for d in t.deps if d in refs]
            ref = remote.remote(runner, t, *dep_refs)
            refs[t.id] = ref
            by_ref[ref] = t
            submitted_at[t.id] = time.monotonic()
        outcomes: Dict[str, Outcome] = {}
        pending = list(by_ref)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                t = by_ref[ref]
                seconds = time.monotonic() - submitted_at[t.id]
                try:
                    outputs = ray.get(ref)
                    outcome = Outcome(t, "done", list(outputs), attempts=0, seconds=seconds)
                except Exception as exc:  # RayTaskError wraps the task's own exception in .cause
                    cause = getattr(exc, "cause", None) or exc
                    outcome = blocked_outcome(t, outcomes, seconds) or Outcome(
                        t, "failed", [], error_text(cause), attempts=retries + 1, seconds=seconds
                    )
                outcomes[t.id] = outcome
                if on_done is not None:
                    on_done(outcome)
        return list(outcomes.values())
    finally:
        if started_here:
            ray.shutdown()
