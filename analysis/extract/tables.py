"""Tables rendered as text (board papers): give each number the unit of its column.

    2. Income and expenditure (£m)          ← caption: a scale for the whole table

    Line | Annual plan | YTD actual          ← header: may carry its own unit ("WTE", "%")
    Pay costs | (352.4) | (181.1)           ← 352.4 is £352,400,000

A table is a block of two or more lines whose cells are split by "|" or by runs of two or
more spaces. A number in brackets is the accountant's negative; its size is what is kept.
A column headed "Reduction", "Change" or "Variance" with no unit of its own measures what
the column before it measures; the numbers under "Band" or "Year" are labels, not figures.
The caption may also be the block's first line, with no blank line before the header, and
headers may be years ("Directorate | 2025 | 2026").
"""

import re
import tomllib
from dataclasses import dataclass

from analysis.extract.figures import PATTERNS

_PIPE_SPLIT = re.compile(r"\s*\|\s*")
_SPACE_SPLIT = re.compile(r"\s{2,}")
_SLASH_SPLIT = re.compile(r"\s+/\s+")
_COLON_ROW = re.compile(r"\s*([^:|\n]{2,80}?):[ \t]+(\S.*?)\s*")
_NUMBER_CELL = re.compile(r"\(?[-−–]?[£$]?\d[\d,]*(?:\.\d+)?\)?%?")
_YEAR_CELL = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class ColumnUnit:
    unit: str  # GBP, people, percent, or LABEL for a column of identifiers
    scale: int = 1


LABEL = "label"
_LABEL_COLUMN = ColumnUnit(LABEL)
_WORDS = tomllib.loads(PATTERNS.read_text(encoding="utf-8"))["tables"]
# A header that is one of these words names a column of identifiers: "Band", "Year".
_LABEL_HEADERS = frozenset(_WORDS["label_headers"])
# A header that is one of these (with no unit) measures what the column before it does.
_CHANGE_HEADERS = frozenset(_WORDS["change_headers"])
_PEOPLE_HEADER = re.compile(
    r"\b(?:"
    + "|".join(sorted(map(re.escape, _WORDS["people_headers"]), key=len, reverse=True))
    + r")\b"
)
# A header naming a sum of money ("Cost per WTE", "Pay bill") holds money, before any people
# word in it; the caption's scale applies when the caption is in pounds.
_MONEY_HEADER = re.compile(
    r"\b(?:"
    + "|".join(sorted(map(re.escape, _WORDS["money_headers"]), key=len, reverse=True))
    + r")\b"
)
# Unit hints, tried in order, in a header cell or a caption (lowercase).
_HINTS = (
    (re.compile(r"£\s?(?:m|mn|million)\b"), ColumnUnit("GBP", 1_000_000)),
    (re.compile(r"£\s?(?:bn|billion)\b"), ColumnUnit("GBP", 1_000_000_000)),
    (re.compile(r"£\s?['’]?(?:000|k|thousands?)\b|£['’]?000s?"), ColumnUnit("GBP", 1_000)),
    (re.compile(r"(?:^|\W)£(?:\W|$)"), ColumnUnit("GBP")),
    (re.compile(r"%|\bper ?cent\b|\bpercentage\b"), ColumnUnit("percent")),
    (_PEOPLE_HEADER, ColumnUnit("people")),
)


def unit_hint(text: str) -> ColumnUnit | None:
    lowered = text.lower()
    for pattern, unit in _HINTS:
        if pattern.search(lowered):
            return unit
    return None


def _cells(line: str, piped: bool, splitter: re.Pattern | None = None) -> list:
    """(start, end, text) of each cell of `line`."""
    splitter = splitter or (_PIPE_SPLIT if piped else _SPACE_SPLIT)
    cells, position = [], 0
    for separator in [*splitter.finditer(line), None]:
        end = separator.start() if separator else len(line)
        text = line[position:end]
        if text.strip():
            offset = position + len(text) - len(text.lstrip())
            cells.append((offset, offset + len(text.strip()), text.strip()))
        position = separator.end() if separator else len(line)
    return cells


