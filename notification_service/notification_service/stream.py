"""The e-mail queue on Redis Streams: one consumer group, acknowledgement after SMTP accepts, delayed retries."""

import time

import redis

from billpay_common.queue import EMAIL_GROUP, EMAIL_STREAM

# Moves retries that have come due from the schedule back onto the stream, atomically, so none is lost or doubled.
_RELEASE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, job in ipairs(due) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('XADD', KEYS[2], '*', 'job', job)
end
return #due
"""


class EmailStream:
    def __init__(self, client, key_prefix, group=EMAIL_GROUP):
        self.client = client
        self.key = key_prefix + EMAIL_STREAM
        self.retry_key = key_prefix + EMAIL_STREAM + ":retry"
        self.group = group
        self._release_due = client.register_script(_RELEASE_DUE)

    def ensure_group(self):
        try:
            self.client.xgroup_create(self.key, self.group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def enqueue(self, payload):
        return self.client.xadd(self.key, {"job": payload})

    def read(self, consumer, count, block_ms):
        """New entries for this consumer: [(entry_id, payload)]."""
        answer = self.client.xreadgroup(self.group, consumer, {self.key: ">"}, count=count, block=block_ms)
        return [(entry_id, fields.get(b"job")) for _, entries in answer or [] for entry_id, fields in entries]

    def claim_abandoned(self, consumer, min_idle_seconds, count):
        """Entries another consumer read but did not acknowledge for min_idle_seconds: its worker died."""
        answer = self.client.xautoclaim(
            self.key, self.group, consumer, int(min_idle_seconds * 1000), start_id="0-0", count=count
        )
        return [(entry_id, fields.get(b"job")) for entry_id, fields in answer[1] if fields]

    def ack(self, *entry_ids):
        self.client.xack(self.key, self.group, *entry_ids)

    def schedule_retry(self, entry_id, payload, delay_seconds):
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zadd(self.retry_key, {payload: time.time() + delay_seconds})
            pipe.xack(self.key, self.group, entry_id)
            pipe.execute()

    def release_due_retries(self, limit=100):
        return self._release_due(keys=[self.retry_key, self.key], args=[time.time(), limit])

    def trim_acknowledged(self):
        """Drop entries every consumer has acknowledged, so the stream does not grow for ever."""
        group = self._group_info()
        if group is None:
            return
        oldest = group["last-delivered-id"]
        pending = self.client.xpending(self.key, self.group)
        if pending["pending"]:
            oldest = pending["min"]
        self.client.xtrim(self.key, minid=oldest, approximate=True)

    def depth(self):
        """(waiting, in_hand, scheduled): not yet read, read but not acknowledged, waiting for a retry."""
        group = self._group_info()
        scheduled = self.client.zcard(self.retry_key)
        if group is None:
            return 0, 0, scheduled
        waiting = group.get("lag")
        if waiting is None:  # Redis before 7 does not report lag
            waiting = len(self.client.xrange(self.key, b"(" + _id(group["last-delivered-id"]), "+", count=100000))
        return waiting, group["pending"], scheduled

    def _group_info(self):
        try:
            groups = self.client.xinfo_groups(self.key)
        except redis.ResponseError:
            return None
        return next((group for group in groups if _id(group["name"]) == self.group.encode()), None)


def _id(value):
    return value if isinstance(value, bytes) else str(value).encode()
