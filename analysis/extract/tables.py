"""Tables rendered as text (board papers): give each number the unit of its column.

    2. Income and expenditure (£m)          ← caption: a scale for the whole table

    Line | Annual plan | YTD actual          ← header: may carry its own unit ("WTE", "%")
    Pay costs | (352.4) | (181.1)           ← 352.4 is £352,400,000

A table is a block of two or more lines whose cells are split by "|" or by runs of two or
more spaces. A number in brackets is the accountant's negative; its size is what is kept.
"""

import re
from dataclasses import dataclass

_PIPE_SPLIT = re.compile(r"\s*\|\s*")
_SPACE_SPLIT = re.compile(r"\s{2,}")
_NUMBER_CELL = re.compile(r"\(?-?[£$]?\d[\d,]*(?:\.\d+)?\)?%?")


@dataclass(frozen=True)
class ColumnUnit:
    unit: str  # GBP, people or percent
    scale: int = 1


_PEOPLE_HEADER = re.compile(r"\b(?:wte|fte|headcount|posts|staff|vacancies|members|people)\b")
# Unit hints, tried in order, in a header cell or a caption (lowercase).
_HINTS = (
    (re.compile(r"£\s?(?:m|mn|million)\b"), ColumnUnit("GBP", 1_000_000)),
    (re.compile(r"£\s?(?:bn|billion)\b"), ColumnUnit("GBP", 1_000_000_000)),
    (re.compile(r"£\s?(?:000|k|thousands?)\b|£000s?"), ColumnUnit("GBP", 1_000)),
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


def _cells(line: str, piped: bool) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell of `line`."""
    splitter = _PIPE_SPLIT if piped else _SPACE_SPLIT
    cells, position = [], 0
    for separator in [*splitter.finditer(line), None]:
        end = separator.start() if separator else len(line)
        text = line[position:end]
        if text.strip():
            offset = position + len(text) - len(text.lstrip())
            cells.append((offset, offset + len(text.strip()), text.strip()))
        position = separator.end() if separator else len(line)
    return cells


def table_units(block: str, caption: str | None) -> list[tuple[int, int, ColumnUnit]]:
    """(start, end, unit) for each numeric data cell of `block` that its column or the
    caption gives a unit; empty when the block is not a table."""
    lines = block.split("\n")
    if len(lines) < 2:
        return []
    piped = sum("|" in line for line in lines) >= len(lines) - 1
    rows = [_cells(line, piped) for line in lines]
    if not piped and sum(len(row) >= 2 for row in rows) < len(rows) - 1:
        return []
    header, width = rows[0], len(rows[0])
    if width < 2 or any(_NUMBER_CELL.fullmatch(text) for _, _, text in header[1:]):
        return []  # no header row: not a table we can read
    table_unit = unit_hint(caption or "")
    column_units = [unit_hint(text) or table_unit for _, _, text in header]
    found = []
    line_start = len(lines[0]) + 1
    for line, row in zip(lines[1:], rows[1:], strict=True):
        # Cells are matched to columns from the right: a label may hold spaces.
        for column, (start, end, text) in zip(
            range(width - 1, -1, -1), reversed(row), strict=False
        ):
            unit = column_units[column]
            if column > 0 and unit and _NUMBER_CELL.fullmatch(text):
                found.append((line_start + start, line_start + end, unit))
        line_start += len(line) + 1
    return found
