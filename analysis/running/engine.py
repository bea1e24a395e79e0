"""Where the per-article step runs: in this process, in worker processes, or on a Dask cluster.

The step itself is one pure function of a batch of articles (:class:`analysis.running.pipeline.ArticleBatchAnalyzer`);
an engine only decides where it runs. Every engine

* reads its input lazily and keeps at most ``window`` batches in flight, so memory does not grow
  with the corpus;
* yields the batch results in input order, so the outputs are identical whichever engine ran;
* builds the analyser once per worker process (a pipeline takes seconds to build) from a picklable
  recipe, the *spec*: any object with a ``key`` attribute (equal specs, equal keys) and a
  ``build()`` method returning a callable ``batch → result``.

Engines: ``serial`` (this process), ``processes`` (``jobs`` spawned worker processes on this
machine), ``dask`` (a Dask distributed cluster: the scheduler at ``scheduler`` — the workers need
Quellenlage installed, and the same lexicon files are shipped with the tasks — or, without an
address, a ``LocalCluster`` of ``jobs`` single-threaded worker processes).
"""

from __future__ import annotations

import logging
import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence

log = logging.getLogger(__name__)

ENGINES = ("serial", "processes", "dask")

_ANALYSERS: dict[str, Callable] = {}


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run_task(spec: Any, batch: Sequence) -> Any:
    """Run one batch with the analyser of ``spec``, built once per process and cached."""
    analyser = _ANALYSERS.get(spec.key)
    if analyser is None:
        _ANALYSERS.clear()  # one analyser per process: a new spec replaces the old one
        analyser = _ANALYSERS[spec.key] = spec.build()
    return analyser(batch)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    if size < 1:
        raise ValueError(f"batch size must be >= 1, got {size}")
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_order(submit: Callable[[list], Any], batches: Iterable[list], window: int) -> Iterator[Any]:
    """Submit batches keeping at most ``window`` in flight; yield results in submission order."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def run(
    spec: Any,
    batches: Iterable[list],
    *,
    engine: str = "serial",
    jobs: int = 1,
    scheduler: str | None = None,
    window: int | None = None,
    local_analyser: Callable | None = None,
) -> Iterator[Any]:
    """Yield ``spec``'s analyser applied to each batch, in input order.

    ``local_analyser``: an already built analyser for the ``serial`` engine (saves building one).
    ``window``: batches in flight (default: twice the number of workers).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    if engine == "serial":
        analyser = local_analyser if local_analyser is not None else spec.build()
        for batch in batches:
            yield analyser(batch)
        return
    window = window or 2 * jobs
    if engine == "processes":
        yield from _run_processes(spec, batches, jobs, window)
    else:
        yield from _run_dask(spec, batches, jobs, scheduler, window)


def _run_processes(spec, batches, jobs: int, window: int) -> Iterator[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: workers start clean (no inherited threads or locks) on every platform
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield from _in_order(lambda batch: executor.submit(run_task, spec, batch), batches, window)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _run_dask(spec, batches, jobs: int, scheduler: str | None, window: int) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - declared dependency
        from analysis.errors import QuellenlageError

        raise QuellenlageError("the dask engine needs the 'distributed' package (pip install distributed)") from exc
    cluster = None
    if scheduler:
        log.info("connecting to the Dask scheduler at %s", scheduler)
        client = Client(scheduler)
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = max(window, 2 * n_workers)
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        spec_future = client.scatter(spec, broadcast=True)
        yield from _in_order(lambda batch: client.submit(run_task, spec_future, batch, pure=False), batches, window)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
