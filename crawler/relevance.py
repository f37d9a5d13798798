"""The relevance query: whether a page is about NHS workforce cuts, by groups of terms.

The terms are data (`crawler/relevance.toml`); this module only reads and matches them.

>>> query = RelevanceQuery.load()
>>> query.matches("Trust to cut 250 posts", "The NHS trust will cut 250 posts this year.")
True
>>> query.matches("Bus timetable", "The number 7 bus will run every ten minutes.")
False
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_RELEVANCE_FILE = Path(__file__).with_name("relevance.toml")


class RelevanceError(ValueError):
    """A relevance file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class TermGroup:
    name: str
    pattern: re.Pattern  # matches any of the group's terms


@dataclass(frozen=True)
class RelevanceQuery:
    """A page matches when it matches every group (each group: any of its terms)."""

    groups: tuple[TermGroup, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RelevanceQuery":
        path = Path(path) if path else DEFAULT_RELEVANCE_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise RelevanceError(f"cannot read {path}: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise RelevanceError(f"{path} is not valid TOML ({error})") from None
        groups = []
        for number, group in enumerate(data.get("group", []), start=1):
            terms = group.get("terms") if isinstance(group, dict) else None
            if not terms or not all(isinstance(term, str) and term.strip() for term in terms):
                raise RelevanceError(f'{path}: group {number} needs terms = ["...", ...]')
            groups.append(TermGroup(str(group.get("name", number)), _terms_pattern(terms)))
        if not groups:
            raise RelevanceError(f"{path} has no [[group]] of terms; see crawler/relevance.toml")
        return cls(tuple(groups))

    def matches(self, title: str | None, text: str) -> bool:
        haystack = f"{title or ''}\n{text}"
        return all(group.pattern.search(haystack) for group in self.groups)

    def missing(self, title: str | None, text: str) -> list[str]:
        """Names of the groups a page does not match (for the log line of a filtered page)."""
        haystack = f"{title or ''}\n{text}"
        return [group.name for group in self.groups if not group.pattern.search(haystack)]


def _terms_pattern(terms: list[str]) -> re.Pattern:
    alternatives = []
    for term in terms:
        term = term.strip()
        prefix = term.endswith("*")
        words = [re.escape(word) for word in term.rstrip("*").split()]
        body = r"\s+".join(words) + (r"\w*" if prefix else "")
        # Capitals are an acronym: case matters. Anything else matches in any case.
        flags = "" if term.rstrip("*").isupper() else "(?i:"
        alternatives.append(rf"\b{flags}{body}{')' if flags else ''}\b")
    return re.compile("|".join(alternatives))
