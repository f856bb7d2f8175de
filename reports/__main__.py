"""``python -m reports monthly --month 2026-11 --out DIR [--send]``: the §21 report by hand."""

import sys

from reports.cli import main

sys.exit(main())
