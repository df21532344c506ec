"""A labelled abstract wrapped in the chrome of a scraped web page, to measure the extraction
the way scraped pages reach it (``evidencemine eval --real FILE --as-page``).

Three page families, the first two as markup (HTML) or as the text a scraper keeps from it
(one line per block, blank lines and indentation left in), the third as text:

- a bibliographic-database abstract page: government banner and its explanation, account
  and search links, action buttons, a publication-type badge, the journal citation line,
  the title, the authors with numbered affiliations, ids, the abstract, a copyright line
  (sometimes "Printed in ..."), keywords, a conflict-of-interest note, similar articles,
  cited-by, references, publication types, MeSH terms, grants (with the funder's country)
  and link-out lines;
- a publisher's article page: cookie notice, site navigation, breadcrumbs, an article-type
  badge, the title, authors, the journal and volume line, metrics, the abstract, an access
  box with a price "including VAT" of a country, references, authors and affiliations,
  ethics declarations, a publisher's note, "cite this article", dates, keywords and a
  footer with the publisher's registered office;
- an education database's record page: labelled fields (record number, dates, authors as
  "Surname, Given", source), the abstract under no heading, descriptors, the publisher's
  postal address, language, sponsor and authoring institution.

Every template is written for this project; names, institutions and journals are invented
or generic. The chrome names countries, places, person names that are also country names
(Holland, Jordan, Georgia, Chad) and journal or society names with a country word, none of
them the study's: the countries in the chrome are drawn from those the abstract does not
name (``avoid``). The choice of family, format and every filler is seeded by the document
id, so a page is the same on every run.

:func:`wrap_as_page` returns the page and the spans of the page that hold the document's
own text (title and abstract), so a scorer can tell a country found in the study text from
one that leaked in from the chrome.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

FAMILIES = ("database-text", "database-html", "publisher-text", "publisher-html", "record-text")

# (city, country as an affiliation writes it, ISO code)
_PLACES: tuple[tuple[str, str, str], ...] = (
    ("Toronto, ON", "Canada", "CA"),
    ("Melbourne, VIC", "Australia", "AU"),
    ("Leeds", "United Kingdom", "GB"),
    ("Cardiff", "UK", "GB"),
    ("Utrecht", "The Netherlands", "NL"),
    ("Bergen", "Norway", "NO"),
    ("Seattle, WA", "USA", "US"),
    ("Ann Arbor, Michigan", "United States", "US"),
    ("Santiago", "Chile", "CL"),
    ("Cape Town", "South Africa", "ZA"),
    ("Munich", "Germany", "DE"),
    ("Lyon", "France", "FR"),
    ("Uppsala", "Sweden", "SE"),
    ("Auckland", "New Zealand", "NZ"),
    ("Dublin", "Ireland", "IE"),
    ("Kyoto", "Japan", "JP"),
    ("Seoul", "Republic of Korea", "KR"),
    ("Sao Paulo", "Brazil", "BR"),
    ("Nairobi", "Kenya", "KE"),
    ("Ankara", "Turkey", "TR"),
    ("Milan", "Italy", "IT"),
    ("Barcelona", "Spain", "ES"),
    ("Aarhus", "Denmark", "DK"),
    ("Tampere", "Finland", "FI"),
    ("Guangzhou", "China", "CN"),
    ("Geneva", "Switzerland", "CH"),
    ("Leuven", "Belgium", "BE"),
    ("Tel Aviv", "Israel", "IL"),
    ("Pune", "India", "IN"),
    ("Porto Alegre", "Brazil", "BR"),
)
_GIVEN = (
    "Georgia",
    "Jordan",
    "Chad",
    "India",
    "Ana",
    "Tomas",
    "Mei",
    "Kwame",
    "Sofia",
    "Lars",
    "Priya",
    "Daniel",
    "Yuki",
    "Fatima",
    "Oliver",
    "Elena",
)
_SURNAMES = (
    "Holland",
    "Jordan",
    "England",
    "France",
    "Ireland",
    "Berg",
    "Okafor",
    "Tanaka",
    "Rossi",
    "Novak",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Kim",
    "Mensah",
)
_UNITS = (
    "Department of Psychology",
    "School of Public Health",
    "Department of Paediatrics",
    "Division of Oncology",
    "Faculty of Medicine",
    "Institute of Child Health",
    "Department of Epidemiology and Biostatistics",
    "Centre for Health Services Research",
)
# (journal, abbreviation)
_JOURNALS = (
    ("British Journal of Cancer", "Br J Cancer"),
    ("European Journal of Public Health", "Eur J Public Health"),
    ("Scandinavian Journal of Caring Sciences", "Scand J Caring Sci"),
    ("Japanese Journal of Nursing Science", "Jpn J Nurs Sci"),
    ("Canadian Journal of Psychiatry", "Can J Psychiatry"),
    ("American Journal of Preventive Medicine", "Am J Prev Med"),
    ("Journal of Child Psychology and Psychiatry", "J Child Psychol Psychiatry"),
    ("Indian Journal of Pediatrics", "Indian J Pediatr"),
    ("Australian and New Zealand Journal of Psychiatry", "Aust N Z J Psychiatry"),
    ("Breast Cancer Research and Treatment", "Breast Cancer Res Treat"),
    ("Irish Journal of Medical Science", "Ir J Med Sci"),
    ("Child: Care, Health and Development", "Child Care Health Dev"),
)
_PUBLISHERS = (
    "Elsevier Ltd",
    "Elsevier Ireland Ltd",
    "John Wiley & Sons Ltd",
    "Springer Nature Switzerland AG",
    "Oxford University Press",
    "BMJ Publishing Group",
)
_SOCIETIES = (
    "the American Cancer Society",
    "the British Psychological Society",
    "the Japanese Society of Medical Oncology",
    "the Canadian Paediatric Society",
    "the Swiss Society of Psychology",
)
_PRINTED = (
    "Printed in the United States of America.",
    "Printed in Great Britain.",
    "Printed in the Netherlands.",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TOPICS = (
    "home visiting",
    "parent training",
    "exercise after treatment",
    "school readiness",
    "sleep problems",
    "reading aloud",
    "group counselling",
    "text-message reminders",
)
_OUTCOMES = (
    "child behaviour",
    "maternal depression",
    "quality of life",
    "fatigue",
    "language skills",
    "attendance",
)
_MESH = (
    "Adult",
    "Female",
    "Humans",
    "Child, Preschool",
    "Middle Aged",
    "Treatment Outcome",
    "Follow-Up Studies",
    "Quality of Life",
)
_FUNDERS = (
    ("HD", "NICHD NIH HHS", "United States"),
    ("CA", "NCI NIH HHS", "United States"),
    ("MR", "Medical Research Council", "United Kingdom"),
    ("WT", "Wellcome Trust", "United Kingdom"),
)


@dataclass(frozen=True)
class Page:
    """A page, its family, and the ``(start, end)`` spans of ``text`` that hold the
    document's own title and abstract; ``flat`` when its blocks are joined by spaces."""

    text: str
    family: str
    study_spans: tuple[tuple[int, int], ...]
    flat: bool = False

    def in_study(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.study_spans)


