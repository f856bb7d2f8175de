"""python -m deadlines: the admin CLI (see deadlines/cli.py)."""

import sys

from deadlines.cli import main

sys.exit(main())
