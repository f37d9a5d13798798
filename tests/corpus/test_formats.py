"""Bytes to text and metadata, for each format, on files the tests write and on real pages."""

import io
import json
import re

import pytest

from corpus.formats import UnreadableDocument, decode_text, extract, guess_date, pdf_page_paragraphs
from tests.conftest import ARTICLE, shared_path


def test_plain_text_title_author_date_and_paragraphs():
    result = extract(ARTICLE.encode(), "text/plain")
    assert result.title == "Trust asks staff to consider resignation scheme"
    assert result.author == "Alex Example"
    assert result.published == "2025-03-14"
    assert result.text.split("\n\n")[2].startswith("Around 9,000 staff")


def test_cp1252_text_decodes_correctly():
    raw = "Staff face £20 billion “efficiency savings” – a café worker’s view".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert extract(raw, "text/plain").text == (
        "Staff face £20 billion “efficiency savings” – a café worker’s view"
    )


def test_markdown_front_matter_wins_over_guesses():
    raw = (
        b'---\ntitle: "Branch leaflet"\npublished: 2010-09-20\nkind: union\n'
        b'source: "Branch (sample)"\nurl: "https://example.invalid/a.html"\n---\n\n'
        b"# A heading\n\nMARS is cuts on the cheap, 14 March 2011.\n"
    )
    result = extract(raw, "text/markdown")
    assert (result.title, result.published, result.kind, result.source, result.url) == (
        "Branch leaflet",
        "2010-09-20",
        "union",
        "Branch (sample)",
        "https://example.invalid/a.html",
    )
    assert result.text == "A heading\n\nMARS is cuts on the cheap, 14 March 2011."


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (b"", "text/plain", "empty file"),
        (b"   \n\n  ", "text/plain", "empty file"),
        (bytes(range(256)) * 20, "text/plain", "binary data"),
        (b"%PDF-1.4 this is not really a pdf", "application/pdf", "corrupt or unreadable PDF"),
        (b"\x89PNG\r\n\x1a\n fake", "text/markdown", "binary data"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html", "no main text"),
        (
            b"PK\x03\x04 not a docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "corrupt or unreadable .docx",
        ),
        (b"---\ntitle: [unclosed\n---\nbody", "text/markdown", "malformed front matter"),
    ],
)
def test_bad_input_raises_a_short_reason(data, content_type, reason):
    with pytest.raises(UnreadableDocument, match=reason):
        extract(data, content_type)


def test_html_main_text_without_boilerplate():
    html = b"""<html><head><title>Jobs at risk | Wessex Post</title>
    <meta property="article:published_time" content="2024-05-02T09:00:00Z"></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li></ul></nav>
    <article><h1>Jobs at risk at Wessex hospital</h1>
    <p>About 200 administrative posts are at risk at the hospital trust, managers confirmed on
    Thursday, as the trust tries to close a deficit of \xc2\xa321.3m this year.</p>
    <p>The trust said it would work in partnership with trade unions to redeploy staff and
    avoid compulsory redundancies wherever possible.</p>
    <p>UNISON said members would resist any cuts to frontline services across the county.</p>
    </article><footer>Copyright Wessex Post. Cookie settings.</footer></body></html>"""
    result = extract(html, "text/html")
    assert "About 200 administrative posts" in result.text
    assert "Cookie settings" not in result.text and "Sport" not in result.text
    assert result.published == "2024-05-02"
    assert len(result.text.split("\n\n")) >= 3


def test_real_bbc_page_matches_its_ground_truth():
    page = shared_path("fixtures", "extraction", "web-page-parser", "bbc_news", "10341015.stm.html")
    truth = json.loads(page.with_name("10341015.stm.expected.json").read_text())
    result = extract(page.read_bytes(), "text/html", url=truth["url"])
    paragraphs = result.text.split("\n\n")
    first_paragraphs = [
        check["value"]
        for check in truth["parser_versions"][0]["checks"]
        if check["attr"] in ("content[0]", "content[1]", "content[2]") and not check["negated"]
    ]
    assert len(first_paragraphs) == 3
    for expected in first_paragraphs:
        assert expected in paragraphs
    # The visible <h1>, as the ground truth of the other BBC pages has it, not the meta Headline.
    assert result.title == "Coalition government axes £2bn of projects"
    assert result.published == "2010-06-17"


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for line in lines:
        pdf.multi_cell(0, 6, line)
        pdf.ln(4)
    return bytes(pdf.output())


