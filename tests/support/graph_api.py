"""The loopback fake of Meta's Graph API and a WhatsApp phone: see ``testkit.graph_api``
(the benchmarks use them too); the tests import them here."""

from testkit.graph_api import *  # noqa: F403
