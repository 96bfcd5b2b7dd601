"""Build the intent classifier from the training part of the corpus (never the held-out one).

Run ``python -m tools.train_intents`` (``make model``) after changing the training file;
it writes ``core/understanding/data/intent_model.json.gz``. Needs scikit-learn, a build-time
dependency.
``python -m tools.train_intents --folds 3`` measures the whole reading (rules, classifier and
safety policy) by cross-validation on the training part alone, so that changes can be judged
without looking at the held-out parts.
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

from core.understanding.classifier import MODEL_PATH, LinearModel, Weights, features
from core.understanding.normalising import normalise

CORPUS = Path(__file__).resolve().parent.parent / "data" / "intents"
"""The corpus: the training part and the held-out sets, each a CSV text,language,intent,number."""
TRAINING = CORPUS / "intents_train.csv"
PRUNE_BELOW = 0.1
"""Weights smaller than this change no reading and are not shipped."""
DECIMALS = 2
"""Weights and idfs are shipped to two decimals: 1,839 KiB instead of 2,201 for three, and one
reading of 12,800 changed (for the better)."""


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


def train(path: Path = TRAINING, only: list[tuple[str, str, str]] | None = None) -> LinearModel:
    """Fit tf-idf over n-grams and a multinomial logistic regression; prune small weights.

    ``only``: train on these rows instead of the file's (cross-validation).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    chance = random.Random(13)
    texts: list[str] = []
    labels: list[str] = []
    for text, language, intent in only if only is not None else rows(path):
        if intent == "number":
            continue  # choice numbers are read by rules, never guessed
        clean = normalise(text, language)
        texts += [clean, typo(clean, chance)]
        labels += [intent, intent]
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2)
    matrix = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=40.0, max_iter=3000)
    model.fit(matrix, labels)
    classes = tuple(str(name) for name in model.classes_)
    weights: Weights = {}
    for gram, column in vectoriser.vocabulary_.items():
        row: list[float] = [round(float(vectoriser.idf_[column]), DECIMALS)]  # for the norm
        for i in range(len(classes)):
            if abs(model.coef_[i, column]) >= PRUNE_BELOW:
                row += [i, round(float(model.coef_[i, column]), DECIMALS)]
        weights[gram] = row
    intercepts = tuple(round(float(b), DECIMALS) for b in model.intercept_)
    return LinearModel(classes, intercepts, weights, fingerprint(path))


def cross_validate(folds: int, path: Path = TRAINING) -> tuple[float, int]:
    """Accuracy and dangerous mistakes of the whole reading, each fold read by a model
    trained on the other folds."""
    from core.understanding.intents import read

    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    random.Random(7).shuffle(table)
    good = dangerous = 0
    for fold in range(folds):
        held = table[fold::folds]
        kept = [
            (r["text"], r["language"], r["intent"])
            for i, r in enumerate(table)
            if i % folds != fold
        ]
        model = train(path, kept)
        for row in held:
            reading = read(row["text"], row["language"], model)
            got = reading.intent.value
            if got == row["intent"] and (got != "number" or str(reading.number) == row["number"]):
                good += 1
            elif got in ("yes", "cancel", "forget") or (got == "number" and reading.number == 1):
                dangerous += 1
    return good / len(table), dangerous


def main() -> int:
    """Train and write the model; print its size (or cross-validate with --folds K)."""
    if len(sys.argv) == 3 and sys.argv[1] == "--folds":
        accuracy, dangerous = cross_validate(int(sys.argv[2]))
        print(f"cross-validation: {accuracy:.1%} read right, {dangerous} dangerous mistakes")
        return 0
    model = train()
    model.save(MODEL_PATH)
    size = MODEL_PATH.stat().st_size
    print(f"{len(model.weights)} features, {len(model.classes)} classes, {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
