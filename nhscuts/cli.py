"""The `nhscuts` command: each command opens the corpus, calls one library function, prints."""

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corpus import Corpus, CorpusError
from corpus.export import EXPORT_FORMATS, export_table
from corpus.files import FileOutcome, ImportOptions, find_files, import_files
from corpus.migrations import DOCUMENT_KINDS
from corpus.queries import (
    MARK_CLOSE,
    MARK_OPEN,
    UNITS,
    ClaimFilters,
    QueryError,
    SearchFilters,
    corpus_stats,
    date_bound,
    search_claims,
    search_paragraphs,
)
from nhscuts.config import DB_ENV_VAR, DEFAULT_DB

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def db_option(command):
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        envvar=DB_ENV_VAR,
        show_default=True,
        show_envvar=True,
        help="Corpus file.",
    )(command)


def kind_option(help_text: str):
    return click.option("--kind", type=click.Choice(DOCUMENT_KINDS), help=help_text)


def open_corpus(db: Path, *, create: bool = False) -> Corpus:
    try:
        return Corpus.open(db, create=create)
    except CorpusError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="nhscuts", message="nhscuts %(version)s")
def cli():
    """nhscuts: a text corpus and media analysis of NHS workforce cuts.

    Data flows one way: crawl → corpus → analysis → dashboard.

    Example:

        nhscuts add corpus/samples --db data/demo.db && nhscuts stats --db data/demo.db
    """


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@kind_option("Kind for every file (default: the file's front matter, else other).")
@click.option("--source", help="Source name for every file (default: front matter, else local).")
def add(paths, db, kind, source):
    """Import files and folders (recursive): .txt .md .html .htm .pdf .docx.

    Title, date and author are read from the content (Markdown front matter first). The same
    text imported twice is stored once. Exits 1 if any file failed; the others still import.

    Example:

        nhscuts add reports/ letter.pdf --kind government --source "Department of Health"
    """
    corpus = open_corpus(db, create=True)
    options = ImportOptions(kind=kind, source=source)
    total = sum(1 for _ in find_files(paths))
    with corpus, _progress() as progress:
        task = progress.add_task("importing", total=total)

        def show(outcome: FileOutcome) -> None:
            progress.advance(task)
            _print_outcome(outcome)

        report = import_files(corpus, paths, options, on_outcome=show)
    ignored = report.count("ignored")
    out.print(
        f"{report.count('added')} added, {report.count('duplicate')} duplicate, "
        f"{report.count('failed')} failed"
        + (f", {ignored} ignored (not txt/md/html/pdf/docx)" if ignored else "")
        + f" → {db}"
    )
    if report.failed:
        sys.exit(1)


def _print_outcome(outcome: FileOutcome) -> None:
    path = escape(str(outcome.path))
    if outcome.status == "added":
        out.print(f"[green]added[/]     {path}  [dim]{escape(outcome.title or '')}[/]")
    elif outcome.status == "duplicate":
        out.print(f"[yellow]duplicate[/] {path}  [dim](same text as {outcome.doc_id})[/]")
    elif outcome.status == "failed":
        err.print(f"[red]error:[/] {path}: {escape(outcome.message)}")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("query")
