"""Fuzz (Hypothesis, fixed seed, small time budget): the loaders and the reference parser
either return or raise the library's own one-line errors, whatever the bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from evidencemine.documents import LoadContext, load_document
from evidencemine.errors import EvidenceMineError
from evidencemine.references.parse import parse_reference

FUZZ = settings(
    max_examples=150,
    deadline=2000,
    derandomize=True,  # same examples every run: a failure reproduces
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

_TAGS = st.sampled_from(["div", "p", "b", "ul", "li", "table", "tr", "td", "h2", "a", "dl", "dt"])
_MARKUP = st.recursive(
    st.text(max_size=20),
    lambda inner: st.tuples(_TAGS, st.lists(inner, max_size=4)).map(
        lambda pair: (
            f"<{pair[0]}>" + "".join(pair[1]) + (f"</{pair[0]}>" if len(pair[1]) % 2 else "")
        )
    ),
    max_leaves=40,
)
_PREFIXES = st.sampled_from(
    [
        b"",
        b"%PDF-1.4\n",
        b"<html><body>",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"# Title\n",
        b"<!-- %PDF- -->",
    ]
)


def _load(data: bytes, name: str) -> None:
    try:
        document = load_document(data, LoadContext(path=name, html_max_depth=32))
    except EvidenceMineError as err:
        assert "\n" not in str(err) and str(err)
    else:
        assert document.media_type


@seed(15)
@FUZZ
@given(prefix=_PREFIXES, body=st.binary(max_size=600))
def test_loaders_on_random_bytes(prefix: bytes, body: bytes) -> None:
    _load(prefix + body, "fuzz.bin")


@seed(15)
@FUZZ
@given(markup=_MARKUP)
def test_html_loader_on_random_markup(markup: str) -> None:
    _load(f"<html><body>{markup}</body></html>".encode("utf-8", "surrogatepass"), "fuzz.html")


@seed(15)
@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.from_regex(
            r"[A-Z][a-z]+, [A-Z]\.( & [A-Z][a-z]+, [A-Z]\.)? \((19|20)\d\d\)\. [A-Za-z ]{0,40}\. "
            r"[A-Z][a-z ]{0,20}, \d{1,400}(\(\d{1,3}\))?, \d+-\d+\.",
            fullmatch=True,
        ),
    )
)
def test_reference_parser_on_random_citations(text: str) -> None:
    reference = parse_reference(text)
    assert reference.raw is not None
