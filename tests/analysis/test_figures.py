"""The figure normaliser and linker on sentences of the kind the corpus holds."""

import pytest

from analysis.extract.document import TextToExtract, extract_texts


def figures_of(nlp, text: str) -> list[tuple]:
    doc = nlp(text)
    return [(f["text"], f["value"], f["unit"], f["kind"]) for f in doc._.nhs_figures]


def document_figures(nlp, text: str) -> list[tuple]:
    """(text, value, unit) of each figure of a whole document, read as `nhscuts extract`
    reads one: paragraph by paragraph, tables given their units."""
    [(_, result)] = list(extract_texts(nlp, [TextToExtract("paper", text)]))
    return [(f["text"], f["value"], f["unit"]) for f in result["figures"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The ICB plans a deficit of £21.3m this year.", [("£21.3m", 21300000, "GBP", "money")]),
        ("Trusts must find £9.3bn of savings.", [("£9.3bn", 9300000000, "GBP", "money")]),
        ("It means £20 billion of cuts.", [("£20 billion", 20000000000, "GBP", "money")]),
        ("Nine thousand staff were emailed.", [("Nine thousand", 9000, "people", "count")]),
        ("ICBs must halve their running costs.", [("halve", 50, "percent", "percent")]),
        ("Half of all posts will go.", [("Half", 50, "percent", "percent")]),
        (
            "Between 200 and 300 posts are at risk.",
            [("200", 200, "people", "count"), ("300", 300, "people", "count")],
        ),
        ("Pay rises by 2 per cent.", [("2 per cent", 2, "percent", "percent")]),
        ("Spending is £18.76 per head.", [("£18.76", 18.76, "GBP", "money")]),
        ("Staff get 12 months' pay.", [("12", 12, "months", "duration")]),
        ("Those with 24 years of service qualify.", [("24", 24, "years", "duration")]),
        (
            "The NHS employs around 1.3 million staff.",
            [("1.3 million", 1300000, "people", "count")],
        ),
        ("Savings of 6.9 percent are due.", [("6.9 percent", 6.9, "percent", "percent")]),
        ("The 42 ICBs face cuts.", [("42", 42, "count", "count")]),
        ("Another 109 are nursing posts.", [("109", 109, "people", "count")]),
        ("Redundancies will be fewer than 20.", [("20", 20, "people", "count")]),
        ("A population of around 800,000 relies on it.", [("800,000", 800000, "people", "count")]),
        ("She served for two decades.", [("two", 20, "years", "duration")]),
        ("The payment is half a month's pay.", [("half", 0.5, "months", "duration")]),
        ("Applications fell by about a third.", [("a third", 33.33, "percent", "percent")]),
        ("Set-up costs are put at £450k.", [("£450k", 450000, "GBP", "money")]),
        (
            "Savings of £15 to £20 billion are needed.",
            [("£15", 15000000000, "GBP", "money"), ("£20 billion", 20000000000, "GBP", "money")],
        ),
        (
            "A further £2-3m must be found.",
            [("£2", 2000000, "GBP", "money"), ("3m", 3000000, "GBP", "money")],
        ),
        ("It costs twenty million pounds.", [("twenty million", 20000000, "GBP", "money")]),
        ("A board covering a million people.", [("a million", 1000000, "people", "count")]),
        ("Protection lasts two and a half years.", [("two and a half", 2.5, "years", "duration")]),
        ("About three-quarters agreed.", [("three-quarters", 75, "percent", "percent")]),
        (
            "That is roughly one in five jobs.",
            [("one", 1, "people", "count"), ("five", 5, "people", "count")],
        ),
        (
            "Nine in ten of the posts are vacant.",
            [("Nine", 9, "people", "count"), ("ten", 10, "people", "count")],
        ),
        (
            "One ward in three closed.",
            [("One", 1, "count", "count"), ("three", 3, "count", "count")],
        ),
        ("312 replied to the survey.", [("312", 312, "people", "count")]),
        ("They want two hundred of us gone.", [("two hundred", 200, "people", "count")]),
        (
            "It will cut 150 of its 410 management and administrative posts.",
            [("150", 150, "people", "count"), ("410", 410, "people", "count")],
        ),
        (
            "- Vacancies being held open: over 150\n- Applications so far: about forty",
            [("150", 150, "people", "count"), ("forty", 40, "count", "count")],
        ),
        (
            "There are 573 jobs in Nottingham, 451 in Derby and 286 employed in Leicester.",
            [
                ("573", 573, "people", "count"),
                ("451", 451, "people", "count"),
                ("286", 286, "people", "count"),
            ],
        ),
    ],
)
def test_figures_are_normalised(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The scheme was agreed in 2010 and ended in 2014.",
        "Applications close on 24 January, and the letter is dated 31 October 2006.",
        "Plans for the 2024/25 financial year and for 2016-17 were approved.",
        "Call the branch on 0808 100 2210 or 01632 960418.",
        "Gateway reference: 7317. See Section 16 and paragraph 4.",
        "Staff in bands 2 to 4 may apply.",
        "This is the second round; the 3rd review follows.",
        "COVID-19 and NHS 111 were mentioned at 12.30pm.",
        "One of the trusts said no one would be forced out.",
        "Malformed: £1,2,3 and 1.2.3% and a lone £ sign.",
        "1. The letter follows.\n2. It was sent to Richmond House, 79 Whitehall.",
        "Sessions on 13, 15 and 20 May and on 12 and 26 March, from 10am to 12 noon.",
        "See columns 512 to 520, Page 1 of 12 and Pages 41-46 of the month 8 report.",
        "Our reference FOI 24-0871; write to Cheshire SK9 5AF or ring 01632 960215.",
        "Spend in Q1 and Q2, at M6, rose; the Five Year Forward View and 10 Year Health Plan.",
        "One of the trusts offered a one-to-one meeting; one thing is clear.",
        "Agreed at ELT on 4/11/24; contracts end by 31.03.25 and the trust formed five years ago.",
        "Headcount rose in 2020.1 Locally it fell.[4] Ring option 2 for Band 5, pay point 3.",
        "Notes\n1 Published national statistics.\n2 Trusts' annual reports.",
    ],
)
def test_things_that_are_not_figures(nlp, sentence):
    assert figures_of(nlp, sentence) == []