@db_option
@kind_option("Only documents of this kind.")
@click.option("--since", help="Only documents published on or after: YYYY, YYYY-MM or a date.")
@click.option("--until", help="Only documents published on or before: YYYY, YYYY-MM or a date.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON list.")
@click.option("--claims", is_flag=True, help="Search claims: sentences that carry a figure.")
@click.option("--org", help="Claims naming this organisation (canonical name or as written).")
@click.option("--scheme", help="Claims naming this scheme, e.g. MARS.")
@click.option("--unit", type=click.Choice(UNITS), help="Claims with a figure in this unit.")
@click.option("--min-value", type=float, help="Claims with a figure of at least this value.")
def search(query, db, kind, since, until, limit, as_json, claims, org, scheme, unit, min_value):
    """Ranked full-text search over paragraphs, or over claims (FTS5 syntax).

    Words must all match; use "exact phrases", OR, NOT and prefix*. Results are ranked by bm25
    and show a snippet with the matches marked. With --claims, each result is a sentence that
    carries a figure, with its organisations, schemes and who said it; --org, --scheme,
    --unit and --min-value narrow the claims (they need `nhscuts extract` to have run).

    Example:

        nhscuts search '"resignation scheme" OR MARS' --kind union --since 2010 --until 2012

        nhscuts search --claims staff --unit people --min-value 1000 --org UHD
    """
    claim_filters = {"--org": org, "--scheme": scheme, "--unit": unit, "--min-value": min_value}
    claim_only = [name for name, value in claim_filters.items() if value is not None]
    if claim_only and not claims:
        raise click.UsageError(f"{', '.join(claim_only)} filter claims: add --claims")
    try:
        dates = {
            "kind": kind,
            "since": date_bound(since) if since else None,
            "until": date_bound(until, end=True) if until else None,
        }
        with open_corpus(db) as corpus:
            if claims:
                filters = ClaimFilters(
                    **dates, organisation=org, scheme=scheme, unit=unit, min_value=min_value
                )
                hits = search_claims(corpus, query, filters, limit=limit)
            else:
                hits = search_paragraphs(corpus, query, SearchFilters(**dates), limit=limit)
    except (QueryError, CorpusError) as error:
        raise click.ClickException(str(error)) from None
    if claims:
        _print_claims(hits, query, as_json)
        return
    if as_json:
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        out.print(f"no paragraphs match {escape(query)!s}")
        return
    for number, hit in enumerate(hits, start=1):
        snippet = _marked(hit.snippet)
        meta = " · ".join(
            part for part in (hit.published or "undated", hit.source, hit.kind) if part
        )
        out.print(f"[bold]{number}. {escape(hit.title or '(untitled)')}[/]  [dim]{escape(meta)}[/]")
        out.print(f"   {snippet}")
        out.print(f"   [blue]{escape(hit.url or '')}[/]  [dim]¶{hit.paragraph}[/]")


def _marked(snippet: str) -> str:
    return escape(snippet).replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/]")


def _figure_label(figure: dict) -> str:
    """ "£21.3m (21,300,000 GBP: deficit)"; what it counts is left out when the unit says it."""
    counts = figure["counts"]
    said = f": {counts}" if counts and counts not in (figure["unit"], "people") else ""
    return f"{figure['text']} ({figure['value']:,} {figure['unit']}{said})"


