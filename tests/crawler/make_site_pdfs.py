"""Write the letter PDFs of the crawler test site (tests/data/site/letters/) with fpdf2.

Run it after changing a letter: `.venv/bin/python tests/crawler/make_site_pdfs.py`. The text
is the project's own; the bodies named "(sample)" are invented.
"""

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

LETTERS = Path(__file__).resolve().parents[1] / "data" / "site" / "letters"

WORKFORCE_LETTER = (
    "Workforce plans for 2025/26",
    "21 March 2025",
    [
        "To: chief executives of NHS trusts and integrated care boards in the Wessex Valley "
        "(sample)",
        "Dear colleague,",
        "Thank you for your draft operating plans. Taken together they show the NHS workforce "
        "in the valley growing by two per cent this year, while the financial plans assume it "
        "will shrink. Both cannot be true.",
        "We ask every organisation to resubmit its workforce plan by 30 April. Plans should "
        "show how corporate and administrative posts will be reduced, how vacancies will be "
        "managed, and what use will be made of voluntary redundancy and mutually agreed "
        "resignation schemes.",
        "Where posts are removed, organisations must consult staff side representatives early, "
        "redeploy staff at risk wherever a suitable vacancy exists, and keep compulsory "
        "redundancies to a minimum.",
        "Yours sincerely,",
        "Regional Director of Workforce (sample)",
    ],
)

MARS_GUIDANCE = (
    "Mutually agreed resignation schemes: a note for employers",
    "2 September 2024",
    [
        "A mutually agreed resignation scheme (MARS) lets an NHS employer and an employee agree "
        "that the employee will leave in return for a payment. It is voluntary for both sides.",
        "Schemes must be approved before they open, and payments are capped. Staff who leave "
        "under a scheme may not be re-employed in the NHS for a period set in the scheme.",
        "Employers should use a scheme only where the post will not be filled again, as part "
        "of a plan to reduce the workforce or running costs, and should publish how many staff "
        "left under it.",
        "Workforce Policy Team (sample)",
    ],
)


def write_letter(path: Path, title: str, dated: str, paragraphs: list[str]) -> None:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Wessex Valley NHS workforce team (sample)")
    # A fixed creation date keeps the file the same from one run to the next.
    pdf.set_creation_date(datetime(2025, 3, 21, 12, 0, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, title)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, dated)
    pdf.ln(4)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


if __name__ == "__main__":
    write_letter(LETTERS / "workforce-letter-2025.pdf", *WORKFORCE_LETTER)
    write_letter(LETTERS / "mars-guidance-2024.pdf", *MARS_GUIDANCE)
    print(f"wrote the letters in {LETTERS}")
