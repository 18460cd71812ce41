"""Card testing: declined attempts are counted per account, per client address and per card (its fingerprint) in
sliding windows; over a limit, further attempts are refused (429, Retry-After) before any reservation or charge.

Only declines that happened refuse: a window refuses when its declines reach the limit. An attempt takes an
in-flight place in each of its windows before the processor is called, in one atomic step (trim, count, refuse or
take). When the declines and the attempts in flight together fill a window, a new attempt is not refused for
declines that never happened: it waits (up to SETTLE_WAIT_SECONDS) for an attempt in flight to settle, then counts
again, so concurrent declining attempts can never overshoot a limit. In-flight places are counted only as far as
needed: an attempt with a card approved within its window and not declined since (a subscriber paying several
invoices at once with the card that just paid, a due-date rush of saved cards behind one NAT) takes none and
waits for none; only its declines, if it is declined after all, count. A declined attempt turns its places into
declines; any other outcome gives them back. The windows live in Redis (redis_windows.py), so every process and
replica sees the same counts. Each refusal is audited; the accounting office can lift a block. The window rules
here are pure, for unit tests.
"""

import contextlib
import dataclasses
import functools
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from billpay_common.errors import DomainError, TooManyRequests

from .processor.base import PaymentSource, Processor, ProcessorError

log = logging.getLogger(__name__)
FINGERPRINTS_REMEMBERED = 4096  # saved cards' fingerprints kept per process (about 1 MB)

ACCOUNT, ADDRESS, CARD = "account", "address", "card"
KINDS = (ACCOUNT, ADDRESS, CARD)
DECLINED_STATUS = 402
WHAT = {ACCOUNT: "this account", ADDRESS: "your network address", CARD: "this card"}


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `declines` declined attempts per subject of this kind within any `seconds`."""

    kind: str
    declines: int
    seconds: int


@dataclasses.dataclass(frozen=True)
class Window:
    """One subject's window: an account number, a client address or a card fingerprint, under its limit."""

    limit: Limit
    subject: str


@dataclasses.dataclass(frozen=True)
class Block:
    window: Window
    retry_after: int  # whole seconds until one more attempt is allowed
    settling: bool = False  # full of attempts in flight, not of declines: worth waiting for


SETTLING = -1  # a window's wait when attempts in flight, not declines, fill it: they settle within a charge
SETTLE_WAIT_SECONDS = 10.0  # how long a new attempt waits for attempts in flight to settle before a 429
SETTLE_POLL_SECONDS = 0.05


def seconds_until_free(declines: Sequence[float], limit: Limit, now: float, in_flight: int = 0) -> float | None:
    """None when one more attempt fits in the window; SETTLING when it fits once an attempt in flight settles;
    otherwise how long until enough declines have aged out. `declines` are the times of the declines (any order),
    `in_flight` the other attempts holding a place. The Redis script computes the same."""
    live = sorted(moment for moment in declines if moment > now - limit.seconds)
    if len(live) >= limit.declines:
        return live[len(live) - limit.declines] + limit.seconds - now
    if len(live) + in_flight >= limit.declines:
        return SETTLING
    return None


class TooManyDeclines(TooManyRequests):
    code = "too_many_declines"

    def __init__(self, block: Block) -> None:
        super().__init__(
            f"Too many declined payments from {WHAT[block.window.limit.kind]}. "
            f"Please try again in {_in_words(block.retry_after)}, or call us to pay by phone."
        )
        self.block = block
        self.headers = {"Retry-After": str(block.retry_after)}


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"


class DeclineWindows(Protocol):
    """Where the windows are kept (Redis; a dict in unit tests)."""

    def take(self, windows: Sequence[Window], attempt: str, now: float, in_flight: bool = True) -> list[Block]:
        """Atomically: the blocks when any window is full (nothing taken), or [] with an in-flight place taken in
        each (an attempt already holding a place or counted as a decline keeps it). Without `in_flight`, only
        declines fill a window and no place is taken."""

    def card_approved(self, windows: Sequence[Window]) -> bool:
        """The attempt's card (its CARD window's subject) was approved within its window, not declined since."""

    def approve(self, windows: Sequence[Window], attempt: str) -> None:
        """The attempt's places are freed and its card marked approved."""

    def decline(self, windows: Sequence[Window], attempt: str, now: float) -> None:
        """The attempt's in-flight places become declines, at the time each place was taken (now, when it took
        none), and its card is no longer marked approved."""

    def give_back(self, windows: Sequence[Window], attempt: str) -> None:
        """The attempt's in-flight places are freed (a decline it already counts stays)."""

    def lift(self, kind: str, subject: str) -> bool:
        """Empty that subject's window; True when it held any attempt."""

    def count_decline(self, now: float, seconds: int) -> int:
        """Count one decline service-wide in the fixed window of `seconds` holding now; the count so far."""


