"""Find the figures in a parsed text and normalise each to a value, a unit and a kind.

"£21.3m" → 21300000 GBP (money); "9,000 staff" → 9000 people (count); "half" → 50 percent;
"12 months' pay" → 12 months (duration). Years, dates, financial years, phone and
reference numbers, times and ordinals are recognised first and left out.

spaCy's MONEY/CARDINAL/PERCENT entities are not used: they miss "£9.3bn"-style forms and
take years and phone numbers for quantities (see bench/bench_extract.py for the comparison).
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from spacy.tokens import Doc, Span

PATTERNS = Path(__file__).parent / "patterns" / "figures.toml"

UNIT_KINDS = {
    "GBP": "money",
    "people": "count",
    "count": "count",
    "percent": "percent",
    "months": "duration",
    "years": "duration",
}


@dataclass
class Figure:
    text: str
    value: int | float
    unit: str
    kind: str
    start: int  # character offsets in the text the Doc was made from
    end: int
    counts: str | None = None
    bare: bool = False  # no noun of its own ("451 in Derby"): may share a neighbour's unit
    guessed: bool = False  # money only because its clause is about money ("would pay 10")
    spoken: bool = False  # people only because it "said" or "replied": a parallel noun wins

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "counts": self.counts,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class FigureWords:
    """The word lists from patterns/figures.toml."""

    scales: dict[str, int]
    number_words: dict[str, int]
    fraction_words: dict[str, float]
    people: frozenset[str]
    months: frozenset[str]
    years: frozenset[str]
    labels: frozenset[str]
    after: frozenset[str]
    streets: frozenset[str]
    measure_verbs: frozenset[str]
    people_verbs: frozenset[str]
    people_groups: frozenset[str]
    speaker_verbs: frozenset[str]
    one_idioms: frozenset[str]
    collectives: frozenset[str]
    people_suffixes: tuple[str, ...]
    not_people_suffixed: frozenset[str]
    money_nouns: frozenset[str]
    money_verbs: frozenset[str]
    people_after: tuple[str, ...]
    people_states: frozenset[str]
    proportion_before: frozenset[str]
    reporting_verbs: frozenset[str]
    scanner: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.scanner = _scanner(self)

    @classmethod
    def load(cls, path: Path = PATTERNS) -> "FigureWords":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        units, skip = data["units"], data["not_figures"]
        return cls(
            scales=data["scales"],
            number_words=data["number_words"],
            fraction_words=data["fraction_words"],
            people=frozenset(units["people"]),
            months=frozenset(units["months"]),
            years=frozenset(units["years"]),
            labels=frozenset(skip["labels"]),
            after=frozenset(skip["after"]),
            streets=frozenset(skip["streets"]),
            measure_verbs=frozenset(units["measure_verbs"]),
            people_verbs=frozenset(units["people_verbs"]),
            people_groups=frozenset(units["people_groups"]),
            speaker_verbs=frozenset(units["speaker_verbs"]),
            one_idioms=frozenset(skip["one_idioms"]),
            collectives=frozenset(units["collectives"]),
            people_suffixes=tuple(units["people_suffixes"]),
            not_people_suffixed=frozenset(units["not_people_suffixed"]),
            money_nouns=frozenset(units["money_nouns"]),
            money_verbs=frozenset(units["money_verbs"]),
            people_after=tuple(units["people_after"]),
            people_states=frozenset(units["people_states"]),
            proportion_before=frozenset(units["proportion_before"]),
            reporting_verbs=frozenset(units["reporting_verbs"]),
        )


# Capitalised whatever the scanner's flags: "15 may go" is not a date.
_MONTHS = (
    r"(?-i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?"
    r"|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|mn|bn|m|k)\b"


def _scanner(words: FigureWords) -> re.Pattern:
    number_word = "|".join(sorted(words.number_words, key=len, reverse=True))
    streets = "|".join(sorted(words.streets, key=len, reverse=True))
    street = rf"(?-i:(?:[A-Z][\w'’-]+\s+){{0,2}}(?:{streets}))"  # capitalised, whatever the flags
    fraction = "|".join(
        re.sub(r"^a\\ ", r"(?:a|another)\\ ", re.escape(w))  # "another quarter of them"
        .replace(r"\ ", r"[\s-]+")
        .replace(r"\-", r"[\s-]+")
        for w in sorted(words.fraction_words, key=len, reverse=True)
    )
    digit_word = "|".join([*(w for w, v in words.number_words.items() if v < 10), "nought"])
    spelled = (
        rf"(?:{number_word})(?:[-\s](?:{number_word}))?"
        rf"(?:\s+point(?:\s+(?:{digit_word})\b)+)?"  # "four point two million"
        rf"(?:\s+and\s+a\s+half(?=\s+(?:thousand|million|billion)\b))?"  # two and a half million
        rf"(?:\s+(?:and\s+)?(?:hundred|thousand|million|billion)(?:\s+(?:and\s+)?(?:{number_word}))?)*"
    )
    # Alternatives are tried in order at each position: what is *not* a figure comes first.
    return re.compile(
        rf"""
        (?P<digit_fraction>(?:(?<![\w./])[1-9]/[1-9]\d?(?![\w/])|[¼¾⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])(?=\s+(?-i:of)\b))
                                                        # "2/3 of requests", "¼ of the saving"
      | (?P<skip>
            ^\s*\(?\d{{1,2}}[.)](?=\s)                                         # 1. a numbered point
          | (?:(?<=[:;]\s)|(?<=\band\s)|(?<=\bor\s))\(\d{{1,2}}\)(?=\s+[a-z])   # asked: (1) the
          | ^\s*\d{{1,2}}(?:\.\d{{1,2}})+(?=\s+(?-i:[A-Z]))                         # 1.2 The Trust
          | \(?£\s?0{{3}}s?\)?(?!\d)                                          # (£000) a scale
          | \b\d{{1,4}}(?:[-–]\d{{1,4}})?[a-z]?\s+{street}\b                    # 79 Whitehall
          | \b\d{{4}}-\d{{2}}-\d{{2}}\b                                          # 2025-03-27
          | \b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2}}(?:\d{{2}})?\b                # 4/11/24, 31.03.25
          | \b(?:{_NUM}|{number_word})\s+(?:year|month|week|day)s?\s+(?:ago|earlier)\b
                                                                    # five years ago, 2 days earlier
          | \b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?\b                       # 18:30, 18:30:05
          | ^\s*\d{{1,2}}(?=\s+(?-i:[A-Z][a-z]+\b)(?!\s*[|:]))          # 1 Come to the meeting
          | \b\d{{4}}\s?[/–-]\s?\d{{2,4}}\b                       # 2024/25, 2016-17, 2025–26
          | \b\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:,|and|&|to|-|–)\s*\d{{1,2}}(?:st|nd|rd|th)?)*
            \s+{_MONTHS}(?:,?\s+\d{{4}})?\b                  # 31 October 2006, 12 and 26 May
          | \b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?        # January 6, 2025
          | \b{_MONTHS}\s+\d{{4}}\b                                          # March 2025
          | \(?\b0\d{{2,4}}\)?[\s-]?\d{{3,4}}[\s-]?\d{{3,4}}\b                # 0808 100 2210
          | \b\d{{1,2}}[.:]\d{{2}}\s?(?:am|pm|a\.m\.|p\.m\.)                  # 12.30pm
          | \b\d+(?:st|nd|rd|th)\b                                           # 3rd
          | \b(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:first|second|third
            |fourth|fifth|sixth|seventh|eighth|ninth)\b                     # twenty-second
          | \b\d+/\d+\b                                                      # 24/7
          | \b[A-Za-z]+-\d+\b                                                # COVID-19
          | \b\d{{4}}s\b                                                     # 1990s
          | \[\d+\]                                                  # [4] a footnote, [107412]
          | \b(?:19|20)\d\d\.\d{{1,2}}(?=\s+(?-i:[A-Z])|\s*$)                # 2020.1 Locally
          | (?<![\d.,£])\b0\d+\b(?![.,]\d)                                  # 0871: a leading zero
          | \d+(?:\.\d+){{2,}}%?                                             # 1.2.3, 1.2.3%
          | £\s?\d+(?:,\d{{1,2}}(?!\d)|,\d{{4,}})[\d,]*                      # £1,2,3
        )
      | (?P<money>(?:£|\\pounds\s*|\bGBP\s)\s?                                   # GBP 4.6m
                  (?P<money_num>{_NUM})(?:\s?(?P<money_scale>{_SCALE}))?)
      | (?P<money_words>(?P<mw_num>{_NUM})\s?(?P<mw_scale>{_SCALE})?\s+pounds\b)
      | (?P<percent>(?P<pct_num>{_NUM})\s?(?:%|per\s?cent\b|percent\b|percentage\s+points?\b))
      | (?P<spelled_percent>\b(?P<sp_words>{spelled})\s+(?:per\s?cent|percent)\b)
      | (?P<hyphen_duration>\b(?P<hd_num>\d+|{number_word})-(?P<hd_unit>year|month)s?\b)
      | (?P<number>(?:(?<![\w.,£$])|(?<=\bc\.))                      # "c.640 WTE": circa
                   (?:{_NUM})(?:½|\s+and\s+a\s+half\b|\s?(?P<num_scale>{_SCALE}))?
                   (?![\w£$%]|[.,/]\d))
      | (?P<scaled_fraction>\b(?:{fraction})\s+(?:of\s+)?a\s+(?:thousand|million|billion)\b)
                                                       # "a quarter of a million", "half a billion"
      | (?P<fraction>\b(?:{fraction})\b)
      | (?P<spelled>\b(?:a\s+(?:dozen|hundred|thousand|million|billion)|{spelled})
                    (?:\s+and\s+a\s+half)?\b)
        """,
        re.IGNORECASE | re.VERBOSE | re.MULTILINE,
    )


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


_SCALED_FRACTION = re.compile(r"(.+?)\s+(?:of\s+)?a\s+(thousand|million|billion)$", re.I)


def _scaled_fraction_value(text: str, words: FigureWords) -> Decimal | None:
    """ "a quarter of a million" → 250000; "half a billion" → 500000000."""
    fraction, scale = _SCALED_FRACTION.match(text).groups()
    share = _fraction_percent(_fraction_phrase(fraction), words)
    return None if share is None else Decimal(str(share)) / 100 * words.scales[scale.lower()]


_AND_A_HALF = re.compile(r"\s+and\s+a\s+half$", re.IGNORECASE)
_HALF_SCALED = re.compile(r"\s+and\s+a\s+half\s+(thousand|million|billion)$", re.IGNORECASE)


def _spelled_value(text: str, words: FigureWords) -> Decimal | None:
    """ "nine thousand" → 9000; "two hundred and fifty" → 250; "a dozen" → 12;
    "two and a half" → 2.5."""
    if half_scaled := _HALF_SCALED.search(text):  # "two and a half million"
        whole = _spelled_value(text[: half_scaled.start()], words)
        scale = words.scales[half_scaled.group(1).lower()]
        return None if whole is None else (whole + Decimal("0.5")) * scale
    if _AND_A_HALF.search(text):
        whole = _spelled_value(_AND_A_HALF.sub("", text), words)
        return None if whole is None else whole + Decimal("0.5")
    total, current = Decimal(0), Decimal(0)
    decimals = None  # the digits after "point", spoken one by one
    for word in re.split(r"[-\s]+", text.lower()):
        if word in ("a", "and"):
            continue
        if word == "point":
            decimals = ""
        elif decimals is not None and (word == "nought" or words.number_words.get(word, 10) < 10):
            decimals += str(words.number_words.get(word, 0))
        elif word in words.number_words:
            current += words.number_words[word]
        elif word == "hundred":
            current = max(current, Decimal(1)) * 100
        elif word in ("thousand", "million", "billion"):
            current += Decimal(f"0.{decimals}") if decimals else 0
            total += max(current, Decimal(1)) * words.scales[word]
            current, decimals = Decimal(0), None
        else:
            return None
    return total + current + (Decimal(f"0.{decimals}") if decimals else 0)


def find_figures(doc: Doc, words: FigureWords) -> list[Figure]:
    """Every figure in `doc`, in order, with its unit; `counts` is left to the linker."""
    figures: list[Figure] = []
    identifier_ends: list[int] = []  # where numbers read as identifiers ("bands 2") end
    for match in words.scanner.finditer(doc.text):
        if match.lastgroup == "skip":
            continue
        figure = _figure_from_match(doc, match, words, identifier_ends)
        if figure is not None and figure.value != 0:  # "0" in a table counts nothing
            figures.append(figure)
    _share_units(doc, figures, words)
    return figures


def _figure_from_match(doc, match, words, identifier_ends) -> Figure | None:
    start, end = match.span()
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    text = match.group(0)
    kind = match.lastgroup if match.lastgroup != "skip" else None
    groups = {k: v for k, v in match.groupdict().items() if v is not None}

    def make(value: Decimal | None, unit: str) -> Figure | None:
        if value is None:
            return None
        return Figure(text, _plain(value), unit, UNIT_KINDS[unit], start, end)

    if kind in ("money", "money_words"):
        number = groups.get("money_num") or groups.get("mw_num")
        scale = (groups.get("money_scale") or groups.get("mw_scale") or "").lower()
        value = _decimal(number)
        return make(value * words.scales.get(scale, 1) if value is not None else None, "GBP")
    if kind == "percent":
        return make(_decimal(groups["pct_num"]), "percent")
    if kind == "spelled_percent":
        return make(_spelled_value(groups["sp_words"], words), "percent")
    if kind == "fraction":
        return _fraction(doc, span, text, words, make)
    if kind == "digit_fraction":  # "2/3 of requests", "¼ of the saving": a proportion
        share = Fraction(*map(int, text.split("/"))) if "/" in text else unicodedata.numeric(text)
        return make(Decimal(str(round(float(share) * 100, 2))), "percent")
    if kind == "hyphen_duration":
        number = groups["hd_num"].lower()
        value = _decimal(number) if number.isdigit() else Decimal(words.number_words[number])
        return make(value, "years" if groups["hd_unit"].lower() == "year" else "months")

    if _is_identifier(doc, span, words, identifier_ends):
        identifier_ends.append(end)
        return None
    if _in_title(doc, span):
        return None
    if kind == "scaled_fraction":
        value, kind = _scaled_fraction_value(text, words), "spelled"
    elif kind == "spelled":
        value = _spelled_value(text, words)
        if text.lower() == "one" and not _counting_one(doc, span, words):
            return None  # "one of the trusts", "one thing": a pronoun or idiom, not a quantity
    else:
        scale_word = groups.get("num_scale") or ""
        value = _decimal(text[: len(text) - len(scale_word)].strip() if scale_word else text)
        if _AND_A_HALF.search(text) or text.endswith("½"):  # "2 and a half years", "2½"
            whole = _decimal(text.split()[0].rstrip("½"))
            value = None if whole is None else whole + Decimal("0.5")
        scale = (groups.get("num_scale") or "").lower()
        if value is not None and scale:
            value *= words.scales[scale]
    if value is None:
        return None
    unit = _unit_noun(span, words)
    if _OF_WHOM_BEFORE.search(doc.text[max(0, start - 40) : start]):
        unit = None  # "1,340 bank staff, of whom around 400 work": the earlier count's unit
    if unit is None:
        unit = _of_the_unit(span, words)  # "Of the applicants, 52 were accepted"
    if unit is None and _governing_lemma(span) in words.people_verbs:
        unit = "people"  # "the NHS employs around 1.3 million"
    spoken = unit is None and _speaks(span, words)
    if spoken:
        unit = "people"  # "312 replied", "nine out of ten said"
    if unit is None and re.match(r"\s+of\s+(?:us|you)\b", doc.text[span.end_char :]):
        unit = "people"  # "two hundred of us"
    if unit is None and _people_after(doc.text[span.end_char :], words):
        unit = "people"  # "612 on the payroll", "from 498 to 412 in its own staff"
    if unit is None and _people_state(span, words):
        unit = "people"  # "of which around 3,000 are currently vacant"
    if re.search(r"\bn\s?=\s?$", doc.text[max(0, start - 4) : start]):
        unit = "people"  # "n=612": the size of a survey sample
    if re.match(r"[-–]strong\b", doc.text[span.end_char :]):
        unit = "people"  # "its 108-strong team"
    bracketed = re.match(r"\s?\(([A-Za-z][\w -]*)\)", doc.text[span.end_char :])
    if unit in (None, "count") and bracketed and bracketed.group(1).lower() in words.people:
        unit = "people"  # "1,016 (headcount), 944.2 (WTE)": the unit in brackets
    if unit in (None, "count") and _FTE_AFTER.match(doc.text[span.end_char :]):
        unit = "people"  # "262 whole-time equivalent (WTE) posts"
    year_like = kind == "number" and re.fullmatch(r"(19|20)\d\d", text) and unit is None
    if unit in (None, "count"):  # "a population of around 800,000 relies on…"
        unit = _of_unit(span, words, bare=unit is None) or unit
        unit = unit or (None if year_like else _copula_unit(span, words))
    guessed = False
    if unit is None and not year_like and kind in ("number", "spelled"):
        scaled = (groups.get("num_scale") or "").lower() or _SPELLED_SCALE.search(text)
        unit = _money_context(span, scaled, words)  # "a deficit of 86 million", "a 45k salary"
        guessed = unit == "GBP" and not scaled
    following = doc[span.end].lower_ if span.end < len(doc) else ""
    if following in ("pound", "pounds"):
        unit = "GBP"  # "twenty million pounds"
    if following == "grand" and kind in ("number", "spelled"):
        value, unit = value * 1000, "GBP"  # "forty grand"
    if following in ("decade", "decades") and value is not None:
        value, unit = value * 10, "years"  # "two decades"
    modifies_noun = span.end < len(doc) and doc[span.end].dep_ == "compound"
    is_year = (
        kind == "number"
        and re.fullmatch(r"(19|20)\d\d", text)
        and (unit not in ("people", "months", "years") or modifies_noun)
    )  # "the 2019 staff survey" is a year
    if is_year:
        return None
    figure = make(value, unit or "count")
    if figure is not None:
        figure.bare, figure.spoken = unit is None, spoken
        figure.guessed = unit == "GBP" and guessed
    return figure


_PEOPLE_IN = re.compile(
    r"\s+in\s+(?:(?:its|their|our|the|his|her)\s+)?(?:own\s+)?([a-z]+)\b", re.IGNORECASE
)


_FTE_AFTER = re.compile(r"\s+(?:whole|full)[\s-]time[\s-]equivalents?\b", re.IGNORECASE)


def _people_after(following: str, words: FigureWords) -> bool:
    """ "612 on the payroll", "163 in post", "412 in its own staff": the words after a bare
    number say it counts people."""
    lowered = following.lower()
    if any(re.match(rf"\s+{re.escape(phrase)}\b", lowered) for phrase in words.people_after):
        return True
    noun = _PEOPLE_IN.match(following)
    return noun is not None and noun.group(1).lower() in words.people


def _people_state(span: Span, words: FigureWords) -> bool:
    """ "19 were vacant", "around 3,000 are currently vacant": only posts are vacant."""
    root = span.root
    if root.dep_ not in ("nsubj", "nsubjpass") or root.head.lemma_ != "be":
        return False
    return any(
        child.dep_ in ("acomp", "attr") and child.lower_ in words.people_states
        for child in root.head.children
    )


def _counting_one(doc: Doc, span: Span, words: FigureWords) -> bool:
    """ "one ward", "one in five", "one month's pay" count; "one of the trusts", "one thing",
    "the one offered" and "one-to-one" do not."""
    after = doc[span.end] if span.end < len(doc) else None
    if after is None or after.lower_ in ("of", "-", "–"):
        return False
    hyphened = span.end + 1 < len(doc) and doc[span.end + 1].text in ("-", "–")
    if after.lower_ in words.one_idioms and not hyphened:  # "one day", not "one day-case unit"
        return False
    if span.start_char and doc.text[span.start_char - 1] in "-–":
        return False  # "one-to-one"
    sentence = span.sent
    if span.start == sentence.start and _ANOTHER.match(doc.text[sentence.end_char :]):
        return False  # "One finance director said ... Another warned": a contrast
    noun = span.root.head
    clause_start = span.start == sentence.start or doc[span.start - 1].text in (";", ",")
    if (
        clause_start
        and noun.dep_ == "nsubj"
        and noun.head.lemma_.lower() in words.speaker_verbs | words.reporting_verbs
    ):
        return False  # "One GP in the west of the town told us ...", "; one respondent
        # described ...", "One board in the north has said": some GP or board, not a count
    if _pair_gap(doc.text[span.end_char :], words):
        return True  # "one in ten", "one out of five"
    beyond = doc[span.end + 1] if span.end + 1 < len(doc) else None
    if after.lower_ == "to" and beyond is not None and beyond.like_num and beyond.lower_ != "one":
        return True  # "by one to two weeks": the first number of a range
    unit = _unit_noun(span, words)
    if unit in ("people", "months", "years"):
        return True
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    return unit == "count" and after.pos_ == "NOUN" and before not in ("the", "this", "that")


_ANOTHER = re.compile(r"\s*(?:Another|A second)\b")
_PAIR_GAP = re.compile(r"\s*(?:[a-z]+\s+)?(?:in|out\s+of)\s+(?:every\s+)?(?=\w)", re.IGNORECASE)


def _pair_gap(text: str, words: FigureWords) -> bool:
    """Does `text` start "in ten", "out of five", "post in two": the middle of a proportion?"""
    match = _PAIR_GAP.match(text)
    if match is None:
        return False
    following = re.match(r"\w+", text[match.end() :])
    return following is not None and (
        following.group(0)[0].isdigit() or following.group(0).lower() in words.number_words
    )


_ORDINAL_CONTEXT = ("first", "second", "last", "latter", "other", "final", "next")
# "fallen by about a third": a proportion even with no "of" after it
_COMPARATIVES = ("more", "fewer", "less", "higher", "lower", "bigger", "smaller")


def _fraction(doc, span, text, words, make) -> Figure | None:
    """ "half of all staff" is 50 percent; "the second half of the year" and "a third round"
    are not proportions."""
    phrase = _fraction_phrase(text)
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    if before in _ORDINAL_CONTEXT or after in ("-", "time", "term", "year", "hour", "day"):
        return None
    beyond = doc[span.end + 1].lower_ if span.end + 1 < len(doc) else ""
    if phrase == "half" and after == "a" and beyond in words.months | words.years:
        return make(Decimal("0.5"), "months" if beyond in words.months else "years")
    acts = span.end < len(doc) and doc[span.end].pos_ in ("VERB", "AUX")  # "a quarter worked"
    if (
        phrase.startswith(("a ", "one "))
        and after not in ("of", "the", "their", "its", "a", "an") + _COMPARATIVES
        and before not in words.proportion_before
        and not acts
    ):
        return None
    return make(Decimal(str(_fraction_percent(phrase, words))), "percent")


def _fraction_phrase(text: str) -> str:
    """A proportion word as the fraction list spells it: "two fifths", "a quarter"."""
    phrase = " ".join(re.split(r"[\s-]+", text.lower()))  # "two-fifths" is "two fifths"
    return re.sub(r"^another ", "a ", phrase)  # "another quarter of them"


def _fraction_percent(phrase: str, words: FigureWords) -> float | None:
    return words.fraction_words.get(phrase, words.fraction_words.get(phrase.replace(" ", "-")))


def _in_title(doc: Doc, span: Span) -> bool:
    """ "the Five Year Forward View", "the 10 Year Health Plan": a number inside a name."""
    if span.end + 1 >= len(doc):
        return False
    unit, name = doc[span.end], doc[span.end + 1]
    return unit.text in ("Year", "Years", "Month", "Day") and name.text[:1].isupper()


def _is_identifier(doc: Doc, span: Span, words: FigureWords, identifier_ends: list[int]) -> bool:
    """A number after a label ("Gateway reference 7317", "bands 2 to 4") or before "pm"."""
    before = [t for t in doc[max(0, span.start - 3) : span.start] if not t.is_punct]
    as_verb = (
        len(before) >= 2
        and before[-2].lower_ == "to"
        and before[-1].tag_ == "VB"
        and span.text.isalpha()  # "to note two risks"; "Answer to question 1" is a label
    )
    if before and before[-1].lower_.rstrip(".") in words.labels and not as_verb:
        return True  # "note 3", but not "asked to note two risks"
    if len(before) >= 2 and f"{before[-2].lower_} {before[-1].lower_}" in words.labels:
        return True  # "pay point 6"
    following = doc[span.end] if span.end < len(doc) else None
    if (
        before
        and before[-1].i == span.start - 1
        and before[-1].lower_ in words.years
        and span.text.isdigit()
        and int(span.text) <= 10
        and (following is None or following.is_punct or following.lower_ in ("and", "or", "to"))
    ):
        return True  # "75% in year 2, 50% in year 3": the year of a scale, a label
    if (
        len(before) >= 2
        and before[-1].lower_ in ("to", "and", "or", "of", "-", "–")
        and identifier_ends
        and identifier_ends[-1] >= before[-2].idx
    ):
        return True  # the second half of a range whose first half was an identifier
    start = span.start_char
    if (
        start
        and doc.text[start - 1] in "-–"
        and identifier_ends
        and identifier_ends[-1] == start - 1
    ):
        return True  # "Pages 41-46"
    return following is not None and following.lower_ in words.after


def _unit_noun(span: Span, words: FigureWords) -> str | None:
    """people, months or years from the noun the number counts; count for another noun."""
    doc = span.doc
    index = span.end
    determined = False  # "3,970 the year before", "8 a month": the year is not a duration
    sentence_end = span.sent.end
    for _ in range(9):  # "300 mostly part-time domestic and catering workers"
        if index >= min(len(doc), sentence_end) or "\n" in doc[index - 1].text_with_ws:
            break  # a noun on the next line, or in the next sentence, counts something else
        token = doc[index]
        if doc[index - 1].text.endswith(".") and token.is_title and index > span.start:
            break  # "a variance of 1.8m. The workforce element": "m." ended the sentence
        lower = _word(token)
        if lower == "or" and index + 1 < len(doc) and doc[index + 1].lower_ == "so":
            index += 2  # "another 40 or so posts"
            continue
        if lower in ("plus", "odd") and index == span.end + 1 and doc[span.end].text == "-":
            index += 1  # "the remaining 900-plus staff"
            continue
        if index == span.end and token.pos_ == "NUM" and token.like_num:
            break  # "2,210 two years earlier": the noun is the second number's
        if lower in words.months and not determined:
            return "months"
        if lower in words.years and not determined:
            return "years"
        determined = determined or token.pos_ == "DET" or lower in _RELATIVE_TIME
        if lower in _NOW:
            return None  # "5.27 million today": a time, not what is counted
        if _people_word(token, words):
            head = token.head
            collective = lower in words.collectives and token.dep_ == "compound"
            if collective and head.i > token.i and head.pos_ == "NOUN":
                return _noun_unit(head, words)  # "21 workforce plans" count plans
            return "people"
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ not in ("compound", "amod"):
            if span.end <= token.head.i < index + 5 and token.head.i > token.i:
                index += 1  # "full-time equivalent staff": the noun that counts is further on
                continue
            # "47,000 last autumn": a noun the number does not modify says nothing of it
            related = token.is_ancestor(span.root) or token.i == span.end
            related = related or (  # "31 of the fixed-term contracts"
                token.head.lower_ == "of" and token.head.head == span.root and token.tag_ == "NNS"
            )
            return _counted_unit(token, words) if related else None
        between_modifiers = (
            lower in ("and", "or")
            and index > span.end
            and doc[index - 1].pos_ in ("ADJ", "NOUN")
            and index + 1 < len(doc)
            and (doc[index + 1].pos_ in ("ADJ", "NOUN") or doc[index + 1].tag_ == "VBG")
        )  # "410 management and administrative posts"
        participle = (token.tag_ == "VBN" and token.dep_ == "amod") or (
            token.tag_ == "VBG" and token.dep_ in ("amod", "compound", "conj")
        )  # "1,050 registered nurses", "domestic and catering workers"
        if (
            token.pos_ not in ("ADJ", "ADV", "NOUN", "PROPN", "PUNCT", "DET", "PRON", "NUM")
            and (lower not in ("of", "-", "full", "time", "whole"))
            and not between_modifiers
            and not participle
        ):
            break
        if token.is_punct and lower not in ("-", "'", "’"):
            break
        index += 1
    head = span.root.head
    same_line = "\n" not in doc.text[min(head.idx, span.start_char) : max(head.idx, span.end_char)]
    own = not (span.end < head.i and doc[span.end].like_num)  # "2,210 two years earlier"
    if (
        span.root.dep_ in ("nummod", "quantmod")
        and head.pos_ in ("NOUN", "PROPN")
        and same_line
        and own
    ):
        return _counted_unit(head, words)
    return _label_unit(span, words)


def _counted_unit(noun, words: FigureWords) -> str:
    """The unit of the noun a number modifies: a singular sum of money is the amount ("a
    600,000 grant", "a 29k salary"), a plural one is counted ("17 grants")."""
    unit = _noun_unit(noun, words)
    return "count" if unit == "GBP" and noun.tag_ == "NNS" else unit


_RELATIVE_TIME = ("last", "next", "previous", "following", "this")
_NOW = ("today", "now", "yesterday", "tomorrow")


def _label_unit(span: Span, words: FigureWords) -> str | None:
    """ "Accredited stewards: 24", "Branch membership: 1,642": the label names the unit."""
    doc = span.doc
    colon = span.start - 1
    while colon > 0 and doc[colon].lower_ in _HEDGES:
        colon -= 1  # "Vacancies being held open: over 150"
    if colon < 1 or doc[colon].text != ":":
        return None
    for token in reversed(doc[max(0, colon - 8) : colon]):
        if "\n" in token.text_with_ws or token.like_num:
            break  # "53 votes were cast: 34 and 19": a breakdown of the label's number
        # "Posts the trust wants to lose: two hundred": a people noun anywhere in the label
        if token.pos_ in ("NOUN", "PROPN") and _noun_unit(token, words) == "people":
            return "people"
        if token.text == "£" or (token.pos_ == "NOUN" and _noun_unit(token, words) == "GBP"):
            return "GBP"  # "Saving (£ per year): 660,000"
    return None


_NOTE_MARK = "¹²³⁴⁵⁶⁷⁸⁹⁰"


def _word(token, lemma: bool = False) -> str:
    """The token's lowercase text (or lemma) without a footnote mark: "nurses.⁶" → "nurses"."""
    text = (token.lemma_ if lemma else token.text).lower()
    bare = text.rstrip(_NOTE_MARK)
    return bare.rstrip(".") if bare != text else text


def _people_word(token, words: FigureWords) -> bool:
    """A staff group, job title or other people noun: from the list, or a noun with a
    profession's ending ("sonographers", "dietitians") that is not an exception ("lists")."""
    lower, lemma = _word(token), _word(token, lemma=True)
    if lower in words.people or lemma in words.people:
        return True
    return (
        token.pos_ == "NOUN"
        and token.dep_ not in ("amod", "compound")  # "specialist trusts" are trusts
        and len(lower) > 5
        and lower.endswith(words.people_suffixes)
        and lower not in words.not_people_suffixed
    )


def _noun_unit(token, words: FigureWords) -> str:
    lower, lemma = _word(token), _word(token, lemma=True)
    if _people_word(token, words):
        return "people"
    if lower in words.money_nouns or lemma in words.money_nouns:
        return "GBP"
    if lower in words.months:
        return "months"
    if lower in words.years:
        return "years"
    return "count"


def _copula_unit(span: Span, words: FigureWords) -> str | None:
    """ "Another 109 are nursing posts", "redundancies will be fewer than 20"."""
    root = span.root
    verb = root.head
    measure = words.measure_verbs
    if root.dep_ == "pobj" and verb.pos_ == "ADP" and verb.head.lemma_.lower() in measure:
        root, verb = verb, verb.head  # "membership stood at 1,214"
    if verb.lemma_ == "be" and root.dep_ in ("nsubj", "attr"):
        roles = ("nsubj", "attr")
    elif verb.lemma_.lower() in measure and root.dep_ in ("dobj", "pobj", "npadvmod", "prep"):
        roles = ("nsubj",)  # "vacancies top 112,000"
    else:
        return None
    for other in verb.children:
        if other is not root and other.dep_ in roles and other.pos_ == "NOUN":
            if other.i + 1 < len(other.doc) and other.doc[other.i + 1].text == ":":
                continue  # "Chief finance officer: The allowance falls ...": a speaker's label
            if other.lower_ in _OF_WHAT:  # "the number of staff", "the share of the saving"
                of = [c for c in other.children if c.lower_ == "of"]
                counted = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
                other = counted[0] if counted else other
            unit = _noun_unit(other, words)
            if unit == "count" and roles == ("nsubj",) and other.lower_ in words.people_groups:
                unit = "people"  # "some teams have gone from nine to four"
            if unit == "count" and roles == ("nsubj",) and other.tag_ == "NNS":
                return "count"  # "rota gaps averaged 4.5 a night": it counts the gaps
            return unit if unit != "count" else None
    return None


_OF_WHAT = ("number", "total", "level", "size", "share", "amount", "value", "sum")


_HEDGES = ("around", "about", "some", "nearly", "almost", "roughly", "approximately", "over",
           "more", "than", "up", "to", "just", "under", "fewer", "less")  # fmt: skip


def _of_unit(span: Span, words: FigureWords, bare: bool = False) -> str | None:
    """ "a population of around 800,000", "a workforce of 1.3 million": people; and for a bare
    number, "a team of 40", "a panel of 3"."""
    index = span.start - 1
    doc = span.doc
    while index > 0 and (doc[index].pos_ == "ADV" or doc[index].lower_ in _HEDGES):
        index -= 1
    if index > 0 and doc[index].lower_ == "of" and doc[index - 1].pos_ == "NOUN":
        group = bare and doc[index - 1].lower_ in words.people_groups
        unit = _noun_unit(doc[index - 1], words)
        if unit == "GBP" and bare:
            return "GBP"  # "a deficit of 86 million", "pay of 24,071"
        return "people" if group or unit == "people" else None
    return None


def _speaks(span: Span, words: FigureWords) -> bool:
    """Is the number the subject of a verb only people do ("14 said", "312 replied")?"""
    root = span.root
    verb = root.head.lemma_.lower()
    if root.dep_ == "nsubjpass" and (
        verb in words.people_verbs or any(c.lower_ == "redundant" for c in root.head.children)
    ):
        return True  # "40 were redeployed", "12 were made redundant"
    return root.dep_ == "nsubj" and verb in words.speaker_verbs


_OF_WHOM_BEFORE = re.compile(r"\bof\s+(?:whom|which)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
_SPELLED_SCALE = re.compile(r"\b(?:thousand|million|billion)$", re.IGNORECASE)
_CLAUSE_ROLES = ("nsubj", "nsubjpass", "dobj")


def _money_context(span: Span, scaled, words: FigureWords) -> str | None:
    """A number with no noun of its own is money when its clause is about money: "Pay costs
    rose by 2.7m", "earns 23,000 a year", "1.2 million in savings", "a 45k salary"; and a
    bare "4.2 million" (or "380k") in a sentence that names a sum of money."""
    doc = span.doc
    if isinstance(scaled, str) and scaled == "k":
        return "GBP"  # "380k", "24k a head": thousands of pounds unless a noun says otherwise
    if _CHEAPER.search(doc.text[max(0, span.start_char - 60) : span.start_char]):
        return "GBP"  # "cheaper by an average of 27,000 a year each"
    if _in_money_clause(span, words):
        return "GBP"  # "a rise in costs that most of you put at 50,000"
    money = words.money_nouns
    after = re.match(r"\s+in\s+(?:[\w-]+\s+){0,2}?([\w-]+)", doc.text[span.end_char :])
    if after and after.group(1).lower() in money:
        return "GBP"  # "4 million in one-off support"
    verb = _clause_verb(span)
    if verb is not None and verb.lemma_.lower() in words.money_verbs:
        return "GBP"  # "earns a little over 23,000", "paid out an average of 21,500"
    if verb is not None and any(
        child.dep_ in _CLAUSE_ROLES and _noun_unit(child, words) == "GBP"
        for child in verb.children
        if not child.is_ancestor(span.root) and child not in span
    ):
        return "GBP"  # "Pay costs rose by 2.7m", "the paper puts the saving at 1.1 million"
    if scaled and any(_noun_unit(t, words) == "GBP" or t.lemma_.lower() in words.money_verbs
                      for t in span.sent if t.pos_ in ("NOUN", "VERB")):  # fmt: skip
        return "GBP"
    if _MONEY_RATE.match(doc.text[span.end_char :]):
        return "GBP"  # "4.30 per head", "1,450 a shift", "14,030 per WTE"
    scale = scaled.lower() if isinstance(scaled, str) else scaled.group(0).lower() if scaled else ""
    if scale in ("m", "mn", "bn", "billion", "trillion") and not _clause_subject(span, words):
        return "GBP"  # "3.5m", "1.2bn", "up to 1 billion" with nothing else to say what they count
    return None


# A price compared: "cheaper by an average of 27,000", "more expensive by about 4,000".
_CHEAPER = re.compile(
    r"\b(?:cheaper|dearer|costlier|(?:more|less)\s+expensive)\s+by\s+(?:an?\s+average\s+of\s+)?"
    r"(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+)?$",
    re.IGNORECASE,
)


# Rates that only a sum of money is quoted in: "4.30 per head", "1,450 a shift".
_MONEY_RATE = re.compile(
    r"\s+(?:per|an?)\s+(?:head|capita|annum|hour|shift|wte|fte|post|leaver|person|employee)\b",
    re.IGNORECASE,
)


def _in_money_clause(span: Span, words: FigureWords) -> bool:
    """Is the number in a relative clause about a sum of money ("costs that most of you put
    at 50,000", "the saving, which the board puts at 1.1m")?"""
    token = span.root
    for _ in range(6):
        if token.head is token:
            return False
        if token.dep_ == "relcl":
            return _noun_unit(token.head, words) == "GBP"
        token = token.head
    return False


def _clause_subject(span: Span, words: FigureWords):
    """The subject noun of the clause a number measures, if it is not money: "waiting lists
    reached 7.6m" is about lists. A body that spends ("The NHS contributes 31.9m"), a sum
    ("the saving is 1.1m") or a general word ("the figures are 24.4m") says nothing else."""
    verb = _clause_verb(span)
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")] if verb else []
    return next(
        (
            c
            for c in subjects
            if c.pos_ == "NOUN"
            and _noun_unit(c, words) != "GBP"
            and c.lower_ not in _GENERAL_NOUNS
            and c.lower_ != "figures"
        ),
        None,
    )


_MEASURE_PREPS = ("by", "at", "to", "from", "of", "about", "around", "over", "under", "than",
                  "up", "above", "below", "nearly", "almost", "roughly")  # fmt: skip


def _clause_verb(span: Span):
    """The verb a number is the object or measure of, climbing only through prepositions of
    measure ("rose by", "stood at", "an average of") and general nouns ("average", "total"):
    None when a noun of its own governs it ("3 for less than one year" under "workers") or it
    sits in a phrase of place or time ("Across the 21, savings are put at ...")."""
    token = span.root
    for _ in range(5):
        head = token.head
        if head is token:
            return None
        if head.pos_ in ("VERB", "AUX"):
            return head if token.dep_ not in ("nsubj", "nsubjpass", "advcl", "conj") else None
        if head.pos_ == "ADP" and head.lower_ not in _MEASURE_PREPS:
            return None
        if head.pos_ in ("NOUN", "PROPN") and head.lower_ not in _GENERAL_NOUNS:
            return None
        token = head
    return None


_GENERAL_NOUNS = frozenset(
    tomllib.loads(PATTERNS.read_text(encoding="utf-8"))["linker"]["generic_nouns"]
)


def _of_the_unit(span: Span, words: FigureWords) -> str | None:
    """ "Of the applicants, 52 were accepted": a sentence that opens "Of the <noun>," names
    what its bare numbers count."""
    sentence = span.sent
    opener = sentence[0]
    if opener.lower_ != "of" or span.start <= opener.i:
        return None
    nouns = [c for c in opener.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")]
    comma = next((t.i for t in sentence if t.text == ","), None)
    if not nouns or comma is None or not nouns[0].i < comma < span.start:
        return None
    return _noun_unit(nouns[0], words)


def _governing_lemma(span: Span) -> str | None:
    token = span.root
    for _ in range(4):
        if token.pos_ in ("VERB", "AUX"):
            return token.lemma_.lower()
        if token.head is token:
            return None
        token = token.head
    return None


# "between 200 and 300 posts", "five out of the nine", "14 of the 36 staff", "150 of its 410 posts"
_RANGE_GAP = re.compile(
    r"\s*(?:and|to|or|-|–|—|(?:out\s+)?of(?:\s+(?:the|its|their|our|all))?)\s*", re.IGNORECASE
)


_PROPORTION_GAP = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:in|out\s+of)\s+(?:every\s+|the\s+)?", re.IGNORECASE
)
_OF_WHOM = re.compile(r"\s+of\s+(?:the\s+|these\s+|our\s+|their\s+|its\s+)?(\w+)")


def _share_proportion(doc: Doc, first: Figure, second: Figure, words: FigureWords) -> None:
    """ "one in five jobs", "one post in two", "nine in ten of the posts", "one in ten of
    those affected": both numbers count the same thing."""
    after = _OF_WHOM.match(doc.text[second.end :])
    noun = after.group(1).lower() if after else ""
    candidates = [f.unit for f in (second, first) if not f.bare and f.unit != "count"]
    if noun in words.people or noun in ("those", "us", "you"):
        candidates.append("people")
    candidates += [f.unit for f in (second, first) if not f.bare]
    unit = candidates[0] if candidates else None
    if unit is not None:
        for figure in (first, second):
            figure.unit, figure.kind, figure.bare = unit, UNIT_KINDS[unit], False


_MONEY_SCALE = re.compile(rf"(?:\d\s?|\s)({_SCALE})\s*(?:pounds)?$", re.IGNORECASE)


def _share_money_scale(first: Figure, second: Figure, words: FigureWords) -> None:
    """ "£15 to £20 billion", "£2-3m": the first sum is in the second's millions or billions."""
    scale = _MONEY_SCALE.search(second.text)
    if scale is None or _MONEY_SCALE.search(first.text):
        return
    first.value = _plain(Decimal(str(first.value)) * words.scales[scale.group(1).lower()])


def _share_units(doc: Doc, figures: list[Figure], words: FigureWords) -> None:
    """A bare number takes the unit of the figure it pairs with: "between 200 and 300 posts",
    "five out of the nine phlebotomists", "573 jobs in Nottingham, 451 in Derby"."""
    for index, figure in enumerate(figures):
        if figure.bare:
            _share_with_antecedent(doc, figures[:index], figure, words)
    for first, second in zip(reversed(figures[:-1]), reversed(figures[1:]), strict=True):
        gap = doc.text[first.end : second.start]
        if _PROPORTION_GAP.fullmatch(gap) and first.kind == second.kind == "count":
            _share_proportion(doc, first, second, words)
        elif _RANGE_GAP.fullmatch(gap) and first.unit == "count":
            first.unit, first.kind = second.unit, second.kind
            first.bare = first.bare and second.bare
            if second.unit == "GBP":  # "eleven to thirteen million pounds"
                _share_money_scale(first, second, words)
        elif _RANGE_GAP.fullmatch(gap) and first.unit == "GBP" and second.kind != "percent":
            scaled = second.unit == "count" and _MONEY_SCALE.search(second.text)
            if (second.bare and second.unit == "count") or scaled:  # "£2-3m", "£15-20bn gap"
                second.unit, second.kind, second.bare = "GBP", "money", False
            if second.unit == "GBP":
                _share_money_scale(first, second, words)
    for index, figure in enumerate(figures):
        if (figure.bare or figure.guessed) and _share_with_same_verb(doc, figures[:index], figure):
            continue
        if figure.bare and index > 0:
            _share_with_earlier(doc, figures[:index], figure, words)
        previous = figures[index - 1] if index > 0 else None
        if (
            previous is not None
            and figure.unit == previous.unit == "GBP"
            and _COMPARED.search(doc.text[previous.end : figure.start])
            and not _MONEY_RATE.match(doc.text[figure.end :])  # "6.4 million, or 4.30 per head"
        ):
            _carry_money_scale(previous, figure, words)  # "24.4m and 13.1"
        if figure.spoken and index > 0:
            _share_with_parallel(doc, figures[:index], figure)
        if figure.unit == "count" and index > 0 and _POINTS.match(doc.text[figure.end :]):
            _points_of_percent(doc, figures[index - 1], figure)
        if figure.unit != "count" or index == 0:
            continue
        root = doc.char_span(figure.start, figure.end, alignment_mode="expand").root
        if root.dep_ != "conj":
            continue
        for earlier in figures[:index]:
            if earlier.start <= root.head.idx < earlier.end and earlier.kind == "count":
                figure.unit = earlier.unit


# The words that put a second sum beside a first: "£47,900 ..., against 46,300", "£71.6m, or
# 14,030 per WTE", "£1.26m, an average of about 24,200 per leaver".
_COMPARED = re.compile(
    r"^[^;:]*(?:,|\b(?:against|or|to|and|versus|from|of|of\s+which))(?:\s+an?\s+[\w-]+)?"
    r"(?:\s+(?:about|around|nearly|roughly|some|just|almost|over|under))?\s*$",
    re.IGNORECASE,
)
_POINTS = re.compile(r"\s?-?\s?points?\b", re.IGNORECASE)


def _points_of_percent(doc: Doc, before: Figure, figure: Figure) -> None:
    """ "58% would recommend, up three points", "38% ..., a 14-point rise": points after a
    percentage in the same sentence are percentage points."""
    sentence = doc.char_span(figure.start, figure.end, alignment_mode="expand").sent
    if before.unit == "percent" and before.start >= sentence.start_char:
        figure.unit, figure.kind, figure.bare = "percent", "percent", False


_CONTINUING = re.compile(r"(?:\banother|\bfurther|\bremaining|\bother)\s+$", re.IGNORECASE)
_OF_THEM = re.compile(r"\s+of\s+(?:them|those|these)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow\s+many\s+(?:[\w-]+\s+){0,2}?([\w-]+)\b", re.IGNORECASE)


def _share_with_antecedent(
    doc: Doc, earlier: list[Figure], figure: Figure, words: FigureWords
) -> None:
    """ "22 vacant posts ... another 15 may go", "its 12 posts ... 7 of the 12 are filled": a
    bare number that continues or repeats an earlier count in the paragraph takes its unit."""
    continuing = _CONTINUING.search(doc.text[max(0, figure.start - 12) : figure.start])
    continuing = continuing or _OF_THEM.match(doc.text[figure.end :])  # "9 of them"
    asked = [*_HOW_MANY.finditer(doc.text[: figure.start])]
    noun = asked and doc.char_span(*asked[-1].span(1), alignment_mode="expand")
    if noun and not any(before.start > asked[-1].start() for before in earlier):
        unit = _noun_unit(noun.root, words)  # "how many vacancies ... The answer: 37"
        figure.unit, figure.kind, figure.bare = unit, UNIT_KINDS[unit], False
        return
    for before in reversed(earlier):
        if before.kind != "count" or before.bare or before.unit == "count":
            continue
        if continuing or before.value == figure.value:
            figure.unit, figure.bare = before.unit, False
            return


def _share_with_earlier(
    doc: Doc, earlier: list[Figure], figure: Figure, words: FigureWords
) -> None:
    """ "573 jobs in Nottingham, 451 in Derby and 286 in Leicester": a bare number in a
    list takes the unit of the nearest counted figure before it in the sentence, or failing
    that in the paragraph ("employed 14,310 staff ... The plan takes that to 13,640")."""
    sentence = doc.char_span(figure.start, figure.end, alignment_mode="expand").sent
    for before in reversed(earlier):
        gap = doc.text[before.end : figure.start]
        if "\n" in gap:
            return  # a list item or table row on another line is not the same list
        same_sentence = before.start >= sentence.start_char
        if before.kind == "duration" and same_sentence and before is earlier[-1]:
            if _ends_duration(doc, figure, sentence):  # "thirty-one years, the last eleven"
                figure.unit, figure.kind = before.unit, before.kind
                return  # "ten months to pay back; at the bottom, under four"
            continue
        if before.unit == "GBP" and figure.unit == "count":
            scaled = _MONEY_SCALE.search(figure.text)
            compared = same_sentence and _COMPARED.search(gap)
            if scaled or compared:
                figure.unit, figure.kind = "GBP", "money"  # "from £31.4m a year to 15.7 million"
                _carry_money_scale(before, figure, words)  # "34.2m, of which 19.5 ..."
                return  # "cost per WTE was 47,900, against 46,300 a year earlier"
            continue  # "£21m the three trusts now spend": the three count trusts
        shared = same_sentence and before.unit != "count"  # "290, with 180 ... and 200"
        if before.kind != "count" or (before.bare and not shared):
            continue
        if not same_sentence and not _elliptical(doc, figure, sentence):
            return  # "Fourteen rely on ...", "the two trusts": not a count carried on
        figure.unit = before.unit
        return


def _governing_verb(doc: Doc, figure: Figure):
    """The verb a figure is the object of, through its noun: "pays [five months]", "would
    receive [20 months'] pay"; None for a subject ("The 46.8 WTE would save")."""
    token = doc.char_span(figure.start, figure.end, alignment_mode="expand").root
    for _ in range(4):
        if token.head.pos_ == "VERB" and token.dep_ == "dobj":
            return token.head
        if token.head is token:
            return None
        token = token.head
    return None


def _share_with_same_verb(doc: Doc, earlier: list[Figure], figure: Figure) -> bool:
    """ "MARS pays five months; redundancy would pay 10", "would receive 20 months' pay; under
    MARS ... would receive 10": a bare object of the same verb as an earlier figure in the
    paragraph is the same kind of quantity."""
    root = doc.char_span(figure.start, figure.end, alignment_mode="expand").root
    if root.dep_ != "dobj" or root.head.pos_ != "VERB" or not _NUMBER_ALONE.fullmatch(figure.text):
        return False
    for before in reversed(earlier):
        verb = _governing_verb(doc, before)
        if before.bare or before.guessed or verb is None or verb.i == root.head.i:
            continue
        if verb.lemma_ == root.head.lemma_ and before.unit != figure.unit:
            figure.unit, figure.kind = before.unit, before.kind
            figure.bare = figure.guessed = False
            return True
    return False


_NUMBER_ALONE = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+(?:-[a-z]+)?", re.IGNORECASE)


def _carry_money_scale(before: Figure, figure: Figure, words: FigureWords) -> None:
    """ "34.2m, of which 19.5 comes from pay", "24.4m and 13.1": a small number after a sum in
    millions is in millions too."""
    scale = _MONEY_SCALE.search(before.text)
    plain = re.fullmatch(r"[\d.]+", figure.text)  # not "£19.5", not "19.5m"
    if scale is None or plain is None or figure.value >= 1000:
        return
    figure.value = _plain(Decimal(str(figure.value)) * words.scales[scale.group(1).lower()])


def _elliptical(doc: Doc, figure: Figure, sentence: Span) -> bool:
    """A number inside its sentence with no noun after it ("it had 163, of which", "takes
    that to 13,640 by March"): one that may carry on the count of an earlier sentence."""
    span = doc.char_span(figure.start, figure.end, alignment_mode="expand")
    after = doc[span.end] if span.end < len(doc) else None
    starts = span.start == sentence.start or doc[span.start - 1].text in _OPENERS
    if starts or _OF_THE_NUMBER.match(doc.text[figure.end :]):
        return False  # "22 of the 27 expect": a part of some earlier count, not this one
    return (
        after is None
        or after.is_punct
        or after.pos_ in ("ADP", "AUX", "CCONJ", "SCONJ", "ADV")  # "against fourteen now"
        or after.lower_ in ("a", "an", "each", "every")  # "around 9 a month"
    )


_OPENERS = ('"', "'", "“", "‘", "(", "[", ":", "-", "–", "—")


def _ends_duration(doc: Doc, figure: Figure, sentence: Span) -> bool:
    """A small bare number closing its clause after a duration is another such duration:
    "more than ten months ...; at the bottom, under four", "31 years, the last eleven as a
    sister"; not "a top point of 28,407", nor "1 for between one and two years"."""
    span = doc.char_span(figure.start, figure.end, alignment_mode="expand")
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    return (
        figure.value < 100
        and before != "of"
        and _elliptical(doc, figure, sentence)
        and (after is None or after.is_punct or after.lower_ == "as")
    )


_OF_THE_NUMBER = re.compile(r"\s+of\s+(?:the|its|their|our)\s+\d", re.IGNORECASE)


def _share_with_parallel(doc: Doc, earlier: list[Figure], figure: Figure) -> None:
    """ "Nineteen practices said ..., and six said ...": a number that "said" in the same
    sentence as a counted noun that said the same counts that noun, not people."""
    span = doc.char_span(figure.start, figure.end, alignment_mode="expand")
    verb = span.root.head.lemma_
    for before in reversed(earlier):
        if before.start < span.sent.start_char:
            return
        head = doc.char_span(before.start, before.end, alignment_mode="expand").root.head
        noun_verb = head.head.lemma_ if head.pos_ == "NOUN" else head.lemma_
        if not before.bare and before.unit == "count" and noun_verb == verb:
            figure.unit, figure.kind = "count", "count"
            return
