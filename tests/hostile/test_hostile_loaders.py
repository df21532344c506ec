"""Class: bounded reading and parsing of files and pages (regular files only, byte caps,
HTML depth and node caps, sniffing that markup cannot fool, UTF-16 pages)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from hostile_helpers import good_page

from evidencemine.cli import main
from evidencemine.documents import LoadContext, load_document, load_path
from evidencemine.errors import InputError
from evidencemine.pipeline import RunOptions, ingest
from evidencemine.settings import Settings


def _nest(tag: str, depth: int, inner: str = "x") -> str:
    if tag == "ul":
        return "<ul><li>x" * depth + "</li></ul>" * depth
    if tag == "table":
        return "<table><tr><td>x" * depth + "</td></tr></table>" * depth
    return f"<{tag}>{inner}" * depth + f"</{tag}>" * depth


@pytest.mark.parametrize(
    ("tag", "depth"), [("div", 20_000), ("b", 20_000), ("ul", 5_000), ("table", 3_000)]
)
def test_deep_nesting_is_flattened_not_a_recursion_error(tag: str, depth: int) -> None:
    # (the 100k div / 10k ul / 5k table are the same class: one cap, one pass)
    page = f"<html><body><h1>Title</h1><p>Before.</p>{_nest(tag, depth)}<p>After.</p></body></html>"
    started = time.monotonic()
    document = load_document(page.encode(), LoadContext(path="deep.html", html_max_depth=64))
    assert time.monotonic() - started < 20
    texts = [block.text for block in document.blocks]
    assert "Before." in texts and "After." in texts


def test_one_deep_branch_inside_a_good_page_keeps_the_page(tmp_path: Path) -> None:
    page = good_page(0).replace(b"</body>", _nest("div", 30_000).encode() + b"</body>")
    path = tmp_path / "page.html"
    path.write_bytes(page)
    settings = Settings()
    settings.output.dir = tmp_path / "out"
    report = ingest([str(path)], settings, RunOptions(offline=True))
    assert report["counts"]["written"] == 1


def test_node_cap_refuses_a_page_of_too_many_elements() -> None:
    page = "<html><body>" + "<p>x</p>" * 2_000 + "</body></html>"
    with pytest.raises(InputError, match=r"limits\.html_max_nodes"):
        load_document(page.encode(), LoadContext(path="wide.html", html_max_nodes=1_000))


def test_html_byte_cap_refuses_before_parsing() -> None:
    page = b"<html><body>" + b"<p>lorem ipsum</p>" * 100_000 + b"</body></html>"
    started = time.monotonic()
    with pytest.raises(InputError, match=r"limits\.html_max_bytes"):
        load_document(page, LoadContext(path="big.html", html_max_bytes=1_000_000))
    assert time.monotonic() - started < 1


def test_file_byte_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(good_page(0) + b" " * 200_000)
    with pytest.raises(InputError, match=r"limits\.file_max_bytes"):
        load_path(path, max_bytes=100_000)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_at_once(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert main(["parse", device]) == 1
    assert time.monotonic() - started < 5
    assert "not a regular file" in capsys.readouterr().err


def test_a_fifo_never_hangs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(["parse", str(fifo)])))
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("parse hung on a FIFO")
    assert result == [1] and "not a regular file" in capsys.readouterr().err


def test_pdf_marker_inside_an_html_comment_is_html() -> None:
    page = b"<!-- %PDF-1.7 -->" + good_page(0)
    assert load_document(page, LoadContext(path="x.html")).media_type == "text/html"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_pages_are_decoded(codec: str) -> None:
    html = '<html><head><meta charset="utf-16"></head><body><h1>Résumé</h1><p>Half the families.</p></body></html>'
    data = html.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    document = load_document(data, LoadContext(path="x.html"))
    assert [b.text for b in document.blocks][:2] == ["Résumé", "Half the families."]


def test_parse_given_a_url_says_use_ingest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "https://guidebook.example/programme/x"]) == 2
    err = capsys.readouterr().err
    assert "use `evidencemine ingest URL`" in err and "https:/guidebook" not in err


def test_data_uris_are_not_kept_as_links() -> None:
    page = (
        b"<html><body><h1>T</h1><p><a href='data:text/html;base64,PHNjcmlwdD4='>Smith 2001</a>"
        b" and <a href='https://doi.org/10.1000/x'>Jones 2002</a></p></body></html>"
    )
    links = [
        link.url for b in load_document(page, LoadContext(path="x.html")).blocks for link in b.links
    ]
    assert links == ["https://doi.org/10.1000/x"]
    text = (
        b"# T\n\nSee [Smith 2001](data:text/plain,hello) and [Jones](https://doi.org/10.1000/y).\n"
    )
    links = [
        link.url for b in load_document(text, LoadContext(path="x.md")).blocks for link in b.links
    ]
    assert links == ["https://doi.org/10.1000/y"]
