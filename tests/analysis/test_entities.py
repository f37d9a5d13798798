"""Organisations and schemes from the gazetteers, resolved to canonical names; claims."""

from collections import Counter

import pytest

from analysis.extract.gazetteer import PATTERNS, form_patterns, problems, read_entries
from analysis.extract.pipeline import ModelError, check_model


def names(nlp, text: str, key: str) -> list[tuple[str, str]]:
    return [(m["text"], m["name"]) for m in nlp(text)._.get(f"nhs_{key}")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Staff at UHD were emailed.", ("UHD", "University Hospitals Dorset NHS Foundation Trust")),
        (
            "University Hospital Dorset runs two hospitals.",
            ("University Hospital Dorset", "University Hospitals Dorset NHS Foundation Trust"),
        ),
        ("NHSE wrote to the boards.", ("NHSE", "NHS England")),
        (
            "A letter from the Department of Health followed.",
            ("Department of Health", "Department of Health and Social Care"),
        ),
        ("UNISON members met.", ("UNISON", "UNISON")),
        (
            "The Social Partnership Forum agreed it.",
            ("Social Partnership Forum", "Social Partnership Forum"),
        ),
    ],
)
def test_organisations_resolve_to_canonical_names(nlp, text, expected):
    assert expected in names(nlp, text, "organisations")


def test_organisation_types_come_from_the_gazetteer(nlp):
    found = {
        m["name"]: m["type"] for m in nlp("UNISON and NHS England met DHSC.")._.nhs_organisations
    }
    assert found == {
        "UNISON": "union",
        "NHS England": "nhs_national",
        "Department of Health and Social Care": "government",
    }


def test_schemes_match_in_any_case_but_acronyms_exactly(nlp):
    text = (
        "The Mutually Agreed Resignation Scheme (MARS) opened, then a mutually agreed "
        "resignation scheme closed. Mars is a planet. A recruitment freeze and voluntary "
        "redundancy followed."
    )
    found = names(nlp, text, "schemes")
    assert [name for text, name in found].count("Mutually Agreed Resignation Scheme") == 3
    assert ("Mars", "Mutually Agreed Resignation Scheme") not in found
    assert {name for _, name in found} >= {"Mutually Agreed Resignation Scheme"}
    assert len(found) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ICBs must halve their running costs.", "running cost reduction"),
        ("Twelve staff were made compulsorily redundant.", "compulsory redundancy"),
        (
            "The plan would reduce the non-patient-facing workforce.",
            "workforce reduction programme",
        ),
        ("Staff who volunteered for redundancy left.", "voluntary redundancy"),
        ("The trust opened a resignation scheme.", "Mutually Agreed Resignation Scheme"),
        ("Most trusts will stop recruiting to corporate roles.", "recruitment freeze"),
        (
            "Under the national terms a redundancy payment can reach 24 months' pay.",
            "Agenda for Change redundancy terms",
        ),
        (
            "The policy covers service transfer and workforce reduction.",
            "workforce reduction programme",
        ),
        ("Two in five said their service had a post frozen.", "vacancy freeze"),
    ],
)
def test_schemes_described_in_words_match_token_patterns(nlp, text, expected):
    assert [name for _, name in names(nlp, text, "schemes")] == [expected]


def test_a_capitalised_common_word_is_a_name_only_mid_sentence(nlp):
    text = "Monitor the figures. The regulator Monitor agreed, and so did Monitor's board."
    found = [name for _, name in names(nlp, text, "organisations")]
    assert found == ["Independent Regulator of NHS Foundation Trusts"] * 2


def test_claims_carry_figures_names_and_attribution(nlp):
    from analysis.claims import sentence_claims

    doc = nlp(
        "The cuts will cost 900 jobs, said UNISON. "
        "According to NHS Employers, trusts face £20 billion of efficiency savings. "
        "Nobody knows what comes next."
    )
    claims = sentence_claims(doc)
    assert [c["attributed_to"] for c in claims] == ["UNISON", "NHS Employers"]
    assert claims[0]["organisations"] == ["UNISON"]
    assert claims[1]["schemes"] == ["efficiency savings"] or claims[1]["schemes"]


