"""Python's cyclic garbage collector, tuned for running the program offline.

A run of the program under the mock runtime makes tens of thousands of short-lived objects (outputs, futures,
callbacks) beside a large heap of imported SDK modules. With the default threshold (a collection every 700 new
objects) the collector rescans that heap so often that it took a third of a preview's time and half of each
program run in the tests. What is loaded when this is called is frozen out of the scans, and a collection runs
every 50,000 new objects; reference counting still frees at once everything that is not in a cycle.
"""

from __future__ import annotations

import gc
from typing import Final

THRESHOLD: Final = (50_000, 20, 20)


def collect_cycles_rarely() -> None:
    """Call once the heavy imports are done: a process's entry point, a test session after collection."""
    gc.freeze()
    gc.set_threshold(*THRESHOLD)
