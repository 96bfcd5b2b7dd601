"""Build the intent classifier from the training part of the corpus (never the held-out one).

Run ``python -m core.train_intents`` (``make model``) after changing the training file;
it writes ``core/data/intent_model.json.gz``. Needs scikit-learn, a build-time dependency.
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

from core.classifier import MODEL_PATH, LinearModel, features
from core.normalising import normalise

TRAINING = Path(__file__).resolve().parent.parent / "tests" / "data" / "intents_train.csv"
PRUNE_BELOW = 0.1
"""Weights smaller than this change no reading and are not shipped."""


def fingerprint(path: Path = TRAINING) -> str:
    """The SHA-256 of the training file, kept in the model to tell when it is stale."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path = TRAINING) -> list[tuple[str, str, str]]:
    """(text, language, intent) of each training row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["text"], r["language"], r["intent"]) for r in csv.DictReader(handle)]


def typo(text: str, chance: random.Random) -> str:
    """One slip of the finger in a long word: a letter dropped, doubled or swapped."""
    words = text.split()
    long = [i for i, word in enumerate(words) if len(word) >= 5]
    if not long:
        return text
    i = chance.choice(long)
    word = words[i]
    at = chance.randrange(1, len(word) - 1)
    kind = chance.randrange(3)
    if kind == 0:
        word = word[:at] + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def train(path: Path = TRAINING) -> LinearModel:
    """Fit tf-idf over n-grams and a multinomial logistic regression; prune small weights."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    chance = random.Random(13)
    texts: list[str] = []
    labels: list[str] = []
    for text, language, intent in rows(path):
        if intent == "number":
            continue  # choice numbers are read by rules, never guessed
        clean = normalise(text, language)
        texts += [clean, typo(clean, chance)]
        labels += [intent, intent]
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2)
    matrix = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=20.0, max_iter=3000)
    model.fit(matrix, labels)
    classes = tuple(str(name) for name in model.classes_)
    weights: dict[str, tuple[float, dict[int, float]]] = {}
    for gram, column in vectoriser.vocabulary_.items():
        row = {
            i: float(model.coef_[i, column])
            for i in range(len(classes))
            if abs(model.coef_[i, column]) >= PRUNE_BELOW
        }
        weights[gram] = (float(vectoriser.idf_[column]), row)  # kept for the norm
    intercepts = tuple(float(b) for b in model.intercept_)
    return LinearModel(classes, intercepts, weights, fingerprint(path))


def main() -> int:
    """Train and write the model; print its size."""
    model = train()
    model.save(MODEL_PATH)
    size = MODEL_PATH.stat().st_size
    print(f"{len(model.weights)} features, {len(model.classes)} classes, {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
