"""Serve the deployments of ``prefect.yaml`` against the Prefect server in PREFECT_API_URL.

    prefect server start                                    # another terminal
    evidencemine serve [--config FILE] [--cron "0 3 * * 1"] [--timezone Europe/London]
    python -m evidencemine_flows.serve [same options]       # what `evidencemine serve` runs

The deployments (names, flows, parameters, cron and timezone) come from a ``prefect.yaml``
(``--deployments FILE``; by default the one shipped in this package, which is the checkout's
``prefect.yaml``) so that ``prefect deploy`` and serving agree. An entrypoint names a flow by
its function (``flows/guidebook.py:guidebook_pipeline``); serving runs the packaged flow of
that name, so it works from an installed wheel. ``--cron`` / ``--timezone`` (or the variables
``EVIDENCEMINE_SCHEDULE_CRON`` / ``EVIDENCEMINE_SCHEDULE_TIMEZONE``) change the schedule of
the scheduled deployment, and ``--config`` becomes every deployment's ``config`` parameter.
Flow runs start in the working directory (relative settings such as ``output`` resolve there).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow, serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType
from pydantic import ValidationError

from evidencemine.errors import EvidenceMineError
from evidencemine.settings import load_settings
from evidencemine_flows import apply_prefect_defaults

PREFECT_YAML = Path(__file__).resolve().with_name("prefect.yaml")
FLOWS = {
    "guidebook_pipeline": "evidencemine_flows.pipeline",
    "reingest": "evidencemine_flows.reingest",
}
log = logging.getLogger("evidencemine_flows.serve")


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    """One deployment of ``prefect.yaml``: what serving needs of it."""

    name: str
    entrypoint: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    crons: tuple[tuple[str, str | None], ...] = ()  # (cron, timezone)


def read_deployments(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    """The deployments listed in ``prefect.yaml``."""
    data = yaml.safe_load(path.read_text("utf-8"))
    return [
        DeploymentSpec(
            name=item["name"],
            entrypoint=item["entrypoint"],
            description=item.get("description") or "",
            tags=tuple(item.get("tags") or ()),
            parameters=dict(item.get("parameters") or {}),
            crons=tuple(
                (s["cron"], s.get("timezone"))
                for s in item.get("schedules") or ()
                if "cron" in s and s.get("active", True)
            ),
        )
        for item in data["deployments"]
    ]


def load_flow(entrypoint: str) -> Flow[..., Any]:
    """``flows/guidebook.py:guidebook_pipeline`` → the packaged flow of that name."""
    name = entrypoint.rpartition(":")[2]
    if name not in FLOWS:
        raise ValueError(f"{entrypoint}: no packaged flow named {name!r} ({', '.join(FLOWS)})")
    flow: Flow[..., Any] = getattr(importlib.import_module(FLOWS[name]), name)
    return flow


def to_deployment(
    spec: DeploymentSpec,
    *,
    cron: str | None = None,
    timezone: str | None = None,
    config: str | None = None,
) -> RunnerDeployment:
    """A served deployment of ``spec``; ``cron``/``timezone`` replace its schedule's."""
    schedules = [Cron(cron or expr, timezone=timezone or zone) for expr, zone in spec.crons]
    parameters = {**spec.parameters, **({"config": config} if config else {})}
    return load_flow(spec.entrypoint).to_deployment(  # type: ignore[return-value]
        name=spec.name,
        description=spec.description,
        tags=list(spec.tags),
        parameters=parameters,
        schedules=schedules,
        entrypoint_type=EntrypointType.MODULE_PATH,  # runs import the package, not a file
    )


def build_deployments(
    *,
    cron: str | None = None,
    timezone: str | None = None,
    config: str | None = None,
    path: Path = PREFECT_YAML,
) -> list[RunnerDeployment]:
    """Every deployment of ``prefect.yaml``, ready for :func:`prefect.serve`."""
    return [
        to_deployment(spec, cron=cron, timezone=timezone, config=config)
        for spec in read_deployments(path)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until interrupted (Ctrl-C pauses the schedules, as ``prefect.serve`` does)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", help="evidencemine TOML for every run")
    parser.add_argument("--cron", default=os.environ.get("EVIDENCEMINE_SCHEDULE_CRON"))
    parser.add_argument("--timezone", default=os.environ.get("EVIDENCEMINE_SCHEDULE_TIMEZONE"))
    parser.add_argument("--limit", type=int, help="at most this many concurrent flow runs")
    parser.add_argument(
        "--deployments", type=Path, default=PREFECT_YAML, help="a prefect.yaml (default: shipped)"
    )
    parser.add_argument(
        "--ephemeral",
        action="store_true",
        help="without PREFECT_API_URL, serve against a temporary Prefect server that stops with "
        "serve (schedules and run history are lost)",
    )
    args = parser.parse_args(argv)
    config = str(Path(args.config).resolve()) if args.config else None
    try:
        if config:
            load_settings(config)  # a bad file fails here, not in every scheduled run
        deployments = build_deployments(
            cron=args.cron, timezone=args.timezone, config=config, path=args.deployments
        )
    except (ValueError, OSError, EvidenceMineError) as err:  # bad cron or time zone, bad config
        errors = err.errors() if isinstance(err, ValidationError) else None
        reason = "; ".join(str(e["msg"]) for e in errors) if errors else str(err)
        parser.exit(2, f"evidencemine serve: {reason}\n")
    if not os.environ.get("PREFECT_API_URL"):
        if not args.ephemeral:
            parser.exit(
                2,
                "evidencemine serve: PREFECT_API_URL is not set; point it at a Prefect server "
                "(make server) or pass --ephemeral to serve against a temporary one\n",
            )
        sys.stderr.write(
            "evidencemine serve: no PREFECT_API_URL: starting a temporary Prefect server; "
            "schedules and run history end with serve\n"
        )
    serve(*deployments, limit=args.limit)


if __name__ == "__main__":
    apply_prefect_defaults()  # before serving starts Prefect's settings and logging
    main()
