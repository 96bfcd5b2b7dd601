"""The docs hold together: benchmark tables are the committed results, links lead somewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import report, understand


def test_docs_tables_are_the_committed_results() -> None:
    written = report.DOC.read_text(encoding="utf-8")

    rendered = report.render(written, report.load(report.PUBLISHED))

    assert written == rendered, "docs/benchmarks.md is stale: run `make bench-docs`"


def test_every_published_benchmark_has_its_table_in_the_docs() -> None:
    written = report.DOC.read_text(encoding="utf-8")

    for name in {entry["name"] for entry in report.load(report.PUBLISHED)}:
        assert f"<!-- bench:begin {name} -->" in written


def _run(path: Path, quick: bool, value: float) -> Path:
    metric = {"name": "settle", "value": value, "unit": "s", "target": "< 5", "ok": True}
    document = {
        "machine": {"date": "2027-01-06T10:00:00+00:00", "cpu_count": 2, "python": "3.11.9"},
        "options": {"quick": quick},
        "benchmarks": [{"name": "contention", "database": "sqlite", "metrics": [metric]}],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_fresh_run_replaces_its_benchmarks_and_keeps_the_others(tmp_path: Path) -> None:
    published = tmp_path / "published.json"
    published.write_text(report.PUBLISHED.read_text(encoding="utf-8"), encoding="utf-8")
    before = report.load(published)
    doc = tmp_path / "benchmarks.md"
    doc.write_text(report.DOC.read_text(encoding="utf-8"), encoding="utf-8")

    report.main(
        [
            "--publish",
            str(_run(tmp_path / "run.json", False, 0.42)),
            "--results",
            str(published),
            "--doc",
            str(doc),
        ]
    )

    after = report.load(published)
    assert len(after) == len(before)
    fresh = [e for e in after if (e["name"], e["database"]) == ("contention", "sqlite")]
    assert [m["value"] for m in fresh[0]["metrics"]] == [0.42]
    assert [e for e in after if e["database"] == "postgresql" and e["name"] == "contention"]
    assert "| settle | 0.42 s |" in doc.read_text(encoding="utf-8")
    report.main(["--check", "--results", str(published), "--doc", str(doc)])


def test_a_quick_run_is_not_published(tmp_path: Path) -> None:
    published = tmp_path / "published.json"
    published.write_text(report.PUBLISHED.read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(SystemExit):
        report.publish(_run(tmp_path / "run.json", True, 0.1), published)

    assert published.read_text(encoding="utf-8") == report.PUBLISHED.read_text(encoding="utf-8")


def test_understand_benchmark_measures_the_shipped_model() -> None:
    result = understand.run(runs=1)

    shown = {metric.name: metric.value for metric in result.metrics}
    assert shown["model file"] == _model_kib()


def _model_kib() -> int:
    """The shipped model's size, as ``ls -l`` gives it, in KiB."""
    from core.understanding.classifier import MODEL_PATH

    return MODEL_PATH.stat().st_size // 1024


ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name
)
def test_links_between_the_docs_lead_somewhere(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor:
            assert anchor in _anchors(linked.read_text(encoding="utf-8")), f"{page.name}: {target}"
