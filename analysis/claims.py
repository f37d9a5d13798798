"""Claims: the sentences that carry a figure, with who and what they name and who said them."""

from spacy.tokens import Span

REPORTING_VERBS = {
    "say", "tell", "claim", "warn", "state", "add", "argue", "announce", "confirm", "insist",
    "estimate", "report", "reveal", "predict", "admit", "write", "note", "explain", "stress",
    "accept", "concede", "acknowledge", "calculate", "show",
}  # fmt: skip
PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "which", "who"}


def attribution(sentence: Span, organisations: list[dict]) -> str | None:
    """Who the sentence says is speaking: "said UNISON", "according to NHS Employers"."""
    for token in sentence:
        speaker = None
        if token.lemma_.lower() in REPORTING_VERBS and token.pos_ == "VERB":
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            speaker = subjects[0] if subjects else None
        elif token.lower_ == "according":
            objects = [g for c in token.children if c.lower_ == "to" for g in c.children
                       if g.dep_ == "pobj"]  # fmt: skip
            speaker = objects[0] if objects else None
        if speaker is None:
            continue
        words = list(speaker.subtree)
        start, end = words[0].idx, words[-1].idx + len(words[-1])
        for org in organisations:
            if start <= org["start"] and org["end"] <= end:
                return org["name"]
        for entity in sentence.ents:
            if entity.label_ == "PERSON" and start <= entity.start_char < end:
                return entity.text
        if speaker.lower_ not in PRONOUNS:
            return sentence.doc.text[start:end]
    return None


def sentence_claims(doc, offset: int = 0) -> list[dict]:
    """One claim per sentence of `doc` that holds a figure. Offsets are shifted by `offset`
    so they point into the whole document's text."""
    figures = doc._.nhs_figures or []
    organisations = doc._.nhs_organisations or []
    schemes = doc._.nhs_schemes or []
    claims = []
    for sentence in doc.sents:
        start, end = sentence.start_char, sentence.end_char
        inside = [i for i, f in enumerate(figures) if start <= f["start"] < end]
        if not inside:
            continue
        named = [o for o in organisations if start <= o["start"] < end]
        claims.append(
            {
                "sentence": sentence.text.strip(),
                "start": start + offset,
                "end": end + offset,
                "figures": inside,  # indexes into this paragraph's figures
                "organisations": list(dict.fromkeys(o["name"] for o in named)),
                "schemes": list(
                    dict.fromkeys(s["name"] for s in schemes if start <= s["start"] < end)
                ),
                "attributed_to": attribution(sentence, named),
            }
        )
    return claims
