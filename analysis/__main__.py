"""``python -m analysis`` is the same as the ``quellenlage`` command."""

import sys

from analysis.cli import main

if __name__ == "__main__":
    sys.exit(main())
