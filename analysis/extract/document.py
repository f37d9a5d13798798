"""Run the pipeline over whole documents, paragraph by paragraph, into the JSON contract.

Each paragraph is its own Doc: that keeps every Doc under spaCy's length limit, batches well
in `nlp.pipe`, and gives claims their paragraph. Offsets are into the whole document text.
"""

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language

from analysis.claims import sentence_claims
from analysis.extract.figures import UNIT_KINDS
from analysis.extract.tables import LABEL, ColumnUnit, caption_units, list_units, table_units
from corpus.document import normalise_text

MAX_CHUNK_CHARS = 50_000  # a paragraph longer than this (a PDF with no breaks) is split
MAX_CAPTION_WORDS = 20  # a paragraph this short just before a table may give its unit


@dataclass
class TextToExtract:
    key: object  # returned with the result: a path, a document id
    text: str
    title: str | None = None


def paragraph_chunks(text: str) -> list[tuple[int, int, str]]:
    """(paragraph index from 1, start offset, text) for each block between blank lines,
    long blocks cut at sentence ends so that no Doc exceeds MAX_CHUNK_CHARS."""
    chunks, offset = [], 0
    for index, block in enumerate(text.split("\n\n"), start=1):
        start = offset
        offset += len(block) + 2
        while len(block) > MAX_CHUNK_CHARS:
            sentence_end = block.rfind(". ", 0, MAX_CHUNK_CHARS)
            cut = sentence_end + 2 if sentence_end > 0 else MAX_CHUNK_CHARS
            chunks.append((index, start, block[:cut]))
            block, start = block[cut:], start + cut
        if block:
            chunks.append((index, start, block))
    return chunks


def extract_texts(
    nlp: Language, items: Iterable[TextToExtract], batch_size: int = 64, n_process: int = 1
) -> Iterator[tuple[object, dict]]:
    """(key, result) per item, in input order, each as soon as its last paragraph is parsed.

    All paragraphs of all items go through one `nlp.pipe`, so batches stay full and worker
    processes start once. The result follows the `nhscuts extract` contract.
    """
    pending: deque[list] = deque()  # [item, result, paragraphs still to come]

    def paragraphs():
        for item in items:
            text = normalise_text(item.text)
            chunks = paragraph_chunks(text) if text else []
            pending.append([item, _empty_result(item, text), len(chunks)])
            previous = None
            for index, start, chunk in chunks:
                table = (
                    table_units(chunk, previous)
                    or list_units(chunk, previous)
                    or caption_units(chunk)
                )
                yield chunk, (index, start, table)
                previous = chunk if len(chunk.split()) <= MAX_CAPTION_WORDS else None

    for doc, (index, start, table) in nlp.pipe(
        paragraphs(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        while pending[0][2] == 0:
            item, result, _ = pending.popleft()
            yield item.key, _finish(result)
        if table:
            _apply_table_units(doc._.nhs_figures, table)
        _add_paragraph(pending[0][1], doc, index, start)
        pending[0][2] -= 1
    while pending:
        item, result, _ = pending.popleft()
        yield item.key, _finish(result)


_PLAIN_NUMBER = re.compile(r"[\d,]+(?:\.\d+)?")


def _apply_table_units(figures: list[dict], table: list[tuple[int, int, ColumnUnit]]) -> None:
    """A bare number in a table cell takes its column's unit and scale ("498.2" under £m);
    one under a "Band" or "Year" header is a label and is dropped. Changes `figures` in place
    (claims read the same list)."""
    labels = []
    for figure in figures:
        plain_money = figure["unit"] == "GBP" and _PLAIN_NUMBER.fullmatch(figure["text"])
        if not plain_money and (
            figure["unit"] not in ("count", "people") or figure["kind"] != "count"
        ):
            continue  # "3,450" the sentence took for money still takes the column's scale
        for start, end, column in table:
            if start <= figure["start"] and figure["end"] <= end:
                if column.unit == LABEL:
                    labels.append(figure)
                    break
                figure["value"] = _scaled(figure["value"], column.scale)
                figure["unit"], figure["kind"] = column.unit, UNIT_KINDS[column.unit]
                break
    figures[:] = [figure for figure in figures if not any(figure is f for f in labels)]


def _scaled(value, scale: int):
    scaled = round(value * scale, 2)
    return int(scaled) if scaled == int(scaled) else scaled


def _empty_result(item: TextToExtract, text: str) -> dict:
    paragraphs = [
        {"index": i, "text": block, "framing": None, "score": None}
        for i, block in enumerate(text.split("\n\n"), start=1)
        if block
    ]
    return {
        "title": item.title,
        "figures": [],
        "organisations": [],
        "schemes": [],
        "claims": [],
        "framing": None,
        "paragraphs": paragraphs,
    }


def _add_paragraph(result: dict, doc, paragraph: int, offset: int) -> None:
    first_figure = len(result["figures"])
    for figure in doc._.nhs_figures:
        result["figures"].append(
            {**figure, "start": figure["start"] + offset, "end": figure["end"] + offset,
             "paragraph": paragraph}
        )  # fmt: skip
    for figure in result["figures"][first_figure:]:
        figure["sentence"] = next(
            (s.text.strip() for s in doc.sents
             if s.start_char + offset <= figure["start"] < s.end_char + offset),
            None,
        )  # fmt: skip
    for key in ("organisations", "schemes"):
        for mention in doc._.get(f"nhs_{key}"):
            shifted = {"start": mention["start"] + offset, "end": mention["end"] + offset}
            result[key].append({**mention, **shifted, "paragraph": paragraph})
    for claim in sentence_claims(doc, offset):
        claim["figures"] = [first_figure + i for i in claim["figures"]]
        claim["paragraph"] = paragraph
        result["claims"].append(claim)


def _finish(result: dict) -> dict:
    # Every mention is kept for the corpus; the contract lists each way of naming once.
    for key in ("organisations", "schemes"):
        result[f"{key}_mentions"] = result[key]
        result[key] = list({(m["text"], m["name"]): m for m in reversed(result[key])}.values())[
            ::-1
        ]
    return result


CONTRACT = {
    "figures": ("text", "value", "unit", "kind", "counts", "sentence", "start", "end"),
    "organisations": ("text", "name", "type"),
    "schemes": ("text", "name"),
    "claims": ("sentence", "figures", "organisations", "schemes", "attributed_to"),
    "paragraphs": ("index", "text", "framing", "score"),
}


def contract_view(path: str, result: dict) -> dict:
    """The result as `nhscuts extract --json` prints it: the documented keys only."""
    view = {"path": path, "title": result["title"]}
    for key, fields in CONTRACT.items():
        view[key] = [{field: item.get(field) for field in fields} for item in result[key]]
    view["framing"] = result["framing"]
    order = ("path", "title", "figures", "organisations", "schemes", "claims", "framing",
             "paragraphs")  # fmt: skip
    return {key: view[key] for key in order}