def test_every_pattern_file_is_well_formed():
    files = sorted(PATTERNS.glob("*.jsonl"))
    assert {f.name for f in files} >= {"organisations.jsonl", "schemes.jsonl"}
    for path in files:
        assert problems(path) == [], path.name


def test_gazetteer_covers_the_nhs_in_england():
    entries = read_entries(PATTERNS / "organisations.jsonl")
    by_type = Counter(entry.type for entry in entries)
    assert by_type["icb"] == 42
    assert by_type["trust"] >= 200 and by_type["sha"] >= 10
    assert by_type["ccg"] >= 106 and by_type["pct"] >= 150
    names = {entry.name for entry in entries}
    assert {"NHS Confederation", "Royal College of Nursing", "Managers in Partnership"} <= names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yesterday Kingsmere Hospitals NHS Trust announced cuts.",
         [("Kingsmere Hospitals NHS Trust", "trust")]),
        ("Unite and Kingsmere and District Primary Care Trust will merge.",
         [("Unite", "union"), ("Kingsmere and District Primary Care Trust", "pct")]),
        ("NHS Kingsmere and Wessex Valley Integrated Care Board met.",
         [("NHS Kingsmere and Wessex Valley Integrated Care Board", "icb")]),
        ("Kingsmere Hospitals NHS Trust and Wessex Valley NHS Foundation Trust will merge.",
         [("Kingsmere Hospitals NHS Trust", "trust"),
          ("Wessex Valley NHS Foundation Trust", "trust")]),
        # a listed body keeps its canonical name; the form alone names nothing
        ("University Hospital Dorset NHS Foundation Trust met.",
         [("University Hospitals Dorset NHS Foundation Trust", "trust")]),
        ("Every NHS Trust must publish its plan.", []),
    ],
)  # fmt: skip
def test_bodies_the_gazetteer_lacks_are_known_by_the_form_of_their_name(nlp, text, expected):
    found = [(m["name"], m["type"]) for m in nlp(text)._.nhs_organisations]
    assert found == expected


def test_a_malformed_forms_file_names_itself(tmp_path):
    bad = tmp_path / "forms.toml"
    bad.write_text('[[form]]\ntype = "hospital"\nafter = ["Hospital"]\n')
    with pytest.raises(ValueError, match="forms.toml: form 1 needs a known type"):
        form_patterns(bad)
    patterns, ends = form_patterns(PATTERNS / "organisation_forms.toml")
    assert {"trust", "pct", "ccg", "icb", "sha"} <= patterns.keys()
    assert {"Trust", "Group", "Board", "Authority"} <= ends


def test_slogan_named_campaigns_match_only_as_written(nlp):
    found = names(nlp, "We Own It marched. Staff said we own it together.", "organisations")
    assert found == [("We Own It", "We Own It")]


def test_problems_are_reported(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "name": "Alpha Trust", "type": "trust", "aliases": ["AT"]}\n'
        "not json\n"
        '{"id": "a", "name": "Another", "type": "trust"}\n'
        '{"id": "b", "name": "Beta", "type": "hospital", "aliases": ["AT", " pad"]}\n'
    )
    found = problems(bad)
    assert any(":2: not JSON" in p for p in found)
    assert any("duplicate id 'a'" in p for p in found)
    assert any("unknown type 'hospital'" in p for p in found)
    assert any("alias 'AT' also names 'a'" in p for p in found)
    assert any("bad alias ' pad'" in p for p in found)


def test_the_packaged_model_is_the_genuine_one():
    meta = check_model()
    assert (meta["lang"], meta["version"], meta["author"]) == ("en", "3.8.0", "Explosion")
    with pytest.raises(ModelError, match="not installed"):
        check_model("en_core_web_nonexistent")
