"""The booking invariants: see ``testkit.invariants`` (the benchmarks check them too); the
tests import them here."""

from testkit.invariants import *  # noqa: F403
