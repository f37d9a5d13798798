"""Tie each figure to what it counts, from the dependency parse.

"9,000 staff" → staff (the noun the number modifies); "a deficit of £21.3m" → deficit;
"£20 billion of cuts" → cuts; "cut running costs by 50%" → running costs (the governing
verb's object); "payments, which are capped at £80,000" → payments (a relative clause's
head noun).
"""

import tomllib

from spacy.tokens import Span, Token

from analysis.extract.figures import PATTERNS, Figure

# Nouns too general to say what a figure counts ("a total of", "up to"): keep climbing.
GENERIC_NOUNS = frozenset(
    tomllib.loads(PATTERNS.read_text(encoding="utf-8"))["linker"]["generic_nouns"]
)
NOUN_POS = ("NOUN", "PROPN")


def noun_phrase(token: Token, exclude: Span | None = None) -> str:
    """The noun with its compound modifiers: "cost improvement plans", "running costs"."""
    words = [token]
    for child in token.lefts:
        if exclude is not None and exclude.start <= child.i < exclude.end:
            continue  # the figure itself ("about 50% cuts")
        if child.dep_ == "compound" or (child.dep_ == "amod" and child.lower_ in ("running",)):
            words.extend(child.subtree)
    words.sort(key=lambda t: t.i)
    return " ".join(t.lower_ for t in words if not t.is_punct).replace(" - ", "-")


def _useful(token: Token | None) -> bool:
    return (
        token is not None
        and token.pos_ in NOUN_POS
        and token.lower_ not in GENERIC_NOUNS
        and not token.like_num
        and token.ent_type_ not in ("MONEY", "PERCENT", "CARDINAL", "DATE")
    )


def _of_object(token: Token) -> Token | None:
    for child in token.rights:
        if child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and _useful(objects[0]):
                return objects[0]
    return None


def counted_token(span: Span) -> Token | None:
    """The token naming what the figure counts, or None."""
    root = span.root
    if root.pos_ == "VERB":  # "halve their running costs"
        return _verb_argument(root, exclude=span)
    # "50% of running costs", "£20 billion of cuts"
    if found := _of_object(root):
        return found
    # "9,000 staff", "12 months' basic salary"
    head = root.head
    if root.dep_ in ("nummod", "quantmod", "compound", "amod", "poss") and _useful(head):
        return head
    if root.dep_ == "poss" or root.tag_ == "POS":
        return head if _useful(head) else None
    # Climb: "a deficit of £21.3m", "savings of £20bn", "capped at a maximum of £80,000".
    token = root
    for _ in range(6):
        head = token.head
        if head is token:
            break
        if head.pos_ in NOUN_POS:
            if _useful(head) and token.dep_ in ("pobj", "appos", "prep", "nummod", "compound"):
                return head
        elif head.pos_ in ("VERB", "AUX"):
            return _verb_argument(head, exclude=span)
        token = head
    return None


def _verb_argument(verb: Token, exclude: Span) -> Token | None:
    """What a verb's figure is about: its object, else its subject, else (in a relative
    clause) the noun the clause describes."""
    inside = set(range(exclude.start, exclude.end))
    figure_is_object = any(c.dep_ == "dobj" and c.i in inside for c in verb.children)
    # A figure that is the verb's object counts nothing the subject names ("the NHS employs
    # 1.3 million"); a relative clause still points at its noun ("plans totalling £9.3bn").
    argument_deps = (("dobj",),) if figure_is_object else (("dobj",), ("nsubjpass", "nsubj"))
    for deps in argument_deps:
        for child in verb.children:
            if child.dep_ in deps and child.i not in inside and _useful(child):
                return child
    if verb.dep_ == "relcl" and _useful(verb.head):
        return verb.head
    if verb.dep_ in ("acl", "xcomp", "advcl", "conj") and verb.head is not verb:
        head = verb.head
        return (
            head
            if _useful(head)
            else (_verb_argument(head, exclude) if head.pos_ in ("VERB", "AUX") else None)
        )
    return None


def link_figures(doc, figures: list[Figure]) -> None:
    for figure in figures:
        span = doc.char_span(figure.start, figure.end, alignment_mode="expand")
        token = counted_token(span) if span is not None else None
        figure.counts = noun_phrase(token, exclude=span) if token is not None else None