def _colon_cells(line: str) -> list[tuple[int, int, str]] | None:
    """The cells of a row written "Label: value / value" (a table typed into a report:
    "Workforce and rostering: 4,900 / 3,650" under "Theme: plan / actual"), or None."""
    row = _COLON_ROW.fullmatch(line)
    if row is None:
        return None
    label = (row.start(1), row.end(1), row.group(1))
    values = _cells(row.group(2), False, _SLASH_SPLIT)
    shift = row.start(2)
    return [label] + [(start + shift, end + shift, text) for start, end, text in values]


def _row_unit(label: str) -> ColumnUnit | None:
    """The unit a row label gives in brackets: "Income and expenditure (£m)", "Agency (WTE)"."""
    bracket = re.search(r"\(([^)]*)\)\s*$", label)
    return unit_hint(bracket.group(1)) if bracket else None


def _column_units(headers: list[str], table_unit: ColumnUnit | None) -> list:
    units: list[ColumnUnit | None] = []
    for text in headers:
        name = " ".join(re.findall(r"[a-z0-9.+/-]+", text.lower()))
        if name in _LABEL_HEADERS:
            units.append(_LABEL_COLUMN)
        elif (hint := unit_hint(text)) is not None and hint.unit != "people":
            units.append(hint)
        elif _MONEY_HEADER.search(text.lower()) and (
            hint is None or " per " in f" {text.lower()} "
        ):
            # "Cost per WTE" under "(£k)" is money; "Budget WTE" counts people
            units.append(
                table_unit if table_unit and table_unit.unit == "GBP" else ColumnUnit("GBP")
            )
        elif hint is not None:
            units.append(hint)
        elif name in _CHANGE_HEADERS:  # "Reduction" beside "WTE now", "WTE target"
            left = [u for u in units[1:] if u is not None and u.unit != LABEL]
            units.append(left[-1] if left else table_unit)
        else:
            units.append(table_unit)
    return units


def table_units(block: str, caption: str | None) -> list[tuple[int, int, ColumnUnit]]:
    """(start, end, unit) for each numeric data cell of `block` that its column or the
    caption gives a unit; empty when the block is not a table."""
    lines = block.split("\n")
    above = next((i for i, line in enumerate(lines) if "|" in line), 0)
    if 0 < above <= 3 and len(lines) - above >= 2 and all("|" in line for line in lines[above:]):
        # "Table 1. Management WTE (£000)" on the lines above the header: the caption
        own = "\n".join(lines[:above])
        caption = own if unit_hint(own) or not caption else caption
        offset = len(own) + 1
        found = table_units("\n".join(lines[above:]), caption)
        return [(start + offset, end + offset, unit) for start, end, unit in found]
    if len(lines) < 2:
        return []
    piped = sum("|" in line for line in lines) >= len(lines) - 1
    colon_rows = [] if piped else [_colon_cells(line) for line in lines]
    if colon_rows and all(colon_rows) and len({len(row) for row in colon_rows}) == 1:
        rows = colon_rows
    else:
        rows = [_cells(line, piped) for line in lines]
        if not piped and sum(len(row) >= 2 for row in rows) < len(rows) - 1:
            return []
    header, width = rows[0], len(rows[0])
    numbers = [text for _, _, text in header[1:] if not _YEAR_CELL.fullmatch(text)]
    if width < 2 or any(_NUMBER_CELL.fullmatch(text) for text in numbers):
        return []  # no header row: not a table we can read
    table_unit = unit_hint(caption or "")
    column_units = _column_units([text for _, _, text in header], table_unit)
    # A unit the header states outright beats one the row label states, which beats the
    # caption's: "Sickness absence (%)" under "Plan | Actual"; but a row of money or
    # percentages under a header of people keeps its own unit.
    stated = [unit if unit_hint(text) or unit == _LABEL_COLUMN else None
              for unit, (_, _, text) in zip(column_units, header, strict=True)]  # fmt: skip
    found = []
    line_start = len(lines[0]) + 1
    for line, row in zip(lines[1:], rows[1:], strict=True):
        row_unit = _row_unit(row[0][2]) if len(row) == width else None
        # Cells are matched to columns from the right: a label may hold spaces.
        for column, (start, end, text) in zip(
            range(width - 1, -1, -1), reversed(row), strict=False
        ):
            unit = stated[column] or row_unit or column_units[column]
            if row_unit and row_unit.unit in ("GBP", "percent") and unit.unit == "people":
                unit = row_unit  # "Total resource cost (£000)" under "Compulsory redundancies"
            first_is_label = column == 0 and unit == _LABEL_COLUMN  # "Rank" first
            if (column > 0 or first_is_label) and unit and _NUMBER_CELL.fullmatch(text):
                found.append((line_start + start, line_start + end, unit))
        line_start += len(line) + 1
    return found