@pytest.mark.parametrize(
    ("sentence", "figure", "counts"),
    [
        ("Around 9,000 staff received the email.", "9,000", "staff"),
        ("The board reported a deficit of £21.3m.", "£21.3m", "deficit"),
        ("Unions oppose £20 billion of cuts.", "£20 billion", "cuts"),
        ("The ICBs must cut running costs by 50%.", "50%", "running costs"),
        (
            "Staff get severance payments, which are capped at £80,000.",
            "£80,000",
            "severance payments",
        ),
        (
            "Trusts deliver cost improvement plans totalling £9.3bn.",
            "£9.3bn",
            "cost improvement plans",
        ),
    ],
)
def test_figures_are_tied_to_what_they_count(nlp, sentence, figure, counts):
    found = {f["text"]: f["counts"] for f in nlp(sentence)._.nhs_figures}
    assert found[figure] == counts


def test_offsets_point_into_the_whole_document(nlp):
    text = "Title line\n\nFirst paragraph.\n\nThe trust will cut 250 posts to save £4.5m."
    [(_, result)] = extract_texts(nlp, [TextToExtract("doc", text)])
    for figure in result["figures"]:
        assert text[figure["start"] : figure["end"]] == figure["text"]
    assert [f["paragraph"] for f in result["figures"]] == [3, 3]
    assert result["claims"][0]["sentence"] == "The trust will cut 250 posts to save £4.5m."


