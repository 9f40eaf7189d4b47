"""The offline world's clock: a wait passes at once when nothing else is ready to run.

The program waits on a real deploy: between reads of a target while ADF makes a managed endpoint
(components/managed_network.py `CONNECTION_WAITS`, 0.25 s and growing). The fake cloud counts ADF's progress in
reads, not seconds (components/offline/managed_network_state.py), so sleeping those seconds here would only make
the preview and every run of a private stack slower (a quarter second per run). On this loop the clock jumps to
the next timer whenever the loop would block for it: timers still fire in the order of their deadlines, and the
program runs its real schedule, every read of it, without the wait. A worker thread's answer (the mock monitor
answers from threads) may come after a timer it would have beaten in real time; the fake cloud counts reads, so
what a run registers is the same either way.
"""

from __future__ import annotations

import asyncio
import selectors


class _SkippingSelector(selectors.DefaultSelector):
    """Asked to block until a timer is due, it looks once for ready I/O and otherwise reports the time as passed."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= 0:
            return super().select(timeout)
        ready = super().select(0)
        if not ready:
            self.skipped += timeout
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An asyncio loop whose clock is the real one plus every wait it skipped."""

    def __init__(self) -> None:
        self._skipping = _SkippingSelector()
        super().__init__(self._skipping)

    def time(self) -> float:
        return super().time() + self._skipping.skipped
