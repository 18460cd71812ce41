"""card_testing's decline windows in Redis: per subject one sorted set of its declines and one of the attempts in
flight (attempt ids scored by their time in ms), trimmed, counted and taken by one Lua script, so every process and
replica shares the counts atomically.

While Redis cannot be reached, payments go on uncounted (a warning each time): payments work through a Redis
outage, as the receipts' outbox does, and the windows fill again once it is back."""

import logging
import math
from collections.abc import Sequence

from redis import Redis, RedisError

from .card_testing import CARD, SETTLING, Block, Window

log = logging.getLogger(__name__)

# KEYS: per window its declines' set, then its in-flight set; ARGV: now (ms), the attempt id, SETTLING, 1 to
# count attempts in flight (0 for a card just approved), then per window its limit's declines and seconds.
# Returns {window index, ms until free, ...} for the full windows (then nothing is taken), else {} and takes an
# in-flight place in every window (when counted). A window is full when its declines reach the limit (the oldest
# decline that keeps it full is at rank count - declines), or, waiting SETTLING, when its declines and the other
# attempts in flight together reach the limit. An attempt already counted in a window (a retry with the same
# Idempotency-Key) keeps its place and time there.
TAKE = """
local now, attempt, blocked = tonumber(ARGV[1]), ARGV[2], {}
local settling, counted = tonumber(ARGV[3]), ARGV[4] == '1'
for i = 1, #KEYS / 2 do
  local declines, flying = KEYS[2 * i - 1], KEYS[2 * i]
  local most, span = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i]) * 1000
  redis.call('ZREMRANGEBYSCORE', declines, '-inf', now - span)
  redis.call('ZREMRANGEBYSCORE', flying, '-inf', now - span)
  local known = redis.call('ZSCORE', declines, attempt) or redis.call('ZSCORE', flying, attempt)
  local count = redis.call('ZCARD', declines)
  if not known then
    if count >= most then
      local oldest = redis.call('ZRANGE', declines, count - most, count - most, 'WITHSCORES')
      table.insert(blocked, i - 1)
      table.insert(blocked, tonumber(oldest[2]) + span - now)
    elseif counted and count + redis.call('ZCARD', flying) >= most then
      table.insert(blocked, i - 1)
      table.insert(blocked, settling)
    end
  end
end
if #blocked == 0 and counted then
  for i = 1, #KEYS / 2 do
    if not redis.call('ZSCORE', KEYS[2 * i - 1], attempt) then
      redis.call('ZADD', KEYS[2 * i], 'NX', now, attempt)
    end
    redis.call('PEXPIRE', KEYS[2 * i], tonumber(ARGV[4 + 2 * i]) * 1000)
  end
end
return blocked
"""

# KEYS: per window its declines' set, then its in-flight set, then the card's approval; ARGV: the attempt id, now
# (ms), then per window its seconds. The attempt's in-flight place becomes a decline at the time the place was
# taken (now, for an attempt that took none), and the card is no longer one just approved.
DECLINE = """
for i = 1, (#KEYS - 1) / 2 do
  local declines, flying = KEYS[2 * i - 1], KEYS[2 * i]
  local taken = redis.call('ZSCORE', flying, ARGV[1]) or ARGV[2]
  redis.call('ZADD', declines, 'NX', taken, ARGV[1])
  redis.call('ZREM', flying, ARGV[1])
  redis.call('PEXPIRE', declines, tonumber(ARGV[2 + i]) * 1000)
end
redis.call('DEL', KEYS[#KEYS])
return 0
"""


def _block(window: Window, wait_ms: int) -> Block:
    if wait_ms == SETTLING:
        return Block(window, 1, settling=True)
    return Block(window, max(1, math.ceil(wait_ms / 1000)))


class RedisDeclineWindows:
    def __init__(self, client: Redis, prefix: str) -> None:
        self.client, self.prefix = client, prefix
        self._take = client.register_script(TAKE)
        self._decline = client.register_script(DECLINE)

    def key(self, kind: str, subject: str) -> str:
        """The subject's declines."""
        return f"{self.prefix}card_testing:{kind}:{subject}"

    def in_flight_key(self, kind: str, subject: str) -> str:
        return f"{self.prefix}card_testing:{kind}:{subject}:in_flight"

    def _keys(self, windows: Sequence[Window]) -> list[str]:
        subjects = [(window.limit.kind, window.subject) for window in windows]
        return [key for subject in subjects for key in (self.key(*subject), self.in_flight_key(*subject))]

    def approval_key(self, windows: Sequence[Window]) -> str:
        """The marker of the attempt's card approved within its window and not declined since."""
        card = next((window.subject for window in windows if window.limit.kind == CARD), "")
        return f"{self.prefix}card_testing:{CARD}:{card}:approved"

    def card_approved(self, windows: Sequence[Window]) -> bool:
        if not any(window.limit.kind == CARD for window in windows):
            return False
        try:
            return bool(self.client.exists(self.approval_key(windows)))
        except RedisError:
            return False

    def approve(self, windows: Sequence[Window], attempt: str) -> None:
        self.give_back(windows, attempt)
        seconds = next((window.limit.seconds for window in windows if window.limit.kind == CARD), 0)
        if seconds:
            try:
                self.client.set(self.approval_key(windows), "1", ex=seconds)
            except RedisError as down:
                log.warning("card testing: Redis unreachable, approval of attempt %s not kept: %s", attempt, down)

    def take(self, windows: Sequence[Window], attempt: str, now: float, in_flight: bool = True) -> list[Block]:
        if not windows:
            return []
        limits = [value for window in windows for value in (window.limit.declines, window.limit.seconds)]
        args: list[str | int] = [int(now * 1000), attempt, SETTLING, int(in_flight), *limits]
        try:
            found = self._take(keys=self._keys(windows), args=args)
        except RedisError as down:
            log.warning("card testing: Redis unreachable, payment attempt %s not counted: %s", attempt, down)
            return []
        return [
            _block(windows[int(index)], int(wait_ms)) for index, wait_ms in zip(found[::2], found[1::2], strict=True)
        ]

    def decline(self, windows: Sequence[Window], attempt: str, now: float) -> None:
        if not windows:
            return
        keys = [*self._keys(windows), self.approval_key(windows)]
        try:
            self._decline(keys=keys, args=[attempt, int(now * 1000), *(window.limit.seconds for window in windows)])
        except RedisError as down:
            log.warning("card testing: Redis unreachable, declined attempt %s not counted: %s", attempt, down)

    def give_back(self, windows: Sequence[Window], attempt: str) -> None:
        try:
            with self.client.pipeline() as pipe:
                for window in windows:
                    pipe.zrem(self.in_flight_key(window.limit.kind, window.subject), attempt)
                pipe.execute()
        except RedisError as down:  # its place ages out with the window
            log.warning("card testing: Redis unreachable, attempt %s keeps its place: %s", attempt, down)

    def lift(self, kind: str, subject: str) -> bool:
        return bool(self.client.delete(self.key(kind, subject), self.in_flight_key(kind, subject)))

    def count_decline(self, now: float, seconds: int) -> int:
        key = f"{self.prefix}card_testing:burst:{int(now // seconds)}"
        try:
            with self.client.pipeline() as pipe:  # MULTI/EXEC: the count and its expiry together
                pipe.incr(key)
                pipe.expire(key, seconds * 2)
                count, _ = pipe.execute()
        except RedisError:
            return 0
        return int(count)