@dataclasses.dataclass(frozen=True)
class Burst:
    """More than `declines` declines service-wide within one fixed window of `seconds` is logged once."""

    declines: int
    seconds: int


class Attempt:
    """A payment attempt holding its places: `declined()` counts them as declines, `done()` gives them back."""

    def __init__(self, guard: "CardTestingGuard", windows: list[Window], attempt: str) -> None:
        self.guard, self.windows, self.attempt = guard, windows, attempt
        self.finished = False

    def declined(self) -> None:
        if not self.finished:
            self.guard.store.decline(self.windows, self.attempt, self.guard.clock())
            self.guard.declined()
            self.finished = True

    def approved(self) -> None:
        if not self.finished:
            self.guard.store.approve(self.windows, self.attempt)
            self.finished = True

    def done(self) -> None:
        if not self.finished:
            self.guard.store.give_back(self.windows, self.attempt)
            self.finished = True

    @contextlib.contextmanager
    def settled(self) -> Iterator[None]:
        """Around the charge: a decline (402) turns the places into declines; an approval (no error) frees them
        and marks the card approved; any other outcome frees them."""
        try:
            yield
        except DomainError as refused:
            if refused.status == DECLINED_STATUS:
                self.declined()
            else:
                self.done()
            raise
        except BaseException:
            self.done()
            raise
        self.approved()


class CardTestingGuard:
    def __init__(
        self,
        store: DeclineWindows,
        limits: Sequence[Limit],
        burst: Burst,
        audit: Callable[[Block, str], None],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store, self.limits, self.burst, self.audit, self.clock = store, list(limits), burst, audit, clock
        self.sleep = sleep

    def admit(self, account: str, subjects: dict[str, str], attempt: str) -> Attempt:
        """The attempt, holding a place in each window (subjects by kind; an empty subject is not counted), or
        TooManyDeclines, audited, for the block that lasts longest. A window full only of attempts in flight is
        waited for, up to SETTLE_WAIT_SECONDS."""
        windows = [Window(limit, subjects[limit.kind]) for limit in self.limits if subjects.get(limit.kind)]
        in_flight = not self.store.card_approved(windows)
        deadline = self.clock() + SETTLE_WAIT_SECONDS
        blocks = self.store.take(windows, attempt, self.clock(), in_flight)
        while blocks and all(block.settling for block in blocks) and self.clock() < deadline:
            self.sleep(SETTLE_POLL_SECONDS)
            blocks = self.store.take(windows, attempt, self.clock(), in_flight)
        if blocks:
            longest = max(blocks, key=lambda block: block.retry_after)
            for block in blocks:
                self.audit(block, account)
            log.warning(
                "card testing: payment attempt of account %s refused, %s",
                account,
                ", ".join(f"{block.window.limit.kind} over its limit" for block in blocks),
            )
            raise TooManyDeclines(longest)
        return Attempt(self, windows, attempt)

    def declined(self) -> None:
        count = self.store.count_decline(self.clock(), self.burst.seconds)
        if count == self.burst.declines + 1:
            log.warning(
                "card testing: more than %s declined payments across accounts within %s seconds",
                self.burst.declines,
                self.burst.seconds,
            )


def card_fingerprint(source: PaymentSource, processor: Processor) -> str:
    """The card's identity across payments, accounts and tokens, never its number: the processor's own
    fingerprint (Stripe's PaymentMethod card.fingerprint, the sandbox's); the token where it has none."""
    try:
        return _described_fingerprint(processor, source.token or "")
    except ProcessorError:
        return source.token or ""


@functools.lru_cache(maxsize=FINGERPRINTS_REMEMBERED)
def _described_fingerprint(processor: Processor, token: str) -> str:
    """Asked of the processor once per token and process: a token stands for one card, whose fingerprint never
    changes, and a saved card's payment asked it every time (a processor call: a GET to Stripe). A refusal or a
    timeout raises, so it is never remembered and the next payment asks again."""
    return processor.describe(token).fingerprint or token
