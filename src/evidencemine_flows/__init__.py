"""Prefect flows over the evidencemine library (``pip install 'evidencemine[flows]'``).

The library never imports Prefect; these modules do. Importing this package changes nothing:
entry points (``flows/*.py`` in the checkout, ``evidencemine serve``, the demo) call
:func:`apply_prefect_defaults` first, which sets the project's Prefect defaults for machines
without internet: no analytics or telemetry, a start-up timeout long enough for a first
ephemeral server on a slow machine, and the ``evidencemine`` logger in the run logs. Values
already in the environment win.

- :mod:`evidencemine_flows.pipeline`: ``guidebook-pipeline`` (the scheduled crawl).
- :mod:`evidencemine_flows.reingest`: ``reingest`` (one URL or path by hand).
- :mod:`evidencemine_flows.serve`: serve the deployments of a ``prefect.yaml``.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "evidencemine",
}


def apply_prefect_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set :data:`PREFECT_DEFAULTS` in ``environ`` (the process environment) where unset.
    Call it before Prefect is imported."""
    target = os.environ if environ is None else environ
    for name, value in PREFECT_DEFAULTS.items():
        target.setdefault(name, value)