BOARD_PAPER = """Finance report

2. Income and expenditure (£m)

Line | Annual plan | YTD actual | Variance %
Pay costs | (352.4) | (181.1) | 2.1

4. Workforce (WTE) at 30 September 2024

Staff group        Plan     Actual
Registered nursing     2,412     2,376
"""


def test_table_cells_take_their_column_unit(nlp):
    assert document_figures(nlp, BOARD_PAPER) == [
        ("352.4", 352400000, "GBP"),
        ("181.1", 181100000, "GBP"),
        ("2.1", 2.1, "percent"),
        ("2,412", 2412, "people"),
        ("2,376", 2376, "people"),
    ]


WORKFORCE_TABLE = """Table 2: Establishment changes by staff group

Staff group         | Band | Budget WTE Apr-19 | Budget WTE Mar-20 | Reduction
Admin and clerical  | 3    | 902.6             | 851.9             | 50.7
Office manager      | 5    | 1.0               | 1.0               | 0.0

Table A: Number of leavers by type

Year    | Compulsory | Voluntary
2023/24 | 7          | 22
"""


def test_change_columns_band_columns_and_zeros_in_tables(nlp):
    """ "Reduction" takes the unit of the WTE columns beside it, a "Band" column holds labels,
    a zero counts nothing, and a caption naming leavers makes its cells people."""
    assert document_figures(nlp, WORKFORCE_TABLE) == [
        ("902.6", 902.6, "people"),
        ("851.9", 851.9, "people"),
        ("50.7", 50.7, "people"),
        ("1.0", 1, "people"),
        ("1.0", 1, "people"),
        ("7", 7, "people"),
        ("22", 22, "people"),
    ]


ROW_UNITS = """Table 1: Key indicators, month 7

Indicator                    | Plan  | Actual
Income and expenditure (£m)  | (1.9) | (2.6)
Agency staff (WTE)           | 85    | 112
Sickness absence (%)         | 4.0   | 4.6

Table 2: Workforce savings by division (£'000)

Division | Target | Delivered
Medicine | 2,100  | 1,780
"""


def test_row_labels_and_thousands_captions_give_units(nlp):
    assert document_figures(nlp, ROW_UNITS) == [
        ("1.9", 1900000, "GBP"),
        ("2.6", 2600000, "GBP"),
        ("85", 85, "people"),
        ("112", 112, "people"),
        ("4.0", 4, "percent"),
        ("4.6", 4.6, "percent"),
        ("2,100", 2100000, "GBP"),
        ("1,780", 1780000, "GBP"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Sickness rose 0.6 percentage points.",
            [("0.6 percentage points", 0.6, "percent", "percent")],
        ),
        ("Spend fell by about a sixth.", [("a sixth", 16.67, "percent", "percent")]),
        ("Nights were paid at time plus a third.", [("a third", 33.33, "percent", "percent")]),
        (
            "Nobody voted for a third fewer appointments.",
            [("a third", 33.33, "percent", "percent")],
        ),
        (
            "It is 1 in 9 of its 108-strong team.",
            [
                ("1", 1, "people", "count"),
                ("9", 9, "people", "count"),
                ("108", 108, "people", "count"),
            ],
        ),
        (
            "It froze 22 vacant posts, and says another 15 may go.",
            [("22", 22, "people", "count"), ("15", 15, "people", "count")],
        ),
        (
            "Its 12 posts are mostly vacant. The campaign says 7 of the 12 are filled.",
            [
                ("12", 12, "people", "count"),
                ("7", 7, "people", "count"),
                ("12", 12, "people", "count"),
            ],
        ),
        (
            "It breached the cap on 1,140 shifts, against 3,970 the year before.",
            [("1,140", 1140, "count", "count"), ("3,970", 3970, "count", "count")],
        ),
        (
            "The trust's 2019 staff survey had a 47% response rate.",
            [("47%", 47, "percent", "percent")],
        ),
        (
            "You may appeal to a panel of 3 within 10 working days.",
            [("3", 3, "people", "count"), ("10", 10, "count", "count")],
        ),
    ],
)
def test_forms_from_the_third_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


