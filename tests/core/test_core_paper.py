"""Study papers: a paper (as blocks) → a record whose one study is extracted from it."""

from __future__ import annotations

from evidencemine.documents import LoadContext, load_document
from evidencemine.pipeline import parse_page
from evidencemine.sources import detect_kind

PAPER = """<html><body>
<h1>Home Visiting for Young Mothers: A Randomised Controlled Trial</h1>
<h2>Abstract</h2>
<p>We randomly assigned young mothers to nurse home visiting or usual care and followed
them up at 12 and 24 months. Mothers who were visited reported significantly better
parenting confidence. There were no differences in child language.</p>
<h2>Methods</h2>
<p>A total of 412 mothers were recruited from antenatal clinics in Scotland between 2010 and
2012.</p>
<h2>Results</h2><p>Retention was high in both groups.</p>
<h2>References</h2>
<p>Olds, D.L., Kitzman, H., &amp; Cole, R. (2004). Effects of nurse home-visiting on maternal
life course. <i>Pediatrics</i>, 114(6), 1550-1559.</p>
<p>Robling, M., Bekkers, M.J., &amp; Bell, K. (2016). Effectiveness of a nurse-led intensive
home-visitation programme. <i>The Lancet</i>, 387, 146-155.</p>
</body></html>"""


def test_paper_becomes_one_study_with_methods_fallback() -> None:
    document = load_document(PAPER.encode(), LoadContext(path="paper.html"))
    assert detect_kind(document) == "study-paper"
    record = parse_page(document)
    assert record.source.kind == "study-paper"
    (study,) = record.studies
    assert study.design and study.design.value == "rct"
    assert study.sample and study.sample.size and study.sample.size.total == 412
    assert study.sample.size.evidence.source.endswith("#methods")
    assert study.countries == ["GB"]
    assert study.timepoints_months == [12, 24]
    directions = {o.outcome: o.direction for o in study.outcomes}
    assert "positive" in directions.values() and "null" in directions.values()
    assert [r.csl.container_title for r in study.references] == ["Pediatrics", "The Lancet"]
