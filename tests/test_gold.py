"""The hand-annotated gold set under bench/gold/ is well formed and agrees with its documents.

Fast and dependency-free (no spaCy): it checks the annotation files, not the extractor.
The guidelines are in bench/gold/README.md.
"""

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_path

GOLD = REPO / "bench" / "gold"
PATTERNS = REPO / "analysis" / "extract" / "patterns"
NOT_IN_GAZETTEER = GOLD / "organisations_not_in_gazetteer.jsonl"

KIND_OF_UNIT = {
    "GBP": "money",
    "people": "count",
    "count": "count",
    "percent": "percent",
    "months": "duration",
    "years": "duration",
}
ORGANISATION_TYPES = {
    "trust", "icb", "ccg", "pct", "sha", "government", "nhs_national", "union",
    "professional_body", "employer_body", "party", "campaign", "other",
}  # fmt: skip
SEED_NAMES = [
    "000_78d900d01ad0f76f.txt",
    "001_83253a848d95f9e0.txt",
    "002_e657f228c3fcfb58.txt",
    "003_aec47f141715bdb5.txt",
    "004_c83df146c7398916.txt",
]


def written_gold(group: str) -> list[Path]:
    return sorted((GOLD / group).glob("*.gold.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def jsonl_names(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["name"] for line in lines if line.strip()}


def check_gold(gold: dict, text: str) -> None:
    """Everything that can be checked from one gold file and its document's text."""
    assert set(gold) == {"document", "figures", "organisations", "schemes"}
    assert isinstance(gold["figures"], list)
    position = 0
    for figure in gold["figures"]:
        assert set(figure) == {"text", "value", "unit", "kind", "counts"}, figure
        assert figure["unit"] in KIND_OF_UNIT, figure
        assert figure["kind"] == KIND_OF_UNIT[figure["unit"]], figure
        assert isinstance(figure["value"], int | float) and not isinstance(figure["value"], bool)
        assert figure["value"] > 0, figure
        assert isinstance(figure["counts"], str) and figure["counts"].strip(), figure
        assert figure["text"].strip(), figure
        found = text.find(figure["text"], position)
        assert found >= 0, (
            f"figure text {figure['text']!r} not found at or after character {position} "
            "(missing, or out of document order)"
        )
        position = found + len(figure["text"])
    for field, keys in (("organisations", {"text", "name", "type"}), ("schemes", {"text", "name"})):
        names = [row["name"] for row in gold[field]]
        assert len(names) == len(set(names)), f"{field}: one entry per canonical name"
        for row in gold[field]:
            assert set(row) == keys, row
            assert row["text"] in text, f"{field} text {row['text']!r} is not in the document"
    for organisation in gold["organisations"]:
        assert organisation["type"] in ORGANISATION_TYPES, organisation


@pytest.mark.parametrize(
    "gold_path",
    written_gold("docs") + written_gold("dev"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_written_gold_file(gold_path: Path):
    gold = load(gold_path)
    assert gold_path.name == f"{gold['document'].removesuffix('.txt')}.gold.json"
    document = gold_path.parent / gold["document"]
    assert document.is_file(), f"{document} is missing"
    check_gold(gold, document.read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed_name", SEED_NAMES)
def test_seed_gold_file(seed_name: str):
    gold_path = GOLD / "seeds" / f"{seed_name}.gold.json"
    assert gold_path.is_file(), f"{gold_path} is missing"
    gold = load(gold_path)
    assert gold["document"] == seed_name
    text = shared_path("seeds", seed_name).read_text()
    check_gold(gold, text)


def test_split_and_documents():
    """At least 15 held-out test documents and 6 dev documents, each 300-700 words, titled."""
    groups = {group: sorted((GOLD / group).glob("*.txt")) for group in ("docs", "dev")}
    assert len(groups["docs"]) >= 15
    assert len(groups["dev"]) >= 6
    names = [path.name for paths in groups.values() for path in paths]
    assert len(names) == len(set(names)), "a document name is used in both docs/ and dev/"
    for path in groups["docs"] + groups["dev"]:
        assert re.fullmatch(r"\d{2,3}-[a-z0-9-]+\.txt", path.name), path.name
        assert path.with_name(f"{path.stem}.gold.json").is_file(), f"{path.name} has no gold"
        text = path.read_text(encoding="utf-8")
        assert 300 <= len(text.split()) <= 700, f"{path.name}: {len(text.split())} words"
        title = text.split("\n", 1)[0]
        assert title.strip() and title == title.strip(), f"{path.name}: first line is the title"
    for group in ("docs", "dev"):
        for gold_path in written_gold(group):
            stem = gold_path.name.removesuffix(".gold.json")
            assert (GOLD / group / f"{stem}.txt").is_file(), f"{gold_path.name} has no document"


def all_gold() -> list[dict]:
    paths = written_gold("docs") + written_gold("dev") + sorted(GOLD.glob("seeds/*.gold.json"))
    return [load(path) for path in paths]


def test_scheme_names_are_canonical():
    canonical = jsonl_names(PATTERNS / "schemes.jsonl")
    for gold in all_gold():
        for scheme in gold["schemes"]:
            assert scheme["name"] in canonical, (gold["document"], scheme)


def test_organisation_names_are_canonical():
    """Every name is in the gazetteer, or listed (with the reason) in organisations_not_in_gazetteer.jsonl."""
    gazetteer = PATTERNS / "organisations.jsonl"
    if not gazetteer.exists():
        pytest.skip(f"{gazetteer} is absent: organisation names cannot be checked against it")
    canonical = jsonl_names(gazetteer)
    listed = jsonl_names(NOT_IN_GAZETTEER)
    assert not listed & canonical, f"now in the gazetteer, drop from the list: {listed & canonical}"
    used = set()
    for gold in all_gold():
        for organisation in gold["organisations"]:
            used.add(organisation["name"])
            assert organisation["name"] in canonical | listed, (gold["document"], organisation)
    assert listed <= used, f"listed but not used by any gold file: {listed - used}"
