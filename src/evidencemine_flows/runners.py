"""Settings for one flow run, and the task runners they choose.

A flow run's settings are the usual ``load_settings(config)`` (defaults, the TOML file, then
``EVIDENCEMINE_*`` variables), or, when a flow is given ``settings`` (a mapping as
``Settings.model_dump(mode="json")`` writes it; missing keys take the defaults), exactly
those; ``output_dir`` then wins over both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from evidencemine.errors import ConfigError
from evidencemine.settings import Settings, load_settings


def run_settings(
    config: str | None = None,
    output_dir: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Settings:
    """The settings of one flow run (see the module docstring)."""
    if settings is None:
        built = load_settings(config)
    else:
        try:
            built = Settings.model_validate(dict(settings))
        except ValueError as err:
            raise ConfigError(f"invalid settings: {err}", source="flow parameters") from err
    if output_dir:
        built.output.dir = Path(output_dir)
    return built


@dataclass(frozen=True, slots=True)
class TaskRunners:
    """``io`` runs fetches in the flow's process (threads: the HTTP client holds a session,
    a cache and the rate limits); ``cpu`` runs extraction: the same threads, or Dask."""

    io: TaskRunner[Any]
    cpu: TaskRunner[Any]
    cpu_workers: int  # processes extraction is spread over (1 on threads: the GIL)


def dask_task_runner(settings: Settings, api_url: str | None = None) -> TaskRunner[Any]:
    """A DaskTaskRunner on ``runner.dask_address``, else on a new LocalCluster whose worker
    processes report to the Prefect API at ``api_url`` (the flow's own, also an ephemeral
    one; workers of an existing cluster need their own ``PREFECT_API_URL``)."""
    from prefect_dask.task_runners import DaskTaskRunner

    if settings.runner.dask_address:
        return DaskTaskRunner(address=settings.runner.dask_address)
    cluster = {
        "n_workers": settings.runner.dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",
    }
    if api_url:
        cluster["env"] = {"PREFECT_API_URL": api_url}
    return DaskTaskRunner(cluster_kwargs=cluster)


@contextmanager
def task_runners(settings: Settings, api_url: str | None = None) -> Iterator[TaskRunners]:
    """Started task runners from ``settings.runner`` (shut down on exit)."""
    with ExitStack() as stack:
        io: TaskRunner[Any] = stack.enter_context(
            ThreadPoolTaskRunner(max_workers=settings.runner.max_workers)
        )
        if settings.runner.task_runner == "dask":
            cpu = stack.enter_context(dask_task_runner(settings, api_url))
            yield TaskRunners(io=io, cpu=cpu, cpu_workers=max(1, settings.runner.dask_workers))
        else:
            yield TaskRunners(io=io, cpu=io, cpu_workers=1)
