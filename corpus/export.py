"""Stream a whole table to CSV, JSON Lines or Parquet, batch by batch, never truncating."""

import base64
import csv
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.db import Corpus
from corpus.queries import iter_table_rows, table_columns

EXPORT_FORMATS = ("csv", "jsonl", "parquet")


def export_table(
    corpus: Corpus,
    table: str,
    output: Path,
    export_format: str,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write every row of `table` to `output`; returns the row count.

    BLOB columns (the compressed raw bytes) are base64 text in CSV and JSON Lines, binary in
    Parquet.
    """
    columns = table_columns(corpus, table)
    writers = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}
    if export_format not in writers:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    count = 0

    def batches():
        nonlocal count
        for rows in iter_table_rows(corpus, table):
            count += len(rows)
            if on_rows:
                on_rows(len(rows))
            yield rows

    writers[export_format](columns, batches(), output)
    return count


def _text_safe(value):
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def _write_csv(columns, batches, output: Path) -> None:
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for name, _ in columns])
        for rows in batches:
            writer.writerows([[_text_safe(value) for value in row] for row in rows])


def _write_jsonl(columns, batches, output: Path) -> None:
    names = [name for name, _ in columns]
    with output.open("w", encoding="utf-8") as handle:
        for rows in batches:
            for row in rows:
                record = {name: _text_safe(value) for name, value in zip(names, row, strict=True)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _arrow_type(declared: str) -> pa.DataType:
    declared = declared.upper()
    if "INT" in declared:
        return pa.int64()
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    if "BLOB" in declared:
        return pa.binary()
    return pa.string()


def _write_parquet(columns, batches, output: Path) -> None:
    # The schema comes from the declared column types, so a batch of nulls cannot change it.
    schema = pa.schema([(name, _arrow_type(declared)) for name, declared in columns])
    with pq.ParquetWriter(output, schema) as writer:
        for rows in batches:
            arrays = [
                pa.array([row[i] for row in rows], type=field.type)
                for i, field in enumerate(schema)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
