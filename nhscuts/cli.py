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
    FRAMING_GROUPS,
    MARK_CLOSE,
    MARK_OPEN,
    UNITS,
    ClaimFilters,
    QueryError,
    SearchFilters,
    corpus_stats,
    date_bound,
    frame_clusters,
    framing_over_time,
    search_claims,
    search_paragraphs,
)
from nhscuts.config import DB_ENV_VAR, DEFAULT_DB, DEMO_DB, DEMO_PORT, DEMO_SITE

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


SERVE_PORT = 8501


@cli.command(context_settings=CONTEXT_SETTINGS)
@db_option
@click.option(
    "--port",
    default=SERVE_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Loopback port to serve the dashboard on (0: any free port).",
)
def serve(db, port):
    """Start the dashboard (Streamlit) on 127.0.0.1, reading the corpus file --db.

    It runs until interrupted (Ctrl-C). A missing or empty corpus shows a page that says
    how to build one.

    Example:

        nhscuts serve --db data/demo.db --port 8501
    """
    import os
    import socket

    import dashboard

    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "the dashboard needs Streamlit: pip install -e '.[dashboard]' (or make install)"
        ) from None
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    db = db.expanduser().resolve()
    if not db.exists():
        err.print(f"[yellow]no corpus at {escape(str(db))} yet: the dashboard says how to make one")
    out.print(f"dashboard on http://127.0.0.1:{port}/ reading {escape(str(db))}")
    sys.stdout.flush()
    argv = [
        sys.executable, "-m", "streamlit", "run", str(Path(dashboard.__file__).parent / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        # Streamlit's full collection after every script run holds the GIL for 100-160 ms on
        # the 100k-document bench, stalling the scripts the browser is still fetching;
        # Python's own generational collection still runs.
        "--runner.postScriptGC", "false",
    ]  # fmt: skip
    # Replace this process, so that stopping `nhscuts serve` stops the server.
    os.execve(sys.executable, argv, {**os.environ, DB_ENV_VAR: str(db)})


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

    results = extract_files(nlp, files, options, _framer() if as_json else None)
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


def _framer():
    """The framing model for `extract --json`, or None (framing stays null) if it cannot load."""
    from analysis.embed import EmbedError
    from analysis.frames import TextFramer
    from analysis.frames.axis import CodebookError

    try:
        return TextFramer()
    except (EmbedError, CodebookError) as error:
        err.print(f"[yellow]note:[/] framing left empty: {escape(str(error))}")
        return None


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


def backend_option(command):
    return click.option(
        "--backend",
        type=click.Choice(["auto", "onnx", "onnx-int8", "torch"]),
        default="auto",
        show_default=True,
        help="How the model runs. auto: ONNX (exported once to ~/.cache/nhscuts), else torch.",
    )(command)


@cli.command(context_settings=CONTEXT_SETTINGS)
@db_option
@backend_option
def embed(db, backend):
    """Embed every paragraph that has no vector yet, with all-MiniLM-L6-v2, offline.

    Each distinct paragraph text is encoded once and its vector stored in the corpus, so a
    re-run encodes only new text. A paragraph over the model's 256 tokens is split at
    sentence ends and its pieces' vectors averaged. The model comes from an installed
    package; nothing is downloaded. `nhscuts frames` needs this first.

    Example:

        nhscuts embed --db data/demo.db
    """
    from analysis.embed import EmbedError, EmbedOptions, embed_corpus

    with open_corpus(db) as corpus, _progress() as progress:
        task = progress.add_task("embedding paragraphs", total=None)
        try:
            report = embed_corpus(
                corpus,
                EmbedOptions(backend=backend),
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        except (EmbedError, CorpusError) as error:
            raise click.ClickException(str(error)) from None
    via = f" ({report.backend})" if report.backend else ""
    out.print(
        f"encoded {report.encoded} new paragraph texts with {report.model}{via}; "
        f"{report.cached} paragraphs already had a vector"
        + (f", {report.skipped} have no words and get none" if report.skipped else "")
        + f" → {db}"
    )


@cli.command(context_settings=CONTEXT_SETTINGS)
@db_option
@click.option(
    "--k", type=click.IntRange(2, 50), help="Number of clusters (default: chosen by silhouette)."
)
@click.option(
    "--over-time", is_flag=True, help="Print the stored framing per year; compute nothing."
)
@click.option(
    "--by",
    type=click.Choice(FRAMING_GROUPS),
    help="With --over-time: a row per year and kind, source or organisation.",
)
@backend_option
def frames(db, k, over_time, by, backend):
    """Score each paragraph from partnership (+1) to opposition (-1), label it, and cluster.

    Labels are partnership, opposition or neutral, from the paragraph's and its sentences'
    similarity to the codebook (analysis/frames/codebook.toml). A document takes the stance
    that dominates its stance-bearing paragraphs. Clusters are labelled with their top
    terms, typical paragraphs and mean framing. Each run replaces the last. Needs
    `nhscuts embed` first. With --over-time, print the mean framing and counts per year.

    Example:

        nhscuts embed --db data/demo.db && nhscuts frames --db data/demo.db

        nhscuts frames --over-time --by kind --db data/demo.db
    """
    if by and not over_time:
        raise click.UsageError("--by groups the --over-time table: add --over-time")
    if over_time:
        if k:
            raise click.UsageError("--k sets the clusters of a run; --over-time only reads")
        with open_corpus(db) as corpus:
            try:
                rows = framing_over_time(corpus, by)
            except QueryError as error:
                raise click.ClickException(str(error)) from None
        _print_framing_years(rows, by)
        return
    from analysis.embed import EmbedError, EmbedOptions
    from analysis.frames import ClusterOptions, FrameOptions, FramesError, frame_corpus
    from analysis.frames.axis import CodebookError

    with open_corpus(db) as corpus, _progress() as progress:
        task = progress.add_task("framing", total=None)

        def show(stage: str, done: int, total: int | None) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        try:
            options = FrameOptions(
                clusters=ClusterOptions(k=k), embed=EmbedOptions(backend=backend)
            )
            report = frame_corpus(corpus, options, show)
        except (FramesError, EmbedError, CodebookError, CorpusError) as error:
            raise click.ClickException(str(error)) from None
        clusters = frame_clusters(corpus)
        documents = corpus.conn.execute(
            "SELECT label, count(*) FROM document_frames GROUP BY label ORDER BY label"
        ).fetchall()
    _print_frames(report, clusters, documents, db)


def _print_frames(report, clusters, documents, db: Path) -> None:
    if report.note:
        err.print(f"[yellow]note:[/] {escape(report.note)}")
    if report.unembedded:
        err.print(
            f"[yellow]note:[/] {report.unembedded} paragraphs have no vector yet and were "
            f"left out; run `nhscuts embed --db {escape(str(db))}` and then frames again"
        )
    labels = ", ".join(
        f"{report.labels[name]} {name}" for name in ("partnership", "opposition", "neutral")
    )
    out.print(
        f"framed {report.paragraphs} paragraphs of {report.documents} documents "
        f"({report.scorer} scorer): {labels}"
    )
    out.print("documents: " + ", ".join(f"{count} {label}" for label, count in documents))
    result = report.clustering
    if not result.clusters:
        out.print(f"no clusters: {escape(result.note)}")
        return
    out.print(
        f"{result.k} clusters: silhouette {result.silhouette:.3f}, "
        f"outliers {result.outlier_share:.1%}, ARI over five seeds {result.ari:.3f}"
    )
    table = Table("cluster", "paragraphs", "framing", "P / O / N", "top terms")
    for cluster in clusters:
        table.add_row(
            str(cluster["id"]),
            str(cluster["size"]),
            f"{cluster['mean_score']:+.2f}",
            f"{cluster['partnership']} / {cluster['opposition']} / {cluster['neutral']}",
            escape(", ".join(cluster["terms"])),
        )
    out.print(table)


def _print_framing_years(rows, by: str | None) -> None:
    table = Table("year", *([by] if by else []), "docs", "paras", "P", "O", "N", "framing")
    for row in rows:
        table.add_row(
            row.year,
            *([escape(str(row.group))] if by else []),
            str(row.documents),
            str(row.paragraphs),
            str(row.partnership),
            str(row.opposition),
            str(row.neutral),
            f"{row.mean_score:+.2f}",
        )
    out.print(table)
    out.print(
        "[dim]paragraphs labelled P partnership, O opposition, N neutral; framing: their "
        "mean score, partnership +1 … opposition -1[/]"
    )


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("names", nargs=-1, metavar="SOURCE...")
@db_option
@click.option("--list", "list_sources", is_flag=True, help="List the sources and exit.")
@click.option("--url", help="Site mode: crawl this site, which needs no entry in a sources file.")
@click.option(
    "--depth",
    default=2,
    show_default=True,
    type=click.IntRange(0, 10),
    help="Site mode: how many links away from the start page to go.",
)
@kind_option("Site mode: kind of every document stored (default: other).")
@click.option("--since", help="Skip documents published before: YYYY, YYYY-MM or a date.")
@click.option(
    "--max-pages",
    type=click.IntRange(1, None),
    help="Stop each source after this many pages; run again to resume.",
)
@click.option("--keep-all", is_flag=True, help="Store off-topic pages too (no relevance filter).")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own sources file (TOML) instead of the shipped crawler/sources.toml.",
)
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SOURCE=URL",
    help="Crawl a source from another host, e.g. a mirror (repeatable).",
)
@click.option(
    "--relevance",
    "relevance_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own relevance query (TOML) instead of crawler/relevance.toml.",
)
@click.option(
    "--jobdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where an unfinished crawl keeps its state (default: jobs/ beside --db).",
)
@click.option(
    "-s",
    "--set",
    "scrapy_settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="A Scrapy setting for this crawl, e.g. -s DOWNLOAD_DELAY=2 (repeatable).",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Share the crawl's frontier with other crawler processes through this Redis, "
    "e.g. redis://host:6379/0: run the same command on each machine.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the crawl's log: every page's outcome.")
