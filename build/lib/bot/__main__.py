"""`python -m bot` is the `atelier` command."""

import sys

from bot.cli import main

sys.exit(main())