LISTS_AND_RANKS = """Workforce by staff group (WTE, month 7)
• Medical: 1,032; 9 consultant posts out to advert
• Estates and facilities: 702

Rank | Trust | Agency as % of pay
1 | Wessex Valley | 1.2%
28 | Kingsmere Hospitals | 7.9%"""


def test_list_headings_give_units_and_rank_columns_are_labels(nlp):
    assert document_figures(nlp, LISTS_AND_RANKS) == [
        ("1,032", 1032, "people"),
        ("9", 9, "people"),
        ("702", 702, "people"),
        ("1.2%", 1.2, "percent"),
        ("7.9%", 7.9, "percent"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Two-fifths of trusts agreed.", [("Two-fifths", 40, "percent", "percent")]),
        ("Nine-tenths of the gap is pay.", [("Nine-tenths", 90, "percent", "percent")]),
        ("Staff said a quarter worked late.", [("a quarter", 25, "percent", "percent")]),
        (
            "Costs fall to twelve point five million pounds.",
            [("twelve point five million", 12500000, "GBP", "money")],
        ),
        ("She was offered forty grand.", [("forty", 40000, "GBP", "money")]),
        (
            "Exit costs may be nine to ten million pounds.",
            [("nine", 9000000, "GBP", "money"), ("ten million", 10000000, "GBP", "money")],
        ),
        (
            "It is part of a £15-20bn efficiency gap.",
            [("£15", 15000000000, "GBP", "money"), ("20bn", 20000000000, "GBP", "money")],
        ),
        (
            "Spend falls from £31m a year to around 15.5 million.",
            [("£31m", 31000000, "GBP", "money"), ("15.5 million", 15500000, "GBP", "money")],
        ),
        ("Payback takes 2½ years.", [("2½", 2.5, "years", "duration")]),
        ("Bulletin at 18:30:05 tonight, 19:00 tomorrow.", []),
        ("Question [107412] was tabled.", []),
        (
            "Referrals rose to 2,640, up from 2,210 two years earlier.",
            [("2,640", 2640, "count", "count"), ("2,210", 2210, "count", "count")],
        ),
        ("The board meets on the twenty-second of May.", []),
        ("Motion 3 was carried, as noted in minute 39.", []),
        (
            "Some 58% would recommend it, up three points.",
            [("58%", 58, "percent", "percent"), ("three", 3, "percent", "percent")],
        ),
        (
            "A response rate of 27%; n=612.",
            [("27%", 27, "percent", "percent"), ("612", 612, "people", "count")],
        ),
        (
            "It is 1.5 hours for each of its 1,050 registered nurses.⁶",
            [("1.5", 1.5, "count", "count"), ("1,050", 1050, "people", "count")],
        ),
        ("Membership stood at 1,214 in January.", [("1,214", 1214, "people", "count")]),
        ("Of the trusts, 21 published workforce plans.", [("21", 21, "count", "count")]),
        ("Around 420 children are on each list.", [("420", 420, "people", "count")]),
        (
            "One chair said it was fair. Another disagreed.",
            [],
        ),
    ],
)
def test_forms_from_the_fourth_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


CAPTION_IN_BLOCK = """C4. Workforce (WTE, at 31 March)
Directorate | 2025 | 2026
Finance | 96.4 | 80.0
Total | 520.9 | 424.1

Exit packages
Cost band | Compulsory redundancies | Other departures | Total number
<£10,000 | 3 | 7 | 10
Total resource cost (£000) | 142 | 166 | 308"""


