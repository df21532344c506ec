"""Class: PDF work is bounded: content streams are inflated chunk by chunk under a cap (zip
bombs), drawing operators per page are capped, and each page has a time budget."""

from __future__ import annotations

import time
import tracemalloc
import zlib

import pytest

from evidencemine.documents import LoadContext, load_document
from evidencemine.errors import PdfError


def one_page_pdf(content: bytes, *, compress: bool = True) -> bytes:
    """A minimal one-page PDF with a Helvetica font and the given content stream."""
    stream = zlib.compress(content, 9) if compress else content
    filters = b"/Filter /FlateDecode " if compress else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filters + b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


TEXT = b"BT /F1 12 Tf 72 720 Td (A randomised trial of 120 families.) Tj ET\n"


def test_a_normal_page_still_loads() -> None:
    document = load_document(one_page_pdf(TEXT), LoadContext(path="ok.pdf"))
    assert "A randomised trial of 120 families." in [b.text for b in document.blocks]


def test_zip_bomb_stream_is_refused_without_inflating_it() -> None:
    bomb = one_page_pdf(b" " * 60_000_000)  # 60 MB of spaces: about 60 kB compressed
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"pdf\.max_stream_bytes"):
        load_document(bomb, LoadContext(path="bomb.pdf", pdf_max_stream_bytes=5_000_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50_000_000 and time.monotonic() - started < 10


def test_too_many_operators_on_a_page_are_refused() -> None:
    busy = one_page_pdf(b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * 50_000 + b"ET\n")
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"pdf\.max_objects_per_page"):
        load_document(busy, LoadContext(path="busy.pdf", pdf_max_objects_per_page=10_000))
    assert time.monotonic() - started < 5


def test_page_time_budget() -> None:
    busy = one_page_pdf(b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * 3_000 + b"ET\n")
    with pytest.raises(PdfError, match=r"pdf\.page_time_s"):
        load_document(busy, LoadContext(path="slow.pdf", pdf_page_time_s=0.01))
