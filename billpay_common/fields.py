"""marshmallow fields every service shares."""

from datetime import UTC

from marshmallow import fields


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 datetime with its offset: stored naive in UTC, sent as "2026-11-25T13:27:42+00:00"."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
