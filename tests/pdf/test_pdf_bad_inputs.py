"""Bad PDFs: a clear one-line error naming the file and the reason; nothing else happens."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pdf_fixtures import (
    GUIDEBOOK_PAGE,
    corrupt_pdf,
    encrypted_pdf,
    image_only_pdf,
    markdown_pdf,
    simple_pdf,
    truncated_pdf,
    zero_page_pdf,
)

from evidencemine.documents import LoadContext, load_document, load_path
from evidencemine.errors import InputError, PdfError

BAD_PDFS: dict[str, tuple[Callable[[], bytes], dict[str, int], str]] = {
    "encrypted": (encrypted_pdf, {}, "encrypted PDF: it needs a password"),
    "corrupt": (corrupt_pdf, {}, "corrupt PDF"),
    "truncated": (truncated_pdf, {}, "corrupt or truncated PDF"),
    "zero-pages": (zero_page_pdf, {}, "PDF has zero pages"),
    "image-only": (image_only_pdf, {}, "no text layer: needs OCR"),
    "over-page-cap": (lambda: simple_pdf(pages=5), {"pdf_max_pages": 3}, "over the page cap of 3"),
    "over-size-cap": (simple_pdf, {"pdf_max_bytes": 2_000}, "over the size cap of 2,000 bytes"),
}


@pytest.mark.parametrize("name", sorted(BAD_PDFS))
def test_pdf_bad_input_raises_pdf_error_naming_file_and_reason(name: str) -> None:
    make, caps, reason = BAD_PDFS[name]
    path = f"inbox/{name}.pdf"
    with pytest.raises(PdfError) as raised:
        load_document(make(), LoadContext(path=path, **caps))
    error = raised.value
    assert isinstance(error, InputError)
    assert error.source == path
    assert reason in error.reason
    message = str(error)
    assert message.startswith(f"{path}: ") and "\n" not in message and len(message) < 240


def test_pdf_page_cap_is_checked_before_pages_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import evidencemine.documents.pdf as pdf_module

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page was read although the PDF is over the page cap")

    monkeypatch.setattr(pdf_module, "_read_page", never)
    with pytest.raises(PdfError, match="over the page cap"):
        load_document(simple_pdf(pages=4), LoadContext(pdf_max_pages=2))


def test_pdf_encrypted_without_user_password_is_read_without_prompting() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf())))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    document = load_document(out.getvalue(), LoadContext(path="permissions-only.pdf"))
    assert "A page of plain text. Page body 1." in document.text()


def test_pdf_load_path_reports_bad_pdf_by_file_name(tmp_path: Path) -> None:
    target = tmp_path / "locked-download"
    target.write_bytes(encrypted_pdf())
    with pytest.raises(PdfError, match=r"locked-download: encrypted PDF"):
        load_path(target)


def test_pdf_batch_goes_on_past_bad_pdfs_and_writes_nothing_for_them(tmp_path: Path) -> None:
    from evidencemine import pipeline
    from evidencemine.settings import Settings

    inputs = {
        "locked.pdf": encrypted_pdf(),
        "scan.pdf": image_only_pdf(),
        "page.download": markdown_pdf(GUIDEBOOK_PAGE),  # a PDF without a .pdf name
        "cut.pdf": truncated_pdf(),
    }
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    settings = Settings()
    settings.output.dir = str(tmp_path / "out")
    report = pipeline.ingest(
        [str(tmp_path / name) for name in inputs],
        settings,
        pipeline.RunOptions(offline=True),
    )
    written = sorted(p.name for p in (tmp_path / "out" / "programmes").rglob("*.json"))
    assert written == ["toddler-talk-time.json"]
    errors = "\n".join(str(e) for e in report.get("errors", []))
    for name in ("locked.pdf", "scan.pdf", "cut.pdf"):
        assert name in errors
    assert "needs OCR" in errors and "encrypted" in errors
    assert report["counts"]["failed"] == 3


def test_pdf_cli_parse_reads_a_pdf_by_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    target = tmp_path / "programme-download"  # no .pdf ending
    target.write_bytes(markdown_pdf(GUIDEBOOK_PAGE))
    from evidencemine.cli import main

    status = main(["parse", str(target)])
    assert status == 0
    record = json.loads(capsys.readouterr().out)
    assert record["programme"]["name"] == "Toddler Talk Time"
    assert record["source"]["media_type"] == "application/pdf"

    bad = tmp_path / "locked.pdf"
    bad.write_bytes(encrypted_pdf())
    assert main(["parse", str(bad)]) == 1
    assert f"{bad}: encrypted PDF" in capsys.readouterr().err