_LIST_VALUE = re.compile(
    r"\s*(?:[•*–-]\s*)?[^:|\n]{2,60}:\s*(\(?[£$]?\d[\d,]*(?:\.\d+)?\)?)(?=[\s,;(]|$)"
)


_BRACKET_AT_END = re.compile(r"\(([^)]*)\)\s*:?\s*$")


def list_units(block: str, caption: str | None = None) -> list[tuple[int, int, ColumnUnit]]:
    """A heading with a unit in brackets over "label: value" lines gives each value its unit:

    Workforce by staff group (WTE)
    • Medical: 1,032                  ← 1,032 is people

    The heading may also be the paragraph before ("The plan is made up as follows (£m):"),
    when every line of the block is such a line.
    """
    lines = block.split("\n")
    bracket = _BRACKET_AT_END.search(lines[0])
    data = lines[1:]
    if bracket is None and caption and all(_LIST_VALUE.match(line) for line in lines):
        bracket, data = _BRACKET_AT_END.search(caption), lines
    unit = unit_hint(bracket.group(1)) if bracket else None
    if unit is None or len(data) < 2:
        return []
    found, offset = [], len(block) - len("\n".join(data))
    for line in data:
        if value := _LIST_VALUE.match(line):
            found.append((offset + value.start(1), offset + value.end(1), unit))
        offset += len(line) + 1
    return found


# "Table 2.1 Substantive establishment (WTE)": a numbered caption with its unit in brackets.
_NUMBERED_CAPTION = re.compile(r"^(?:Table|Figure)\s+[A-Z]?\d+(?:\.\d+)*\b[^\n(]*\(([^)\n]*)\)")
# A line that starts prose again after a table: "2.3 Each WTE ...", "Source: ESR".
_AFTER_TABLE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)+\s+(?-i:[A-Z][a-z])|(?:Source|Sources|Notes?)\b)", re.I
)
_TOKEN = re.compile(r"\S+")


def _number_cells(text: str, base: int) -> list[tuple[int, int]]:
    cells = []
    for token in _TOKEN.finditer(text):
        cell = token.group().rstrip(",;")
        if _NUMBER_CELL.fullmatch(cell) and not _YEAR_CELL.fullmatch(cell):
            cells.append((base + token.start(), base + token.start() + len(cell)))
    return cells


def caption_units(block: str) -> list[tuple[int, int, ColumnUnit]]:
    """A table as a PDF's text gives it, its cells one space apart and its rows perhaps run
    together, inside a longer block: the numbered caption's unit goes to every number after it
    on its line and on the lines below that hold two or more numbers, up to the first line that
    does not (a header line of words or years just under the caption is passed over):

    Table 2.1 Substantive establishment (WTE)     ← caption
    Staff group 2023/24 outturn 2024/25 plan      ← header
    Medical and dental 702.8 698.8 (4.0)          ← 702.8, 698.8 and 4.0 are people
    Source: ESR, month 12 2023/24.                ← the table has ended
    """
    lines = block.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found: list[tuple[int, int, ColumnUnit]] = []
    index = 0
    while index < len(lines):
        caption = _NUMBERED_CAPTION.match(lines[index])
        unit = unit_hint(caption.group(1)) if caption else None
        if caption is None or unit is None:
            index += 1
            continue
        cells = _number_cells(lines[index][caption.end() :], starts[index] + caption.end())
        row = index + 1
        if row < len(lines) and not _number_cells(lines[row], 0):
            row += 1  # the header
        while row < len(lines) and not _AFTER_TABLE.match(lines[row]):
            more = _number_cells(lines[row], starts[row])
            if len(more) < 2:
                break
            cells += more
            row += 1
        found += [(start, end, unit) for start, end in cells]
        index = row
    return found