def test_captions_in_the_block_year_headers_and_money_rows_under_people(nlp):
    assert document_figures(nlp, CAPTION_IN_BLOCK) == [
        ("96.4", 96.4, "people"),
        ("80.0", 80, "people"),
        ("520.9", 520.9, "people"),
        ("424.1", 424.1, "people"),
        ("£10,000", 10000, "GBP"),
        ("3", 3, "people"),
        ("7", 7, "people"),
        ("10", 10, "people"),
        ("142", 142000, "GBP"),
        ("166", 166000, "GBP"),
        ("308", 308000, "GBP"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Money with no "£" beside the number: the clause or the sentence says it is money.
        ("The trust reports a deficit of 7.2 million.", [("7.2 million", 7200000, "GBP", "money")]),
        ("Agency costs rose by 1.8m in the year.", [("1.8m", 1800000, "GBP", "money")]),
        ("It received 3 million in one-off support.", [("3 million", 3000000, "GBP", "money")]),
        ("A clerk earns a little over 22,500 a year.", [("22,500", 22500, "GBP", "money")]),
        ("The ward was paid a 400,000 grant.", [("400,000", 400000, "GBP", "money")]),
        ("The welfare fund made 17 grants.", [("17", 17, "count", "count")]),
        ("Managers on a 52k salary were asked.", [("52k", 52000, "GBP", "money")]),
        ("The cash balance is GBP 3.1m.", [("GBP 3.1m", 3100000, "GBP", "money")]),
        (
            "We need two and a half million pounds.",
            [("two and a half million", 2500000, "GBP", "money")],
        ),
        (
            "Pay cost per WTE was 48,100, against 45,900 a year earlier.",
            [("48,100", 48100, "GBP", "money"), ("45,900", 45900, "GBP", "money")],
        ),
        (
            "Spend fell by £2.4bn, though shifts were still running at about 40,000 a week.",
            [("£2.4bn", 2400000000, "GBP", "money"), ("40,000", 40000, "count", "count")],
        ),
        ("The consultancy was paid 250k last year.", [("250k", 250000, "GBP", "money")]),
        # People counted with staff-group nouns the old list lacked, or a trade's ending.
        ("The plan cuts 9 sonographers.", [("9", 9, "people", "count")]),
        (
            "It takes on 12 apprentices and 30 joiners.",
            [("12", 12, "people", "count"), ("30", 30, "people", "count")],
        ),  # fmt: skip
        ("The unit lost 4 podiatrists.", [("4", 4, "people", "count")]),
        ("It cut 140 heads from its corporate teams.", [("140", 140, "people", "count")]),
        (
            "Many work part time: the 250 mostly part-time domestic and catering workers on the site would be asked.",
            [("250", 250, "people", "count")],
        ),
        ("Of the applicants, 52 were accepted.", [("52", 52, "people", "count")]),
        (
            "We asked how many vacancies it holds. The answer: 37.",
            [("37", 37, "people", "count")],
        ),
        (
            "It has 1,200 bank staff, of whom around 300 work weekly.",
            [("1,200", 1200, "people", "count"), ("300", 300, "people", "count")],
        ),
        ("There are 23 acute and specialist trusts.", [("23", 23, "count", "count")]),
        ("Spending is 4.30 per head.", [("4.30", 4.3, "GBP", "money")]),
        ("Agency costs are up 3.5m.", [("3.5m", 3500000, "GBP", "money")]),
        ("Waiting lists reached 7.6m.", [("7.6m", 7600000, "count", "count")]),
        ("Last year 40 were redeployed.", [("40", 40, "people", "count")]),
        ("Over 90 signed the petition.", [("90", 90, "people", "count")]),
        # A list marker in running text is not a figure.
        ("You asked for: (1) the number of leavers; and (2) the cost.", []),
    ],
)
def test_forms_from_the_fifth_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


MONEY_HEADERS = """Table 4: Pay bill by staff group (£k)
Staff group | 2024/25 outturn | Cost per WTE
Nursing | 98,500 | 57.2

Establishment (WTE)
Staff group | Budget WTE | In post
Nursing | 1,640.2 | 1,618.5"""


