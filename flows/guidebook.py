"""Entry point of the ``guidebook-pipeline`` flow (prefect.yaml's ``weekly`` deployment); the
flow itself is :func:`evidencemine_flows.pipeline.guidebook_pipeline`.

    .venv/bin/python flows/guidebook.py [--source NAME] [--limit N] [--all] [--output DIR]
"""

from evidencemine_flows import apply_prefect_defaults

apply_prefect_defaults()  # an entry point: offline Prefect defaults before Prefect loads

from evidencemine_flows.pipeline import guidebook_pipeline, main  # noqa: E402

__all__ = ["guidebook_pipeline"]

if __name__ == "__main__":
    raise SystemExit(main())
