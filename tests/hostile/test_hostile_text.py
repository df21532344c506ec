"""Class: text given to the rules is bounded (cut to abstract and methods, with a warning) and
huge digit strings are never read as (rounded) numbers."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text
from evidencemine.nlp.extract import cap_text
from evidencemine.numbers import parse_int, parse_number


@pytest.mark.parametrize("digits", [16, 300, 5_001])
def test_huge_digit_strings_are_not_numbers(digits: int) -> None:
    assert parse_int("9" * digits) is None and parse_number("9" * digits) is None
    result = extract_text(f"A trial with n = {'9' * digits} children.", source="t")
    assert result.sample_size is None or result.sample_size.total != int("9" * digits)


def test_exact_numbers_up_to_15_digits_still_read() -> None:
    assert parse_int("123456789012345") == 123456789012345


def test_long_text_is_cut_to_abstract_and_methods(caplog: pytest.LogCaptureFixture) -> None:
    filler = "Background words fill the page here. " * 2_000
    text = (
        filler
        + "Abstract. A randomised controlled trial of 240 families. "
        + filler
        + "Methods. Families were randomly assigned. "
        + filler
    )
    cut = cap_text(text, 20_000, "doc")
    assert len(cut) <= 20_000
    assert "Abstract. A randomised controlled trial" in cut and "Methods. Families" in cut
    assert "cut to" in caplog.text and "nlp.max_text_chars" in caplog.text


def test_ten_megabyte_abstract_does_not_hit_spacy_limit() -> None:
    text = "Abstract. A randomised controlled trial of 120 parents. " + "word " * 2_000_000
    result = extract_text(text, source="big", max_chars=50_000)
    assert result.design is not None and result.design.value == "rct"
