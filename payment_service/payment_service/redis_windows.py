"""card_testing's decline windows in Redis: one sorted set per subject (attempt ids scored by their time in ms),
trimmed, counted and taken by one Lua script, so every process and replica shares the counts atomically.

While Redis cannot be reached, payments go on uncounted (a warning each time): payments work through a Redis
outage, as the receipts' outbox does, and the windows fill again once it is back."""

import logging
import math
from collections.abc import Sequence

from redis import Redis, RedisError

from .card_testing import Block, Window

log = logging.getLogger(__name__)

# KEYS: the windows; ARGV: now (ms), the attempt id, then per window its limit's declines and seconds.
# Returns {window index, ms until free, ...} for the full windows (then nothing is taken), else {} and takes a
# place in every window. The oldest attempt that keeps a window full is at rank count - declines. An attempt
# already in a window (a retry with the same Idempotency-Key) keeps its place and time there.
TAKE = """
local now, attempt, blocked = tonumber(ARGV[1]), ARGV[2], {}
for i, key in ipairs(KEYS) do
  local most, span = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i]) * 1000
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local count = redis.call('ZCARD', key)
  if count >= most and not redis.call('ZSCORE', key, attempt) then
    local oldest = redis.call('ZRANGE', key, count - most, count - most, 'WITHSCORES')
    table.insert(blocked, i - 1)
    table.insert(blocked, tonumber(oldest[2]) + span - now)
  end
end
if #blocked == 0 then
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, 'NX', now, attempt)
    redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]) * 1000)
  end
end
return blocked
"""


class RedisDeclineWindows:
    def __init__(self, client: Redis, prefix: str) -> None:
        self.client, self.prefix = client, prefix
        self._take = client.register_script(TAKE)

    def key(self, kind: str, subject: str) -> str:
        return f"{self.prefix}card_testing:{kind}:{subject}"

    def take(self, windows: Sequence[Window], attempt: str, now: float) -> list[Block]:
        if not windows:
            return []
        limits = [value for window in windows for value in (window.limit.declines, window.limit.seconds)]
        keys = [self.key(window.limit.kind, window.subject) for window in windows]
        try:
            found = self._take(keys=keys, args=[int(now * 1000), attempt, *limits])
        except RedisError as down:
            log.warning("card testing: Redis unreachable, payment attempt %s not counted: %s", attempt, down)
            return []
        return [
            Block(windows[int(index)], max(1, math.ceil(int(wait_ms) / 1000)))
            for index, wait_ms in zip(found[::2], found[1::2], strict=True)
        ]

    def give_back(self, windows: Sequence[Window], attempt: str) -> None:
        try:
            with self.client.pipeline() as pipe:
                for window in windows:
                    pipe.zrem(self.key(window.limit.kind, window.subject), attempt)
                pipe.execute()
        except RedisError as down:  # its place ages out with the window
            log.warning("card testing: Redis unreachable, attempt %s keeps its place: %s", attempt, down)

    def lift(self, kind: str, subject: str) -> bool:
        return bool(self.client.delete(self.key(kind, subject)))

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
