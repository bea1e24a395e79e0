"""The ``quellenlage`` command. Only this package prints.

Rule: the command line may import everything, but imports a layer only inside the command that
needs it, so that ``quellenlage --help`` and ``quellenlage lexicon check`` start fast.
"""

from analysis.cli.main import main

__all__ = ["main"]
