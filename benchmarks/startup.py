"""Start-up time of the command line (issue #20): median wall time of several runs.

    python benchmarks/startup.py [--runs 7]

Measures ``quellenlage --help`` and ``quellenlage lexicon check`` (on the shipped lexicons) as
separate processes, the way a user starts them. Targets: under 0.5 s and under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"quellenlage --help": ["--help"], "quellenlage lexicon check": ["lexicon", "check"]}


def time_command(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    args = parser.parse_args(argv)
    for label, cmd in COMMANDS.items():
        times = time_command(cmd, args.runs)
        print(f"{label:28s} median {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