def test_money_headers_take_the_caption_scale_and_budget_wte_counts_people(nlp):
    assert document_figures(nlp, MONEY_HEADERS) == [
        ("98,500", 98500000, "GBP"),
        ("57.2", 57200, "GBP"),
        ("1,640.2", 1640.2, "people"),
        ("1,618.5", 1618.5, "people"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Sixth dev round: a bare number carries on the count of an earlier sentence in its
        # paragraph, unless it opens its sentence or a noun follows it.
        (
            "In April the unit had 212 staff in post. By June it had 190, of which 12 were agency.",
            [
                ("212", 212, "people", "count"),
                ("190", 190, "people", "count"),
                ("12", 12, "people", "count"),
            ],
        ),
        (
            "Four give a figure of 112 posts. Fourteen rely on vacancies.",
            [
                ("Four", 4, "count", "count"),
                ("112", 112, "people", "count"),
                ("Fourteen", 14, "count", "count"),
            ],
        ),  # fmt: skip
        (
            "We had 640 on the payroll in March.",
            [("640", 640, "people", "count")],
        ),
        (
            "It cut the headcount from 498 to 412 in its own staff.",
            [("498", 498, "people", "count"), ("412", 412, "people", "count")],
        ),
        (
            "The plan covers 9,800 posts, of which around 1,200 are vacant.",
            [("9,800", 9800, "people", "count"), ("1,200", 1200, "people", "count")],
        ),
        (
            "Some teams have gone from nine to four.",
            [("nine", 9, "people", "count"), ("four", 4, "people", "count")],
        ),
        ("Another 40 or so posts will go.", [("40", 40, "people", "count")]),
        ("It relies on the remaining 900-plus staff.", [("900", 900, "people", "count")]),
        ("The 97 exits cost the trust dearly.", [("97", 97, "people", "count")]),
        (
            "Nineteen practices said they had cut hours, and six said they would not.",
            [("Nineteen", 19, "count", "count"), ("six", 6, "count", "count")],
        ),
        (
            "Rota gaps averaged 4.5 a night in May against 2.8 in April.",
            [("4.5", 4.5, "count", "count"), ("2.8", 2.8, "count", "count")],
        ),
        ("One GP in the town told us she had no cover.", []),
        # Money: billions, contributions, prices compared, sums in a clause about costs.
        (
            "Up to 1 billion will be made available, of which 600 million is available now.",
            [("1 billion", 1000000000, "GBP", "money"), ("600 million", 600000000, "GBP", "money")],
        ),
        (
            "The NHS contributes 31.9m and the councils 16.7m between them.",
            [("31.9m", 31900000, "GBP", "money"), ("16.7m", 16700000, "GBP", "money")],
        ),
        (
            "The reimbursement came to 5.3 million last year.",
            [("5.3 million", 5300000, "GBP", "money")],
        ),
        ("The councils' share of the saving is 540,000.", [("540,000", 540000, "GBP", "money")]),
        (
            "Bank staff are cheaper by an average of 27,000 a year each.",
            [("27,000", 27000, "GBP", "money")],
        ),
        (
            "It faces a rise in costs that most of you put at 50,000 or more.",
            [("50,000", 50000, "GBP", "money")],
        ),
        (
            "Its share is 34.2m, of which 19.5 comes from pay. The figures are 24.4m and 13.1.",
            [
                ("34.2m", 34200000, "GBP", "money"),
                ("19.5", 19500000, "GBP", "money"),
                ("24.4m", 24400000, "GBP", "money"),
                ("13.1", 13100000, "GBP", "money"),
            ],
        ),
        (
            "The bill was 142.7m against a plan of 140.9m, an adverse variance of 1.8m. The "
            "workforce element is 6.5m.",
            [
                ("142.7m", 142700000, "GBP", "money"),
                ("140.9m", 140900000, "GBP", "money"),
                ("1.8m", 1800000, "GBP", "money"),
                ("6.5m", 6500000, "GBP", "money"),
            ],
        ),
        (
            "Finance director: The allowance falls from 21.4 million to 10.7 million.",
            [
                ("21.4 million", 21400000, "GBP", "money"),
                ("10.7 million", 10700000, "GBP", "money"),
            ],
        ),  # fmt: skip
        # A label used as a verb names nothing: "to note two risks"; "question 3" still does.
        ("The committee is asked to note two risks.", [("two", 2, "count", "count")]),
        ("See the answer to question 3.", []),
    ],
)
def test_forms_from_the_sixth_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


