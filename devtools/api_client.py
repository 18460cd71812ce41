"""A small JSON client over real HTTP for the end-to-end tests and the benchmarks."""

import json

import urllib3


class ApiClient:
    """JSON over real HTTP, as a caller of the public API or of a service directly."""

    def __init__(self, base_url, headers=None):
        self.base_url = base_url
        self.headers = dict(headers or {})
        self.http = urllib3.PoolManager(retries=False, timeout=30)

    def request(self, method, path, body=None, headers=None, raw=None):
        all_headers = {**self.headers, **(headers or {})}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        response = self.http.request(method, self.base_url + path, body=data, headers=all_headers, redirect=False)
        try:
            response.json_body = json.loads(response.data) if response.data else None
        except ValueError:
            response.json_body = None
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)
