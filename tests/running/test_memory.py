"""Returning freed heap memory to the system between the phases of a run (analysis/running/memory.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from analysis.running.memory import can_release, release_free_memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's; elsewhere release_free_memory does nothing")
def test_freed_heap_memory_goes_back_to_the_system():
    assert can_release()
    # 80 MB of heap blocks (larger than Python's small-object allocator serves); every tenth stays
    # alive, so the freed ones lie in the middle of the heap, where glibc keeps them without a trim
    blocks = [bytes(2000 + i % 7) for i in range(40_000)]
    kept = blocks[::10]
    del blocks
    before = _rss_mb()
    assert release_free_memory() is True
    assert before - _rss_mb() > 20
    assert len(kept) == 4_000 and all(len(b) >= 2000 for b in kept)  # the live blocks are untouched


def test_release_is_harmless_without_glibc(monkeypatch):
    import analysis.running.memory as memory

    monkeypatch.setattr(memory, "_TRIM", None)
    assert memory.can_release() is False
    assert memory.release_free_memory() is False
