"""Waiting on something another process does: poll to a deadline, never a bare sleep."""

import time


def wait_for(condition, timeout=20.0, what="the condition", interval=0.05):
    """Poll until condition() is truthy; its value, or AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
