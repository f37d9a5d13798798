"""Would another sentence model meet the framing target? A diagnostic, not a choice of settings.

    python bench/frames_model_heldout.py --model mpnet=/path/to/all-mpnet-base-v2

For MiniLM (the packaged model) and each --model, the recipe `nhscuts frames` ships (the
similarities and the vector, averaged with a regression on the words; C chosen by
bench/train_frames.py's cross-validation on the 580 training paragraphs) is trained and then
scored once on the held-out paragraphs. Nothing here is written to the project, and no
setting is chosen on the held-out figures: they only say whether a model the project cannot
ship would have met the target (docs/benchmarks.md, "Stronger sentence models").
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_frames  # noqa: E402
from frames_labelled import build_bench_corpus, load_labelled, stance_inputs  # noqa: E402

from analysis.embed import EmbedOptions, default_cache_dir  # noqa: E402
from analysis.frames.axis import framings_from_proba, stance_features  # noqa: E402

FEATURE_SET = "similarities + vector, and words"


def held_out_scores(corpus, options: EmbedOptions) -> str:
    data, _ = train_frames.training_data(corpus, options)
    cv = {
        c: train_frames.scores(data.labels, train_frames.cross_validate(data, FEATURE_SET, c))
        for c in train_frames.C_GRID
    }
    c = max(cv, key=lambda key: (round(cv[key][1], 3), -key))  # as train_frames.py chooses
    model = train_frames.fit(data, np.arange(len(data.labels)), FEATURE_SET, c)
    heldout = [row for row in load_labelled()[0] if row.split == "heldout"]
    texts = [row.text for row in heldout]
    paragraphs, sentences = stance_inputs(corpus, texts, options)
    features = stance_features(paragraphs, sentences, data.exemplar_vectors, data.codebook.labels)
    predicted = [f.label for f in framings_from_proba(model.proba(features, paragraphs, texts))]
    cells = [f"CV {cv[c][0]:.3f} / {cv[c][1]:.3f} (C = {c})"]
    for group in ("all", "samples", "seeds"):
        rows = [i for i, row in enumerate(heldout) if group in ("all", row.source)]
        accuracy, macro_f1 = train_frames.scores(
            [heldout[i].label for i in rows], [predicted[i] for i in rows]
        )
        cells.append(f"{accuracy:.3f} / {macro_f1:.3f}")
    return " | ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH",
                        help="A sentence-transformers model folder beside MiniLM.")  # fmt: skip
    args = parser.parse_args()
    models = {"MiniLM (packaged)": EmbedOptions()}
    for spec in args.model:
        name, path = spec.split("=", 1)
        models[name] = EmbedOptions(model_path=Path(path), model_name=f"bench:{name}",
                                    backend="torch")  # fmt: skip
    print("| model | cross-validation, all 580 | held-out all | samples | seeds |")
    print("|---|---|---|---|---|")
    with build_bench_corpus(default_cache_dir() / "bench" / "frames.db") as corpus:
        for name, options in models.items():
            started = time.perf_counter()
            row = held_out_scores(corpus, options)
            print(f"| {name} | {row} |  ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
