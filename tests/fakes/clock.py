"""A clock that never sleeps: time moves only when someone waits, and every wait is recorded."""

from __future__ import annotations


class FakeClock:
    def __init__(self, now: float = 1_790_000_000.0):  # 2026-09-21
        self.current = now
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += seconds
