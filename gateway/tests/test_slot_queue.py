import threading
import time

from gateway.slot_queue import SlotQueue


def _wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _queue_waiter(queue, name, served, lock):
    def wait():
        if queue.acquire(timeout=10):
            with lock:
                served.append(name)

    thread = threading.Thread(target=wait)
    before = queue.waiting()
    thread.start()
    _wait_until(lambda: queue.waiting() == before + 1)
    return thread


def test_waiters_get_the_slot_in_the_order_they_came_and_a_newcomer_cannot_overtake():
    queue = SlotQueue(1)
    assert queue.acquire(timeout=0)
    served, lock = [], threading.Lock()
    waiters = [_queue_waiter(queue, name, served, lock) for name in ("first", "second", "third")]

    queue.release()
    assert not queue.acquire(timeout=0.05)  # the freed slot went to "first", not to this newcomer
    _wait_until(lambda: served == ["first"])
    for expected in (["first", "second"], ["first", "second", "third"]):
        queue.release()
        _wait_until(lambda expected=expected: served == expected)
    for waiter in waiters:
        waiter.join(5)


def test_a_wait_that_runs_out_takes_no_slot_and_leaves_the_queue():
    queue = SlotQueue(1)
    assert queue.acquire(timeout=0)
    assert not queue.acquire(timeout=0.05)
    assert queue.waiting() == 0
    queue.release()
    assert queue.acquire(timeout=0)
    assert not queue.acquire(timeout=0)


def test_slots_free_at_once_until_the_budget_is_spent():
    queue = SlotQueue(3)
    assert [queue.acquire(timeout=0) for _ in range(4)] == [True, True, True, False]
    for _ in range(3):
        queue.release()
    assert [queue.acquire(timeout=0) for _ in range(3)] == [True, True, True]


def test_under_contention_every_acquire_that_succeeds_holds_one_of_the_slots():
    queue, slots = SlotQueue(2), 2
    holding, most, lock = [0], [0], threading.Lock()

    def worker():
        for _ in range(200):
            if queue.acquire(timeout=0.001):
                with lock:
                    holding[0] += 1
                    most[0] = max(most[0], holding[0])
                with lock:
                    holding[0] -= 1
                queue.release()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most[0] <= slots
    assert [queue.acquire(timeout=0) for _ in range(3)] == [True, True, False]  # no slot lost or made up
