"""Benchmark: resolve K references against the API stand-in with network latency.

Prints requests made against the minimum the batching design allows (and against a naive
one-call-per-reference client), wall time against the rate-limit floor, precision of the
links made, and a warm re-run through the HTTP cache, which should make no requests.

    .venv/bin/python benchmarks/bench_resolve.py [--pmids 200 --dois 60 --citations 40
        --unknown 10 --latency-ms 20]
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from evidencemine.http import HttpClient
from evidencemine.models import CslDate, CslItem, CslName, Reference
from evidencemine.resolvers import parse_pubmed_xml, resolve_references
from evidencemine.resolvers.ecitmatch import ECITMATCH_BATCH
from evidencemine.resolvers.idconv import IDCONV_BATCH
from evidencemine.settings import Settings
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer
from evidencemine_demo.standin import api_standin_handler, synthetic_pubmed_article

EXAMPLES_API = API_DIR


def _link_reference(link: str) -> Reference:
    return Reference(raw="", links=[link], csl=CslItem(id="ref"))


def _citation_reference(pmid: str, fixtures: Path) -> Reference:
    """A printed citation (no identifier) made from a synthetic record written as a fixture."""
    article = synthetic_pubmed_article(pmid)
    (fixtures / "pubmed" / f"{pmid}.xml").write_bytes(article)
    (record,) = parse_pubmed_xml(
        b"<PubmedArticleSet>" + article + b"</PubmedArticleSet>", source=pmid
    )
    csl = CslItem(
        id="ref",
        author=[CslName(family=a.family, given=a.initials) for a in record.authors],
        issued=CslDate(date_parts=[[record.year or 0]]),
        title=(record.title or "").rstrip("."),
        container_title=record.journal,
        volume=record.volume,
        page=record.pages,
    )
    return Reference(raw=f"{csl.title}. {record.journal} {record.volume}: {record.pages}", csl=csl)


def _unknown_reference(index: int) -> Reference:
    title = f"An uncatalogued report on community services, number {index}"
    csl = CslItem(
        id="ref",
        author=[CslName(family="Nobody", given="N.")],
        issued=CslDate(date_parts=[[2001]]),
        title=title,
        container_title="Grey Literature Series",
        volume=str(index),
        page="1-10",
    )
    return Reference(
        raw=f"Nobody, N. (2001). {title}. Grey Literature Series, {index}, 1-10.", csl=csl
    )


def build_references(
    args: argparse.Namespace, fixtures: Path
) -> tuple[list[Reference], list[str | None]]:
    """References and the identifier each should resolve to (``None``: must not resolve)."""
    refs: list[Reference] = []
    expected: list[str | None] = []
    for i in range(args.pmids):
        pmid = str(31000000 + i)
        refs.append(_link_reference(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
        expected.append(pmid)
    for i in range(args.dois):
        doi = f"10.5555/bench.{i}"
        refs.append(_link_reference(f"https://doi.org/{doi}"))
        expected.append(doi)
    for i in range(args.citations):
        pmid = str(32000000 + i)
        refs.append(_citation_reference(pmid, fixtures))
        expected.append(pmid)
    for i in range(args.unknown):
        refs.append(_unknown_reference(i))
        expected.append(None)
    return refs, expected


def minimum_requests(args: argparse.Namespace, batch: int) -> dict[str, int]:
    citations = args.citations + args.unknown
    return {
        "efetch": math.ceil((args.pmids + args.citations) / batch),
        "ecitmatch": math.ceil(citations / ECITMATCH_BATCH),
        "idconv": math.ceil(args.dois / IDCONV_BATCH),
        "crossref-works": args.dois,
        "crossref-search": args.unknown,
    }


def naive_requests(args: argparse.Namespace) -> int:
    """One call per reference and step (efetch per PMID, ECitMatch/idconv per reference)."""
    citations = args.citations + args.unknown
    return (args.pmids + args.citations) + citations + args.dois * 2 + args.unknown


def settings_for(port: int, cache_dir: Path) -> Settings:
    return Settings.model_validate(
        {
            "http": {
                "cache_dir": str(cache_dir),
                "allow_private_hosts": True,
                "timeout_s": 10,
                "retries": 0,
                "contact": "bench@example.org",
            },
            "pubmed": {
                "base_url": f"http://127.0.0.1:{port}/eutils/",
                "idconv_url": f"http://127.0.0.1:{port}/idconv/",
            },
            # another host name for the same server, so Crossref gets its own rate limit
            "crossref": {"base_url": f"http://localhost:{port}/crossref/"},
        }
    )


def run_once(refs: list[Reference], settings: Settings) -> tuple[Any, float, int]:
    client = HttpClient(settings)
    started = time.perf_counter()
    report = resolve_references(refs, client, settings)
    wall = time.perf_counter() - started
    network = client.stats.network_requests
    client.close()
    return report, wall, network


def precision(report: Any, expected: list[str | None]) -> tuple[int, int, int]:
    right = wrong = abstained = 0
    for ref, want in zip(report.references, expected, strict=True):
        got = ref.identifiers.pmid if want and want.isdigit() else ref.identifiers.doi
        if ref.resolution.status != "resolved":
            abstained += 1
        elif got == want:
            right += 1
        else:
            wrong += 1
    return right, wrong, abstained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pmids", type=int, default=200)
    parser.add_argument("--dois", type=int, default=60)
    parser.add_argument("--citations", type=int, default=40)
    parser.add_argument("--unknown", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_resolve_"))
    try:
        fixtures = work / "api"
        shutil.copytree(EXAMPLES_API, fixtures)
        refs, expected = build_references(args, fixtures)
        handler = api_standin_handler(
            fixtures, latency_s=args.latency_ms / 1000, synthesize_unknown=True
        )
        with LocalServer(handler) as server:
            settings = settings_for(server.port, work / "cache")
            cold, cold_wall, cold_net = run_once(refs, settings)
            warm, warm_wall, warm_net = run_once(refs, settings)
        report_figures(
            args, settings, refs, expected, cold, cold_wall, cold_net, warm, warm_wall, warm_net
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report_figures(
    args: argparse.Namespace,
    settings: Settings,
    refs: list[Reference],
    expected: list[str | None],
    cold: Any,
    cold_wall: float,
    cold_net: int,
    warm: Any,
    warm_wall: float,
    warm_net: int,
) -> None:
    minimum = minimum_requests(args, settings.pubmed.batch_size)
    made = sum(cold.requests.values())
    ncbi = sum(cold.requests.get(k, 0) for k in ("efetch", "ecitmatch", "idconv"))
    crossref = made - ncbi
    floor = (
        max(ncbi - 1, 0) / settings.pubmed.requests_per_second
        + max(crossref - 1, 0) / settings.crossref.requests_per_second
    )
    right, wrong, abstained = precision(cold, expected)
    should = len([e for e in expected if e])
    same = [r.identifiers for r in warm.references] == [r.identifiers for r in cold.references]
    rates = f"NCBI {settings.pubmed.requests_per_second}/s, "
    rates += f"Crossref {settings.crossref.requests_per_second}/s"
    print(f"references: {len(refs)}; latency {args.latency_ms:.0f} ms per request")
    print(
        f"  PMID links {args.pmids}, DOI links {args.dois}, citations only {args.citations}, "
        f"in no database {args.unknown}"
    )
    print(f"requests per endpoint: {dict(sorted(cold.requests.items()))}")
    print(f"minimum per endpoint:  {dict(sorted(minimum.items()))}")
    naive = naive_requests(args)
    print(
        f"requests made / minimum possible: {made} / {sum(minimum.values())} = "
        f"{made / max(sum(minimum.values()), 1):.2f}x (one call per reference and step: "
        f"{naive}, {naive / made:.1f}x more)"
    )
    print(f"HTTP client network requests (cold): {cold_net}")
    print(
        f"wall time {cold_wall:.2f} s / rate-limit floor ({rates}) {floor:.2f} s = "
        f"{cold_wall / floor:.2f}x"
    )
    print(
        f"links: {right} right, {wrong} wrong, {abstained} abstained; precision "
        f"{right / max(right + wrong, 1):.3f}, recall {right / max(should, 1):.3f}"
    )
    print(
        f"warm re-run: {warm_net} network requests, {sum(warm.cache_hits.values())} cache hits, "
        f"{warm_wall:.2f} s ({cold_wall / max(warm_wall, 1e-9):.0f}x faster); same: {same}"
    )
    if cold.errors:
        print(f"errors: {cold.errors[:3]}")


if __name__ == "__main__":
    main()
