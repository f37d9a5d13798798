"""One small corpus for the dashboard tests, built once with the real extraction pipeline."""

import pytest

from tests.dashboard.sample_corpus import build_sample_corpus


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    return build_sample_corpus(tmp_path_factory.mktemp("dashboard") / "corpus.db")


@pytest.fixture
def use_db(monkeypatch):
    """Point the dashboard at a corpus file, as `nhscuts serve --db` does."""

    def use(path):
        monkeypatch.setenv("NHSCUTS_DB", str(path))
        return path

    return use
