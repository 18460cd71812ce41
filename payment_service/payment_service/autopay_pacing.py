"""How fast and how wide the AutoPay run charges: a Pacer under the processor's rate limit, shared by every worker
thread, and a gauge of the charges in flight (the run reports the most it reached)."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Pacer:
    """At most `per_second` charges started per second, evenly spaced, whatever the number of threads asking:
    each caller takes the next free slot under the lock and sleeps until it outside the lock."""

    per_second: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    next_at: float = field(default=0.0)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            slot = max(now, self.next_at)  # a run slower than the limit never bursts to catch up
            self.next_at = slot + 1 / self.per_second
        if slot > now:
            self.sleep(slot - now)


@dataclass
class InFlight:
    """Charges started and not yet answered, and the most there were at once."""

    now: int = 0
    most: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @contextmanager
    def one(self) -> Iterator[None]:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            yield
        finally:
            with self._lock:
                self.now -= 1
