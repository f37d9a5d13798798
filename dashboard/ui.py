"""What every page shares: the corpus check, the sidebar filters, highlighting and units."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import streamlit as st

from corpus.queries import MARK_CLOSE, MARK_OPEN
from dashboard import data

# Distinct colours for what extraction found; <mark> (yellow) is what the search matched.
STYLE = """
<style>
.nc-text { line-height: 1.7; }
.nc-text mark { background: #fde68a; padding: 0 2px; border-radius: 3px; }
.nc-figure { background: #bfdbfe; border-bottom: 2px solid #1d4ed8; padding: 0 2px; }
.nc-organisation { background: #bbf7d0; border-bottom: 2px solid #15803d; padding: 0 2px; }
.nc-scheme { background: #fbcfe8; border-bottom: 2px solid #be185d; padding: 0 2px; }
.nc-frame { font-size: 0.8em; padding: 1px 6px; border-radius: 8px; color: white; }
.nc-partnership { background: #0f766e; } .nc-opposition { background: #b91c1c; }
.nc-neutral { background: #6b7280; }
</style>
"""
LEGEND = (
    '<span class="nc-figure">figure</span> · <span class="nc-organisation">organisation</span>'
    ' · <span class="nc-scheme">scheme</span> · <mark>search match</mark>'
)
SPAN_CLASS = {"figures": "nc-figure", "organisations": "nc-organisation", "schemes": "nc-scheme"}
ALL = "all"
# An axis of counts: thousands separated, and whole-number ticks only, so that a chart of a
# few documents does not read "0 0 0 1 1 1 2 2".
COUNT_AXIS = alt.Axis(format=",d", tickMinStep=1)


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters, shared by every page."""

    kind: str | None
    since: str | None
    until: str | None

    def args(self) -> tuple:
        return self.kind, self.since, self.until


def start_page(title: str) -> tuple[data.Source, Filters]:
    """Check the corpus (a friendly page, then stop, when there is none), draw the filters.

    Returns the corpus (its path and data version, which key the cached reads) and the
    filters.
    """
    st.markdown(STYLE, unsafe_allow_html=True)
    path = str(data.db_path())
    status = data.corpus_status(path)
    if not status.ok:
        no_corpus(status)
        st.stop()
    st.title(title)
    source = data.source(path)
    return source, sidebar_filters(source)


def no_corpus(status: data.Status) -> None:
    st.title("No corpus to show yet")
    if status.state == "missing":
        st.info(f"There is no corpus file at `{status.path}`.")
    elif status.state == "empty":
        st.info(f"The corpus at `{status.path}` holds no documents yet.")
    else:
        st.warning(f"The corpus at `{status.path}` cannot be read: {status.message}")
    st.markdown(
        """
Build one, then reload this page:

```bash
make demo                                   # the sample corpus, in data/demo.db
nhscuts add my-documents/ --db data/corpus.db   # or import your own files
nhscuts extract --db data/corpus.db             # figures, organisations, schemes, claims
nhscuts serve --db data/corpus.db               # this dashboard on that corpus
```
"""
    )


def _keep(key: str) -> None:
    st.session_state[f"_kept_{key}"] = st.session_state[key]


def kept_widget(key: str, default):
    """Give a widget's key the value it had on any page, so that it persists across pages."""
    kept = f"_kept_{key}"
    if kept not in st.session_state:
        st.session_state[kept] = default
    st.session_state[key] = st.session_state[kept]
    return {"key": key, "on_change": _keep, "args": (key,)}


def restore_from_url(url_keys: dict[str, str]) -> None:
    """Fill each widget key from its URL parameter (`{param: key}`) on a page's first run, so
    that a shared link opens the page as it was."""
    for param, key in url_keys.items():
        if key not in st.session_state and param in st.query_params:
            st.session_state[key] = st.query_params[param]


def keep_in_url(shown: dict[str, str]) -> None:
    """Write what the page shows (`{param: value}`) into its URL; an empty value is removed."""
    for param, value in shown.items():
        if value:
            st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]


def show_views(views: dict[str, Callable[[], None]]) -> None:
    """One tab per view, and only the open one runs and is drawn: a first visit costs one
    view, not all. The open view is kept in the URL (?view=Over+time), so it can be shared."""
    tabs = st.tabs(list(views), key="view", bind="query-params")
    for tab, draw in zip(tabs, views.values(), strict=True):
        with tab:
            if tab.open:
                draw()


def sidebar_filters(source: data.Source) -> Filters:
    with st.sidebar:
        st.subheader("Filters")
        kind = st.selectbox("Kind of document", [ALL, *data.KINDS], **kept_widget("kind", ALL))
        years = data.published_years(source)
        since = until = None
        if years and years[0] < years[1]:
            kept = st.session_state.get("_kept_years")
            if kept:  # the corpus may have grown or shrunk since
                low, high = max(kept[0], years[0]), min(kept[1], years[1])
                st.session_state["_kept_years"] = (low, high) if low <= high else years
            low, high = st.slider(
                "Published between",
                min_value=years[0],
                max_value=years[1],
                **kept_widget("years", years),
            )
            # The whole range means no date filter, so undated documents stay in.
            if (low, high) != years:
                since, until = f"{low}-01-01", f"{high}-12-31"
        st.caption(f"Corpus: `{source.path}`")
    return Filters(None if kind == ALL else kind, since, until)


def marks_from_highlight(highlighted: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text of an FTS5 highlight() and the offsets of its <mark>ed terms."""
    plain, marks, position = [], [], 0
    rest = highlighted
    while True:
        before, found, rest = rest.partition(MARK_OPEN)
        plain.append(before)
        position += len(before)
        if not found:
            break
        inside, _, rest = rest.partition(MARK_CLOSE)
        plain.append(inside)
        marks.append((position, position + len(inside)))
        position += len(inside)
    return "".join(plain), marks


def render_spans(text: str, spans: list[dict], marks: list[tuple[int, int]] = ()) -> str:
    """HTML of `text` with each span (kind, start, end, label) and search mark highlighted."""
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((max(0, span["start"]), min(len(text), span["end"])))
    for start, end in marks:
        cuts.update((start, end))
    cuts = sorted(cut for cut in cuts if 0 <= cut <= len(text))
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[start:end])
        covering = [s for s in spans if s["start"] <= start and end <= s["end"]]
        for span in covering:
            title = html.escape(f"{span['kind'][:-1]}: {span['label']}", quote=True)
            piece = f'<span class="{SPAN_CLASS[span["kind"]]}" title="{title}">{piece}</span>'
        if any(m_start <= start and end <= m_end for m_start, m_end in marks):
            piece = f"<mark>{piece}</mark>"
        out.append(piece)
    return "".join(out)


def format_value(value: float, unit: str) -> str:
    """A figure's value with its unit: £20,000,000,000, 9,000 people, 50%."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if unit == "GBP":
        return f"£{number}"
    if unit == "percent":
        return f"{number}%"
    if unit in ("people", "months", "years"):
        return f"{number} {unit}"
    return number


def frame_badge(frame: dict | None) -> str:
    if not frame:
        return ""
    label = frame["label"]
    return f'<span class="nc-frame nc-{label}" title="score {frame["score"]:+.2f}">{label}</span> '


_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>$|~]")


def markdown_table(header: list[str], rows: list[list], numeric: int = 0) -> str:
    """A markdown table; its last `numeric` columns right-aligned.

    Small tables are drawn this way rather than with st.dataframe or st.table: either loads
    and draws a data grid beside Vega's scripts, which made a first visit to a page with
    charts 0.3-0.45 s slower to draw (bench/bench_dashboard.py).
    """

    def cell(value) -> str:
        # A title from the web may hold "*", "_", "[", "$" (Streamlit's maths) or "|".
        return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", str(value)).replace("\n", " ")

    align = ["---"] * (len(header) - numeric) + ["--:"] * numeric
    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)
