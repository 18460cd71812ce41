"""Which AutoPay attempt comes next, and the pacing under the processor's rate limit (pure, no I/O)."""

from collections import namedtuple
from datetime import date, datetime, timedelta

from payment_service.autopay_run import Pacer, next_attempt
from payment_service.payment_status import PaymentStatus

Row = namedtuple("Row", "attempt run_date created_at status")
ENROLLED = datetime(2026, 12, 1, 9, 0)
DUE = date(2026, 12, 15)
SCHEDULE = [3, 7]


def row(number, run_date, status, created=ENROLLED + timedelta(hours=1)):
    return Row(number, run_date, created, status)


def test_the_first_attempt_is_number_one():
    assert next_attempt([], ENROLLED, DUE, SCHEDULE) == 1


def test_nothing_while_a_charge_is_in_flight_or_done():
    for status in (PaymentStatus.PROCESSING, PaymentStatus.PENDING, PaymentStatus.SUCCEEDED):
        assert next_attempt([row(1, DUE, status)], ENROLLED, DUE, SCHEDULE) is None


def test_a_decline_is_retried_on_each_day_of_the_schedule_counted_from_the_first_try():
    declined = [row(1, DUE, PaymentStatus.DECLINED)]
    assert next_attempt(declined, ENROLLED, DUE + timedelta(days=2), SCHEDULE) is None
    assert next_attempt(declined, ENROLLED, DUE + timedelta(days=3), SCHEDULE) == 2
    twice = declined + [row(2, DUE + timedelta(days=3), PaymentStatus.DECLINED)]
    assert next_attempt(twice, ENROLLED, DUE + timedelta(days=6), SCHEDULE) is None
    assert next_attempt(twice, ENROLLED, DUE + timedelta(days=7), SCHEDULE) == 3


def test_after_the_last_retry_nothing_more():
    three = [row(number, DUE, PaymentStatus.DECLINED) for number in (1, 2, 3)]
    assert next_attempt(three, ENROLLED, DUE + timedelta(days=100), SCHEDULE) is None


def test_a_new_enrolment_starts_the_schedule_afresh():
    three = [row(number, DUE, PaymentStatus.DECLINED) for number in (1, 2, 3)]
    assert next_attempt(three, ENROLLED + timedelta(days=30), DUE + timedelta(days=31), SCHEDULE) == 4


def test_an_attempt_that_charged_nothing_is_tried_again_at_once():
    assert next_attempt([row(1, DUE, PaymentStatus.FAILED)], ENROLLED, DUE, SCHEDULE) == 2


class FakeClock:
    def __init__(self):
        self.now, self.slept = 0.0, []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_pacer_spaces_charges_under_the_rate_limit():
    clock = FakeClock()
    pacer = Pacer(4, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        pacer.wait()
    assert clock.slept == [0.25] * 4 and clock.now == 1.0


def test_the_pacer_does_not_wait_when_charges_are_slower_than_the_limit():
    clock = FakeClock()
    pacer = Pacer(100, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        pacer.wait()
        clock.now += 0.4  # a processor answering in 400 ms
    assert clock.slept == []


def test_threads_sharing_the_pacer_each_get_a_slot_of_their_own():
    import threading

    clock = FakeClock()
    slept, lock = [], threading.Lock()

    def sleep(seconds):  # the clock stands still: each thread's wait is its distance to its own slot
        with lock:
            slept.append(round(seconds, 6))

    pacer = Pacer(10, clock=clock, sleep=sleep)
    threads = [threading.Thread(target=pacer.wait) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == [round(n / 10, 6) for n in range(1, 20)]  # the first one starts at once


def test_the_in_flight_gauge_keeps_the_most_at_once():
    from payment_service.autopay_pacing import InFlight

    gauge = InFlight()
    with gauge.one(), gauge.one():
        pass
    with gauge.one():
        pass
    assert gauge.most == 2 and gauge.now == 0