PDF_TEXT = """Operational Workforce Plan 2024/25 Page 2 of 12
1.3 The remaining posts are vacant.
Table 2.1 Substantive establishment (WTE)
Staff group 2023/24 outturn 2024/25 plan Change
Medical and dental 702.8 698.8 (4.0)
Total 5,402.6 5,216.6 (186.0)
Source: ESR, month 12 2023/24.
Table 2.2 Pay bill (£m) 2023/24 2024/25 Variance Substantive 268.4 266.9 (1.5) Bank 21.7
18.2 (3.5) Total 290.1 285.1 (5.0)
2.3 Each post removed saves 31 thousand pounds."""


def test_numbered_captions_give_units_to_tables_in_pdf_text(nlp):
    """pypdf's text: no blank lines, cells one space apart, rows run together."""
    assert document_figures(nlp, PDF_TEXT) == [
        ("702.8", 702.8, "people"),
        ("698.8", 698.8, "people"),
        ("4.0", 4, "people"),
        ("5,402.6", 5402.6, "people"),
        ("5,216.6", 5216.6, "people"),
        ("186.0", 186, "people"),
        ("268.4", 268400000, "GBP"),
        ("266.9", 266900000, "GBP"),
        ("1.5", 1500000, "GBP"),
        ("21.7", 21700000, "GBP"),
        ("18.2", 18200000, "GBP"),
        ("3.5", 3500000, "GBP"),
        ("290.1", 290100000, "GBP"),
        ("285.1", 285100000, "GBP"),
        ("5.0", 5000000, "GBP"),
        ("31 thousand pounds", 31000, "GBP"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Digit and vulgar fractions before "of" are proportions; tweet numbers are not.
        ("The panel has approved 2/3 of requests.", [("2/3", 66.67, "percent", "percent")]),
        ("¼ of the saving comes from mergers.", [("¼", 25, "percent", "percent")]),
        ("2/6 Of the cuts, most are in admin.", []),
        # "another quarter", "between a quarter and a third"
        ("Cutting another quarter of them will not help.",
         [("another quarter", 25, "percent", "percent")]),
        (
            "Most boards will lose between a quarter and a third of their people.",
            [("a quarter", 25, "percent", "percent"), ("a third", 33.33, "percent", "percent")],
        ),
        # "One <anyone> said/asked" opening a clause is indefinite, not a count.
        ("One board in the north has said it will cut 540 posts.",
         [("540", 540, "people", "count")]),
        ("One questioner asked about the 9 staff.", [("9", 9, "people", "count")]),
        ("The work stops; one respondent described a team cut from 9.5 to 6.8 FTE.",
         [("9.5", 9.5, "people", "count"), ("6.8", 6.8, "people", "count")]),
        # "in year 2" of a scale is a label; "Each year 300 nurses leave" is not.
        ("Costs are paid at 100% in year 1, 75% in year 2 and 50% in year 3.",
         [("100%", 100, "percent", "percent"), ("75%", 75, "percent", "percent"),
          ("50%", 50, "percent", "percent")]),
        ("Each year 300 nurses leave.", [("300", 300, "people", "count")]),
        # A people unit in brackets after the number; "c." (circa) before it.
        ("Staff in post at 31 March: 1,016 (headcount), 944.2 (WTE).",
         [("1,016", 1016, "people", "count"), ("944.2", 944.2, "people", "count")]),
        ("It will have 678 posts (c.640 WTE).",
         [("678", 678, "people", "count"), ("640", 640, "people", "count")]),
        # House of Commons paper numbers and sessions with an en dash are not figures.
        ("Report by the Comptroller and Auditor General, HC 412, Session 2025–26.", []),
        # A small bare number closing a clause after a duration is another duration ...
        ("A post takes more than ten months to pay back; at the bottom, under four.",
         [("ten", 10, "months", "duration"), ("four", 4, "months", "duration")]),
        ("I worked on the wards for thirty-one years, the last eleven as a ward sister.",
         [("thirty-one", 31, "years", "duration"), ("eleven", 11, "years", "duration")]),
        # ... but not a sum, nor a number that a phrase follows.
        ("Pay of 24,071 is kept for 12 months, then moves to a top point of 28,407.",
         [("24,071", 24071, "GBP", "money"), ("12", 12, "months", "duration"),
          ("28,407", 28407, "GBP", "money")]),
        ("Of 5 workers, 3 for less than one year, 1 for between one and two years.",
         [("5", 5, "people", "count"), ("3", 3, "people", "count"),
          ("one", 1, "years", "duration"), ("1", 1, "people", "count"),
          ("one", 1, "years", "duration"), ("two", 2, "years", "duration")]),
        # "one to two weeks" is a range; "week 7" is a label.
        ("It could lengthen waits by one to two weeks.",
         [("one", 1, "count", "count"), ("two", 2, "count", "count")]),
        ("Vacancy control panel requests, week 7", []),
    ],
)  # fmt: skip
def test_forms_from_the_seventh_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected


