"""Shared test fixtures: temporary corpora, files the tests write, and the ../shared folder."""

import os
import socket
from pathlib import Path

import pytest

from corpus import Corpus

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NHSCUTS_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: real third-party fixtures live in ../shared (CI has it)")
    return path


def free_port() -> int:
    """A TCP port on loopback that is free now, for a server the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


@pytest.fixture
def corpus(db_path: Path):
    with Corpus.open(db_path) as opened:
        yield opened


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


ARTICLE = """Trust asks staff to consider resignation scheme

By Alex Example
14 March 2025

Around 9,000 staff at the trust have been emailed about a Mutually Agreed Resignation Scheme.

The scheme is open to employees with 12 months' continuous service, the trust said.

UNISON said the cuts would hurt patient care and called on members to oppose them.
"""