def crawl(
    names,
    db,
    list_sources,
    url,
    depth,
    kind,
    since,
    max_pages,
    keep_all,
    sources_file,
    base_urls,
    relevance_file,
    jobdir,
    scrapy_settings,
    redis_url,
    verbose,
):
    """Crawl news, union and government sources (or one site) into the corpus.

    Polite: obeys robots.txt, at most 2 requests at a time per site, AutoThrottle, retries
    with backoff. Only pages about NHS workforce cuts are stored (see --keep-all). A second
    crawl fetches only what is new or changed; an interrupted one resumes where it stopped.
    Failed pages are listed at the end and never stop the crawl; the exit status is then 1.

    Example:

        nhscuts crawl --list

        nhscuts crawl bbc-health guardian-nhs --since 2025-01 --max-pages 200

        nhscuts crawl --url https://branch.example.org/ --depth 3 --kind union

        nhscuts crawl bbc-health --redis redis://crawl-host:6379/0   # on each machine
    """
    # Imported here: Scrapy takes a while to import, and the other commands never need it.
    from crawler.run import CrawlError, CrawlOptions, run_crawl
    from crawler.sources import SourceError, load_sources

    if list_sources:
        try:
            _print_sources(load_sources(sources_file))
        except SourceError as error:
            raise click.ClickException(str(error)) from None
        return
    try:
        overrides = dict(_name_value(value, "--base-url", "SOURCE=URL") for value in base_urls)
        settings = dict(_name_value(value, "--set", "NAME=VALUE") for value in scrapy_settings)
        options = CrawlOptions(
            db=db,
            sources=names,
            sources_file=sources_file,
            base_urls=overrides,
            url=url,
            depth=depth,
            kind=kind or "other",
            since=date_bound(since) if since else None,
            max_pages=max_pages,
            keep_all=keep_all,
            relevance_file=relevance_file,
            jobdir=jobdir,
            settings=settings,
            # Page failures are listed at the end; without -v only a crash is logged as it happens.
            log_level="INFO" if verbose else "CRITICAL",
            redis_url=redis_url,
        )
    except (ValueError, QueryError) as error:
        raise click.UsageError(f"{error} (see `nhscuts crawl --help`)") from None
    with _crawl_progress() as progress:
        task = progress.add_task(_crawl_counts(None), total=None)

        def show(report) -> None:
            progress.update(task, description=_crawl_counts(report))

        def log(line: str) -> None:
            progress.console.print(escape(line), style="dim" if verbose else "red")

        try:
            report = run_crawl(options, progress=show, on_log=log)
        except (CrawlError, CorpusError) as error:
            raise click.ClickException(str(error)) from None
    _print_crawl_report(report, db)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_DB,
    show_default=True,
    help="Corpus file to crawl the demo site into.",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEMO_SITE,
    show_default=True,
    help="Folder to build the sample site in.",
)
@click.option(
    "--port",
    default=DEMO_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Loopback port to serve the site on while it is crawled (0: any free port).",
)
def demo(db, site_dir, port):
    """Build the sample site, serve it on loopback and crawl it into the demo corpus.

    The 44 sample documents (corpus/samples) become a small website, as publishers make
    them: article pages, a paginated listing, an RSS feed, a sitemap, robots.txt and PDF
    letters. It is crawled with the real spiders, one source per kind of document
    (crawler/demo_sources.toml). A second run fetches only what changed.

    Example:

        nhscuts demo && nhscuts stats --db data/demo.db
    """
    from crawler.demo_site import crawl_demo_site
    from crawler.run import CrawlError

    with _crawl_progress() as progress:
        task = progress.add_task(_crawl_counts(None), total=None)
        try:
            report = crawl_demo_site(
                db,
                site_dir,
                port=port,
                progress=lambda report: progress.update(task, description=_crawl_counts(report)),
                on_log=lambda line: progress.console.print(escape(line), style="red"),
            )
        except OSError as error:
            raise click.ClickException(
                f"cannot serve the demo site on port {port} ({error.strerror or error}); "
                "pass --port 0 to use any free port"
            ) from None
        except (CrawlError, CorpusError) as error:
            raise click.ClickException(str(error)) from None
    _print_crawl_report(report, db)


