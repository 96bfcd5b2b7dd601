"""The benchmark figures in the docs are the committed results, rendered by ``bench.report``."""

from __future__ import annotations

from bench import understand


def test_understand_benchmark_measures_the_shipped_model() -> None:
    result = understand.run(runs=1)

    shown = {metric.name: metric for metric in result.metrics}
    assert shown["model file"].value > 0
    assert shown["atelier understand, 1,000 messages"].ok