def _print_claims(hits, query: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        out.print(f"no claims match {escape(query)}")
        return
    for number, hit in enumerate(hits, start=1):
        figures = ", ".join(_figure_label(f) for f in hit.figures)
        names = " · ".join([*hit.organisations, *hit.schemes])
        meta = " · ".join(p for p in (hit.published or "undated", hit.source, hit.kind) if p)
        out.print(f"[bold]{number}.[/] {_marked(hit.snippet)}")
        out.print(
            f"   [green]{escape(figures)}[/]" + (f"  [cyan]{escape(names)}[/]" if names else "")
        )
        said = f"said by {hit.attributed_to} · " if hit.attributed_to else ""
        out.print(f"   [dim]{escape(said)}{escape(hit.title or '(untitled)')} · {escape(meta)}[/]")
        out.print(f"   [blue]{escape(hit.url or '')}[/]")


@cli.command(context_settings=CONTEXT_SETTINGS)
@db_option
@click.option("--format", "export_format", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--table", required=True, help="Table to export, e.g. documents or paragraphs.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write.",
)
def export(db, export_format, table, output):
    """Export every row of a table, streamed in batches, never truncated.

    Example:

        nhscuts export --table paragraphs --format parquet -o paragraphs.parquet
    """
    try:
        with open_corpus(db) as corpus, _progress() as progress:
            task = progress.add_task(f"exporting {table}", total=None)
            count = export_table(
                corpus, table, output, export_format, on_rows=lambda n: progress.advance(task, n)
            )
    except (QueryError, CorpusError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    out.print(f"wrote {count} rows of {table} to {output}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@db_option
def stats(db):
    """Documents by kind, source and year, and the size of each table.

    Example:

        nhscuts stats --db data/demo.db
    """
    with open_corpus(db) as corpus:
        numbers = corpus_stats(corpus)
    out.print(f"[bold]{numbers.documents}[/] documents in {db} ({numbers.file_bytes / 1e6:.1f} MB)")
    for title, rows in [
        ("kind", numbers.by_kind),
        ("source", numbers.by_source),
        ("year", numbers.by_year),
        ("table", numbers.tables),
    ]:
        table = Table(title=f"by {title}" if title != "table" else "tables", title_justify="left")
        table.add_column(title)
        table.add_column("documents" if title != "table" else "rows", justify="right")
        for key, count in rows:
            table.add_row(escape(str(key)), f"{count:,}")
        out.print(table)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file, in a list.")
@click.option("--redo", is_flag=True, help="Corpus mode: extract documents already done again.")
@click.option(
    "--n-process",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Worker processes for spaCy (2 helps on a 2-core machine for large batches).",
)
def extract(files, db, as_json, redo, n_process):
    """Pull figures, organisations, schemes and claims out of documents.

    With FILES (txt, md, html, pdf, docx, not in any corpus): print what each holds, as a
    table or, with --json, as the documented JSON contract. Without FILES: extract every
    corpus document not yet done (all with --redo) and store the results, so that
    `nhscuts search --claims` can find them. A re-run skips finished documents.

    Example:

        nhscuts extract letter.pdf article.html --json > found.json

        nhscuts extract --db data/demo.db
    """
    # Imported here: spaCy takes seconds to import, and the other commands never need it.
    from analysis.extract.pipeline import ExtractOptions, ModelError, build_pipeline

    try:
        options = ExtractOptions(n_process=n_process)
        nlp = build_pipeline(options)
    except (ModelError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if files:
        failed = _extract_files(nlp, options, files, as_json)
        if failed:
            sys.exit(1)
        return
    from analysis.extract.store import extract_corpus, pending_count

    with open_corpus(db) as corpus, _progress() as progress:
        task = progress.add_task("extracting", total=pending_count(corpus, redo))
        try:
            report = extract_corpus(
                corpus, nlp, options, redo=redo, on_document=lambda _: progress.advance(task)
            )
        except CorpusError as error:
            raise click.ClickException(str(error)) from None
    out.print(
        f"extracted {report.documents} documents: {report.figures} figures, "
        f"{report.claims} claims → {db}"
    )


def _extract_files(nlp, options, files, as_json: bool) -> int:
    from analysis.extract.files import extract_files

    results = extract_files(nlp, files, options)
    for result in results:
        if "error" in result:
            err.print(f"[red]error:[/] {escape(result['path'])}: {escape(result['error'])}")
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            if "error" not in result:
                _print_extraction(result)
    return sum(1 for result in results if "error" in result)


def _print_extraction(result: dict) -> None:
    out.print(f"[bold]{escape(result['path'])}[/]  {escape(result['title'] or '')}")
    table = Table("figure", "value", "unit", "counts", title_justify="left")
    for figure in result["figures"]:
        table.add_row(
            escape(figure["text"]),
            f"{figure['value']:,}",
            figure["unit"],
            escape(figure["counts"] or ""),
        )
    if result["figures"]:
        out.print(table)
    for key in ("organisations", "schemes"):
        names = sorted({item["name"] for item in result[key]})
        out.print(f"{key}: {escape(', '.join(names)) if names else '(none)'}")
    out.print(f"claims: {len(result['claims'])}\n")