COLON_TABLES = """2.1 Year-to-date delivery (£000):

Theme: plan / actual
Workforce and rostering: 4,900 / 3,650
Total: 12,500 / 11,200

Staff group: budget WTE / actual WTE
Medical and dental: 812 / 826

3.1 The plan is made up as follows (£m):

Workforce reductions: 8.9
Estates and energy: 0.5

Date: 4 March
Venue: Room 2"""


def test_tables_typed_as_label_colon_values_take_their_units(nlp):
    assert document_figures(nlp, COLON_TABLES) == [
        ("4,900", 4900000, "GBP"),
        ("3,650", 3650000, "GBP"),
        ("12,500", 12500000, "GBP"),
        ("11,200", 11200000, "GBP"),
        ("812", 812, "people"),
        ("826", 826, "people"),
        ("8.9", 8900000, "GBP"),
        ("0.5", 500000, "GBP"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A fraction of a scale word is one number.
        ("The NHS employs over a quarter of a million more people than in 1999.",
         [("a quarter of a million", 250000, "people", "count")]),
        ("Half a million pounds was spent on consultants.",
         [("Half a million", 500000, "GBP", "money")]),
        ("It has hired another quarter of a million staff.",
         [("another quarter of a million", 250000, "people", "count")]),
        # "whole-time equivalent" after the number counts people, even before "(WTE)".
        ("The plan assumes a net reduction of 262 whole-time equivalent (WTE) posts.",
         [("262", 262, "people", "count")]),
        # A bare object of the same verb as an earlier figure is the same kind of quantity.
        ("With 10 years' service MARS pays five months; redundancy would pay 10.",
         [("10", 10, "years", "duration"), ("five", 5, "months", "duration"),
          ("10", 10, "months", "duration")]),
        # ... but not after a subject of that verb.
        ("The 46.8 WTE would save about 1.3m; the downbanding would save 150,000.",
         [("46.8", 46.8, "people", "count"), ("1.3m", 1300000, "GBP", "money"),
          ("150,000", 150000, "GBP", "money")]),
        # A number inside an organisation's name is not a figure.
        ("Keep Our NHS Public and 999 Call for the NHS will march.", []),
        # "one day" is an idiom; "one day-case unit" counts a unit.
        ("We will close one day-case unit next year.", [("one", 1, "count", "count")]),
        ("One day the wards will reopen.", []),
    ],
)  # fmt: skip
def test_forms_from_the_eighth_dev_round(nlp, sentence, expected):
    assert figures_of(nlp, sentence) == expected
