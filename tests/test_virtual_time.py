"""The offline world's clock (components/offline/virtual_time.py): the program's waits pass at once, in the order
of their deadlines, and the clock shows the time they stood for."""

from __future__ import annotations

import asyncio

from components.offline.virtual_time import VirtualTimeLoop


def test_waits_end_in_deadline_order_and_the_clock_counts_them() -> None:
    loop = VirtualTimeLoop()
    ended: list[float] = []

    async def wait(seconds: float) -> None:
        await asyncio.sleep(seconds)
        ended.append(seconds)

    async def all_waits() -> float:
        start = loop.time()
        await asyncio.gather(wait(300.0), wait(0.25), wait(15.0))
        return loop.time() - start

    try:
        elapsed = loop.run_until_complete(all_waits())
    finally:
        loop.close()
    assert ended == [0.25, 15.0, 300.0]
    assert elapsed >= 300.0
