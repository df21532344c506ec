"""PDFs generated for the tests and the benchmark: guidebook pages, a paper, bad PDFs.

Guidebook pages are written once in a small Markdown subset (ATX headings, ``- `` bullets,
``---`` rules, ``**bold**``, ``*italic*``, ``[text](url)``, ``<url>``, a hard line break as two
trailing spaces) and rendered both to PDF (the way the guidebook's "download" looks: headings by
size, bold labels, link annotations, a running header and footer and page numbers on every page)
and to HTML, so tests can compare what the loaders make of each.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

from pdf_render import SOFT_HYPHEN, FlowPdf, Run

_INLINE = re.compile(
    r"\[(?P<ltext>[^\]]*)\]\((?P<lurl>[^)\s]+)\)"
    r"|<(?P<aurl>(?:https?|mailto):[^>\s]+)>"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![*\w])\*(?P<ital>[^*\s][^*]*?)\*(?![*\w])"
)
_ESCAPE = re.compile(r"\\+([\\_*\[\]()#.!|<>-])")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def inline_runs(line: str, *, bold: bool = False) -> list[Run]:
    """One line of the Markdown subset → runs."""
    runs: list[Run] = []
    pos = 0
    for match in _INLINE.finditer(line):
        if match.start() > pos:
            runs.append(Run(_unescape(line[pos : match.start()]), bold=bold))
        if match["lurl"] is not None:
            url = None if match["lurl"] == "#" else _unescape(match["lurl"])
            runs.append(Run(_unescape(match["ltext"]), bold=bold, url=url))
        elif match["aurl"] is not None:
            runs.append(Run(match["aurl"], bold=bold, url=match["aurl"]))
        elif match["bold"] is not None:
            runs.extend(inline_runs(match["bold"], bold=True))
        else:
            runs.append(Run(_unescape(match["ital"]), bold=bold, italic=True))
        pos = match.end()
    if pos < len(line):
        runs.append(Run(_unescape(line[pos:]), bold=bold))
    return runs


def markdown_blocks(text: str) -> Iterator[tuple[str, int, list[Run]]]:
    """(kind, level, runs) for kinds heading / paragraph / bullet / rule."""
    buffer: list[str] = []

    def flush() -> Iterator[tuple[str, int, list[Run]]]:
        if buffer:
            runs: list[Run] = []
            for index, line in enumerate(buffer):
                if index:
                    runs.append(Run("\n") if buffer[index - 1].endswith("  ") else Run(" "))
                runs.extend(inline_runs(line.strip()))
            buffer.clear()
            yield "paragraph", 0, runs

    for line in text.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if not line.strip():
            yield from flush()
        elif heading:
            yield from flush()
            yield "heading", len(heading[1]), inline_runs(heading[2].strip())
        elif re.match(r"^\s*-{3,}\s*$", line):
            yield from flush()
            yield "rule", 0, []
        elif re.match(r"^\s*- ?", line) and not buffer:
            yield "bullet", 0, inline_runs(line.strip()[1:].strip())
        else:
            buffer.append(line)
    yield from flush()


def markdown_pdf(
    text: str,
    *,
    header: str | None = "EIF Guidebook | programme page",
    footer: str | None = "guidebook.eif.org.uk",
    columns: int = 1,
) -> bytes:
    """Render the Markdown subset to a PDF the way the guidebook's download looks."""
    pdf = FlowPdf(columns=columns, header=header, footer=footer, page_numbers=lambda n: f"Page {n}")
    for kind, level, runs in markdown_blocks(text):
        if kind == "heading":
            pdf.heading("".join(r.text for r in runs), level)
        elif kind == "rule":
            pdf.rule()
        elif kind == "bullet":
            pdf.bullet(runs)
        else:
            pdf.paragraph(runs)
    return pdf.output()


