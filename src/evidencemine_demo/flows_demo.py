"""The Prefect demo: the bundled sample site and API stand-ins served on 127.0.0.1, crawled by
the ``guidebook-pipeline`` flow, then one page re-ingested by hand with the ``reingest`` flow.

    .venv/bin/python -m evidencemine_demo.flows_demo [--output DIR]      (make demo)

Prefect runs ephemerally (a temporary local server for this process) unless PREFECT_API_URL
names a server, in which case the runs show in its UI. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from evidencemine_flows import apply_prefect_defaults

if __name__ == "__main__":
    apply_prefect_defaults()  # an entry point: offline Prefect defaults before Prefect loads

from evidencemine.settings import load_settings
from evidencemine_demo.demo import PROJECT_PAGE, demo_servers, summary_table
from evidencemine_flows.pipeline import guidebook_pipeline
from evidencemine_flows.reingest import reingest
from evidencemine_flows.run_report import report_path


def main(argv: Sequence[str] | None = None) -> int:
    """Run both flows over the sample site; print the summary and where the JSON is."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", help="output folder (default: the configured one)")
    parser.add_argument("--config", help="evidencemine TOML over the defaults")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    if args.output:
        settings.output.dir = Path(args.output)
    settings.output.dir = settings.output.dir.resolve()
    with (
        tempfile.TemporaryDirectory(prefix="evidencemine-demo-") as cache,
        demo_servers() as servers,
    ):
        demo = servers.configure(settings, Path(cache)).model_dump(mode="json")
        report = guidebook_pipeline(only_changed=False, settings=demo)
        manual = reingest(servers.site.url(PROJECT_PAGE), settings=demo)
    print("\nguidebook-pipeline (sample site):\n" + summary_table(report))
    print("\nreingest (by hand):\n" + summary_table(manual).split("\n\n")[0])
    out = settings.output.dir
    from evidencemine.report import build_report

    site = build_report(out).index  # the pipeline flow built one; this adds the re-ingestion
    print(
        f"\nrecords:     {out / 'programmes'}\nindex:       {out / 'index.json'}\n"
        f"run reports: {report_path(report)}\n             {report_path(manual)}\n"
        f"report:      {site}"
    )
    return 1 if report["counts"]["failed"] or manual["counts"]["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
