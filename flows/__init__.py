"""Prefect flows over the evidencemine library (the library itself never imports Prefect).

Importing this package sets the project's Prefect defaults for machines without internet
before Prefect is imported: no analytics or telemetry, a start-up timeout long enough for a
first ephemeral server on a slow machine, and the ``evidencemine`` logger in the run logs.
Values already in the environment win.
"""

from __future__ import annotations

import os

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "evidencemine",
}

for _name, _value in PREFECT_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