def markdown_html(text: str, title: str = "Programme") -> bytes:
    """Render the Markdown subset to a plain HTML page."""
    parts = [f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"]
    in_list = False
    for kind, level, runs in markdown_blocks(text):
        if kind == "bullet" and not in_list:
            parts.append("<ul>")
        elif kind != "bullet" and in_list:
            parts.append("</ul>")
        in_list = kind == "bullet"
        inner = "".join(_html_run(run) for run in runs)
        if kind == "heading":
            parts.append(f"<h{level}>{inner}</h{level}>")
        elif kind == "rule":
            parts.append("<hr>")
        else:
            parts.append(f"<li>{inner}</li>" if kind == "bullet" else f"<p>{inner}</p>")
    parts.append("</ul></body></html>" if in_list else "</body></html>")
    return "\n".join(parts).encode()


def _html_run(run: Run) -> str:
    if run.text == "\n":
        return "<br>"
    text = html.escape(run.text)
    if run.url:
        text = f'<a href="{html.escape(run.url)}">{text}</a>'
    if run.italic:
        text = f"<em>{text}</em>"
    return f"<strong>{text}</strong>" if run.bold else text


# -- a guidebook page written for these tests (two studies, references, "Available at") -------

GUIDEBOOK_PAGE = """\
## GUIDEBOOK

Published May 2019 | Last updated June 2019

Downloaded from <https://guidebook.eif.org.uk/programme/toddler-talk-time>

# Toddler Talk Time

Review: [Early Years Review](#), April 2019

**Toddler Talk Time (TTT) is a home-visiting programme coaching parents in everyday talk.**

Visitors model back-and-forth talk during play and mealtimes,
and parents practise with their own child.

---

Evidence
rating: **2+**

---

Cost rating:
**3**

---

## Child outcomes

On the strongest evidence we have, children can gain these benefits:

### Enhancing school achievement and employment

Improved expressive vocabulary - based on **study 1, study 2**

---

## Key programme characteristics

### Who is it for?

The studies we rely on involved children of these ages:

- Toddlers
- Preschool

### How is it delivered?

In those studies it was delivered like this:

- Individual

### Where is it delivered?

Settings covered by the evidence:

- Home

### How is it targeted?

Targeting in the evaluated delivery:

- Targeted selective

### Where has it been implemented?

Canada, United Kingdom

---

## About the evidence

Toddler Talk Time has evidence from one RCT and one QED.

### Study 1

**Citation:** Moreau et al (2014) | **Design:** RCT

---

**Country:** Canada

---

**Sample:** 212 families with a toddler aged 18 to 30 months living in low-income neighbourhoods

---

**Child outcomes:**

Improved expressive vocabulary

---

Moreau, L., Tanaka, R., & Osei, K. (2014). Coaching everyday talk at home: a randomised trial
with toddlers, *Journal of Early Language Research*, 12, 45-61.

**Available at**

[https://www.jstor.org/stable/4412987](https://www.jstor.org/stable/4412987)

### Study 2

**Citation:** Hughes et al (2017) | **Design:** QED

---

**Country:** United Kingdom

---

**Sample:** 96 parents and their toddlers attending children's centres

---

**Child outcomes:**

Improved expressive vocabulary

---

Hughes, P., & Lindqvist, A. (2017). Talking with toddlers in children's centres: a matched
comparison study. *Child Language Practice*, 8, 101-118.

**Available at** <https://www.ncbi.nlm.nih.gov/pubmed/28899001>
"""


# -- a two-column study paper --------------------------------------------------------------

PAPER_TITLE = "Coaching Parents to Talk with Toddlers: a Randomised Trial in Three Cities"

PAPER_ABSTRACT = (
    "We tested whether a home-visiting programme that coaches everyday conversation "
    "improves toddlers' expressive vocabulary. In a randomised controlled trial, 212 families "
    "in Canada were allocated to coaching or to usual services. After twelve months, children "
    "in coached families used more words, and parents reported less stress."
)

PAPER_METHODS = [
    "Families were recruited through community clinics in three Canadian cities between "
    "2011 and 2012. Eligible children were between 18 and 30 months old and had no diagnosed "
    "hearing loss. A total of 212 families consented and were randomly assigned to the "
    "coaching programme or to usual services.",
    "Trained visitors made twelve fortnightly visits. Each visit combined a short demon\u00ad"
    "stration with guided practice, and visitors recorded adherence on a standard checklist. "
    "The ﬁdelity of delivery was rated from audio recordings by an independent coder.",
    "Expressive vocabulary was measured with a parent-report word checklist at baseline, six "
    "months and twelve months. Analyses followed the intention-to-treat principle with mixed "
    "models, adjusting for site and baseline scores.",
]

PAPER_RESULTS = [
    "Of the 212 families randomised, 189 completed the twelve-month assessment. Children in "
    "the coaching group produced on average 38 more words than children in the control group, "
    "a moderate effect. Differences at six months were smaller and not statistically signi\u00ad"
    "ficant.",
    "Parents in the coaching group reported lower parenting stress at twelve months. No "
    "adverse events were recorded, and attrition did not differ between the groups.",
]

PAPER_INTRO = [
    "Early vocabulary predicts later reading and school achievement, and differences between "
    "children open up before the age of three. Programmes that change how parents talk with "
    "their toddlers are a promising way to narrow these gaps.",
    "Home visiting reaches families who rarely attend group sessions. Yet few home-visiting "
    "programmes focus on conversation itself, and fewer still have been tested in randomised "
    "trials outside the United States.",
]

PAPER_DISCUSSION = [
    "Coaching everyday conversation at home improved toddlers' expressive vocabulary after "
    "one year. The effect is similar in size to that of more intensive centre-based "
    "programmes, at a fraction of the cost.",
    "The trial has limitations: vocabulary was reported by parents who knew their allocation, "
    "and the follow-up ended at twelve months.",
]

PAPER_REFERENCES = [
    "Adams, J., & Brown, K. (2009). Early talk and later reading: a longitudinal study. Journal "
    "of Child Language, 36, 233-250.",
    "Baker, M., Chen, L., & Davis, R. (2012). Home visiting and language outcomes in the first "
    "three years. Pediatrics, 129, 88-97.",
    "Carter, S. (2010). Measuring toddler vocabulary with parent checklists. Developmental "
    "Science, 13, 410-421.",
    "Dunn, P., & Ellis, T. (2015). Conversational turns and brain development. Psychological "
    "Science, 26, 1001-1012.",
    "Evans, G. W. (2006). Child development and the physical environment. Annual Review of "
    "Psychology, 57, 423-451.",
    "Fischer, A., Gomez, B., & Hall, C. (2013). Fidelity monitoring in home-visiting "
    "programmes. Prevention Science, 14, 300-311.",
    "Garcia, D. (2011). Parenting stress and child language. Infant Behavior and Development, "
    "34, 56-64.",
    "Hart, B., & Risley, T. R. (1995). Meaningful differences in the everyday experience of "
    "young American children. Baltimore: Brookes.",
    "Ivanova, E., & Jones, F. (2016). Intention-to-treat analysis in cluster trials. Trials, 17, "
    "220-229.",
    "Kim, H., Lopez, J., & Moore, N. (2018). Scaling parenting programmes: lessons from "
    "Canada. Child Care in Practice, 24, 150-166.",
    "Lee, Y. (2008). Mixed models for repeated measures in child development research. Child "
    "Development, 79, 1201-1215.",
    "Nguyen, T., & Olsen, P. (2017). The cost of early language interventions. Journal of "
    "Benefit-Cost Analysis, 8, 77-99.",
]


def two_column_paper(*, repeat: int = 1, numbered: bool = False) -> bytes:
    """A study paper: full-width title and abstract, then two columns and a reference list.

    ``repeat`` repeats the introduction, methods and results text to make a longer paper
    (the benchmark uses it for a 20-page document).
    """
    pdf = FlowPdf(
        header="Journal of Imaginary Trials · Volume 3 · 2019",
        page_numbers=lambda n: str(n),
        title=PAPER_TITLE,
    )
    pdf.heading(PAPER_TITLE, 1, gap_before=0)
    pdf.paragraph("Ana Moreau, Ravi Tanaka and Kofi Osei")
    pdf.heading("Abstract", 3)
    pdf.paragraph(PAPER_ABSTRACT)
    pdf.rule()
    pdf.set_columns(2)
    for name, paragraphs in (
        ("1. Introduction", PAPER_INTRO),
        ("2. Methods", PAPER_METHODS),
        ("3. Results", PAPER_RESULTS),
        ("4. Discussion", PAPER_DISCUSSION),
    ):
        pdf.heading(name, 3)
        for _ in range(repeat):
            for text in paragraphs:
                pdf.paragraph(text, indent=10.0, gap_after=2.0)
    pdf.heading("References", 3)
    for number, reference in enumerate(PAPER_REFERENCES, 1):
        if numbered:
            pdf.paragraph(f"[{number}] {reference}", hanging=14.0, gap_after=2.0)
        else:
            pdf.paragraph(reference, hanging=14.0, gap_after=2.0)
    return pdf.output()


# -- bad PDFs ------------------------------------------------------------------------------


def simple_pdf(pages: int = 1, text: str = "A page of plain text.") -> bytes:
    pdf = FlowPdf()
    for number in range(pages):
        if number:
            pdf._new_page()
        pdf.paragraph(f"{text} Page body {number + 1}.")
    return pdf.output()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zero_page_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def image_only_pdf(pages: int = 2) -> bytes:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(unit="pt", format="A4")
    scan = Image.new("L", (400, 560), color=235)
    for _ in range(pages):
        pdf.add_page()
        pdf.image(scan, x=40, y=40, w=500)
    return bytes(pdf.output())


def corrupt_pdf() -> bytes:
    body = bytes((i * 37 + 11) % 256 for i in range(3000))
    return b"%PDF-1.7\n" + body + b"\ntrailer\n<< /Root 99 0 R >>\n%%EOF\n"


def truncated_pdf() -> bytes:
    data = simple_pdf(pages=3)
    return data[: len(data) * 2 // 3]


SOFT = SOFT_HYPHEN  # re-exported for tests that write hyphenation points
