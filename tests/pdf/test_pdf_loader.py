"""The PDF loader: blocks from generated PDFs (headings, labels, lists, links, columns)."""

from __future__ import annotations

import functools
import io
import logging

import pdfplumber
import pytest
from pdf_fixtures import GUIDEBOOK_PAGE, markdown_pdf, simple_pdf, two_column_paper
from pdf_render import SOFT_HYPHEN, FlowPdf

from evidencemine.documents import BlockKind, Document, LoadContext, load_document
from evidencemine.documents.base import registered_loaders
from evidencemine.documents.pdf import LoadTimings, load_pdf, sniff_pdf


@functools.cache
def guidebook_pdf() -> bytes:
    return markdown_pdf(GUIDEBOOK_PAGE)


@functools.cache
def guidebook_document() -> Document:
    return load_document(guidebook_pdf(), LoadContext(path="toddler-talk-time.pdf"))


@functools.cache
def paper_document() -> Document:
    return load_document(two_column_paper(), LoadContext(path="paper.pdf"))


def texts(document: Document, kind: BlockKind | None = None) -> list[str]:
    return [b.text for b in document.blocks if kind is None or b.kind is kind]


def test_pdf_loader_is_chosen_by_content_not_file_name() -> None:
    document = load_document(simple_pdf(), LoadContext(path="download.txt"))
    assert document.media_type == "application/pdf"
    names = [loader.name for loader in registered_loaders()]
    assert names.index("pdf") < names.index("text")
    assert sniff_pdf(b"\xef\xbb\xbf\n%PDF-1.7\n", LoadContext())
    assert not sniff_pdf(b"plain text", LoadContext())


def test_pdf_headings_get_levels_from_font_size_and_weight() -> None:
    headings = {b.text: b.level for b in guidebook_document().blocks if b.is_heading}
    assert headings["Toddler Talk Time"] == 1
    assert headings["Child outcomes"] == headings["About the evidence"] == 2
    assert headings["Who is it for?"] == headings["Study 1"] == 3
    assert "Improved expressive vocabulary" not in headings


def test_pdf_bold_labels_become_label_value_blocks() -> None:
    pairs = [(b.label, b.text) for b in guidebook_document().blocks if b.label]
    assert ("Citation", "Moreau et al (2014)") in pairs
    assert ("Design", "RCT") in pairs
    assert ("Country", "Canada") in pairs
    assert ("Child outcomes", "") in pairs  # a bold label alone: the value follows
    assert ("Evidence rating", "2+") in pairs  # plain label, bold value, over a line break
    assert ("Available at", "https://www.ncbi.nlm.nih.gov/pubmed/28899001") in pairs


def test_pdf_link_annotations_are_kept_on_their_words() -> None:
    links = {link.url: link.text for link in guidebook_document().links()}
    assert links["https://www.jstor.org/stable/4412987"] == "https://www.jstor.org/stable/4412987"
    assert "https://www.ncbi.nlm.nih.gov/pubmed/28899001" in links
    downloaded = next(b for b in guidebook_document().blocks if b.text.startswith("Downloaded"))
    assert [link.url for link in downloaded.links] == [
        "https://guidebook.eif.org.uk/programme/toddler-talk-time"
    ]


def test_pdf_lists_paragraphs_rules_and_pages() -> None:
    document = guidebook_document()
    assert texts(document, BlockKind.LIST_ITEM)[:2] == ["Toddlers", "Preschool"]
    strong = [b.text for b in document.blocks if b.strong and b.kind is BlockKind.PARAGRAPH]
    assert strong[0].startswith("Toddler Talk Time (TTT) is a home-visiting programme")
    assert sum(b.kind is BlockKind.RULE for b in document.blocks) >= 8
    assert {b.page for b in document.blocks} == {1, 2}
    pages = [b.page or 0 for b in document.blocks]
    assert pages == sorted(pages)


def test_pdf_running_headers_footers_and_page_numbers_are_removed() -> None:
    document = guidebook_document()
    everything = "\n".join(texts(document))
    assert "EIF Guidebook | programme page" not in everything
    assert "guidebook.eif.org.uk" not in texts(document)
    assert not any(text.startswith("Page ") for text in texts(document))
    assert "EIF Guidebook | programme page" in document.meta["running_text"]
    # the header's underline repeats too: no rule before the first heading
    assert document.blocks[0].kind is BlockKind.HEADING


def test_pdf_single_page_keeps_header_but_drops_a_lone_page_number() -> None:
    pdf = FlowPdf(header="Only page header", page_numbers=lambda n: f"Page {n}")
    pdf.paragraph("Body text of a one-page document.")
    document = load_document(pdf.output())
    assert "Only page header" in texts(document)
    assert "Page 1" not in texts(document)


