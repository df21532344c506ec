"""The Prefect demo: the bundled sample site and API stand-ins served on 127.0.0.1, crawled by
the ``guidebook-pipeline`` flow, then one page re-ingested by hand with the ``reingest`` flow.

    .venv/bin/python flows/demo.py [--output DIR]      (make demo)

Prefect runs ephemerally (a temporary local server for this process) unless PREFECT_API_URL
names a server, in which case the runs show in its UI. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

import flows  # noqa: E402, F401  (sets the offline Prefect defaults before Prefect loads)

# isort: split
from evidencemine.demo import PROJECT_PAGE, demo_servers, summary_table  # noqa: E402
from evidencemine.settings import load_settings  # noqa: E402
from flows.pipeline import guidebook_pipeline  # noqa: E402
from flows.reingest import reingest  # noqa: E402
from flows.run_report import report_path  # noqa: E402


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
    print(
        f"\nrecords:     {out / 'programmes'}\nindex:       {out / 'index.json'}\n"
        f"run reports: {report_path(report)}\n             {report_path(manual)}"
    )
    return 1 if report["counts"]["failed"] or manual["counts"]["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
