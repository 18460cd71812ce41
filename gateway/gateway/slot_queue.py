"""A counted budget whose waiters are served in the order they came.

threading.Semaphore is not fair: a released slot goes to whichever thread asks first, and a thread just arriving
usually beats the waiter that release() woke, which then waits again at the back. Under a rush of payments that
turns an even queue into a long tail: most payments pass within a second or two, a few wait out the whole timeout.
Here release() hands its slot to the oldest waiter directly, so nobody can overtake it."""

import threading
from collections import deque


class SlotQueue:
    def __init__(self, slots: int):
        self._free = slots
        self._lock = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            handed = threading.Lock()
            handed.acquire()
            self._waiting.append(handed)
        if handed.acquire(timeout=timeout):
            return True
        with self._lock:
            if handed in self._waiting:
                self._waiting.remove(handed)
                return False
        return True  # release() handed this waiter the slot just as its wait ran out

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._free += 1

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)
