"""One extraction pipeline for the whole session: loading spaCy takes a second or two."""

import pytest

from analysis.extract.pipeline import build_pipeline


@pytest.fixture(scope="session")
def nlp():
    return build_pipeline()
