"""Just enough of a browser for tests of the portal without JavaScript: a cookie jar, and forms posted with their
CSRF token (repeated fields such as checkboxes as lists of pairs). Bodies may be binary (PDFs)."""
import re

import urllib3

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    def __init__(self, base_url):
        self.base_url = base_url
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if fields is not None:
            response = self.http.request_encode_body(method, self.base_url + path, fields=fields, headers=headers,
                                                     encode_multipart=False, redirect=False)
        else:
            response = self.http.request(method, self.base_url + path, headers=headers, redirect=False)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]
        response.text = response.data.decode(errors="replace")
        return response

    @staticmethod
    def csrf_of(page):
        return CSRF_FIELD.search(page.text).group(1)

    def csrf(self, path):
        return self.csrf_of(self.request("GET", path))

    def login(self, username, password):
        return self.request("POST", "/login", {"csrf_token": self.csrf("/login"), "username": username,
                                               "password": password})