def _name_value(value: str, option: str, form: str) -> tuple[str, str]:
    name, sep, given = value.partition("=")
    if not sep or not name.strip() or not given.strip():
        raise click.UsageError(f"{option} takes {form}, not {value!r}")
    return name.strip(), given.strip()


def _print_sources(sources) -> None:
    table = Table("source", "kind", "spider", "title", "base URL", title_justify="left")
    for source in sources.values():
        row = (source.name, source.kind, source.spider, escape(source.title), source.base_url)
        table.add_row(*row)
    out.print(table)


def _crawl_progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    )


def _crawl_counts(report) -> str:
    if report is None:
        return "crawling: starting"
    return (
        f"crawling: {report.fetched} fetched, {report.stored} stored, "
        f"{report.filtered} filtered, {report.failed} failed"
    )


def _print_crawl_report(report, db: Path) -> None:
    out.print(
        f"{report.fetched} fetched, {report.stored} stored"
        + (f" ({report.near_duplicates} near-duplicates)" if report.near_duplicates else "")
        + (f" ({report.updated} new versions of stored pages)" if report.updated else "")
        + f", {report.duplicates} duplicates, {report.filtered} off-topic, "
        f"{report.unchanged} unchanged, {report.skipped} skipped, {report.failed} failed → {db}"
    )
    for failure in report.failures:
        err.print(f"[red]failed:[/] {escape(failure.url)}: {escape(failure.reason)}")
    if not report.finished:
        stopped = ", ".join(sorted(set(report.stop_reasons.values()))) or "interrupted"
        out.print(f"[yellow]stopped early ({escape(stopped)}):[/] run the same command to resume")
    if report.failed:
        sys.exit(1)  # the pages stored are kept; a script can tell that some were not
