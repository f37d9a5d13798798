"""Extract loose files (not in any corpus) into the JSON contract, one object per file."""

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language

from analysis.extract.document import TextToExtract, contract_view, extract_texts
from analysis.extract.pipeline import ExtractOptions
from corpus.files import FileOutcome, find_files
from corpus.formats import UnreadableDocument, content_type_for
from corpus.formats import extract as read_text


def extract_files(
    nlp: Language, paths: Iterable[str | Path], options: ExtractOptions, framer=None
) -> list[dict]:
    """The contract view of each file found under `paths`, in the order found; a file that
    cannot be read gives {"path", "error"} instead and the others go on.

    With a `framer` (analysis.frames.TextFramer), the framing fields are filled too."""
    results: dict[str, dict] = {}
    items: list[TextToExtract] = []
    for found in find_files(paths):
        if isinstance(found, FileOutcome):
            if found.status == "failed":
                results[str(found.path)] = {"path": str(found.path), "error": found.message}
            continue
        try:
            text = read_text(found.read_bytes(), content_type_for(found))
        except UnreadableDocument as problem:
            results[str(found)] = {"path": str(found), "error": str(problem)}
            continue
        except OSError as error:
            reason = f"cannot be read ({error.strerror or error})"
            results[str(found)] = {"path": str(found), "error": reason}
            continue
        results[str(found)] = {}
        items.append(TextToExtract(str(found), text.text, text.title))
    for path, result in extract_texts(nlp, items, options.batch_size, options.n_process):
        results[path] = contract_view(path, result)
        if framer is not None:
            fill_framing(results[path], framer)
    return list(results.values())


def fill_framing(view: dict, framer) -> None:
    """Set the document's and each paragraph's framing from `framer.frame(paragraphs)`."""
    document, paragraphs = framer.frame([paragraph["text"] for paragraph in view["paragraphs"]])
    view["framing"] = document.as_dict()
    for paragraph, framing in zip(view["paragraphs"], paragraphs, strict=True):
        paragraph["framing"], paragraph["score"] = framing.label, round(framing.score, 4)
