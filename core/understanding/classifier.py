"""A small linear classifier over character and word n-grams, with a probability.

It is trained with scikit-learn (``TfidfVectorizer`` over the features below, then a
multinomial ``LogisticRegression``) by ``tools.train_intents`` from the training part of
the corpus, and shipped as a small table of weights. Reading a message needs neither
scikit-learn nor numpy: the same features, tf-idf weights and a softmax, in plain Python.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("data") / "intent_model.json.gz"
CHAR_SIZES = (2, 3, 4, 5)
WORD_SIZES = (1, 2)


def features(text: str) -> list[str]:
    """Character n-grams inside words (padded with spaces) and words and word pairs."""
    words = text.split()
    grams: list[str] = []
    for word in words:
        padded = f" {word} "
        for size in CHAR_SIZES:
            if size > len(padded):
                break
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    for size in WORD_SIZES:
        grams.extend("w:" + " ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return grams


Weights = dict[str, list[float]]
"""Each feature's idf, then its weights as (class index, weight) pairs, one flat list: read
as JSON gives it, with nothing built per feature, so the model loads quickly."""


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Classes, intercepts and, for each feature, its idf and its weight in each class."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: Weights
    trained_on: str = ""

    def probabilities(self, text: str) -> dict[str, float]:
        """The probability of each class for a normalised text."""
        counts = Counter(gram for gram in features(text) if gram in self.weights)
        scores = list(self.intercepts)
        if counts:
            values = {gram: (1 + math.log(n)) * self.weights[gram][0] for gram, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
            for gram, value in values.items():
                row = self.weights[gram]
                for k in range(1, len(row), 2):
                    scores[int(row[k])] += row[k + 1] * value / norm
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {name: e / total for name, e in zip(self.classes, exps, strict=True)}

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model as compact gzip'd JSON."""
        table = {
            "classes": self.classes,
            "intercepts": list(self.intercepts),
            "trained_on": self.trained_on,
            "weights": dict(sorted(self.weights.items())),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode()
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def load(path: Path = MODEL_PATH) -> LinearModel:
    """Read a model written by ``LinearModel.save``."""
    table = json.loads(gzip.decompress(path.read_bytes()))
    return LinearModel(
        tuple(table["classes"]),
        tuple(table["intercepts"]),
        table["weights"],
        table.get("trained_on", ""),
    )


@cache
def shipped() -> LinearModel:
    """The model shipped with the bot, read once."""
    return load()
