"""tools/measure_intents.py measures the context-free reading on a labelled CSV."""

from __future__ import annotations

from pathlib import Path

from tools.measure_intents import outcomes, report


def test_misses_are_counted_and_the_dangerous_ones_listed(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text(
        "text,language,intent,number\n"
        "oui,fr,yes,\n"
        "annuler ma place,fr,cancel,\n"
        "je prends le 3,fr,number,2\n"
        "annuler ma place,fr,unknown,\n",
        encoding="utf-8",
    )
    seen = outcomes(path)
    assert [o.right for o in seen] == [True, True, False, False]
    assert [o.dangerous for o in seen] == [False, False, True, True]
    printed = report(path)
    assert "50.0% (2/4) read right, 2 dangerous" in printed
    assert "number 2     read number 3" in printed
