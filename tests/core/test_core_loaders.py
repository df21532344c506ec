"""Loaders: bytes → blocks, chosen by content, with clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evidencemine.documents import BlockKind, LoadContext, load_document, load_path
from evidencemine.errors import EmptyDocumentError, InputError, UnsupportedTypeError

MARKDOWN = """## Site name

Published May 2020 | Last updated June 2021

# Programme Name

**Programme Name (PN) helps families.**

Evidence  
rating: **2+**

**Citation:** Doe et al (2010) | **Design:** QED

**Child outcomes:**

Improved reading

- First item
- 
- Second item with [a link](https://example.org/a)

---

Müller, K., & Ødegaard, P. (2010). A title here. *Journal Name*, 5(2), 10-20.

**Available at** <https://www.ncbi.nlm.nih.gov/pubmed/123>  
<https://www.jstor.org/stable/42?seq=1#page\\\\_scan>
"""


def _blocks(data: str, **ctx: str) -> list:
    return load_document(data.encode(), LoadContext(**ctx)).blocks


def test_text_loader_reads_markdown_structure() -> None:
    blocks = _blocks(MARKDOWN)
    kinds = [b.kind for b in blocks]
    assert blocks[0].kind is BlockKind.HEADING and blocks[0].level == 2
    heading = next(b for b in blocks if b.text == "Programme Name")
    assert heading.level == 1
    summary = next(b for b in blocks if b.text.startswith("Programme Name (PN)"))
    assert summary.strong
    labels = {b.label: b.text for b in blocks if b.kind is BlockKind.LABEL_VALUE}
    assert labels["Evidence rating"] == "2+"
    assert labels["Citation"] == "Doe et al (2010)"
    assert labels["Design"] == "QED"
    assert labels["Child outcomes"] == ""
    assert BlockKind.RULE in kinds


def test_text_loader_drops_empty_bullets_and_keeps_links() -> None:
    items = [b for b in _blocks(MARKDOWN) if b.kind is BlockKind.LIST_ITEM]
    assert [i.text for i in items] == ["First item", "Second item with a link"]
    assert items[1].links[0].url == "https://example.org/a"


def test_text_loader_keeps_italic_runs_and_unescapes() -> None:
    blocks = _blocks(MARKDOWN)
    ref = next(b for b in blocks if b.text.startswith("Müller"))
    assert ref.italic == ("Journal Name",)
    available = next(b for b in blocks if b.label == "Available at")
    urls = [link.url for link in available.links]
    assert urls[0] == "https://www.ncbi.nlm.nih.gov/pubmed/123"
    assert "\\" not in urls[1] and urls[1].endswith("page_scan")


def test_plain_text_layout_heuristics() -> None:
    text = (
        "A Trial of Something Useful\n\n  • Summary\n\n    This study examined many things in "
        "a long sentence that runs on for more than twelve words in total.\n\n  • Team\n\n"
        "    Lead Investigator:\n\n    Jane Roe\n"
    )
    blocks = _blocks(text)
    assert (blocks[0].kind, blocks[0].level) == (BlockKind.HEADING, 1)
    assert [b.text for b in blocks if b.kind is BlockKind.HEADING][1:] == ["Summary", "Team"]
    label = next(b for b in blocks if b.kind is BlockKind.LABEL_VALUE)
    assert (label.label, label.text) == ("Lead Investigator", "")


HTML = """<!doctype html><html><head><title>T</title><script>var cookie = 1;</script></head>
<body><nav>Menu text</nav><main><h2>Section</h2>
<p>Loose <b>bold</b> and <a href="/rel">relative</a> link.</p>
<ul><li>Outer<ul><li>Inner</li></ul></li><li> </li></ul>
<dl><dt>Country:</dt><dd>Norway</dd></dl>
<table><tr><th>Design</th><td>RCT</td></tr></table>
<p style="display:none">hidden text</p>
<div>Text in a div<p>and a paragraph inside</p></div>
</main><footer>Footer text</footer></body></html>"""


def test_html_loader_structure_without_css() -> None:
    doc = load_document(HTML.encode(), LoadContext(url="https://site.example/p/x"))
    texts = [b.text for b in doc.blocks]
    assert "Menu text" not in " ".join(texts) and "Footer text" not in " ".join(texts)
    assert "hidden text" not in " ".join(texts) and "var cookie" not in " ".join(texts)
    para = next(b for b in doc.blocks if b.text.startswith("Loose"))
    assert para.bold == ("bold",)
    assert para.links[0].url == "https://site.example/rel"
    items = [(b.text, b.level) for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [("Outer", 0), ("Inner", 1)]
    labels = {b.label: b.text for b in doc.blocks if b.kind is BlockKind.LABEL_VALUE}
    assert labels == {"Country": "Norway", "Design": "RCT"}
    assert "Text in a div" in texts and "and a paragraph inside" in texts
    assert doc.title == "T" and doc.media_type == "text/html"


def test_loader_is_chosen_by_content_not_name(tmp_path: Path) -> None:
    disguised = tmp_path / "page.txt"
    disguised.write_text(HTML, encoding="utf-8")
    assert load_path(disguised).media_type == "text/html"
    markdown = tmp_path / "export.html"
    markdown.write_text(MARKDOWN, encoding="utf-8")
    assert load_path(markdown).media_type == "text/markdown"


@pytest.mark.parametrize(
    ("content", "error", "reason"),
    [
        (b"", EmptyDocumentError, "empty input"),
        (b"   \n\n  ", EmptyDocumentError, "empty input"),
        (b"<html><body><nav>only chrome</nav></body></html>", EmptyDocumentError, "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", UnsupportedTypeError, "unsupported type"),
        (b"\xff\xfe\xfa" * 50, UnsupportedTypeError, "unsupported type"),
    ],
)
def test_bad_input_errors_name_the_input(
    tmp_path: Path, content: bytes, error: type, reason: str
) -> None:
    path = tmp_path / "bad-input.bin"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        load_path(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_path(tmp_path / "missing.html")
    with pytest.raises(InputError, match="directory"):
        load_path(tmp_path)


def test_first_use_from_many_threads_sees_every_loader(fresh_python: Callable[..., str]) -> None:
    # A fresh interpreter, so the builtin loaders are registered by the racing threads.
    code = (
        "import threading\n"
        "from evidencemine.documents import registered_loaders\n"
        "seen, start = [], threading.Barrier(16)\n"
        "def use():\n"
        "    start.wait()\n"
        "    seen.append(tuple(loader.name for loader in registered_loaders()))\n"
        "threads = [threading.Thread(target=use) for _ in range(16)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(set(seen)), len(seen), ','.join(seen[0]))\n"
    )
    distinct, total, names = fresh_python(code).split()
    assert (distinct, total) == ("1", "16")
    assert names.split(",") == ["pdf", "html", "text"]