_TITLE_END_RE = re.compile(r"[.?!]\s+(?=[A-Z0-9])")


def split_title(text: str) -> tuple[str, str]:
    """``(title, abstract)``: the first sentence of a "title. abstract" text when it reads
    as a title (20 to 300 characters), else ``("", text)``."""
    text = text.strip()
    m = _TITLE_END_RE.search(text, 20)
    if m is None or m.start() > 300:
        return "", text
    return text[: m.start() + 1], text[m.end() :]


class _Writer:
    """Builds the page piece by piece; remembers where the study text went."""

    def __init__(self, markup: bool, flat: bool = False) -> None:
        self.markup = markup
        self.end = " " if flat else "\n"  # a flattened scrape joins blocks with spaces
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int]] = []

    def raw(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def block(self, text: str, tag: str = "p", attrs: str = "") -> None:
        """One block of chrome (escaped in markup)."""
        if self.markup:
            self.raw(f"<{tag}{attrs}>{html.escape(text, quote=False)}</{tag}>\n")
        else:
            self.raw(f"{text}{self.end}")

    def blank(self, rng: random.Random) -> None:
        if not self.markup and self.end == "\n" and rng.random() < 0.5:
            self.raw("\n" + " " * rng.choice((0, 2, 4)) + "\n" * rng.choice((0, 1)))

    def study(self, text: str, tag: str) -> None:
        """The document's own text, kept verbatim (characters markup would read as tags or
        entities are escaped, so the page text still shows them as the corpus has them)."""
        if self.markup:
            self.raw(f"<{tag}>")
            escaped = html.escape(text, quote=False)
            if escaped != text:
                # keep the page faithful: the span is the escaped text, as a page has it
                self.spans.append((self.length, self.length + len(escaped)))
                self.raw(escaped)
            else:
                self.spans.append((self.length, self.length + len(text)))
                self.raw(text)
            self.raw(f"</{tag}>\n")
        else:
            self.spans.append((self.length, self.length + len(text)))
            self.raw(text + self.end)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Fill:
    """The seeded fillers of one page."""

    authors: list[tuple[str, str, list[int]]]  # given, surname, affiliation numbers
    affiliations: list[str]
    journal: tuple[str, str]
    year: int
    month: str
    pmid: int
    doi: str
    other_countries: list[str]
    other_places: list[tuple[str, str, str]]


def _fill(rng: random.Random, avoid: Collection[str]) -> _Fill:
    places = [p for p in _PLACES if p[2] not in avoid]
    rng.shuffle(places)
    chosen = places[: rng.randint(2, 4)]
    affiliations = []
    for city, country, _ in chosen:
        unit = rng.choice(_UNITS)
        town = city.split(",")[0]
        institution = rng.choice(
            (f"University of {town}", f"{town} Children's Hospital", f"{town} Medical Centre")
        )
        where = f"{institution}, {city}, {country}."
        affiliation = where if rng.random() < 0.3 else f"{unit}, {where}"
        if rng.random() < 0.2:
            affiliation += f" Electronic address: {town.lower().replace(' ', '')}@example.org."
        affiliations.append(affiliation)
    authors = []
    for _ in range(rng.choice((1, 2, 3, 3, 4, 5, 6, 7))):
        numbers = sorted(rng.sample(range(1, len(chosen) + 1), rng.choice((1, 1, 2))))
        authors.append((rng.choice(_GIVEN), rng.choice(_SURNAMES), numbers))
    year = rng.randint(2004, 2022)
    return _Fill(
        authors=authors,
        affiliations=affiliations,
        journal=rng.choice(_JOURNALS),
        year=year,
        month=rng.choice(_MONTHS),
        pmid=rng.randint(15_000_000, 36_000_000),
        doi=f"10.{rng.randint(1000, 9999)}/{rng.choice('abcdefgh')}{rng.randint(10000, 99999)}",
        other_countries=[p[1] for p in places[len(chosen) : len(chosen) + 3]],
        other_places=places[len(chosen) + 3 : len(chosen) + 6],
    )


def _abstract_heading(w: _Writer, rng: random.Random) -> None:
    """Mostly "Abstract"; now and then another word, or no heading at all."""
    heading = rng.choice(("Abstract",) * 6 + ("ABSTRACT", "Summary", "Abstract:", ""))
    if heading:
        w.block(heading, "h2")


def _similar_title(rng: random.Random, country: str) -> str:
    topic, outcome = rng.choice(_TOPICS), rng.choice(_OUTCOMES)
    return rng.choice(
        (
            f"Effects of {topic} on {outcome} in {country}: a randomised controlled trial.",
            f"{topic.capitalize()} and {outcome} among families in {country}.",
            f"A pilot trial of {topic} for {outcome} in rural {country}.",
        )
    )


def _database_page(w: _Writer, rng: random.Random, f: _Fill, title: str, abstract: str) -> None:
    html_page = w.markup
    if html_page:
        w.raw(f"<html><head><title>{html.escape(title[:60])} - PubMed</title>")
        w.raw('<script>window.ncbi = {region: "United States"};</script></head>\n<body>\n')
    w.block("An official website of the United States government", "div", ' class="banner"')
    w.block("Here's how you know", "button")
    if rng.random() < 0.7:
        w.block("Official websites use .gov")
        w.block(
            "A .gov website belongs to an official government organization in the United States."
        )
        w.block("Secure .gov websites use HTTPS")
        w.block(
            "A lock ( ) or https:// means you've safely connected to the .gov website. Share "
            "sensitive information only on official, secure websites."
        )
    w.blank(rng)
    for line in rng.choice(
        (
            ["Skip to main page content", "Log in", "Search", "Advanced", "User Guide"],
            ["Log in", "Show account info", "Close", "Account", "Logged in as:", "Dashboard"],
            ["Search in PubMed", "Search", "Advanced", "Clipboard", "User Guide"],
        )
    ):
        w.block(line, "a")
    for line in ("Save", "Email", "Send to", "Display options", "Full text links", "Cite"):
        if rng.random() < 0.8:
            w.block(line, "button")
    w.blank(rng)
    if rng.random() < 0.3:
        w.block(rng.choice(("Free article", "Free PMC article", "Item in Clipboard")))
    w.block(rng.choice(("Randomized Controlled Trial", "Clinical Trial", "Comparative Study")))
    abbr = f.journal[1]
    day = rng.randint(1, 28)
    w.block(
        f"{abbr}. {f.year} {f.month};{rng.randint(1, 80)}({rng.randint(1, 12)}):"
        f"{rng.randint(10, 900)}-{rng.randint(901, 999)}. doi: {f.doi}. "
        f"Epub {f.year} {rng.choice(_MONTHS)} {day}."
    )
    if title:
        w.study(title, "h1")
    w.blank(rng)
    if not w.markup and rng.random() < 0.3:
        # a scraper that puts every element on its own line: name, number, comma
        for given, surname, nums in f.authors:
            w.block(f"{given} {rng.choice('ABCDEFGHJKLMNPRST')} {surname}")
            for num in nums:
                w.block(str(num))
            w.block(",")
    else:
        names = ", ".join(
            f"{given} {rng.choice('ABCDEFGHJKLMNPRST')} {surname} {' '.join(map(str, nums))}"
            for given, surname, nums in f.authors
        )
        w.block(names, "div", ' class="authors-list"')
    w.block("Affiliations", "h3")
    w.block("Expand", "button")
    for n, affiliation in enumerate(f.affiliations, 1):
        w.block(f"{n} {affiliation}", "li")
    w.blank(rng)
    w.block(f"PMID: {f.pmid} DOI: {f.doi}")
    _abstract_heading(w, rng)
    w.study(abstract, "p")
    w.blank(rng)
    publisher = rng.choice(_PUBLISHERS)
    w.block(
        rng.choice(
            (
                f"Copyright © {f.year} {publisher}. All rights reserved.",
                f"© {f.year} The Authors. Published by {publisher} on behalf of "
                f"{rng.choice(_SOCIETIES)}.",
                f"© {f.year} {rng.choice(_SOCIETIES)[4:]}.",
            )
        )
    )
    if rng.random() < 0.4:
        w.block(rng.choice(_PRINTED))
    if rng.random() < 0.6:
        w.block(f"Keywords: {rng.choice(_TOPICS)}; {rng.choice(_OUTCOMES)}; randomised trial.")
    if rng.random() < 0.2:
        w.block("Comment in", "h2")
        w.block(
            f"Trials of {rng.choice(_TOPICS)} in {f.other_places[1][1]} need longer follow-up. "
            f"{rng.choice(_SURNAMES)} {rng.choice('ABCDEFG')}. {f.journal[1]}. {f.year}.",
            "li",
        )
    if rng.random() < 0.5:
        w.block("Conflict of interest statement", "h2")
        w.block(
            f"One author has received fees from a company based in {f.other_countries[0]}; "
            "the others declare no conflicts."
        )
    w.block("Similar articles", "h2")
    for country in f.other_countries:
        given, surname, _ = rng.choice(f.authors)
        w.block(
            f"{_similar_title(rng, country)} {surname} {given[0]}, et al. "
            f"{rng.choice(_JOURNALS)[1]}. {rng.randint(2000, 2022)}. PMID: "
            f"{rng.randint(10_000_000, 36_000_000)}",
            "li",
        )
    if rng.random() < 0.5:
        w.block("Cited by", "h2")
        w.block(
            f"{_similar_title(rng, f.other_places[0][1])} {rng.choice(_SURNAMES)} "
            f"{rng.choice('ABCDEFG')}, et al. {rng.choice(_JOURNALS)[1]}. {f.year + 2}.",
            "li",
        )
    if rng.random() < 0.6:
        w.block("References", "h2")
        for country in [p[1] for p in f.other_places]:
            w.block(
                f"{rng.choice(_SURNAMES)} {rng.choice('ABCDEFG')}, {rng.choice(_SURNAMES)} "
                f"{rng.choice('ABCDEFG')}. {_similar_title(rng, country)} "
                f"{rng.choice(_JOURNALS)[1]}. {rng.randint(1990, 2015)};{rng.randint(1, 60)}:"
                f"{rng.randint(1, 500)}.",
                "li",
            )
    w.block("Publication types", "h2")
    for line in ("Randomized Controlled Trial", "Research Support, Non-U.S. Gov't"):
        w.block(line, "li")
    if rng.random() < 0.5:
        w.block("Research Support, U.S. Gov't, P.H.S.", "li")
    w.block("MeSH terms", "h2")
    terms = [*rng.sample(_MESH, 4), f.other_places[-1][1]]
    for term in terms:
        w.block(term, "li")
    if rng.random() < 0.6:
        w.block("Grants and funding", "h2")
        code, funder, country = rng.choice(_FUNDERS)
        w.block(f"{code}{rng.randint(10000, 99999)}/{code}/{funder}/{country}", "li")
    w.block("LinkOut - more resources", "h2")
    w.block("Full Text Sources", "h3")
    w.block(publisher.split()[0], "a")
    if html_page:
        w.raw("<footer>Follow NLM. National Library of Medicine, Bethesda, MD, USA.</footer>\n")
        w.raw("</body></html>\n")


def _publisher_page(w: _Writer, rng: random.Random, f: _Fill, title: str, abstract: str) -> None:
    html_page = w.markup
    journal, _ = f.journal
    publisher = rng.choice(_PUBLISHERS)
    if html_page:
        w.raw(f"<html><head><title>{html.escape(title[:60])} | {journal}</title>")
        w.raw('<meta name="citation_country" content="Germany"></head>\n<body>\n')
    w.raw('<div class="cookies">\n' if html_page else "")
    w.block("Your privacy, your choice")
    w.block(
        "We use essential cookies to make this site work, and optional cookies to improve it "
        f"and to show content from partners in {f.other_countries[1]} and elsewhere."
    )
    w.block(
        "By clicking Accept all cookies you agree to this; you can change your choices at any "
        "time under Manage preferences."
    )
    w.block("Accept all cookies", "button")
    w.block("Manage preferences", "button")
    w.raw("</div>\n" if html_page else "")
    w.blank(rng)
    if html_page:
        w.raw("<header><nav>")
    for line in ("Skip to main content", "Journals", "Books", "Publish with us", "Log in"):
        w.block(line, "a")
    if html_page:
        w.raw("</nav></header>\n")
    for line in ("Home", journal, "Article"):
        w.block(line, "a")
    w.blank(rng)
    w.block(rng.choice(("Original Article", "Research Article", "Open access", "Article")))
    w.block(f"Published: {rng.randint(1, 28)} {f.month} {f.year}")
    if title:
        w.study(title, "h1")
    names = ", ".join(f"{given} {surname}" for given, surname, _ in f.authors)
    w.block(names, "ul", ' class="authors"')
    w.block(
        f"{journal} volume {rng.randint(1, 90)}, pages {rng.randint(1, 400)}–"
        f"{rng.randint(401, 999)} ({f.year})"
    )
    for line in (f"{rng.randint(200, 9000)} Accesses", f"{rng.randint(1, 90)} Citations"):
        w.block(line)
    w.block("Metrics details", "a")
    w.blank(rng)
    if rng.random() < 0.3:
        w.block("Affiliations", "h3")
        for affiliation in f.affiliations:
            w.block(affiliation, "li")
    _abstract_heading(w, rng)
    w.study(abstract, "p")
    w.blank(rng)
    if rng.random() < 0.5:
        w.block("This is a preview of subscription content, log in to check access.")
        w.block("Access this article", "h2")
        price_country = rng.choice(("Germany", "the Netherlands", "France", "United Kingdom"))
        w.block("Buy article PDF 39,95 €")
        w.block(f"Price includes VAT ({price_country})")
        w.block("Instant access to the full article PDF.")
    w.block("References", "h2")
    for country in [p[1] for p in f.other_places]:
        w.block(
            f"{rng.choice(_SURNAMES)}, {rng.choice('ABCDEFG')}. ({rng.randint(1990, 2015)}). "
            f"{_similar_title(rng, country)} {rng.choice(_JOURNALS)[0]}, {rng.randint(1, 60)}, "
            f"{rng.randint(1, 500)}.",
            "li",
        )
    w.block("Author information", "h2")
    w.block("Authors and Affiliations", "h3")
    for affiliation in f.affiliations:
        w.block(affiliation.rstrip("."), "p")
        given, surname, _ = rng.choice(f.authors)
        w.block(f"{given} {surname}", "li")
    w.block("Corresponding author", "h3")
    given, surname, _ = f.authors[0]
    w.block(f"Correspondence to {given} {surname}.")
    w.block("Ethics declarations", "h2")
    w.block("Conflict of interest", "h3")
    w.block("The authors declare that they have no conflict of interest.")
    w.block("Additional information", "h2")
    w.block(
        "Publisher's Note: the publisher stays neutral with regard to jurisdictional claims in "
        "published maps and institutional affiliations."
    )
    w.block("About this article", "h2")
    w.block("Cite this article", "h3")
    first = f.authors[0]
    w.block(f"{first[1]}, {first[0][0]}. et al. {title[:60]} {journal} ({f.year}).")
    w.block(f"https://doi.org/{f.doi}")
    w.block(f"Received: {rng.randint(1, 28)} {rng.choice(_MONTHS)} {f.year - 1}")
    w.block(f"Accepted: {rng.randint(1, 28)} {rng.choice(_MONTHS)} {f.year}")
    w.block("Keywords", "h3")
    for word in (rng.choice(_TOPICS), rng.choice(_OUTCOMES)):
        w.block(word, "li")
    office = rng.choice(
        (
            f"© {f.year + 3} {publisher}. Registered office: London, United Kingdom.",
            f"© {f.year + 3} {publisher}. Part of a group registered in Berlin, Germany.",
        )
    )
    if html_page:
        w.raw(f"<footer>{html.escape(office)}</footer>\n</body></html>\n")
    else:
        w.block(office)


_DESCRIPTORS = (
    "Parenting Skills",
    "Randomized Controlled Trials",
    "Foreign Countries",
    "Preschool Children",
    "Intervention",
    "Program Effectiveness",
    "Mothers",
    "Child Development",
)
_PUBLISHER_ADDRESSES = (
    "Taylor & Francis, Ltd. 530 Walnut Street, Suite 850, Philadelphia, PA 19106.",
    "Wiley-Blackwell. 350 Main Street, Malden, MA 02148.",
    "Springer. 233 Spring Street, New York, NY 10013.",
    "SAGE Publications. 2455 Teller Road, Thousand Oaks, CA 91320.",
)


def _record_page(w: _Writer, rng: random.Random, f: _Fill, title: str, abstract: str) -> None:
    """A bibliographic record page of an education database, as scraped text: labelled
    fields, the abstract under no heading, descriptors, the publisher's postal address, the
    language and sponsor."""
    w.block("Skip to main content")
    w.block(rng.choice(("Collection", "Search the collection")))
    w.block(rng.choice(("Peer reviewed", "Peer reviewed  Direct link")))
    w.block(f"ERIC Number: EJ{rng.randint(1_000_000, 1_400_000)}")
    w.block("Record Type: Journal")
    w.block(f"Publication Date: {f.year}")
    w.block(f"Pages: {rng.randint(8, 30)}")
    w.block("Abstractor: As Provided")
    if title:
        w.study(title, "h1")
    names = "; ".join(f"{surname}, {given}" for given, surname, _ in f.authors)
    w.block(f"Author{'s' if len(f.authors) > 1 else ''}: {names}")
    journal = f.journal[0]
    w.block(
        f"Source: {journal}, v{rng.randint(10, 90)} n{rng.randint(1, 6)} "
        f"p{rng.randint(1, 400)}-{rng.randint(401, 900)} {f.year}"
    )
    w.study(abstract, "p")
    w.block("Descriptors: " + ", ".join(rng.sample(_DESCRIPTORS, 5)))
    w.block(rng.choice(_PUBLISHER_ADDRESSES) + " Web site: http://www.example.com")
    w.block("Publication Type: Journal Articles; Reports - Research")
    w.block("Education Level: Early Childhood Education; Preschool Education")
    w.block("Audience: N/A")
    w.block(rng.choice(("Language: English", "Language: English; Spanish")))
    w.block(rng.choice(("Sponsor: Institute of Education Sciences (ED)", "Sponsor: N/A")))
    w.block(f"Authoring Institution: {f.affiliations[0].split(' Electronic address')[0]}")
    w.block(f"Grant or Contract Numbers: R305A{rng.randint(100000, 199999)}")


def page_seed(doc_id: str) -> int:
    return int(hashlib.sha256(f"page:{doc_id}".encode()).hexdigest()[:16], 16)


def wrap_as_page(
    doc_id: str, text: str, avoid: Collection[str] = (), flat_share: float = 0.0
) -> Page:
    """``text`` ("title. abstract") on a page of one of :data:`FAMILIES`, chosen and filled
    by a seed from ``doc_id``; the chrome's countries are not among ``avoid`` (ISO codes).
    A text page comes flattened (its blocks joined by spaces, as some scrapers keep it) with
    probability ``flat_share``."""
    rng = random.Random(page_seed(doc_id))
    family = FAMILIES[rng.randrange(len(FAMILIES))]
    title, abstract = split_title(text)
    markup = family.endswith("html")
    # now and then a text page comes flattened: its blocks joined by spaces, not lines
    writer = _Writer(markup=markup, flat=not markup and rng.random() < flat_share)
    fill = _fill(rng, avoid)
    build = {"database": _database_page, "publisher": _publisher_page, "record": _record_page}[
        family.split("-")[0]
    ]
    build(writer, rng, fill, title, abstract)
    return Page(writer.text(), family, tuple(writer.spans), writer.end == " ")


def families(pages: Sequence[Page]) -> dict[str, int]:
    """How many pages of each family, and how many of them came flattened."""
    counts = dict.fromkeys(FAMILIES, 0)
    for page in pages:
        counts[page.family] += 1
    counts["flattened"] = sum(page.flat for page in pages)
    return counts
