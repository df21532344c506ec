"""The label/value reader and chrome removal, on every label style the page families use."""

from __future__ import annotations

import pytest

from evidencemine.documents import LoadContext, load_document
from evidencemine.documents.model import Block, BlockKind, Document
from evidencemine.sources import adapter_for, adapters, kinds, register_adapter
from evidencemine.sources.chrome import (
    Boilerplate,
    choose_name,
    is_chrome,
    strip_chrome,
    url_slug_words,
)
from evidencemine.sources.labels import Line, document_lines, first_value, read_pairs, vocabulary


def _lines(*texts: str) -> list[Line]:
    return [Line(t, i) for i, t in enumerate(texts)]


def _text(body: str, url: str | None = None) -> Document:
    return load_document(body.encode(), LoadContext(url=url, path="page.txt"))


def _html(body: str) -> Document:
    return load_document(
        f"<html><body>{body}</body></html>".encode(), LoadContext(path="page.html")
    )


def _values(lines: list[Line]) -> dict[str, str]:
    return {p.field: p.value for p in read_pairs(lines)}


def test_label_colon_value_on_one_line() -> None:
    assert _values(_lines("Level of need: Universal"))["level_of_need"] == "Universal"


def test_label_then_value_on_next_line() -> None:
    values = _values(_lines("Evidence rating", "2", "Cost rating", "1"))
    assert values == {"evidence_rating": "2", "cost_rating": "1"}


def test_label_without_value_before_the_next_label_is_empty() -> None:
    pairs = read_pairs(_lines("Evidence rating", "Cost rating", "Reviews: May 2018"))
    found = {p.field: p.value for p in pairs}
    assert found["evidence_rating"] == "" and found["cost_rating"] == ""
    assert found["review"] == "May 2018"


def test_prose_on_the_next_line_is_not_a_value() -> None:
    pairs = read_pairs(
        _lines("Evidence rating", "The programme has evidence of a short-term gain.")
    )
    assert pairs[0].value == ""


def test_label_split_across_lines() -> None:
    assert _values(_lines("Evidence", "rating: 3+"))["evidence_rating"] == "3+"


def test_several_pairs_on_one_line() -> None:
    values = _values(_lines("Evidence rating: 3+ Cost rating: 1"))
    assert values == {"evidence_rating": "3+", "cost_rating": "1"}
    values = _values(
        _lines("Setting: Home Workforce: Early years staff Evidence rating: Cost rating:")
    )
    assert values["setting"] == "Home" and values["workforce"] == "Early years staff"
    assert values["evidence_rating"] == "" and values["cost_rating"] == ""


def test_label_word_starting_prose_is_not_a_label() -> None:
    assert read_pairs(_lines("Setting up the group takes two weeks of planning work.")) == []


def test_bullet_labels_are_read() -> None:
    values = _values(
        _lines("- Statement: Better reading scores", "- Score: 12", "- Timeframe: 1 year")
    )
    assert values == {"statement": "Better reading scores", "score": "12", "timeframe": "1 year"}


def test_text_render_lines_survive_the_loader() -> None:
    document = _text("Evidence rating\n2\nCost rating\n3\nReview: Some review, July 2016\n")
    values = _values(document_lines(document))
    assert values["evidence_rating"] == "2" and values["cost_rating"] == "3"
    assert values["review"] == "Some review, July 2016"


def test_html_image_value_read_from_alt_title_or_file_name() -> None:
    document = _html(
        '<p>Evidence rating: <img alt="3+" src="x.png"></p>'
        '<p>Cost rating: <img title="2" src="y.png"></p>'
        '<p>Level of need: <img src="/img/universal.svg"></p>'
    )
    values = _values(document_lines(document))
    assert values["evidence_rating"] == "3+"
    assert values["cost_rating"] == "2"
    assert values["level_of_need"] == "universal"


def test_html_image_without_text_gives_an_empty_value() -> None:
    document = _html('<p>Evidence rating: <img alt="" src="r.png"></p>')
    pair = first_value(read_pairs(document_lines(document)), "evidence_rating")
    assert pair is not None and pair.value == ""


