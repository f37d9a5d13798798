"""The organisation and scheme gazetteers (patterns/*.jsonl) as span_ruler patterns.

Each JSONL line is one canonical entry: {"id", "name", "type" (organisations only),
"aliases": [...]}. An alias with capitals and at most two words ("UHD", "NHS England") is
matched exactly, so "MARS" is not "Mars" and "Unite" is not "unite"; longer or lower-case
aliases ("mutually agreed resignation scheme") are matched in any case, unless the entry
says "case_sensitive": true (a campaign named like a slogan: "We Own It", "Save Our NHS").
An entry may also give spaCy Matcher token "patterns" for forms a phrase list cannot hold:
"cut their running costs", "Monitor" but not at the start of a sentence.
"""

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

PATTERNS = Path(__file__).parent / "patterns"
ORGANISATIONS = PATTERNS / "organisations.jsonl"
ORGANISATION_FORMS = PATTERNS / "organisation_forms.toml"
SCHEMES = PATTERNS / "schemes.jsonl"
ORG_TYPES = (
    "trust", "icb", "ccg", "pct", "sha", "government", "nhs_national", "union",
    "professional_body", "employer_body", "party", "campaign", "other",
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    type: str | None
    aliases: tuple[str, ...]
    case_sensitive: bool = False
    token_patterns: tuple[list[dict], ...] = ()


def read_entries(path: Path) -> list[Entry]:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entries.append(
                Entry(
                    data["id"],
                    data["name"],
                    data.get("type"),
                    tuple(data.get("aliases", [])),
                    bool(data.get("case_sensitive", False)),
                    tuple(data.get("patterns", [])),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: malformed entry ({error})") from None
    return entries


def exact_match(alias: str, case_sensitive: bool = False) -> bool:
    return case_sensitive or (alias != alias.lower() and len(alias.split()) <= 2)


def ruler_patterns(entries: list[Entry], label: str, *, exact: bool) -> list[dict]:
    """span_ruler phrase patterns for the aliases matched exactly (or in any case)."""
    patterns = []
    for entry in entries:
        for alias in {entry.name, *entry.aliases}:
            if exact_match(alias, entry.case_sensitive) == exact:
                patterns.append({"label": label, "pattern": alias, "id": entry.id})
        if not exact:  # token patterns say their own case (ORTH or LOWER)
            for tokens in entry.token_patterns:
                patterns.append({"label": label, "pattern": tokens, "id": entry.id})
    return patterns


_JOINER = {"LOWER": {"IN": ["and", "of", "&"]}}


def form_patterns(path: Path) -> tuple[dict[str, list[list[dict]]], frozenset[str]]:
    """Matcher token patterns, by type, for organisations the gazetteer does not list, known
    by the form of their name ("<name> NHS Foundation Trust"); and the words that end a form."""
    try:
        forms = tomllib.loads(path.read_text(encoding="utf-8"))["form"]
    except (tomllib.TOMLDecodeError, KeyError) as error:
        raise ValueError(f"{path}: malformed forms file ({error})") from None
    for number, form in enumerate(forms, start=1):
        if form.get("type") not in ORG_TYPES or not form.get("after"):
            raise ValueError(f"{path}: form {number} needs a known type and its after words")
    # A form's last word ends a name: "X NHS Trust and Y NHS Foundation Trust" is two bodies.
    ends = frozenset(form["after"][-1] for form in forms)
    name_word = {"POS": "PROPN", "IS_TITLE": True, "ORTH": {"NOT_IN": sorted(ends)}, "OP": "+"}
    patterns: dict[str, list[list[dict]]] = {}
    for form in forms:
        before = [{"ORTH": word} for word in form.get("before", [])]
        after = [{"ORTH": word} for word in form["after"]]
        for joins in range(3):
            name = [name_word] + [_JOINER, name_word] * joins
            patterns.setdefault(form["type"], []).append(before + name + after)
    return patterns, ends


def problems(path: Path) -> list[str]:
    """What is wrong with a gazetteer file: malformed lines, bad types, duplicate ids,
    an alias claimed by two entries."""
    found: list[str] = []
    ids: set[str] = set()
    owners: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            found.append(f"{path.name}:{number}: not JSON ({error.msg})")
            continue
        if not isinstance(data, dict) or not {"id", "name"} <= data.keys():
            found.append(f"{path.name}:{number}: needs an object with id and name")
            continue
        if "type" in data and data["type"] not in ORG_TYPES:
            found.append(f"{path.name}:{number}: unknown type {data['type']!r}")
        if data["id"] in ids:
            found.append(f"{path.name}:{number}: duplicate id {data['id']!r}")
        ids.add(data["id"])
        token_patterns = data.get("patterns", [])
        if not isinstance(token_patterns, list) or not all(
            isinstance(tokens, list) and tokens and all(isinstance(t, dict) for t in tokens)
            for tokens in token_patterns
        ):
            found.append(f"{path.name}:{number}: patterns must be lists of token dicts")
        for alias in {data["name"], *data.get("aliases", [])}:
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
                found.append(f"{path.name}:{number}: bad alias {alias!r}")
                continue
            key = alias if exact_match(alias, data.get("case_sensitive", False)) else alias.lower()
            if key in owners and owners[key] != data["id"]:
                found.append(f"{path.name}:{number}: alias {alias!r} also names {owners[key]!r}")
            owners[key] = data["id"]
    return found
