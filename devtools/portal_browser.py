"""The portal as a browser without JavaScript sees it, over real HTTP: a cookie jar (the raw Set-Cookie headers
kept too), forms posted with their CSRF token (repeated fields such as checkboxes as lists of pairs), JSON posts.
Bodies may be binary (PDFs). The end-to-end and security tests and bench/ use it; the Chromium tests drive the real
browser instead (tests/support/chromium_portal.py)."""

import re

import urllib3

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PortalBrowser:
    def __init__(self, base_url, headers=None):
        self.base_url = base_url
        self.headers = dict(headers or {})
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.cookies = {}
        self.set_cookie_headers = []
        self.account = None  # whose login this browser holds, once login() succeeded

    def request(self, method, path, fields=None, headers=None, json_body=None):
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        url = self.base_url + path
        if json_body is not None:
            response = self.http.request(method, url, json=json_body, headers=all_headers, redirect=False)
        elif fields is not None:
            response = self.http.request_encode_body(
                method, url, fields=fields, headers=all_headers, encode_multipart=False, redirect=False
            )
        else:
            response = self.http.request(method, url, headers=all_headers, redirect=False)
        self._keep_cookies(response)
        response.text = response.data.decode(errors="replace")
        return response

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    @staticmethod
    def csrf_of(page):
        match = CSRF_FIELD.search(page.text)
        assert match, f"no csrf_token field on the page ({page.status})"
        return match.group(1)

    def csrf_token(self, path):
        return self.csrf_of(self.get(path))

    def login(self, username, password):
        """The Login form posted; the response (302 to Billing when it worked)."""
        response = self.request(
            "POST", "/login", {"csrf_token": self.csrf_token("/login"), "username": username, "password": password}
        )
        if response.status == 302:
            self.account = username
        return response

    def signed_in(self):
        return self.get("/billing").status == 200
