"""Test data: settings for a test, a session in the schedule, the frozen "now".

They live in ``testkit.factories`` (the benchmarks use them too); the tests import them here.
"""

from __future__ import annotations

from pathlib import Path

from testkit.factories import *  # noqa: F403

DATA = Path(__file__).parent.parent / "data"
