"""The domain components added to the trained English pipeline.

- `nhs_entities`: resolves the two span rulers' matches (longest first, no overlaps) to
  canonical organisations and schemes: `doc._.nhs_organisations`, `doc._.nhs_schemes`.
  An NHS body the gazetteer lacks, known by the form of its name ("Kingsmere and District
  Primary Care Trust"), is kept under that name where no listed name overlaps it.
- `nhs_figures`: finds and normalises figures and links each to what it counts:
  `doc._.nhs_figures`.

Extension values are plain dicts so that Docs survive `nlp.pipe(n_process=2)`.
"""

from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from analysis.extract.figures import FigureWords, find_figures
from analysis.extract.gazetteer import (
    ORGANISATION_FORMS,
    ORGANISATIONS,
    SCHEMES,
    form_patterns,
    read_entries,
)
from analysis.extract.linker import link_figures

SPANS_KEY = "nhs_names"
FORMS_KEY = "nhs_name_forms"

for attribute in ("nhs_figures", "nhs_organisations", "nhs_schemes"):
    if not Doc.has_extension(attribute):
        Doc.set_extension(attribute, default=None)


class NameForms:
    """Spans in `doc.spans[FORMS_KEY]`, labelled with their type, for organisations known by
    the form of their name (patterns/organisation_forms.toml)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        self.ends: frozenset[str] = frozenset()

    def initialize(self, get_examples=None, *, nlp=None, forms=ORGANISATION_FORMS) -> None:
        patterns, self.ends = form_patterns(Path(forms))
        for kind, token_patterns in patterns.items():
            self.matcher.add(kind, token_patterns)

    def __call__(self, doc: Doc) -> Doc:
        # Most paragraphs name no such body; the matcher's open-ended name patterns would
        # cost 7% of the pipeline's time if run on every one.
        if any(token.text in self.ends for token in doc):
            doc.spans[FORMS_KEY] = self.matcher(doc, as_spans=True)
        return doc


@Language.factory("nhs_name_forms", assigns=["doc.spans"], requires=["token.pos"])
def make_name_forms(nlp: Language, name: str) -> NameForms:
    return NameForms(nlp, name)


class EntityResolver:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.organisations: dict[str, dict] = {}
        self.schemes: dict[str, dict] = {}

    def initialize(self, get_examples=None, *, nlp=None, organisations=ORGANISATIONS,
                   schemes=SCHEMES) -> None:  # fmt: skip
        self.organisations = {
            e.id: {"name": e.name, "type": e.type} for e in read_entries(Path(organisations))
        }
        self.schemes = {e.id: {"name": e.name} for e in read_entries(Path(schemes))}

    def __call__(self, doc: Doc) -> Doc:
        organisations, schemes = [], []
        for span in filter_spans(doc.spans.get(SPANS_KEY, [])):
            mention = {"text": span.text, "start": span.start_char, "end": span.end_char}
            if span.label_ == "ORG" and span.id_ in self.organisations:
                organisations.append({**mention, "id": span.id_, **self.organisations[span.id_]})
            elif span.label_ == "SCHEME" and span.id_ in self.schemes:
                schemes.append({**mention, "id": span.id_, **self.schemes[span.id_]})
        listed = doc.spans.get(SPANS_KEY, [])
        unlisted = [  # the gazetteer wins: "Unite and Kingsmere Hospitals NHS Trust"
            span
            for span in doc.spans.get(FORMS_KEY, [])
            if not any(span.start < other.end and other.start < span.end for other in listed)
        ]
        for span in filter_spans(unlisted):
            name = " ".join(span.text.split())
            organisations.append(
                {
                    "text": span.text,
                    "start": span.start_char,
                    "end": span.end_char,
                    "id": f"unlisted:{name.lower()}",
                    "name": name,
                    "type": span.label_,
                }
            )
        organisations.sort(key=lambda mention: mention["start"])
        doc._.nhs_organisations = organisations
        doc._.nhs_schemes = schemes
        return doc


@Language.factory(
    "nhs_entities",
    assigns=["doc._.nhs_organisations", "doc._.nhs_schemes"],
    requires=["doc.spans"],
)
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    return EntityResolver(nlp, name)


class FigureFinder:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.words: FigureWords | None = None

    def initialize(self, get_examples=None, *, nlp=None, words_path=None) -> None:
        self.words = FigureWords.load(Path(words_path)) if words_path else FigureWords.load()

    def __call__(self, doc: Doc) -> Doc:
        if self.words is None:
            self.initialize()
        names = doc._.nhs_organisations or []
        figures = [  # "999 Call for the NHS" is a campaign's name, not a figure
            figure
            for figure in find_figures(doc, self.words)
            if not any(n["start"] <= figure.start and figure.end <= n["end"] for n in names)
        ]
        link_figures(doc, figures)
        doc._.nhs_figures = [figure.as_dict() for figure in figures]
        return doc


@Language.factory(
    "nhs_figures",
    assigns=["doc._.nhs_figures"],
    requires=["token.dep", "token.pos", "token.lemma"],
)
def make_figure_finder(nlp: Language, name: str) -> FigureFinder:
    return FigureFinder(nlp, name)
