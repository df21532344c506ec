"""Entry point of the ``reingest`` flow (prefect.yaml's ``manual`` deployment); the flow itself
is :func:`evidencemine_flows.reingest.reingest`.

    .venv/bin/python flows/manual.py URL_OR_PATH [--output DIR] [--kind KIND]
"""

from evidencemine_flows import apply_prefect_defaults

apply_prefect_defaults()  # an entry point: offline Prefect defaults before Prefect loads

from evidencemine_flows.reingest import main, reingest  # noqa: E402

__all__ = ["reingest"]

if __name__ == "__main__":
    raise SystemExit(main())