def test_html_label_split_across_elements() -> None:
    document = _html("<p>Evidence</p><p>rating: 3+</p>")
    assert _values(document_lines(document))["evidence_rating"] == "3+"


def test_vocabulary_is_data() -> None:
    vocab = vocabulary()
    assert vocab.field_of("Race and ethnicities:") == "race_ethnicity"
    assert vocab.is_label_prefix("Evidence") and not vocab.is_label_prefix("Evidence rating")


@pytest.mark.parametrize(
    "line",
    [
        "Skip to content",
        "Skip to main content Skip to main content",
        "What Works logo",
        "Document Actions",
        "Show Menu",
        "You are here: Home > Research",
        "What does the evidence rating mean?",
        "Review:",
        "We use cookies to make this site work.",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line", ["Circle of Security (Group)", "Review: Foundations for Life, July 2016", "Reviews"]
)
def test_not_chrome(line: str) -> None:
    assert not is_chrome(line)


def test_strip_chrome_promotes_the_real_title() -> None:
    document = strip_chrome(
        _text("Skip to content\n\nSome Parenting Scheme\n\nEvidence rating\n2\n")
    )
    headings = [b for b in document.blocks if b.kind is BlockKind.HEADING]
    assert headings[0].text == "Some Parenting Scheme" and headings[0].level == 1
    assert all("Skip" not in b.text for b in document.blocks)


def test_strip_chrome_never_promotes_a_label() -> None:
    document = strip_chrome(_text("Skip to content\n\nEvidence rating\nCost rating\n"))
    assert not any(b.kind is BlockKind.HEADING for b in document.blocks)


def test_strip_chrome_drops_doubled_skip_links_inside_a_block() -> None:
    document = strip_chrome(_text("Skip to main content\nSkip to main content\n\nA Scheme\n"))
    assert [b.text for b in document.blocks] == ["A Scheme"]


def test_boilerplate_learnt_per_host() -> None:
    tracker = Boilerplate(min_pages=3, share=0.6)
    for n in range(4):
        document = Document(
            [
                Block(BlockKind.PARAGRAPH, "Call our helpline today"),
                Block(BlockKind.PARAGRAPH, f"Programme {n}"),
            ],
            "text/plain",
            "0",
        )
        tracker.add(f"https://site.example/p/{n}", document)
    assert "call our helpline today" in tracker.lines("https://site.example/p/9")
    assert tracker.lines("https://other.example/p/1") == frozenset()
    assert not any(line.startswith("programme") for line in tracker.lines("https://site.example/"))


def test_name_and_slug() -> None:
    assert (
        choose_name(
            "Circle of Security (Group)", "https://x/programme/circle-of-security-group"
        ).note
        is None
    )
    choice = choose_name("The Solihull Approach", "https://x/report/35/MindUP%208-11")
    assert choice.slug_agrees is False and "page's name wins" in (choice.note or "")
    assert url_slug_words("https://x/report/47/www.ican.org.uk") == ""
    with pytest.raises(ValueError, match="no programme name"):
        choose_name("", None)


def test_adapters_come_from_a_registry() -> None:
    assert "eif-guidebook" in kinds()
    adapter = adapter_for("eif-guidebook")
    with pytest.raises(ValueError, match="already registered"):
        register_adapter(adapter)
    assert adapter in adapters()


def test_boilerplate_lines_given_to_strip_chrome_are_removed() -> None:
    document = _text("A Scheme\n\nCall our helpline today\n\nThe scheme runs weekly groups.\n")
    kept = [b.text for b in strip_chrome(document, ["Call our helpline today"]).blocks]
    assert kept == ["A Scheme", "The scheme runs weekly groups."]
    tracker = Boilerplate(min_pages=2, share=1.0)
    tracker.add("https://site.example/a", document)
    tracker.add("https://site.example/b", document)
    assert tracker.report() == {
        "site.example": ["call our helpline today", "the scheme runs weekly groups"]
    }
