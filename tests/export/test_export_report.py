"""The HTML evidence report: built from the records, every asset local, and checked in a
real headless Chromium (sorting, filtering, keyboard use, programme pages, contrast)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from export_browser import Browser

from evidencemine.cli import main
from evidencemine.report import build_report


def _records(output: Path) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text("utf-8")) for p in sorted((output / "programmes").glob("*/*.json"))
    ]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append((tag, value))


@pytest.fixture(scope="module")
def site(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    result = build_report(demo_output, root)
    assert result.problems == []
    assert result.index == root / "index.html"
    return root


def test_every_local_link_resolves_and_no_asset_is_remote(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 1 + 9 + 2 + 1
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for tag, ref in parser.refs:
            if tag != "a":  # scripts, styles, images: always files beside the page
                assert not re.match(r"^[a-z]+:", ref), f"{page}: remote asset {ref}"
            if re.match(r"^[a-z]+:", ref) or ref.startswith("#"):
                continue
            target = (page.parent / ref.split("#")[0]).resolve()
            assert target.is_file(), f"{page}: broken link {ref}"


def test_markup_from_records_is_escaped(output_copy: Path, tmp_path: Path) -> None:
    path = sorted((output_copy / "programmes").glob("*/*.json"))[0]
    data = json.loads(path.read_text())
    data["programme"]["name"] = 'Evil <script>alert("x")</script> & Co'
    path.write_text(json.dumps(data))
    build_report(output_copy, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text()
    assert "<script>alert" not in index and "Evil &lt;script&gt;alert(" in index
    svg = (tmp_path / "site" / "evidence-map.svg").read_text()
    assert "<script>" not in svg


def test_run_page_shows_counts_changes_and_errors(output_copy: Path, tmp_path: Path) -> None:
    from evidencemine.pipeline import RunOptions, ingest
    from evidencemine.settings import Settings

    settings = Settings()
    settings.output.dir = output_copy
    missing = tmp_path / "gone.html"
    report = ingest([str(missing)], settings, RunOptions(offline=True))
    assert report["counts"]["failed"] == 1
    assert main(["report", str(output_copy), "--to", str(tmp_path / "site"), "--quiet"]) == 0
    html = (tmp_path / "site" / "runs" / f"{report['run_id']}.html").read_text()
    reason = report["errors"][0]["reason"]
    assert "Errors (1)" in html and str(missing) in html
    assert reason.replace("'", "&#39;") in html or reason in html
    first_run = sorted((output_copy / "runs").glob("*.json"))[0].stem
    first = (tmp_path / "site" / "runs" / f"{first_run}.html").read_text()
    assert "new programme" in first and "written" in first
    runs = (tmp_path / "site" / "runs" / "index.html").read_text()
    assert runs.index(report["run_id"]) < runs.index(first_run)  # newest first


def test_report_of_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "nope"), "--to", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("evidencemine: ") and "nope" in err and len(err.splitlines()) == 1


# in the browser ---------------------------------------------------------------------------

ROW_IDS = "Array.from(document.querySelectorAll('#programmes tbody tr')).filter(r => !r.hidden).map(r => r.dataset.id)"
COLUMN = (
    "Array.from(document.querySelectorAll('#programmes tbody tr')).filter(r => !r.hidden)"
    ".map(r => r.cells[{n}].dataset.value)"
)
HEADINGS = "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
# Text contrast (WCAG 2): every element with its own text, its colour against the first
# opaque background behind it.
CONTRAST = r"""
(() => {
  const lum = c => { const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = c => { const p = c.match(/[\d.]+/g); return p && (p.length < 4 || +p[3] === 1); };
  const back = e => { for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; if (opaque(c)) return c; } return 'rgb(255,255,255)'; };
  const bad = [];
  for (const e of document.querySelectorAll('body *')) {
    if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(e); if (s.display === 'none' || s.visibility === 'hidden') continue;
    if (e.closest('.skip')) continue;
    const a = lum(s.color), b = lum(back(e));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(e.tagName + ' "' + e.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return bad;
})()
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser()
    try:
        yield b
    finally:
        b.close()


def _accessible(browser: Browser) -> None:
    levels = browser.js(HEADINGS)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"heading levels skip: {levels}"
    assert browser.js("Array.from(document.images).filter(i => !i.alt.trim()).length") == 0
    assert browser.js(CONTRAST) == []
    assert browser.js("document.documentElement.lang") == "en"


def test_index_in_the_browser(
    browser: Browser, site: Path, demo_output: Path, tmp_path: Path
) -> None:
    records = _records(demo_output)
    browser.open((site / "index.html").as_uri())
    # every programme is listed, by name, linking to its page
    assert sorted(browser.js(ROW_IDS)) == sorted(r["id"] for r in records)
    names = browser.js(
        "Array.from(document.querySelectorAll('#programmes tbody th a')).map(a => a.textContent)"
    )
    assert sorted(names) == sorted(r["programme"]["name"] for r in records)
    assert browser.js(
        "Array.from(document.querySelectorAll('#programmes thead th')).every(th => th.querySelector('button'))"
    )
    _accessible(browser)
    browser.screenshot(tmp_path / "index.png")

    # sorting: a mouse click on "Largest N" sorts ascending (missing last), again descending
    browser.click("#programmes thead th:nth-child(6) button")
    largest = [float(v) for v in browser.js(COLUMN.format(n=5))]
    present = [v for v in largest if v >= 0]
    assert present == sorted(present) and largest[len(present) :] == [-1.0] * (
        len(largest) - len(present)
    )
    assert (
        browser.js(
            "document.querySelector('#programmes thead th:nth-child(6)').getAttribute('aria-sort')"
        )
        == "ascending"
    )
    browser.click("#programmes thead th:nth-child(6) button")
    present_desc = [v for v in (float(v) for v in browser.js(COLUMN.format(n=5))) if v >= 0]
    assert present_desc == sorted(present, reverse=True)
    expected_largest = max(
        s["sample"]["size"]["total"]
        for r in records
        for s in r["studies"]
        if s.get("sample")
        and s["sample"].get("size")
        and not s["sample"]["size"]["studies_included"]
    )
    assert present_desc[0] == expected_largest

    # the keyboard: focus the "Programme" header button; Enter sorts by name, Space reverses
    browser.focus("#programmes thead th:nth-child(1) button")
    browser.press("Enter", 13)
    by_name = sorted(r["programme"]["name"].lower() for r in records)
    assert browser.js(COLUMN.format(n=0)) == by_name
    browser.press(" ", 32)
    assert browser.js(COLUMN.format(n=0)) == by_name[::-1]

    # filtering: typed text, the rating select and the UK checkbox
    browser.focus("#filter-text")
    browser.type("rct")
    expected = {
        r["id"]
        for r in records
        if any((s.get("design") or {}).get("value") in ("rct", "cluster-rct") for s in r["studies"])
    }
    assert set(browser.js(ROW_IDS)) == expected and expected
    assert (
        browser.js("document.getElementById('shown').textContent")
        == f"Showing {len(expected)} of {len(records)} programmes."
    )
    browser.js("document.getElementById('filter-text').value = ''")
    browser.js(
        "document.getElementById('filter-rating').value = '3';"
        "document.getElementById('filter-rating').dispatchEvent(new Event('change', {bubbles: true}))"
    )
    rated = {
        r["id"]
        for r in records
        if (e := r["programme"]["ratings"]["evidence"])
        and not e["not_level_2"]
        and (e["level"] or 0) >= 3
    }
    assert set(browser.js(ROW_IDS)) == rated and rated
    browser.click("#filter-uk")
    uk = {
        r["id"]
        for r in records
        if (
            r["programme"].get("uk_tested")
            if r["programme"].get("uk_tested") is not None
            else r["programme"]["uk_evaluated"]
        )
        or any("GB" in s["countries"] for s in r["studies"])
    }
    assert set(browser.js(ROW_IDS)) == rated & uk and rated & uk
    browser.click("#filter-uk")
    assert set(browser.js(ROW_IDS)) == rated

    assert all(url.startswith("file://") for url in browser.requested_urls()), (
        browser.requested_urls()
    )


def test_programme_page_in_the_browser(
    browser: Browser, site: Path, demo_output: Path, tmp_path: Path
) -> None:
    records = {r["id"]: r for r in _records(demo_output)}
    browser.open((site / "index.html").as_uri())
    record = records["eif-guidebook/child-parent-attachment-programme"]
    browser.click(f"#programmes tbody tr[data-id='{record['id']}'] th a")
    browser.wait_for("Page.loadEventFired")
    assert browser.js("location.href").endswith(
        "programmes/eif-guidebook/child-parent-attachment-programme.html"
    )
    assert browser.js("document.querySelector('h1').textContent").startswith(
        record["programme"]["name"]
    )
    _accessible(browser)
    studies = browser.js(
        "Array.from(document.querySelectorAll('section.study h3')).map(h => h.textContent)"
    )
    assert [s.split(" ·")[0] for s in studies] == [s["label"] for s in record["studies"]]
    text = browser.js("document.body.innerText")
    for study in record["studies"]:
        assert f"{study['sample']['size']['total']:,} {study['sample']['size']['unit']}" in text
    references = [ref for s in record["studies"] for ref in s["references"]]
    items = browser.js("document.querySelectorAll('ol.references > li').length")
    assert items == len(references) > 0
    hrefs = browser.js("Array.from(document.querySelectorAll('ol.references a')).map(a => a.href)")
    for ref in references:
        ids = ref["identifiers"]
        if ids["pmid"]:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ids['pmid']}/" in hrefs
        if ids["doi"]:
            assert f"https://doi.org/{ids['doi']}" in hrefs
        if ids["jstor"]:
            assert f"https://www.jstor.org/stable/{ids['jstor']}" in hrefs
    # each outcome finding quotes the text it was read from
    quotes = browser.js(
        "Array.from(document.querySelectorAll('table.outcomes blockquote p')).map(q => q.textContent)"
    )
    assert quotes and all(q.startswith("“") for q in quotes)
    browser.screenshot(tmp_path / "programme.png")

    # a page with a conflict shows it in the highlighted box
    browser.open((site / "programmes" / "eif-guidebook" / "sample-programme-2.html").as_uri())
    conflict = next(
        c for s in records["eif-guidebook/sample-programme-2"]["studies"] for c in s["conflicts"]
    )
    box = browser.js("document.querySelector('section.attention').innerText")
    assert str(conflict["page_value"]) in box and str(conflict["literature_value"]) in box
    assert (
        browser.js("getComputedStyle(document.querySelector('section.attention')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    _accessible(browser)
    for name in ("index.png", "programme.png"):
        data = (tmp_path / name).read_bytes() if (tmp_path / name).exists() else None
        if data is not None:
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_a_record_with_every_field_set_renders(full_output: Path, tmp_path: Path) -> None:
    result = build_report(full_output, tmp_path / "site")
    assert result.problems == []
    page = (
        tmp_path / "site" / "programmes" / "study-paper" / "every-field-filled.html"
    ).read_text()
    assert 'section class="attention"' in page  # its studies have conflicts
    assert page.count('<section class="study"') == 2
    assert "https://pubmed.ncbi.nlm.nih.gov/pmid%20text%20%C3%A9/" in page  # ids URL-encoded


def test_statements_and_warnings_render(full_output: Path) -> None:
    """Schema fields the demo pages do not produce, rendered from the record's JSON."""
    from evidencemine.report import _environment
    from evidencemine.report.view import programme_view

    (record,) = [r for r in _records(full_output) if r["slug"] == "every-field-filled"]
    record["programme"]["child_outcomes"][0]["statements"] = [
        {
            "text": "Fewer <b>tantrums</b>",
            "score": 7.0,
            "score_text": "+7",
            "timeframe": "at 6 months",
            "studies": [3],
        }
    ]
    record["warnings"] = [
        {
            "code": "value-not-read",
            "label": "Cost rating",
            "place": "block 12",
            "message": "no value",
        }
    ]
    view = programme_view(record)
    html = (
        _environment()
        .get_template("programme.html")
        .render(root="", title="t", p=view, generated_from="x")
    )
    assert "Fewer &lt;b&gt;tantrums&lt;/b&gt;" in html and "score +7 · at 6 months" in html
    assert 'href="#study-1">' in html  # both filled studies have number 3
    assert "value-not-read (Cost rating, block 12): no value" in html
    assert html.index("Check before use") < html.index("value-not-read")
