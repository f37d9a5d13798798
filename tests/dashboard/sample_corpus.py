"""A small corpus for the dashboard tests, built through the real library and spaCy."""

from pathlib import Path

from analysis.extract.pipeline import ExtractOptions, build_pipeline
from analysis.extract.store import extract_corpus
from corpus import Corpus, Document

DOCUMENTS = [
    dict(
        kind="news",
        source="example-news",
        published="2010-07-12",
        url="https://news.example.org/2010/07/savings",
        title="Health service told to find savings",
        text="""Health service told to find savings

The health service in England has been told to find £20 billion in efficiency savings over four years.

Managers warned that the target could only be met by cutting jobs, with up to 9,000 staff posts at risk.

UNISON said the savings drive would fall hardest on nurses and porters.""",
    ),
    dict(
        kind="union",
        source="unison",
        published="2011-02-03",
        url="https://union.example.org/2011/02/cuts",
        title="Union warns of cuts behind the savings target",
        text="""Union warns of cuts behind the savings target

UNISON said the £20 billion savings target had already cost thousands of jobs across the country.

The union asked members to report every vacancy left unfilled by their trust.""",
    ),
    dict(
        kind="government",
        source="nhs-england",
        published="2025-03-13",
        url="https://gov.example.org/2025/03/running-costs",
        title="Integrated care boards asked to halve running costs",
        text="""Integrated care boards asked to halve running costs

NHS England has asked integrated care boards to cut 50% of running costs by the end of the year.

Trusts are expected to reduce corporate staff growth since 2019 by half, NHS England said.""",
    ),
    dict(
        kind="news",
        source="example-news",
        published="2025-03-14",
        url="https://news.example.org/2025/03/uhd-mars",
        title="Trust offers resignation scheme to staff",
        text="""Trust offers resignation scheme to staff

University Hospitals Dorset NHS Foundation Trust has emailed around 9,000 staff about a MARS offer.

UHD said the MARS payments would cost £2 million and that no clinical posts would be lost.

UNISON said the scheme was a cut by another name and urged members to think carefully.""",
    ),
    dict(
        kind="campaign",
        source="keep-it-public",
        published="2025-04-02",
        url="https://campaign.example.org/2025/04/rally",
        title="Campaigners rally against job cuts",
        text="""Campaigners rally against job cuts

Campaigners gathered outside the hospital to oppose plans to cut 50% of running costs.

They said the £20 billion savings of the past decade had left the service short of staff.""",
    ),
    dict(
        kind="union",
        source="unison",
        published="2025-05-20",
        url="https://union.example.org/2025/05/mars",
        title="UNISON responds to resignation schemes",
        text="""UNISON responds to resignation schemes

UNISON said 1,200 staff had applied for MARS payments at trusts across the south west.

The union will work in partnership with employers to protect frontline posts.""",
    ),
]


def build_sample_corpus(path: Path, nlp=None) -> Path:
    """Store DOCUMENTS in a new corpus at `path` and extract them with the real pipeline."""
    with Corpus.open(path) as corpus:
        list(
            corpus.add(
                Document(content_type="text/plain", extractor_version="test", **document)
                for document in DOCUMENTS
            )
        )
        extract_corpus(corpus, nlp or build_pipeline(), ExtractOptions())
    return path
