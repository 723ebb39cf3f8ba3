"""Entry point: ``python -m bench`` (full run) or ``python -m bench --smoke`` (a few hundred items)."""

import sys

from bench.runner import main

sys.exit(main(sys.argv[1:]))
