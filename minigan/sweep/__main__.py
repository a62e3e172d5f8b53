"""``python -m minigan.sweep``: see :mod:`minigan.sweep.cli`."""
import sys

from minigan.sweep.cli import main

sys.exit(main())