def test_pdf_two_columns_are_read_in_column_order() -> None:
    headings = texts(paper_document(), BlockKind.HEADING)
    assert headings == [
        "Coaching Parents to Talk with Toddlers: a Randomised Trial in Three Cities",
        "Abstract",
        "1. Introduction",
        "2. Methods",
        "3. Results",
        "4. Discussion",
        "References",
    ]
    paragraphs = texts(paper_document(), BlockKind.PARAGRAPH)
    first = next(i for i, t in enumerate(paragraphs) if t.startswith("Families were recruited"))
    assert paragraphs[first].endswith("coaching programme or to usual services.")
    assert paragraphs[first + 1].startswith("Trained visitors made twelve fortnightly visits.")


def test_pdf_hyphenation_at_line_ends_and_ligatures_are_undone() -> None:
    text = "\n".join(texts(paper_document()))
    assert "short demonstration with guided practice" in text
    assert "not statistically significant" in text
    assert "The fidelity of delivery" in text
    assert "demon-" not in text and "\ufb01" not in text


def test_pdf_dehyphenation_keeps_real_compounds() -> None:
    pdf = FlowPdf()
    pdf.paragraph("Sessions were well-attended; the approach is non-didactic.")  # unbroken
    pdf.set_columns(3)
    words = (
        "the 100 Spanish-speaking mothers, inter\u00advention visits were well-attended and "
        f"the non-didactic approach was pre{SOFT_HYPHEN}ferred by most."
    )
    lead_ins = ["Among", "Among all", "Among them all,"]
    for lead_in in lead_ins:
        pdf.paragraph(f"{lead_in} {words}")
    data = pdf.output()
    with pdfplumber.open(io.BytesIO(data)) as document:
        raw = [w["text"] for page in document.pages for w in page.extract_words()]
    assert {"Spanish-", "well-", "non-", "inter-", "pre-"} <= set(raw)  # broken at line ends
    text = " ".join(texts(load_document(data)))
    count = len(lead_ins)
    assert text.count("Spanish-speaking mothers") == count  # capitalised: a real compound
    assert text.count("well-attended and") == count  # seen unbroken elsewhere in the document
    assert text.count("non-didactic approach") == count
    assert text.count("intervention visits") == count  # a word broken by hyphenation
    assert text.count("was preferred") == count


def test_pdf_reference_split_over_pages_stays_one_block() -> None:
    references = [
        b.text for b in paper_document().blocks if b.text.startswith(("Fischer", "Garcia"))
    ]
    assert references == [
        "Fischer, A., Gomez, B., & Hall, C. (2013). Fidelity monitoring in home-visiting "
        "programmes. Prevention Science, 14, 300-311.",
        "Garcia, D. (2011). Parenting stress and child language. Infant Behavior and "
        "Development, 34, 56-64.",
    ]


def test_pdf_italic_and_bold_runs_are_recorded() -> None:
    reference = next(b for b in guidebook_document().blocks if b.text.startswith("Moreau, L."))
    assert reference.italic == ("Journal of Early Language Research",)
    outcome = next(b for b in guidebook_document().blocks if "based on" in b.text)
    assert outcome.bold == ("study 1, study 2",)


def test_pdf_words_are_read_once_per_page_without_extract_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = {"extract_words": 0, "extract_text": 0}
    original = pdfplumber.page.Page.extract_words

    def counting_words(self: pdfplumber.page.Page, **kwargs: object) -> object:
        calls["extract_words"] += 1
        return original(self, **kwargs)

    def no_text(self: pdfplumber.page.Page, **kwargs: object) -> str:
        calls["extract_text"] += 1
        return ""

    monkeypatch.setattr(pdfplumber.page.Page, "extract_words", counting_words)
    monkeypatch.setattr(pdfplumber.page.Page, "extract_text", no_text)
    data = two_column_paper()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    timings = LoadTimings()
    load_pdf(data, LoadContext(), timings=timings)
    assert calls == {"extract_words": pages, "extract_text": 0}
    assert timings.pages == pages
    assert 0 < timings.pdfplumber_s <= timings.total_s
    assert timings.postprocess_s >= 0


def test_pdf_document_metadata() -> None:
    document = paper_document()
    assert (
        document.title
        == "Coaching Parents to Talk with Toddlers: a Randomised Trial in Three Cities"
    )
    assert document.path == "paper.pdf"
    assert document.meta["pages"] == "2"
    assert len(document.content_sha256) == 64


def test_pdf_loader_keeps_pdfminer_log_noise_quiet(caplog: pytest.LogCaptureFixture) -> None:
    data = simple_pdf()
    broken_xref = data.replace(b"startxref\n", b"startxref\n9", 1)  # xref offset now wrong
    caplog.set_level(logging.DEBUG, logger="evidencemine")
    document = load_document(broken_xref, LoadContext(path="broken-xref.pdf"))
    assert "A page of plain text." in document.text()
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]