def test_pdf_letter_text_title_and_date():
    body = (
        "Many NHS organisations are reviewing the way they work. Employers and staff need to be "
        "supported through these changes, and trusts should ring-fence vacancies for staff at "
        "risk before they recruit more widely."
    )
    data = make_pdf(
        ["Managing workforce change", "31 October 2006", "Dear Colleague,", body],
        title="Managing workforce change",
    )
    result = extract(data, "application/pdf")
    assert result.title == "Managing workforce change"
    assert result.published == "2006-10-31"
    paragraphs = result.text.split("\n\n")
    # The wrapped body lines are joined back into one paragraph.
    assert any(
        p.startswith("Many NHS organisations") and p.endswith("more widely.") for p in paragraphs
    )


def test_real_letter_pdf_matches_its_ground_truth():
    pdf = shared_path("fixtures", "pdf", "office-of-the-public-guardian-test-letter.pdf")
    truth = json.loads(
        pdf.with_name("office-of-the-public-guardian-test-letter.expected.json").read_text()
    )
    result = extract(pdf.read_bytes(), "application/pdf")
    flat = " ".join(result.text.split())
    for snippet in truth["text_must_contain"]:
        assert snippet in flat
    assert result.published == "2020-03-30"  # the letter's own date, not the file's


def test_docx_paragraphs_and_core_properties():
    import docx

    document = docx.Document()
    document.core_properties.title = "Board paper: workforce plan"
    document.core_properties.author = "Director of Workforce"
    document.add_paragraph("Workforce plan 2016/17")
    document.add_paragraph(
        "The trust will hold 120 vacancies open to meet its cost improvement plan."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract(
        buffer.getvalue(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert result.title == "Board paper: workforce plan"
    assert result.author == "Director of Workforce"
    assert result.text.split("\n\n")[1].startswith("The trust will hold 120 vacancies")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rory Woods 20 January 2025", "2025-01-20"),
        ("Published on March 3, 2011 by staff", "2011-03-03"),
        ("Date: 02/09/2010", "2010-09-02"),
        ("Gateway reference 7317, no date here", None),
        ("The 2024/25 financial year", None),
    ],
)
def test_guess_date(text, expected):
    assert guess_date(text) == expected


def test_pdf_lines_rejoin_but_lists_stay_apart():
    page = (
        "Dear Colleague,\n"
        "The framework sets out a range of measures that can help employers reduce\n"
        "costs and reshape their workforce without recourse to redundancies.\n"
        "- ring-fence vacancies for at-risk staff\n"
        "- interviews with a personal adviser\n"
    )
    assert pdf_page_paragraphs(page).split("\n\n") == [
        "Dear Colleague,",
        "The framework sets out a range of measures that can help employers reduce costs and "
        "reshape their workforce without recourse to redundancies.",
        "- ring-fence vacancies for at-risk staff",
        "- interviews with a personal adviser",
    ]


def test_pdf_words_hyphenated_at_a_line_break_are_rejoined():
    # Joined with a space they were "vacancy con- trol", which neither search nor the scheme
    # patterns find; a hyphen that belongs to the word (a URL, "well-known") stays.
    page = (
        "The trust has set up a vacancy con-\n"
        "trol panel for every post and an or-\n"
        "ganisational change programme for non-\n"
        "clinical staff, by a well-\n"
        "known route; see www.gov.uk/check-\n"
        "state-pension for the details of it all.\n"
    )
    assert pdf_page_paragraphs(page) == (
        "The trust has set up a vacancy control panel for every post and an organisational "
        "change programme for non-clinical staff, by a well-known route; see "
        "www.gov.uk/check-state-pension for the details of it all."
    )


def test_a_real_letters_links_broken_across_lines_come_out_whole():
    pdf = shared_path("fixtures", "pdf", "dwp-state-pension-forecast-letter.pdf")
    text = extract(pdf.read_bytes(), "application/pdf").text
    for link in ("www.gov.uk/check-state-pension", "www.gov.uk/new-state-pension"):
        assert link in text
    assert not re.search(r"[a-z]- [a-z]", text)  # no word left broken by a space


def test_decode_prefers_utf8():
    assert decode_text("£9.3bn".encode()) == "£9.3bn"
