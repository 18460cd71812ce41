"""The decline windows' rules and the guard around a payment attempt, with the windows kept in a dict."""

import logging

import pytest

from billpay_common.errors import Conflict, DomainError
from payment_service.card_testing import (
    ACCOUNT,
    ADDRESS,
    CARD,
    SETTLE_WAIT_SECONDS,
    SETTLING,
    Block,
    Burst,
    CardTestingGuard,
    Limit,
    TooManyDeclines,
    card_fingerprint,
    seconds_until_free,
)
from payment_service.processor import PaymentSource, ProcessorError

HOUR = 3600
LIMITS = [Limit(ACCOUNT, 5, HOUR), Limit(ADDRESS, 10, HOUR), Limit(CARD, 3, 24 * HOUR)]


class MemoryWindows:
    """The windows in dicts {(kind, subject): {attempt: time}} of declines and of attempts in flight, by the same
    rules as the Redis script."""

    def __init__(self):
        self.declines, self.in_flight, self.burst, self.approved = {}, {}, {}, set()

    def take(self, windows, attempt, now, in_flight=True):
        blocks = []
        for window in windows:
            subject = (window.limit.kind, window.subject)
            declined, flying = self.declines.get(subject, {}), self.in_flight.get(subject, {})
            live = sum(1 for moment in flying.values() if moment > now - window.limit.seconds) if in_flight else 0
            wait = seconds_until_free(list(declined.values()), window.limit, now, live)
            if wait is not None and attempt not in declined and attempt not in flying:
                settling = wait == SETTLING
                blocks.append(Block(window, 1 if settling else max(1, round(wait)), settling=settling))
        if not blocks and in_flight:
            for window in windows:
                subject = (window.limit.kind, window.subject)
                if attempt not in self.declines.get(subject, {}):
                    self.in_flight.setdefault(subject, {}).setdefault(attempt, now)
        return blocks

    def _card(self, windows):
        return next((window.subject for window in windows if window.limit.kind == CARD), None)

    def card_approved(self, windows):
        return self._card(windows) in self.approved

    def approve(self, windows, attempt):
        self.give_back(windows, attempt)
        self.approved.add(self._card(windows))

    def decline(self, windows, attempt, now):
        for window in windows:
            subject = (window.limit.kind, window.subject)
            taken = self.in_flight.get(subject, {}).pop(attempt, now)
            self.declines.setdefault(subject, {}).setdefault(attempt, taken)
        self.approved.discard(self._card(windows))

    def give_back(self, windows, attempt):
        for window in windows:
            self.in_flight.get((window.limit.kind, window.subject), {}).pop(attempt, None)

    def lift(self, kind, subject):
        held = self.declines.pop((kind, subject), None), self.in_flight.pop((kind, subject), None)
        return any(held)

    def count_decline(self, now, seconds):
        bucket = int(now // seconds)
        self.burst[bucket] = self.burst.get(bucket, 0) + 1
        return self.burst[bucket]


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now
        self.slept = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def audited():
    return []


@pytest.fixture
def guard(clock, audited):
    return CardTestingGuard(
        MemoryWindows(),
        LIMITS,
        Burst(3, 600),
        audit=lambda block, account: audited.append((block, account)),
        clock=clock,
        sleep=clock.sleep,
    )


def subjects(account="1001", address="203.0.113.7", card="card-a"):
    return {ACCOUNT: account, ADDRESS: address, CARD: card}


def decline(guard, attempt_id, **who):
    with pytest.raises(DomainError), guard.admit(who.get("account", "1001"), subjects(**who), attempt_id).settled():
        raise DomainError("declined", code="card_declined", status=402)


def test_an_attempt_fits_until_the_window_holds_the_limit():
    limit = Limit(ACCOUNT, 3, 60)
    assert seconds_until_free([], limit, 100.0) is None
    assert seconds_until_free([50.0, 60.0], limit, 100.0) is None
    assert seconds_until_free([50.0, 60.0, 70.0], limit, 100.0) == 10.0  # when the oldest leaves the window


def test_attempts_older_than_the_window_do_not_count():
    limit = Limit(ACCOUNT, 2, 60)
    assert seconds_until_free([10.0, 39.0, 90.0], limit, 100.0) is None
    assert seconds_until_free([40.5, 90.0], limit, 100.0) == pytest.approx(0.5)


def test_the_wait_is_until_enough_have_left_the_window_not_just_one():
    limit = Limit(ACCOUNT, 2, 60)
    assert seconds_until_free([50.0, 70.0, 80.0, 90.0], limit, 100.0) == 40.0  # 80 must leave: 80 + 60 - 100


def test_the_sixth_attempt_after_five_declines_on_one_account_is_refused_with_when_to_try(guard, clock, audited):
    for number in range(5):
        clock.now += 60
        decline(guard, f"p{number}", card=f"card-{number}")
    clock.now += 60
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("1001", subjects(card="card-new"), "p5")
    assert (refused.value.status, refused.value.code) == (429, "too_many_declines")
    first_decline_leaves = HOUR - 5 * 60
    assert refused.value.headers == {"Retry-After": str(first_decline_leaves)}
    assert "this account" in refused.value.message and "55 minutes" in refused.value.message
    [(block, account)] = audited
    assert (block.window.limit.kind, block.window.subject, account) == (ACCOUNT, "1001", "1001")


def test_an_attempt_that_is_not_declined_gives_its_place_back(guard):
    for number in range(10):
        with guard.admit("1001", subjects(), f"ok{number}").settled():
            pass  # approved
    with guard.admit("1001", subjects(), "next").settled():
        pass


def test_retries_of_one_attempt_share_its_place_and_a_declined_one_may_still_be_answered_again(guard):
    in_flight = [guard.admit("1001", subjects(), "same-key") for _ in range(20)]
    for number in range(4):
        decline(guard, f"p{number}", card=f"other-{number}")
    with pytest.raises(DomainError), in_flight[0].settled():
        raise DomainError("declined", code="card_declined", status=402)
    with pytest.raises(TooManyDeclines):
        guard.admit("1001", subjects(card="card-x"), "new-key")
    guard.admit("1001", subjects(), "same-key")  # its replay is the first request's answer, never a new charge


def test_other_refusals_and_failures_do_not_count_as_declines(guard):
    for number in range(6):
        with pytest.raises(Conflict), guard.admit("1001", subjects(), f"c{number}").settled():
            raise Conflict("more than the balance")
    with pytest.raises(RuntimeError), guard.admit("1001", subjects(), "boom").settled():
        raise RuntimeError("adapter bug")
    guard.admit("1001", subjects(), "still-allowed")


def test_a_card_declined_three_times_is_refused_on_any_account_and_address(guard, audited):
    for number in range(3):
        decline(guard, f"p{number}", account=f"200{number}", address=f"198.51.100.{number}", card="stolen")
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("3000", subjects(account="3000", address="192.0.2.1", card="stolen"), "p3")
    assert "this card" in refused.value.message
    assert audited[0][0].window.subject == "stolen"


def test_one_address_is_refused_after_ten_declines_across_accounts(guard):
    for number in range(10):
        decline(guard, f"p{number}", account=f"40{number}", card=f"card-{number}")
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("5000", subjects(account="5000", card="card-x"), "p10")
    assert "your network address" in refused.value.message


def test_concurrent_attempts_with_a_card_just_approved_take_no_place_and_wait_for_none(guard, clock):
    with guard.admit("1001", subjects(), "first").settled():
        pass  # approved
    in_flight = [guard.admit("1001", subjects(), f"p{number}") for number in range(50)]  # one account, one card
    assert clock.slept == 0.0
    for attempt in in_flight:
        with attempt.settled():
            pass
    guard.admit("1001", subjects(card="card-new"), "new")  # a card never approved takes its places as before


def test_a_card_just_approved_that_is_then_declined_counts_and_is_trusted_no_more(guard, clock):
    with guard.admit("1001", subjects(), "first").settled():
        pass
    trusted = [guard.admit("1001", subjects(), f"p{number}") for number in range(2)]
    for attempt in trusted:
        with pytest.raises(DomainError), attempt.settled():
            raise DomainError("declined", code="card_declined", status=402)
    in_flight = guard.admit("1001", subjects(), "p2")  # the card's window: two declines and one in flight
    with pytest.raises(TooManyDeclines):
        guard.admit("1001", subjects(), "p3")
    assert clock.slept >= SETTLE_WAIT_SECONDS
    in_flight.done()


def test_an_attempt_waits_while_attempts_in_flight_fill_a_window_then_is_refused_only_if_they_never_settle(
    guard, clock, audited
):
    in_flight = [guard.admit("1001", subjects(card=f"card-{number}"), f"p{number}") for number in range(5)]
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("1001", subjects(card="card-x"), "p5")
    assert clock.slept >= SETTLE_WAIT_SECONDS  # it waited for them first
    assert refused.value.headers == {"Retry-After": "1"}
    in_flight[0].done()
    guard.admit("1001", subjects(card="card-y"), "p6")


def test_declines_of_attempts_that_were_in_flight_together_count_up_to_the_limit_and_no_further(guard, clock):
    in_flight = [guard.admit("1001", subjects(card=f"card-{number}"), f"p{number}") for number in range(5)]
    for attempt in in_flight:
        with pytest.raises(DomainError), attempt.settled():
            raise DomainError("declined", code="card_declined", status=402)
    clock.slept = 0.0
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("1001", subjects(card="card-x"), "p5")
    assert clock.slept == 0.0  # the declines themselves fill the window: refused at once
    assert int(refused.value.headers["Retry-After"]) > 3000


def test_attempts_in_flight_count_with_the_declines_only_to_say_when_to_wait():
    limit = Limit(ACCOUNT, 3, 60)
    assert seconds_until_free([90.0], limit, 100.0, in_flight=1) is None
    assert seconds_until_free([90.0], limit, 100.0, in_flight=2) == SETTLING
    assert seconds_until_free([], limit, 100.0, in_flight=3) == SETTLING
    assert seconds_until_free([80.0, 85.0, 90.0], limit, 100.0, in_flight=0) == 40.0


def test_the_window_slides_and_the_office_can_lift_a_block(guard, clock):
    for number in range(5):
        decline(guard, f"p{number}", card=f"card-{number}")
    with pytest.raises(TooManyDeclines):
        guard.admit("1001", subjects(card="card-x"), "p5")
    assert guard.store.lift(ACCOUNT, "1001") is True
    guard.admit("1001", subjects(card="card-x"), "p6").done()
    for number in range(5):
        decline(guard, f"q{number}", card=f"other-{number}")
    clock.now += HOUR + 1
    guard.admit("1001", subjects(card="card-z"), "p7")


def test_the_longest_block_is_the_one_the_subscriber_is_told(guard, clock):
    for number in range(3):
        decline(guard, f"p{number}")  # one account, one card: the card's day-long window fills first
    with pytest.raises(TooManyDeclines) as refused:
        guard.admit("1001", subjects(), "p3")
    assert refused.value.block.window.limit.kind == CARD
    assert "24 hours" in refused.value.message


def test_a_burst_of_declines_across_accounts_is_logged_once_per_window(guard, clock, caplog):
    clock.now = 6000.0  # the start of a 600 s window
    with caplog.at_level(logging.WARNING, logger="payment_service.card_testing"):
        for number in range(6):
            decline(guard, f"p{number}", account=f"70{number}", address=f"192.0.2.{number}", card=f"c{number}")
    bursts = [record for record in caplog.records if "across accounts" in record.getMessage()]
    assert len(bursts) == 1 and "more than 3" in bursts[0].getMessage()


def test_a_token_is_known_by_the_processors_own_fingerprint_when_it_describes_tokens():
    class Described:
        fingerprint = "Xt5EWLLDS7FJjR1c"

    class Describing:
        def describe(self, token):
            assert token == "pm_123"
            return Described()

    assert card_fingerprint(PaymentSource(token="pm_123"), Describing()) == "Xt5EWLLDS7FJjR1c"


def test_a_token_the_processor_cannot_describe_is_known_by_the_token_itself():
    class Forgetful:
        def describe(self, token):
            raise ProcessorError("no such token")

    assert card_fingerprint(PaymentSource(token="pm_gone"), Forgetful()) == "pm_gone"


def test_a_tokens_fingerprint_is_asked_of_the_processor_once():
    class Counting:
        asked = 0

        def describe(self, token):
            self.asked += 1
            return type("Described", (), {"fingerprint": f"fp-{token}"})()

    processor = Counting()
    for _ in range(3):
        assert card_fingerprint(PaymentSource(token="pm_once"), processor) == "fp-pm_once"
    assert card_fingerprint(PaymentSource(token="pm_other"), processor) == "fp-pm_other"
    assert processor.asked == 2


def test_a_refused_description_is_asked_again_next_time():
    class RefusingOnce:
        asked = 0

        def describe(self, token):
            self.asked += 1
            if self.asked == 1:
                raise ProcessorError("the processor is having a moment")
            return type("Described", (), {"fingerprint": "fp-later"})()

    processor = RefusingOnce()
    assert card_fingerprint(PaymentSource(token="pm_later"), processor) == "pm_later"
    assert card_fingerprint(PaymentSource(token="pm_later"), processor) == "fp-later"
