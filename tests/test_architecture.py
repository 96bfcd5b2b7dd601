"""The four floors (models <- core <- handlers <- bot) and core's rooms, by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("bot", "core", "handlers", "models")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter's contracts (pyproject.toml) on the tree at ``root``."""
    command = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(command), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(root), "PATH": str(command.parent)},
    )


def test_every_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("where", "line"),
    [
        ("core/upward.py", "import bot.cli\n"),  # a floor importing the one above
        ("models/upward.py", "import handlers.machinery.router\n"),
        ("handlers/speaks_telegram.py", "import telegram\n"),  # telegram outside bot/channels
        ("bot/web/speaks_telegram.py", "from telegram import Bot\n"),
        ("core/outbox/upward.py", "import core.seats.booking\n"),  # a room importing one above
        ("core/understanding/stores.py", "import models\n"),  # understanding touching the database
        ("core/places/stores.py", "import models\n"),  # places touching the database
        ("core/places/seats.py", "import core.seats.booking\n"),  # places importing a room
        ("core/redact.py", "import core.seats.booking\n"),  # the ground importing a room
    ],
)
def test_a_broken_layer_is_caught(tmp_path: Path, where: str, line: str) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.po"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / where).write_text(line)
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def imports_of_tests(root: Path) -> list[str]:
    """Modules outside tests/ that import from tests/, and bot modules that import testkit/."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in {"tests", ".venv", "build"} or relative.parts[0].startswith("."):
            continue
        shipped = relative.parts[0] in PACKAGES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            words = line.split()
            if len(words) < 2 or words[0] not in {"import", "from"}:
                continue
            top = words[1].split(".")[0]
            if top == "tests" or (shipped and top == "testkit"):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_nothing_outside_the_tests_imports_them() -> None:
    """bench/ and tools/ take the fakes and sample data from testkit/, never from tests/;
    the bot itself imports neither."""
    assert imports_of_tests(ROOT) == []
