"""Study text from scraped pages (written for these tests, shaped like an abstract page: a
government banner, navigation, a publication-type badge, a journal line, authors and
affiliations, ids, the abstract, copyright, keywords, interests, similar articles and
references), with offsets mapped back to the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.cli import main
from evidencemine.nlp import extract_text
from evidencemine.nlp.clean import clean_study_text

PAGE_TEXT = """An official website of the United States government
Here's how you know
Skip to main content
Search in PubMed
Advanced
Full text links
Cite
Randomized Controlled Trial
Acta Paediatr. 2021 Mar;110(3):812-20. doi: 10.1111/apa.99999. Epub 2021 Feb 2.
Home visits and toddler sleep: a randomised trial in rural Peru
Ana Torres 1, Peter Holland 2, Li Wei 1 3
Affiliations
1 Department of Paediatrics, University of Somewhere, Boston, MA, USA.
2 School of Public Health, Imperial College, London, United Kingdom.
PMID: 33500000 DOI: 10.1111/apa.99999
Abstract
Background: Sleep problems are common in toddlers.
Methods: We randomly assigned 240 families in three districts of Peru to home visits or usual care.
Results: Night waking fell by a third at 6 and 12 months.
Conclusions: Home visits improved sleep.
Copyright © 2021 Foundation Acta Paediatrica.
Printed in the United States of America.
Keywords: sleep; toddlers; home visiting.
Conflict of interest statement
None of the authors has worked in Canada.
Similar articles
Sleep in toddlers in Chile. Smith J. Sleep. 2019.
References
1. Jones A. Sleep in Spain. Lancet 2001.
"""

PAGE_HTML = """<html><head><title>Trial page</title><script>var c = "Canada";</script></head>
<body><nav><a href="/">Home</a> <a href="/uk">UK edition</a></nav>
<div class="banner">An official website of the United States government</div>
<p>We use cookies to improve this site. <a href="#">Accept all cookies</a></p>
<h1>Reading aloud to preschoolers: a cluster trial in Ghana</h1>
<p class="authors">Kofi Mensah<sup>1</sup>, Jane Holland<sup>2</sup>, Sam Lee<sup>1</sup></p>
<h2>Abstract</h2>
<p><b>Methods:</b> We randomised 32 nurseries (640 children) in Ghana &amp; followed them
for 9&nbsp;months.</p>
<p>Copyright &copy; 2020 Elsevier Ltd. All rights reserved.</p>
<h2>Keywords</h2><p>reading; literacy</p>
<h2>References</h2><ol><li>Smith. Reading in France. 2001.</li></ol>
</body></html>"""

JATS = """<article><front><article-meta><title-group><article-title>Peer support for new
fathers: a randomised trial in Norway</article-title></title-group>
<contrib-group><contrib><name><surname>Berg</surname><given-names>K</given-names></name></contrib>
</contrib-group><aff>Department of Psychology, University of Oslo, Oslo, Norway</aff>
<abstract><sec><title>Methods</title><p>We randomly assigned 150 fathers to peer support or
leaflets.</p></sec></abstract><kwd-group><kwd>fathers</kwd></kwd-group></article-meta></front>
<back><ref-list><title>References</title><ref>Lund. Fathers in Denmark. 2010.</ref></ref-list>
</back></article>"""


def test_page_text_keeps_title_and_abstract_only() -> None:
    cleaned = clean_study_text(PAGE_TEXT)
    text = cleaned.text
    assert text.startswith("Home visits and toddler sleep")
    for kept in ("Methods: We randomly assigned 240 families", "at 6 and 12 months"):
        assert kept in text
    for dropped in (
        "official website",
        "Skip to main content",
        "Randomized Controlled Trial",
        "Acta Paediatr.",
        "Holland",
        "Department of Paediatrics",
        "PMID",
        "Copyright",
        "Printed in",
        "Keywords",
        "Canada",
        "Chile",
        "Spain",
    ):
        assert dropped not in text, dropped


@pytest.mark.parametrize("fragment", ["240 families", "rural Peru", "Home visits improved"])
def test_offsets_map_back_to_the_page(fragment: str) -> None:
    cleaned = clean_study_text(PAGE_TEXT)
    start = cleaned.text.index(fragment)
    s, e = cleaned.original_span(start, start + len(fragment))
    assert PAGE_TEXT[s:e] == fragment


def test_html_tags_entities_and_chrome() -> None:
    cleaned = clean_study_text(PAGE_HTML)
    text = cleaned.text
    assert "Reading aloud to preschoolers" in text
    assert "in Ghana & followed them" in text
    for dropped in ("<", "Canada", "UK edition", "cookies", "Holland", "Copyright", "France"):
        assert dropped not in text, dropped
    start = text.index("Ghana & followed")
    s, e = cleaned.original_span(start, start + len("Ghana & followed"))
    assert PAGE_HTML[s:e] == "Ghana &amp; followed"


def test_jats_article() -> None:
    text = clean_study_text(JATS).text
    assert "Peer support for new" in text and "150 fathers" in text
    assert "Denmark" not in text and "fathers\n" not in text.split("leaflets.")[-1]


def test_plain_abstract_is_unchanged() -> None:
    abstract = "Background: Falls are common.\nMethods: We enrolled 90 adults in Spain.\n"
    cleaned = clean_study_text(abstract)
    assert cleaned.text == abstract.strip()
    assert cleaned.original_span(0, 10) == (0, 10)


def test_extraction_on_a_page_sees_only_the_study() -> None:
    found = extract_text(PAGE_TEXT, source="page", clean=True)
    assert [c.code for c in found.countries] == ["PE"]
    assert found.design is not None and found.design.value == "rct"
    assert found.sample_size is not None and found.sample_size.total == 240
    for evidence in [found.design.evidence, found.sample_size.evidence] + [
        c.evidence for c in found.countries
    ]:
        assert PAGE_TEXT[evidence.start : evidence.end] == evidence.text
    raw = extract_text(PAGE_TEXT, source="page")
    assert {c.code for c in raw.countries} - {"PE"}  # without cleaning the chrome leaks in


def test_cli_extract_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE_HTML, encoding="utf-8")
    assert main(["extract", str(page), "--clean"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [c["code"] for c in result["countries"]] == ["GH"]
    evidence = result["countries"][0]["evidence"]
    assert PAGE_HTML[evidence["start"] : evidence["end"]] == "Ghana"


PUBLISHER_TEXT = """Your privacy, your choice
We use cookies on this site and share some data with partners in Canada to improve it.
Accept all cookies
Skip to main page content
Home
Scandinavian Journal of Family Studies
Published: 3 May 2016
Group parenting classes for fathers in Ghana: a cluster randomised trial
Kofi Mensah, Georgia Holland
Scandinavian Journal of Family Studies volume 12, pages 40–52 (2016)
812 Accesses
Abstract
We randomised 24 villages in Ghana to parenting classes or a waiting list.
This is a preview of subscription content, log in to check access.
Access this article
Price includes VAT (Germany)
Authors and Affiliations
School of Social Work, University of Leeds, Leeds, UK
"""


def test_publisher_page_chrome_and_title() -> None:
    text = clean_study_text(PUBLISHER_TEXT).text
    assert text.startswith("Group parenting classes for fathers in Ghana")
    assert "24 villages in Ghana" in text
    for dropped in ("Canada", "Germany", "Leeds", "Scandinavian", "Holland", "Accesses"):
        assert dropped not in text, dropped
    found = extract_text(PUBLISHER_TEXT, source="page", clean=True)
    assert [c.code for c in found.countries] == ["GH"]


GOV_BANNER_TEXT = """An official website of the United States government
A .gov website belongs to an official government organization in the United States.
A lock ( ) or https:// means you've safely connected to the .gov website. Share sensitive information only on official, secure websites.
Randomized Controlled Trial
Dev Sci. 2019 May;22(3):e12790. doi: 10.1111/desc.00001.
Singing with infants in day care: a randomised trial in Finland
Aino Virtanen 1, Jordan Lee 2, Chad Brown 2
Affiliations
1 Department of Music Education, University of Oulu, Oulu, Finland.
2 Department of Psychology, Ohio State University, Columbus, OH, USA.
Abstract
Forty day-care groups took part.
"""


def test_gov_banner_explanations_are_chrome() -> None:
    text = clean_study_text(GOV_BANNER_TEXT).text
    assert text.startswith("Singing with infants in day care")
    assert "United States" not in text and "USA" not in text
    found = extract_text(GOV_BANNER_TEXT, source="page", clean=True)
    assert [c.code for c in found.countries] == ["FI"]


def test_page_heading_is_the_title() -> None:
    page = (
        "<html><body><p>Research that makes a difference to families across Europe and "
        "beyond, every single week</p><p>Original article</p>"
        "<h1>Text reminders and vaccination of toddlers in Uruguay</h1>"
        "<p>Ana Silva, Juan Perez</p><h2>Abstract</h2><p>We sent reminders to 300 parents.</p>"
        "</body></html>"
    )
    text = clean_study_text(page).text
    assert text.startswith("Text reminders and vaccination of toddlers in Uruguay")
    assert "Europe" not in text and "Ana Silva" not in text


def test_abstract_without_heading_after_affiliations() -> None:
    page = (
        "Skip to main content\n"
        "Home visits by nurses for first-time mothers in Brazil\n"
        "Maria Costa 1, Ian Jordan 2, Lena Berg 2\n"
        "Affiliations\n"
        "1 Department of Nursing, University of Recife, Recife, Brazil.\n"
        "2 Department of Public Health, University of Oslo, Oslo, Norway.\n"
        "We randomly assigned 400 first-time mothers in Recife to nurse home visits or usual "
        "care. Breastfeeding at six months was more common with home visits.\n"
        "Similar articles\n"
        "Nurse visits in Sweden. Ek A. 2010.\n"
    )
    text = clean_study_text(page).text
    assert text.startswith("Home visits by nurses for first-time mothers in Brazil")
    assert "400 first-time mothers" in text
    assert "Norway" not in text and "Sweden" not in text and "Affiliations" not in text


RECORD_TEXT = """Skip to main content
Peer reviewed
Record Type: Journal
Publication Date: 2018
Story time at home and the words of two-year-olds in Ecuador
Authors: Holland, Georgia; Jordan, Chad; Vega, Luisa
Source: Early Years Quarterly, v12 n3 p40-55 2018
We randomly assigned 90 families in Quito to story-time coaching or a waiting list. Children in coached families knew more words a year later.
Descriptors: Parents, Vocabulary, Foreign Countries
Acme Press. 12 Harbour Road, Leeds LS1 4AB, United Kingdom. Tel: 0113-000-000; Web site: http://example.org
Language: English; Spanish
Authoring Institution: Institute for Early Learning, Toronto, Canada
"""


def test_record_page_fields_and_addresses() -> None:
    text = clean_study_text(RECORD_TEXT).text
    assert text.startswith("Story time at home and the words of two-year-olds in Ecuador")
    assert "90 families in Quito" in text
    for dropped in ("Holland", "Leeds", "United Kingdom", "English", "Canada", "Descriptors"):
        assert dropped not in text, dropped
    found = extract_text(RECORD_TEXT, source="page", clean=True)
    assert [c.code for c in found.countries] == ["EC"]


PAPER_TEXT = """Video coaching for parents of toddlers: a randomised trial
Ana Rojas 1, Peter Holland 2, Mei Lin 3
Abstract
Background
Harsh parenting is common.
Methods
We randomly assigned 240 families in Uruguay to video coaching or usual care.
Results
Harsh parenting fell with coaching.
Conclusions
Video coaching helps.
Keywords: parenting; toddlers
Introduction
Parenting programmes help. A large trial in Australia showed benefits [4].
Methods
Families were recruited from 12 health centres in Montevideo.
Results
Of 240 families, 220 completed follow-up.
Discussion
Our findings agree with a trial among Norwegian families [12] and with one in Canada [13].
Conclusions
Coaching by video is feasible.
"""


def test_paper_body_keeps_methods_not_introduction_or_discussion() -> None:
    text = clean_study_text(PAPER_TEXT).text
    for kept in ("240 families in Uruguay", "12 health centres in Montevideo", "220 completed"):
        assert kept in text
    for dropped in ("Australia", "Norwegian", "Canada", "Introduction", "Discussion"):
        assert dropped not in text, dropped
    found = extract_text(PAPER_TEXT, source="paper", clean=True)
    assert [c.code for c in found.countries] == ["UY"]


def test_abstract_headings_alone_are_all_kept() -> None:
    abstract = (
        "Introduction\nFalls are common.\nMethods\nWe enrolled 90 adults in Spain.\n"
        "Results\nFalls fell.\nDiscussion\nA trial in Italy found the same."
    )
    assert clean_study_text(abstract).text == abstract


FLAT_PAGE = (
    "An official website of the United States government Here's how you know Official "
    "websites use .gov A .gov website belongs to an official government organization in the "
    "United States. Skip to main page content Log in Search Advanced Save Email Cite "
    "Randomized Controlled Trial Early Child Res Q. 2017 Jan;38(1):10-22. doi: "
    "10.1016/j.ecr.2017.01. Epub 2016 Dec 2. Book sharing with infants in Zambia: a "
    "randomised trial. Elena D Holland 1, India S Okafor 2, Chad Jordan 1 Affiliations Expand "
    "1 Department of Psychology, University of Leeds, Leeds, United Kingdom. 2 Division of "
    "Paediatrics, University of Toronto, Toronto, Canada. PMID: 28000001 DOI: "
    "10.1016/j.ecr.2017.01 Abstract We randomly assigned 140 mothers of infants in Lusaka to "
    "book-sharing training or a control group. Infant attention improved with training. "
    "Copyright © 2016 Elsevier Inc. All rights reserved. Printed in the United States of "
    "America. Similar articles Reading to toddlers in Ireland. France J, et al. 2015."
)


def test_flattened_page_is_split_into_its_blocks() -> None:
    cleaned = clean_study_text(FLAT_PAGE)
    text = cleaned.text
    assert "Book sharing with infants in Zambia" in text
    assert "140 mothers of infants in Lusaka" in text
    for dropped in ("United States", "Leeds", "Canada", "Ireland", "Copyright", "Printed in"):
        assert dropped not in text, dropped
    found = extract_text(FLAT_PAGE, source="page", clean=True)
    assert [c.code for c in found.countries] == ["ZM"]
    evidence = found.countries[0].evidence
    assert FLAT_PAGE[evidence.start : evidence.end] == "Zambia"


def test_marked_affiliations_run_into_the_title_line_are_dropped() -> None:
    page = (
        "Home play sessions for toddlers in a rural district: a cluster trial B. Khan,* "
        "L. Ortiz† and M. Obi‡ *University of Leeds, Leeds, UK †Child Health Research "
        "Foundation, Lahore, Pakistan, and ‡Department of Paediatrics, Lagos, Nigeria "
        "Accepted 3 May 2011\n"
        "Abstract\n"
        "We randomised 40 villages in Pakistan to play sessions or usual care.\n"
    )
    text = clean_study_text(page).text
    assert "Home play sessions for toddlers" in text
    assert "Leeds" not in text and "Lahore" not in text and "Nigeria" not in text
    assert "40 villages in Pakistan" in text
    found = extract_text(page, source="page", clean=True)
    assert [c.code for c in found.countries] == ["PK"]


def test_a_starred_place_in_a_sentence_stays() -> None:
    text = clean_study_text("Abstract\nWe recruited 90 mothers in Ghana.* Attrition was 4%.\n")
    assert "Ghana" in text.text


def test_bulleted_affiliations_and_research_topic_banner_dropped() -> None:
    page = (
        "ORIGINAL RESEARCH article\n"
        "This article is part of the Research Topic Child Growth in Poor Countries\n"
        "Reading aloud to infants in rural Nepal: a cluster randomised trial\n"
        "Ana Ruiz 1, Tom Vale 2, Mei Lin 2\n"
        "  • 1Child Language Research Group, School of Education, University of Bath, Bath, "
        "United Kingdom\n"
        "  • 2Department of Paediatrics, University of Sydney, Sydney, Australia\n"
        "Abstract\n"
        "We randomised 30 villages in Nepal to book sharing or usual care.\n"
    )
    text = clean_study_text(page).text
    assert text.startswith("Reading aloud to infants in rural Nepal")
    assert "Research Topic" not in text and "Bath" not in text and "Sydney" not in text
    found = extract_text(page, source="page", clean=True)
    assert [c.code for c in found.countries] == ["NP"]


def test_lower_case_sentence_with_a_school_is_not_an_affiliation() -> None:
    text = clean_study_text(
        "Abstract\nChildren from the school, aged 5 to 7, in Lima, Peru, read more.\n"
    ).text
    assert "Peru" in text
