"""Calls between services: pooled keep-alive connections, a timeout on every call, the request id passed on."""

import json
from decimal import Decimal

import urllib3

from .logs import REQUEST_ID_HEADER, current_request_id

# Connection failures are retried (nothing was sent); read failures only for idempotent methods. An answer, even
# a 429 or 503 with Retry-After, is the caller's to read (urllib3 would otherwise raise on it).
_RETRY = urllib3.Retry(total=3, connect=2, read=1, status=0, redirect=0, other=0, respect_retry_after_header=False)
# Up to 128 idle connections kept per service: more than a process's threads, or calls beyond that open and drop
# a connection each (a gateway process holds one per payment in flight, the AutoPay run one per charge in flight).
_pool = urllib3.PoolManager(num_pools=16, maxsize=128, block=False, retries=_RETRY)


class ServiceUnavailable(Exception):
    """The other service did not answer in time, or at all, or failed (5xx)."""


class UpstreamError(Exception):
    """Another service refused a call (4xx): its status and the code, message and fields of its error envelope."""

    def __init__(self, status, code, message, fields=None, retry_after=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.retry_after = fields or {}, retry_after

    @classmethod
    def from_response(cls, response, default_message="The request was refused.", default_code="error"):
        try:
            body = response.json() or {}
        except ValueError:  # not JSON: a proxy's page, say
            body = {}
        error = (body.get("error") if isinstance(body, dict) else None) or {}
        return cls(
            response.status,
            error.get("code") or default_code,
            error.get("message") or default_message,
            error.get("fields"),
            response.headers.get("Retry-After"),
        )


def checked(response, service, refused=UpstreamError, **defaults):
    """The response of a 2xx; ServiceUnavailable for a 5xx; for the rest `refused` (UpstreamError or a subclass)
    made by its from_response with `defaults` (default_message, default_code)."""
    if response.ok:
        return response
    if response.status >= 500:
        raise ServiceUnavailable(f"{service} answered {response.status}")
    raise refused.from_response(response, **defaults)


class ServiceResponse:
    def __init__(self, status, data, headers):
        self.status = status
        self.data = data
        self.headers = headers

    @property
    def ok(self):
        return 200 <= self.status < 300

    def json(self):
        return json.loads(self.data, parse_float=Decimal) if self.data else None


def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


class ServiceClient:
    def __init__(self, base_url, timeout=5.0, headers=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = urllib3.Timeout(connect=min(timeout, 2.0), read=timeout)
        self.headers = dict(headers or {})

    def request(self, method, path, json_body=None, headers=None, body=None):
        all_headers = {**self.headers, **(headers or {})}
        request_id = current_request_id()
        if request_id:
            all_headers.setdefault(REQUEST_ID_HEADER, request_id)
        if json_body is not None:
            body = json.dumps(json_body, default=_encode).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            response = _pool.request(
                method,
                self.base_url + path,
                body=body,
                headers=all_headers,
                timeout=self.timeout,
                redirect=False,
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError as error:
            raise ServiceUnavailable(f"{self.base_url}: {type(error).__name__}") from error
        return ServiceResponse(response.status, response.data, response.headers)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json_body=None, **kwargs):
        return self.request("POST", path, json_body=json_body, **kwargs)
